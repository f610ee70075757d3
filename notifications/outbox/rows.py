"""Small helpers for reading and writing outbox rows in bulk."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from sqlmodel import Session

CHUNK = 500  # bound parameters per IN (...) list; SQLite allows 32766, PostgreSQL 65535


def chunks(values: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    """`values` in slices of at most `size` (for IN (...) lists)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def aware(moment: datetime | None) -> datetime | None:
    """`moment` as aware UTC (raw SQL on SQLite hands back naive UTC)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def moment_reader(session: Session):
    """(wrap, read) for selecting many datetime columns fast: `wrap(column)` in the
    SELECT, `read(value)` on each value, giving aware UTC datetimes. On SQLite the
    stored text is read as text and parsed once per distinct value (the UTCDateTime
    decorator costs ~10 µs a value, and a batch shares few distinct moments)."""
    if session.connection().dialect.name != "sqlite":
        return (lambda column: column), aware
    from sqlalchemy import String, type_coerce

    cache: dict[str, datetime] = {}

    def read(text: str | None) -> datetime | None:
        if text is None:
            return None
        found = cache.get(text)
        if found is None:
            found = cache[text] = aware(datetime.fromisoformat(text))
        return found

    return (lambda column: type_coerce(column, String()).label(column.name)), read
