"""National scale on PostgreSQL: the report, the tick and delivery with several workers.

A synthetic country is built in the database at `--url` with `generate_series` (no rows
pass through Python): 85 regions x 60 municipalities x `--schools` schools per
municipality (20: 102,000 schools), an officer per school, and tasks given to every
school until `--size` assignments exist, with mixed outcomes as of 13.08.2021 (about 45%
done on time, 15% done late, 25% open, 15% overdue).

The build is one transaction: TRUNCATE, drop the indexes and keys of `assignment` and
`event` (and the foreign keys pointing at them), INSERT ... SELECT from generate_series,
then each index and key built once, then VACUUM ANALYZE (`tests/test_bench_national.py`
checks the schema comes back identical). The rows are made by the server: COPY from
rows generated in Python would ship and format 10,000,000 rows on a shared 2-core
machine, more work than the INSERT ... SELECT into a table with nothing to maintain.
10,000,000 assignments build in 108 s at load 5 (rows 20 s, indexes and keys 84 s,
vacuum 4 s) and 168 s at load 14; before (indexes kept during the load) 3,000,000 took
286 s. Then, each figure beside its floor measured in the same run:

* the whole report (totals and every view, `build_report(all_views=True)` + JSON) vs a
  full scan of `assignment` (raw psycopg, the best of three);
* the tick's plan + record (`tracker.services.reminders.plan_pass`, after a warm-up pass
  that pays the imports and holiday calendars a running service has already paid) with
  `--due` assignments falling due (and none), vs one raw psycopg transaction: a SELECT
  of the due rows with their task, organisation and officer, executemany INSERTs of
  exactly the outbox messages and items the pass wrote, an executemany UPDATE of their
  `next_check_at`; and, apart, the pass's fixed part: reading the directory;
* delivery of the last pass's messages by 1, 2 and 4 worker processes, each running the
  service's delivery step (`tracker.services.reminders.deliver`: claim with SKIP LOCKED,
  compose, send, `mark_sent` with its events) under its own worker name
  (bench/national_delivery.py), to a null channel and to a stand-in channel with a
  latency and a limit of sends in flight across workers; messages per second, CPU, and
  duplicates (a message id reported sent by two workers, events written twice for one
  message, an outbox key or (assignment, rule, step) stored twice), vs one raw
  connection claiming every message and then marking each sent, with its events, in its
  own transaction.

    python bench/bench_national.py --url postgresql+psycopg://postgres@127.0.0.1:55611/national \\
        --sizes 1000000,3000000,10000000 --due 1000,10000 --workers 1,2,4 \\
        --latency-ms 0,20 --channel-limit 2 [--reuse] [--parts tick,delivery] [--report-runs 1]

Start a PostgreSQL 15 cluster first (`.ci/start-postgres`); the database is emptied. The
figures below were taken on a cluster set with `ALTER SYSTEM SET shared_buffers = '1GB'`,
`max_wal_size = '8GB'`, `checkpoint_timeout = '30min'`, `wal_level = 'minimal'`,
`max_wal_senders = 0`, `work_mem = '64MB'` (restart), fsync off (`-F`, as the script
starts it). One database per size (1M, 3M, 10M), runs alternated in the same minutes.

Figures (2 December 2026, branch `national`, 2 cores shared with 7 other helpers):

    tick, 102,000 people + 107,185 organisations; load 13-15; two rounds per size
                    0 due        1,000 due (CPU)        10,000 due (CPU)    floor 1k / 10k
    1,000,000     0.03-0.06 s   5.2-6.5 s (1.75 s)    14.1-14.5 s (3.1 s)  0.24-0.32 / 2.6-2.8 s
    3,000,000     0.03-0.11 s   6.4-6.9 s (1.75 s)    13.8-13.9 s (3.0-3.2) 0.30-0.32 / 2.6-3.4 s
    10,000,000    0.07-0.13 s   6.7-7.6 s (1.6-1.7 s) 14.5-20.4 s (2.9-3.0) 0.27-0.30 / 2.3-2.7 s
    directory load alone: 4.2-8.3 s under this load (3.0-3.2 s at load 5), at every size.
    (At load 5-6: 10M 1,000 due 4.19 s, 10,000 due 8.94 s; 1M 3.86 s and 6.38 s.)

The tick's cost does not grow with the table: 1M, 3M and 10M cost the same, in wall
and CPU time. It grows with what is due (about 0.15 ms of tracker CPU an assignment due)
on top of a fixed part that grows with the directory: every pass with anything due
reads all 102,000 people and 107,185 organisations into the planner's `Directory`
(`tracker.core.directory_rows.load_directory`; about 1.2-1.5 s of CPU, most of the
1,000-due pass, hence its 16-26x ratio against a floor that joins only the due rows'
people). Profile of a 10,000-due pass at 10M (cProfile, CPU 4.6 s): the directory 50%
(row-by-row `fetchone` through SQLAlchemy, 331,000 enum conversions, building the
records and the `Directory` indexes), `outbox.record` 35% (of which psycopg converting
the large multi-VALUES INSERT statements SQLAlchemy's insertmanyvalues renders, which
are too long for its query cache, ~2.5 s under the profiler), `plan` 6%,
`_set_next_checks` 5%, the due-row query 4%. Both are product code (planning, core,
outbox): not changed here.

    tick, 1,000,000 with 25,500 schools (85 x 60 x 5; directory 25,500 + 30,685): the
    directory alone 1.2-1.7 s, 1,000 due 1.75-2.5 s (CPU 0.52-0.57 s), 10,000 due
    6.9-9.6 s (CPU 1.8-2.0 s): a 4x smaller directory takes ~1 s of CPU off every pass.

    delivery, msg/s, 1 / 2 / 4 workers            1M                     10M
    null channel, 10,000, load 11-18     141-171 / 462-585 / 482-877   183-198 / 407-573 / 617-796
    null channel, load 5-7               600 / 880 / 609               328 / 1,087 / 876
    20 ms a send, 2 in flight, 2,000     33 / 70 / 83                  37 / 75 / 86  (limit 100)
    20 ms a send, 4 in flight, 10,000    37 / 77 / 146                 -
    floor (one raw connection)           543-998 (2,937 at load 5)     544-760 (1,341 at load 6)
    duplicates: 0 in all 30 runs (ids, events, outbox keys); every message sent once.

Delivery grows with workers up to the limit: 1 -> 2 workers 2.3-3.3x (one worker waits
on a server round trip per statement; on a loaded machine its wall time is 4-6x its
CPU), 2 -> 4 flat to +50% with the null channel (the two busy cores are the limit), and
with a 20 ms channel 1.9x at 2 and 3.9x at 4 workers until the in-flight limit caps it
(2 in flight: 75 -> 86 msg/s against 100). The workers are the service's delivery step
in separate processes, not whole `tracker run` services (those would also plan).
Each worker claims `outbox.batch_size` (200) messages at a time, so a run needs many more
messages than 200 a worker for the workers to share them (10,000 here).

    report, all views + JSON (45-46 MB), one run each, load 9-14: 1M 30.4 s (floor 0.17 s,
    176x), 3M 53.2 s (0.56 s, 95x), 10M 47.2 s (1.08 s, 44x; max RSS 649 MiB, client CPU
    7.2 s of the 52 s: the rest is SQL on the server, not profiled).
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, date, datetime, timedelta

from national_delivery import delivery, delivery_floor

REGIONS, MUNICIPALITIES = 85, 60
AS_OF = date(2021, 8, 13)
NOW = datetime(2021, 8, 13, 6, 0, 30, tzinfo=UTC)  # Friday, 09:00:30 in Moscow
DUE_SOON = date(2021, 8, 16)  # Monday: its "3 days before" reminder is today
START = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)


def raw(url: str):
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


LOADED = ("assignment", "event")  # the big tables: their indexes and keys wait for the rows


def _defer_keys(c, tables: tuple[str, ...]) -> list[str]:
    """Drop the indexes and constraints of `tables` (and the foreign keys that point at
    them); return the statements that put them back, in an order that works: primary and
    unique keys, then plain indexes, then foreign keys (each checked in one pass)."""
    names = list(tables)
    fks = c.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND (conrelid::regclass::text = ANY(%s)"
        " OR confrelid::regclass::text = ANY(%s)) ORDER BY conrelid::regclass::text, conname",
        (names, names)).fetchall()
    keys = c.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype IN ('p', 'u') AND conrelid::regclass::text = ANY(%s)"
        " ORDER BY contype, conname", (names,)).fetchall()
    indexes = c.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        " AND tablename = ANY(%s) AND indexname NOT IN"
        " (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))"
        " ORDER BY indexname", (names,)).fetchall()
    for table, name, _ in fks + keys:
        c.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        c.execute(f'DROP INDEX "{name}"')
    return ([f'ALTER TABLE "{t}" ADD CONSTRAINT "{n}" {d}' for t, n, d in keys]
            + [d for _, d in indexes]
            + [f'ALTER TABLE "{t}" ADD CONSTRAINT "{n}" {d}' for t, n, d in fks])


def build(url: str, size: int, schools: int) -> tuple[int, dict[str, float]]:
    """Empty the database and fill it; return (schools, seconds per step).

    One transaction: the tables are truncated, filled with no index or key to maintain,
    then their indexes and keys are built once each (with `wal_level = minimal` the rows
    written after the TRUNCATE need no WAL at all); VACUUM ANALYZE last."""
    from tracker.core.db import open_database

    open_database(url).dispose()  # the schema, at head
    n_mun = REGIONS * MUNICIPALITIES
    n_schools = n_mun * schools
    tasks = -(-size // n_schools)
    first_mun, first_school = REGIONS + 1, REGIONS + n_mun + 1
    steps: dict[str, float] = {}
    started = time.perf_counter()
    with raw(url) as c:
        c.execute("SET maintenance_work_mem = '1GB'")
        c.execute("TRUNCATE outboxitem, outboxmessage, event, assignment, task, person,"
                  " organisation RESTART IDENTITY CASCADE")
        restore = _defer_keys(c, LOADED)
        c.execute("INSERT INTO organisation (id, name, name_key, kind, parent_id)"
                  " SELECT r, 'Регион ' || r, 'регион ' || r, 'region', NULL"
                  " FROM generate_series(1, %s) r", (REGIONS,))
        c.execute("INSERT INTO organisation (id, name, name_key, kind, parent_id)"
                  " SELECT %s + m, 'Район ' || m, 'район ' || m, 'municipality', 1 + m %% %s"
                  " FROM generate_series(0, %s - 1) m", (first_mun, REGIONS, n_mun))
        c.execute("INSERT INTO organisation (id, name, name_key, kind, parent_id)"
                  " SELECT %s + s, 'Школа ' || s, 'школа ' || s, 'school', %s + s %% %s"
                  " FROM generate_series(0, %s - 1) s",
                  (first_school, first_mun, n_mun, n_schools))
        c.execute("INSERT INTO person (id, name, name_key, email, organisation_id, role,"
                  " locale, channels, active, telegram_active)"
                  " SELECT s, 'Исполнитель ' || s, 'исполнитель ' || s, 'o' || s || '@example.ru',"
                  " %s + s, 'officer', 'ru', 'email', true, true"
                  " FROM generate_series(0, %s - 1) s", (first_school, n_schools))
        c.execute("INSERT INTO task (id, text, level, due_date, label, actionable, created_at)"
                  " SELECT t, 'Поручение ' || t, 'school', DATE '2021-03-15' + (t * 37) %% 240,"
                  " (t / 10 + 1) || '.' || (t %% 10 + 1), true, %s"
                  " FROM generate_series(1, %s) t", (START, tasks))
        # r: a pseudo-random number 0-999 per assignment, as in bench_reports's mix.
        c.execute(
            "INSERT INTO assignment (id, task_id, organisation_id, person_id, due_date,"
            " original_due_date, status, completed_at, extensions, created_at, next_check_at)"
            " SELECT id, task_id, %(first)s + s, s, due, due,"
            " CASE WHEN due < %(as_of)s AND r < 650 THEN 'done'"
            "      WHEN due >= %(as_of)s AND r < 300 THEN 'done' ELSE 'open' END,"
            " CASE WHEN due < %(as_of)s AND r < 450 THEN due - (r %% 10)::int + TIME '08:00'"
            "      WHEN due < %(as_of)s AND r < 650 THEN due + 1 + (r %% 39)::int + TIME '08:00'"
            "      WHEN due >= %(as_of)s AND r < 300"
            "      THEN %(as_of)s::date - (r %% 5)::int + TIME '08:00'"
            " END AT TIME ZONE 'UTC', CASE WHEN r %% 20 = 0 THEN 1 ELSE 0 END, %(start)s,"
            " %(later)s"
            " FROM (SELECT (t - 1) * %(n)s + s + 1 AS id, t AS task_id, s, task.due_date AS due,"
            "              ((((t - 1) * %(n)s + s) * 2654435761::bigint) %% 1000003) %% 1000 AS r"
            "       FROM generate_series(1, %(tasks)s) t JOIN task ON task.id = t,"
            "            generate_series(0, %(n)s - 1) s) x WHERE id <= %(size)s",
            {"first": first_school, "as_of": AS_OF, "start": START, "n": n_schools,
             "tasks": tasks, "size": size, "later": NOW + timedelta(days=30)})
        c.execute("INSERT INTO event (kind, assignment_id, task_id, via, at)"
                  " SELECT 'extended', id, task_id, 'cli', %s FROM assignment"
                  " WHERE extensions = 1", (START + timedelta(days=30),))
        for table in ("organisation", "person", "task", "assignment", "event"):
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                      f" (SELECT max(id) FROM {table}))")
        steps["rows"] = time.perf_counter() - started
        for statement in restore:
            c.execute(statement)
        steps["indexes and keys"] = time.perf_counter() - started - steps["rows"]
    with raw(url) as c:
        c.autocommit = True
        c.execute("VACUUM ANALYZE")
    steps["vacuum analyze"] = time.perf_counter() - started - sum(steps.values())
    return n_schools, steps


def scan_floor(url: str) -> float:
    best = float("inf")
    with raw(url) as c:
        for _ in range(3):
            started = time.perf_counter()
            c.execute("SELECT count(*), sum((due_date IS NULL)::int), count(completed_at),"
                      " max(status), max(created_at), sum(organisation_id), sum(task_id)"
                      " FROM assignment").fetchall()
            best = min(best, time.perf_counter() - started)
    return best


def report_time(url: str, runs: int = 2) -> tuple[float, int]:
    from zoneinfo import ZoneInfo

    from tracker.core.db import open_database
    from tracker.reports.export_text import to_json
    from tracker.reports.report import build_report

    db = open_database(url, migrate=False)
    best, size = float("inf"), 0
    for _ in range(runs):
        started = time.perf_counter()
        with db.reading() as s:
            rep = build_report(session=s, kind="overdue", as_of=AS_OF,
                               zone=ZoneInfo("Europe/Moscow"), all_views=True)
        size = len(to_json(rep))
        best = min(best, time.perf_counter() - started)
    db.dispose()
    return best, size


def settings_for(url: str):
    from tracker.core.config import Settings

    return Settings(database_url=url, timezone="Europe/Moscow")


def make_due(url: str, due: int) -> None:
    with raw(url) as c:
        c.execute("TRUNCATE outboxitem, outboxmessage")
        c.execute("DELETE FROM event WHERE kind IN ('reminded', 'escalated')")
        c.execute("UPDATE assignment SET next_check_at = %s WHERE status = 'open'"
                  " AND next_check_at < %s", (NOW + timedelta(days=30),) * 2)
        c.execute("UPDATE assignment SET due_date = %s, next_check_at = %s WHERE id IN"
                  " (SELECT id FROM assignment WHERE status = 'open' ORDER BY id LIMIT %s)",
                  (DUE_SOON, NOW - timedelta(minutes=1), due))


def plan_time(url: str) -> tuple[float, float, int, int]:
    """One planning pass as `tracker run` makes it: (seconds, CPU seconds, checked,
    messages recorded)."""
    from tracker.core.db import open_database
    from tracker.services.reminders import TickReport, plan_pass

    db = open_database(url, migrate=False)
    report = TickReport()
    started, cpu = time.perf_counter(), time.process_time()
    plan_pass(db, settings_for(url), now=NOW, report=report)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.dispose()
    return seconds, cpu, report.assignments_checked, report.messages_recorded


def directory_time(url: str) -> tuple[float, int, int]:
    """The part of a pass that does not depend on what is due: reading the directory
    (every person and organisation) into the planner's `Directory`."""
    from notifications.planning.directory import Directory
    from tracker.core.db import open_database
    from tracker.core.directory_rows import load_directory

    db = open_database(url, migrate=False)
    with db.reading() as session:
        started = time.perf_counter()
        directory = load_directory(session, into=Directory)
        seconds = time.perf_counter() - started
    db.dispose()
    return seconds, len(directory.people), len(directory.orgs)


