"""Occurrences of recurring tasks: one per period, each with its own key and due date.

A recurring task (`Task.recurrence`) runs from `period_start` to `period_end`. Each
period inside gets one assignment per organisation, told apart by `Assignment.period`
(the period key) and due on the period's last day, clipped to `period_end`:

=========== ================ =============================================
recurrence  key              due date
=========== ================ =============================================
daily       ``2022-03-15``   that day; working days only by default
weekly      ``2022-W11``     Sunday of the ISO week
monthly     ``2022-03``      last day of the month
quarterly   ``2022-Q1``      last day of the quarter
half_yearly ``2022-H1``      30 June / 31 December
yearly      ``2022``         31 December
continuous  ``to-2022-12-31`` `period_end` (else the task's due date): one occurrence
=========== ================ =============================================

An occurrence exists once its period has begun by `until` (the caller's horizon, e.g.
today + `horizon_days`). Pure: no I/O, no clock.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol

from tracker.core.enums import Recurrence
from tracker.core.workdays import EVERY_DAY, RUSSIA, Calendar


class TaskLike(Protocol):
    recurrence: Recurrence | str | None
    period_start: date | None
    period_end: date | None
    due_date: date | None


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def _period(kind: Recurrence, day: date) -> tuple[str, date, date]:
    """The key, first day and last day of the period of `kind` containing `day`."""
    if kind == Recurrence.DAILY:
        return day.isoformat(), day, day
    if kind == Recurrence.WEEKLY:
        year, week, weekday = day.isocalendar()
        monday = day - timedelta(days=weekday - 1)
        return f"{year}-W{week:02d}", monday, monday + timedelta(days=6)
    if kind == Recurrence.MONTHLY:
        return f"{day.year}-{day.month:02d}", day.replace(day=1), _month_end(day.year, day.month)
    if kind == Recurrence.QUARTERLY:
        quarter = (day.month - 1) // 3 + 1
        first = date(day.year, 3 * quarter - 2, 1)
        return f"{day.year}-Q{quarter}", first, _month_end(day.year, 3 * quarter)
    if kind == Recurrence.HALF_YEARLY:
        half = 1 if day.month <= 6 else 2
        return f"{day.year}-H{half}", date(day.year, 6 * half - 5, 1), \
            _month_end(day.year, 6 * half)
    if kind == Recurrence.YEARLY:
        return str(day.year), date(day.year, 1, 1), date(day.year, 12, 31)
    raise ValueError(f"{kind} has no periods")


def occurrences(
    task: TaskLike,
    *,
    until: date,
    since: date | None = None,
    working_days_only: bool = True,
) -> list[tuple[str, date]]:
    """The (period key, due date) of each occurrence of `task` begun by `until`.

    `since` leaves out occurrences due before it (those already generated or past).
    Daily occurrences fall on Russian working days only unless `working_days_only` is
    off. A task that does not recur, or whose period is unknown, has no occurrences.

    :raises ValueError: for an unknown recurrence.
    """
    if not task.recurrence:
        return []
    kind = Recurrence(task.recurrence)
    if kind == Recurrence.CONTINUOUS:
        due = task.period_end or task.due_date
        start = task.period_start
        if due is None or (start is not None and start > until) or (since and due < since):
            return []
        return [(f"to-{due.isoformat()}", due)]

    start = task.period_start or task.due_date
    if start is None:
        return []
    end = task.period_end
    calendar: Calendar = RUSSIA if working_days_only else EVERY_DAY
    result: list[tuple[str, date]] = []
    day = max(start, since) if since else start  # earlier periods are all due before `since`
    while day <= until and (end is None or day <= end):
        key, _, last = _period(kind, day)
        due = min(last, end) if end is not None else last
        if not (since and due < since) and (
            kind != Recurrence.DAILY or calendar.is_working_day(day)
        ):
            result.append((key, due))
        day = last + timedelta(days=1)
    return result
