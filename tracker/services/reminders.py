"""The reminder pass: the service that creates occurrences, plans, records and delivers.

A pass (`tick`) at `now`:

1. creates the occurrences of recurring tasks that fall within the horizon
   (`tracker.services.occurrences.create_occurrences`);
2. reads the open assignments whose next check has come, in batches, plans them
   (`notifications.planning.planner.plan`, pure) and records each batch in one
   transaction (`record_plan`: the outbox rows through `notifications.outbox.record`,
   the assignments' next checks here);
3. delivers (`notifications.delivery.tick.deliver`) with this module's outcome hooks
   (`OUTCOMES`): a sent message becomes one REMINDED or ESCALATED event per item, a
   Telegram chat that is gone or moved is recorded on the person
   (`tracker.services.people`).

`now` is the time the pass acts at; `clock` is the real time delivery reads (see
`notifications.delivery.tick`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import String, bindparam, insert, update
from sqlmodel import Session

from notifications import outbox
from notifications.channels.base import Channel
from notifications.content.compose import outgoing_of_draft
from notifications.delivery import tick as delivery
from notifications.delivery.hooks import Outcomes
from notifications.delivery.tick import LinkMaker, TickReport
from notifications.message import ChannelKind, MessageKind, Rule
from notifications.planning.directory import AssignmentInfo, Directory
from notifications.planning.loading import due_batches
from notifications.planning.planner import Planned, PlanResult, plan
from notifications.planning.policy import Policy
from tracker.core.directory_rows import load_directory
from tracker.core.enums import EventKind, Via
from tracker.core.models import Assignment, Event, utcnow
from tracker.services import people
from tracker.services.occurrences import create_occurrences

logger = logging.getLogger("tracker.delivery")

PLAN_BATCH = 5000

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
    """Steps 1 and 2 of a pass (synchronous; run it in a thread)."""
    if not dry_run:
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
                recorded = record_plan(writer, result, now=now, seen={a.id: a for a in batch})
            report.messages_recorded += recorded.messages_created
    if dry_run:
        report.drafts = [outgoing_of_draft(d) for d in outbox.group(would)]


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
        logger.warning("escalation step %d of assignment %d %s to person %s: %s", step + 1,
                       assignment_id, "would go" if dry_run else "goes",
                       ", ".join(map(str, people_told)), why)


def _set_next_checks(session: Session, next_check: Mapping[int, datetime | None]) -> None:
    connection = session.connection()
    value, next_param = (lambda at: at), bindparam("b_next")
    if connection.dialect.name == "sqlite":
        # Thousands of rows share a few dozen moments: format each once, as the column
        # type would store it, instead of running its type decorator per row.
        value, next_param = _sqlite_datetime_text(), bindparam("b_next", type_=String())
    rows = [{"b_id": id_, "b_next": value(at)} for id_, at in next_check.items()]
    if not rows:
        return
    statement = (update(Assignment.__table__)
                 .where(Assignment.__table__.c.id == bindparam("b_id"))
                 .values(next_check_at=next_param))
    connection.execute(statement, rows)


def _sqlite_datetime_text():
    """A memoised formatter: an aware datetime as SQLAlchemy's SQLite `DateTime` stores it
    after `UTCDateTime` converts it to UTC ('2021-08-13 06:00:00.000000'); None stays."""
    cache: dict[datetime, str] = {}

    def text(at: datetime | None) -> str | None:
        if at is None:
            return None
        found = cache.get(at)
        if found is None:
            if at.utcoffset() is None:
                raise ValueError("next check times must be aware datetimes")
            u = at.astimezone(UTC)
            found = cache[at] = (f"{u.year:04d}-{u.month:02d}-{u.day:02d} {u.hour:02d}:"
                                 f"{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}")
        return found

    return text


def _event_statements():
    """The INSERT of reminder events, per dialect: on SQLite `at` is bound as the text
    the column stores (formatted once per message, not once per row by the type)."""
    table = Event.__table__
    sqlite = insert(table).values(kind=bindparam("kind"), assignment_id=bindparam("assignment_id"),
                                  task_id=None, person_id=None, via=bindparam("via"),
                                  at=bindparam("at", type_=String()),
                                  details=bindparam("details"))
    return {"sqlite": sqlite, "other": insert(table)}


_INSERT_EVENTS = _event_statements()


def record_sent(session: Session, sent: Sequence[outbox.Sent]) -> None:
    """One REMINDED or ESCALATED event per item of each delivered reminder (one
    executemany INSERT for all; notices about an item, failure and extension notices,
    record none). An escalation that went to someone other than its step's audience says
    whom and why (`fallback`, from the message's payload)."""
    sqlite = session.connection().dialect.name == "sqlite"
    events = []
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
        for _, assignment_id, rule, step in message.items:  # item order
            kind = EventKind.ESCALATED if rule == Rule.ESCALATION else EventKind.REMINDED
            details = {"recipient_id": message.person_id, "channel": message.channel,
                       "rule": rule, "step": step, "message_id": message.message_id,
                       "reply": message.reply[:200]}
            if rule == Rule.ESCALATION and (why := fallbacks.get(f"{assignment_id}:{step}")):
                details["fallback"] = why  # whom it went to instead of the step's audience
            events.append({
                "kind": str(kind), "assignment_id": assignment_id, "task_id": None,
                "person_id": None, "via": str(Via.SCHEDULER), "at": at,
                "details": json.dumps(details, ensure_ascii=False),
            })
    if events:
        session.connection().execute(_INSERT_EVENTS["sqlite" if sqlite else "other"], events)


def mark_sent(session: Session, message_id: int, *, now: datetime, reply: str = "") -> bool:
    """`notifications.outbox.mark_sent` with the events recorded (`record_sent`)."""
    return outbox.mark_sent(session, message_id, now=now, reply=reply, on_sent=record_sent)


OUTCOMES = Outcomes(sent=record_sent, chat_gone=people.chat_gone, chat_moved=people.chat_moved)
