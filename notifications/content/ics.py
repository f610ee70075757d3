"""Calendar files (`.ics`) for deadlines, so a reminder puts the due date in the calendar.

Each item with a due date becomes an all-day VEVENT with a reminder alarm. The event's
UID depends only on the assignment (`assignment-<id>@<domain>`), and its SEQUENCE
grows with the due date, so an extension *updates* the event a client already has
instead of adding a second one (RFC 5545 §3.8.7.4: a later SEQUENCE wins). Pure: the
DTSTAMP is passed in, nothing reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from notifications.message import Item
from tracker.core import text as i18n

PRODID = "-//Roadmap Tracker//Deadlines//RU"
# SEQUENCE counts days from this date: a later due date always gets a larger number.
_SEQUENCE_EPOCH = date(2000, 1, 1)


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
    from icalendar import Alarm, Calendar, Event

    locale = i18n.normalize_locale(locale)
    stamp = dtstamp if dtstamp.tzinfo else dtstamp.replace(tzinfo=UTC)
    stamp = stamp.astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    count = 0
    for item in items:
        if item.due_date is None:
            continue
        event = Event()
        event.add("uid", event_uid(item.assignment_id, domain))
        event.add("sequence", event_sequence(item.due_date))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due_date)  # a date: VALUE=DATE, an all-day event
        event.add("dtend", item.due_date + timedelta(days=1))  # exclusive end
        event.add("summary", _summary(item, locale))
        event.add("description", _description(item, locale))
        event.add("transp", "TRANSPARENT")  # a deadline does not block the day
        event.add("categories", ["Deadline" if locale == "en" else "Срок исполнения"])
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        offset = timedelta(hours=alarm_time.hour, minutes=alarm_time.minute) \
            if alarm_time else timedelta(0)
        alarm.add("trigger", timedelta(days=-alarm_days) + offset)
        alarm.add("description", _summary(item, locale))
        event.add_component(alarm)
        calendar.add_component(event)
        count += 1
    return calendar.to_ical() if count else None


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
