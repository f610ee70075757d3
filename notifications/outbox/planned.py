"""Recording the planner's batch: due items as pending messages, superseded ones as
skipped, one message per person, channel and send slot (a digest of that person's
items), so an officer with five deadlines gets one email at 09:00, not five.

`record` writes outbox rows only; the assignments' next checks it decides are in its
report (`next_checks`), for the service to store in the same transaction
(`tracker.services.reminders.record_plan`). A batch is thousands of rows: on SQLite they
are written by one driver executemany per table and read back by key lists with plain
`?` marks (`tracker.core.driver`), the values converted once each; on PostgreSQL by
Core's executemany and `IN` lists, to the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, insert, select, update
from sqlmodel import Session

from notifications import keys
from notifications.message import ChannelKind, MessageKind, Rule
from tracker.core.db import aware, chunks
from tracker.core.driver import Many, reader, sqlite_rows_in
from tracker.core.enums import OutboxStatus
from tracker.core.models import Assignment, OutboxItem, OutboxMessage

if TYPE_CHECKING:  # planning imports the outbox's keys: no import at run time
    from notifications.planning.directory import AssignmentInfo
    from notifications.planning.planner import Planned, PlanResult

_KIND_OF_RULE = {
    Rule.NOTICE: MessageKind.EXTENSION,
    Rule.BEFORE: MessageKind.REMINDER,
    Rule.OVERDUE: MessageKind.OVERDUE,
    Rule.ESCALATION: MessageKind.ESCALATION,
}


def message_kind(rules: Iterable[str]) -> MessageKind:
    """REMINDER, OVERDUE or ESCALATION when all items share one rule, else DIGEST.

    :raises ValueError: for a rule that is not a `Rule`.
    """
    kinds = set()
    for rule in rules:
        kind = _KIND_OF_RULE.get(rule)  # a Rule's text finds it too (StrEnum)
        kinds.add(kind if kind is not None else _KIND_OF_RULE[Rule(rule)])
    return kinds.pop() if len(kinds) == 1 else MessageKind.DIGEST


def message_key(person_id: int, channel: str, slot: datetime) -> str:
    """The key of the message for one person, channel and send slot."""
    return keys.slot(person_id, channel, slot)


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
    # Each assignment's next check, for the service to store (those that changed since
    # they were loaded are left out: the next pass plans them afresh).
    next_checks: dict[int, datetime | None] = field(default_factory=dict)


def record(
    session: Session,
    result: PlanResult,
    *,
    now: datetime,
    seen: Mapping[int, AssignmentInfo] | None = None,
) -> RecordReport:
    """Store a planning result: due items as pending messages, superseded ones as skipped;
    `report.next_checks` says when to check each assignment next.

    Items whose key exists already are ignored, so recording a result twice changes
    nothing. With `seen` (the assignments as the planner saw them), an assignment that
    changed since it was loaded (completed, extended, re-planned by another process) is
    left alone: its items are dropped and its next check kept, so the next pass plans
    it afresh. Call inside a writing transaction (`BEGIN IMMEDIATE` on SQLite makes the
    check-then-insert safe against a second process).
    """
    report = RecordReport()
    changed = _changed(session, seen) if seen is not None else set()
    due = [p for p in result.due if p.assignment_id not in changed] if changed else result.due
    skipped = ([p for p in result.skipped if p.assignment_id not in changed] if changed
               else result.skipped)
    report.items_ignored += len(result.due) + len(result.skipped) - len(due) - len(skipped)

    key_of = {id(p): p.key for p in (*due, *skipped)}  # each item's key, computed once
    existing = _existing_keys(session, list(key_of.values()))
    fresh_due = [p for p in due if key_of[id(p)] not in existing] if existing else due
    fresh_skipped = ([p for p in skipped if key_of[id(p)] not in existing] if existing
                     else skipped)
    report.items_ignored += len(due) + len(skipped) - len(fresh_due) - len(fresh_skipped)

    for drafts, status in ((group(fresh_due), OutboxStatus.PENDING),
                           (group(fresh_skipped), OutboxStatus.SKIPPED)):
        if drafts:
            _store(session, drafts, status, now=now, report=report, key_of=key_of)
    report.items_recorded = len(fresh_due)
    report.items_skipped = len(fresh_skipped)

    report.next_checks = ({id_: at for id_, at in result.next_check.items()
                           if id_ not in changed} if changed else dict(result.next_check))
    return report


# Reads by a list of keys: Core for any database, and the same query as plain SQL with
# `?` marks for SQLite (`sqlite_rows_in`), which skips Core's per-execution expansion of
# the IN list and its result processing (the values are converted once, by `reader`).
_a, _i, _m = Assignment.__table__.c, OutboxItem.__table__.c, OutboxMessage.__table__.c
_ASSIGNMENTS = (lambda ids: select(_a.id, _a.status, _a.due_date, _a.next_check_at)
                .where(_a.id.in_(ids)),
                "SELECT id, status, due_date, next_check_at FROM assignment WHERE id IN ({})")
_ITEM_KEYS = (lambda wanted: select(_i.key).where(_i.key.in_(wanted)),
              "SELECT key FROM outboxitem WHERE key IN ({})")
_MESSAGES = (lambda wanted: select(_m.id, _m.key, _m.status).where(_m.key.in_(wanted)),
             "SELECT id, key, status FROM outboxmessage WHERE key IN ({})")
_PENDING_RULES = (lambda ids: select(_i.message_id, _i.rule)
                  .where(_i.message_id.in_(ids), _i.status == OutboxStatus.PENDING),
                  "SELECT message_id, rule FROM outboxitem"
                  f" WHERE message_id IN ({{}}) AND status = '{OutboxStatus.PENDING.value}'")
_RULE_TEXT = {rule: str(rule) for rule in Rule}
_MESSAGE_COLUMNS = ("key", "person_id", "channel", "kind", "subject", "status", "payload",
                    "attempts", "next_attempt_at", "created_at")
_INSERT_MESSAGES = Many(insert(OutboxMessage.__table__), _MESSAGE_COLUMNS)
_INSERT_ITEMS = Many(insert(OutboxItem.__table__),
                     ("key", "message_id", "assignment_id", "rule", "step", "due_date", "status"))
_SET_KINDS = Many(update(OutboxMessage.__table__).where(_m.id == bindparam("b_id"))
                  .values(kind=bindparam("b_kind")), ("b_id", "b_kind"))


def _rows_in(session: Session, query, values: Sequence) -> list[tuple]:
    """The rows of `query` (a pair: Core select of a chunk, SQLite text) for `values`."""
    connection = session.connection()
    core, sql = query
    if connection.dialect.name == "sqlite":
        return sqlite_rows_in(connection, sql, values)
    return [tuple(row) for chunk in chunks(values) for row in connection.execute(core(chunk))]


def _changed(session: Session, seen: Mapping[int, AssignmentInfo]) -> set[int]:
    """Ids among `seen` whose status, due date or next check differ from what was seen."""
    ids = list(seen)
    dialect = session.connection().dialect
    day, moment = (reader(_a.due_date.type, dialect), reader(_a.next_check_at.type, dialect))
    if dialect.name != "sqlite":  # Core converted them already
        day, moment = (lambda value: value), aware
    changed: set[int] = set()
    found = set()
    for id_, status, due, next_check in _rows_in(session, _ASSIGNMENTS, ids):
        found.add(id_)
        info = seen[id_]
        if (status != info.status or day(due) != info.due_date
                or moment(next_check) != aware(info.last_checked)):
            changed.add(id_)
    changed.update(id_ for id_ in ids if id_ not in found)
    return changed


def _existing_keys(session: Session, wanted: list[str]) -> set[str]:
    return {key for (key,) in _rows_in(session, _ITEM_KEYS, wanted)}


def _store(session: Session, drafts: list[Draft], status: OutboxStatus, *, now: datetime,
           report: RecordReport, key_of: Mapping[int, str]) -> None:
    """Write `drafts` (items keyed by `key_of`, by `id()` of each `Planned`)."""
    skipped = status != OutboxStatus.PENDING
    keyed = {keys.slot(d.person_id, d.channel, d.slot, skipped=skipped): d for d in drafts}
    # A pending message for the same slot takes the new items (a task added at 08:59
    # joins the 09:00 digest); any other status means that one is gone, use a new key.
    targets: dict[str, int] = {}
    taken: set[str] = set()
    for id_, key, row_status in _rows_in(session, _MESSAGES, list(keyed)):
        if row_status == status == OutboxStatus.PENDING:
            targets[key] = id_
        else:
            taken.add(key)
    new_rows = []
    key_of_base: dict[str, str] = {}
    payloads: dict[tuple, str] = {}  # a payload with no fallbacks depends on the slot only
    for base, draft in keyed.items():
        if base in targets:
            continue
        key = _free_key(session, base) if base in taken else base
        key_of_base[base] = key
        new_rows.append((key, draft.person_id, str(draft.channel), str(draft.kind), None,
                         status, _payload_text(draft, payloads), 0,
                         draft.slot, now))  # _MESSAGE_COLUMNS
    if new_rows:
        by_key = _insert_messages(session, new_rows)
        for base, key in key_of_base.items():
            targets[base] = by_key[key]
        report.messages_created += len(new_rows)
    items = [p for draft in keyed.values() for p in draft.items]
    columns = ([key_of[id(p)] for p in items],
               [targets[base] for base, draft in keyed.items() for _ in draft.items],
               [p.assignment_id for p in items], [_RULE_TEXT[p.rule] for p in items],
               [p.step for p in items], [p.due_date for p in items], [status] * len(items))
    _INSERT_ITEMS.execute(session.connection(), columns)
    extended = [targets[b] for b in keyed if b not in key_of_base]
    report.messages_extended += len(extended)
    _refresh_kinds(session, extended)


def _insert_messages(session: Session, rows: list[tuple]) -> dict[str, int]:
    """Insert the messages (rows of `_MESSAGE_COLUMNS`); their ids by key. On SQLite one
    driver executemany and a read of the ids by key; elsewhere one INSERT ... RETURNING."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _INSERT_MESSAGES.execute(connection, list(zip(*rows, strict=True)))
        return {key: id_ for id_, key, _ in _rows_in(session, _MESSAGES, [r[0] for r in rows])}
    table = OutboxMessage.__table__
    inserted = connection.execute(  # Core, not the ORM's bulk insert: no per-row bookkeeping
        insert(table).returning(table.c.id, table.c.key, sort_by_parameter_order=True),
        [dict(zip(_MESSAGE_COLUMNS, row, strict=True)) for row in rows])
    return {key: id_ for id_, key in inserted}


def _payload_text(draft: Draft, plain: dict[tuple, str]) -> str:
    """`_payload` of `draft` as stored (JSON); `plain` keeps those with no fallbacks, by
    slot and its UTC offset (which its text shows)."""
    if any(p.fallback for p in draft.items):
        return json.dumps(_payload(draft), ensure_ascii=False)
    key = (draft.slot, draft.slot.utcoffset())
    text = plain.get(key)
    if text is None:
        text = plain[key] = json.dumps(_payload(draft), ensure_ascii=False)
    return text


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
    while keys.numbered(base, number) in used:
        number += 1
    return keys.numbered(base, number)


def _refresh_kinds(session: Session, message_ids: Sequence[int]) -> None:
    """Set each message's kind from the rules of its pending items (some were just added):
    one read per chunk of messages and one executemany UPDATE."""
    rules: dict[int, list[str]] = {}
    for message_id, rule in _rows_in(session, _PENDING_RULES, list(message_ids)):
        rules.setdefault(message_id, []).append(rule)
    _SET_KINDS.execute(session.connection(), (list(rules), [str(message_kind(found))
                                                            for found in rules.values()]))
