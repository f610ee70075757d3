"""Dates at the edges: parsing what users type, local days, display."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from tracker.core.errors import InvalidInput
from tracker.core.i18n import _

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", re.ASCII)
_RU = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", re.ASCII)


def parse_date(value: str, *, what: str = "date") -> date:
    """`2021-08-20` or `20.08.2021` as a date.

    :raises InvalidInput: naming the value and the accepted forms.
    """
    text = value.strip()
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _RU.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise InvalidInput(_(
            "invalid {what} {value!r}: expected YYYY-MM-DD or DD.MM.YYYY")
            .format(what=what, value=value))
    try:
        return date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            reason = _("there is no month {month}: expected 1 to 12").format(month=month)
        elif year < 1:
            reason = _("there is no year {year}").format(year=year)
        else:
            reason = _("month {month} of {year} has no day {day}").format(
                month=month, year=year, day=day)
        raise InvalidInput(_(
            "invalid {what} {value!r}: {exc}")
            .format(what=what, value=value, exc=reason)) from None


def parse_datetime(value: str, zone: ZoneInfo, *, what: str = "time") -> datetime:
    """`2021-08-13 09:00` (or `13.08.2021 09:00`, or a bare date: 00:00) in `zone`, as aware UTC."""
    text = value.strip().replace("T", " ")
    day_part, _sep, time_part = text.partition(" ")
    day = parse_date(day_part, what=what)
    clock = time(0, 0)
    if time_part:
        try:
            clock = time.fromisoformat(time_part.strip())
        except ValueError:
            raise InvalidInput(_(
                "invalid {what} {value!r}: expected HH:MM after the date")
                .format(what=what, value=value)) from None
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def local_today(now: datetime, zone: ZoneInfo) -> date:
    """The calendar day it is in `zone` at the aware instant `now`."""
    return now.astimezone(zone).date()


def format_local(moment: datetime | None, zone: ZoneInfo) -> str:
    """`20.08.2021 09:00` in local time, or an empty string."""
    if moment is None:
        return ""
    if moment.tzinfo is None:  # SQLite hands back naive UTC through raw SQL
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone).strftime("%d.%m.%Y %H:%M")


def format_day(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""
