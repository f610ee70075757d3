"""Two date functions SQLite and PostgreSQL spell differently, as SQLAlchemy constructs.

`local_date(ts, zone, offset_seconds)` is the calendar day of an aware UTC timestamp in
the report's time zone. PostgreSQL converts with the zone itself (`AT TIME ZONE`), so it
is exact on every date. SQLite has no zone database; it shifts by a fixed offset, which
the caller takes from the zone at the as-of date. That is exact for zones without
daylight saving time (Europe/Moscow has had none since 2014) and off by at most an hour
around a transition elsewhere.

`days_between(later, earlier)` is the whole number of days from one date to another.
"""

from __future__ import annotations

from sqlalchemy import Date, Integer
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
