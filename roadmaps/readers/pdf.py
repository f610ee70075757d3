"""PDF documents with a text layer, through pdfplumber.

Ruled tables are found by pdfplumber's table finder and rendered as the " | " rows the
.docx reader makes (a cell merged across columns repeats its value; a row that is one cell
across the table is a section line). The text outside tables comes line by line in
reading order (top to bottom on each page; a paragraph wrapped over several lines is
joined by the parser, as in pasted text), and bare page numbers at the top or bottom edge are dropped.

A PDF without a text layer (a scan) is refused with one line: OCR is not supported.
"""

from __future__ import annotations

import io
import logging
import re

from roadmaps.parsed import DocumentError
from roadmaps.readers.tables import clean_cell, table_lines

_PAGE_NUMBER = re.compile(r"^(-\s*)?\d{1,4}(\s*-)?$|^(стр\.|страница)\s*\d+(\s*из\s*\d+)?$",
                          re.IGNORECASE)
# pdfminer logs every oddity of a damaged file as a warning; our one line says enough.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
_EDGE = 0.08  # the top and bottom 8 % of a page hold its running header and footer


def pdf_to_text(raw: bytes, *, name: str = "<pdf>") -> str:
    """The text of a PDF, tables as " | " rows.

    :raises DocumentError: encrypted, not a readable PDF, or without a text layer.
    """
    import pdfplumber

    lines: list[str] = []
    any_text = False
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            for page in pdf.pages:
                page_lines, has_text = _page_lines(page)
                any_text |= has_text
                lines.extend(page_lines)
                page.close()  # frees the page's parsed objects: long PDFs stay small
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many types for damaged files
        raise _error(exc, name) from None
    if not any_text:
        raise DocumentError(f"{name}: the PDF has no text layer (a scanned document?); "
                            "OCR is not supported: import a PDF with text, .docx or .txt")
    return "\n".join(lines)


def _error(exc: Exception, name: str) -> DocumentError:
    chain, seen = [], exc
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__ or (
            seen.args[0] if seen.args and isinstance(seen.args[0], Exception) else None)
    kinds = " ".join(type(e).__name__ for e in chain).casefold()
    if "password" in kinds or "encrypt" in kinds:
        return DocumentError(f"{name}: the PDF is encrypted (password-protected); save it "
                             "without a password and import again")
    detail = next((str(e) for e in chain if str(e).strip()), type(chain[-1]).__name__)
    detail = " ".join(detail.split())[:120]
    return DocumentError(f"{name}: not a readable PDF file ({detail})")


def _page_lines(page) -> tuple[list[str], bool]:
    """The page's lines in reading order and whether the page has any text at all."""
    if not page.chars:
        return [], False
    # Only ruled pages can hold a ruled table; text pages skip the (costly) table finder.
    tables = page.find_tables() if page.rects or page.lines else []
    boxes = [table.bbox for table in tables]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        mid_x, mid_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= mid_x <= x1 and top <= mid_y <= bottom
                       for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    blocks: list[tuple[float, float, list[str]]] = []  # (top, bottom, lines)
    height = float(page.height)
    for line in text_page.extract_text_lines(return_chars=False):
        text = line["text"].strip()
        at_edge = line["top"] < height * _EDGE or line["bottom"] > height * (1 - _EDGE)
        if not text or (at_edge and _PAGE_NUMBER.match(text)):
            continue
        blocks.append((line["top"], line["bottom"], [text]))
    for table in tables:
        rows = _table_rows(table.extract())
        if rows:
            blocks.append((table.bbox[1], table.bbox[3], ["", *table_lines(rows), ""]))
    blocks.sort(key=lambda block: block[0])
    lines = [line for _, _, block_lines in blocks for line in block_lines]
    lines.append("")  # a page break ends a paragraph
    return lines, True


def _table_rows(extracted: list[list[str | None]]) -> list[list[str] | str]:
    """pdfplumber's rows (None for a cell covered by a merge) as rendered rows."""
    rows: list[list[str] | str] = []
    above: list[str] = []
    for raw_row in extracted:
        if not raw_row:
            continue
        if len(raw_row) > 1 and raw_row[0] and all(cell is None for cell in raw_row[1:]):
            rows.append(clean_cell(raw_row[0]))  # one cell across the table: a section row
            continue
        cells: list[str] = []
        for index, cell in enumerate(raw_row):
            if cell is not None:
                cells.append(clean_cell(cell))
            elif cells:  # covered by a merge across columns: repeat the value on the left
                cells.append(cells[-1])
            else:  # covered by a merge down the first column
                cells.append(above[index] if index < len(above) else "")
        rows.append(cells)
        above = cells
    return rows
