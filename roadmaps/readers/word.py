"""Word documents (.docx): word/document.xml read with lxml, paragraphs (with Word's
automatic numbers) and tables in document order.

The parser works on text only, so a table is rendered the way people paste tables into
plain text (see `roadmaps.readers.tables`): a cell merged across columns (gridSpan) or
down rows (vMerge) is repeated in each grid position, and a row that is one cell across
the whole table is a line of its own. This is what makes a .docx roadmap and its text form
import the same.

python-docx is not used to read: opening a package with it parses every part (the styles
part alone is often hundreds of KB) and costs ~15 ms a file; only document.xml,
numbering.xml and, scanned with a regular expression, the styles that number paragraphs
are read here.
"""

from __future__ import annotations

import re
import zipfile

from roadmaps.parsed import DocumentError
from roadmaps.readers.tables import CELL_SEPARATOR, clean_cell
from roadmaps.readers.zipsafe import open_zip
from tracker.core.i18n import _
from tracker.core.reasons import library_reason

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
_P, _TBL, _TR, _TC, _R, _T = (f"{_W}{tag}" for tag in ("p", "tbl", "tr", "tc", "r", "t"))
_VAL = f"{_W}val"
# Containers whose runs are the paragraph's text (a hyperlink, a tracked insertion, a
# smart tag, a simple field, a content control); deleted text (w:del) is not.
_RUN_CONTAINERS = {f"{_W}{tag}" for tag in ("hyperlink", "ins", "smartTag", "fldSimple",
                                            "sdt", "sdtContent", "customXml")}
_BLOCK_CONTAINERS = {f"{_W}{tag}" for tag in ("sdt", "sdtContent", "customXml")}


def docx_to_text(raw: bytes, *, name: str = "<docx>", archive: zipfile.ZipFile | None = None
                 ) -> str:
    """Paragraphs and tables of a .docx in document order, tables as " | " rows.
    `archive` is `raw` already opened by `roadmaps.readers.zipsafe.open_zip`.

    :raises DocumentError: not a readable .docx (or a zip bomb), or one with no text at all.
    """
    from lxml import etree

    archive = archive or open_zip(raw, name=name, what=".docx")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(archive.read("word/document.xml"), parser)
        numbering = _optional(archive, "word/numbering.xml")
        numbers = _ListNumbers(
            etree.fromstring(numbering, parser) if numbering else None,
            lambda: _optional(archive, "word/styles.xml"))
    except KeyError:
        raise DocumentError(
            _("{name}: not a readable .docx file (no word/document.xml)").format(name=name)) \
            from None
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, ValueError) as exc:
        raise DocumentError(_("{name}: not a readable .docx file ({reason})").format(
            name=name, reason=library_reason(exc))) \
            from None
    body = root.find(f"{_W}body")
    lines: list[str] = []
    if body is not None:
        _blocks(body, lines, numbers)
    text = "\n".join(lines)
    if not text.strip():
        raise DocumentError(_("{name}: the document has no text").format(name=name))
    return text


def _optional(archive: zipfile.ZipFile, member: str) -> bytes:
    try:
        return archive.read(member)
    except KeyError:
        return b""


def _blocks(parent, lines: list[str], numbers: _ListNumbers) -> None:
    for child in parent:
        if child.tag == _P:
            text = paragraph_text(child)
            lines.append(numbers.prefix(child) + text if text.strip() else text)
        elif child.tag == _TBL:
            lines.append("")  # a table is a block of its own, as in a pasted text
            lines.extend(_table_lines(child))
            lines.append("")
        elif child.tag in _BLOCK_CONTAINERS and not _is_contents(child):
            _blocks(child, lines, numbers)


def _is_contents(element) -> bool:
    """A table of contents in a content control: its lines ("1.8. Сроки ... 5") are
    headings with page numbers, not items (python-docx skipped every content control)."""
    gallery = element.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
    return gallery is not None and "contents" in (gallery.get(_VAL) or "").casefold()


def paragraph_text(p) -> str:
    """A paragraph's text as Word shows it: tabs, line breaks, non-breaking hyphens."""
    parts: list[str] = []
    _runs(p, parts)
    return "".join(parts)


def _runs(parent, parts: list[str]) -> None:
    for child in parent:
        if child.tag == _R:
            for item in child:
                tag = item.tag
                if tag == _T:
                    parts.append(item.text or "")
                elif tag in (f"{_W}tab", f"{_W}ptab"):
                    parts.append("\t")
                elif tag == f"{_W}br":
                    if item.get(f"{_W}type", "textWrapping") == "textWrapping":
                        parts.append("\n")
                elif tag == f"{_W}cr":
                    parts.append("\n")
                elif tag == f"{_W}noBreakHyphen":
                    parts.append("-")
        elif child.tag in _RUN_CONTAINERS:
            _runs(child, parts)


