"""Working days of the Russian production calendar.

Non-working days are weekends and the public holidays of `holidays.RU`, which also
knows the government's transfers: a weekday made a day off ("Day off (substituted
from ...)", e.g. 2021-11-05) is in the holiday list, and a Saturday made a working day
(e.g. 2021-02-20, 2024-12-28) is in its `weekend_workdays`. Years whose transfers the
government has not decreed yet (or the library does not know) get the fixed holidays
only.

Everything here is pure and deterministic. The calendar builds each year's sorted list of
working days on first use (any year of 1..9999, independently of the others), so each
question is a binary search within a year or two. The planner and the deadline grammar
(`roadmaps`: "в течение 5 рабочих дней") count on this one calendar.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from bisect import bisect_left, bisect_right
from datetime import date, timedelta
from pathlib import Path
from typing import Protocol

import holidays


class Calendar(Protocol):
    """What the planner needs from a calendar."""

    def is_working_day(self, day: date) -> bool: ...

    def previous_working_day(self, day: date) -> date: ...

    def add_working_days(self, day: date, n: int) -> date: ...

    def working_days_between(self, start: date, end: date) -> int: ...


_RUSSIA_CLASS: list[type] = []


def _russia() -> type:
    """The `holidays` class of Russia (`holidays.RU`).

    `holidays.RU` imports `holidays.countries`, whose `__init__` imports the modules of
    every country the library knows (~280; 0.3-0.7 s, the most of a process's first
    plan). This loads the one module, `holidays/countries/russia.py`, by itself, under a
    name of its own (not registered in `sys.modules`: a later `import holidays.countries`
    gets the library's own copy); if the library is laid out otherwise, or the package
    is imported already, it is `holidays.RU` (tests/test_workdays.py checks both agree).
    """
    if _RUSSIA_CLASS:
        return _RUSSIA_CLASS[0]
    found: type = holidays.RU
    if "holidays.countries" not in sys.modules:
        try:
            package = importlib.util.find_spec("holidays.countries")
            path = Path(next(iter(package.submodule_search_locations))) / "russia.py"
            spec = importlib.util.spec_from_file_location("tracker_holidays_russia", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            found = module.Russia
        except (ImportError, AttributeError, OSError, StopIteration, TypeError):
            found = holidays.RU
    _RUSSIA_CLASS.append(found)
    return found


class RussianCalendar:
    """The Russian production calendar (weekends, public holidays and transfers)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._years: dict[int, list[int]] = {}  # year -> ordinals of its working days

    @staticmethod
    def _year_days(year: int) -> list[int]:
        calendar = _russia()(years=year)
        off = set(calendar)  # populated for `year` only, as asked
        workdays = calendar.weekend_workdays
        result = []
        for ordinal in range(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal() + 1):
            day = date.fromordinal(ordinal)
            weekend = day.weekday() >= 5
            if (day in workdays) if weekend else (day not in off):
                result.append(ordinal)
        return result

    def _year(self, year: int) -> list[int]:
        """The working days of `year` (ordinals, ascending), built on first use.

        :raises ValueError: a year outside 1..9999.
        """
        days = self._years.get(year)
        if days is None:
            if not 1 <= year <= 9999:
                raise ValueError(f"year {year} is out of range")
            with self._lock:
                days = self._years.get(year)
                if days is None:
                    days = self._years[year] = self._year_days(year)
        return days

    # -- questions ------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """True for a working day: not a weekend or holiday, or a transferred working Saturday."""
        days = self._year(day.year)
        ordinal = day.toordinal()
        index = bisect_left(days, ordinal)
        return index < len(days) and days[index] == ordinal

    def previous_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the nearest working day before it."""
        year, ordinal = day.year, day.toordinal()
        while True:
            days = self._year(year)
            index = bisect_right(days, ordinal) - 1
            if index >= 0:
                return date.fromordinal(days[index])
            year -= 1

    def add_working_days(self, day: date, n: int) -> date:
        """The `n`-th working day after `day` (before it when `n` < 0); `day` itself for 0.

        `day` need not be a working day: one working day after a Saturday is Monday.

        :raises ValueError: the answer would lie outside the years 1..9999.
        """
        if n == 0:
            return day
        year, ordinal = day.year, day.toordinal()
        if n > 0:
            days = self._year(year)
            index = bisect_right(days, ordinal) + n - 1
            while index >= len(days):
                index -= len(days)
                year += 1
                days = self._year(year)
            return date.fromordinal(days[index])
        days = self._year(year)
        index = bisect_left(days, ordinal) + n
        while index < 0:
            year -= 1
            days = self._year(year)
            index += len(days)
        return date.fromordinal(days[index])

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days lie after `start` up to and including `end` (0 if none)."""
        if end <= start:
            return 0
        first = self._year(start.year)
        count = len(first) - bisect_right(first, start.toordinal())
        for year in range(start.year + 1, end.year + 1):
            count += len(self._year(year))
        last = self._year(end.year)
        return count - (len(last) - bisect_right(last, end.toordinal()))


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