def plan_floor(url: str) -> float:
    """Run right after `plan_time`: the rows that pass wrote are read, the due state is
    made again, and then, timed, one transaction does a SELECT of the due assignments
    with their task, organisation and officer, executemany INSERTs of exactly the outbox
    messages and items the pass wrote, and an executemany UPDATE of `next_check_at`."""
    with raw(url) as c:
        messages = c.execute("SELECT * FROM outboxmessage ORDER BY id").fetchall()
        items = c.execute("SELECT * FROM outboxitem ORDER BY id").fetchall()
        checks = c.execute("SELECT id, next_check_at FROM assignment WHERE id IN"
                           " (SELECT assignment_id FROM outboxitem)").fetchall()
    make_due(url, len(checks))
    with raw(url) as c:
        started = time.perf_counter()
        c.execute(
            "SELECT a.id, a.task_id, a.organisation_id, a.person_id, a.due_date, a.status,"
            " a.next_check_at, t.text, t.label, o.name, p.id, p.email FROM assignment a"
            " JOIN task t ON t.id = a.task_id JOIN organisation o ON o.id = a.organisation_id"
            " LEFT JOIN person p ON p.organisation_id = a.organisation_id AND p.role = 'officer'"
            " WHERE a.status = 'open' AND a.next_check_at <= %s", (NOW,)).fetchall()
        with c.cursor() as cur:
            if messages:
                marks = ",".join(["%s"] * len(messages[0]))
                cur.executemany(f"INSERT INTO outboxmessage VALUES ({marks})", messages)
                marks = ",".join(["%s"] * len(items[0]))
                cur.executemany(f"INSERT INTO outboxitem VALUES ({marks})", items)
            cur.executemany("UPDATE assignment SET next_check_at = %s WHERE id = %s",
                            [(at, id_) for id_, at in checks])
        c.commit()
        return time.perf_counter() - started


