"""The delivery loop: one pass plans, records and delivers. The only place that talks to
both the database and the channels.

A pass (`tick`) at `now`:

1. creates the occurrences of recurring tasks that fall within the horizon;
2. reads the open assignments whose next check has come, in batches, plans them
   (`notifications.planning.planner.plan`, pure) and records each batch in one transaction
   (`notifications.outbox.store.record`);
3. claims pending messages in batches and hands each to its channel, marking it sent
   or failed in a short transaction of its own right after the channel answered.

Database work runs in worker threads (`asyncio.to_thread`) and no transaction is ever
open while a channel talks to a server. Between two messages the loop checks `stop`,
so a shutdown finishes the message in flight and gives the rest of the claim back.

Two times are in play. `now` is the time the pass acts at (the real time in the service,
a chosen one under `tracker remind --at`); planning uses it and nothing else. The
delivery step alone reads `clock` (real time): claims, leases and their heartbeat are
real time always, and each message's send-time facts (its `Date:` header, "через N
дней", the time it is marked sent) are `now` plus the real time elapsed since the pass
began, so a message sent after downtime speaks of the day it is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update

from notifications.channels.base import Channel, ChannelError
from notifications.content.compose import Outgoing, compose, outgoing_of_draft, outgoing_of_rows
from notifications.delivery import failures
from notifications.message import ChannelKind, Message, MessageKind
from notifications.outbox import store as outbox
from notifications.planning.directory import Directory
from notifications.planning.loading import due_batches
from notifications.planning.planner import Planned, plan
from notifications.planning.policy import Policy
from tracker.core.directory_rows import load_directory
from tracker.core.enums import OutboxStatus
from tracker.core.models import OutboxMessage, Person, utcnow

logger = logging.getLogger("tracker.delivery")

PLAN_BATCH = 5000

# Adds one-time web links to a composed message, writing their tokens in the session it
# is given (tracker.services.web_links makes one; this layer cannot import services).
LinkMaker = Callable[[object, Message, datetime], Message]


@dataclass
class Delivery:
    """One delivery attempt, as logged."""

    message_id: int
    person_id: int
    channel: ChannelKind
    kind: str
    assignments: list[int]
    outcome: OutboxStatus  # SENT, PENDING (retry later), FAILED, CANCELLED
    reply: str
    seconds: float
    message: Message | None = None  # kept only when the caller asks (`keep_messages`)


@dataclass
class TickReport:
    occurrences: int = 0
    assignments_checked: int = 0
    planned: int = 0
    skipped: int = 0
    messages_recorded: int = 0
    deliveries: list[Delivery] = field(default_factory=list)
    drafts: list[Outgoing] = field(default_factory=list)  # dry run: what would be recorded
    plan_seconds: float = 0.0
    deliver_seconds: float = 0.0
    held_back: int = 0  # claimed, then given back untried: their channel is misconfigured
    # Channels that met a configuration error (a setting to fix, named in the log): not
    # used again in this pass; what they left pending waits for a person, not for time.
    misconfigured: set[ChannelKind] = field(default_factory=set)

    @property
    def sent(self) -> int:
        return sum(d.outcome == OutboxStatus.SENT for d in self.deliveries)

    @property
    def failed(self) -> int:
        return sum(d.outcome == OutboxStatus.FAILED for d in self.deliveries)

    @property
    def pending(self) -> int:
        """Messages this pass left pending: attempts that met a transient or configuration
        error, and messages given back untried once their channel proved misconfigured."""
        return sum(d.outcome == OutboxStatus.PENDING for d in self.deliveries) + self.held_back


async def tick(
    db,
    settings,
    channels: Mapping[ChannelKind, Channel],
    *,
    now: datetime,
    worker: str,
    dry_run: bool = False,
    stop: asyncio.Event | None = None,
    keep_messages: bool = False,
    links: LinkMaker | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> TickReport:
    """One planning and delivery pass as of `now` (aware UTC); `clock` is the real time
    the delivery step reads (see the module docstring).

    With `dry_run` nothing is written and nothing sent: `report.drafts` lists the
    messages the pass would record.
    """
    report = TickReport()
    if not dry_run:  # first thing: a restarted service resumes a dead one's claims at once
        await asyncio.to_thread(_take_over, db, settings, worker, clock())
    started = time.perf_counter()
    await asyncio.to_thread(plan_pass, db, settings, now=now, report=report, dry_run=dry_run)
    report.plan_seconds = time.perf_counter() - started
    if dry_run:
        return report
    started = time.perf_counter()
    await deliver(db, settings, channels, now=now, worker=worker, report=report, stop=stop,
                  keep_messages=keep_messages, links=links, clock=clock, take_over=False)
    report.deliver_seconds = time.perf_counter() - started
    return report


def plan_pass(db, settings, *, now: datetime, report: TickReport, dry_run: bool = False) -> None:
    """Steps 1 and 2 of a pass (synchronous; run it in a thread)."""
    if not dry_run:
        from notifications.planning.occurrences import create_occurrences

        report.occurrences = create_occurrences(db, settings, now=now)
    policy = Policy.from_settings(settings)
    directory = None
    would: list[Planned] = []
    with db.reading() as session:
        batches = due_batches(session, now=now, size=PLAN_BATCH)
        for batch in batches:
            if directory is None:
                directory = load_directory(session, into=Directory)
            report.assignments_checked += len(batch)
            result = plan(batch, directory, policy, now)
            report.planned += len(result.due)
            report.skipped += len(result.skipped)
            _log_fallbacks(result.due, dry_run)
            if dry_run:
                would.extend(result.due)
                continue
            with db.transaction() as writer:
                recorded = outbox.record(writer, result, now=now,
                                         seen={a.id: a for a in batch})
            report.messages_recorded += recorded.messages_created
    if dry_run:
        report.drafts = [outgoing_of_draft(d) for d in outbox.group(would)]


async def deliver(db, settings, channels: Mapping[ChannelKind, Channel], *, now: datetime,
                  worker: str, report: TickReport, stop: asyncio.Event | None = None,
                  keep_messages: bool = False, links: LinkMaker | None = None,
                  clock: Callable[[], datetime] = utcnow, take_over: bool = True) -> None:
    """Step 3 of a pass: take over the claims of dead workers (unless `take_over` is
    False: `tick` did it before planning), then claim and deliver what is pending and
    due at `now`, renewing this worker's lease meanwhile."""
    cfg = settings.outbox
    broken = report.misconfigured  # not used again in this pass
    began = clock()

    def send_time() -> datetime:
        return now + (clock() - began)

    if take_over:
        await asyncio.to_thread(_take_over, db, settings, worker, began)
    heartbeat = asyncio.create_task(_heartbeat(db, worker, clock, cfg.stale_claim_seconds / 4))
    try:
        while not _stopping(stop):
            usable = [kind for kind in channels if kind not in broken]
            if not usable:
                break
            ids = await asyncio.to_thread(_in_transaction, db, outbox.claim, worker=worker,
                                          now=now, limit=cfg.batch_size, channels=usable,
                                          claimed_at=clock())
            if not ids:
                break
            batch = await asyncio.to_thread(_compose_claimed, db, settings, ids, send_time(),
                                            links)
            for position, (message_id, row, message) in enumerate(batch):
                if _stopping(stop):
                    await asyncio.to_thread(_release_all, db, [m for m, _, _ in batch[position:]])
                    return
                if row.channel in broken:
                    await asyncio.to_thread(_release_all, db, [message_id])
                    report.held_back += 1
                    continue
                delivery = await _deliver_one(db, settings, channels, message_id, row, message,
                                              now=now, broken=broken, send_time=send_time)
                if keep_messages:
                    delivery.message = message
                report.deliveries.append(delivery)
    finally:
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
        for channel in channels.values():
            try:
                await channel.aclose()
            except Exception:  # closing must not hide the pass's outcome
                logger.exception("closing channel %s failed", getattr(channel, "kind", "?"))


