"""Emails opened the way an official opens them on a phone: the HTML part rendered in
Chromium at 360 px (nothing widens the screen: tables wrap or scroll in their own box) and
printed to PDF, every kind in both locales, with the long names and texts of real data."""

from __future__ import annotations

from datetime import date

import pytest

from notifications.content.render import render_email
from notifications.message import MessageKind
from tests.pages import pdf_text, print_to_pdf
from tests.test_email_render import KIND_CONTEXT, make_item, make_message

PHONE = 360
NAMES = ["Матвеево-Кургановский район", "Белокалитвинский район", "Город Каменск-Шахтинский",
         "Родионово-Несветайский район", "Ростовская область (собственные поручения)"]
LONG = ("Обеспечить участие обучающихся общеобразовательных организаций в региональном этапе "
        "всероссийской олимпиады школьников по всем общеобразовательным предметам")
BIG_SUMMARY = {
    **KIND_CONTEXT[MessageKind.LEAD_SUMMARY],
    "scope": "Министерство общего и профессионального образования Ростовской области",
    "organisations": [{"name": n, "assigned": 18, "open": 2, "overdue": 7, "done_on_time": 9,
                       "discipline": 0.5294} for n in NAMES * 3],
    "oldest": [{"assignment_id": 796 + i, "label": "2.2", "text": LONG, "organisation": n,
                "owner": "Константинопольская-Щедрина А. В.", "due_date": date(2021, 9, 15),
                "days_overdue": 364} for i, n in enumerate(NAMES)],
    "decisions": [{"label": f"2.{i}", "text": LONG, "done": 40, "total": 55} for i in range(5)],
}
CONTEXT = {**KIND_CONTEXT, MessageKind.LEAD_SUMMARY: BIG_SUMMARY,
           MessageKind.COORDINATOR_DIGEST: BIG_SUMMARY}


def _email(kind: MessageKind, locale: str):
    items = [make_item(796, text=LONG, organisation=NAMES[0],
                       document="Протокол заседания рабочей группы № 21 от 11.04.2022",
                       owner="Константинопольская-Щедрина А. В."),
             make_item(797, due=date(2021, 8, 12), days_left=-5, organisation=NAMES[3])]
    return render_email(make_message(kind, items, locale=locale, context=CONTEXT.get(kind)))


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_every_email_fits_a_360px_phone(browser, locale):
    for kind in MessageKind:
        assert browser.wider_than(_email(kind, locale).html, PHONE) == [], kind


def test_the_lead_summary_prints_whole(browser, tmp_path):
    html = _email(MessageKind.LEAD_SUMMARY, "ru").html
    # The discipline column is on the screen, not cut off at its right edge.
    right = browser.page(html, PHONE, """() => Math.max(...[...document.querySelectorAll('td,th')]
        .filter(c => c.textContent.includes('%') || c.textContent.includes('Дисциплина'))
        .map(c => c.getBoundingClientRect().right))""")
    assert 0 < right <= PHONE
    path = tmp_path / "summary.html"
    path.write_text(html, encoding="utf-8")
    text = pdf_text(print_to_pdf(path, tmp_path / "summary.pdf"))
    assert "Дисциплина" in text and "52,9 %" in text
    assert "Министерство общего и профессионального образования" in " ".join(text.split())
