"""Taking over the claims of workers that are gone: at once for a dead process on this
host, after the lease for anyone else; leases are real time, also under `remind --at`."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from reminder_world import add_tasks, at, build_world
from sqlmodel import select

from notifications import outbox
from notifications.message import ChannelKind
from tracker.core.db import aware
from tracker.core.enums import OutboxStatus
from tracker.core.models import OutboxMessage
from tracker.core.workers import host_name, is_dead_local, parse_worker, process_start, worker_name
from tracker.services.reminders import TickReport, deliver, plan_pass

LEASE = 120


def _pending_world(db, settings, officers: int = 1) -> None:
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)] * officers, created=at(2))
    plan_pass(db, settings, now=at(13), report=TickReport())


def _claim_all(db, worker: str, claimed_at: datetime) -> list[int]:
    with db.transaction() as session:
        return outbox.claim(session, worker=worker, now=at(13), limit=100, claimed_at=claimed_at)


def _take_over(db, now: datetime, worker: str = "me:1:1") -> int:
    with db.transaction() as session:
        return outbox.take_over(session, worker=worker, now=now, lease_seconds=LEASE)


def _dead_pid_name() -> str:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    name = worker_name(child.pid)
    child.wait()
    return name


def test_worker_names_carry_host_pid_and_start_time():
    name = worker_name()
    worker = parse_worker(name)
    assert worker.host == host_name() and worker.start == process_start(worker.pid) != ""
    assert len(name) <= 64  # OutboxMessage.claimed_by
    assert not is_dead_local(name)
    assert parse_worker("a") is None and parse_worker("otherhost:12").start == ""


def test_a_dead_local_worker_is_recognised_and_a_reused_pid_too():
    assert is_dead_local(_dead_pid_name())
    live = parse_worker(worker_name())
    assert is_dead_local(f"{live.host}:{live.pid}:{int(live.start) + 1}")  # pid reused
    assert not is_dead_local(f"another-host:{live.pid}:1")  # cannot tell: the lease decides
    assert not is_dead_local("a")


def test_dead_local_claims_are_taken_over_at_once(db, settings):
    _pending_world(db, settings)
    now = datetime.now(UTC)
    [message_id] = _claim_all(db, _dead_pid_name(), claimed_at=now)
    assert _take_over(db, now) == 1
    with db.reading() as session:
        row = session.get(OutboxMessage, message_id)
        assert (row.status, row.claimed_by) == (OutboxStatus.PENDING, None)


def test_live_and_other_host_claims_wait_for_the_lease(db, settings):
    _pending_world(db, settings)
    now = datetime.now(UTC)
    helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _claim_all(db, worker_name(helper.pid), claimed_at=now)  # a live neighbour
        assert _take_over(db, now + timedelta(seconds=LEASE - 1)) == 0
        with db.transaction() as session:  # its heartbeat renews the lease
            assert outbox.renew(session, worker=worker_name(helper.pid),
                                now=now + timedelta(seconds=LEASE - 1)) == 1
        assert _take_over(db, now + timedelta(seconds=LEASE + 1)) == 0
        assert _take_over(db, now + timedelta(seconds=2 * LEASE)) == 1  # hung: not renewed
    finally:
        helper.kill()
        helper.wait()
    with db.transaction() as session:
        outbox.claim(session, worker="otherhost:42:4242", now=at(13), limit=10, claimed_at=now)
    assert _take_over(db, now + timedelta(seconds=LEASE - 1)) == 0
    assert _take_over(db, now + timedelta(seconds=LEASE + 1)) == 1


def test_a_worker_never_takes_over_its_own_claims(db, settings):
    _pending_world(db, settings)
    me = worker_name()
    now = datetime.now(UTC)
    _claim_all(db, me, claimed_at=now)
    assert _take_over(db, now, worker=me) == 0


class _Inspecting:
    """An email channel that reads its message's claim while sending it."""

    kind = ChannelKind.EMAIL

    def __init__(self, db) -> None:
        self.db = db
        self.claims: list[tuple[str, datetime]] = []

    async def notify(self, message):
        with self.db.reading() as session:
            row = session.exec(select(OutboxMessage).where(
                OutboxMessage.key == message.key)).one()
            self.claims.append((row.claimed_by, aware(row.claimed_at)))
        return "250 OK"

    async def aclose(self):
        pass


@pytest.mark.asyncio
async def test_claims_under_a_simulated_time_are_timed_with_the_real_clock(db, settings):
    """`tracker remind --at 2021-08-13`: planning and backoff act at the chosen time, the
    lease starts now, so a crash mid-pass is taken over like any other."""
    _pending_world(db, settings)
    channel = _Inspecting(db)
    before = datetime.now(UTC)
    report = TickReport()
    await deliver(db, settings, {ChannelKind.EMAIL: channel}, now=at(13), worker=worker_name(),
                  report=report)
    assert report.sent == 1
    [(holder, claimed_at)] = channel.claims
    assert holder == worker_name()
    assert before <= claimed_at <= datetime.now(UTC)


class _Slow(_Inspecting):
    """Takes its time over the message, long enough for a few heartbeats."""

    async def notify(self, message):
        import asyncio

        await super().notify(message)
        await asyncio.sleep(0.5)
        return await super().notify(message)


@pytest.mark.asyncio
async def test_a_live_worker_renews_its_lease_while_it_delivers(db, settings):
    _pending_world(db, settings)
    fast = settings.model_copy(update={"outbox": settings.outbox.model_copy(
        update={"stale_claim_seconds": 0.2})})  # a heartbeat every 0.05 s
    channel = _Slow(db)
    report = TickReport()
    await deliver(db, fast, {ChannelKind.EMAIL: channel}, now=at(13), worker=worker_name(),
                  report=report)
    assert report.sent == 1
    (_, first), (_, last) = channel.claims
    assert (last - first).total_seconds() >= 0.3  # renewed during the send
