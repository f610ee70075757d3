"""Writing the sent marks of a delivery pass (`lanes.Marks` calls these).

A mark is one short transaction: the messages and their items sent, and the caller's
hook told (`Outcomes.sent`: the service's events), all in it. It is written one of two
ways:

* `write` (any database, in a worker thread): a pooled connection and a Core
  transaction of its own, waiting for the write lock as long as the busy timeout lets it;
* `at_once` (a SQLite file, on the event loop's thread): on the pass's own connection,
  held from its first mark to its end, with the transaction begun and committed on the
  driver (`BEGIN IMMEDIATE` with a busy timeout of 0 on that connection, so it returns
  at once, the lock taken or refused: None then, nothing written, and the caller uses
  `write`). A
  transaction holding SQLite's write lock never waits (WAL: readers do not block it),
  so it holds up the loop less than a thread hop would cost it; and taking a pooled
  connection and beginning through Core cost a message about as much CPU again as its
  statements.

On the held connection the hook is given a Core connection whose transaction Core does
not know of (begun on the driver): it writes on the driver's cursor
(`tracker.core.driver`, as `record_sent` does on SQLite), never `connection.execute`,
which would begin a second transaction and fail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import exc
from sqlalchemy.pool import QueuePool

from notifications import outbox
from tracker.core.db import BUSY_TIMEOUT_MS

Marks = Sequence[tuple[int, datetime, str]]  # (message id, sent at, reply)


class SentWriter:
    """The sent marks of one pass over `db`, `on_sent` told of each group."""

    def __init__(self, db, on_sent: Callable | None) -> None:
        self._db = db
        self._on_sent = on_sent
        self._connection = None  # the pass's own, for `at_once`; taken on first use
        self._driver = None
        # A SQLite file's connections may be used from any thread (`QueuePool`); an
        # in-memory database's are per thread: its marks always go to `write`.
        self.can_write_at_once = db.is_sqlite and isinstance(db.engine.pool, QueuePool)

    def write(self, sent: Marks) -> set[int]:
        """Mark `sent` in one transaction of its own; the ids it marked. Synchronous:
        run it in a worker thread."""
        with self._db.engine.begin() as connection:
            return outbox.mark_sent_many(connection, sent, on_sent=self._on_sent)

    def at_once(self, sent: Marks) -> set[int] | None:
        """`write` on the event loop's thread if SQLite's write lock is free at once, else
        None (nothing written)."""
        if not self.can_write_at_once:
            return None
        if self._connection is None:
            self._connection = self._db.engine.connect()
            self._driver = self._connection.connection.driver_connection
            # Kept while the pass holds it (restored by `close`): a transaction that has
            # the write lock (WAL) needs no other lock, so only BEGIN could wait.
            self._driver.execute("PRAGMA busy_timeout = 0")
        driver = self._driver
        dbapi = self._connection.dialect.loaded_dbapi
        try:
            driver.execute("BEGIN IMMEDIATE")
        except dbapi.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                return None
            raise exc.DBAPIError.instance("BEGIN IMMEDIATE", None, error, dbapi.Error) from error
        try:
            marked = outbox.mark_sent_many(self._connection, sent, on_sent=self._on_sent)
            driver.execute("COMMIT")
        except BaseException as error:
            if driver.in_transaction:
                driver.execute("ROLLBACK")
            if isinstance(error, dbapi.Error):
                raise exc.DBAPIError.instance("COMMIT", None, error, dbapi.Error) from error
            raise
        return marked

    def close(self) -> None:
        """Give the pass's connection back to the pool (at the end of the pass)."""
        connection, driver = self._connection, self._driver
        self._connection = self._driver = None
        if connection is not None:
            try:
                driver.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            finally:
                connection.close()
