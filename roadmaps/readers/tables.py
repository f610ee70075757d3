"""Tables as the parser reads them: one row a line, cells separated by " | ".

Every reader renders its tables through `table_lines`, so a plan table reads the same from
.docx, .doc, .odt, .rtf, .pdf, .xlsx and .html: a cell merged across several columns is
repeated in each (the columns stay aligned with the header), and a row that is one cell
across the whole table ("Региональный уровень") becomes a line of its own.
"""

from __future__ import annotations

import re

CELL_SEPARATOR = " | "

# A word hyphenated across the lines of a narrow cell: "Ответствен-" / "ные". Only a short
# lowercase tail is taken for a broken word; a longer one is a compound ("планы-" / "графики").
_BROKEN_WORD = re.compile(r"(?<=[а-яё])-\n(?=[а-яё]{1,3}\b)")
_COMPOUND = re.compile(r"(?<=\w)-\n(?=\w)")


def clean_cell(text: str | None) -> str:
    """A cell's text on one line, with the separator made unambiguous."""
    if not text:
        return ""
    text = _COMPOUND.sub("-", _BROKEN_WORD.sub("", text))
    return " ".join(text.replace("|", "/").split())


def table_lines(rows: list[list[str] | str]) -> list[str]:
    """Render rows (lists of cell texts, already cleaned; a `str` is a section row merged
    across the table) as lines. Rows with no text are dropped."""
    lines = []
    for row in rows:
        if isinstance(row, str):
            if row.strip():
                lines.append(row)
        elif any(cell for cell in row):
            lines.append(CELL_SEPARATOR.join(row))
    return lines

