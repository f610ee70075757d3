"""Models and migrations: they agree, upgrade from empty, and refuse a newer schema."""

from datetime import date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tracker.core.db import Database, schema_revision, upgrade
from tracker.core.errors import SchemaError
from tracker.core.models import Organisation, Person, metadata


def test_upgrade_from_empty_then_nothing_to_do(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    assert schema_revision(db) is None
    assert upgrade(db) is True
    assert upgrade(db) is False
    tables = set(inspect(db.engine).get_table_names())
    assert {"organisation", "person", "document", "task", "assignment", "event",
            "outboxmessage", "outboxitem", "scheduledrun"} <= tables
    db.dispose()


def test_models_and_migrations_agree(db):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diff == []


def test_newer_schema_is_refused(db):
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaError, match="схема базы данных 9999_future новее, чем знает"):
        upgrade(db)


def test_sqlite_pragmas(db):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_foreign_keys_are_enforced(db):
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(Person(name="X", name_key="x", organisation_id=999))


def test_timestamps_come_back_aware_utc(db):
    with db.transaction() as session:
        org = Organisation(name="Р", name_key="р", kind="region")
        session.add(org)
    with db.reading() as session:
        stored = session.get(Organisation, org.id)
        assert stored.kind == "region"
    from tracker.core.models import Document

    with db.transaction() as session:
        doc = Document(kind="protocol", date=date(2021, 6, 15), content_hash="h")
        session.add(doc)
    with db.reading() as session:
        imported_at = session.get(Document, doc.id).imported_at
    assert isinstance(imported_at, datetime) and imported_at.utcoffset().total_seconds() == 0


def test_naive_datetimes_are_refused(db):
    from tracker.core.models import Document

    with pytest.raises(Exception, match="(?i)naive|timezone"), db.transaction() as session:
        session.add(Document(kind="protocol", imported_at=datetime(2021, 1, 1)))
        session.flush()
