"""The outbox: every planned notice is written down before anything is sent.

Two tables carry it. An `OutboxItem` is one planned notice (assignment, rule, step,
due date, recipient, channel) under its idempotency key, so a notice planned twice is
stored once. An `OutboxMessage` is what actually goes out: one message per person,
channel and send slot, listing all of that person's items (a digest), so an officer
with five deadlines gets one email at 09:00, not five.

Life of a message::

    pending --claim--> sending --mark_sent--> sent
       ^                  |  \\--mark_failed (transient)--> pending (later)
       |                  |   \\-mark_failed (permanent / attempts used up)--> failed
       +--taken over------+                                  (coordinator told)
    pending --all items cancelled--> cancelled      (skipped: superseded in catch-up)

Failed attempts (backoff, permanent failures, telling the coordinators, the email
fallback, the operator's retry) are in `notifications.delivery.failures`.

Claiming is an `UPDATE ... WHERE status = 'pending'` inside a writing transaction
(`BEGIN IMMEDIATE` on SQLite, `FOR UPDATE SKIP LOCKED` on PostgreSQL), so two service
processes never take the same message. A process that dies while sending leaves
`sending` rows. Every pass first takes such claims over (`take_over`): at once when the
holder was a process on this host that is gone (`tracker.core.workers.is_dead_local`), and
otherwise once its lease has run out: a live worker renews `claimed_at` (`renew`, the
heartbeat) while it delivers, so a claim whose `claimed_at` is older than the lease
belongs to a process that died or lost the database. Claim and lease times are real
time, also when a pass acts as if at another time. A taken-over message is sent again:
that is the one duplicate the design allows, a crash after the server accepted a message
and before it was marked sent, at most one message per crash (a worker sends one
message at a time).

All functions take the caller's session and the times they use; none reads the clock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select, update
from sqlmodel import Session

from notifications.message import ChannelKind, MessageKind, Rule
from notifications.planning.directory import AssignmentInfo
from notifications.planning.planner import Planned, PlanResult
from tracker.core.db import aware, chunks, moment_reader
from tracker.core.enums import AssignmentStatus, EventKind, OutboxStatus, Via
from tracker.core.models import Assignment, Event, OutboxItem, OutboxMessage

_KIND_OF_RULE = {
    Rule.NOTICE: MessageKind.EXTENSION,
    Rule.BEFORE: MessageKind.REMINDER,
    Rule.OVERDUE: MessageKind.OVERDUE,
    Rule.ESCALATION: MessageKind.ESCALATION,
}


def message_kind(rules: Iterable[str]) -> MessageKind:
    """REMINDER, OVERDUE or ESCALATION when all items share one rule, else DIGEST."""
    kinds = {_KIND_OF_RULE[Rule(rule)] for rule in rules}
    return kinds.pop() if len(kinds) == 1 else MessageKind.DIGEST


def message_key(person_id: int, channel: str, slot: datetime) -> str:
    """The key of the message for one person, channel and send slot."""
    return f"m:p{person_id}:{channel}:{slot.astimezone(UTC):%Y-%m-%dT%H:%MZ}"


@dataclass
class Draft:
    """A message before it is stored: one person, one channel, the items at one slot."""

    person_id: int
    channel: ChannelKind
    slot: datetime  # the latest send slot among the items, aware UTC
    items: list[Planned] = field(default_factory=list)

    @property
    def kind(self) -> MessageKind:
        return message_kind(p.rule for p in self.items)

    @property
    def key(self) -> str:
        return message_key(self.person_id, self.channel, self.slot)


def group(planned: Iterable[Planned]) -> list[Draft]:
    """One draft per (person, channel), ordered by person id then channel.

    A pass normally finds every item of a person at one slot (the send time). After
    downtime the survivors of catch-up may come from several slots; they still go out
    as one message, keyed by the latest slot, rather than as a burst.
    """
    drafts: dict[tuple[int, str], Draft] = {}
    for p in planned:
        draft = drafts.get((p.person_id, p.channel))
        if draft is None:
            draft = drafts[(p.person_id, p.channel)] = Draft(p.person_id, p.channel, p.send_at)
        draft.items.append(p)
        draft.slot = max(draft.slot, p.send_at)
    for draft in drafts.values():
        draft.items.sort(key=lambda p: (p.due_date, p.assignment_id, p.rule, p.step))
    return [drafts[k] for k in sorted(drafts)]


@dataclass
class RecordReport:
    messages_created: int = 0
    messages_extended: int = 0  # items added to a message still pending for the slot
    items_recorded: int = 0
    items_skipped: int = 0
    items_ignored: int = 0  # recorded before (same key), or the assignment changed meanwhile


def record(
    session: Session,
    result: PlanResult,
    *,
    now: datetime,
    seen: Mapping[int, AssignmentInfo] | None = None,
) -> RecordReport:
    """Store a planning result: due items as pending messages, superseded ones as skipped,
    and each assignment's next check.

    Items whose key exists already are ignored, so recording a result twice changes
    nothing. With `seen` (the assignments as the planner saw them), an assignment that
    changed since it was loaded (completed, extended, re-planned by another process) is
    left alone: its items are dropped and its next check kept, so the next pass plans
    it afresh. Call inside a writing transaction (`BEGIN IMMEDIATE` on SQLite makes the
    check-then-insert safe against a second process).
    """
    report = RecordReport()
    changed = _changed(session, seen) if seen is not None else set()
    due = [p for p in result.due if p.assignment_id not in changed]
    skipped = [p for p in result.skipped if p.assignment_id not in changed]
    report.items_ignored += len(result.due) + len(result.skipped) - len(due) - len(skipped)

    existing = _existing_keys(session, [p.key for p in due + skipped])
    fresh_due = [p for p in due if p.key not in existing]
    fresh_skipped = [p for p in skipped if p.key not in existing]
    report.items_ignored += len(due) + len(skipped) - len(fresh_due) - len(fresh_skipped)

    for drafts, status in ((group(fresh_due), OutboxStatus.PENDING),
                           (group(fresh_skipped), OutboxStatus.SKIPPED)):
        if drafts:
            _store(session, drafts, status, now=now, report=report)
    report.items_recorded = len(fresh_due)
    report.items_skipped = len(fresh_skipped)

    _set_next_checks(session, result.next_check, seen, changed)
    return report


def _changed(session: Session, seen: Mapping[int, AssignmentInfo]) -> set[int]:
    """Ids among `seen` whose status, due date or next check differ from what was seen."""
    changed: set[int] = set()
    ids = list(seen)
    wrap, read = moment_reader(session)
    a = Assignment.__table__.c
    for chunk in chunks(ids):
        rows = session.execute(
            select(a.id, a.status, a.due_date, wrap(a.next_check_at)).where(a.id.in_(chunk))
        )
        found = set()
        for id_, status, due, next_check in rows:
            found.add(id_)
            info = seen[id_]
            if (status != info.status or due != info.due_date
                    or read(next_check) != aware(info.last_checked)):
                changed.add(id_)
        changed.update(set(chunk) - found)
    return changed


def _existing_keys(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunks(keys):
        found.update(session.scalars(select(OutboxItem.key).where(OutboxItem.key.in_(chunk))))
    return found


def _store(session: Session, drafts: list[Draft], status: OutboxStatus, *, now: datetime,
           report: RecordReport) -> None:
    prefix = "m:" if status == OutboxStatus.PENDING else "s:"
    keyed = {prefix + d.key[2:]: d for d in drafts}
    # A pending message for the same slot takes the new items (a task added at 08:59
    # joins the 09:00 digest); any other status means that one is gone, use a new key.
    targets: dict[str, int] = {}
    taken: set[str] = set()
    for chunk in chunks(list(keyed)):
        for id_, key, row_status in session.execute(
            select(OutboxMessage.id, OutboxMessage.key, OutboxMessage.status)
            .where(OutboxMessage.key.in_(chunk))
        ):
            if row_status == status == OutboxStatus.PENDING:
                targets[key] = id_
            else:
                taken.add(key)
    new_rows = []
    key_of: dict[str, str] = {}
    for base, draft in keyed.items():
        if base in targets:
            continue
        key = _free_key(session, base) if base in taken else base
        key_of[base] = key
        new_rows.append({
            "key": key, "person_id": draft.person_id, "channel": str(draft.channel),
            "kind": str(draft.kind), "status": status,
            "payload": json.dumps(_payload(draft), ensure_ascii=False),
            "attempts": 0, "next_attempt_at": draft.slot, "created_at": now,
        })
    if new_rows:
        # Core, not the ORM's bulk insert: no per-row persistence bookkeeping.
        table = OutboxMessage.__table__
        inserted = session.connection().execute(
            insert(table).returning(table.c.id, table.c.key, sort_by_parameter_order=True),
            new_rows,
        )
        by_key = {key: id_ for id_, key in inserted}
        for base, key in key_of.items():
            targets[base] = by_key[key]
        report.messages_created += len(new_rows)
    items = []
    for base, draft in keyed.items():
        for p in draft.items:
            items.append({
                "key": p.key, "message_id": targets[base], "assignment_id": p.assignment_id,
                "rule": str(p.rule), "step": p.step, "due_date": p.due_date, "status": status,
            })
    session.connection().execute(insert(OutboxItem.__table__), items)
    extended = [targets[b] for b in keyed if b not in key_of]
    report.messages_extended += len(extended)
    _refresh_kinds(session, extended)


def _payload(draft: Draft) -> dict:
    """A new message's payload: its slot, and why escalations went to someone other than
    their step's audience ("fallbacks", by "assignment:step"; the events repeat it)."""
    payload: dict = {"planned_at": draft.slot.isoformat()}
    fallbacks = {f"{p.assignment_id}:{p.step}": p.fallback for p in draft.items if p.fallback}
    if fallbacks:
        payload["fallbacks"] = fallbacks
    return payload


