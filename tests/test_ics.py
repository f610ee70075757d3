"""The direct `.ics` writer against the `icalendar`-based builder it replaced
(tests/ics_reference.py): byte for byte, over a table of inputs, a sweep of every fold
position and generated texts. Then what the bytes must be by RFC 5545, read back with
the `icalendar` parser: CRLF, no line over 75 octets, escapes and UTF-8 characters
never cut, every text property unchanged after unfolding and unescaping.

The tracker makes one kind of calendar: METHOD:PUBLISH, one all-day VEVENT per item
with a due date, each with one DISPLAY alarm (no cancellations: an extension is a
later SEQUENCE of the same UID)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from notifications.content.ics import build_calendar
from notifications.message import Item, Rule
from tests.ics_reference import icalendar_calendar

LONG_TITLE = ("Разработать и утвердить региональную модель обеспечения доступности "
              "дошкольного образования для детей в возрасте от двух месяцев до трёх лет, "
              "в том числе в группах кратковременного пребывания; представить отчёт")
TEXTS = [
    "Провести совещание",
    LONG_TITLE,
    LONG_TITLE * 3,
    "Commas, semicolons; and a backslash \\ in one line",
    "C:\\Новая папка\\отчёт;версия 2,итог",
    "A literal \\N and \\n and \\\\ in a text",
    "Строка 1\nСтрока 2\r\nСтрока 3\rСтрока 4\n\n",
    "^caret^ and ^^ and ^n in a text, " * 4,
    "Эмодзи 📅 и 🇷🇺 среди кириллицы, " * 5,
    "Ё" * 200,
    "x" * 73 + "\\" + "y" * 100,
    "\t tabs\tand  double  spaces  ",
    "Пункт: «кавычки» — тире – и …",
    "a",
]
ORGANISATIONS = ["Город Азов", "МБОУ «СОШ № 1», г. Батайск; филиал\\2", "Org"]
DOCUMENTS = [None, "Протокол № 1 от 15.06.2021", "Приказ № 5, п. 3; ред. 2\nот 01.01.2022"]
OWNERS = [None, "Иванов И. И.", "Петрова, М.; Сидоров\\С."]
LABELS = [None, "3.2", "1.1; 1.2, 1.3"]
DUES = [date(2021, 8, 20), date(2000, 1, 1), date(1999, 12, 31), date(2099, 12, 31),
        date(2024, 2, 29)]
STAMPS = [
    datetime(2021, 8, 17, 6, 0, tzinfo=UTC),
    datetime(2021, 8, 17, 9, 0, 59, 999999, tzinfo=ZoneInfo("Europe/Moscow")),
    datetime(2021, 8, 17, 6, 0, 5),  # naive: taken as UTC
    datetime(2021, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5))),
]
ALARMS = [(1, None), (1, time(9, 0)), (1, time(0, 0)), (3, time(9, 30)), (0, time(23, 59)),
          (7, time(12, 1)), (1, time(0, 1))]


def item(n=42, *, text=LONG_TITLE, due=date(2021, 8, 20), organisation="Город Азов",
         label="3.2", document="Протокол № 1 от 15.06.2021", owner="Иванов И. И."):
    return Item(n, text, due, 3, Rule.BEFORE, organisation, label, document, owner=owner)


def both(items, **kw) -> tuple[bytes | None, bytes | None]:
    return build_calendar(items, **kw), icalendar_calendar(items, **kw)


def table():
    """(label, items, keyword arguments) covering every field and option."""
    base = dict(dtstamp=STAMPS[0], domain="edu.example.ru")
    for n, text in enumerate(TEXTS):
        for locale in ("ru", "en"):
            yield f"text {n} {locale}", [item(text=text)], {**base, "locale": locale}
    for org, doc, owner, label in itertools.product(ORGANISATIONS, DOCUMENTS, OWNERS, LABELS):
        yield (f"fields {org!r} {doc!r} {owner!r} {label!r}",
               [item(organisation=org, document=doc, owner=owner, label=label)], base)
    for due in DUES:
        yield f"due {due}", [item(due=due)], base
    for stamp in STAMPS:
        yield f"stamp {stamp}", [item()], {**base, "dtstamp": stamp}
    for days, at in ALARMS:
        for locale in ("ru", "en", "en_GB", "de", ""):
            yield (f"alarm {days} {at} {locale}", [item()],
                   {**base, "alarm_days": days, "alarm_time": at, "locale": locale})
    for domain in ("tracker.local", "mail.edu.example.ru", "a,b;c.ru"):
        yield f"domain {domain}", [item()], {**base, "domain": domain}
    mixed = [item(1), item(2, due=None), item(3, text=TEXTS[4], due=date(2021, 9, 1)),
             item(4, due=None), item(100500, text=TEXTS[6], label=None, document=None)]
    yield "a digest with undated items", mixed, base
    yield "29 items", [item(i, text=f"Пункт {i} " + TEXTS[1]) for i in range(1, 30)], base


@pytest.mark.parametrize("label,items,kw", list(table()), ids=lambda v: None)
def test_the_direct_writer_gives_the_icalendar_bytes(label, items, kw):
    new, old = both(items, **kw)
    assert new == old, label


def test_no_dated_item_gives_no_calendar_in_both():
    assert both([], dtstamp=STAMPS[0], domain="d.ru") == (None, None)
    assert both([item(due=None)], dtstamp=STAMPS[0], domain="d.ru") == (None, None)


@pytest.mark.parametrize("special", ["\\", ";", ",", "\n", "^", "Я", "📅", "€"])
def test_every_fold_position_of_an_escape_or_a_wide_character(special):
    """The special character at every offset around the first and second fold."""
    for offset in range(140):
        for filler in ("x", "ж"):
            text = filler * offset + special + filler * 90
            new, old = both([item(text=text, label=None)], dtstamp=STAMPS[0], domain="d.ru")
            assert new == old, (special, offset, filler)


TEXT_ALPHABET = st.sampled_from(list("abc xyz,;:\\^\"\n\r\tЖжЁё№«»—…📅€") + ["\\N", "\r\n"])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(TEXT_ALPHABET, min_size=1, max_size=300).map("".join),
       owner=st.none() | st.text(max_size=40),
       label=st.none() | st.text(min_size=1, max_size=12),
       locale=st.sampled_from(["ru", "en"]),
       hours=st.integers(0, 23), minutes=st.integers(0, 59), days=st.integers(0, 10))
def test_generated_texts_give_the_same_bytes(text, owner, label, locale, hours, minutes, days):
    new, old = both([item(text=text, owner=owner, label=label, document=text[:50])],
                    dtstamp=STAMPS[1], domain="edu.example.ru", locale=locale,
                    alarm_days=days, alarm_time=time(hours, minutes))
    assert new == old


def test_the_bytes_keep_rfc_5545_and_read_back_unchanged():
    text = TEXTS[4] + " " + TEXTS[6] + " " + TEXTS[8]
    data = build_calendar([item(text=text), item(7, text=TEXTS[2])], dtstamp=STAMPS[0],
                          domain="edu.example.ru", alarm_time=time(9, 0))
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # every piece is whole characters
        assert not line.endswith(b"\\") or line.endswith(b"\\\\")
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    events = Calendar.from_ical(data).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["assignment-42@edu.example.ru",
                                               "assignment-7@edu.example.ru"]
    description = str(events[0]["DESCRIPTION"])
    assert "C:\\Новая папка\\отчёт;версия 2,итог" in description
    assert "Строка 1\nСтрока 2\nСтрока 3\nСтрока 4" in description
    assert "Эмодзи 📅 и 🇷🇺" in description
    (alarm,) = events[0].walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(hours=-15)
    assert events[0].decoded("DTSTART") == date(2021, 8, 20)
