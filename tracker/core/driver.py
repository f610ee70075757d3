"""Statements run over many rows with the values converted once, for the tick's writes.

SQLAlchemy's executemany does work per row: it builds and checks a parameter set for
each row against the compiled statement and runs each column's bind processor on each
value (the `UTCDateTime` decorator costs ~10 µs a datetime). The rows a tick writes
share few distinct values in those columns (one `now`, a few due dates and send slots).

`Many` compiles its statement once per dialect and set of row keys and, on SQLite,
converts each distinct value once through the very bind processor Core would run, then
hands the driver one `executemany` of tuples: the SQL and the stored values are Core's.
On any other database (PostgreSQL) it is Core's own executemany, unchanged.

`sqlite_rows_in` reads rows by a list of keys on SQLite with plain `?` marks, one query
per chunk, without Core's expansion of an `IN` list per execution, and `sqlite_rows` the
rows of a Core select as the driver returns them; `reader` converts read values (dates,
datetimes stored as text) once per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import repeat
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.types import TypeEngine

from tracker.core.db import IN_LIST_SIZE

__all__ = ["Many", "Returning", "reader", "sqlite_rows", "sqlite_rows_in"]

_CACHE_SIZE = 4096  # distinct values kept per column


def memoised(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`convert` with its results kept per distinct (hashable) value; None stays None."""
    cache: dict[Any, Any] = {}

    def converted(value: Any) -> Any:
        if value is None:
            return None
        try:
            return cache[value]
        except KeyError:
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            result = cache[value] = convert(value)
            return result
        except TypeError:  # unhashable: converted each time
            return convert(value)

    return converted


class Many:
    """A Core INSERT or UPDATE (no RETURNING) executed over many rows of the same keys.

    Build it once (at import) with the `keys` its rows give; `execute` it with one
    sequence of Python values per key (columns, not rows: no tuple per row is built,
    the driver gets each row as it binds it). The effect is
    `connection.execute(statement, [dict(zip(keys, row)) for row in zip(*columns)])`.
    """

    def __init__(self, statement, keys: Sequence[str]) -> None:
        self.statement = statement
        self.keys = tuple(keys)
        self._compiled: dict[int, tuple[str, list]] = {}

    def execute(self, connection: Connection, columns: Sequence[Sequence[Any]]) -> None:
        if len(columns) != len(self.keys):
            raise ValueError(f"{len(self.keys)} columns expected, {len(columns)} given")
        count = len(columns[0])
        if any(len(values) != count for values in columns):
            raise ValueError("the columns differ in length")
        if not count:
            return
        if connection.dialect.name != "sqlite":
            keys = self.keys
            connection.execute(self.statement, [dict(zip(keys, row, strict=True))
                                                for row in zip(*columns, strict=True)])
            return
        sql, spec = self._compile(connection.dialect)
        values = []
        for index, fixed, convert in spec:
            if index is None:  # a value the statement sets itself
                values.append(repeat(fixed, count))
            elif convert is None:
                values.append(columns[index])
            else:
                values.append(map(convert, columns[index]))
        with _cursor(connection, sql) as cursor:
            cursor.executemany(sql, zip(*values, strict=False))  # lazily, row by row

    def _compile(self, dialect: Dialect) -> tuple[str, list]:
        found = self._compiled.get(id(dialect))
        if found is None:
            keys = self.keys
            compiled = self.statement.compile(dialect=dialect, column_keys=list(keys))
            if compiled.positiontup is None:
                raise ValueError("Many needs a dialect with positional parameters")
            fixed = compiled.params
            # Column defaults Core would compute per row: the rows must give those.
            computed = {c.key for c in (*compiled.insert_prefetch, *compiled.update_prefetch)}
            columns = []
            for name in compiled.positiontup:
                bind = compiled.binds[name]
                processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if name in keys:
                    columns.append((keys.index(name), None, processor and memoised(processor)))
                elif name in computed or bind.required:
                    raise ValueError(f"the rows give no value for {name!r}")
                else:  # a value in the statement itself
                    value = fixed[name]
                    columns.append((None, processor(value) if processor and value is not None
                                    else value, None))
            found = self._compiled[id(dialect)] = (compiled.string, columns)
        return found


