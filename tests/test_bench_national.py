"""bench/bench_national.py's generator on PostgreSQL: the country it builds, and that the
indexes and keys it defers while loading come back exactly as the migrations made them.

Runs when TRACKER_TEST_PG_URL points at a scratch database (`.ci/start-postgres`)."""

import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("TRACKER_TEST_PG_URL")
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="TRACKER_TEST_PG_URL not set")]

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture
def bench(monkeypatch):
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    monkeypatch.syspath_prepend(str(BENCH))
    import bench_national

    yield bench_national
    sys.modules.pop("bench_national", None)
    sys.modules.pop("national_delivery", None)


def _schema(bench) -> set[tuple]:
    with bench.raw(PG_URL) as c:
        indexes = c.execute("SELECT tablename, indexname, indexdef FROM pg_indexes"
                            " WHERE schemaname = 'public'").fetchall()
        constraints = c.execute(
            "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid),"
            " convalidated FROM pg_constraint WHERE connamespace = 'public'::regnamespace"
        ).fetchall()
    return set(indexes) | set(constraints)


def test_build_makes_the_country_and_restores_every_index_and_key(bench):
    from tracker.core.db import open_database

    open_database(PG_URL).dispose()
    before = _schema(bench)
    assert any(name == "ix_assignment_status_next_check" for _, name, *_ in before)
    schools, steps = bench.build(PG_URL, 12_000, 1)
    assert schools == 85 * 60
    assert set(steps) == {"rows", "indexes and keys", "vacuum analyze"}
    assert _schema(bench) == before
    with bench.raw(PG_URL) as c:
        counts = c.execute(
            "SELECT (SELECT count(*) FROM organisation WHERE kind = 'region'),"
            " (SELECT count(*) FROM organisation WHERE kind = 'municipality'),"
            " (SELECT count(*) FROM organisation WHERE kind = 'school'),"
            " (SELECT count(*) FROM person), (SELECT count(*) FROM task),"
            " (SELECT count(*) FROM assignment),"
            " (SELECT count(DISTINCT (task_id, organisation_id)) FROM assignment),"
            " (SELECT count(*) FROM event WHERE kind = 'extended')"
            "   = (SELECT count(*) FROM assignment WHERE extensions = 1)").fetchone()
        assert counts == (85, 5_100, 5_100, 5_100, 3, 12_000, 12_000, True)
        # Every school hangs under a municipality, every municipality under a region.
        orphans = c.execute(
            "SELECT count(*) FROM organisation o LEFT JOIN organisation p ON p.id = o.parent_id"
            " WHERE o.kind <> 'region' AND (p.id IS NULL OR p.kind = o.kind)").fetchone()[0]
        assert orphans == 0
        mix = dict(c.execute("SELECT status, count(*) FROM assignment GROUP BY status"))
        assert set(mix) == {"done", "open"} and mix["open"] > 1_000
        # The sequences continue after the loaded rows: the next insert does not collide.
        next_id = c.execute("SELECT nextval(pg_get_serial_sequence('assignment', 'id'))"
                            ).fetchone()[0]
        assert next_id == 12_001
    # A second build starts from empty tables again and gives the same rows.
    bench.build(PG_URL, 12_000, 1)
    assert _schema(bench) == before
    with bench.raw(PG_URL) as c:
        assert c.execute("SELECT count(*), max(id) FROM assignment").fetchone() == (12_000, 12_000)


def test_the_due_assignments_are_planned_once_each(bench):
    bench.build(PG_URL, 12_000, 1)
    bench.make_due(PG_URL, 40)
    _, _, checked, recorded = bench.plan_time(PG_URL)
    assert (checked, recorded) == (40, 40)
    assert bench.plan_floor(PG_URL) > 0
    with bench.raw(PG_URL) as c:  # the floor wrote back exactly the pass's rows
        assert c.execute("SELECT count(*), count(DISTINCT key) FROM outboxitem").fetchone() == (
            40, 40)
