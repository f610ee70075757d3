"""OpenDocument text (.odt): content.xml read with lxml, paragraphs, headings, list items
(with the numbers their list styles draw) and tables in document order, tables as " | "
rows (merges repeat their value, as in a .docx)."""

from __future__ import annotations

import contextlib

from roadmaps.parsed import DocumentError
from roadmaps.readers.tables import clean_cell, table_lines
from roadmaps.readers.zipsafe import open_zip
from tracker.core.i18n import _
from tracker.core.reasons import library_reason

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_P, _H = f"{{{TEXT}}}p", f"{{{TEXT}}}h"
_S, _TAB, _BR = f"{{{TEXT}}}s", f"{{{TEXT}}}tab", f"{{{TEXT}}}line-break"
_NOTE = f"{{{TEXT}}}note"
_LIST, _ITEM = f"{{{TEXT}}}list", f"{{{TEXT}}}list-item"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_TBL, _ROW = f"{{{TABLE}}}table", f"{{{TABLE}}}table-row"
_CELL, _COVERED = f"{{{TABLE}}}table-cell", f"{{{TABLE}}}covered-table-cell"


def odt_to_text(raw: bytes, *, name: str = "<odt>") -> str:
    """The text of an .odt.

    :raises DocumentError: not a readable .odt (or a zip bomb), or no text.
    """
    from lxml import etree

    archive = open_zip(raw, name=name, what=".odt")
    try:
        content = archive.read("content.xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(content, parser)
    except KeyError:
        raise DocumentError(
            _("{name}: not a readable .odt file (no content.xml)").format(name=name)) from None
    except Exception as exc:  # zlib, zipfile and lxml errors of a damaged file
        raise DocumentError(_("{name}: not a readable .odt file ({reason})").format(
            name=name, reason=library_reason(exc))) from None
    body = root.find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
    if body is None:
        raise DocumentError(_("{name}: not a readable .odt file (no text body)").format(name=name))
    styles = _list_styles(root)
    with contextlib.suppress(Exception):  # no or a damaged styles part: fewer numbers
        styles = {**_list_styles(etree.fromstring(archive.read("styles.xml"), parser)),
                  **styles}
    lines: list[str] = []
    _walk(body, lines, _Lists(styles))
    text = "\n".join(lines)
    if not text.strip():
        raise DocumentError(_("{name}: the document has no text").format(name=name))
    return text


def _walk(element, lines: list[str], lists: _Lists, label: str = "") -> None:
    for child in element:
        if child.tag in (_P, _H):
            text = _paragraph(child)
            lines.append(label + text if text else text)
            label = ""  # only the first paragraph of a list item carries its number
        elif child.tag == _TBL:
            lines.extend(["", *table_lines(_rows(child)), ""])
        elif child.tag == _LIST:
            lists.enter(child)
            _walk(child, lines, lists)
            lists.leave()
        elif child.tag == _ITEM:
            _walk(child, lines, lists, lists.next_label())
        else:  # sections, list headers, soft page breaks: their paragraphs in order
            _walk(child, lines, lists)


_RU_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"


def _list_styles(root) -> dict[str, dict[int, tuple[str, str, str, int]]]:
    """List style name -> level -> (format, prefix, suffix, levels shown); format "bullet"
    for a bullet level."""
    styles: dict[str, dict[int, tuple[str, str, str, int]]] = {}
    for style in root.iter(f"{{{TEXT}}}list-style"):
        levels = {}
        for level in style:
            number = int(level.get(f"{{{TEXT}}}level", "1"))
            if level.tag == f"{{{TEXT}}}list-level-style-bullet":
                levels[number] = ("bullet", "", "", 1)
            elif level.tag == f"{{{TEXT}}}list-level-style-number":
                levels[number] = (level.get(f"{{{STYLE}}}num-format", ""),
                                  level.get(f"{{{STYLE}}}num-prefix", ""),
                                  level.get(f"{{{STYLE}}}num-suffix", ""),
                                  int(level.get(f"{{{TEXT}}}display-levels", "1")))
        styles[style.get(f"{{{STYLE}}}name", "")] = levels
    return styles


def _format(fmt: str, value: int) -> str:
    if fmt in ("a", "A"):
        letter = chr(ord("a") + (value - 1) % 26)
        return letter if fmt == "a" else letter.upper()
    if fmt in ("а", "А"):
        letter = _RU_LETTERS[(value - 1) % len(_RU_LETTERS)]
        return letter if fmt == "а" else letter.upper()
    if fmt in ("i", "I"):
        roman = ""
        for number, digits in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
            while value >= number:
                roman, value = roman + digits, value - number
        return roman.lower() if fmt == "i" else roman
    return str(value)


class _Lists:
    """The numbers LibreOffice draws for list items (they are not in content.xml): one
    counter per level of each list style, restarted by a new top-level list unless it
    continues the previous one (text:continue-numbering, text:continue-list)."""

    def __init__(self, styles) -> None:
        self.styles = styles
        self.stack: list[str] = []  # the style of each open list, outermost first
        self.counters: dict[str, list[int]] = {}

    def enter(self, element) -> None:
        style = element.get(f"{{{TEXT}}}style-name") or (self.stack[-1] if self.stack else "")
        if not self.stack and element.get(f"{{{TEXT}}}continue-numbering") != "true" \
                and element.get(f"{{{TEXT}}}continue-list") is None:
            self.counters[style] = [0] * 10
        self.stack.append(style)

    def leave(self) -> None:
        self.stack.pop()

    def next_label(self) -> str:
        if not self.stack:
            return ""
        style, level = self.stack[-1], min(len(self.stack), 10)
        fmt, prefix, suffix, shown = self.styles.get(style, {}).get(level, ("", "", "", 1))
        if fmt == "bullet":
            return "• "
        counters = self.counters.setdefault(style, [0] * 10)
        counters[level - 1] += 1
        counters[level:] = [0] * (10 - level)
        if not fmt:
            return ""
        first = max(level - shown, 0)
        number = ".".join(_format(fmt, max(n, 1)) for n in counters[first:level])
        return f"{prefix}{number}{suffix} "


def _paragraph(element) -> str:
    parts: list[str] = []

    def collect(node) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == _S:
                parts.append(" " * int(child.get(f"{{{TEXT}}}c", "1")))
            elif child.tag in (_TAB, _BR):
                parts.append(" ")
            elif child.tag != _NOTE:  # footnote bodies are not the paragraph's text
                collect(child)
            if child.tail:
                parts.append(child.tail)

    collect(element)
    return "".join(parts).strip()


def _rows(table) -> list[list[str] | str]:
    rows: list[list[str] | str] = []
    above: dict[int, str] = {}  # column -> the text of a cell merged down over it
    for row in table.iter(_ROW):
        if next(row.iterancestors(_TBL)) is not table:
            continue  # a row of a nested table: its text is in the enclosing cell
        cells: list[str] = []
        across = 0  # covered cells still to come of a merge across columns
        first_span = 1
        for cell in row:
            repeat = min(int(cell.get(f"{{{TABLE}}}number-columns-repeated", "1")), 100)
            for _copy in range(repeat):
                if cell.tag == _COVERED:
                    if across:
                        cells.append(cells[-1])
                        across -= 1
                    else:
                        cells.append(above.get(len(cells), ""))
                    continue
                if cell.tag != _CELL:
                    break
                text = clean_cell(" ".join(_paragraph(p) for p in cell.iter(_P, _H)))
                colspan = int(cell.get(f"{{{TABLE}}}number-columns-spanned", "1"))
                if not cells:
                    first_span = colspan
                rowspan = int(cell.get(f"{{{TABLE}}}number-rows-spanned", "1"))
                for i in range(colspan):
                    if rowspan > 1:
                        above[len(cells) + i] = text
                    else:
                        above.pop(len(cells) + i, None)
                across = colspan - 1
                cells.append(text)
        if first_span > 1 and first_span >= len(cells):
            rows.append(cells[0])  # one cell across the whole table: a section row
        else:
            rows.append(cells)
    return rows
