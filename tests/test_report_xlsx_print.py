"""The XLSX as LibreOffice and a printer read it: fonts, row heights, wrapping, the «Итого»
row on every sheet and the print setup, read back with openpyxl from the saved file."""

from __future__ import annotations

import math
from datetime import date

import pytest
from openpyxl import load_workbook

from tests import report_dataset
from tracker.reports.export_xlsx import LINE_HEIGHT, xlsx_bytes
from tracker.reports.report import build_report

AUG13 = date(2021, 8, 13)


@pytest.fixture
def workbook(db, tmp_path):
    report_dataset.build(db)
    with db.reading() as s:
        report = build_report(session=s, kind="overdue", as_of=AUG13, all_views=True)
    path = tmp_path / "r.xlsx"
    path.write_bytes(xlsx_bytes(report))
    return load_workbook(path)


def test_every_cell_has_an_explicit_sans_font(workbook):
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    assert c.font.name == "Arial", (ws.title, c.coordinate)
                    assert c.font.sz in (10, 14), (ws.title, c.coordinate)


def test_every_table_sheet_ends_with_a_bold_total_row(workbook):
    for ws in workbook.worksheets[1:]:
        last = ws.max_row
        label = next(c.value for c in ws[last] if c.value is not None)
        assert label == "Итого", ws.title
        assert all(c.font.b for c in ws[last]), ws.title
        # The autofilter covers the data rows only, so sorting keeps «Итого» last.
        assert ws.auto_filter.ref.endswith(str(last - 1)), ws.title
    assert workbook["Сводка"]["A3"].value == "Итого"


def test_counts_are_numbers_not_text(workbook):
    ws = workbook["Исполнение поручений"]
    for row in ws.iter_rows(min_row=2):
        assert isinstance(row[4].value, int) and isinstance(row[5].value, int)
        assert row[4].number_format == "0"
        assert row[6].number_format == "0.0%"
    for ws in [workbook["Организации"], workbook["Исполнители"]]:
        for row in ws.iter_rows(min_row=2):
            assert all(isinstance(c.value, int) for c in row[1:8]), ws.title


def test_row_heights_fit_wrapped_headers_and_texts(workbook):
    for ws in workbook.worksheets[1:]:
        header = ws.row_dimensions[1].height
        assert header is not None and header >= 2 * LINE_HEIGHT, ws.title
        for c in ws[1]:
            assert c.alignment.wrap_text, (ws.title, c.coordinate)
        for r in range(2, ws.max_row + 1):
            height = ws.row_dimensions[r].height
            assert height is not None, (ws.title, r)
            for c in ws[r]:
                if isinstance(c.value, str) and c.alignment.wrap_text:
                    width = ws.column_dimensions[c.column_letter].width
                    # at least as many lines as the text needs at that width
                    needed = math.ceil(len(c.value) / width)
                    assert height >= needed * LINE_HEIGHT, (ws.title, c.coordinate)
    ws = workbook["Исполнение поручений"]
    text_column = [c for c in ws[1] if c.value == "Поручение"][0].column_letter
    assert ws.column_dimensions[text_column].width <= 52  # wraps instead of a 300-char line
    width = ws.column_dimensions[text_column].width
    long_rows = [r for r in range(2, ws.max_row) if len(ws[f"{text_column}{r}"].value) > width]
    for r in long_rows:
        assert ws.row_dimensions[r].height >= 2 * LINE_HEIGHT


def test_print_setup_a4_landscape_fit_to_width_repeated_titles(workbook):
    for ws in workbook.worksheets[1:]:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == "$1:$1", ws.title
        assert ws.print_title_cols in ("$A:$A", "$A:$B"), ws.title
    assert int(workbook["Сводка"].page_setup.paperSize) == 9
