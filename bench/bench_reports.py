"""Benchmark of the reports on a SQLite file of `--size` assignments (default 1,000,000).

Builds a synthetic region with Core executemany: one region, 55 municipalities with
about 18 schools each (1,045 organisations with assignments), one officer per school,
and tasks given to every school until `size` assignments exist. Outcomes are mixed as
of the report date: about 45% done on time, 15% done late, 25% open, 15% overdue (some
by more than 30 days); 5% were extended once (with their EXTENDED event).

Then, as of 13.08.2021, it times each query of `tracker.reports.figures` and each
report format end to end (`build_report` + export, the CLI's work), reporting wall
time, the traced peak of Python memory (tracemalloc) and the process's max RSS.

    python bench/bench_reports.py --size 100000
    python bench/bench_reports.py --size 1000000 --keep /tmp/bench-1m

It first times its floor, a full scan of `assignment` with raw sqlite3 (wall and CPU
time), prints how SQLite reads the report's two scans (each should be "SCAN assignment
USING COVERING INDEX ...", with no "USE TEMP B-TREE FOR GROUP BY"), then each figure's
wall and CPU time and their ratios to the floor's. On a loaded machine compare CPU time.

Measured at 1,000,000 on a shared 2-core machine (load 0.6): floor 0.215 s; totals and
each view 1.3-1.7 s (6-8x); decision progress 2.0 s (9x); whole report 2.9-3.8 s in
every format (13-18x), max RSS 228 MiB. Before the one-scan rewrite (main at 293388a)
the whole report took 13.7 s, about 115-150x its floor.

Issue 16.3 (branch report, 2 December 2026): the two scans read covering indexes in
GROUP BY order (no sort; migration 0003), the outcome is evaluated once per row (a
digit string per group). At load 3-5: floor 0.145 s; whole report 1.33-1.65 s wall
(= CPU) in every format, 9.2-11.4x (main's code, same minutes, main's schema: 2.08-2.53
s); max RSS 129 MiB (198 MiB with the tracemalloc runs). At load 13-16 wall was 3-5x
CPU (CPU 1.34-1.77 s; main 2.01-2.46 s). See bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

AS_OF = date(2021, 8, 13)
START = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
MUNICIPALITIES = 55
SCHOOLS_PER = 18
CHUNK = 20_000


def build(folder: Path, size: int, seed: int = 7):
    from tracker.core.config_sources import load_settings
    from tracker.core.db import open_database
    from tracker.core.enums import EventKind, Via
    from tracker.core.models import Assignment, Event, Organisation, Person, Task
    from tracker.core.text import fold

    (folder / "config.toml").write_text('timezone = "Europe/Moscow"\n', encoding="utf-8")
    settings = load_settings(folder / "config.toml")
    db = open_database(settings.db_url)
    rnd = random.Random(seed)
    orgs, people, schools = [], [], []
    orgs.append({"id": 1, "name": "Ростовская область", "name_key": fold("Ростовская область"),
                 "kind": "region", "parent_id": None})
    next_id = 2
    for m in range(MUNICIPALITIES):
        mid = next_id
        next_id += 1
        name = f"Муниципалитет {m + 1:02d}"
        orgs.append({"id": mid, "name": name, "name_key": fold(name), "kind": "municipality",
                     "parent_id": 1})
        for s in range(SCHOOLS_PER):
            name = f"Школа № {s + 1} ({m + 1:02d})"
            orgs.append({"id": next_id, "name": name, "name_key": fold(name), "kind": "school",
                         "parent_id": mid})
            people.append({"id": next_id, "name": f"Директор {next_id}",
                           "name_key": f"директор {next_id}", "organisation_id": next_id,
                           "role": "officer", "locale": "ru", "channels": "email",
                           "active": True, "telegram_active": True})
            schools.append(next_id)
            next_id += 1
    tasks_needed = -(-size // len(schools))
    tasks = []
    for t in range(tasks_needed):
        due = date(2021, 3, 15) + timedelta(days=rnd.randrange(0, 240))
        tasks.append({"id": t + 1, "text": f"Поручение {t + 1}", "level": "school",
                      "due_date": due, "label": f"{t // 10 + 1}.{t % 10 + 1}",
                      "actionable": True, "created_at": START})
    started = time.perf_counter()
    with db.engine.begin() as c:
        c.execute(insert(Organisation), orgs)
        c.execute(insert(Person), people)
        c.execute(insert(Task), tasks)
    rows, events, aid = [], [], 0
    for task in tasks:
        for school in schools:
            aid += 1
            if aid > size:
                break
            rows.append(_assignment(rnd, aid, task, school))
            if rows[-1]["extensions"]:
                events.append({"kind": EventKind.EXTENDED, "assignment_id": aid,
                               "task_id": task["id"], "via": Via.CLI,
                               "at": START + timedelta(days=30)})
            if len(rows) >= CHUNK:
                _flush(db, Assignment, Event, rows, events)
    _flush(db, Assignment, Event, rows, events)
    return settings, db, time.perf_counter() - started


def _assignment(rnd: random.Random, aid: int, task: dict, school: int) -> dict:
    due = task["due_date"]
    roll = rnd.random()
    status, completed = "open", None
    if due < AS_OF:
        if roll < 0.45:
            status, completed = "done", due - timedelta(days=rnd.randrange(0, 10))
        elif roll < 0.65:
            status, completed = "done", due + timedelta(days=rnd.randrange(1, 40))
    elif roll < 0.3:
        status, completed = "done", AS_OF - timedelta(days=rnd.randrange(0, 5))
    completed_at = (datetime(completed.year, completed.month, completed.day, 8, tzinfo=UTC)
                    if completed else None)
    return {"id": aid, "task_id": task["id"], "organisation_id": school, "person_id": school,
            "due_date": due, "original_due_date": due, "status": status,
            "completed_at": completed_at, "extensions": 1 if rnd.random() < 0.05 else 0,
            "created_at": START, "next_check_at": None}


def _flush(db, assignment, event, rows: list, events: list) -> None:
    if not rows and not events:
        return
    with db.engine.begin() as c:
        if rows:
            c.execute(insert(assignment), rows)
        if events:
            c.execute(insert(event), events)
    rows.clear()
    events.clear()


def floor(path: Path) -> tuple[float, float]:
    """The raw floor: one full scan of `assignment` reading the columns a report reads
    (raw sqlite3, the best of three), as (wall, CPU) seconds."""
    import sqlite3

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    best = best_cpu = float("inf")
    for _ in range(3):
        started, cpu_started = time.perf_counter(), time.process_time()
        connection.execute(
            "SELECT count(*), sum(due_date IS NULL), count(completed_at), max(status),"
            " max(created_at), sum(organisation_id), sum(task_id) FROM assignment"
        ).fetchall()
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu_started)
    connection.close()
    return best, best_cpu


def measure(label: str, function, base: tuple[float, float], *,
            trace: bool = False) -> float:
    """Time `function()` (the best of two runs, wall and CPU time of this process; with
    `trace`, once more under tracemalloc for the peak of Python memory) and print it
    with its ratio to `base`. CPU time is the figure to compare on a loaded machine."""
    seconds = cpu = float("inf")
    for _ in range(2):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = function()
        seconds = min(seconds, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - cpu_started)
    peak = ""
    if trace:
        tracemalloc.start()
        function()
        peak = f"   traced peak {tracemalloc.get_traced_memory()[1] / 2**20:6.1f} MiB"
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = f"{len(result):>10,} B" if isinstance(result, (bytes, str)) else f"{result!s:>12}"
    print(f"{label:<30} {seconds:5.2f} s wall {seconds / base[0]:5.1f}x  {cpu:5.2f} s cpu "
          f"{cpu / base[1]:5.1f}x floor   max RSS {rss:4.0f} MiB  {size}{peak}")
    return seconds


def scan_plans(db, zone) -> None:
    """Print how SQLite reads `assignment` in the report's two scans: each should scan
    its covering index ("SCAN assignment USING COVERING INDEX ...") with no
    "USE TEMP B-TREE FOR GROUP BY" (a sort of every row)."""
    from sqlalchemy import event

    from tracker.reports import scan
    from tracker.reports.window import Window

    w = Window.of(AS_OF, zone)
    lines: list[str] = []

    def explain(conn, cursor, statement, parameters, context, executemany):
        if "GROUP BY" in statement and "FROM event" not in statement:
            raw = conn.connection.driver_connection
            lines.append(" / ".join(row[3] for row in raw.execute(
                "EXPLAIN QUERY PLAN " + statement, parameters)))

    event.listen(db.read_engine, "before_cursor_execute", explain)
    try:
        with db.reading() as session:
            scan.by_holder(session, w, None)
            scan.by_task(session, w, None)
    finally:
        event.remove(db.read_engine, "before_cursor_execute", explain)
    for name, line in zip(("holder scan", "task scan"), lines, strict=True):
        print(f"plan of the {name}: {line}")


def run(size: int, keep: Path | None) -> None:
    from tracker.reports import figures as fg
    from tracker.reports import progress
    from tracker.reports.export_html import to_html
    from tracker.reports.export_text import csv_bytes, to_json
    from tracker.reports.export_xlsx import xlsx_bytes
    from tracker.reports.report import build_report
    from tracker.reports.table import print_table

    folder = keep or Path(tempfile.mkdtemp(prefix="bench-reports-"))
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "tracker.db").exists():
        from tracker.core.config_sources import load_settings
        from tracker.core.db import open_database

        settings = load_settings(folder / "config.toml")
        db, seconds = open_database(settings.db_url), 0.0
        print(f"reusing {folder / 'tracker.db'}")
    else:
        settings, db, seconds = build(folder, size)
        print(f"built {size:,} assignments in {seconds:.1f} s "
              f"({(folder / 'tracker.db').stat().st_size / 2**20:.0f} MiB file)")
    zone = settings.zone
    base = floor(folder / "tracker.db")
    print(f"floor: a full scan of assignment (raw sqlite3)  {base[0]:.3f} s wall, "
          f"{base[1]:.3f} s cpu; load average {os.getloadavg()[0]:.1f}")
    scan_plans(db, zone)

    def q(function, **kw):
        def go():
            with db.reading() as s:
                result = function(session=s, as_of=AS_OF, zone=zone, **kw)
            return len(result) if isinstance(result, list) else result.assigned
        return go

    measure("totals", q(fg.totals), base)
    measure("by organisation (55 rows)", q(fg.organisation_figures), base)
    measure("by organisation, every level", q(fg.organisation_figures, depth=None), base)
    measure("by person", q(fg.organisation_figures, by="person"), base)
    measure("by document", q(fg.organisation_figures, by="document"), base)
    measure("by level", q(fg.organisation_figures, by="level"), base)
    measure("decision progress", q(progress.decision_progress), base)
    measure("oldest overdue (10)", q(progress.oldest_overdue), base)
    measure("one municipality: totals", q(fg.totals, root_org_id=2), base)

    def report(fmt: str):
        def go():
            with db.reading() as s:
                rep = build_report(session=s, kind="overdue", as_of=AS_OF, zone=zone,
                                   all_views=fmt in ("json", "xlsx", "html"))
            if fmt == "table":
                from rich.console import Console

                buffer = io.StringIO()
                print_table(rep, Console(file=buffer, width=160))
                return buffer.getvalue()
            return {"json": to_json, "csv": csv_bytes, "xlsx": xlsx_bytes,
                    "html": to_html}[fmt](rep)
        return go

    worst = 0.0
    for fmt in ("table", "json", "csv", "xlsx", "html"):
        worst = max(worst, measure(f"report --format {fmt}", report(fmt), base, trace=True))
    print(f"slowest whole report {worst:.2f} s wall = {worst / base[0]:.1f}x the floor "
          f"(goal <= 2 s at 1,000,000; load average {os.getloadavg()[0]:.1f})")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="build in (or reuse) this folder")
    args = parser.parse_args()
    run(args.size, args.keep)


if __name__ == "__main__":
    main()
