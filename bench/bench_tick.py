"""Benchmark of one delivery pass (`notifications.delivery.tick.tick`) on a SQLite file.

For each size it builds a synthetic region (Core executemany inserts): one region,
1,000 schools with an officer each, 55 municipal coordinators and a lead, and `size`
open assignments due far in the future (next check in a month). It then times:

* a tick when nothing is due;
* a tick when 10,000 assignments (or all, if fewer) fall due: plan + record, then
  delivery of the resulting messages to a null channel of one lane (one transaction
  per message);
* a second tick right after (nothing due again).

The due tick is timed without tracemalloc (tracing every allocation made it 4-5 times
slower). The outbox is then emptied, the same assignments made due again and the tick
repeated under tracemalloc for the traced peak of Python memory; max RSS is the
process's.

Measured on a 2-core machine shared with other work (figures vary by 20-40 %):

    python bench/bench_tick.py --sizes 10000,100000
       10,000 assignments: 10,000 due: 4.7 s (plan+record 1.8 s, deliver 2.9 s,
                           1,000 messages); traced: 17.0 s, peak 14.1 MiB
      100,000 assignments: 10,000 due: 4.5 s (plan+record 1.6 s, deliver 2.8 s);
                           traced: 15.9 s, peak 14.2 MiB; idle tick 18 ms

Before the pooled SQLite engine, the batch reads in compose/record and the
three-statement mark_sent, the same due tick took 57 s and 54 s (timed with tracemalloc
on: plan+record 15-16 s, deliver 38-42 s).

    python bench/bench_tick.py --sizes 10000,100000,1000000

Each size also times the raw sqlite3 floors writing the very rows the tick wrote (see
`floors`) and prints the ratios. Then it delivers the due tick's messages again
(`delivery_figures`, `--rounds` times) to a null channel of 1, 2, 4 and 16 lanes
(`--lanes`: its concurrency, as an email pool of that many connections: the sent marks
of lanes that finish together share one transaction), each run right after a floor run
on the same rows (`delivery_floor`), wall and CPU time. 100,000 assignments, 10,000 due, load 0.6:
plan+record 0.58-0.60 s vs floor 0.15 s (3.9-4.1x); deliver 1.17-1.21 s vs 0.17 s
(6.9-7.2x). Under load 5-8: plan+record 3.5-4.7x. Before the Core inserts and the
datetime text handling in record/loading, plan+record was 12.9x the same floor.
Branch `deliver3`, 10,000 assignments, load 1.5-3.3, `--rounds 2 --lanes 1,2,4,16`:
delivery CPU 1 lane 1.91-2.50x the floor, 2 lanes 1.71-2.12x, 4 lanes 1.67-1.77x, 16
lanes 1.27-1.65x (main's code in the same minutes: 3.41-3.65x and 1.96-2.35x).

Plan + record is also timed warm (`warm_plans`): the same due tick planned and recorded
again `WARM_RUNS` times, as a long-running service's every tick after its first, each
run against a floor of its own, in wall time and in CPU time (the CPU time of the floor's
plan part: `FLOOR_CPU`). Branch `tick`, 2 December 2026, 100,000 assignments, 10,000
due, main's code timed by the same script in the same minutes:

    load 9-11:  first due tick 0.38-0.47 s vs floor 0.20-0.23 s: 1.9-2.0x
                (main 1.9-2.1 s: 3.2-11.9x)
                warm, median of 5: 0.43-0.50 s vs 0.23-0.31 s: 1.69-1.80x wall,
                CPU 0.165-0.185 s vs 0.088-0.105 s: 1.69-1.92x
                (main: 1.25-1.28 s, 5.3-5.8x wall; CPU 0.48-0.55 s, 5.8-6.0x)
    load 12-15: first 1.0-2.7x (main 5.8-9.4x); warm 1.68-2.31x wall, 1.90-2.03x CPU
                (main 6.2-6.5x wall, 6.0-6.5x CPU)

What made it: each batch of up to 10,000 is read, planned and recorded in one writing
transaction (SQLite's write lock makes the re-read of what was seen unnecessary); the
outbox rows and next checks go to the driver's executemany with each distinct date or
moment converted once (`tracker.core.driver.Many`); reads by key lists go through the
driver with `?` marks; the planner decides once per (due date, window, organisation,
person); holidays' module of Russia is loaded alone (not every country's); Python's
cyclic collector is paused while a batch is in hand.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, update

NOW = datetime(2021, 8, 13, 6, 0, 30, tzinfo=UTC)  # Friday, 09:00:30 in Moscow
DUE_SOON = date(2021, 8, 16)  # Monday: its "3 days before" reminder is today
SCHOOLS = 1000


class NullChannel:
    """Accepts every message at once. `concurrency` is how many messages the delivery
    loop may keep in flight on it (`notifications.delivery.lanes`), as over an email
    pool of that many connections."""

    def __init__(self, kind, concurrency: int = 1):
        self.kind = kind
        self.concurrency = concurrency
        self.count = 0

    async def notify(self, message) -> str:
        self.count += 1
        return "ok"

    async def aclose(self) -> None:
        return None


def build(folder: Path, size: int, due: int):
    from tracker.core.config_sources import load_settings
    from tracker.core.db import open_database
    from tracker.core.models import Assignment, Organisation, Person, Task

    (folder / "config.toml").write_text('timezone = "Europe/Moscow"\n', encoding="utf-8")
    settings = load_settings(folder / "config.toml")
    db = open_database(settings.db_url)
    created = NOW - timedelta(days=60)
    later = NOW + timedelta(days=30)
    with db.engine.begin() as c:
        c.execute(insert(Organisation), [{"id": 1, "name": "Область", "name_key": "область",
                                          "kind": "region", "parent_id": None}])
        c.execute(insert(Organisation), [
            {"id": 2 + m, "name": f"Район {m}", "name_key": f"район {m}",
             "kind": "municipality", "parent_id": 1} for m in range(55)])
        c.execute(insert(Organisation), [
            {"id": 100 + s, "name": f"Школа {s}", "name_key": f"школа {s}", "kind": "school",
             "parent_id": 2 + s % 55} for s in range(SCHOOLS)])
        people = [{"name": "Руководитель", "name_key": "руководитель", "email": "lead@example.ru",
                   "organisation_id": 1, "role": "lead", "channels": "email"}]
        people += [{"name": f"Координатор {m}", "name_key": f"координатор {m}",
                    "email": f"c{m}@example.ru", "organisation_id": 2 + m,
                    "role": "coordinator", "channels": "email"} for m in range(55)]
        people += [{"name": f"Исполнитель {s}", "name_key": f"исполнитель {s}",
                    "email": f"o{s}@example.ru", "organisation_id": 100 + s, "role": "officer",
                    "channels": "email"} for s in range(SCHOOLS)]
        c.execute(insert(Person), [{"locale": "ru", "active": True, "telegram_active": True,
                                    **p} for p in people])
        tasks = (size + SCHOOLS - 1) // SCHOOLS
        c.execute(insert(Task), [{"id": t + 1, "text": f"Поручение {t}", "level": "school",
                                  "due_date": date(2021, 12, 1), "actionable": True,
                                  "created_at": created} for t in range(tasks)])
        rows = []
        for n in range(size):
            rows.append({"task_id": n // SCHOOLS + 1, "organisation_id": 100 + n % SCHOOLS,
                         "due_date": date(2021, 12, 1), "original_due_date": date(2021, 12, 1),
                         "status": "open", "extensions": 0, "next_check_at": later,
                         "created_at": created})
            if len(rows) == 50_000:
                c.execute(insert(Assignment), rows)
                rows = []
        if rows:
            c.execute(insert(Assignment), rows)
    return settings, db


def make_due(db, count: int) -> None:
    from tracker.core.models import Assignment

    with db.engine.begin() as c:
        c.execute(update(Assignment).where(Assignment.id <= count)
                  .values(due_date=DUE_SOON, next_check_at=NOW - timedelta(minutes=1)))


def reset_outbox(db) -> None:
    """Forget what the due tick recorded and sent, so it can be run again."""
    from tracker.core.models import Event, OutboxItem, OutboxMessage

    with db.engine.begin() as c:
        c.execute(delete(OutboxItem))
        c.execute(delete(OutboxMessage))
        c.execute(delete(Event))


async def timed_tick(db, settings, channels, *, trace: bool = False):
    from tracker.services.reminders import tick

    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    report = await tick(db, settings, channels, now=NOW, worker="bench")
    seconds = time.perf_counter() - started
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, report, peak


FLOOR_CPU: dict[str, float] = {}  # CPU seconds of the last `floors` call's plan part


def floors(path: Path, due: int) -> tuple[float, float]:
    """The raw sqlite3 floors of the due tick, writing exactly the rows the tick wrote.

    plan + record: one transaction with one SELECT of the due assignments (with their
    task, organisation and officer), executemany INSERTs of the tick's outbox messages
    and items, and one executemany UPDATE of `next_check_at`. delivery: one UPDATE that
    claims every pending message, then one transaction per message marking it and its
    items sent and inserting its REMINDED/ESCALATED events (those the tick wrote).
    The tick's own rows are read first, deleted, and written back by the floor."""
    import sqlite3

    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=NORMAL")
    import json

    messages = c.execute("SELECT * FROM outboxmessage").fetchall()
    items = c.execute("SELECT * FROM outboxitem").fetchall()
    columns = [r[1] for r in c.execute("PRAGMA table_info(event)")]
    details = columns.index("details")
    events_of: dict[int, list[tuple]] = {}
    for event in c.execute("SELECT * FROM event WHERE kind IN ('reminded', 'escalated')"):
        events_of.setdefault(json.loads(event[details])["message_id"], []).append(event[1:])
    e_marks = ",".join("?" * (len(columns) - 1))
    e_names = ",".join(columns[1:])
    c.execute("DELETE FROM event WHERE kind IN ('reminded', 'escalated')")
    c.execute("DELETE FROM outboxitem")
    c.execute("DELETE FROM outboxmessage")
    c.execute("UPDATE assignment SET next_check_at = ? WHERE id <= ?",
              ("2021-08-13 06:00:00.000000", due))
    m_marks = ",".join("?" * len(messages[0])) if messages else ""
    i_marks = ",".join("?" * len(items[0])) if items else ""
    started, cpu = time.perf_counter(), time.process_time()
    c.execute("BEGIN IMMEDIATE")
    rows = c.execute(
        "SELECT a.id, a.task_id, a.organisation_id, a.person_id, a.due_date, a.status,"
        " a.next_check_at, t.text, t.label, o.name, p.id, p.email FROM assignment a"
        " JOIN task t ON t.id = a.task_id JOIN organisation o ON o.id = a.organisation_id"
        " LEFT JOIN person p ON p.organisation_id = a.organisation_id AND p.role = 'officer'"
        " WHERE a.status = 'open' AND a.next_check_at <= ?",
        ("2021-08-13 06:00:30.000000",)).fetchall()
    if messages:
        c.executemany(f"INSERT INTO outboxmessage VALUES ({m_marks})", messages)
        c.executemany(f"INSERT INTO outboxitem VALUES ({i_marks})", items)
    c.executemany("UPDATE assignment SET next_check_at = ? WHERE id = ?",
                  [("2021-09-13 06:00:00.000000", r[0]) for r in rows])
    c.execute("COMMIT")
    plan = time.perf_counter() - started
    FLOOR_CPU["plan"] = time.process_time() - cpu
    c.execute("UPDATE outboxmessage SET status = 'pending', claimed_by = NULL, sent_at = NULL")
    started = time.perf_counter()
    ids = [r[0] for r in c.execute(
        "UPDATE outboxmessage SET status = 'claimed', claimed_by = 'floor' "
        "WHERE status = 'pending' RETURNING id").fetchall()]
    for message_id in ids:
        c.execute("BEGIN IMMEDIATE")
        c.execute("UPDATE outboxmessage SET status = 'sent', sent_at = ? WHERE id = ?",
                  ("2021-08-13 06:01:00.000000", message_id))
        c.execute("UPDATE outboxitem SET status = 'sent' WHERE message_id = ?", (message_id,))
        c.executemany(f"INSERT INTO event ({e_names}) VALUES ({e_marks})",
                      events_of.get(message_id, []))
        c.execute("COMMIT")
    deliver = time.perf_counter() - started
    c.close()
    return plan, deliver


