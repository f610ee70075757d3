"""Reading the outbox: claimed messages as delivery composes them, the pending items of
messages, which assignments are open."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import String, select, type_coerce
from sqlmodel import Session

from tracker.core.db import chunks
from tracker.core.enums import AssignmentStatus, OutboxStatus
from tracker.core.models import Assignment, OutboxItem, OutboxMessage


def messages_of(session: Session, ids: Sequence[int]) -> list:
    """The rows (id, key, kind, person_id, channel, payload) of the messages `ids`, in
    that order: Core rows, what `notifications.content.compose.outgoing_of_rows` reads
    (no ORM objects for a batch delivery is about to send)."""
    m = OutboxMessage.__table__.c
    rows = {}
    for chunk in chunks(list(ids)):
        rows.update((row.id, row) for row in session.connection().execute(
            select(m.id, m.key, m.kind, m.person_id, m.channel, m.payload)
            .where(m.id.in_(chunk))))
    return [rows[i] for i in ids]


def pending_items(session: Session, message_id: int) -> list[tuple[int, str, int, date | None]]:
    """(assignment id, rule, step, due date) of the message's pending items, in order."""
    return pending_items_of(session, [message_id]).get(message_id, [])


def pending_items_of(session: Session, message_ids: Iterable[int]
                     ) -> dict[int, list[tuple[int, str, int, date | None]]]:
    """`pending_items` of many messages at once (one query per chunk of ids); a message
    with no pending item is absent."""
    i = OutboxItem.__table__.c
    connection = session.connection()
    due_date, day = i.due_date, _same
    if connection.dialect.name == "sqlite":  # the stored text, parsed once per distinct day
        due_date, day = type_coerce(i.due_date, String()), _day_reader()
    found: dict[int, list[tuple[int, str, int, date | None]]] = {}
    for chunk in chunks(list(message_ids)):
        for message_id, assignment_id, rule, step, due in connection.execute(
            select(i.message_id, i.assignment_id, i.rule, i.step, due_date)
            .where(i.message_id.in_(chunk), i.status == OutboxStatus.PENDING)
            .order_by(i.message_id, i.due_date, i.assignment_id, i.id)
        ):
            found.setdefault(message_id, []).append((assignment_id, rule, step, day(due)))
    return found


def _same(value):
    return value


def _day_reader():
    days: dict[str | None, date | None] = {None: None}

    def day(text: str | None) -> date | None:
        found = days.get(text, _same)
        if found is _same:
            found = days[text] = date.fromisoformat(text)
        return found

    return day


def open_ids(session: Session, ids: Iterable[int]) -> set[int]:
    """Which of `ids` are open assignments."""
    found: set[int] = set()
    for chunk in chunks(list(ids)):
        found.update(session.scalars(select(Assignment.id).where(
            Assignment.id.in_(chunk), Assignment.status == AssignmentStatus.OPEN)))
    return found
