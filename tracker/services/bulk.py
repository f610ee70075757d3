"""Executemany INSERTs whose values are converted to the driver's form once.

SQLAlchemy runs each column's bind processor (the `UTCDateTime` decorator, SQLite's
boolean, ...) on every value of every row, ~10 µs a datetime. Rows written in bulk share
few distinct values in those columns (one `now`, a few due dates), so `BulkInsert`
converts each distinct value once and binds the converted value untyped. The SQL and the
stored values are exactly what a plain `insert(table)` would give.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, bindparam, insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.types import NullType


class BulkInsert:
    """An INSERT of `table`, for rows of the same keys; `returning` names columns to give
    back, in the order of the rows."""

    def __init__(self, table: Table, dialect: Dialect, *, returning: Sequence[str] = ()):
        self.table = table
        self.returning = tuple(returning)
        self._processors = {
            column.name: processor for column in table.columns
            if (processor := column.type.bind_processor(dialect)) is not None
        }
        self._statements: dict[tuple[str, ...], Any] = {}

    def _statement(self, keys: tuple[str, ...]):
        statement = self._statements.get(keys)
        if statement is None:
            processed = [k for k in keys if k in self._processors]
            statement = insert(self.table).values(
                {k: bindparam(k, type_=NullType()) for k in processed})
            if self.returning:
                statement = statement.returning(
                    *(self.table.c[name] for name in self.returning),
                    sort_by_parameter_order=True)
            self._statements[keys] = statement
        return statement

    def prepare(self, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows with each processed column's values converted, each distinct one once."""
        if not rows:
            return []
        keys = [k for k in rows[0] if k in self._processors]
        caches: dict[str, dict[Any, Any]] = {k: {} for k in keys}
        out = []
        for row in rows:
            row = dict(row)
            for k in keys:
                value = row[k]
                cache = caches[k]
                try:
                    row[k] = cache[value]
                except KeyError:
                    row[k] = cache[value] = self._processors[k](value)
                except TypeError:  # unhashable: converted each time
                    row[k] = self._processors[k](value)
            out.append(row)
        return out

    def execute(self, connection: Connection, rows: Sequence[dict[str, Any]]) -> list[tuple]:
        """Insert `rows` (one executemany); the `returning` columns of each, in order."""
        if not rows:
            return []
        statement = self._statement(tuple(rows[0]))
        result = connection.execute(statement, self.prepare(rows))
        return [tuple(r) for r in result] if self.returning else []
