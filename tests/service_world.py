"""Helpers for tests that run `tracker run` as real processes: a recording SMTP server
(aiosmtpd on 127.0.0.1), a config pointing at it, and a world with overdue work."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

from sqlalchemy import insert

from tracker.core.db import open_database
from tracker.core.models import Assignment, Organisation, Person, Task, utcnow


class RecordingHandler:
    """Accepts every message after `delay` seconds and counts its Message-ID."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.received: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        message_id = message_from_bytes(envelope.content)["Message-ID"]
        with self.lock:
            self.received[message_id] += 1
        return "250 OK"

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())


def start_smtp(handler: RecordingHandler, **options):
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # aiosmtpd's ready check cannot use port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return controller


def write_config(folder: Path, smtp_port: int, *, stale_seconds: float) -> Path:
    path = folder / "config.toml"
    path.write_text(
        f"""timezone = "Europe/Moscow"
[outbox]
stale_claim_seconds = {stale_seconds}
backoff_seconds = 1
backoff_max_seconds = 2
batch_size = 20
[smtp]
host = "127.0.0.1"
port = {smtp_port}
tls = "none"
sender = "tracker@example.ru"
[digests]
lead_enabled = false
coordinator_enabled = false
""",
        encoding="utf-8",
    )
    return path


def seed_overdue(db_url: str, *, municipalities: int, officers: int) -> None:
    """Officers (email only) with one assignment each, 20 days overdue, never planned:
    the first pass owes each officer an overdue notice and each coordinator and the
    lead an escalation."""
    db = open_database(db_url)
    now = utcnow()
    created = now - timedelta(days=40)
    due = (now - timedelta(days=20)).date()
    with db.transaction() as session:
        region = Organisation(name="Область", name_key="область", kind="region")
        session.add(region)
        session.flush()
        session.add(Person(name="Руководитель", name_key="руководитель", email="lead@example.ru",
                           organisation_id=region.id, role="lead", channels="email"))
        task = Task(text="Представить отчёт", level="municipal", due_date=due, created_at=created)
        session.add(task)
        session.flush()
        person_rows, assignment_rows = [], []
        for m in range(municipalities):
            org = Organisation(name=f"Район {m}", name_key=f"район {m}", kind="municipality",
                               parent_id=region.id)
            session.add(org)
            session.flush()
            session.add(Person(name=f"Координатор {m}", name_key=f"координатор {m}",
                               email=f"c{m}@example.ru", organisation_id=org.id,
                               role="coordinator", channels="email"))
            for n in range(officers):
                person = Person(name=f"Исполнитель {m}-{n}", name_key=f"исполнитель {m}-{n}",
                                email=f"o{m}-{n}@example.ru", organisation_id=org.id,
                                role="officer", channels="email")
                session.add(person)
                session.flush()
                person_rows.append(person.id)
                assignment_rows.append({
                    "task_id": task.id, "organisation_id": org.id, "person_id": person.id,
                    "due_date": due, "original_due_date": due, "status": "open",
                    "period": f"p{person.id}", "next_check_at": created,
                    "created_at": created, "extensions": 0,
                })
        session.execute(insert(Assignment), assignment_rows)
    db.dispose()


def start_service(config: Path, *, tick_seconds: float | None = 1, log: Path | None = None):
    """`tracker run` as a process; `tick_seconds=None` keeps the default interval."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (kept with the process)
    tick = [] if tick_seconds is None else ["--tick-seconds", str(tick_seconds)]
    return subprocess.Popen(
        [sys.executable, "-c", "from tracker.cli.main import run; run()", "--config",
         str(config), "run", *tick],
        stdout=out, stderr=out, env=env,
    )


def stop_service(process: subprocess.Popen, *, timeout: float = 20) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=timeout)
