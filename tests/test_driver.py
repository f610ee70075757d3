"""`tracker.core.driver`: statements handed to the SQLite driver store and read exactly
what Core's own executemany and results do (real SQLite files)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    exc,
    insert,
    select,
    type_coerce,
    update,
)
from sqlmodel.sql.sqltypes import UTCDateTime

from tracker.core.driver import Many, Returning, reader, sqlite_rows, sqlite_rows_in

METADATA = MetaData()
THING = Table(
    "thing", METADATA,
    Column("id", Integer, primary_key=True),
    Column("key", String(40), unique=True, nullable=False),
    Column("day", Date),
    Column("at", UTCDateTime()),
    Column("flag", Boolean, nullable=False),
    Column("count", Integer, nullable=False, default=0),
)
KEYS = ("key", "day", "at", "flag", "count")
MSK = timezone(timedelta(hours=3))


def _engine(tmp_path, name):
    engine = create_engine(f"sqlite:///{tmp_path / name}")
    METADATA.create_all(engine)
    return engine


def _rows(count: int) -> list[tuple]:
    start = datetime(2021, 8, 13, 9, 0, tzinfo=MSK)
    return [(f"k{n}", date(2021, 8, 1 + n % 5) if n % 7 else None,
             start + timedelta(minutes=n % 3) if n % 11 else None, bool(n % 2), n)
            for n in range(count)]


def _stored(engine) -> list[tuple]:
    with engine.connect() as c:
        return [tuple(r) for r in c.exec_driver_sql("SELECT * FROM thing ORDER BY id")]


def test_many_stores_what_core_stores(tmp_path):
    rows = _rows(50)
    core, driver = _engine(tmp_path, "core.db"), _engine(tmp_path, "driver.db")
    with core.begin() as c:
        c.execute(insert(THING), [dict(zip(KEYS, row, strict=True)) for row in rows])
    many = Many(insert(THING), KEYS)
    with driver.begin() as c:
        many.execute(c, list(zip(*rows, strict=True)))
    assert _stored(driver) == _stored(core)
    assert _stored(core)[1][3] == "2021-08-13 06:01:00.000000"  # UTC text, converted once

    later = [(n + 1, datetime(2021, 9, 1, 12, tzinfo=UTC) if n % 2 else None)
             for n in range(0, 50, 3)]
    statement = update(THING).where(THING.c.id == bindparam("b_id")).values(
        at=bindparam("b_at"), flag=True)
    with core.begin() as c:
        c.execute(statement, [{"b_id": i, "b_at": at} for i, at in later])
    with driver.begin() as c:
        Many(statement, ("b_id", "b_at")).execute(c, list(zip(*later, strict=True)))
    assert _stored(driver) == _stored(core)


def test_many_refuses_rows_without_a_column_core_would_default(tmp_path):
    engine = _engine(tmp_path, "t.db")
    with engine.begin() as c, pytest.raises(ValueError, match="count"):
        Many(insert(THING), ("key", "flag")).execute(c, (["a"], [True]))
    with engine.begin() as c, pytest.raises(ValueError, match="differ in length"):
        Many(insert(THING), ("key", "flag", "count")).execute(c, (["a", "b"], [True], [1]))


def test_many_raises_sqlalchemy_errors_and_rolls_back_with_the_transaction(tmp_path):
    engine = _engine(tmp_path, "t.db")
    many = Many(insert(THING), ("key", "flag", "count"))
    with pytest.raises(exc.IntegrityError), engine.begin() as c:
        many.execute(c, (["same", "other"], [True, False], [1, 2]))
        many.execute(c, (["same"], [True], [3]))
    assert _stored(engine) == []


def test_reads_by_key_lists_and_raw_selects_match_core(tmp_path):
    engine = _engine(tmp_path, "t.db")
    rows = _rows(23)
    with engine.begin() as c:
        Many(insert(THING), KEYS).execute(c, list(zip(*rows, strict=True)))
    wanted = [f"k{n}" for n in range(0, 30, 2)]  # some are not stored
    with engine.connect() as c:
        found = sqlite_rows_in(c, "SELECT key, count FROM thing WHERE key IN ({}) AND flag = ?",
                               wanted, (False,), size=4)
        core = c.execute(select(THING.c.key, THING.c.count)
                         .where(THING.c.key.in_(wanted), THING.c.flag.is_(False))).all()
        assert sorted(found) == sorted(tuple(r) for r in core) and len(found) == 12

        text = select(THING.c.id, type_coerce(THING.c.day, String()),
                      type_coerce(THING.c.at, String())).where(
            THING.c.at >= datetime(2021, 8, 13, 9, 1, tzinfo=MSK)).order_by(THING.c.id)
        raw = sqlite_rows(c, text)
        typed = c.execute(select(THING.c.id, THING.c.day, THING.c.at).where(
            THING.c.at >= datetime(2021, 8, 13, 9, 1, tzinfo=MSK)).order_by(THING.c.id)).all()
        day, moment = reader(THING.c.day.type, c.dialect), reader(THING.c.at.type, c.dialect)
        assert [(i, day(d), moment(a)) for i, d, a in raw] == [tuple(r) for r in typed]
        assert len(raw) == len([n for n in range(23) if n % 11 and n % 3])
        assert raw[0][2] == "2021-08-13 06:01:00.000000"
        assert moment(raw[0][2]).tzinfo is not None


def test_returning_writes_and_returns_what_core_does(tmp_path):
    rows = _rows(20)
    core, driver = _engine(tmp_path, "core.db"), _engine(tmp_path, "driver.db")
    for engine in (core, driver):
        with engine.begin() as c:
            c.execute(insert(THING), [dict(zip(KEYS, row, strict=True)) for row in rows])
    statement = (update(THING).where(THING.c.id == bindparam("b_id"), THING.c.count < 15)
                 .values(at=bindparam("b_at"), flag=True)
                 .returning(THING.c.key, THING.c.count))
    sets = [(n, datetime(2021, 9, 1, 12, n % 2, tzinfo=MSK)) for n in (1, 5, 18, 40, 5)]
    with core.begin() as c:
        expected = [[tuple(r) for r in c.execute(statement, {"b_id": i, "b_at": at})]
                    for i, at in sets]
    returning = Returning(statement, ("b_id", "b_at"))
    with driver.begin() as c:
        found = returning.each(c, sets)
    assert found == expected
    assert found[2] == [] and found[3] == []  # count 17 is not < 15; no row 40
    assert _stored(driver) == _stored(core)
    assert _stored(driver)[0][3] == "2021-09-01 09:01:00.000000"  # UTC text, as Core


def test_returning_refuses_an_expanding_in_list(tmp_path):
    engine = _engine(tmp_path, "t.db")
    statement = (update(THING).where(THING.c.id.in_(bindparam("b_ids", expanding=True)))
                 .values(flag=True).returning(THING.c.id))
    with engine.begin() as c, pytest.raises(ValueError, match="expanding"):
        Returning(statement, ("b_ids",)).each(c, [([1, 2],)])
