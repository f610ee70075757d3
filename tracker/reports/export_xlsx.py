"""The XLSX export (openpyxl): a workbook to take to a meeting.

Sheets: a summary (scope, date, totals), one sheet per view (organisations, documents,
people, levels, in the report's order), the decisions and the oldest overdue items.
Every table sheet has a bold header row, frozen panes (header and first column), an
autofilter, column widths fitted to the text, overdue figures highlighted in red, dates
stored as real dates (DD.MM.YYYY) and discipline as a percentage.
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tracker.reports.report import (
    COLUMNS,
    DECISION_COLUMNS,
    GROUP_TITLES,
    OVERDUE_ITEM_COLUMNS,
    OVERDUE_KEYS,
    Column,
    Report,
    cell,
    text,
)

HEADER_FILL = PatternFill("solid", start_color="FFDCE3EC")
OVERDUE_FILL = PatternFill("solid", start_color="FFF8D7DA")
OVERDUE_FONT = Font(color="FF9C0006", bold=True)
HEADER_FONT = Font(bold=True)
DATE_FORMAT = "DD.MM.YYYY"
SHARE_FORMAT = "0.0%"
MAX_WIDTH = 60


def xlsx_bytes(report: Report) -> bytes:
    buffer = io.BytesIO()
    build_workbook(report).save(buffer)
    return buffer.getvalue()


def build_workbook(report: Report) -> Workbook:
    locale = report.locale
    wb = Workbook()
    summary = wb.active
    summary.title = text(locale, "summary")
    _summary_sheet(summary, report)
    for group, rows in report.views.items():
        ru, en = GROUP_TITLES[group]
        ws = wb.create_sheet(en if locale == "en" else ru)
        data = [r.as_dict() for r in rows]
        _table(ws, COLUMNS, data, locale, highlight=OVERDUE_KEYS)
    ws = wb.create_sheet(text(locale, "decisions"))
    _table(ws, DECISION_COLUMNS, [d.as_dict(locale) for d in report.decisions], locale,
           highlight=frozenset({"overdue"}))
    ws = wb.create_sheet(text(locale, "oldest"))
    _table(ws, OVERDUE_ITEM_COLUMNS, [i.as_dict() for i in report.oldest], locale,
           highlight=frozenset({"days_overdue"}))
    return wb


def _summary_sheet(ws, report: Report) -> None:
    locale = report.locale
    ws.append([report.title, report.scope])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([text(locale, "as_of"), report.as_of])
    ws["B2"].number_format = DATE_FORMAT
    ws.append([])
    totals = report.totals.as_dict()
    for column in COLUMNS[1:]:
        ws.append([column.label(locale), totals.get(column.key)])
        value_cell = ws.cell(row=ws.max_row, column=2)
        _format(value_cell, column)
        if column.key in OVERDUE_KEYS and totals.get("overdue"):
            value_cell.fill, value_cell.font = OVERDUE_FILL, OVERDUE_FONT
    ws.column_dimensions["A"].width = max(len(c.label(locale)) for c in COLUMNS) + 2
    ws.column_dimensions["B"].width = max(len(report.scope), 14) + 2


def _table(ws, columns: tuple[Column, ...], rows: list[dict], locale: str,
           highlight: frozenset[str]) -> None:
    ws.append([c.label(locale) for c in columns])
    for header in ws[1]:
        header.font, header.fill = HEADER_FONT, HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [min(max(len(w) for w in c.label(locale).split()) + 2, MAX_WIDTH) for c in columns]
    for row in rows:
        ws.append([cell(row, c) for c in columns])
        r = ws.max_row
        for index, column in enumerate(columns, start=1):
            target = ws.cell(row=r, column=index)
            _format(target, column)
            value = target.value
            if column.key in highlight and _positive(value, row):
                target.fill, target.font = OVERDUE_FILL, OVERDUE_FONT
            widths[index - 1] = max(widths[index - 1], min(_width(value), MAX_WIDTH))
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{max(ws.max_row, 1)}"
    ws.freeze_panes = "B2"


def _positive(value, row: dict) -> bool:
    if isinstance(value, date):  # a due date is highlighted where something is overdue
        return bool(row.get("overdue"))
    return isinstance(value, (int, float)) and value > 0


def _format(target, column: Column) -> None:
    if column.kind == "date":
        target.number_format = DATE_FORMAT
    elif column.kind == "share":
        target.number_format = SHARE_FORMAT
    elif column.kind == "float":
        target.number_format = "0.0"
    elif column.kind == "text":
        target.alignment = Alignment(wrap_text=True, vertical="top")


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return 12
    return len(str(value)) + 2