def _free_key(session: Session, base: str) -> str:
    used = set(session.scalars(
        select(OutboxMessage.key).where(OutboxMessage.key.like(base.replace("%", r"\%") + ":%",
                                                                 escape="\\"))
    ))
    number = 2
    while f"{base}:{number}" in used:
        number += 1
    return f"{base}:{number}"


def _refresh_kinds(session: Session, message_ids: Sequence[int]) -> None:
    """Set each message's kind from the rules of its pending items (some were just added):
    one read per chunk of messages and one executemany UPDATE."""
    from sqlalchemy import bindparam

    i, m = OutboxItem.__table__.c, OutboxMessage.__table__.c
    rules: dict[int, list[str]] = {}
    for chunk in chunks(list(message_ids)):
        for message_id, rule in session.execute(
            select(i.message_id, i.rule)
            .where(i.message_id.in_(chunk), i.status == OutboxStatus.PENDING)
        ):
            rules.setdefault(message_id, []).append(rule)
    rows = [{"b_id": id_, "b_kind": str(message_kind(found))} for id_, found in rules.items()]
    if rows:
        session.connection().execute(
            update(OutboxMessage.__table__).where(m.id == bindparam("b_id"))
            .values(kind=bindparam("b_kind")), rows)


def _set_next_checks(session: Session, next_check: Mapping[int, datetime | None],
                     seen: Mapping[int, AssignmentInfo] | None, changed: set[int]) -> None:
    from sqlalchemy import String, bindparam

    connection = session.connection()
    value, next_param = (lambda at: at), bindparam("b_next")
    if connection.dialect.name == "sqlite":
        # Thousands of rows share a few dozen moments: format each once, as the column
        # type would store it, instead of running its type decorator per row.
        value, next_param = _sqlite_datetime_text(), bindparam("b_next", type_=String())
    rows = [{"b_id": id_, "b_next": value(at)} for id_, at in next_check.items()
            if id_ not in changed]
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


