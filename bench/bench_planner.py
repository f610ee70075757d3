"""Benchmark of the pure planner: `plan()` over 10k, 100k and 1M assignments in memory.

Every assignment handed in is one whose next check has come (that is all the tick ever
passes): due dates spread over two months around `now`, the last promise up to three
days back, so most of them have a reminder, an overdue notice or an escalation due, and
some a catch-up. The directory is a synthetic region: 55 municipalities with 20 schools
each, an officer in every organisation (a few in other time zones), a coordinator per
municipality and two leads.

Usage:
    python bench/bench_planner.py                    # 10k, 100k, 1M
    python bench/bench_planner.py --sizes 10000 --repeat 5

Time is the best of `--repeat` runs without tracing; peak memory is measured in a
separate traced run (tracemalloc), for plan() alone and for the inputs it was given.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

from notifications.planning.planner import AssignmentInfo, Directory, OrgInfo, PersonInfo, plan
from notifications.planning.policy import Policy
from tracker.core.enums import AssignmentStatus, ChannelPref, OrgKind, Role

NOW = datetime(2021, 9, 15, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
ZONES = [None] * 8 + ["Asia/Yekaterinburg", "Europe/Kaliningrad"]


def build_directory() -> tuple[Directory, list[int], dict[int, list[int]]]:
    """The region; returns it, the organisation ids, and each organisation's officers."""
    orgs = [OrgInfo(1, None, "Область", OrgKind.REGION)]
    people: list[PersonInfo] = []
    officers: dict[int, list[int]] = {}

    def add(org: int, role: Role, zone: str | None = None) -> int:
        pid = len(people) + 1
        channels = (ChannelPref.EMAIL, ChannelPref.TELEGRAM, ChannelPref.BOTH)[pid % 3]
        people.append(PersonInfo(pid, f"P{pid}", org, role, f"p{pid}@example.ru",
                                 100000 + pid, True, channels, zone, "ru", True))
        if role == Role.OFFICER:
            officers.setdefault(org, []).append(pid)
        return pid

    add(1, Role.LEAD)
    add(1, Role.LEAD)
    add(1, Role.COORDINATOR)
    next_id = 2
    for m in range(55):
        municipality = next_id
        next_id += 1
        orgs.append(OrgInfo(municipality, 1, f"М{m}", OrgKind.MUNICIPALITY))
        add(municipality, Role.COORDINATOR)
        add(municipality, Role.OFFICER, ZONES[m % len(ZONES)])
        for s in range(20):
            orgs.append(OrgInfo(next_id, municipality, f"Ш{m}.{s}", OrgKind.SCHOOL))
            add(next_id, Role.OFFICER, ZONES[(m + s) % len(ZONES)])
            next_id += 1
    return Directory(orgs, people), [o.id for o in orgs[1:]], officers


def build_assignments(n: int, org_ids: list[int], officers: dict[int, list[int]],
                      seed: int = 4) -> list[AssignmentInfo]:
    rng = random.Random(seed)
    today = NOW.date()
    created = NOW - timedelta(days=90)
    result = []
    for i in range(1, n + 1):
        org = org_ids[rng.randrange(len(org_ids))]
        person = officers[org][0] if rng.random() < 0.7 else None
        due = today + timedelta(days=rng.randint(-40, 20))
        last = NOW - timedelta(minutes=rng.randint(0, 3 * 24 * 60))
        result.append(AssignmentInfo(i, AssignmentStatus.OPEN, due, org, person, created, last))
    return result


def run(n: int, repeat: int, directory: Directory, org_ids, officers) -> None:
    policy = Policy()
    assignments = build_assignments(n, org_ids, officers)
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        result = plan(assignments, directory, policy, NOW)
        best = min(best, time.perf_counter() - started)
    with_due = len({p.assignment_id for p in result.due})
    del result
    gc.collect()
    tracemalloc.start()
    plan(assignments, directory, policy, NOW)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del assignments
    gc.collect()
    tracemalloc.start()
    built = build_assignments(n, org_ids, officers)
    inputs, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(built) == n
    print(f"{n:>9,} | {best:8.3f} s | {best / n * 1e6:7.1f} µs | {with_due:>9,} | "
          f"{peak / 2**20:9.1f} MiB | {inputs / 2**20:9.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    directory, org_ids, officers = build_directory()
    plan([], directory, Policy(), NOW)  # warm the calendar
    print(f"now = {NOW.isoformat()}, {len(org_ids) + 1} organisations")
    print(" assignm. |   plan()   | per item | with due  | peak (plan) | inputs")
    for size in (int(s) for s in args.sizes.split(",")):
        run(size, args.repeat, directory, org_ids, officers)


if __name__ == "__main__":
    main()