# DELIVERY: the null channel's concurrencies in the delivery runs (--lanes) and how many
# runs of each (--rounds).
DELIVERY = {"lanes": (1, 2, 4, 16), "rounds": 3}


def redeliverable(db) -> None:
    """DELIVERY: the due tick's messages pending again, as the tick recorded them (their
    items pending, their REMINDED/ESCALATED events gone), to be delivered once more."""
    from tracker.core.models import Event, OutboxItem, OutboxMessage

    with db.engine.begin() as c:
        c.execute(update(OutboxMessage).where(OutboxMessage.status == "sent")
                  .values(status="pending", claimed_by=None, claimed_at=None, sent_at=None,
                          attempts=0))
        c.execute(update(OutboxItem).where(OutboxItem.status == "sent").values(status="pending"))
        c.execute(delete(Event).where(Event.kind.in_(["reminded", "escalated"])))


def delivery_floor(path: Path) -> tuple[float, float]:
    """DELIVERY: the raw sqlite3 floor of delivering what the last delivery sent, (wall,
    CPU) seconds: one UPDATE claiming every pending message, then one transaction per
    message marking it and its items sent and inserting its REMINDED/ESCALATED events
    (those the delivery wrote, read first, deleted and written back). Leaves it all sent."""
    import json
    import sqlite3

    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=NORMAL")
    columns = [r[1] for r in c.execute("PRAGMA table_info(event)")]
    details = columns.index("details")
    events_of: dict[int, list[tuple]] = {}
    for event in c.execute("SELECT * FROM event WHERE kind IN ('reminded', 'escalated')"):
        events_of.setdefault(json.loads(event[details])["message_id"], []).append(event[1:])
    insert_event = (f"INSERT INTO event ({','.join(columns[1:])}) "
                    f"VALUES ({','.join('?' * (len(columns) - 1))})")
    c.execute("DELETE FROM event WHERE kind IN ('reminded', 'escalated')")
    c.execute("UPDATE outboxmessage SET status = 'pending', claimed_by = NULL, sent_at = NULL "
              "WHERE status = 'sent'")
    c.execute("UPDATE outboxitem SET status = 'pending' WHERE status = 'sent'")
    started, cpu = time.perf_counter(), time.process_time()
    ids = [r[0] for r in c.execute(
        "UPDATE outboxmessage SET status = 'sending', claimed_by = 'floor' "
        "WHERE status = 'pending' RETURNING id").fetchall()]
    for message_id in ids:
        c.execute("BEGIN IMMEDIATE")
        c.execute("UPDATE outboxmessage SET status = 'sent', sent_at = ? WHERE id = ?",
                  ("2021-08-13 06:01:00.000000", message_id))
        c.execute("UPDATE outboxitem SET status = 'sent' WHERE message_id = ?", (message_id,))
        c.executemany(insert_event, events_of.get(message_id, []))
        c.execute("COMMIT")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    c.close()
    return seconds, cpu


