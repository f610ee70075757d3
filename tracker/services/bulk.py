"""Executemany INSERTs whose values are converted to the driver's form once.

SQLAlchemy runs each column's bind processor (the `UTCDateTime` decorator, SQLite's
dates and booleans, ...) on every value of every row, ~10 µs a datetime. Rows written
in bulk share few distinct values in those columns (one `now`, a few due dates), so a
`BulkInsert` converts each distinct value once (`value`, or `prepare` for whole rows)
and binds the converted value untyped. The SQL and the stored values are exactly what a
plain `insert(table)` gives.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, bindparam, insert
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.types import UserDefinedType

from tracker.core.driver import memoised


class _Converted(UserDefinedType):
    """A bind of a value already in the driver's form: no processing, no cast. (A bind
    of NullType would take the column's type back, and its processor with it.)"""

    cache_ok = True

    def get_col_spec(self, **kw) -> str:  # never used in DDL
        return "CONVERTED"

    def bind_processor(self, dialect):
        return None


_CONVERTED = _Converted()


class BulkInsert:
    """An INSERT of `table`, for rows of the same keys; `returning` names columns to give
    back. `ordered`: the returned rows come in the order of the rows given (row by row
    on SQLite); otherwise in no promised order (multi-row VALUES)."""

    def __init__(self, table: Table, dialect: Dialect, *, returning: Sequence[str] = (),
                 ordered: bool = False):
        self.table = table
        self.returning = tuple(returning)
        self.ordered = ordered
        self._processors = {
            column.name: memoised(processor) for column in table.columns
            if (processor := column.type.dialect_impl(dialect).bind_processor(dialect))
            is not None
        }
        self._statements: dict[tuple[str, ...], Any] = {}
        self._sql: dict[tuple[str, ...], tuple[str, tuple[str, ...]]] = {}

    def value(self, column: str, value: Any) -> Any:
        """`value` of `column` as the driver gets it (converted once per distinct value)."""
        processor = self._processors.get(column)
        return value if processor is None else processor(value)

    def prepare(self, row: dict[str, Any]) -> dict[str, Any]:
        """`row` with every value converted (`value`)."""
        return {k: self.value(k, v) for k, v in row.items()}

    def _statement(self, keys: tuple[str, ...]):
        statement = self._statements.get(keys)
        if statement is None:
            statement = insert(self.table).values(
                {k: bindparam(k, type_=_CONVERTED) for k in keys if k in self._processors})
            if self.returning:
                statement = statement.returning(
                    *(self.table.c[name] for name in self.returning),
                    sort_by_parameter_order=self.ordered)
            self._statements[keys] = statement
        return statement

    def execute(self, connection: Connection, rows: Sequence[dict[str, Any]]) -> list[tuple]:
        """Insert `rows`, already converted (`value`, `prepare`), in one executemany; the
        `returning` columns of each, in the order of `rows` when `ordered`."""
        if not rows:
            return []
        keys = tuple(rows[0])
        if connection.dialect.name == "sqlite" and all(
                name == "id" or name in keys for name in self.returning):
            return self._sqlite(connection, keys, rows)
        result = connection.execute(self._statement(keys), list(rows))
        return [tuple(r) for r in result] if self.returning else []

    def _sqlite(self, connection: Connection, keys: tuple[str, ...],
                rows: Sequence[dict[str, Any]]) -> list[tuple]:
        """SQLite: the driver's own executemany of the statement compiled once, and the
        ids from the table's rowids. The transaction holds the write lock from its first
        write on, and a rowid table gives consecutive rowids to the rows of one
        executemany, above every rowid before it; checked, not assumed."""
        sql, order = self._compiled(connection.dialect, keys)
        table = self.table.name
        before = 0
        if self.returning:
            before = connection.exec_driver_sql(f'SELECT max(id) FROM "{table}"').scalar() or 0
        values = itemgetter(*order) if len(order) > 1 else (lambda row: (row[order[0]],))
        connection.exec_driver_sql(sql, [values(row) for row in rows])
        if not self.returning:
            return []
        after = connection.exec_driver_sql(f'SELECT max(id) FROM "{table}"').scalar()
        first = after - len(rows) + 1
        if first <= before:
            raise RuntimeError(f"{table}: {len(rows)} rows inserted, ids not consecutive")
        rest = [name for name in self.returning if name != "id"]
        if self.returning == ("id", *rest):  # the common shape: the id first
            others = itemgetter(*rest) if len(rest) > 1 else (
                (lambda row: (row[rest[0]],)) if rest else (lambda row: ()))
            return [(id_, *others(row))
                    for id_, row in zip(range(first, after + 1), rows, strict=True)]
        return [tuple(id_ if name == "id" else row[name] for name in self.returning)
                for id_, row in zip(range(first, after + 1), rows, strict=True)]

    def _compiled(self, dialect: Dialect, keys: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
        found = self._sql.get(keys)
        if found is None:
            compiled = insert(self.table).values(
                {k: bindparam(k, type_=_CONVERTED) for k in keys}).compile(dialect=dialect)
            found = self._sql[keys] = (compiled.string, tuple(compiled.positiontup))
        return found


@lru_cache(maxsize=64)
def bulk_insert(table: Table, dialect: Dialect, returning: tuple[str, ...] = (),
                ordered: bool = False) -> BulkInsert:
    """The `BulkInsert` of `table` on `dialect`, made once per process (its statements
    and conversions are reused by every batch)."""
    return BulkInsert(table, dialect, returning=returning, ordered=ordered)
