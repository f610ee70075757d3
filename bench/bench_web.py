"""Benchmark of the web workspace's heaviest pages on a SQLite file of `--size`
assignments (default 100,000), server-side: requests go through the whole ASGI app
in process (Starlette's TestClient: routing, session check, queries, template, headers),
no network.

The region is `bench_reports.build`'s (55 municipalities, 990 schools, mixed outcomes
as of 13.08.2021) plus a lead who is signed in. Measured, as medians of `--runs`:

- the dashboard (`GET /dashboard?as_of=13.08.2021`): its floor is the figures SQL alone
  (`organisation_figures` + `totals`, what `tracker report` runs) in the same run;
- an assignment page (`GET /assignments/<id>`, one with an extension and events): its
  floor is its reads alone (the joined row, events, evidence, pending request).

    python bench/bench_web.py
    python bench/bench_web.py --size 100000 --runs 20 --keep /tmp/bench-web

Measured here (100,000 assignments, branch `web2` = `integ` with the one-scan report,
2 December 2026, load average 0.0-0.2, runs 7 and 15):

    python bench/bench_web.py --runs 15 --keep /tmp/web2-bench

    dashboard (cold)    median 144.6-153.0 ms  floor (figures SQL) 133.5-133.7 ms  ratio 1.08-1.14
    dashboard (cached)  median  10.2 ms        floor (figures SQL) 131.5-132.3 ms  ratio 0.08
    assignment page     median   4.4-4.8 ms    floor (its reads)     0.9 ms        ratio 4.9-5.5

Both targets are met uncached on a quiet machine. Before the one-scan report (load
average 8) the cold dashboard took 685-764 ms against 738-833 ms of figures SQL. The
dashboard runs one `organisation_figures` (one `scan.by_holder` plus its extensions
query); its totals are its rows summed (`tracker.web.dashboard_figures`), so it adds
10-20 ms to the SQL: the filter lists (`row_organisations` loads every organisation,
~5 ms), the cache key's two MAX(id) reads (<0.5 ms), the template and the in-process
HTTP round trip. Of the ~131 ms floor, the by_holder scan's main query is ~113 ms and
its extensions query ~5 ms (measured apart in the same conditions), so a cold dashboard
under load (the 4x of a load average of 8) would again be over 200 ms; cached it is
not (keyed by the newest event and assignment ids, so never stale).

Targets: dashboard <= 200 ms, assignment page <= 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

AS_OF = date(2021, 8, 13)
NOW = datetime(2021, 8, 13, 7, 0, tzinfo=UTC)


def _median_ms(function, runs: int) -> float:
    function()  # warm: templates compiled, connections pooled, pages cached
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def run(size: int, runs: int, keep: Path | None) -> dict:
    from bench_reports import build
    from sqlalchemy import insert, select

    from tracker.core.config_sources import load_settings
    from tracker.core.db import open_database
    from tracker.core.models import Assignment, Person
    from tracker.reports import figures
    from tracker.services.web_sessions import open_session
    from tracker.web import security
    from tracker.web.app import create_app
    from tracker.web.queries import assignment_view, events_of, evidence_of, pending_request

    folder = keep or Path(tempfile.mkdtemp(prefix="bench-web-"))
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "tracker.db").exists():
        settings = load_settings(folder / "config.toml")
        db = open_database(settings.db_url)
    else:
        settings, db, seconds = build(folder, size)
        print(f"built {size:,} assignments in {seconds:.1f} s")
    with db.transaction() as session:
        lead = session.scalar(select(Person).where(Person.role == "lead"))
        if lead is None:
            session.execute(insert(Person), [{"name": "Руководитель", "name_key": "руководитель",
                                              "organisation_id": 1, "role": "lead",
                                              "locale": "ru", "channels": "email",
                                              "active": True, "telegram_active": True}])
            lead = session.scalar(select(Person).where(Person.role == "lead"))
        sid = open_session(session=session, person=lead, now=NOW, days=1)
        target = session.scalar(select(Assignment.id).where(Assignment.extensions == 1)
                                .order_by(Assignment.id.desc()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    app = create_app(settings, db, clock=lambda: NOW + timedelta(seconds=1))
    secret = app.state.web.secret
    client = TestClient(app, base_url="http://bench")
    client.cookies.set(security.SESSION_COOKIE, security.sign(secret, sid))
    zone = settings.zone

    from tracker.web import dashboard_figures

    def warm():
        reply = client.get("/dashboard?as_of=2021-08-13")
        assert reply.status_code == 200 and "Муниципалитет 01" in reply.text, reply.text[:300]

    def cold():
        dashboard_figures._cache.clear()
        warm()

    def figures_sql():
        with db.reading() as s:
            figures.organisation_figures(session=s, as_of=AS_OF, zone=zone)

    def page():
        reply = client.get(f"/assignments/{target}")
        assert reply.status_code == 200, reply.text[:300]

    def page_reads():
        with db.reading() as s:
            assignment_view(s, target)
            events_of(s, target)
            evidence_of(s, target)
            pending_request(s, target)

    results = {}
    for label, timed, floor, floor_label in (
        ("dashboard (cold)", cold, figures_sql, "floor (figures SQL)"),
        ("dashboard (cached)", warm, figures_sql, "floor (figures SQL)"),
        ("assignment page", page, page_reads, "floor (its reads)"),
    ):
        # Interleaved: the floor and the page are measured in the same run, twice each.
        f1, p1 = _median_ms(floor, runs), _median_ms(timed, runs)
        f2, p2 = _median_ms(floor, runs), _median_ms(timed, runs)
        ms, floor_ms = min(p1, p2), min(f1, f2)
        results[label] = (ms, floor_ms)
        print(f"{label:<20} median {ms:7.1f} ms   {floor_label:<20} {floor_ms:7.1f} ms   "
              f"ratio {ms / floor_ms:5.2f}")
    client.close()
    db.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="build in (or reuse) this folder")
    args = parser.parse_args()
    results = run(args.size, args.runs, args.keep)
    ok = results["dashboard (cold)"][0] <= 200 and results["assignment page"][0] <= 50
    print("targets (dashboard <= 200 ms, assignment page <= 50 ms):",
          "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