def delivery_figures(db, settings, path: Path, lanes: tuple[int, ...], rounds: int) -> None:
    """DELIVERY: deliver the due tick's messages again to the null channel with each
    number of `lanes` (its concurrency), each run right after a floor run on the same
    rows; prints wall and CPU seconds and the ratios (CPU time holds better under load)."""
    from notifications.delivery.tick import TickReport
    from notifications.message import ChannelKind
    from tracker.services.reminders import deliver

    # Once untimed first: the plan runs before left the messages pending and no events,
    # and the floor writes back the events the last delivery wrote.
    redeliverable(db)
    asyncio.run(deliver(db, settings, {kind: NullChannel(kind) for kind in ChannelKind},
                        now=NOW, worker="bench", report=TickReport(), take_over=False))
    for round_ in range(rounds):
        for width in lanes:
            floor, floor_cpu = delivery_floor(path)
            redeliverable(db)
            channels = {kind: NullChannel(kind, width) for kind in ChannelKind}
            report = TickReport()
            started, cpu = time.perf_counter(), time.process_time()
            asyncio.run(deliver(db, settings, channels, now=NOW, worker="bench",
                                report=report, take_over=False))
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            print(f"{'':>9}  delivery, round {round_ + 1}, {width} lane(s): "
                  f"{report.sent:,} messages in {seconds:5.2f}s (CPU {cpu:5.2f}s) vs floor "
                  f"{floor:5.2f}s (CPU {floor_cpu:5.2f}s) -> {seconds / floor:4.2f}x "
                  f"(CPU {cpu / floor_cpu:4.2f}x)", flush=True)