# --- claiming and outcomes ---------------------------------------------------------


def release_stale(session: Session, *, now: datetime, stale_seconds: float) -> int:
    """Return `sending` claims whose lease (`claimed_at`, renewed while the holder
    delivers) is older than `stale_seconds` to pending: the holder died or hung. The
    lease step of `take_over`. Returns how many were released.
    """
    cutoff = now - timedelta(seconds=stale_seconds)
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < cutoff)
        .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None)
    )
    return result.rowcount


def take_over(session: Session, *, worker: str, now: datetime, lease_seconds: float,
              dead=None) -> int:
    """Return to pending the `sending` claims whose holder is gone: those of processes on
    this host that no longer run (`dead(name)`, by default `tracker.core.workers.is_dead_local`),
    at once, and any claim (of another host, or of a hung process) not renewed for
    `lease_seconds` before `now` (real time). Never `worker`'s own claims while it lives.

    Each release is an `UPDATE ... WHERE status = 'sending' AND claimed_by = ...`, so of
    two workers taking over the same claims only one moves each row. Returns how many
    claims were taken over.
    """
    if dead is None:
        from tracker.core.workers import is_dead_local as dead
    holders = set(session.scalars(
        select(OutboxMessage.claimed_by).distinct()
        .where(OutboxMessage.status == OutboxStatus.SENDING,
               OutboxMessage.claimed_by.is_not(None))))
    gone = sorted(h for h in holders if h != worker and dead(h))
    released = 0
    free = {"status": OutboxStatus.PENDING, "claimed_by": None, "claimed_at": None}
    for chunk in chunks(gone):
        released += session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.SENDING,
                   OutboxMessage.claimed_by.in_(chunk))
            .values(**free)).rowcount
    released += release_stale(session, now=now, stale_seconds=lease_seconds)
    return released


