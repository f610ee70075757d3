"""Engines, sessions and schema upgrades.

SQLite is the default and gets special care: WAL (readers never block the writer),
foreign keys on, a busy timeout, and writing transactions that start with
`BEGIN IMMEDIATE`. With SQLite's default deferred transactions a read-then-write
session either loses updates or fails with "database is locked" when the scheduler
and the bot write at once; taking the write lock up front makes writers queue instead.
Nothing else here is SQLite-specific: a PostgreSQL URL works the same way.

SQLite file connections are pooled and reused, not opened per session. Opening one
costs the PRAGMAs below, and closing the last connection to a WAL database
checkpoints and deletes the WAL file, so with a fresh connection per transaction a
one-row write cost 5-10 ms instead of well under one. A pooled connection is used by
one thread at a time (sessions run in `asyncio.to_thread` workers), so it may move
between threads (`check_same_thread=False`). `Database.dispose()` closes them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, String, create_engine, event, exc, text, type_coerce
from sqlalchemy.pool import NullPool, QueuePool
from sqlmodel import Session

from tracker.core.errors import SchemaError
from tracker.core.i18n import _

BUSY_TIMEOUT_MS = 30_000
MIGRATIONS = Path(__file__).with_name("migrations")


IN_LIST_SIZE = 500  # bound parameters per IN (...) list; SQLite allows 32766, PostgreSQL 65535
POOL_SIZE = 5  # idle SQLite connections kept per engine; more are opened when needed


def chunks(values: Sequence, size: int = IN_LIST_SIZE) -> Iterator[Sequence]:
    """`values` in slices of at most `size`, for `IN (...)` lists of bound parameters."""
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

    cache: dict[str, datetime] = {}

    def read(text: str | None) -> datetime | None:
        if text is None:
            return None
        found = cache.get(text)
        if found is None:
            found = cache[text] = aware(datetime.fromisoformat(text))
        return found

    return (lambda column: type_coerce(column, String()).label(column.name)), read


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    connect_args: dict = {"timeout": BUSY_TIMEOUT_MS / 1000}
    if _sqlite_is_file(url):
        # Never block for a free connection (max_overflow=-1), as NullPool never did.
        connect_args["check_same_thread"] = False
        pool: dict = {"poolclass": QueuePool, "pool_size": POOL_SIZE, "max_overflow": -1}
    else:  # an in-memory database is one per connection: keep the old behaviour
        pool = {"poolclass": NullPool}
    engine = create_engine(url, connect_args=connect_args, **pool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class Database:
    """The two engines of one database: for writing and for reading.

    On SQLite the writing engine takes the write lock at BEGIN; the reading engine does
    not, so long reports never hold up the scheduler or the bot. On other databases both
    are the same engine. SQLite's writing engine is made on first use: a command that
    only reads (`tracker tasks list`) opens one engine and one connection.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        if self.is_sqlite:
            _ensure_sqlite_dir(url)
            self.read_engine = _sqlite_engine(url, immediate=False)
        else:
            self._engine = self.read_engine = create_engine(url, pool_pre_ping=True)

    @property
    def engine(self) -> Engine:
        """The writing engine, made on first use (once, whichever thread asks first)."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = _sqlite_engine(self.url, immediate=True)
        return self._engine

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A writing session: committed when the block ends, rolled back on any error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session (never commits). Objects stay readable after the block:
        closing the session releases the connection without expiring what was loaded."""
        with Session(self.read_engine, expire_on_commit=False) as session:
            yield session

    def dispose(self) -> None:
        written = self._engine  # None: never made
        if written is not None:
            written.dispose()
        if self.read_engine is not written:
            self.read_engine.dispose()


def _sqlite_is_file(url: str) -> bool:
    path = url.split("///", 1)[-1] if "///" in url else ""
    return bool(path) and path != ":memory:" and "mode=memory" not in path


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def alembic_config(db: Database):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return config


def schema_revision(db: Database) -> str | None:
    """The revision the database is at; None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest migration's revision, read from the migration files' text without
    importing Alembic (which costs a command about 0.2 s); None unless there is exactly
    one head, when only Alembic can say."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision(?:\s*:[^=]+)?\s*=\s*[\"']([^\"']+)[\"']", source, re.M)
        down = re.search(r"^down_revision(?:\s*:[^=]+)?\s*=(.*)$", source, re.M)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        parents.update(re.findall(r"[\"']([^\"']+)[\"']", down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(db: Database) -> str | None:
    """`alembic_version` read with plain SQL; None when there is none (a new database).
    Read through the reading engine: a command that writes nothing opens no other."""
    try:
        with db.read_engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except exc.DBAPIError:  # no such table: never migrated
        return None
    return rows[0][0] if len(rows) == 1 else None


def upgrade(db: Database) -> bool:
    """Bring the schema to the newest revision; True if anything changed. A database
    already at the head is recognised without Alembic.

    :raises SchemaError: if the database was written by a newer version of the tool.
    """
    head = head_revision()
    if head is not None and _stored_revision(db) == head:
        return False
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config(db)
    script = ScriptDirectory.from_config(config)
    current = schema_revision(db)
    head = script.get_current_head()
    if current == head:
        return False
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise SchemaError(_(
            "database schema {current} is newer than this version of tracker (knows up to "
            "{head}); upgrade tracker").format(current=current, head=head))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return True


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open a database, upgrading its schema first (the service and CLI do this on start)."""
    db = Database(url)
    if migrate:
        upgrade(db)
    return db


def check_connection(db: Database) -> None:
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
