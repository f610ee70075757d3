"""Two `tracker run` processes on one SQLite database: every message is sent exactly once."""

from __future__ import annotations

import time

import pytest
from service_world import (
    RecordingHandler,
    seed_overdue,
    start_service,
    start_smtp,
    stop_service,
    write_config,
)
from sqlmodel import select

from tracker.core.db import Database, open_database
from tracker.core.enums import OutboxStatus
from tracker.core.models import OutboxMessage
from tracker.core.workers import worker_name


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout:g} s waiting for {what}"
        time.sleep(0.1)


def _sent_all(db) -> list[str]:
    """The statuses of the messages that count (not skipped), once all are sent; else []."""
    with db.reading() as session:
        statuses = list(session.scalars(select(OutboxMessage.status).where(
            OutboxMessage.status != OutboxStatus.SKIPPED)))
    return statuses if statuses and all(s == OutboxStatus.SENT for s in statuses) else []


@pytest.mark.slow
def test_two_services_never_send_a_message_twice(tmp_path):
    """Both services run (each has logged its start) before the work appears, and the
    server's pace (0.02 s a message on each of a service's two connections) makes the
    work last seconds, so both take part whatever the load. After all is sent, more work
    is added and delivered: a pass ran after the first work was done, and sent nothing
    of it again."""
    handler = RecordingHandler(delay=0.02)
    smtp = start_smtp(handler)
    try:
        config = write_config(tmp_path, smtp.port, stale_seconds=600)
        db_url = f"sqlite:///{tmp_path / 'tracker.db'}"
        open_database(db_url).dispose()  # the schema first: the services then only read it
        log = tmp_path / "service.log"
        services = [start_service(config, log=log), start_service(config, log=log)]
        db = Database(db_url)
        try:
            names = [worker_name(p.pid) for p in services]
            _wait_for(lambda: all(f"служба запущена как {n}" in log.read_text("utf-8")
                                  for n in names) or any(p.poll() is not None for p in services),
                      120, "both services to start")
            assert all(p.poll() is None for p in services), f"a service exited; see {log}"
            seed_overdue(db_url, municipalities=10, officers=30)
            _wait_for(lambda: _sent_all(db), 120, "every message to be sent")
            first = dict(handler.received)
            seed_overdue(db_url, municipalities=1, officers=1)  # more work, for a later pass
            _wait_for(lambda: len(_sent_all(db)) > len(first), 120, "the later work to be sent")
            statuses = _sent_all(db)
        finally:
            codes = [stop_service(p) for p in services]
        with db.reading() as session:
            workers = set(session.scalars(select(OutboxMessage.claimed_by)))
        db.dispose()
    finally:
        smtp.stop()
    assert codes == [0, 0]
    assert len(first) == 10 * 30 + 10 + 1
    assert len(statuses) == len(first) + 1 + 1 + 1  # the officer, coordinator and lead added
    assert sum(handler.received.values()) == len(statuses)
    assert max(handler.received.values()) == 1
    assert len(workers - {None}) == 2, "both services should have delivered some"


KILLS = 20


@pytest.mark.slow
def test_two_services_killed_in_turn_resume_at_once(tmp_path):
    """Two services on one SQLite file, each SIGKILLed in turn during delivery (KILLS
    kills in all) and restarted: the restarted one takes the dead one's claims over at once,
    every message arrives, at most one duplicate per kill and SMTP connection."""
    from service_campaign import WITHIN, run_campaign

    campaign = run_campaign(tmp_path, f"sqlite:///{tmp_path / 'tracker.db'}", kills=KILLS,
                            services=2, seed=7, officers=30,
                            smtp_delay=0.06)  # two connections each: the pace of one at 0.03
    print(campaign.summary())
    assert max(campaign.resume_seconds) < WITHIN
