"""The XLSX export (openpyxl): a workbook to take to a meeting and to print.

Sheets: a summary (scope, date, totals), one sheet per view (organisations, documents,
people, levels, in the report's order), the decisions and the oldest overdue items.
Every table sheet has a bold header row, frozen panes (header and first column), an
autofilter over the data rows, column widths fitted to the text (long texts wrapped in a
capped column), row heights set for wrapped headers and texts (LibreOffice and Excel do not
grow a row on their own when a file sets none), an explicit sans font on every cell (a cell
without one falls back to the viewer's default, a serif font in LibreOffice), overdue
figures highlighted in red, dates stored as real dates (DD.MM.YYYY), counts as numbers,
discipline as a percentage and an «Итого» row at the bottom. Each sheet prints on A4
landscape, fitted to the page width, with the header row and the name column repeated
on every page.
"""

from __future__ import annotations

import io
import math
from copy import copy
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tracker.core.i18n import N_, NP_
from tracker.reports.collector import collector_paused
from tracker.reports.report import (
    COLUMNS,
    OVERDUE_ITEM_COLUMNS,
    OVERDUE_KEYS,
    Column,
    Report,
    cell,
    group_title,
    text,
)

FONT_NAME = "Arial"  # metric-compatible with Liberation Sans, which LibreOffice substitutes
FONT_SIZE = 10
LINE_HEIGHT = 12.75  # points per line of 10 pt text
HEADER_FILL = PatternFill("solid", start_color="FFDCE3EC")
TOTAL_FILL = PatternFill("solid", start_color="FFF2F2F2")
OVERDUE_FILL = PatternFill("solid", start_color="FFF8D7DA")
BODY_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
HEADER_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TOTAL_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
OVERDUE_FONT = Font(name=FONT_NAME, size=FONT_SIZE, color="FF9C0006", bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
TOTAL_BORDER = Border(top=Side(style="thin", color="FF000000"))
DATE_FORMAT = "DD.MM.YYYY"
SHARE_FORMAT = "0.0%"
INT_FORMAT = "0"
FLOAT_FORMAT = "0.0"
MAX_WIDTH = 50  # characters; longer texts wrap
NUMBER_WIDTH = 14  # a figure column; its header wraps onto several lines
TOP = Alignment(wrap_text=True, vertical="top")
NUMBER_ALIGNMENT = Alignment(horizontal="right", vertical="top")

# The decisions sheet: progress as two numbers and a share, so that it sums and sorts
# ("54 из 55 муниципалитетов" as text does neither).
DECISION_SHEET_COLUMNS: tuple[Column, ...] = (
    Column("document", N_("Document"), "text"),
    Column("label", N_("Item"), "text"),
    Column("text", N_("Decision"), "text"),
    Column("due_date", N_("Due"), "date"),
    Column("done", N_("Done")),
    Column("total", NP_("report.total", "Organisations")),
    Column("done_share", N_("Share done"), "share"),
    Column("overdue", N_("Overdue")),
    Column("pending", N_("Not done by"), "text"),
)


def xlsx_bytes(report: Report) -> bytes:
    buffer = io.BytesIO()
    with collector_paused():  # see tracker.reports.collector
        build_workbook(report).save(buffer)
    return buffer.getvalue()



def build_workbook(report: Report) -> Workbook:
    locale = report.locale
    total_label = text(locale, "totals")
    wb = Workbook()
    summary = wb.active
    summary.title = text(locale, "summary")
    _summary_sheet(summary, report)
    totals = {**report.totals.as_dict(), "name": total_label}
    for group, rows in report.views.items():
        ws = wb.create_sheet(group_title(group, locale))
        _table(ws, COLUMNS, [r.as_dict() for r in rows], totals, locale,
               highlight=OVERDUE_KEYS)
    ws = wb.create_sheet(text(locale, "decisions"))
    decisions = [_decision_row(d.as_dict(locale)) for d in report.decisions]
    _table(ws, DECISION_SHEET_COLUMNS, decisions, _decision_totals(decisions, total_label),
           locale, highlight=frozenset({"overdue"}))
    ws = wb.create_sheet(text(locale, "oldest"))
    oldest = [i.as_dict() for i in report.oldest]
    _table(ws, OVERDUE_ITEM_COLUMNS, oldest, _oldest_totals(oldest, total_label), locale,
           highlight=frozenset({"days_overdue"}), title_columns="A:B")
    return wb


def _decision_row(row: dict) -> dict:
    total = row["total"]
    return {**row, "done_share": row["done"] / total if total else None}


def _decision_totals(rows: list[dict], label: str) -> dict:
    done, total = sum(r["done"] for r in rows), sum(r["total"] for r in rows)
    return {"document": label, "done": done, "total": total,
            "done_share": done / total if total else None,
            "overdue": sum(r["overdue"] for r in rows)}


def _oldest_totals(rows: list[dict], label: str) -> dict:
    return {"assignment_id": label, "days_overdue": max((r["days_overdue"] for r in rows),
                                                        default=None),
            "extensions": sum(r["extensions"] or 0 for r in rows)}


def _summary_sheet(ws: Worksheet, report: Report) -> None:
    locale = report.locale
    ws.append([report.title, report.scope])
    ws["A1"].font = TITLE_FONT
    ws["B1"].font = TITLE_FONT
    ws.append([text(locale, "as_of"), report.as_of])
    ws["A2"].font = BODY_FONT
    ws["B2"].number_format, ws["B2"].font = DATE_FORMAT, BODY_FONT
    ws["B2"].alignment = Alignment(horizontal="left")
    ws.append([text(locale, "totals")])
    ws["A3"].font = HEADER_FONT
    totals = report.totals.as_dict()
    for column in COLUMNS[1:]:
        ws.append([column.label(locale), totals.get(column.key)])
        label_cell = ws.cell(row=ws.max_row, column=1)
        label_cell.font = BODY_FONT
        value_cell = ws.cell(row=ws.max_row, column=2)
        _format(value_cell, column)
        value_cell.alignment = Alignment(horizontal="left")
        if column.key in OVERDUE_KEYS and totals.get("overdue"):
            value_cell.fill, value_cell.font = OVERDUE_FILL, OVERDUE_FONT
    ws.column_dimensions["A"].width = max(len(c.label(locale)) for c in COLUMNS) + 2
    ws.column_dimensions["B"].width = min(max(len(report.scope), 14) + 2, 70)
    ws.row_dimensions[1].height = 20
    _print_setup(ws, title_rows=None, title_columns=None, landscape=False)


def _table(ws: Worksheet, columns: tuple[Column, ...], rows: list[dict], totals: dict,
           locale: str, highlight: frozenset[str], title_columns: str = "A:A") -> None:
    matrix = [[cell(row, c) for c in columns] for row in rows]
    widths = _widths(columns, matrix, locale)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.append([c.label(locale) for c in columns])
    for header in ws[1]:
        header.font, header.fill, header.alignment = HEADER_FONT, HEADER_FILL, TOP
    ws.row_dimensions[1].height = _height(
        [c.label(locale) for c in columns], widths, bold=True)
    # A cell's style is looked up in the workbook's style lists on every assignment;
    # each (column, highlighted) style is made once and copied to the other cells, which
    # are made with it and appended whole (no lookup of each cell after appending).
    styles: dict[tuple[int, bool], StyleArray] = {}
    hot_columns = [column.key in highlight for column in columns]
    for r, (row, values) in enumerate(zip(rows, matrix, strict=True), start=2):
        cells = []
        for index, column in enumerate(columns):
            target = Cell(ws, value=values[index])
            hot = hot_columns[index] and _positive(target.value, row)
            style = styles.get((index, hot))
            if style is None:
                _format(target, column)
                if hot:
                    target.fill, target.font = OVERDUE_FILL, OVERDUE_FONT
                styles[(index, hot)] = copy(target._style)
            else:
                target._style = copy(style)
            cells.append(target)
        ws.append(cells)
        ws.row_dimensions[r].height = _height(values, widths)
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{ws.max_row}"  # the data rows, not the «Итого» row
    values = [totals.get(c.key) for c in columns]
    ws.append(values)
    r = ws.max_row
    for index, column in enumerate(columns, start=1):
        target = ws.cell(row=r, column=index)
        _format(target, column)
        target.font, target.fill, target.border = TOTAL_FONT, TOTAL_FILL, TOTAL_BORDER
    ws.row_dimensions[r].height = _height(values, widths, bold=True)
    ws.freeze_panes = "B2"
    _print_setup(ws, title_rows="1:1", title_columns=title_columns)


def _print_setup(ws: Worksheet, *, title_rows: str | None, title_columns: str | None,
                 landscape: bool = True) -> None:
    """A4, landscape, every column on the page width (as many pages down as needed), the
    header row and the name column repeated on each page, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0: as many pages as it takes
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.gridLines = True
    if title_rows:
        ws.print_title_rows = title_rows
    if title_columns:
        ws.print_title_cols = title_columns
    ws.oddFooter.center.text = "&P / &N"
    ws.oddFooter.center.font = FONT_NAME
    ws.oddHeader.left.text = "&A"
    ws.oddHeader.left.font = FONT_NAME


def _widths(columns: tuple[Column, ...], matrix: list[list], locale: str) -> list[float]:
    """Text columns as wide as their longest text up to MAX_WIDTH; figure columns as wide
    as their value or the longest word of their (wrapping) header. `matrix`: the cells'
    values, a list per row."""
    widths = []
    for index, column in enumerate(columns):
        longest_word = max(len(w) for w in column.label(locale).split())
        longest = max((_width(values[index]) for values in matrix), default=0)
        if column.kind == "text":
            width = max(longest_word + 2, min(longest, MAX_WIDTH),
                        len(column.label(locale)) // 2 + 2)
        else:
            width = max(longest_word + 2, longest, 8 if column.kind != "date" else 12)
            width = max(width, min(len(column.label(locale)) // 2 + 2, NUMBER_WIDTH))
        widths.append(min(width, MAX_WIDTH + 2))
    return widths


def _lines(value, width: float, bold: bool = False) -> int:
    """How many lines `value` takes wrapped in a column `width` characters wide (words kept
    whole, a little slack for proportional glyphs and bold text)."""
    if value is None or not isinstance(value, str):
        return 1
    usable = max(width - (2 if bold else 1.5), 1)
    total = 0
    for paragraph in value.split("\n"):
        lines, current = 1, 0
        for word in paragraph.split():
            needed = len(word) if current == 0 else current + 1 + len(word)
            if needed <= usable:
                current = needed
            else:
                lines += max(math.ceil(len(word) / usable), 1) if current else 0
                current = len(word) % usable if len(word) > usable else len(word)
        total += lines
    return max(total, 1)


def _height(values: list, widths: list[float], bold: bool = False) -> float:
    # Anything but text takes one line.
    lines = max((_lines(v, w, bold) for v, w in zip(values, widths, strict=True)
                 if isinstance(v, str)), default=1)
    return round(lines * LINE_HEIGHT + 3, 2)


def _positive(value, row: dict) -> bool:
    if isinstance(value, date):  # a due date is highlighted where something is overdue
        return bool(row.get("overdue"))
    return isinstance(value, (int, float)) and value > 0


def _format(target, column: Column) -> None:
    target.font = BODY_FONT
    if column.kind == "date":
        target.number_format = DATE_FORMAT
        target.alignment = NUMBER_ALIGNMENT
    elif column.kind == "share":
        target.number_format = SHARE_FORMAT
        target.alignment = NUMBER_ALIGNMENT
    elif column.kind == "float":
        target.number_format = FLOAT_FORMAT
        target.alignment = NUMBER_ALIGNMENT
    elif column.kind == "text":
        target.alignment = TOP
    else:
        target.number_format = INT_FORMAT
        target.alignment = NUMBER_ALIGNMENT


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 12
    if isinstance(value, float):
        return 8
    return len(str(value)) + 2
