"""The HTML report opened in Chromium: on a 360 px phone nothing widens the page, printed
on A4 landscape no column is cut off (the last one, «Исполнительская дисциплина», included)."""

from __future__ import annotations

from datetime import date

import pytest

from tests import report_dataset
from tests.pages import pdf_page_size, pdf_text, print_to_pdf
from tracker.reports.export_html import to_html
from tracker.reports.report import build_report

AUG13 = date(2021, 8, 13)
LONG = ("Обеспечить участие обучающихся общеобразовательных организаций в региональном "
        "этапе всероссийской олимпиады школьников по всем общеобразовательным предметам, "
        "включая организацию подвоза участников и сопровождающих лиц к местам проведения")
A4_LANDSCAPE_CONTENT_PX = round((297 - 20) / 25.4 * 96)  # 10 mm margins each side


@pytest.fixture(scope="module")
def page_html(tmp_path_factory):
    from tracker.core.config_sources import load_settings
    from tracker.core.db import open_database
    from tracker.core.models import Organisation, Task

    folder = tmp_path_factory.mktemp("html")
    config = folder / "config.toml"
    config.write_text('timezone = "Europe/Moscow"\nlocale = "ru"\n', encoding="utf-8")
    db = open_database(load_settings(config).db_url)
    try:
        report_dataset.build(db)
        with db.transaction() as s:
            s.get(Task, 1).text = LONG
            s.get(Organisation, 2).name = "Муниципальное образование «Город Азов» Ростовской обл."
        with db.reading() as s:
            report = build_report(session=s, kind="overdue", as_of=AUG13, all_views=True)
            return to_html(report)
    finally:
        db.dispose()


def test_fits_a_360px_phone(browser, page_html):
    assert browser.wider_than(page_html, 360) == []
    # The long decision text wraps instead of running on: its cell is not one line.
    height = browser.page(page_html, 360, """() => [...document.querySelectorAll('td.t')]
        .find(td => td.textContent.startsWith('Обеспечить')).getBoundingClientRect().height""")
    assert height > 40


def test_printed_a4_landscape_nothing_clipped(browser, page_html, tmp_path):
    assert browser.wider_than(page_html, A4_LANDSCAPE_CONTENT_PX, media="print") == []
    html_path = tmp_path / "report.html"
    html_path.write_text(page_html, encoding="utf-8")
    pdf = print_to_pdf(html_path, tmp_path / "report.pdf")
    width, height = pdf_page_size(pdf)
    assert width > height and round(width) in (841, 842)  # A4 landscape, in points
    text = pdf_text(pdf)
    assert "дисциплина" in text
    # The last column's figures are on the page: the totals' discipline (1 of 7 on time).
    assert "14,3 %" in text
