"""The files for a meeting: XLSX opened with openpyxl, HTML parsed, CSV and JSON read back."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from tests import report_dataset
from tracker.reports.export_html import to_html
from tracker.reports.export_text import csv_bytes, to_json
from tracker.reports.export_xlsx import OVERDUE_FILL, xlsx_bytes
from tracker.reports.report import build_report

AUG13 = date(2021, 8, 13)


@pytest.fixture
def report(db):
    report_dataset.build(db)
    with db.reading() as s:
        return build_report(session=s, kind="overdue", as_of=AUG13, all_views=True)


def test_xlsx_sheets_header_panes_filter_highlight_dates(report, tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(xlsx_bytes(report))
    wb = load_workbook(path)
    assert wb.sheetnames == ["Сводка", "Организации", "Документы", "Исполнители", "Уровни",
                             "Исполнение поручений", "Самые давние просрочки"]
    summary = wb["Сводка"]
    assert summary["B1"].value == "Ромашковская область"
    assert summary["B2"].value == datetime(2021, 8, 13) and summary["B2"].is_date
    assert [summary.cell(row=r, column=2).value for r in range(4, 9)] == [9, 1, 2, 2, 4]

    ws = wb["Организации"]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["Наименование", "Поручено", "Исполнено в срок",
                          "Исполнено с нарушением срока", "В работе, срок не наступил",
                          "Просрочено"]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == "A1:M4"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == ["Батайск", "Город Азов",
                                    "Ромашковская область (собственные поручения)", "Итого"]
    assert rows[-1][1:6] == [9, 1, 2, 2, 4]  # the «Итого» row: the report's totals
    bataysk = rows[0]
    assert bataysk[1:8] == [3, 0, 1, 0, 2, 1, 1]
    assert bataysk[9] == datetime(2021, 7, 4)  # a real date
    assert ws["J2"].is_date and ws["J2"].number_format == "DD.MM.YYYY"
    assert ws["M3"].value == 0.25 and ws["M3"].number_format == "0.0%"
    # Overdue cells highlighted; not the zero and not other figures.
    assert ws["F2"].fill.start_color.rgb == OVERDUE_FILL.start_color.rgb
    assert ws["H3"].value == 0 and ws["H3"].fill.fill_type is None
    assert ws["B2"].fill.fill_type is None
    # Widths fit the longest text of a column.
    assert ws.column_dimensions["A"].width >= len("Ромашковская область (собственные поручения)")

    decisions = wb["Исполнение поручений"]
    assert [c.value for c in decisions[1]] == [
        "Документ", "Пункт", "Поручение", "Срок", "Исполнено", "Всего организаций",
        "Доля исполненных", "Просрочено", "Не исполнили"]
    values = [[c.value for c in row] for row in decisions.iter_rows(min_row=2)]
    t2 = next(v for v in values if v[1] == "2")
    assert t2[0] == "Протокол № 1 от 01.06.2021"
    assert t2[3] == datetime(2021, 8, 10)
    # Progress as numbers (it sums and sorts), not "1 из 3 школ" as text.
    assert t2[4:8] == [1, 3, pytest.approx(1 / 3), 2] and t2[8] == "Школа № 1, Школа № 3"
    assert values[-1][0] == "Итого"
    assert values[-1][4] == sum(v[4] for v in values[:-1])
    assert values[-1][5] == sum(v[5] for v in values[:-1])
    oldest = wb["Самые давние просрочки"]
    assert [c.value for c in oldest["H"]][1:] == [40, 10, 3, 3, 40]
    assert oldest["A6"].value == "Итого"
    assert oldest.freeze_panes == "B2" and oldest.auto_filter.ref == "A1:I5"


class _Tables(HTMLParser):
    """Collects every table as rows of cell texts, and every tag with a src/href."""

    def __init__(self):
        super().__init__()
        self.tables, self.links, self.tags = [], [], set()
        self._cell = None

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.links += [v for k, v in attrs if k in ("src", "href")]
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_html_self_contained_tables_and_chart(report):
    page = to_html(report)
    parser = _Tables()
    parser.feed(page)
    assert parser.links == [] and "script" not in parser.tags and "link" not in parser.tags
    assert "http" not in page
    assert "@media print" in page and "size:A4" in page
    assert "svg" in parser.tags and page.count("<rect") == 2  # Батайск and Азов
    totals, orgs, docs, people, levels, decisions, oldest = parser.tables
    assert totals[1][:6] == ["Итого", "9", "1", "2", "2", "4"]
    assert totals[1][-1] == "14,3 %"
    assert [r[0] for r in orgs[1:]] == ["Батайск", "Город Азов",
                                        "Ромашковская область (собственные поручения)", "Итого"]
    assert orgs[1][:8] == ["Батайск", "3", "0", "1", "0", "2", "1", "1"]
    assert orgs[1][9] == "04.07.2021"
    assert [r[0] for r in docs[1:]] == ["Приказ № 600 от 10.06.2021",
                                        "Протокол № 1 от 01.06.2021", "Без документа", "Итого"]
    assert len(people) == 5 and len(levels) == 5
    t2 = next(r for r in decisions if r[1] == "2")
    assert t2[4] == "1 из 3 школ" and t2[6] == "Школа № 1, Школа № 3"
    assert [r[7] for r in oldest[1:]] == ["40", "10", "3", "3"]
    assert '<td class="n bad">2</td>' in page


def test_html_escapes_database_text(db):
    report_dataset.build(db)
    from tracker.core.models import Task

    with db.transaction() as s:
        task = s.get(Task, 1)
        task.text = "<script>alert(1)</script>"
    with db.reading() as s:
        page = to_html(build_report(session=s, kind="overdue", as_of=AUG13, all_views=True))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_csv_round_trip_with_cyrillic(report):
    raw = csv_bytes(report)
    assert raw[:3] == b"\xef\xbb\xbf"
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][0] == "Наименование" and rows[0][-1] == "Исполнительская дисциплина"
    assert rows[1] == ["Батайск", "3", "0", "1", "0", "2", "1", "1", "15,67", "04.07.2021",
                       "40", "0", "0,0%"]
    assert rows[3][0] == "Ромашковская область (собственные поручения)"
    assert rows[4] == ["Итого", "9", "1", "2", "2", "4", "2", "1", "10,17", "04.07.2021",
                       "40", "1", "14,3%"]  # a percentage, not 0,1429
    tab = csv_bytes(report, delimiter="\t").decode("utf-8-sig")
    assert tab.splitlines()[1].split("\t")[0] == "Батайск"


def test_json_every_figure(report):
    doc = json.loads(to_json(report))
    assert set(doc) == {"report", "as_of", "scope", "scope_id", "by", "generated_at", "totals",
                        "rows", "views", "decisions", "oldest"}
    assert set(doc["totals"]) == {"key", "name", "detail", "assigned", "done", "done_on_time",
                                  "done_late", "open", "overdue", "overdue_7", "overdue_30",
                                  "avg_days_late", "oldest_due", "oldest_days", "extensions",
                                  "discipline"}
    assert doc["views"]["level"][0]["key"] == "municipal"
    assert doc["oldest"][0] | {"assignment_id": 0, "task_id": 0} == {
        "assignment_id": 0, "task_id": 0, "label": "3.2", "text": "Представить отчёт",
        "organisation": "Батайск", "owner": None, "document": "Приказ № 600 от 10.06.2021",
        "due_date": "2021-07-04", "days_overdue": 40, "extensions": 0}


def test_cli_writes_xlsx_and_html(cli, db, tmp_path):
    report_dataset.build(db)
    for fmt in ("xlsx", "html"):
        out = tmp_path / f"отчёт.{fmt}"
        result = cli("report", "discipline", "--as-of", "13.08.2021", "--format", fmt,
                     "--out", str(out))
        assert result.exit_code == 0, result.output
        assert result.output == f"Отчёт записан: {out}\n"
    assert load_workbook(tmp_path / "отчёт.xlsx").sheetnames[1] == "Организации"
    assert "Исполнительская дисциплина" in (tmp_path / "отчёт.html").read_text(encoding="utf-8")