def _log_fallbacks(due: list[Planned], dry_run: bool) -> None:
    """One line per escalation that goes to someone other than its step's audience."""
    told: dict[tuple[int, int, str], list[int]] = {}
    for p in due:
        if p.fallback:
            people = told.setdefault((p.assignment_id, p.step, p.fallback), [])
            if p.person_id not in people:
                people.append(p.person_id)
    for (assignment_id, step, why), people in told.items():
        logger.warning("escalation step %d of assignment %d %s to person %s: %s", step + 1,
                       assignment_id, "would go" if dry_run else "goes",
                       ", ".join(map(str, people)), why)


def _take_over(db, settings, worker: str, now: datetime) -> int:
    taken = _in_transaction(db, outbox.take_over, worker=worker, now=now,
                            lease_seconds=settings.outbox.stale_claim_seconds)
    if taken:
        logger.info("took over %d message(s) claimed by workers that are gone", taken)
    return taken


async def _heartbeat(db, worker: str, clock: Callable[[], datetime], every: float) -> None:
    """Renew `worker`'s lease every `every` seconds while the pass delivers: a claim not
    renewed within the lease is another worker's to take over."""
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(_in_transaction, db, outbox.renew, worker=worker,
                                    now=clock())
        except Exception:  # a busy database: the next beat tries again, well within the lease
            logger.warning("renewing the claims of %s failed", worker, exc_info=True)


def _stopping(stop: asyncio.Event | None) -> bool:
    return stop is not None and stop.is_set()


def _in_transaction(db, function, *args, **kwargs):
    with db.transaction() as session:
        return function(session, *args, **kwargs)


def _release_all(db, ids: list[int]) -> None:
    with db.transaction() as session:
        for message_id in ids:
            outbox.release(session, message_id)


# Summaries carry figures (their payload), not items: they are sent even with no items.
_SUMMARY_KINDS = frozenset({MessageKind.LEAD_SUMMARY, MessageKind.COORDINATOR_DIGEST})