def _table_lines(table) -> list[str]:
    rows: list[str] = []
    above: dict[int, object] = {}  # grid column -> the cell a vMerge continues
    for tr in _children(table, _TR):  # a nested table's rows are not this table's
        grid: list[object] = []
        skip = _int(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
        grid.extend([None] * skip)
        for tc in _children(tr, _TC):
            props = tc.find(f"{_W}tcPr")
            span = _int(props.find(f"{_W}gridSpan") if props is not None else None, 1)
            merge = props.find(f"{_W}vMerge") if props is not None else None
            col = len(grid)
            if merge is not None and merge.get(_VAL, "continue") == "continue" \
                    and above.get(col) is not None:
                cell = above[col]  # merged down: the cell above, repeated
            else:
                cell = tc
            for offset in range(span):
                grid.append(cell)
                above[col + offset] = cell
        cells = [c for c in grid if c is not None]
        if not cells:
            continue
        if len({id(c) for c in grid}) == 1:
            rows.append(_cell_text(cells[0]))  # a section row merged across the whole table
        else:
            # Repeats are kept so that columns stay aligned with the header row.
            rows.append(CELL_SEPARATOR.join("" if c is None else _cell_text(c) for c in grid))
    return rows


def _children(parent, tag: str):
    """`parent`'s children with `tag`, looking through content controls and custom XML."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _BLOCK_CONTAINERS:
            yield from _children(child, tag)


def _int(element, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(_VAL, default))
    except ValueError:
        return default


def _cell_text(tc) -> str:
    # Keep the separator unambiguous and the row on one line.
    texts = (paragraph_text(p).strip() for p in tc.iterchildren(_P))
    return clean_cell(" ".join(t for t in texts if t))


_RU_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"  # Word's russianLower skips ё, й, ъ, ы, ь
_BASED_ON = re.compile(rb'<w:basedOn\s+w:val="([^"]*)"')
_NUM_ID = re.compile(rb'<w:numId\s+w:val="(\d+)"')
_ILVL = re.compile(rb'<w:ilvl\s+w:val="(\d+)"')


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
    parent, the label written by the level's own pattern ("%1.%2."). Numbering set by a
    paragraph's style (and the styles it is based on) counts too, but not numbering on the
    default paragraph style (Word's "Normal" never has it). List-style overrides and
    "start at" values other than 1 are not replayed.
    """

    def __init__(self, numbering, styles) -> None:
        self._numbering = numbering
        self._read_styles = styles  # the styles part is read when a style is looked up
        self._styles_part: bytes | None = None
        self._counters: dict[str, list[int]] = {}
        self._formats: dict[str, list[tuple[str, str]]] = {}
        # style id -> (based on, (numId, ilvl) or None), looked up in the styles part's
        # bytes on first use: a regular expression over the whole part costs more than
        # the rest of the reading.
        self._styles: dict[str, tuple[str | None, tuple[str, int] | None]] = {}

    def _style(self, style_id: str) -> tuple[str | None, tuple[str, int] | None]:
        if style_id in self._styles:
            return self._styles[style_id]
        xml = self._styles_xml
        at = xml.find(b'w:styleId="' + style_id.encode("utf-8") + b'"')
        info: tuple[str | None, tuple[str, int] | None] = (None, None)
        if at >= 0:
            body = xml[xml.rfind(b"<w:style", 0, at):xml.find(b"</w:style>", at)]
            based = _BASED_ON.search(body)
            num = _NUM_ID.search(body) if b"<w:numPr" in body else None
            level = _ILVL.search(body) if num else None
            info = (based.group(1).decode("utf-8", "replace") if based else None,
                    (num.group(1).decode(), int(level.group(1)) if level else 0)
                    if num else None)
        self._styles[style_id] = info
        return info

    @property
    def _styles_xml(self) -> bytes:
        if self._styles_part is None:
            self._styles_part = self._read_styles()
        return self._styles_part

    def prefix(self, p) -> str:
        if self._numbering is None:
            return ""
        found = self._num_pr(p)
        if found is None:
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

    def _num_pr(self, p) -> tuple[str, int] | None:
        p_pr = p.find(f"{_W}pPr")
        num_pr = p_pr.find(f"{_W}numPr") if p_pr is not None else None
        if num_pr is not None:
            num_id = num_pr.find(f"{_W}numId")
            if num_id is None or num_id.get(_VAL) in (None, "0"):
                return None
            return num_id.get(_VAL), _int(num_pr.find(f"{_W}ilvl"), 0)
        style = p_pr.find(f"{_W}pStyle") if p_pr is not None else None
        if style is None or b"<w:numPr" not in self._styles_xml:
            return None  # no style of its own, or no style numbers paragraphs
        style_id = style.get(_VAL)
        seen: set[str] = set()
        while style_id is not None and style_id not in seen:  # numbering set by the style
            seen.add(style_id)
            based, numbered = self._style(style_id)
            if numbered is not None:
                return None if numbered[0] == "0" else numbered
            style_id = based
        return None

    def _levels(self, num_id: str) -> list[tuple[str, str]]:
        if num_id in self._formats:
            return self._formats[num_id]
        ns = self._numbering
        num = next((n for n in ns.iterchildren(f"{_W}num") if n.get(f"{_W}numId") == num_id),
                   None)
        ref = num.find(f"{_W}abstractNumId") if num is not None else None
        abstract = None if ref is None else next(
            (a for a in ns.iterchildren(f"{_W}abstractNum")
             if a.get(f"{_W}abstractNumId") == ref.get(_VAL)), None)
        out = []
        for lvl in abstract.iterchildren(f"{_W}lvl") if abstract is not None else ():
            fmt, text = lvl.find(f"{_W}numFmt"), lvl.find(f"{_W}lvlText")
            out.append((fmt.get(_VAL) if fmt is not None else "decimal",
                        text.get(_VAL) if text is not None else ""))
        self._formats[num_id] = out
        return out