def renew(session: Session, *, worker: str, now: datetime) -> int:
    """The heartbeat: `worker`'s claims are held as of `now` (real time); how many."""
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_by == worker)
        .values(claimed_at=now)).rowcount


def claim(session: Session, *, worker: str, now: datetime, limit: int,
          channels: Iterable[str] | None = None, exclude: Iterable[int] = (),
          claimed_at: datetime | None = None) -> list[int]:
    """Take up to `limit` pending messages due at `now` for `worker`; their ids, oldest first.

    Only rows still pending at the `UPDATE` are taken, and the `RETURNING` list says
    which: under `BEGIN IMMEDIATE` (SQLite) or `SKIP LOCKED` (PostgreSQL) no two
    workers ever get the same id. `channels` limits the claim to those channels.
    `claimed_at` (default `now`) is the real time the lease starts: `now` may be a
    simulated time (`tracker remind --at`), a lease never is.
    """
    query = (select(OutboxMessage.id)
             .where(OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
             .limit(limit))
    if channels is not None:
        query = query.where(OutboxMessage.channel.in_([str(c) for c in channels]))
    exclude = list(exclude)
    if exclude:
        query = query.where(OutboxMessage.id.not_in(exclude))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if not ids:
        return []
    won = session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_by=worker,
                claimed_at=now if claimed_at is None else claimed_at,
                attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
    ).all()
    return sorted(won, key=ids.index)


def _sent_statements():
    """mark_sent's statements, built once (a delivery pass runs them per message)."""
    from sqlalchemy import bindparam

    m, i = OutboxMessage.__table__.c, OutboxItem.__table__.c
    message = (update(OutboxMessage.__table__)
               .where(m.id == bindparam("b_message"),
                      m.status.in_([OutboxStatus.SENDING, OutboxStatus.PENDING]))
               .values(status=OutboxStatus.SENT, sent_at=bindparam("b_now"), last_error=None)
               .returning(m.kind, m.person_id, m.channel, m.payload))
    items = (update(OutboxItem.__table__)
             .where(i.message_id == bindparam("b_message"), i.status == OutboxStatus.PENDING)
             .values(status=OutboxStatus.SENT)
             .returning(i.id, i.assignment_id, i.rule, i.step))
    return message, items, insert(Event.__table__)


