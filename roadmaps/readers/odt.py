"""OpenDocument text (.odt): content.xml read with lxml, paragraphs, headings, list items
and tables in document order, tables as " | " rows (merges repeat their value, as in a
.docx)."""

from __future__ import annotations

from roadmaps.parsed import DocumentError
from roadmaps.readers.tables import clean_cell, table_lines
from roadmaps.readers.zipsafe import open_zip

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_P, _H = f"{{{TEXT}}}p", f"{{{TEXT}}}h"
_S, _TAB, _BR = f"{{{TEXT}}}s", f"{{{TEXT}}}tab", f"{{{TEXT}}}line-break"
_NOTE = f"{{{TEXT}}}note"
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
        raise DocumentError(f"{name}: not a readable .odt file (no content.xml)") from None
    except Exception as exc:  # zlib, zipfile and lxml errors of a damaged file
        raise DocumentError(f"{name}: not a readable .odt file ({type(exc).__name__})") from None
    body = root.find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
    if body is None:
        raise DocumentError(f"{name}: not a readable .odt file (no text body)")
    lines: list[str] = []
    _walk(body, lines)
    text = "\n".join(lines)
    if not text.strip():
        raise DocumentError(f"{name}: the document has no text")
    return text


def _walk(element, lines: list[str]) -> None:
    for child in element:
        if child.tag in (_P, _H):
            lines.append(_paragraph(child))
        elif child.tag == _TBL:
            lines.extend(["", *table_lines(_rows(child)), ""])
        else:  # lists, sections, list items, soft page breaks: their paragraphs in order
            _walk(child, lines)


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
            for _ in range(repeat):
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