def existing(url: str) -> int:
    try:
        with raw(url) as c:
            return c.execute("SELECT count(*) FROM assignment").fetchone()[0]
    except Exception:  # no schema yet
        return 0


def run(url: str, size: int, schools: int, dues: list[int], workers: list[int], *,
        reuse: bool = False, report_runs: int = 2, latencies: tuple[float, ...] = (0,),
        limit: int = 4, latency_messages: int = 2000,
        parts: tuple[str, ...] = ("report", "tick", "delivery")) -> None:
    if reuse and existing(url) == size:
        print(f"== {size:,} assignments (reused, not rebuilt)", flush=True)
    else:
        n_schools, steps = build(url, size, schools)
        shown = ", ".join(f"{k} {v:.0f} s" for k, v in steps.items())
        print(f"== {size:,} assignments, {n_schools:,} schools (built in"
              f" {sum(steps.values()):.0f} s: {shown})", flush=True)
    if report_runs and "report" in parts:
        floor = scan_floor(url)
        seconds, length = report_time(url, report_runs)
        print(f"report, whole (all views, JSON {length:,} B): {seconds:6.2f} s; floor (full"
              f" scan) {floor:5.2f} s; ratio {seconds / floor:5.1f}x", flush=True)
    if "tick" in parts:
        tick(url, dues)
    if "delivery" not in parts:
        return
    # The last plan's messages stay pending: deliver them.
    make_due(url, dues[-1])
    plan_time(url)
    base, total = delivery_floor(url)
    print(f"delivery floor (one raw connection: claim all, then a transaction per message"
          f" with its events): {total:,} in {base:5.2f} s = {total / base:6.0f} msg/s",
          flush=True)
    for latency in latencies:
        for n in workers:
            d = delivery(url, n, latency_ms=latency, limit=limit,
                         messages=latency_messages if latency else None)
            channel = (f"{latency:g} ms a send, {limit} at once" if latency else "null channel")
            rate = d["delivered"] / d["seconds"]
            print(f"delivery, {n} worker(s), {channel}: {d['delivered']:,} in"
                  f" {d['seconds']:6.2f} s = {rate:6.0f} msg/s (CPU {d['cpu']:5.1f} s);"
                  f" {d['sent']:,} of {d['total']:,} marked sent, {d['events']:,} events;"
                  f" duplicates {d['duplicates']}; ratio to floor {rate / (total / base):4.2f};"
                  f" load {load()}", flush=True)


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def tick(url: str, dues: list[int]) -> None:
    make_due(url, 1)  # warm up: the imports and caches a running service has already
    plan_time(url)
    seconds, people, orgs = directory_time(url)
    print(f"tick, directory load alone ({people:,} people, {orgs:,} organisations):"
          f" {seconds:5.2f} s", flush=True)
    for due in [0, *dues]:
        make_due(url, due)
        seconds, cpu, checked, recorded = plan_time(url)
        base = plan_floor(url)
        print(f"tick plan+record, {due:>7,} due: {seconds:6.2f} s (CPU {cpu:5.2f} s;"
              f" {checked:,} checked, {recorded:,} messages); floor {base:5.2f} s;"
              f" ratio {seconds / base:5.1f}x; load {load()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--sizes", default="1000000,3000000")
    parser.add_argument("--schools", type=int, default=20, help="per municipality")
    parser.add_argument("--due", default="1000,10000", help="assignments falling due")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the data when it already has the size (no rebuild)")
    parser.add_argument("--report-runs", type=int, default=2, help="0: skip the report")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--parts", default="report,tick,delivery")
    parser.add_argument("--latency-ms", default="0",
                        help="the stand-in channel's time a send, one run each (0: null)")
    parser.add_argument("--channel-limit", type=int, default=4,
                        help="sends in flight at once across workers (with a latency)")
    parser.add_argument("--latency-messages", type=int, default=2000,
                        help="messages delivered in the runs with a latency")
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        if args.build_only:
            n_schools, steps = build(args.url, size, args.schools)
            print(f"== {size:,} assignments, {n_schools:,} schools: {steps}", flush=True)
            continue
        run(args.url, size, args.schools, [int(d) for d in args.due.split(",")],
            [int(w) for w in args.workers.split(",")], reuse=args.reuse,
            report_runs=args.report_runs,
            latencies=tuple(float(x) for x in args.latency_ms.split(",")),
            limit=args.channel_limit, latency_messages=args.latency_messages,
            parts=tuple(args.parts.split(",")))


if __name__ == "__main__":
    main()
