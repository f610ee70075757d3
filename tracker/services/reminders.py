"""The reminder pass: the service that creates occurrences, plans, records and delivers.

A pass (`tick`) at `now`:

1. creates the occurrences of recurring tasks that fall within the horizon
   (`tracker.services.occurrences.create_occurrences`);
2. reads the open assignments whose next check has come, in batches, plans them
   (`notifications.planning.planner.plan`, pure) and records them, each batch read,
   planned and recorded in one writing transaction (`record_plan`: the outbox rows
   through `notifications.outbox.record`, the assignments' next checks here);
3. delivers (`notifications.delivery.tick.deliver`) with this module's outcome hooks
   (`OUTCOMES`): a sent message becomes one REMINDED or ESCALATED event per item, a
   Telegram chat that is gone or moved is recorded on the person
   (`tracker.services.people`).

`now` is the time the pass acts at; `clock` is the real time delivery reads (see
`notifications.delivery.tick`).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import String, bindparam, insert, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from notifications import outbox
from notifications.channels.base import Channel
from notifications.content.compose import outgoing_of_draft
from notifications.delivery import tick as delivery
from notifications.delivery.hooks import Outcomes
from notifications.delivery.tick import LinkMaker, TickReport
from notifications.message import ChannelKind, MessageKind, Rule
from notifications.planning.directory import AssignmentInfo, Directory
from notifications.planning.loading import due_batch, due_batches, resume_after
from notifications.planning.planner import Planned, PlanResult, plan
from notifications.planning.policy import Policy
from tracker.core import collector
from tracker.core.directory_rows import load_directory
from tracker.core.driver import Many, memoised
from tracker.core.enums import EventKind, Via
from tracker.core.i18n import _
from tracker.core.models import Assignment, Event, utcnow
from tracker.services import people
from tracker.services.occurrences import create_occurrences

logger = logging.getLogger("tracker.delivery")

PLAN_BATCH = 10_000  # assignments read, planned and recorded per writing transaction

__all__ = ["OUTCOMES", "PLAN_BATCH", "TickReport", "deliver", "mark_sent", "plan_pass",
           "record_plan", "record_sent", "tick"]


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
    the delivery step reads.

    With `dry_run` nothing is written and nothing sent: `report.drafts` lists the
    messages the pass would record.
    """
    report = TickReport()
    if not dry_run:  # first thing: a restarted service resumes a dead one's claims at once
        await asyncio.to_thread(delivery.take_over_claims, db, settings, worker, clock())
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


async def deliver(db, settings, channels: Mapping[ChannelKind, Channel], *, now: datetime,
                  worker: str, report: TickReport, **options) -> None:
    """`notifications.delivery.tick.deliver` with this service's outcome hooks."""
    options.setdefault("outcomes", OUTCOMES)
    await delivery.deliver(db, settings, channels, now=now, worker=worker, report=report,
                           **options)


def plan_pass(db, settings, *, now: datetime, report: TickReport, dry_run: bool = False) -> None:
    """Steps 1 and 2 of a pass (synchronous; run it in a thread).

    Each batch is read, planned and recorded in one writing transaction. On SQLite
    (`BEGIN IMMEDIATE`) nobody else writes from the read to the commit, so what was read
    is what is recorded against; elsewhere `record` checks that the batch's assignments
    did not change meanwhile (`seen`). A pass with nothing due takes no write lock.
    """
    if not dry_run:
        report.occurrences = create_occurrences(db, settings, now=now)
    policy = Policy.from_settings(settings)
    if dry_run:
        would: list[Planned] = []
        with db.reading() as session:
            directory = None
            for batch in due_batches(session, now=now, size=PLAN_BATCH):
                directory = directory or load_directory(session, into=Directory)
                result = _plan(batch, directory, policy, now, report, dry_run=True)
                would.extend(result.due)
        report.drafts = [outgoing_of_draft(d) for d in outbox.group(would)]
        return
    with db.reading() as session:
        if not due_batch(session, now=now, size=1):
            return
    directory = None
    after = None
    while True:
        with _collector_paused(), db.transaction() as writer:
            batch = due_batch(writer, now=now, size=PLAN_BATCH, after=after)
            if not batch:
                return
            directory = directory or load_directory(writer, into=Directory)
            result = _plan(batch, directory, policy, now, report, dry_run=False)
            locked = writer.connection().dialect.name == "sqlite"
            recorded = record_plan(writer, result, now=now,
                                   seen=None if locked else {a.id: a for a in batch})
            last = resume_after(batch) if len(batch) == PLAN_BATCH else None
            del batch, result  # freed by reference counting, before the collector resumes
        report.messages_recorded += recorded.messages_created
        if last is None:
            return
        after = last


# Python's collector paused while a batch is read, planned and recorded (counted, shared
# with the delivery loop's pauses: `tracker.core.collector`).
_collector_paused = collector.paused


def _plan(batch: list[AssignmentInfo], directory: Directory, policy: Policy, now: datetime,
          report: TickReport, *, dry_run: bool) -> PlanResult:
    report.assignments_checked += len(batch)
    result = plan(batch, directory, policy, now)
    report.planned += len(result.due)
    report.skipped += len(result.skipped)
    _log_fallbacks(result.due, dry_run)
    return result


def record_plan(session: Session, result: PlanResult, *, now: datetime,
                seen: Mapping[int, AssignmentInfo] | None = None) -> outbox.RecordReport:
    """Record a planning result (`notifications.outbox.record`) and store the next check
    of each assignment it decided (not of those that changed meanwhile)."""
    report = outbox.record(session, result, now=now, seen=seen)
    _set_next_checks(session, report.next_checks)
    return report


