"""Two date functions SQLite and PostgreSQL spell differently, as SQLAlchemy constructs.

`local_date(ts, zone, offset_seconds)` is the calendar day of an aware UTC timestamp in
the report's time zone. PostgreSQL converts with the zone itself (`AT TIME ZONE`), so it
is exact on every date. SQLite has no zone database; it shifts by a fixed offset, which
the caller takes from the zone at the as-of date. That is exact for zones without
daylight saving time (Europe/Moscow has had none since 2014) and off by at most an hour
around a transition elsewhere.

`days_between(later, earlier)` is the whole number of days from one date to another.
`on_or_before_local` and `id_list` serve the one-scan report (`tracker.reports.scan`).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Date, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class local_date(FunctionElement):
    """The local calendar day of a UTC timestamp: `local_date(column, zone_name, offset)`."""

    type = Date()
    inherit_cache = True
    name = "local_date"


class days_between(FunctionElement):
    """Days from the second date to the first: `days_between(later, earlier)`."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(local_date)
def _local_date_default(element, compiler, **kw):  # PostgreSQL and anything standard
    column, zone, _offset = list(element.clauses)
    return (
        f"CAST(({compiler.process(column, **kw)} AT TIME ZONE "
        f"{compiler.process(zone, **kw)}) AS DATE)"
    )


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    column, _zone, offset = list(element.clauses)
    # date('2021-08-13 22:00:00.000000', '+10800 seconds') -> '2021-08-14'
    return (
        f"date({compiler.process(column, **kw)}, "
        f"printf('%+d seconds', {compiler.process(offset, **kw)}))"
    )


@compiles(days_between)
def _days_between_default(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (
        f"CAST(ROUND(julianday({compiler.process(later, **kw)}) - "
        f"julianday({compiler.process(earlier, **kw)})) AS INTEGER)"
    )


class on_or_before_local(FunctionElement):
    """Whether a UTC timestamp falls on or before a date in the report's zone:
    `on_or_before_local(column, day, zone_name, clock)`, where `clock` (' 21:00:00' for
    UTC+3, with its leading space) is the UTC time of the local midnight that ends
    `day`. SQLite compares the stored text with `day || clock` (no date function per
    row), so it only serves zones east of UTC; PostgreSQL converts with the zone."""

    type = Boolean()
    inherit_cache = True
    name = "on_or_before_local"


class id_list(FunctionElement):
    """The group's values as one comma-separated text: `id_list(column)`."""

    type = String()
    inherit_cache = True
    name = "id_list"


@compiles(on_or_before_local)
def _on_or_before_default(element, compiler, **kw):
    column, day, zone, _clock = list(element.clauses)
    return (
        f"(CAST(({compiler.process(column, **kw)} AT TIME ZONE "
        f"{compiler.process(zone, **kw)}) AS DATE) <= {compiler.process(day, **kw)})"
    )


@compiles(on_or_before_local, "sqlite")
def _on_or_before_sqlite(element, compiler, **kw):
    column, day, _zone, clock = list(element.clauses)
    # '2021-08-10 20:59:59.000000' < '2021-08-10' || ' 21:00:00': on 10.08 in Moscow
    return (
        f"({compiler.process(column, **kw)} < "
        f"({compiler.process(day, **kw)} || {compiler.process(clock, **kw)}))"
    )


@compiles(id_list)
def _id_list_default(element, compiler, **kw):
    (column,) = list(element.clauses)
    return f"string_agg(CAST({compiler.process(column, **kw)} AS TEXT), ',')"


@compiles(id_list, "sqlite")
def _id_list_sqlite(element, compiler, **kw):
    (column,) = list(element.clauses)
    return f"group_concat({compiler.process(column, **kw)}, ',')"


class day_number(FunctionElement):
    """A date's Julian day number (2451545 for 1 January 2000): `day_number(date)`.
    Differences of day numbers are days, so a report sums them per group instead of
    calling a date function per row on both sides of every subtraction."""

    type = Integer()
    inherit_cache = True
    name = "day_number"


class local_day_number(FunctionElement):
    """The Julian day number of a UTC timestamp's local calendar day:
    `local_day_number(column, zone_name, modifier)`, where `modifier` ('+10800 seconds')
    is the zone's fixed offset for SQLite (see `local_date`); PostgreSQL converts with
    the zone."""

    type = Integer()
    inherit_cache = True
    name = "local_day_number"


_JD_2000 = 2451545  # the Julian day number of 2000-01-01


@compiles(day_number)
def _day_number_default(element, compiler, **kw):
    (column,) = list(element.clauses)
    return f"(CAST({compiler.process(column, **kw)} AS DATE) - DATE '2000-01-01' + {_JD_2000})"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element, compiler, **kw):
    (column,) = list(element.clauses)
    # julianday('2000-01-01') is 2451544.5: the day starts at noon before.
    return f"CAST(julianday({compiler.process(column, **kw)}) + 0.5 AS INTEGER)"


@compiles(local_day_number)
def _local_day_number_default(element, compiler, **kw):
    column, zone, _modifier = list(element.clauses)
    return (
        f"(CAST(({compiler.process(column, **kw)} AT TIME ZONE "
        f"{compiler.process(zone, **kw)}) AS DATE) - DATE '2000-01-01' + {_JD_2000})"
    )


@compiles(local_day_number, "sqlite")
def _local_day_number_sqlite(element, compiler, **kw):
    column, _zone, modifier = list(element.clauses)
    # SQLite keeps julianday in whole milliseconds: local midnight is exactly .5.
    return (
        f"CAST(julianday({compiler.process(column, **kw)}, {compiler.process(modifier, **kw)})"
        f" + 0.5 AS INTEGER)"
    )


class digits(FunctionElement):
    """A group's small integers (0-9) as one text of digits, in no particular order:
    `digits(column)`. Counting a digit in Python (`str.count`) is the group's count of
    that value, so one expression per row yields several counts."""

    type = String()
    inherit_cache = True
    name = "digits"


@compiles(digits)
def _digits_default(element, compiler, **kw):
    (column,) = list(element.clauses)
    return f"string_agg(CAST({compiler.process(column, **kw)} AS TEXT), '')"


@compiles(digits, "sqlite")
def _digits_sqlite(element, compiler, **kw):
    (column,) = list(element.clauses)
    return f"group_concat({compiler.process(column, **kw)}, '')"


class distinct_list(FunctionElement):
    """A group's distinct values (texts without commas) as one comma-separated text, in
    no particular order: `distinct_list(column)`."""

    type = String()
    inherit_cache = True
    name = "distinct_list"


@compiles(distinct_list)
def _distinct_list_default(element, compiler, **kw):
    (column,) = list(element.clauses)
    return f"string_agg(DISTINCT CAST({compiler.process(column, **kw)} AS TEXT), ',')"


@compiles(distinct_list, "sqlite")
def _distinct_list_sqlite(element, compiler, **kw):
    (column,) = list(element.clauses)
    # SQLite takes no separator with DISTINCT: ',' is its default.
    return f"group_concat(DISTINCT {compiler.process(column, **kw)})"