class Returning:
    """A Core statement with RETURNING (or a SELECT) run once per set of values, many
    times in one transaction (the delivery loop's sent marks: one UPDATE ... RETURNING
    per message).

    On SQLite it is compiled once per dialect, each value converted by the very bind
    processor Core would run (memoised per distinct value) and executed on one driver
    cursor for all the sets: the rows come as the driver gives them (tuples, no result
    processing: select only columns whose stored form is their Python value). Elsewhere
    it is Core's `execute` of each set, its rows as tuples. The statement may have no
    expanding `IN` list.
    """

    def __init__(self, statement, keys: Sequence[str]) -> None:
        self.statement = statement
        self.keys = tuple(keys)
        self._compiled: dict[int, tuple[str, list]] = {}

    def each(self, connection: Connection, rows: Sequence[Sequence[Any]]) -> list[list[tuple]]:
        """The rows each set of values in `rows` (one value per key, in key order) returns."""
        keys = self.keys
        if connection.dialect.name != "sqlite":
            return [[tuple(r) for r in connection.execute(self.statement,
                                                          dict(zip(keys, row, strict=True)))]
                    for row in rows]
        sql, spec = self._compile(connection.dialect)
        found = []
        with _cursor(connection, sql) as cursor:
            for row in rows:
                cursor.execute(sql, [fixed if index is None else
                                     (row[index] if convert is None else convert(row[index]))
                                     for index, fixed, convert in spec])
                found.append(cursor.fetchall())
        return found

    def _compile(self, dialect: Dialect) -> tuple[str, list]:
        found = self._compiled.get(id(dialect))
        if found is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=list(self.keys))
            if compiled.positiontup is None or compiled.post_compile_params:
                raise ValueError("Returning needs positional parameters and no expanding IN")
            spec = []
            for name in compiled.positiontup:
                bind = compiled.binds[name]
                processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
                if name in self.keys:
                    spec.append((self.keys.index(name), None,
                                 processor and memoised(processor)))
                else:  # a value in the statement itself
                    value = compiled.params[name]
                    spec.append((None, processor(value) if processor and value is not None
                                 else value, None))
            found = self._compiled[id(dialect)] = (compiled.string, spec)
        return found


def reader(type_: TypeEngine, dialect: Dialect) -> Callable[[Any], Any]:
    """A column type's result conversion on `dialect`, once per distinct stored value
    (read such a column raw, or coerced to text, and pass each value through this)."""
    processor = type_.dialect_impl(dialect).result_processor(dialect, None)
    return memoised(processor) if processor is not None else _same


def _same(value: Any) -> Any:
    return value


def sqlite_rows_in(connection: Connection, sql: str, values: Sequence,
                   params: Sequence = (), *, size: int = IN_LIST_SIZE) -> list[tuple]:
    """SQLite: the rows of `sql`, whose one `{}` is filled with `?` marks for each chunk of
    `values` (`... WHERE key IN ({})`); `params` bind the marks after the list."""
    if not values:
        return []
    sqls: dict[int, str] = {}
    rows: list[tuple] = []
    with _cursor(connection, sql) as cursor:
        for start in range(0, len(values), size):
            chunk = values[start:start + size]
            text = sqls.get(len(chunk))
            if text is None:
                text = sqls[len(chunk)] = sql.format(",".join("?" * len(chunk)))
            cursor.execute(text, (*chunk, *params))
            rows += cursor.fetchall()
    return rows


def sqlite_rows(connection: Connection, query) -> list[tuple]:
    """SQLite: the rows of the Core `query` as the driver gives them, its parameters
    converted as Core would: no result processing (select dates and datetimes coerced
    to text and convert them with `reader`) and no `Row` per row."""
    compiled = query.compile(dialect=connection.dialect)
    if compiled.positiontup is None or compiled.literal_execute_params or \
            compiled.post_compile_params:
        return [tuple(row) for row in connection.execute(query).all()]
    params = compiled.construct_params()
    dialect = connection.dialect
    values = []
    for name in compiled.positiontup:
        value = params[name]
        processor = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
        values.append(processor(value) if processor is not None and value is not None
                      else value)
    with _cursor(connection, compiled.string) as cursor:
        cursor.execute(compiled.string, values)
        return cursor.fetchall()


class _cursor:
    """A driver cursor on `connection`'s own DBAPI connection, so in its transaction
    (its `fetchall` and `executemany` as they are, not through a Core result); driver
    errors come out as SQLAlchemy's (`IntegrityError`, ...), as from `execute`. A class,
    not a generator context manager: a sent mark opens three (~2 µs less each)."""

    __slots__ = ("_connection", "_sql", "_cursor")

    def __init__(self, connection: Connection, sql: str) -> None:
        self._connection, self._sql = connection, sql

    def __enter__(self):
        self._cursor = self._connection.connection.cursor()
        return self._cursor

    def __exit__(self, kind, error, traceback) -> bool:
        self._cursor.close()
        dbapi = self._connection.dialect.loaded_dbapi
        if error is not None and isinstance(error, dbapi.Error):
            raise exc.DBAPIError.instance(self._sql, None, error, dbapi.Error) from error
        return False
