"""Working days of the Russian production calendar.

Non-working days are weekends and the public holidays of `holidays.RU`, which also
knows the government's transfers: a weekday made a day off ("Day off (substituted
from ...)", e.g. 2021-11-05) is in the holiday list, and a Saturday made a working day
(e.g. 2021-02-20, 2024-12-28) is in its `weekend_workdays`. Years whose transfers the
government has not decreed yet (or the library does not know) get the fixed holidays
only.

Everything here is pure and deterministic. The calendar builds a sorted list of working
days year by year on first use, so each question is a binary search.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from typing import Protocol

import holidays


class Calendar(Protocol):
    """What the planner needs from a calendar."""

    def is_working_day(self, day: date) -> bool: ...

    def previous_working_day(self, day: date) -> date: ...

    def add_working_days(self, day: date, n: int) -> date: ...

    def working_days_between(self, start: date, end: date) -> int: ...


class RussianCalendar:
    """The Russian production calendar (weekends, public holidays and transfers)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._first_year = 0  # span of years loaded into `_days`; empty while 0
        self._last_year = -1
        self._days: list[int] = []  # ordinals of working days, ascending

    # -- the span of loaded years -------------------------------------------------

    @staticmethod
    def _year_days(year: int) -> list[int]:
        calendar = holidays.RU(years=year)
        off = set(calendar)  # populated for `year` only, as asked
        workdays = calendar.weekend_workdays
        result = []
        day = date(year, 1, 1)
        one = timedelta(days=1)
        while day.year == year:
            weekend = day.weekday() >= 5
            if (day in workdays) if weekend else (day not in off):
                result.append(day.toordinal())
            day += one
        return result

    def _cover(self, year: int) -> None:
        """Make sure `_days` spans `year` (extending the span contiguously)."""
        if self._first_year <= year <= self._last_year:
            return
        with self._lock:
            if self._last_year < self._first_year:  # nothing loaded yet
                self._days = self._year_days(year)
                self._first_year = self._last_year = year
                return
            while year > self._last_year:
                self._days = self._days + self._year_days(self._last_year + 1)
                self._last_year += 1
            while year < self._first_year:
                self._days = self._year_days(self._first_year - 1) + self._days
                self._first_year -= 1

    # -- questions ------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """True for a working day: not a weekend or holiday, or a transferred working Saturday."""
        self._cover(day.year)
        ordinal = day.toordinal()
        index = bisect_left(self._days, ordinal)
        return index < len(self._days) and self._days[index] == ordinal

    def previous_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the nearest working day before it."""
        self._cover(day.year)
        ordinal = day.toordinal()
        while True:
            days = self._days
            index = bisect_right(days, ordinal) - 1
            if index >= 0:
                return date.fromordinal(days[index])
            self._cover(self._first_year - 1)

    def add_working_days(self, day: date, n: int) -> date:
        """The `n`-th working day after `day` (before it when `n` < 0); `day` itself for 0.

        `day` need not be a working day: one working day after a Saturday is Monday.
        """
        if n == 0:
            return day
        self._cover(day.year)
        ordinal = day.toordinal()
        if n > 0:
            while True:
                days = self._days
                index = bisect_right(days, ordinal) + n - 1
                if index < len(days):
                    return date.fromordinal(days[index])
                self._cover(self._last_year + 1)
        while True:
            days = self._days
            index = bisect_left(days, ordinal) + n
            if index >= 0:
                return date.fromordinal(days[index])
            self._cover(self._first_year - 1)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie after `start` up to and including `end` (0 if none)."""
        if end <= start:
            return 0
        self._cover(start.year)
        self._cover(end.year)
        days = self._days
        return bisect_right(days, end.toordinal()) - bisect_right(days, start.toordinal())


class EveryDayCalendar:
    """Every day is a working day: the calendar when `working_days_only` is off."""

    def is_working_day(self, day: date) -> bool:
        return True

    def previous_working_day(self, day: date) -> date:
        return day

    def add_working_days(self, day: date, n: int) -> date:
        return day + timedelta(days=n)

    def working_days_between(self, start: date, end: date) -> int:
        return max(0, (end - start).days)


RUSSIA = RussianCalendar()
EVERY_DAY = EveryDayCalendar()


def is_working_day(day: date) -> bool:
    """True if `day` is a working day in Russia."""
    return RUSSIA.is_working_day(day)


def previous_working_day(day: date) -> date:
    """`day` if it is a working day in Russia, else the nearest working day before it."""
    return RUSSIA.previous_working_day(day)


def add_working_days(day: date, n: int) -> date:
    """The `n`-th Russian working day after `day` (before it for negative `n`)."""
    return RUSSIA.add_working_days(day, n)


def working_days_between(start: date, end: date) -> int:
    """The number of Russian working days in (`start`, `end`]."""
    return RUSSIA.working_days_between(start, end)
