"""The Russian production calendar: weekends, public holidays and transferred days."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tracker.core.workdays import (
    EVERY_DAY,
    RussianCalendar,
    add_working_days,
    is_working_day,
    previous_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2021, 8, 20), True),  # a Friday
        (date(2021, 8, 21), False),  # Saturday
        (date(2021, 8, 22), False),  # Sunday
        (date(2021, 11, 4), False),  # Unity Day, a Thursday
        (date(2021, 11, 5), False),  # transferred day off (from 2 January)
        (date(2021, 12, 31), False),  # transferred day off (from 3 January)
        (date(2021, 1, 4), False),  # New Year holidays
        (date(2021, 1, 8), False),
        (date(2021, 1, 11), True),  # the first working day of 2021
        (date(2021, 2, 20), True),  # a Saturday made a working day
        (date(2021, 2, 22), False),  # ... the Monday made a day off for it
        (date(2024, 4, 27), True),  # working Saturday of 2024
        (date(2024, 12, 28), True),  # working Saturday of 2024
        (date(2024, 12, 30), False),  # transferred day off
        (date(2021, 6, 14), False),  # Russia Day observed on Monday
        (date(2021, 3, 8), False),  # International Women's Day
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2021, 8, 20), date(2021, 8, 20)),  # a working day is itself
        (date(2021, 8, 22), date(2021, 8, 20)),  # Sunday -> Friday
        (date(2021, 11, 4), date(2021, 11, 3)),  # Unity Day -> Wednesday
        (date(2021, 11, 7), date(2021, 11, 3)),  # over the holiday, the transfer and the weekend
        (date(2021, 1, 10), date(2020, 12, 31)),  # over the New Year holidays, into last year
        (date(2021, 2, 21), date(2021, 2, 20)),  # Sunday -> the working Saturday
    ],
)
def test_previous_working_day(day, expected):
    assert previous_working_day(day) == expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2021, 8, 20), 0, date(2021, 8, 20)),
        (date(2021, 8, 20), 1, date(2021, 8, 23)),  # Friday + 1 -> Monday
        (date(2021, 8, 20), 3, date(2021, 8, 25)),
        (date(2021, 8, 20), 7, date(2021, 8, 31)),
        (date(2021, 8, 21), 1, date(2021, 8, 23)),  # from a Saturday
        (date(2021, 11, 3), 1, date(2021, 11, 8)),  # over Unity Day and the transfer
        (date(2021, 12, 30), 1, date(2022, 1, 10)),  # over New Year, across the year
        (date(2021, 2, 19), 1, date(2021, 2, 20)),  # the working Saturday counts
        (date(2021, 8, 23), -1, date(2021, 8, 20)),
        (date(2021, 1, 11), -1, date(2020, 12, 31)),
        (date(2021, 1, 9), -2, date(2020, 12, 30)),
    ],
)
def test_add_working_days(day, n, expected):
    assert add_working_days(day, n) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2021, 8, 20), date(2021, 8, 20), 0),
        (date(2021, 8, 20), date(2021, 8, 22), 0),  # only the weekend
        (date(2021, 8, 20), date(2021, 8, 25), 3),
        (date(2021, 12, 30), date(2022, 1, 10), 1),
        (date(2021, 8, 25), date(2021, 8, 20), 0),  # reversed
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_a_year_has_the_decreed_number_of_working_days():
    # The 2021 production calendar: 247 working days (5-day week).
    assert working_days_between(date(2020, 12, 31), date(2021, 12, 31)) == 247


def test_agrees_with_a_day_by_day_walk_across_years():
    calendar = RussianCalendar()  # a fresh one, loading years in an unusual order
    start = date(2023, 6, 1)
    assert calendar.add_working_days(start, 300) > date(2024, 6, 1)
    walk, day, count = [], date(2019, 12, 1), 0
    while day < date(2025, 2, 1):
        if is_working_day(day):
            walk.append(day)
        day += timedelta(days=1)
    for index in range(0, len(walk) - 40, 37):
        assert calendar.add_working_days(walk[index], 40) == walk[index + 40]
        assert calendar.add_working_days(walk[index + 40], -40) == walk[index]
        count += 1
    assert count > 30


def test_every_day_calendar():
    assert EVERY_DAY.is_working_day(date(2021, 11, 4))
    assert EVERY_DAY.previous_working_day(date(2021, 8, 22)) == date(2021, 8, 22)
    assert EVERY_DAY.add_working_days(date(2021, 8, 20), 3) == date(2021, 8, 23)
    assert EVERY_DAY.working_days_between(date(2021, 8, 20), date(2021, 8, 23)) == 3


def test_the_russia_module_loaded_alone_agrees_with_holidays_ru():
    """`_russia` loads holidays' module of Russia without importing every country's; the
    holidays and transferred working days are `holidays.RU`'s for every year asked."""
    import subprocess
    import sys

    import holidays

    from tracker.core.workdays import _russia

    russia = _russia()
    for year in range(1991, 2036):
        alone, library = russia(years=year), holidays.RU(years=year)
        assert dict(alone) == dict(library), year
        assert alone.weekend_workdays == library.weekend_workdays, year
    # In a fresh process the first calendar question imports no other country.
    code = ("import sys; from datetime import date; from tracker.core.workdays import RUSSIA;"
            "RUSSIA.is_working_day(date(2021, 11, 5));"
            "print('holidays.countries' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"
