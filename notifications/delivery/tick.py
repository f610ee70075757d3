"""The delivery loop: the one place that talks to both the database and the channels.

A pass (`tracker.services.reminders.tick`) at `now` creates the occurrences of recurring
tasks, plans and records the due assignments, then calls `deliver` here, which claims
pending messages in batches and hands each to its channel, over as many lanes as the
channel carries at once (`lanes`: the email channel's SMTP pool size, else one), marking
it sent or failed right after the channel answered and before its lane sends again (the
sent marks of lanes that finish together share one short transaction, `lanes.Marks`).
What delivery learns that is not the outbox's (a message sent, a chat gone or moved) it
reports to the caller's `hooks.Outcomes`, in the same transaction.

Database work runs in worker threads (`asyncio.to_thread`), except the sent marks on a
SQLite file, tried first on the event loop's thread when the write lock is free at once
on the pass's own connection (`marking.SentWriter`: such a transaction never waits, and
a thread hop per message would cost it as much CPU again); no transaction is ever
open while a channel talks to a server. Between two messages each lane checks `stop`,
so a shutdown finishes the messages in flight and gives the rest of the claim back.

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
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from notifications import outbox
from notifications.channels.base import Channel, ChannelError, ChatGone, ChatMoved
from notifications.content.compose import Outgoing, compose_claimed
from notifications.delivery import failures, lanes
from notifications.delivery.hooks import NOTHING, Outcomes
from notifications.delivery.marking import SentWriter
from notifications.message import ChannelKind, Message, MessageKind
from tracker.core import collector
from tracker.core.enums import OutboxStatus, translated
from tracker.core.i18n import _, ngettext
from tracker.core.models import utcnow

logger = logging.getLogger("tracker.delivery")

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


async def deliver(db, settings, channels: Mapping[ChannelKind, Channel], *, now: datetime,
                  worker: str, report: TickReport, stop: asyncio.Event | None = None,
                  keep_messages: bool = False, links: LinkMaker | None = None,
                  clock: Callable[[], datetime] = utcnow, take_over: bool = True,
                  outcomes: Outcomes | None = None) -> None:
    """Step 3 of a pass: take over the claims of dead workers (unless `take_over` is
    False: the pass did it before planning), then claim and deliver what is pending and
    due at `now`, renewing this worker's lease meanwhile. `outcomes` are told what
    happened beyond the outbox (`hooks.Outcomes`)."""
    cfg = settings.outbox
    broken = report.misconfigured  # not used again in this pass
    began = clock()

    def send_time() -> datetime:
        return now + (clock() - began)

    if take_over:
        await asyncio.to_thread(take_over_claims, db, settings, worker, began)
    heartbeat = asyncio.create_task(_heartbeat(db, worker, clock, cfg.stale_claim_seconds / 4))
    writer = SentWriter(db, (outcomes or NOTHING).sent)
    marks = lanes.Marks(writer.write, writer.at_once if writer.can_write_at_once else None)
    proven: set[ChannelKind] = set()  # channels that delivered in this pass: all lanes open
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
            with collector.paused() as pause:  # until the batch is done, or for a while
                batch = await asyncio.to_thread(_compose_claimed, db, settings, ids,
                                                send_time(), links)
                await _deliver_batch(db, settings, channels, batch, now=now, report=report,
                                     stop=stop, keep_messages=keep_messages,
                                     send_time=send_time, outcomes=outcomes, marks=marks,
                                     proven=proven, pause=pause)
                del batch  # freed by reference counting, before the collector resumes
    finally:
        writer.close()
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
        for channel in channels.values():
            try:
                await channel.aclose()
            except Exception:  # closing must not hide the pass's outcome
                logger.exception(_("closing channel %s failed"), getattr(channel, "kind", "?"))


async def _deliver_batch(db, settings, channels: Mapping[ChannelKind, Channel], batch, *,
                         now: datetime, report: TickReport, stop: asyncio.Event | None,
                         keep_messages: bool, send_time: Callable[[], datetime],
                         outcomes: Outcomes | None, marks: lanes.Marks,
                         proven: set[ChannelKind], pause: collector.Hold | None = None) -> None:
    """Deliver one claimed batch, each channel over its own lanes (`lanes.run_lanes`),
    each channel's messages in claim order. On `stop` the messages in flight finish and
    the rest are given back; so are those of a channel found misconfigured. `pause`, the
    collector's, ends once the batch has taken `PAUSE_SECONDS`."""
    broken = report.misconfigured
    work: dict[ChannelKind, deque[int]] = {}
    for position, (_first, row, _last) in enumerate(batch):
        work.setdefault(row.channel, deque()).append(position)
    done: dict[int, Delivery] = {}

    async def send(position: int) -> bool:
        if pause is not None and pause.held and time.monotonic() - pause.since > PAUSE_SECONDS:
            pause.release()  # a slow channel: the process's cycles are collected meanwhile
        message_id, row, message = batch[position]
        marks.in_flight += 1
        try:
            delivery = await _deliver_one(db, settings, channels, message_id, row, message,
                                          now=now, broken=broken, send_time=send_time,
                                          outcomes=outcomes, marks=marks)
        finally:
            marks.in_flight -= 1
        if keep_messages:
            delivery.message = message
        done[position] = delivery
        return delivery.outcome == OutboxStatus.SENT

    failed: list[BaseException] = []  # a lane raised: every lane stops after its message

    async def channel_pass(kind: ChannelKind, queue: deque[int]) -> None:
        try:
            if await lanes.run_lanes(
                    queue, lanes.concurrency(channels[kind]), send, proven=kind in proven,
                    go_on=lambda: not (_stopping(stop) or kind in broken or failed),
                    marks=marks):
                proven.add(kind)
        except BaseException as exc:
            failed.append(exc)
            raise

    try:  # the other channels' messages in flight finish before an error goes up
        await asyncio.gather(*(channel_pass(kind, queue) for kind, queue in work.items()),
                             return_exceptions=True)
    finally:
        report.deliveries.extend(done[p] for p in sorted(done))
    if failed:
        raise failed[0]
    give_back = []
    for kind, queue in work.items():  # untried: stopped, or the channel is misconfigured
        if kind in broken and not _stopping(stop):
            report.held_back += len(queue)
        give_back += [batch[p][0] for p in queue]
    if give_back:
        await asyncio.to_thread(_release_all, db, give_back)