_SENT_MESSAGE, _SENT_ITEMS, _INSERT_EVENTS = _sent_statements()


def mark_sent(session: Session, message_id: int, *, now: datetime, reply: str = "") -> bool:
    """Record a delivery: the message and its pending items are sent, one REMINDED or
    ESCALATED event per item. False if the message was no longer ours to mark (cancelled
    or already sent by another worker after a stale claim).

    Three statements, built once: the message's UPDATE ... RETURNING, the items'
    UPDATE ... RETURNING, and one executemany INSERT of the events (Core, no ORM
    bookkeeping: this runs once per delivered message).
    """
    connection = session.connection()
    marked = connection.execute(_SENT_MESSAGE, {"b_message": message_id, "b_now": now}).first()
    if marked is None:
        return False
    kind, person_id, channel, payload = marked
    items = connection.execute(_SENT_ITEMS, {"b_message": message_id}).all()
    if kind in (MessageKind.FAILURE, MessageKind.EXTENSION):
        return True  # notices about an item, not reminders of it
    fallbacks = (json.loads(payload).get("fallbacks", {})
                 if payload and '"fallbacks"' in payload else {})
    events = []
    for _, assignment_id, rule, step in sorted(items):  # item order, as before
        event_kind = EventKind.ESCALATED if rule == Rule.ESCALATION else EventKind.REMINDED
        details = {"recipient_id": person_id, "channel": channel, "rule": rule, "step": step,
                   "message_id": message_id, "reply": reply[:200]}
        if rule == Rule.ESCALATION and (why := fallbacks.get(f"{assignment_id}:{step}")):
            details["fallback"] = why  # whom it went to instead of the step's audience, why
        events.append({
            "kind": event_kind, "assignment_id": assignment_id, "task_id": None,
            "person_id": None, "via": Via.SCHEDULER, "at": now,
            "details": json.dumps(details, ensure_ascii=False),
        })
    if events:
        connection.execute(_INSERT_EVENTS, events)
    return True


def release(session: Session, message_id: int) -> None:
    """Give a claimed message back untouched (the service stopped before sending it)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None,
                attempts=OutboxMessage.attempts - 1)
    )


def cancel_empty(session: Session, message_id: int) -> None:
    """Cancel a claimed message none of whose items is pending any more."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id,
               OutboxMessage.status.in_([OutboxStatus.SENDING, OutboxStatus.PENDING]))
        .values(status=OutboxStatus.CANCELLED, claimed_by=None, claimed_at=None)
    )


def pending_items(session: Session, message_id: int) -> list[tuple[int, str, int, date | None]]:
    """(assignment id, rule, step, due date) of the message's pending items, in order."""
    return pending_items_of(session, [message_id]).get(message_id, [])


def pending_items_of(session: Session, message_ids: Iterable[int]
                     ) -> dict[int, list[tuple[int, str, int, date | None]]]:
    """`pending_items` of many messages at once (one query per chunk of ids); a message
    with no pending item is absent."""
    i = OutboxItem.__table__.c
    found: dict[int, list[tuple[int, str, int, date | None]]] = {}
    for chunk in chunks(list(message_ids)):
        for message_id, assignment_id, rule, step, due in session.execute(
            select(i.message_id, i.assignment_id, i.rule, i.step, i.due_date)
            .where(i.message_id.in_(chunk), i.status == OutboxStatus.PENDING)
            .order_by(i.message_id, i.due_date, i.assignment_id, i.id)
        ):
            found.setdefault(message_id, []).append((assignment_id, rule, step, due))
    return found


def open_ids(session: Session, ids: Iterable[int]) -> set[int]:
    """Which of `ids` are open assignments."""
    found: set[int] = set()
    for chunk in chunks(list(ids)):
        found.update(session.scalars(select(Assignment.id).where(
            Assignment.id.in_(chunk), Assignment.status == AssignmentStatus.OPEN)))
    return found
