"""RTF documents through striprtf. The 8-bit code page is the document's \\ansicpg (Word
writes \\ansicpg1251 for Russian), else Windows-1251 when a font declares the Cyrillic
charset (\\fcharset204), else Windows-1252. Table rows come out of striprtf as cells
ended by "|"; they are rendered as the " | " rows the other readers make. striprtf drops
the cell definitions, so a cell merged down over rows (\\clvmrg) is read from the row
definitions (\\trowd ... \\cellx) and repeats the value above it, as in a .docx, when
there is one definition per row striprtf returned (otherwise it stays empty)."""

from __future__ import annotations

import re

from roadmaps.parsed import DocumentError
from roadmaps.readers.tables import clean_cell, table_lines
from tracker.core.i18n import _
from tracker.core.reasons import library_reason

_ANSICPG = re.compile(rb"\\ansicpg(\d{3,5})")
_ROW_DEFINITION = re.compile(rb"\\trowd(.*?)(?=\\trowd|\\row\b|$)", re.DOTALL)
_CELL_WORD = re.compile(rb"\\(clvmrg|cellx)(?![a-z])")


def rtf_to_text(raw: bytes, *, name: str = "<rtf>") -> str:
    """The text of an RTF document.

    :raises DocumentError: not RTF, unreadable, or no text.
    """
    from striprtf.striprtf import rtf_to_text as strip

    if not raw.lstrip().startswith(b"{\\rtf"):
        raise DocumentError(_("{name}: not an RTF file").format(name=name))
    encoding = _encoding(raw[:65536])
    try:
        # The bytes outside \'xx escapes are ASCII; latin-1 keeps any stray byte as it is.
        text = strip(raw.decode("latin-1"), encoding=encoding, errors="replace")
    except (ValueError, IndexError, LookupError) as exc:
        raise DocumentError(
            _("{name}: not a readable RTF file ({reason})").format(
                name=name, reason=library_reason(exc))) from None
    lines = _lines(text, _merged_down(raw))
    if not "".join(lines).strip():
        raise DocumentError(_("{name}: the document has no text").format(name=name))
    return "\n".join(lines)


def _encoding(head: bytes) -> str:
    found = _ANSICPG.search(head)
    if found:
        encoding = f"cp{int(found.group(1))}"
        try:
            "".encode(encoding)
            return encoding
        except LookupError:
            pass
    return "cp1251" if b"\\fcharset204" in head else "cp1252"


def _merged_down(raw: bytes) -> list[list[bool]]:
    """For each table row definition, which of its cells continue the cell above."""
    if b"\\clvmrg" not in raw:
        return []
    flags = []
    for definition in _ROW_DEFINITION.finditer(raw):
        cells, pending = [], False
        for word in _CELL_WORD.finditer(definition.group(1)):
            if word.group(1) == b"clvmrg":
                pending = True
            else:
                cells.append(pending)
                pending = False
        flags.append(cells)
    return flags


def _lines(text: str, merged_down: list[list[bool]]) -> list[str]:
    raw_lines = text.replace("\r\n", "\n").split("\n")
    table_rows = sum(1 for line in raw_lines if line.endswith("|"))
    if len(merged_down) != table_rows:
        merged_down = []  # rows and definitions do not pair up: do not guess
    lines: list[str] = []
    rows: list[list[str] | str] = []
    above: list[str] = []
    row_index = 0
    for line in raw_lines:
        if line.endswith("|"):  # a table row: striprtf ends every cell with "|"
            cells = [clean_cell(cell) for cell in line[:-1].split("|")]
            flags = merged_down[row_index] if merged_down else []
            row_index += 1
            for col, down in enumerate(flags[:len(cells)]):
                if down and not cells[col] and col < len(above):
                    cells[col] = above[col]
            above = cells
            rows.append(cells if len(cells) > 1 else cells[0])
            continue
        if rows:
            lines.extend(["", *table_lines(rows), ""])
            rows = []
        lines.append(line)
    if rows:
        lines.extend(["", *table_lines(rows), ""])
    return lines
