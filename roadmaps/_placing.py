"""Placing what `roadmaps._dateforms.MASTER` matched on the calendar (for `roadmaps.deadlines`).

A day with or without its year, a month, a quarter, a half-year, an academic year, a range:
their first and last days, given the document's date (`Ctx.reference`), an inherited period
and, for an undated document, a fallback anchor. Impossible dates raise `DeadlineError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from re import Match

from roadmaps import _dateforms as F
from tracker.core.errors import TrackerError
from tracker.core.i18n import _
from tracker.core.workdays import add_working_days

__all__ = ["Ctx", "DeadlineError", "Period"]


class DeadlineError(TrackerError, ValueError):
    """An impossible date such as "31 февраля 2022"; the message quotes the phrase.
    (Still a ValueError, as it always was, for callers that catch that.)"""

    def __init__(self, phrase: str, reason: str | None = None) -> None:
        super().__init__(_("impossible date in {phrase!r}: {reason}").format(
            phrase=phrase, reason=_("no such date") if reason is None else reason))
        self.phrase = phrase


@dataclass(frozen=True)
class Period:
    """A span of time a phrase names, e.g. "на 2021-2022 учебный год" (both ends included)."""

    start: date
    end: date


@dataclass(frozen=True)
class Ctx:
    reference: date | None
    period: Period | None
    fallback: date | None = None  # an undated document's anchor (see `find_deadlines`)

    @property
    def anchor(self) -> date | None:
        """Where a date without a year starts looking: the inherited period, else the
        document, else the caller's fallback."""
        return self.period.start if self.period else self.reference or self.fallback

    @property
    def now(self) -> date | None:
        """What "текущего/до конца года" is relative to: the document, else the period."""
        return self.reference or (self.period.start if self.period else None)


def check_day(phrase: str, day: int, month: int, year: int | None) -> None:
    if not 1 <= month <= 12:
        raise DeadlineError(phrase, _("month {month}").format(month=month))
    longest = 29 if month == 2 and year is None else F.calendar.monthrange(year or 2000, month)[1]
    if not 1 <= day <= longest:
        raise DeadlineError(phrase, _("day {day} of month {month}").format(day=day,
                                                                                    month=month))


