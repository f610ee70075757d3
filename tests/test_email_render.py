"""Email content: Russian dates and plurals, subjects, every kind in both locales,
autoescaping, the calendar attachment and the MIME message built without I/O."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar

from notifications.channels.email import build_email, message_domain, message_id
from notifications.content.ics import build_calendar, event_sequence, event_uid
from notifications.content.render import render_email
from notifications.message import (
    Attachment,
    ChannelKind,
    Item,
    Message,
    MessageKind,
    Recipient,
    Rule,
)
from tracker.core import text as i18n
from tracker.core.config import EmailSettings

LONG_TEXT = "Разработать региональную модель обеспечения доступности дошкольного образования"
PLANNED = datetime(2021, 8, 17, 6, 0, tzinfo=UTC)


def make_item(assignment_id=42, *, text=LONG_TEXT, due=date(2021, 8, 20), days_left=3, **kw):
    rule = Rule.OVERDUE if days_left is not None and days_left < 0 else Rule.BEFORE
    defaults = dict(
        organisation="Город Азов",
        label="3.2",
        document="Протокол № 1 от 15.06.2021",
        owner="Иванов И. И.",
    )
    defaults.update(kw)
    return Item(assignment_id, text, due, days_left, rule, **defaults)


def make_message(kind=MessageKind.REMINDER, items=None, *, locale="ru", context=None, **kw):
    return Message(
        key=kw.pop("key", f"{kind.value}:1"),
        kind=kind,
        channel=ChannelKind.EMAIL,
        recipient=Recipient(7, "Мария Петрова", "m.petrova@edu.example.ru", locale=locale),
        items=tuple(items if items is not None else [make_item()]),
        context={"planned_at": PLANNED, **(context or {})},
        today=date(2021, 8, 17),
        **kw,
    )


SUMMARY_CONTEXT = {
    "scope": "Ростовская область",
    "as_of": date(2021, 8, 23),
    "period": "16–22 августа 2021",
    "totals": {"assigned": 55, "done_on_time": 30, "done_late": 5, "open": 12, "overdue": 8,
               "overdue_30": 2, "extensions": 3, "discipline": 0.857},
    "organisations": [{"name": "Батайск", "assigned": 6, "open": 2, "overdue": 3,
                       "done_on_time": 1, "discipline": 0.25}],
    "oldest": [{"assignment_id": 43, "label": "1.1", "text": "Провести совещание",
                "organisation": "Батайск", "due_date": date(2021, 7, 1), "days_overdue": 53}],
    "decisions": [{"label": "3.2", "text": "Разработать модель", "done": 13, "total": 55}],
}  # fmt: skip
KIND_CONTEXT = {
    MessageKind.COORDINATOR_DIGEST: SUMMARY_CONTEXT,
    MessageKind.LEAD_SUMMARY: SUMMARY_CONTEXT,
    MessageKind.FAILURE: {"failed_person": "Сидоров С. С.", "failed_channel": "email",
                          "failed_address": "s@x.ru", "error": "550 5.1.1 no such user"},
    MessageKind.EXTENSION: {"status": "approved", "old_due": date(2021, 8, 20),
                            "new_due": date(2021, 9, 1), "decided_by": "Координатор"},
    MessageKind.TEST: {"server": "smtp.example.org:587", "sender": "tracker@edu.example.ru"},
}  # fmt: skip
ITEM_KINDS = {
    MessageKind.REMINDER, MessageKind.OVERDUE, MessageKind.ESCALATION, MessageKind.DIGEST,
    MessageKind.EXTENSION, MessageKind.FAILURE,
}  # fmt: skip


# -- i18n helpers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2021, 8, 20), "20 августа 2021 г."),
        (date(2021, 1, 1), "1 января 2021 г."),
        (date(2022, 3, 8), "8 марта 2022 г."),
        (date(2021, 5, 9), "9 мая 2021 г."),
        (date(2021, 12, 31), "31 декабря 2021 г."),
    ],
)
def test_format_date_ru(day, expected):
    assert i18n.format_date_ru(day) == expected


def test_format_date_short_and_english():
    assert i18n.format_date_short(date(2021, 8, 5)) == "05.08.2021"
    assert i18n.format_date(date(2021, 8, 20), "en") == "20 August 2021"
    assert i18n.format_date(None, "ru") == ""


@pytest.mark.parametrize(
    ("n", "form"),
    [(0, "дней"), (1, "день"), (2, "дня"), (4, "дня"), (5, "дней"), (11, "дней"), (12, "дней"),
     (14, "дней"), (21, "день"), (22, "дня"), (25, "дней"), (101, "день"), (111, "дней"),
     (-3, "дня")],
)  # fmt: skip
def test_plural_ru(n, form):
    assert i18n.plural(n, ("день", "дня", "дней")) == form


@pytest.mark.parametrize(
    ("days_left", "ru", "en"),
    [
        (3, "через 3 дня", "in 3 days"),
        (5, "через 5 дней", "in 5 days"),
        (21, "через 21 день", "in 21 days"),
        (1, "завтра", "tomorrow"),
        (0, "сегодня", "today"),
        (-1, "просрочено на 1 день", "overdue by 1 day"),
        (-5, "просрочено на 5 дней", "overdue by 5 days"),
        (None, "", ""),
    ],
)
def test_days_phrase(days_left, ru, en):
    assert i18n.days_phrase(days_left, "ru") == ru
    assert i18n.days_phrase(days_left, "en") == en


def test_unknown_locale_falls_back_to_russian():
    assert i18n.normalize_locale("de") == "ru"
    assert i18n.normalize_locale(None) == "ru"
    assert i18n.normalize_locale("en_GB") == "en"
    message = make_message(locale="fr")
    assert render_email(message).subject.startswith("Срок через 3 дня")


def test_shorten_cuts_at_a_word_boundary():
    assert i18n.shorten(LONG_TEXT) == "Разработать региональную модель…"
    assert i18n.shorten("Короткий текст") == "Короткий текст"
    assert i18n.shorten("строка\nвторая   строка", 100) == "строка вторая строка"


# -- subjects -------------------------------------------------------------------------


def test_reminder_subject_for_one_item():
    subject = render_email(make_message()).subject
    assert subject == "Срок через 3 дня: Разработать региональную модель… (до 20.08.2021)"


def test_reminder_subject_for_several_items_names_the_nearest():
    items = [make_item(1, due=date(2021, 8, 25), days_left=8), make_item(2), make_item(3)]
    assert render_email(make_message(items=items)).subject == (
        "Сроки: 3 поручения, ближайший 20.08.2021"
    )
    english = render_email(make_message(items=items, locale="en")).subject
    assert english == "Deadlines: 3 tasks, nearest 20.08.2021"


def test_overdue_and_today_subjects():
    overdue = make_message(MessageKind.OVERDUE, [make_item(due=date(2021, 8, 12), days_left=-5)])
    assert render_email(overdue).subject == (
        "Просрочено на 5 дней: Разработать региональную модель… (срок 12.08.2021)"
    )
    today = make_message(items=[make_item(due=date(2021, 8, 17), days_left=0)])
    assert render_email(today).subject.startswith("Срок сегодня: ")
    english = make_message(items=[make_item(days_left=3)], locale="en")
    assert render_email(english).subject.startswith("Due in 3 days: ")


# -- every kind, both locales ---------------------------------------------------------


@pytest.mark.parametrize("locale", ["ru", "en"])
@pytest.mark.parametrize("kind", list(MessageKind))
def test_every_kind_renders_in_both_locales(kind, locale):
    bare = dict(label=None, document=None, owner=None)
    items = [
        make_item(42),
        make_item(43, text="Провести", due=date(2021, 8, 12), days_left=-5, **bare),
    ]
    if kind not in ITEM_KINDS | {MessageKind.COORDINATOR_DIGEST}:
        items = []
    rendered = render_email(
        make_message(kind, items, locale=locale, context=KIND_CONTEXT.get(kind))
    )

    assert rendered.subject and "\n" not in rendered.subject
    for part in (rendered.subject, rendered.text, rendered.html):
        assert "None" not in part and "Undefined" not in part
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert "http://" not in rendered.html and "https://" not in rendered.html  # self-contained
    assert "<img" not in rendered.html and "<link" not in rendered.html
    russian = any("а" <= ch <= "я" for ch in rendered.text.replace("Мария Петрова", ""))
    if locale == "ru":
        assert russian
    if items:
        # Every listed item says how to mark it done, with the bot and with the CLI.
        assert "/done 42" in rendered.text and "tracker tasks done 42" in rendered.text
        assert "/done 42" in rendered.html and "tracker tasks done 42" in rendered.html
        due = "20 августа 2021 г." if locale == "ru" else "20 August 2021"
        assert due in rendered.text and due in rendered.html
        assert "Город Азов" in rendered.text and "Протокол № 1 от 15.06.2021" in rendered.text


def test_item_lines_show_days_left_and_overdue():
    items = [make_item(1), make_item(2, due=date(2021, 8, 12), days_left=-5)]
    text = render_email(make_message(MessageKind.DIGEST, items)).text
    assert "Срок: 20 августа 2021 г. (через 3 дня)" in text
    assert "Срок: 12 августа 2021 г. (просрочено на 5 дней)" in text
    assert text.index("ПРОСРОЧЕНО") < text.index("БЛИЖАЙШИЕ СРОКИ")


def test_summary_figures_come_from_context():
    rendered = render_email(make_message(MessageKind.LEAD_SUMMARY, [], context=SUMMARY_CONTEXT))
    assert rendered.subject == (
        "Исполнительская дисциплина: Ростовская область на 23.08.2021 — просрочено 8, в срок 85,7 %"
    )
    assert "Просрочено сейчас: 8 (более 30 дней: 2)" in rendered.text
    assert "Батайск: просрочено 3, в работе 2" in rendered.text
    assert "п. 3.2: Разработать модель — 13 из 55" in rendered.text
    assert "просрочено на 53 дня" in rendered.text and "/done 43" in rendered.text
    assert "85,7 %" in rendered.html and "Батайск" in rendered.html


@pytest.mark.parametrize("locale", ["ru", "en"])
@pytest.mark.parametrize("kind", [MessageKind.COORDINATOR_DIGEST, MessageKind.LEAD_SUMMARY])
def test_summaries_survive_missing_context_keys(kind, locale):
    partial = {"totals": {"overdue": 4}, "organisations": [{"name": "Азов"}], "oldest": [{}]}
    for context in ({}, partial):
        rendered = render_email(make_message(kind, [], locale=locale, context=context))
        assert rendered.subject and "None" not in rendered.text + rendered.html
    assert "Азов" in rendered.text


def test_attachments_are_mentioned_in_summaries():
    report = Attachment("svodka.xlsx", "application/vnd.ms-excel", b"x")
    message = make_message(MessageKind.LEAD_SUMMARY, [], context=SUMMARY_CONTEXT,
                           attachments=(report,))  # fmt: skip
    assert "Полный отчёт во вложении: svodka.xlsx." in render_email(message).text


# -- escaping and given content -------------------------------------------------------


def test_html_escapes_task_text_but_text_and_subject_keep_it():
    evil = "Проверить <script>alert('x')</script> & <b>отчёт</b>"
    rendered = render_email(make_message(items=[make_item(text=evil)]))
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;" in rendered.html
    assert evil in rendered.text
    assert "<script>" in rendered.subject


def test_given_subject_text_and_html_are_used_as_is():
    given = make_message(subject="Своя тема", text="Свой текст", html="<p>Свой</p>")
    rendered = render_email(given)
    assert (rendered.subject, rendered.text, rendered.html) == (
        "Своя тема", "Свой текст\n", "<p>Свой</p>",
    )  # fmt: skip
    text_only = render_email(make_message(text="строка 1\n<строка 2>"))
    assert "строка 1<br>" in text_only.html and "&lt;строка 2&gt;" in text_only.html
    assert text_only.subject.startswith("Срок через 3 дня")


# -- calendar -------------------------------------------------------------------------


def test_calendar_event_is_an_all_day_deadline_with_an_alarm():
    data = build_calendar([make_item()], dtstamp=PLANNED, domain="edu.example.ru")
    calendar = Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == "assignment-42@edu.example.ru"
    assert event.decoded("DTSTART") == date(2021, 8, 20)
    assert event.decoded("DTEND") == date(2021, 8, 21)
    assert event.decoded("DTSTAMP") == PLANNED
    assert str(event["SUMMARY"]).startswith("Срок: 3.2 Разработать")
    description = str(event["DESCRIPTION"])
    assert "Протокол № 1" in description and "tracker tasks done 42" in description
    (alarm,) = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER").days == -1


def test_calendar_uid_is_stable_and_sequence_grows_with_an_extension():
    assert event_uid(42, "d.ru") == "assignment-42@d.ru"
    assert event_sequence(date(2021, 9, 1)) > event_sequence(date(2021, 8, 20))
    assert build_calendar([make_item(due=None, days_left=None)], dtstamp=PLANNED,
                          domain="d.ru") is None  # fmt: skip


# -- the MIME message -----------------------------------------------------------------


def parse(built) -> email.message.EmailMessage:
    return email.message_from_bytes(built.as_bytes(), policy=email.policy.default)


def test_build_email_headers_parts_and_calendar():
    settings = EmailSettings(sender="tracker@edu.example.ru", reply_to="help@edu.example.ru")
    parsed = parse(build_email(make_message(), settings))
    assert parsed["Subject"] == render_email(make_message()).subject
    assert parsed["From"].addresses[0].display_name == "Контроль исполнения"
    assert parsed["To"].addresses[0].display_name == "Мария Петрова"
    assert parsed["To"].addresses[0].addr_spec == "m.petrova@edu.example.ru"
    assert str(parsed["Reply-To"]) == "help@edu.example.ru"
    assert parsed["Message-ID"] == message_id("reminder:1", "edu.example.ru")
    assert parsed["Date"].datetime == PLANNED
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["X-Auto-Response-Suppress"] == "All"
    assert "Разработать" in parsed.get_body(("plain",)).get_content()
    assert "Разработать" in parsed.get_body(("html",)).get_content()
    (ics,) = [p for p in parsed.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert ics.get_filename() == "assignment-42.ics"
    assert ics.get_param("method") == "PUBLISH"


def test_build_email_is_deterministic_and_skips_calendar_for_escalations():
    settings = EmailSettings(sender="tracker@localhost")
    first, second = (parse(build_email(make_message(), settings)) for _ in range(2))
    assert first["Message-ID"] == second["Message-ID"] and first["Date"] == second["Date"]
    assert first["Message-ID"].endswith("@tracker.local>")  # no real domain in the sender
    escalation = parse(build_email(make_message(MessageKind.ESCALATION), settings))
    assert not list(escalation.iter_attachments())


def test_build_email_refuses_a_recipient_without_address():
    message = make_message()
    no_address = Message(**{**message.__dict__, "recipient": Recipient(1, "Без почты")})
    with pytest.raises(ValueError, match="нет адреса электронной почты"):
        build_email(no_address, EmailSettings())


def test_message_domain():
    assert message_domain("Tracker@Edu.Example.RU") == "edu.example.ru"
    assert message_domain("tracker@localhost") == "tracker.local"


@pytest.mark.parametrize("locale, line", [
    ("ru", "Решение: кнопки «Согласовать» / «Отклонить» в Telegram-боте или команды "
           "tracker extensions approve 7 / tracker extensions reject 7"),
    ("en", "To decide: the Approve / Reject buttons in the Telegram bot, or "
           "tracker extensions approve 7 / tracker extensions reject 7"),
])
def test_an_extension_request_says_how_to_decide_it(locale, line):
    context = {"status": "requested", "request_id": 7, "new_due": date(2021, 9, 3),
               "requested_by": "Иванов И.И.", "reason": "Ремонт"}
    rendered = render_email(make_message(MessageKind.EXTENSION, locale=locale,
                                         context=context))
    assert line in rendered.text.splitlines()
    assert "<code>tracker extensions approve 7</code>" in rendered.html
    decided = render_email(make_message(MessageKind.EXTENSION, locale=locale,
                                        context={**context, "status": "approved"}))
    assert "extensions approve" not in decided.text


def test_constant_words_are_translated_when_a_template_loads():
    """`{{ _("…") }}` without arguments becomes template text in the locale's
    environment; the text is what the call gives ("%%" → "%", no escaping in HTML)."""
    from notifications.content.render import environment
    from tracker.core.i18n import translations

    env = environment("ru")
    due = translations("ru").gettext("Due:")
    assert due != "Due:"
    assert "context.call" not in env.compile('{{ _("Due:") }}', raw=True)
    assert env.from_string('{{ _("Due:") }}|{{ _("Due:")|upper }}').render() == \
        f"{due}|{due.upper()}"
    assert env.from_string('{{ _("100%% <b>") }}').render() == "100% <b>"
    html = env.from_string(
        '{% autoescape true %}{{ _("a & <b>") }}{{ "&" }}{% endautoescape %}')
    assert html.render() == "a & <b>&amp;"
