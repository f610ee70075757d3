"""SIGKILL the service twenty times during delivery: nothing is lost, and a crash costs at
most one duplicate (a message the server accepted just before the kill)."""

from __future__ import annotations

import random
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

from notifications.channels.email import message_domain, message_id
from tracker.db import Database
from tracker.enums import OutboxStatus
from tracker.models import OutboxMessage

KILLS = 20


def _messages(db: Database) -> list[OutboxMessage]:
    with db.reading() as session:
        return list(session.exec(select(OutboxMessage).where(
            OutboxMessage.status != OutboxStatus.SKIPPED)))


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


@pytest.mark.slow
def test_sigkill_during_delivery_loses_nothing(tmp_path):
    handler = RecordingHandler(delay=0.02)
    smtp = start_smtp(handler)
    try:
        config = write_config(tmp_path, smtp.port, stale_seconds=1)
        db_url = f"sqlite:///{tmp_path / 'tracker.db'}"
        seed_overdue(db_url, municipalities=10, officers=40)
        rng = random.Random(4)
        log = tmp_path / "service.log"
        kills = 0
        while kills < KILLS:
            before = handler.total()
            process = start_service(config, log=log)
            try:
                # Kill only once this run is delivering, at a random moment.
                _wait(lambda b=before, p=process: handler.total() > b or p.poll() is not None,
                      30, "delivery to start")
                time.sleep(rng.uniform(0, 0.25))
            finally:
                process.kill()
                process.wait()
            kills += 1
        db = Database(db_url)
        assert any(m.status != OutboxStatus.SENT for m in _messages(db)), \
            "all delivered before the last kill: the test needs more work to kill"
        process = start_service(config, log=log)
        try:
            _wait(lambda: all(m.status == OutboxStatus.SENT for m in _messages(db)), 60,
                  "every message to be sent")
        finally:
            assert stop_service(process) == 0
        messages = _messages(db)
        db.dispose()
    finally:
        smtp.stop()

    domain = message_domain("tracker@example.ru")
    expected = {message_id(m.key, domain) for m in messages}
    assert len(expected) == 10 * 40 + 10 + 1  # officers, coordinators, the lead
    received = handler.received
    assert expected <= set(received), "a recorded message never reached the server"
    assert set(received) <= expected
    duplicates = sum(count - 1 for count in received.values())
    assert duplicates <= KILLS, f"{duplicates} duplicates for {KILLS} kills"