def roll(phrase: str, day: int, month: int, anchor: date) -> date:
    """The first `day.month` on or after `anchor` (29 February waits for a leap year)."""
    for year in range(anchor.year, anchor.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= anchor:
            return candidate
    raise DeadlineError(phrase)


def day(m: Match, t: str, ctx: Ctx, phrase: str, borrow: date | None = None) -> date | None:
    """The date of `_date(t)` groups; `borrow` fills a partial first half of a range."""
    day = int(m.group(t + "d"))
    numeric, word = m.group(t + "m"), m.group(t + "w")
    year_text = m.group(t + "y") or m.group(t + "Y")
    if numeric is not None:
        if year_text is None and len(numeric) < 2:
            return None  # "до 3.5" is a number, not 3 May: a yearless date needs "03.05"
        month = int(numeric)
        if year_text is None and (month > 12 or day > 31):
            return None  # "до 35.45": a number (a price, a score), not a date to report
    elif word is not None:
        month = F.month_num(word)
        if month is None:
            return None
    elif borrow is not None:
        month = borrow.month
    else:
        return None
    year = F.year_of(year_text, ctx.reference.year if ctx.reference else None) \
        if year_text else None
    if year is not None and not 1900 <= year <= 2199:
        return None  # "СанПиН 2.4.7/1.1.1286-03": a code, not 1 January 1286
    check_day(phrase, day, month, year)
    if year is None and borrow is not None:
        year = borrow.year if month <= borrow.month else borrow.year - 1
    if year is not None:
        return date(year, month, day)
    if ctx.period and academic(ctx.period):
        # "30.08" in a plan "на 2015/2016 учебный год": August-December are its first year,
        # January-July its second (as for a month, below).
        year = ctx.period.start.year + (month < 8)
        if month != 2 or day != 29 or F.calendar.isleap(year):
            return date(year, month, day)
    return roll(phrase, day, month, ctx.anchor) if ctx.anchor else None


def first_span(bounds, anchor: date | None) -> tuple[date, date] | None:
    """`bounds(year)` for the first year whose span does not end before `anchor`."""
    if anchor is None:
        return None
    this = bounds(anchor.year)
    return this if this[1] >= anchor else bounds(anchor.year + 1)


def date_range(m: Match, first: str, last: str, ctx: Ctx, phrase: str) -> tuple[date, date] | None:
    end = day(m, last, ctx, phrase)
    if end is None:
        return None
    start = day(m, first, ctx, phrase, borrow=end)
    if start is None:
        return None
    if start > end:
        raise DeadlineError(phrase, _("the range ends before it starts"))
    return start, end


def bounds(kind: str, m: Match, ctx: Ctx, phrase: str) -> tuple[date, date] | None:
    """First and last day of a span atom; None when it cannot be placed (no year, no anchor)."""
    g = m.group
    if kind == "A_year":
        year = int(g("yr"))
        return date(year, 1, 1), date(year, 12, 31)
    if kind == "A_years":
        first, last = int(g("ys1")), int(g("ys2"))
        if first > last:
            raise DeadlineError(phrase, _("the years run backwards"))
        return date(first, 1, 1), date(last, 12, 31)
    if kind == "A_acad":
        first, second = int(g("ac1")), F.year_of(g("ac2"))
        if second != first + 1:
            raise DeadlineError(phrase, _("an academic year spans two consecutive years"))
        return F.academic_bounds(first)
    if kind in ("A_quarter", "A_half"):
        t = "q" if kind == "A_quarter" else "h"
        number = F.ordinal(g(t + "n"))
        if number is None:
            return None
        if kind == "A_half" and number > 2:
            raise DeadlineError(phrase, _("a year has two half-years"))
        fn = F.quarter_bounds if kind == "A_quarter" else F.half_bounds
        year = g(t + "y")
        if year:
            return fn(int(year), number)
        return first_span(lambda y: fn(y, number), ctx.anchor)
    if kind == "A_month":
        month = F.month_num(g("mo"))
        if month is None:
            return None
        if g("moy"):
            year = int(g("moy"))
            return date(year, month, 1), F.month_end(year, month)
        if ctx.period and academic(ctx.period):
            # "на 2016-2017 учебный год": August-December are its first year, January-July
            # its second, whatever the document's date.
            year = ctx.period.start.year + (month < 8)
            return date(year, month, 1), F.month_end(year, month)
        return first_span(lambda y: (date(y, month, 1), F.month_end(y, month)), ctx.anchor)
    if kind == "A_mrange":
        first, last = F.month_num(g("ma")), F.month_num(g("mb"))
        if first is None or last is None:
            return None
        wraps = first > last  # "сентябрь – май": the second month is in the next year
        if g("mby"):
            end_year = int(g("mby"))
        elif g("may"):
            end_year = int(g("may")) + wraps
        else:
            found = first_span(lambda y: (date(y, last, 1), F.month_end(y, last)), ctx.anchor)
            if found is None:
                return None
            end_year = found[1].year
        start_year = int(g("may")) if g("may") else end_year - wraps
        start, end = date(start_year, first, 1), F.month_end(end_year, last)
        if start > end:
            raise DeadlineError(phrase, _("the range ends before it starts"))
        return start, end
    if kind == "A_drange":
        return date_range(m, "c", "e", ctx, phrase)
    if kind == "A_range":
        return date_range(m, "a", "b", ctx, phrase)
    return None


def academic(period: Period) -> bool:
    return (period.start.month, period.start.day, period.end.month, period.end.day) == (
        9, 1, 8, 31) and period.end.year == period.start.year + 1


def after(reference: date, n: int, unit: str, working: bool) -> date:
    unit = unit.lower()
    if unit.startswith("недел"):
        return reference + timedelta(weeks=n)
    if unit.startswith("месяц") or unit.startswith("месячн"):
        return F.add_months(reference, n)
    if working:
        return add_working_days(reference, n)  # the Russian production calendar
    return reference + timedelta(days=n)


def current(unit: str, ctx: Ctx) -> tuple[date, date] | None:
    """The year/quarter/month/academic year containing `ctx.now` (for "до конца года")."""
    now = ctx.now
    if unit == "периода":
        return (ctx.period.start, ctx.period.end) if ctx.period else None
    if now is None:
        return None
    if "уч" in unit:
        return F.academic_containing(now)
    if unit.endswith("года"):
        return date(now.year, 1, 1), date(now.year, 12, 31)
    if unit == "квартала":
        return F.quarter_bounds(now.year, (now.month - 1) // 3 + 1)
    if unit == "полугодия":
        return F.half_bounds(now.year, 1 if now.month <= 6 else 2)
    if unit == "месяца":
        return date(now.year, now.month, 1), F.month_end(now.year, now.month)
    monday = now - timedelta(days=now.weekday())  # недели
    return monday, monday + timedelta(days=6)
