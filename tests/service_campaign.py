"""The kill campaign: `tracker run` processes with the default configuration (plus a
recording aiosmtpd on 127.0.0.1), SIGKILLed during delivery and restarted, over SQLite
or PostgreSQL, one or two services at a time.

Each round kills one service as soon as the SMTP server has received a message from the
running services and that service holds claims (a few milliseconds later, at random;
the victim must still hold claims then, so every round kills a service mid-delivery),
then starts it again. After each restart the claims of the killed process must be taken
over at once (the restarted service does it on start: same host, process gone), not
after the lease; the time from restart to that point is the round's resume time. After
the last round every message must be delivered within `deliver_within` seconds, to its
recipient, with at most one duplicate per kill and SMTP connection (a service sends
over `smtp.pool_size` connections at once, 2 by default, and each may have had a
message accepted and not yet marked sent when the kill came).
"""

from __future__ import annotations

import random
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from service_world import RecordingHandler, seed_overdue, start_service, start_smtp, stop_service
from sqlalchemy import func, select

from notifications.channels.email import message_domain, message_id
from tracker.core.config import EmailSettings
from tracker.core.db import Database
from tracker.core.enums import OutboxStatus
from tracker.core.models import OutboxMessage
from tracker.core.workers import worker_name

SENDER = "tracker@example.ru"
# How soon after a restart the dead process's claims must be taken over: half the default
# lease (`outbox.stale_claim_seconds`, 120 s), so a take-over this soon came from the
# restarted service's start-up, not from the lease running out, with room for a Python
# start-up at a load average of 15-20 (5-18 s at 11-14 on two cores).
WITHIN = 60.0
# How soon after the last restart every message must be sent: still short of the lease
# (a message left behind by a dead process would wait for it), with room for a single
# service to build and send the ~300 messages left at the last kill with a sixth of a
# core (20-35 s at a load average of 14).
DELIVER_WITHIN = 100.0


@dataclass
class Campaign:
    resume_seconds: list[float] = field(default_factory=list)
    final_seconds: float = 0.0
    duplicates: int = 0
    messages: int = 0
    left_at_last_kill: int = 0  # the margin: 0 would mean the kills ran out of work

    def summary(self) -> str:
        r = self.resume_seconds
        return (f"{len(r)} kills: resume median {statistics.median(r):.2f} s, "
                f"max {max(r):.2f} s; all {self.messages} delivered {self.final_seconds:.1f} s "
                f"after the last restart ({self.left_at_last_kill} unsent at the last kill); "
                f"{self.duplicates} duplicate(s)")


def write_default_config(folder: Path, smtp_port: int, db_url: str) -> Path:
    """The default configuration but for the SMTP server and the database (digests off:
    a weekly digest falling due mid-test would add messages the test does not expect)."""
    path = folder / "config.toml"
    path.write_text(
        f"""database_url = "{db_url}"
[smtp]
host = "127.0.0.1"
port = {smtp_port}
tls = "none"
sender = "{SENDER}"
[digests]
lead_enabled = false
coordinator_enabled = false
""",
        encoding="utf-8",
    )
    return path


def _wait(condition, timeout: float, what: str, every: float = 0.02) -> float:
    """Seconds until `condition()` held; AssertionError after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)
    return time.monotonic() - started


def _claims(db: Database) -> dict[str, int]:
    with db.reading() as session:
        return dict(session.execute(
            select(OutboxMessage.claimed_by, func.count())
            .where(OutboxMessage.status == OutboxStatus.SENDING)
            .group_by(OutboxMessage.claimed_by)).all())


def _unsent(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).where(
            OutboxMessage.status.not_in([OutboxStatus.SKIPPED, OutboxStatus.SENT])))


def run_campaign(tmp_path: Path, db_url: str, *, kills: int, services: int = 1,
                 municipalities: int = 10, officers: int = 40, seed: int = 4,
                 smtp_delay: float = 0.005, resume_within: float = WITHIN,
                 deliver_within: float = DELIVER_WITHIN) -> Campaign:
    handler = RecordingHandler(delay=smtp_delay)
    smtp = start_smtp(handler)
    result = Campaign()
    running = []
    try:
        config = write_default_config(tmp_path, smtp.port, db_url)
        seed_overdue(db_url, municipalities=municipalities, officers=officers)
        db = Database(db_url)
        rng = random.Random(seed)
        log = tmp_path / "service.log"
        # No --tick-seconds: the default 60 s, so resuming can only come from start-up.
        running = [start_service(config, log=log, tick_seconds=None) for _ in range(services)]
        for round_ in range(kills):
            before = handler.total()

            def delivering(b=before) -> list[int]:
                """Indexes of the services holding claims, once a message has gone out."""
                if handler.total() <= b:
                    return []
                claims = _claims(db)
                return [i for i, p in enumerate(running) if worker_name(p.pid) in claims]

            busy: list[int] = []
            while not busy:  # a service that holds claims a few milliseconds on
                _wait(lambda: delivering() or any(p.poll() is not None for p in running), 60,
                      "a service to deliver")
                assert all(p.poll() is None for p in running), f"a service exited; see {log}"
                time.sleep(rng.uniform(0, 0.05))
                busy = delivering(-1)
            # Alternate between services where both deliver; else the one that does.
            victim_index = round_ % services if round_ % services in busy else busy[0]
            victim = running[victim_index]
            name = worker_name(victim.pid)
            victim.kill()
            victim.wait()
            restarted = start_service(config, log=log, tick_seconds=None)
            running[victim_index] = restarted
            started = time.monotonic()
            _wait(lambda n=name: n not in _claims(db), resume_within,
                  f"the claims of killed process {victim.pid} to be taken over")
            result.resume_seconds.append(time.monotonic() - started)
        result.left_at_last_kill = _unsent(db)
        assert result.left_at_last_kill, \
            "all delivered before the last kill: the campaign needs more work to kill"
        handler.delay = min(handler.delay, 0.002)  # the slow server only paced the kills
        _wait(lambda: not _unsent(db), deliver_within - (time.monotonic() - started),
              "every message to be sent", every=0.1)
        result.final_seconds = time.monotonic() - started  # since the last restart
        with db.reading() as session:
            keys = list(session.scalars(select(OutboxMessage.key).where(
                OutboxMessage.status != OutboxStatus.SKIPPED)))
        db.dispose()
    finally:
        codes = [stop_service(p) if p.poll() is None else p.returncode for p in running]
        smtp.stop()
    assert codes == [0] * services
    domain = message_domain(SENDER)
    expected = {message_id(key, domain) for key in keys}
    assert len(expected) == municipalities * officers + municipalities + 1
    received = handler.received
    assert expected <= set(received), "a recorded message never reached the server"
    assert set(received) <= expected
    result.messages = len(expected)
    result.duplicates = sum(count - 1 for count in received.values())
    connections = EmailSettings().pool_size  # the default configuration's
    assert result.duplicates <= kills * connections, \
        f"{result.duplicates} duplicates for {kills} kills over {connections} connections each"
    return result
