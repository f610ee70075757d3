"""Word documents (.docx) through python-docx: paragraphs, auto-numbers and tables in
document order.

The parser works on text only, so a table is rendered the way people paste tables into
plain text (see `roadmaps.readers.tables`). This is what makes a .docx roadmap and its text
form import the same.
"""

from __future__ import annotations

import io
import zipfile

from roadmaps.parsed import DocumentError
from roadmaps.readers.tables import CELL_SEPARATOR, clean_cell
from roadmaps.readers.zipsafe import open_zip


def docx_to_text(raw: bytes, *, name: str = "<docx>") -> str:
    """Paragraphs and tables of a .docx in document order, tables as " | " rows.

    :raises DocumentError: not a readable .docx, or one with no text at all.
    """
    import docx  # python-docx is imported lazily: plain-text imports do not need it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    open_zip(raw, name=name, what=".docx")  # refuses a zip bomb before python-docx inflates
    try:
        document = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"{name}: not a readable .docx file ({exc})") from None
    except Exception as exc:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise DocumentError(f"{name}: not a readable .docx file ({type(exc).__name__})") from None
    lines: list[str] = []
    numbers = _ListNumbers(document)
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = paragraph.text
            lines.append(numbers.prefix(paragraph) + text if text.strip() else text)
        elif tag == "tbl":
            lines.append("")  # a table is a block of its own, as in a pasted text
            lines.extend(_table_lines(Table(child, document)))
            lines.append("")
    text = "\n".join(lines)
    if not text.strip():
        raise DocumentError(f"{name}: the document has no text")
    return text


def _table_lines(table) -> list[str]:
    rows = []
    for row in table.rows:
        grid = list(row.cells)  # a merged cell comes back once per grid column it spans
        if len({id(cell._tc) for cell in grid}) == 1:
            rows.append(_cell_text(grid[0]))  # a section row merged across the whole table
        else:
            # Repeats are kept so that columns stay aligned with the header row.
            rows.append(CELL_SEPARATOR.join(_cell_text(cell) for cell in grid))
    return rows


def _cell_text(cell) -> str:
    # Keep the separator unambiguous and the row on one line.
    return clean_cell(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))


_RU_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"  # Word's russianLower skips ё, й, ъ, ы, ь


def _roman(n: int) -> str:
    out = ""
    for value, digits in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + digits, n - value
    return out


class _ListNumbers:
    """The numbers Word draws for auto-numbered paragraphs ("1.", "1.1.", "а)", bullets).

    They are not in the paragraph's text, yet they are the items' labels, so we replay
    Word's counters: one per list and level, a level's counter restarting under a new
    parent, the label written by the level's own pattern ("%1.%2."). List-style overrides
    and "start at" values other than 1 are not replayed.
    """

    def __init__(self, document) -> None:
        try:
            self._numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            self._numbering = None
        self._counters: dict[str, list[int]] = {}

    def prefix(self, paragraph) -> str:
        found = self._num_pr(paragraph)
        if found is None or self._numbering is None:
            return ""
        num_id, level = found
        formats = self._levels(num_id)
        if not formats or level >= len(formats):
            return ""
        fmt, pattern = formats[level]
        if fmt == "bullet":
            return "• "
        counters = self._counters.setdefault(num_id, [0] * 9)
        counters[level] += 1
        for deeper in range(level + 1, 9):
            counters[deeper] = 0
        text = pattern
        for index in range(level + 1):
            value = max(counters[index], 1)
            text = text.replace(f"%{index + 1}", self._format(formats[index][0], value))
        return text + " " if text else ""

    @staticmethod
    def _format(fmt: str, value: int) -> str:
        if fmt in ("russianLower", "russianUpper"):
            letter = _RU_LETTERS[(value - 1) % len(_RU_LETTERS)]
            return letter if fmt == "russianLower" else letter.upper()
        if fmt in ("lowerLetter", "upperLetter"):
            letter = chr(ord("a") + (value - 1) % 26)
            return letter if fmt == "lowerLetter" else letter.upper()
        if fmt in ("upperRoman", "lowerRoman"):
            return _roman(value) if fmt == "upperRoman" else _roman(value).lower()
        return str(value)

    @staticmethod
    def _num_pr(paragraph) -> tuple[str, int] | None:
        p_pr = paragraph._p.pPr
        num_pr = p_pr.numPr if p_pr is not None else None
        style = paragraph.style
        while num_pr is None and style is not None:  # numbering set by the paragraph style
            s_pr = style.element.pPr
            num_pr = s_pr.numPr if s_pr is not None else None
            style = style.base_style
        if num_pr is None or num_pr.numId is None or num_pr.numId.val == 0:
            return None
        level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        return str(num_pr.numId.val), int(level)

    def _levels(self, num_id: str) -> list[tuple[str, str]]:
        from docx.oxml.ns import qn

        ns, val = self._numbering, qn("w:val")
        num = next((n for n in ns.iterchildren(qn("w:num")) if n.get(qn("w:numId")) == num_id),
                   None)
        ref = num.find(qn("w:abstractNumId")) if num is not None else None
        if ref is None:
            return []
        abstract = next((a for a in ns.iterchildren(qn("w:abstractNum"))
                         if a.get(qn("w:abstractNumId")) == ref.get(val)), None)
        if abstract is None:
            return []
        out = []
        for lvl in abstract.iterchildren(qn("w:lvl")):
            fmt, text = lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText"))
            out.append((fmt.get(val) if fmt is not None else "decimal",
                        text.get(val) if text is not None else ""))
        return out
