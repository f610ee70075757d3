"""Occurrences of recurring tasks: one per period, keyed, due at the period's end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from notifications.planning.recurrence import occurrences
from tracker.core.enums import Recurrence


@dataclass
class T:
    recurrence: Recurrence | str | None
    period_start: date | None = None
    period_end: date | None = None
    due_date: date | None = None


CASES = [
    ("monthly over a year, started mid-month",
     T(Recurrence.MONTHLY, date(2022, 3, 15), date(2022, 6, 30)), date(2022, 12, 31), None,
     [("2022-03", date(2022, 3, 31)), ("2022-04", date(2022, 4, 30)),
      ("2022-05", date(2022, 5, 31)), ("2022-06", date(2022, 6, 30))]),
    ("monthly: February of a leap year",
     T(Recurrence.MONTHLY, date(2024, 2, 1), date(2024, 2, 29)), date(2024, 12, 31), None,
     [("2024-02", date(2024, 2, 29))]),
    ("the last period is clipped to the period end",
     T(Recurrence.MONTHLY, date(2022, 1, 1), date(2022, 2, 15)), date(2022, 12, 31), None,
     [("2022-01", date(2022, 1, 31)), ("2022-02", date(2022, 2, 15))]),
    ("only periods begun by the horizon",
     T(Recurrence.MONTHLY, date(2022, 1, 1), date(2022, 12, 31)), date(2022, 3, 1), None,
     [("2022-01", date(2022, 1, 31)), ("2022-02", date(2022, 2, 28)),
      ("2022-03", date(2022, 3, 31))]),
    ("`since` leaves out occurrences already due",
     T(Recurrence.MONTHLY, date(2022, 1, 1), date(2022, 12, 31)), date(2022, 4, 10),
     date(2022, 3, 5), [("2022-03", date(2022, 3, 31)), ("2022-04", date(2022, 4, 30))]),
    ("quarterly",
     T(Recurrence.QUARTERLY, date(2021, 9, 1), date(2022, 6, 30)), date(2022, 12, 31), None,
     [("2021-Q3", date(2021, 9, 30)), ("2021-Q4", date(2021, 12, 31)),
      ("2022-Q1", date(2022, 3, 31)), ("2022-Q2", date(2022, 6, 30))]),
    ("yearly",
     T(Recurrence.YEARLY, date(2021, 6, 1), date(2023, 6, 30)), date(2030, 1, 1), None,
     [("2021", date(2021, 12, 31)), ("2022", date(2022, 12, 31)), ("2023", date(2023, 6, 30))]),
    ("weekly, ISO weeks across the new year",
     T(Recurrence.WEEKLY, date(2021, 12, 22), date(2022, 1, 12)), date(2022, 12, 31), None,
     [("2021-W51", date(2021, 12, 26)), ("2021-W52", date(2022, 1, 2)),
      ("2022-W01", date(2022, 1, 9)), ("2022-W02", date(2022, 1, 12))]),
    ("daily: working days only (Unity Day, its transfer and the weekend left out)",
     T(Recurrence.DAILY, date(2021, 11, 2), date(2021, 11, 9)), date(2021, 12, 31), None,
     [("2021-11-02", date(2021, 11, 2)), ("2021-11-03", date(2021, 11, 3)),
      ("2021-11-08", date(2021, 11, 8)), ("2021-11-09", date(2021, 11, 9))]),
    ("continuous: one occurrence due at the end of the period",
     T(Recurrence.CONTINUOUS, date(2021, 9, 1), date(2022, 5, 31)), date(2021, 10, 15), None,
     [("to-2022-05-31", date(2022, 5, 31))]),
    ("continuous, not begun by the horizon",
     T(Recurrence.CONTINUOUS, date(2022, 9, 1), date(2023, 5, 31)), date(2021, 10, 15), None,
     []),
    ("continuous without an end: the task's due date",
     T(Recurrence.CONTINUOUS, None, None, date(2021, 12, 1)), date(2021, 10, 15), None,
     [("to-2021-12-01", date(2021, 12, 1))]),
    ("continuous with neither", T(Recurrence.CONTINUOUS), date(2021, 10, 15), None, []),
    ("open-ended: up to the horizon",
     T(Recurrence.MONTHLY, date(2022, 1, 10)), date(2022, 2, 1), None,
     [("2022-01", date(2022, 1, 31)), ("2022-02", date(2022, 2, 28))]),
    ("no start: the due date starts it",
     T(Recurrence.QUARTERLY, None, date(2022, 6, 30), date(2022, 3, 31)), date(2022, 12, 31),
     None, [("2022-Q1", date(2022, 3, 31)), ("2022-Q2", date(2022, 6, 30))]),
    ("no start and no due date", T(Recurrence.MONTHLY), date(2022, 12, 31), None, []),
    ("not recurring", T(None, date(2022, 1, 1), date(2022, 12, 31)), date(2022, 12, 31), None,
     []),
    ("stored as a plain string",
     T("yearly", date(2022, 1, 1), date(2022, 12, 31)), date(2022, 12, 31), None,
     [("2022", date(2022, 12, 31))]),
]


@pytest.mark.parametrize(("task", "until", "since", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_occurrences(task, until, since, expected):
    assert occurrences(task, until=until, since=since) == expected


def test_daily_every_calendar_day_on_request():
    task = T(Recurrence.DAILY, date(2021, 11, 3), date(2021, 11, 6))
    days = [due for _, due in occurrences(task, until=date(2022, 1, 1), working_days_only=False)]
    assert days == [date(2021, 11, 3), date(2021, 11, 4), date(2021, 11, 5), date(2021, 11, 6)]


def test_period_keys_fit_the_column_and_are_unique():
    task = T(Recurrence.DAILY, date(2021, 1, 1), date(2023, 12, 31))
    keys = [key for key, _ in occurrences(task, until=date(2024, 1, 1), working_days_only=False)]
    assert len(keys) == len(set(keys)) == 365 * 3
    assert max(len(k) for k in keys) <= 16  # Assignment.period is 16 characters
    assert len(occurrences(T(Recurrence.CONTINUOUS, None, date(2022, 5, 31)),
                           until=date(2022, 1, 1))[0][0]) <= 16


def test_unknown_recurrence_is_refused():
    with pytest.raises(ValueError):
        occurrences(T("fortnightly", date(2022, 1, 1)), until=date(2022, 12, 31))