def _compose_claimed(db, settings, ids: list[int], now: datetime,
                     links: LinkMaker | None = None):
    from sqlmodel import select

    with db.reading() as session:
        rows = {row.id: row for row in session.exec(
            select(OutboxMessage).where(OutboxMessage.id.in_(ids)))}
        outgoing = outgoing_of_rows(session, [rows[i] for i in ids])
        messages = compose(session, outgoing, now=now, default_zone=settings.timezone,
                           escalation_roles=[s.notify for s in settings.reminders.escalation])
    if links is not None:
        with db.transaction() as session:
            messages = [links(session, m, now) if m is not None else None for m in messages]
    return [(i, o, m) for i, o, m in zip(ids, outgoing, messages, strict=True)]


async def _deliver_one(db, settings, channels, message_id: int, row: Outgoing,
                       message: Message | None, *, now: datetime,
                       broken: set[ChannelKind],
                       send_time: Callable[[], datetime] | None = None) -> Delivery:
    assignments = [a for a, *_ in row.items]
    delivery = Delivery(message_id, row.person_id, row.channel, str(row.kind), assignments,
                        OutboxStatus.CANCELLED, "", 0.0)
    if message is None or (not message.items and row.kind not in _SUMMARY_KINDS):
        await asyncio.to_thread(_in_transaction, db, outbox.cancel_empty, message_id)
        delivery.reply = "nothing left to send"
        _log(delivery)
        return delivery
    channel = channels[row.channel]
    if send_time is not None:  # the Date header: this message's own moment, not its batch's
        message.context["sent_at"] = send_time().astimezone(settings.zone)
    started = time.perf_counter()
    try:
        delivery.reply = await channel.notify(message)
    except ChannelError as exc:
        delivery.seconds = time.perf_counter() - started
        delivery.reply = str(exc)
        if exc.config_error:
            broken.add(row.channel)
        failure = await asyncio.to_thread(_record_failure, db, settings, message_id, row, exc,
                                          now)
        delivery.outcome = failure.status
    except Exception as exc:  # a bug in a channel: retry later rather than lose the message
        delivery.seconds = time.perf_counter() - started
        delivery.reply = f"{type(exc).__name__}: {exc}"
        logger.exception("channel %s raised unexpectedly", row.channel)
        failure = await asyncio.to_thread(
            _record_failure, db, settings, message_id, row, ChannelError(delivery.reply), now)
        delivery.outcome = failure.status
    else:
        delivery.seconds = time.perf_counter() - started
        sent_at = send_time() if send_time is not None else now
        await asyncio.to_thread(_in_transaction, db, outbox.mark_sent, message_id, now=sent_at,
                                reply=delivery.reply or "")
        delivery.outcome = OutboxStatus.SENT
    _log(delivery)
    return delivery


def _record_failure(db, settings, message_id: int, row: Outgoing, exc: ChannelError,
                    now: datetime) -> failures.Failure:
    cfg = settings.outbox
    with db.transaction() as session:
        if exc.new_chat_id is not None and row.person_id is not None:
            session.execute(update(Person).where(Person.id == row.person_id)
                            .values(telegram_chat_id=exc.new_chat_id))
            return failures.mark_failed(session, message_id, error=str(exc), now=now,
                                      retry_after=0, count_attempt=False,
                                      max_attempts=cfg.max_attempts)
        if exc.disable_telegram and row.person_id is not None:
            session.execute(update(Person).where(Person.id == row.person_id)
                            .values(telegram_active=False))
            failures.fall_back_to_email(session, message_id, now=now)
        if exc.config_error:
            return failures.mark_failed(session, message_id, error=str(exc), now=now,
                                      count_attempt=False, max_attempts=cfg.max_attempts,
                                      backoff_seconds=cfg.backoff_seconds,
                                      backoff_max_seconds=cfg.backoff_max_seconds)
        return failures.mark_failed(
            session, message_id, error=str(exc), now=now, permanent=exc.permanent,
            retry_after=exc.retry_after, max_attempts=cfg.max_attempts,
            backoff_seconds=cfg.backoff_seconds, backoff_max_seconds=cfg.backoff_max_seconds,
            reply=exc.reply)


def _log(d: Delivery) -> None:
    shown = ",".join(str(a) for a in d.assignments[:10])
    more = f",+{len(d.assignments) - 10}" if len(d.assignments) > 10 else ""
    items = (f"{len(d.assignments)} item{'s' if len(d.assignments) != 1 else ''}"
             + (f": assignment {shown}{more}" if d.assignments else ""))
    verb = {OutboxStatus.SENT: "delivered", OutboxStatus.PENDING: "will retry",
            OutboxStatus.FAILED: "failed", OutboxStatus.CANCELLED: "cancelled"}[d.outcome]
    logger.info("%s message %d (%s, %s) to person %s via %s in %.2fs: %s", verb, d.message_id,
                d.kind, items, d.person_id, d.channel, d.seconds, _one_line(d.reply))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:300]
