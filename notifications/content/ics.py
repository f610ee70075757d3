"""Calendar files (`.ics`) for deadlines, so a reminder puts the due date in the calendar.

Each item with a due date becomes an all-day VEVENT with a reminder alarm. The event's
UID depends only on the assignment (`assignment-<id>@<domain>`), and its SEQUENCE
grows with the due date, so an extension *updates* the event a client already has
instead of adding a second one (RFC 5545 §3.8.7.4: a later SEQUENCE wins). Pure: the
DTSTAMP is passed in, nothing reads the clock.

Written directly (RFC 5545): the calendars have one fixed shape, and the `icalendar`
package spent more time serialising them (parameter objects, per-character folding)
than the rest of the email took to build. The bytes are exactly those the
`icalendar`-based builder wrote (tests/test_ics.py compares the two over many inputs):
the same property order (the calendar's and the event's canonical order, then the
others alphabetically), TEXT escaping of backslash, semicolon, comma and line breaks,
and lines folded before they reach 75 octets, never inside a UTF-8 character and
never right after a backslash (an escape stays on one line).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from notifications.message import Item
from tracker.core import text as i18n

PRODID = "-//Roadmap Tracker//Deadlines//RU"
# SEQUENCE counts days from this date: a later due date always gets a larger number.
_SEQUENCE_EPOCH = date(2000, 1, 1)
_FOLD_AT = 74  # octets a line (or a continuation after its space) may hold
_CONTINUATION = 0x80, 0xC0  # UTF-8 bytes in this range continue a character


def event_uid(assignment_id: int, domain: str) -> str:
    """The stable UID of an assignment's deadline event."""
    return f"assignment-{assignment_id}@{domain}"


def event_sequence(due_date: date) -> int:
    """A SEQUENCE that increases whenever the due date moves later (an extension)."""
    return max(0, (due_date - _SEQUENCE_EPOCH).days)


def build_calendar(
    items: Iterable[Item],
    *,
    dtstamp: datetime,
    domain: str,
    locale: str = "ru",
    alarm_days: int = 1,
    alarm_time: time | None = None,
) -> bytes | None:
    """An iCalendar (METHOD:PUBLISH) with one event per item that has a due date.

    :param dtstamp: when the message was planned (aware; naive is taken as UTC).
    :param domain: the right-hand side of the UIDs, e.g. the sender's domain.
    :param alarm_days: the alarm fires this many days before the due date ...
    :param alarm_time: ... at this wall-clock time (the reminders' send time), not at
        midnight; None: at the start of that day. The trigger is relative to the event's
        start (the due date's midnight in the officer's calendar), e.g. -PT15H for 09:00
        the day before.
    :returns: the `.ics` bytes (UTF-8, CRLF), or None if no item has a due date.
    """
    locale = i18n.normalize_locale(locale)
    stamp = dtstamp if dtstamp.tzinfo else dtstamp.replace(tzinfo=UTC)
    stamp = stamp.astimezone(UTC)
    offset = timedelta(hours=alarm_time.hour, minutes=alarm_time.minute) \
        if alarm_time else timedelta(0)
    trigger = _duration(timedelta(days=-alarm_days) + offset)
    dtstamp_line = f"DTSTAMP:{_datetime_utc(stamp)}"
    categories_line = _CATEGORIES_EN if locale == "en" else _CATEGORIES_RU
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", _PRODID_LINE,
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    count = 0
    for item in items:
        if item.due_date is None:
            continue
        summary = _escape(_summary(item, locale))
        lines += (
            "BEGIN:VEVENT",
            _fold(f"SUMMARY:{summary}"),
            f"DTSTART;VALUE=DATE:{_date(item.due_date)}",  # an all-day event
            f"DTEND;VALUE=DATE:{_date(item.due_date + timedelta(days=1))}",  # exclusive end
            dtstamp_line,
            _fold(f"UID:{_escape(event_uid(item.assignment_id, domain))}"),
            f"SEQUENCE:{event_sequence(item.due_date)}",
            categories_line,
            _fold(f"DESCRIPTION:{_escape(_description(item, locale))}"),
            "TRANSP:TRANSPARENT",  # a deadline does not block the day
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            _fold(f"DESCRIPTION:{summary}"),
            f"TRIGGER:{trigger}",
            "END:VALARM",
            "END:VEVENT",
        )
        count += 1
    if not count:
        return None
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _escape(text: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11), in the `icalendar` package's order: a literal
    backslash-N already counts as a line break (as it did there)."""
    return (text.replace("\\N", "\n").replace("\\", "\\\\").replace(";", "\\;")
            .replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
            .replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line: each piece at most 74 octets, continuation lines begin with
    a space; a cut never splits a UTF-8 character, and a backslash (or caret) that would
    end a piece moves to the next one, so an escape is never split."""
    if line.isascii() and len(line) <= _FOLD_AT:
        return line
    data = line.encode("utf-8")
    if len(data) <= _FOLD_AT:
        return line
    low, high = _CONTINUATION
    pieces, start, size = [], 0, len(data)
    while size - start > _FOLD_AT:
        end = start + _FOLD_AT
        while low <= data[end] < high:  # not inside a character
            end -= 1
        if data[end - 1] in b"\\^":
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode("utf-8")


_PRODID_LINE = _fold(f"PRODID:{_escape(PRODID)}")
_CATEGORIES_EN = _fold("CATEGORIES:" + _escape("Deadline"))
_CATEGORIES_RU = _fold("CATEGORIES:" + _escape("Срок исполнения"))


def _date(day: date) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


def _datetime_utc(moment: datetime) -> str:
    return (f"{moment.year:04}{moment.month:02}{moment.day:02}"
            f"T{moment.hour:02}{moment.minute:02}{moment.second:02}Z")


def _duration(delta: timedelta) -> str:
    """A DURATION value (RFC 5545 §3.3.6) as the `icalendar` package writes one."""
    sign = ""
    if delta.days < 0:
        sign, delta = "-", -delta
    timepart = ""
    if delta.seconds:
        hours, minutes, seconds = (delta.seconds // 3600, delta.seconds % 3600 // 60,
                                   delta.seconds % 60)
        timepart = "T"
        if hours:
            timepart += f"{hours}H"
        if minutes or (hours and seconds):
            timepart += f"{minutes}M"
        if seconds:
            timepart += f"{seconds}S"
    if delta.days == 0 and timepart:
        return f"{sign}P{timepart}"
    return f"{sign}P{delta.days}D{timepart}"


def _summary(item: Item, locale: str) -> str:
    prefix = "Deadline" if locale == "en" else "Срок"
    label = f"{item.label} " if item.label else ""
    return f"{prefix}: {label}{i18n.shorten(item.text, 120)}"


def _description(item: Item, locale: str) -> str:
    due = i18n.format_date(item.due_date, locale)
    if locale == "en":
        lines = [
            item.document or "",
            f"Item {item.label}" if item.label else "",
            item.text,
            f"Responsible: {item.organisation}" + (f" ({item.owner})" if item.owner else ""),
            f"Due: {due}",
            f"Mark as done: /done {item.assignment_id} in the Telegram bot "
            f"or tracker tasks done {item.assignment_id}",
        ]
    else:
        lines = [
            item.document or "",
            f"Пункт {item.label}" if item.label else "",
            item.text,
            f"Исполнитель: {item.organisation}" + (f" ({item.owner})" if item.owner else ""),
            f"Срок: {due}",
            f"Отметить исполнение: /done {item.assignment_id} в Telegram-боте "
            f"или tracker tasks done {item.assignment_id}",
        ]
    return "\n".join(line for line in lines if line)
