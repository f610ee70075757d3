"""The `.ics` builder as it was written with the `icalendar` package (until the direct
writer in notifications.content.ics replaced it): the reference tests/test_ics.py holds
the direct writer to, byte for byte. Test-only: `icalendar` is a test dependency."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta

from notifications.content.ics import PRODID, _description, _summary, event_sequence, event_uid
from notifications.message import Item
from tracker.core import text as i18n


def icalendar_calendar(
    items: Iterable[Item],
    *,
    dtstamp: datetime,
    domain: str,
    locale: str = "ru",
    alarm_days: int = 1,
    alarm_time: time | None = None,
) -> bytes | None:
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
