"""Delivery by several worker processes, for bench_national.py.

Each worker is a separate process (spawned, as `tracker run` instances are) running the
service's delivery step, `tracker.services.reminders.deliver` (the outbox claim with
`SKIP LOCKED`, compose, the channel, `mark_sent` with its REMINDED/ESCALATED events in a
transaction of its own) under its own worker name, against a stand-in channel:

* `latency_ms = 0`: a null channel, so the figure is the tracker's own cost per message
  (CPU and database round trips);
* `latency_ms > 0`: each send waits that long (a network round trip to an SMTP server or
  the Bot API), and `limit` sends at most may be in flight at once across all workers
  (the server's connection limit, a process-shared semaphore): throughput can grow with
  workers up to `limit / latency`.

Duplicates are counted three ways: a message id reported sent by more than one worker,
a message whose `mark_sent` wrote its events more than once (the same assignment, step
and message in two events), and outbox keys stored twice.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing as mp
import time
from datetime import UTC, datetime, timedelta

NOW = datetime(2021, 8, 13, 6, 0, 30, tzinfo=UTC)


def raw(url: str):
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


def reset_sent(url: str, messages: int | None = None) -> int:
    """Every recorded message pending again (only the first `messages`, the rest
    cancelled, when given), no events of sending: the same work for each run. Returns
    the number of messages pending."""
    with raw(url) as c:
        c.execute("UPDATE outboxmessage SET status = 'pending', claimed_by = NULL,"
                  " claimed_at = NULL, sent_at = NULL, attempts = 0, last_error = NULL")
        c.execute("UPDATE outboxitem SET status = 'pending'")
        if messages is not None:
            c.execute("UPDATE outboxmessage SET status = 'cancelled' WHERE id NOT IN"
                      " (SELECT id FROM outboxmessage ORDER BY id LIMIT %s)", (messages,))
        c.execute("DELETE FROM event WHERE kind IN ('reminded', 'escalated')")
        return c.execute("SELECT count(*) FROM outboxmessage WHERE status = 'pending'"
                         ).fetchone()[0]


class StandInChannel:
    def __init__(self, kind, latency: float, gate):
        self.kind, self.latency, self.gate = kind, latency, gate

    async def notify(self, message) -> str:
        if self.latency:
            while not self.gate.acquire(block=False):  # never block the event loop
                await asyncio.sleep(0.001)
            try:
                await asyncio.sleep(self.latency)
            finally:
                self.gate.release()
        return "ok"

    async def aclose(self) -> None:
        return None


def _worker(url: str, name: str, latency: float, gate, ready, go, out) -> None:
    from notifications.message import ChannelKind
    from tracker.core.config import Settings
    from tracker.core.db import open_database
    from tracker.services.reminders import TickReport, deliver

    db = open_database(url, migrate=False)
    settings = Settings(database_url=url, timezone="Europe/Moscow")
    channels = {kind: StandInChannel(kind, latency, gate) for kind in ChannelKind}
    with db.reading() as session:  # a connection in the pool, outside the clock
        session.connection().exec_driver_sql("SELECT 1")
    report = TickReport()
    ready.put(name)
    go.wait()
    cpu = time.process_time()
    asyncio.run(deliver(db, settings, channels, now=NOW, worker=name, report=report,
                        clock=lambda: NOW + timedelta(seconds=1)))
    out.put(([d.message_id for d in report.deliveries if d.outcome == "sent"],
             time.process_time() - cpu))
    db.dispose()


def delivery(url: str, workers: int, *, latency_ms: float = 0, limit: int = 4,
             messages: int | None = None) -> dict:
    """Deliver every pending message (the first `messages` when given) with `workers`
    processes; the clock starts when they are all connected and ready."""
    total = reset_sent(url, messages)
    context = mp.get_context("spawn")
    gate, ready, go, out = (context.BoundedSemaphore(limit), context.Queue(), context.Event(),
                            context.Queue())
    procs = [context.Process(target=_worker, args=(url, f"bench-{i}", latency_ms / 1000, gate,
                                                   ready, go, out))
             for i in range(workers)]
    for p in procs:
        p.start()
    for _ in procs:
        ready.get(timeout=300)
    started = time.perf_counter()
    go.set()
    ids: list[int] = []
    cpu = 0.0
    for _ in procs:
        sent_ids, used = out.get()
        ids.extend(sent_ids)
        cpu += used
    seconds = time.perf_counter() - started
    for p in procs:
        p.join()
    with raw(url) as c:
        sent = c.execute("SELECT count(*) FROM outboxmessage WHERE status = 'sent'").fetchone()[0]
        twice_sent = c.execute(
            "SELECT count(*) - count(DISTINCT (assignment_id, details)) FROM event"
            " WHERE kind IN ('reminded', 'escalated')").fetchone()[0]
        keys = c.execute("SELECT (SELECT count(*) - count(DISTINCT key) FROM outboxmessage)"
                         " + (SELECT count(*) - count(DISTINCT key) FROM outboxitem)"
                         " + (SELECT count(*) - count(DISTINCT (assignment_id, rule, step))"
                         "    FROM outboxitem)").fetchone()[0]
        events = c.execute("SELECT count(*) FROM event WHERE kind IN ('reminded', 'escalated')"
                           ).fetchone()[0]
    return {"seconds": seconds, "cpu": cpu, "delivered": len(ids), "total": total,
            "sent": sent, "events": events,
            "duplicates": len(ids) - len(set(ids)) + twice_sent + keys}


def delivery_floor(url: str) -> tuple[float, int]:
    """One raw connection: claim every message in one UPDATE, then a transaction per
    message marking it and its items sent and inserting its events (as `mark_sent` with
    the service's hooks does). Returns (seconds, messages)."""
    total = reset_sent(url)
    with raw(url) as c:
        items: dict[int, list[tuple]] = {}
        for message_id, assignment_id, rule, step, person_id, channel in c.execute(
                "SELECT i.message_id, i.assignment_id, i.rule, i.step, m.person_id, m.channel"
                " FROM outboxitem i JOIN outboxmessage m ON m.id = i.message_id ORDER BY i.id"):
            kind = "escalated" if rule == "escalation" else "reminded"
            details = json.dumps({"recipient_id": person_id, "channel": channel, "rule": rule,
                                  "step": step, "message_id": message_id, "reply": "ok"})
            items.setdefault(message_id, []).append(
                (kind, assignment_id, "scheduler", NOW, details))
        c.commit()
        started = time.perf_counter()
        ids = [r[0] for r in c.execute(
            "UPDATE outboxmessage SET status = 'sending', claimed_by = 'floor',"
            " attempts = attempts + 1 WHERE status = 'pending' RETURNING id").fetchall()]
        c.commit()
        for message_id in ids:
            c.execute("UPDATE outboxmessage SET status = 'sent', sent_at = %s, claimed_by = NULL"
                      " WHERE id = %s", (NOW, message_id))
            c.execute("UPDATE outboxitem SET status = 'sent' WHERE message_id = %s",
                      (message_id,))
            with c.cursor() as cur:
                cur.executemany("INSERT INTO event (kind, assignment_id, via, at, details)"
                                " VALUES (%s, %s, %s, %s, %s)", items.get(message_id, []))
            c.commit()
        return time.perf_counter() - started, total
