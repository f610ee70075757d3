"""PDF documents with a text layer, through pypdfium2 (PDFium) and pdfplumber.

Each page is read by PDFium: its ruled tables are found by pdfplumber's table-finding
steps run on the page's rules (`roadmaps.readers.pdf_tables`) and rendered as the " | "
rows the .docx reader makes (a cell merged across columns or rows repeats its value; a
row that is one cell across the table is a section line); the text above, between and
below the tables comes line by line. A page whose ruling is not plain rules and
rectangles goes through pdfplumber itself (its table finder, then the text outside the
tables top to bottom), ~20x slower. A paragraph wrapped over several lines is joined by
the parser, as in pasted text; bare page numbers at the top or bottom edge are dropped.

A PDF without a text layer (a scan) is refused with one line: OCR is not supported.
PDFium is not thread-safe: documents are read one at a time (a lock).
"""

from __future__ import annotations

import io
import logging
import re
import threading

from roadmaps.parsed import DocumentError
from roadmaps.readers.tables import clean_cell, table_lines
from tracker.core.i18n import _

_PAGE_NUMBER = re.compile(r"^(-\s*)?\d{1,4}(\s*-)?$|^(стр\.|страница)\s*\d+(\s*из\s*\d+)?$",
                          re.IGNORECASE)
# pdfminer logs every oddity of a damaged file as a warning; our one line says enough.
logging.getLogger("pdfminer").setLevel(logging.ERROR)
_EDGE = 0.08  # the top and bottom 8 % of a page hold its running header and footer
_PDFIUM = threading.Lock()
# PDFium marks a hyphen it found at a line end with U+0002 or U+FFFE: it is a hyphen.
_GENERATED_HYPHENS = str.maketrans({"\x02": "-", "\ufffe": "-"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\uffff]")


def pdf_to_text(raw: bytes, *, name: str = "<pdf>") -> str:
    """The text of a PDF, tables as " | " rows.

    :raises DocumentError: encrypted, not a readable PDF, or without a text layer.
    """
    with _PDFIUM:
        try:
            lines, any_text = _read(raw)
        except DocumentError:
            raise
        except Exception as exc:  # PDFium and pdfminer raise many types for damaged files
            raise _error(exc, name) from None
    if not any_text:
        raise DocumentError(
            _("{name}: the PDF has no text layer (a scanned document?); OCR is not supported: "
                              "import a PDF with text, .docx or .txt").format(name=name))
    return "\n".join(lines)


def _read(raw: bytes) -> tuple[list[str], bool]:
    import pypdfium2 as pdfium

    lines: list[str] = []
    any_text = False
    ruled: list[int] = []  # pages for pdfplumber, in order
    pages: list[list[str] | int] = []
    pdf = pdfium.PdfDocument(raw)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                page_lines = _pdfium_lines(page)
            finally:
                page.close()
            if page_lines is None:  # ruling PDFium cannot turn into tables: pdfplumber
                ruled.append(index)
                pages.append(index)
                continue
            any_text |= bool(page_lines)
            pages.append(page_lines)
    finally:
        pdf.close()
    plumbed = _plumber_pages(raw, ruled) if ruled else {}
    for entry in pages:
        page_lines = plumbed[entry] if isinstance(entry, int) else entry
        any_text |= bool(page_lines)
        lines.extend([*page_lines, ""])  # a page break ends a paragraph
    return lines, any_text


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.translate(_GENERATED_HYPHENS)).replace("\r\n", "\n")


def _pdfium_lines(page) -> list[str] | None:
    """The page's lines: text bands top to bottom with its ruled tables between them;
    None when the page's ruling is not plain rules (the caller uses pdfplumber)."""
    from roadmaps.readers.pdf_tables import find_tables

    text_page = page.get_textpage()
    try:
        if text_page.count_chars() == 0:
            return []
        tables = find_tables(page, text_page, clean=_clean)
        if tables is None:
            return None
        width, height = page.get_size()
        edge = height * _EDGE
        # PDF coordinates grow upwards: the header band is at the top of the page.
        header = text_page.get_text_bounded(0, height - edge, width, height).strip()
        footer = text_page.get_text_bounded(0, 0, width, edge).strip()
        lines: list[str] = []
        above = 0.0  # top-down: the bottom of the last table
        for top, bottom, rows in sorted(tables, key=lambda table: table[0]):
            lines += _band(text_page, width, height, above, top)
            lines += ["", *table_lines(rows), ""]
            above = bottom
        lines += _band(text_page, width, height, above, height)
    finally:
        text_page.close()
    if lines and header and _PAGE_NUMBER.match(header) and lines[0] == header:
        lines.pop(0)
    if lines and footer and _PAGE_NUMBER.match(footer) and lines[-1] == footer:
        lines.pop()
    return lines


def _band(text_page, width: float, height: float, top: float, bottom: float) -> list[str]:
    """The lines of text between `top` and `bottom` (from the top of the page)."""
    if bottom - top < 1:
        return []
    text = _clean(text_page.get_text_bounded(0, height - bottom, width, height - top))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return [line for line in lines if line]


def _plumber_pages(raw: bytes, indexes: list[int]) -> dict[int, list[str]]:
    import pdfplumber

    out: dict[int, list[str]] = {}
    with pdfplumber.open(io.BytesIO(raw), pages=[i + 1 for i in indexes]) as pdf:
        for index, page in zip(indexes, pdf.pages, strict=True):
            out[index] = _page_lines(page)
            page.close()  # frees the page's parsed objects: long PDFs stay small
    return out


def _error(exc: Exception, name: str) -> DocumentError:
    chain, seen = [], exc
    while seen is not None and len(chain) < 5:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__ or (
            seen.args[0] if seen.args and isinstance(seen.args[0], Exception) else None)
    kinds = " ".join(f"{type(e).__name__} {e}" for e in chain).casefold()
    if "password" in kinds or "encrypt" in kinds:
        return DocumentError(
            _("{name}: the PDF is encrypted (password-protected); save it without a password "
                               "and import again").format(name=name))
    detail = next((str(e) for e in chain if str(e).strip()), type(chain[-1]).__name__)
    detail = " ".join(detail.split())[:120]
    return DocumentError(
        _("{name}: not a readable PDF file ({reason})").format(
            name=name, reason=_("the file is cut off or damaged")
            if "format error" in detail.lower() or "truncated" in detail.lower()
            else _('"{detail}"').format(detail=detail)))


def _page_lines(page) -> list[str]:
    """A ruled page's lines: its tables and the text around them, top to bottom."""
    if not page.chars:
        return []
    tables = page.find_tables()
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
    return [line for _, _, block_lines in blocks for line in block_lines]


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