def _log_fallbacks(due: list[Planned], dry_run: bool) -> None:
    """One line per escalation that goes to someone other than its step's audience."""
    told: dict[tuple[int, int, str], list[int]] = {}
    for p in due:
        if p.fallback:
            people_told = told.setdefault((p.assignment_id, p.step, p.fallback), [])
            if p.person_id not in people_told:
                people_told.append(p.person_id)
    for (assignment_id, step, why), people_told in told.items():
        logger.warning(_("escalation step %d of assignment %d would go to person %s: %s")
                       if dry_run else
                       _("escalation step %d of assignment %d goes to person %s: %s"),
                       step + 1, assignment_id, ", ".join(map(str, people_told)), why)


_NEXT_CHECKS = Many(update(Assignment.__table__)
                    .where(Assignment.__table__.c.id == bindparam("b_id"))
                    .values(next_check_at=bindparam("b_next")), ("b_id", "b_next"))


def _set_next_checks(session: Session, next_check: Mapping[int, datetime | None]) -> None:
    """One executemany UPDATE; thousands of rows share a few dozen moments, each
    converted to its stored form once (`tracker.core.driver.Many`)."""
    _NEXT_CHECKS.execute(session.connection(), (list(next_check), list(next_check.values())))


def _event_statements():
    """The INSERT of reminder events, per dialect: on SQLite `at` is bound as the text
    the column stores (formatted once per message, not once per row by the type) and the
    rows go to the driver in one executemany (`tracker.core.driver.Many`)."""
    table = Event.__table__
    sqlite = insert(table).values(kind=bindparam("kind"), assignment_id=bindparam("assignment_id"),
                                  task_id=None, person_id=None, via=bindparam("via"),
                                  at=bindparam("at", type_=String()),
                                  details=bindparam("details"))
    return {"sqlite": Many(sqlite, ("kind", "assignment_id", "via", "at", "details")),
            "other": insert(table)}


_INSERT_EVENTS = _event_statements()
_dumps = functools.partial(json.dumps, ensure_ascii=False)
_REMINDED = str(EventKind.REMINDED)
_KIND_OF = {rule: str(EventKind.ESCALATED) if rule == Rule.ESCALATION else _REMINDED
            for rule in Rule}
_json_of = memoised(_dumps)  # channels, rules, steps (never None): few distinct values
_json_text = json.encoder.encode_basestring  # what `_dumps` gives of a str


def _json_id(value) -> str:
    """`_dumps(value)` of an id (int or None), without the encoder's machinery."""
    return repr(value) if type(value) is int else _dumps(value)


@functools.cache
def _rule_and_step(rule: str, step: int) -> str:
    """The details' middle, '"before", "step": 3', once per (rule, step)."""
    return f'{_json_of(rule)}, "step": {_json_of(step)}'


def record_sent(session: Session | Connection, sent: Sequence[outbox.Sent]) -> None:
    """One REMINDED or ESCALATED event per item of each delivered reminder (one
    executemany INSERT for all; notices about an item, failure and extension notices,
    record none). An escalation that went to someone other than its step's audience says
    whom and why (`fallback`, from the message's payload).

    `details` is the text `json.dumps` gives of {recipient_id, channel, rule, step,
    message_id, reply[, fallback]}, built from the message's parts encoded once per
    message rather than a dict encoded per item."""
    connection = session if isinstance(session, Connection) else session.connection()
    sqlite = connection.dialect.name == "sqlite"
    kinds, assignments, ats, details = [], [], [], []
    for message in sent:
        if message.kind in (MessageKind.FAILURE, MessageKind.EXTENSION):
            continue
        payload = message.payload
        fallbacks = (json.loads(payload).get("fallbacks", {})
                     if payload and '"fallbacks"' in payload else {})
        at = message.at
        if at.utcoffset() is None:
            raise ValueError("sent times must be aware datetimes")
        if sqlite:  # as SQLite stores it: UTC, '2021-08-13 06:00:00.000000'
            at = at.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        head = (f'{{"recipient_id": {_json_id(message.person_id)}, '
                f'"channel": {_json_of(message.channel)}, "rule": ')
        tail = (f', "message_id": {_json_id(message.message_id)}, '
                f'"reply": {_json_text(message.reply[:200])}')
        for _item, assignment_id, rule, step in message.items:  # item order
            text = head + _rule_and_step(rule, step) + tail
            if fallbacks and rule == Rule.ESCALATION and \
                    (why := fallbacks.get(f"{assignment_id}:{step}")):
                text += f', "fallback": {_dumps(why)}'  # whom it went to instead
            kinds.append(_KIND_OF.get(rule) or _REMINDED)
            assignments.append(assignment_id)
            ats.append(at)
            details.append(text + "}")
    if not kinds:
        return
    via = [str(Via.SCHEDULER)] * len(kinds)
    if sqlite:
        _INSERT_EVENTS["sqlite"].execute(connection, (kinds, assignments, via, ats, details))
        return
    connection.execute(_INSERT_EVENTS["other"], [
        {"kind": k, "assignment_id": a, "task_id": None, "person_id": None, "via": v,
         "at": t, "details": d}
        for k, a, v, t, d in zip(kinds, assignments, via, ats, details, strict=True)])


def mark_sent(session: Session, message_id: int, *, now: datetime, reply: str = "") -> bool:
    """`notifications.outbox.mark_sent` with the events recorded (`record_sent`)."""
    return outbox.mark_sent(session, message_id, now=now, reply=reply, on_sent=record_sent)


OUTCOMES = Outcomes(sent=record_sent, chat_gone=people.chat_gone, chat_moved=people.chat_moved)
