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

from tracker.core.db import Database
from tracker.core.enums import OutboxStatus
from tracker.core.models import OutboxMessage


@pytest.mark.slow
def test_two_services_never_send_a_message_twice(tmp_path):
    handler = RecordingHandler(delay=0.005)
    smtp = start_smtp(handler)
    try:
        config = write_config(tmp_path, smtp.port, stale_seconds=600)
        db_url = f"sqlite:///{tmp_path / 'tracker.db'}"
        seed_overdue(db_url, municipalities=10, officers=30)
        log = tmp_path / "service.log"
        services = [start_service(config, log=log), start_service(config, log=log)]
        db = Database(db_url)
        try:
            deadline = time.monotonic() + 60
            while True:
                with db.reading() as session:
                    statuses = list(session.scalars(select(OutboxMessage.status).where(
                        OutboxMessage.status != OutboxStatus.SKIPPED)))
                if statuses and all(s == OutboxStatus.SENT for s in statuses):
                    break
                assert time.monotonic() < deadline, "messages left unsent"
                time.sleep(0.1)
            time.sleep(1.5)  # another tick each: nothing more may go out
        finally:
            codes = [stop_service(p) for p in services]
        with db.reading() as session:
            workers = set(session.scalars(select(OutboxMessage.claimed_by)))
        db.dispose()
    finally:
        smtp.stop()
    assert codes == [0, 0]
    assert len(statuses) == 10 * 30 + 10 + 1
    assert sum(handler.received.values()) == len(statuses)
    assert max(handler.received.values()) == 1
    assert len(workers - {None}) == 2, "both services should have delivered some"


KILLS = 20


@pytest.mark.slow
def test_two_services_killed_in_turn_resume_at_once(tmp_path):
    """Two services on one SQLite file, each SIGKILLed in turn during delivery (KILLS
    kills in all) and restarted: the restarted one takes the dead one's claims over at once,
    every message arrives, at most one duplicate per kill."""
    from service_campaign import run_campaign

    campaign = run_campaign(tmp_path, f"sqlite:///{tmp_path / 'tracker.db'}", kills=KILLS,
                            services=2, seed=7, officers=30,
                            smtp_delay=0.03)
    print(campaign.summary())
    assert max(campaign.resume_seconds) < 30