def run(size: int, due: int) -> None:
    from notifications.message import ChannelKind

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        settings, db = build(Path(tmp), size, due)
        built = time.perf_counter() - started
        channels = {kind: NullChannel(kind) for kind in ChannelKind}
        idle, _, _ = asyncio.run(timed_tick(db, settings, channels))
        make_due(db, due)
        busy, report, _ = asyncio.run(timed_tick(db, settings, channels))
        after, _, _ = asyncio.run(timed_tick(db, settings, channels))
        plan_floor, deliver_floor = floors(Path(tmp) / "tracker.db", due)
        reset_outbox(db)
        make_due(db, due)
        traced, _, peak = asyncio.run(timed_tick(db, settings, channels, trace=True))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        warm = warm_plans(db, settings, due, Path(tmp) / "tracker.db")
        print(f"{size:>9,} assignments (built in {built:5.1f}s): idle tick {idle * 1000:7.1f} ms; "
              f"{due:,} due: {busy:6.2f}s (plan+record {report.plan_seconds:5.2f}s, "
              f"deliver {report.deliver_seconds:5.2f}s, {report.sent:,} messages), "
              f"next tick {after * 1000:6.1f} ms; traced due tick {traced:6.2f}s, "
              f"peak {peak / 2**20:6.1f} MiB, "
              f"max RSS {rss:6.0f} MiB", flush=True)
        print(f"{'':>9}  floor (raw sqlite3, the same rows): plan+record {plan_floor:5.2f}s "
              f"-> {report.plan_seconds / plan_floor:4.1f}x; deliver {deliver_floor:5.2f}s "
              f"-> {report.deliver_seconds / deliver_floor:4.1f}x", flush=True)
        first = report.plan_seconds
        print(f"{'':>9}  plan+record, first due tick of the process {first:5.2f}s vs floor "
              f"{plan_floor:5.2f}s -> {first / plan_floor:4.1f}x", flush=True)
        wall, floor_wall = _median([r[0] for r in warm]), _median([r[1] for r in warm])
        cpu, floor_cpu = _median([r[2] for r in warm]), _median([r[3] for r in warm])
        print(f"{'':>9}  plan+record, warm (median of {len(warm)}): {wall:5.3f}s vs floor "
              f"{floor_wall:5.3f}s -> {_median([r[0] / r[1] for r in warm]):4.2f}x (runs: "
              f"{', '.join(f'{r[0] / r[1]:.2f}' for r in warm)}); CPU {cpu:5.3f}s vs "
              f"{floor_cpu:5.3f}s -> {_median([r[2] / r[3] for r in warm]):4.2f}x", flush=True)
        delivery_figures(db, settings, Path(tmp) / "tracker.db", **DELIVERY)
        db.dispose()