# How long the cyclic collector may stay paused while a batch is delivered
# (`tracker.core.collector`): a batch to a fast channel takes well under a second.
PAUSE_SECONDS = 2.0


def take_over_claims(db, settings, worker: str, now: datetime) -> int:
    """Take over the claims of workers that are gone (in a transaction of its own)."""
    taken = _in_transaction(db, outbox.take_over, worker=worker, now=now,
                            lease_seconds=settings.outbox.stale_claim_seconds)
    if taken:
        logger.info(_("took over %d message(s) claimed by workers that are gone"), taken)
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
            logger.warning(_("renewing the claims of %s failed"), worker, exc_info=True)


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
    with db.reading() as session:
        composed = compose_claimed(
            session, ids, now=now, default_zone=settings.timezone,
            escalation_roles=[s.notify for s in settings.reminders.escalation])
    if links is not None:
        with db.transaction() as session:
            composed = [(o, links(session, m, now) if m is not None else None)
                        for o, m in composed]
    return [(i, o, m) for i, (o, m) in zip(ids, composed, strict=True)]


async def _deliver_one(db, settings, channels, message_id: int, row: Outgoing,
                       message: Message | None, *, now: datetime,
                       broken: set[ChannelKind],
                       send_time: Callable[[], datetime], outcomes: Outcomes | None,
                       marks: lanes.Marks) -> Delivery:
    assignments = [a for a, *_ in row.items]
    delivery = Delivery(message_id, row.person_id, row.channel, str(row.kind), assignments,
                        OutboxStatus.CANCELLED, "", 0.0)
    if message is None or (not message.items and row.kind not in _SUMMARY_KINDS):
        await asyncio.to_thread(_in_transaction, db, outbox.cancel_empty, message_id)
        delivery.reply = "nothing left to send"
        _log(delivery)
        return delivery
    channel = channels[row.channel]
    # The Date header: this message's own moment, not its batch's.
    message.context["sent_at"] = send_time().astimezone(settings.zone)
    started = time.perf_counter()
    try:
        delivery.reply = await channel.notify(message)
    except ChannelError as exc:
        delivery.seconds = time.perf_counter() - started
        delivery.reply = str(exc)
        if exc.configuration:
            broken.add(row.channel)
        failure = await asyncio.to_thread(_record_failure, db, settings, message_id, row, exc,
                                          now, outcomes or NOTHING)
        delivery.outcome = failure.status
    except Exception as exc:  # a bug in a channel: retry later rather than lose the message
        delivery.seconds = time.perf_counter() - started
        delivery.reply = f"{type(exc).__name__}: {exc}"
        logger.exception(_("channel %s raised unexpectedly"), row.channel)
        failure = await asyncio.to_thread(
            _record_failure, db, settings, message_id, row, ChannelError(delivery.reply), now,
            outcomes or NOTHING)
        delivery.outcome = failure.status
    else:
        delivery.seconds = time.perf_counter() - started
        # Committed before this lane sends again, with the marks of lanes done meanwhile.
        await marks.sent(message_id, send_time(), delivery.reply or "")
        delivery.outcome = OutboxStatus.SENT
    _log(delivery)
    return delivery


def _record_failure(db, settings, message_id: int, row: Outgoing, exc: ChannelError,
                    now: datetime, outcomes: Outcomes) -> failures.Failure:
    cfg = settings.outbox
    with db.transaction() as session:
        if isinstance(exc, ChatMoved) and row.person_id is not None:
            if outcomes.chat_moved is not None:
                outcomes.chat_moved(session, row.person_id, exc.new_chat_id)
            return failures.mark_failed(session, message_id, error=str(exc), now=now,
                                      retry_after=0, count_attempt=False,
                                      max_attempts=cfg.max_attempts)
        if isinstance(exc, ChatGone) and row.person_id is not None:
            if outcomes.chat_gone is not None:
                outcomes.chat_gone(session, row.person_id)
            failures.fall_back_to_email(session, message_id, now=now)
        if exc.configuration:
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
    if not logger.isEnabledFor(logging.INFO):
        return
    shown = ",".join(str(a) for a in d.assignments[:10])
    more = f",+{len(d.assignments) - 10}" if len(d.assignments) > 10 else ""
    items = (ngettext("%d item", "%d items", len(d.assignments)) % len(d.assignments)
             + ((_(": assignment %s") % f"{shown}{more}") if d.assignments else ""))
    logger.info(_("%s: message %d (%s, %s) to person %s via %s in %.2fs: %s"),
                translated(OutboxStatus(d.outcome)),
                d.message_id, d.kind, items, d.person_id, d.channel,
                d.seconds, _one_line(d.reply))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:300]