WARM_RUNS = 5


def warm_plans(db, settings, due: int, path: Path) -> list[tuple[float, float]]:
    """Plan + record of the same due tick again, `WARM_RUNS` times (a service's every tick
    after its first: the holiday calendars, the compiled statements and the code paths
    are loaded), each followed by its own floor: (seconds, floor seconds, CPU seconds,
    floor CPU seconds) per run."""
    from notifications.delivery.tick import TickReport
    from tracker.services.reminders import plan_pass

    runs = []
    for _ in range(WARM_RUNS):
        reset_outbox(db)
        make_due(db, due)
        report = TickReport()
        started, cpu = time.perf_counter(), time.process_time()
        plan_pass(db, settings, now=NOW, report=report)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        runs.append((seconds, floors(path, due)[0], cpu, FLOOR_CPU["plan"]))
    return runs


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="comma-separated assignment counts")
    parser.add_argument("--due", type=int, default=10_000, help="assignments falling due")
    parser.add_argument("--lanes", default=",".join(map(str, DELIVERY["lanes"])),
                        help="comma-separated null-channel concurrencies for the delivery runs")
    parser.add_argument("--rounds", type=int, default=DELIVERY["rounds"],
                        help="delivery runs per concurrency (0: none)")
    args = parser.parse_args()
    DELIVERY.update(lanes=tuple(int(n) for n in args.lanes.split(",")), rounds=args.rounds)
    for size in (int(s) for s in args.sizes.split(",")):
        run(size, min(args.due, size))


if __name__ == "__main__":
    main()
