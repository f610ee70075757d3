"""Reading the outbox: claimed messages as delivery composes them, the pending items of
messages, which assignments are open.

On SQLite the reads a delivery makes per batch (`messages_of`, `pending_items_of`) go to
the driver with plain `?` marks (`tracker.core.driver.sqlite_rows_in`): no Core
expansion of an `IN` list per execution and no result processing per row (the due date
converted once per distinct stored value, by the column type's own processor).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlmodel import Session

from tracker.core.db import chunks
from tracker.core.driver import reader, sqlite_rows_in
from tracker.core.enums import AssignmentStatus, OutboxStatus
from tracker.core.models import Assignment, OutboxItem, OutboxMessage


class MessageRow(NamedTuple):
    """The columns of an outbox message that composing it reads."""

    id: int
    key: str
    kind: str
    person_id: int | None
    channel: str
    payload: str | None


_M, _I = OutboxMessage.__tablename__, OutboxItem.__tablename__
_SQLITE_MESSAGES = (f"SELECT id, key, kind, person_id, channel, payload FROM {_M} "
                    "WHERE id IN ({})")
_SQLITE_PENDING = (f"SELECT message_id, assignment_id, rule, step, due_date FROM {_I} "
                   "WHERE message_id IN ({}) AND status = ? "
                   "ORDER BY message_id, due_date, assignment_id, id")


def on_driver(connection) -> bool:
    """Whether this module reads through the driver (SQLite) rather than Core."""
    return connection.dialect.name == "sqlite"


def messages_of(session: Session, ids: Sequence[int]) -> list[MessageRow]:
    """The rows (id, key, kind, person_id, channel, payload) of the messages `ids`, in
    that order, what `notifications.content.compose.outgoing_of_rows` reads (no ORM
    objects for a batch delivery is about to send)."""
    connection = session.connection()
    ids = list(ids)
    if on_driver(connection):
        found = sqlite_rows_in(connection, _SQLITE_MESSAGES, ids)
    else:
        m = OutboxMessage.__table__.c
        found = [tuple(row) for chunk in chunks(ids) for row in connection.execute(
            select(m.id, m.key, m.kind, m.person_id, m.channel, m.payload)
            .where(m.id.in_(chunk)))]
    rows = {row[0]: row for row in found}
    make = MessageRow._make
    return [make(rows[i]) for i in ids]


def pending_items(session: Session, message_id: int) -> list[tuple[int, str, int, date | None]]:
    """(assignment id, rule, step, due date) of the message's pending items, in order."""
    return pending_items_of(session, [message_id]).get(message_id, [])


def pending_items_of(session: Session, message_ids: Iterable[int]
                     ) -> dict[int, list[tuple[int, str, int, date | None]]]:
    """`pending_items` of many messages at once (one query per chunk of ids); a message
    with no pending item is absent."""
    connection = session.connection()
    ids = list(message_ids)
    found: dict[int, list[tuple[int, str, int, date | None]]] = {}
    if on_driver(connection):
        day = reader(OutboxItem.__table__.c.due_date.type, connection.dialect)
        rows = sqlite_rows_in(connection, _SQLITE_PENDING, ids, (str(OutboxStatus.PENDING),))
        for message_id, assignment_id, rule, step, due in rows:
            item = (assignment_id, rule, step, day(due))
            items = found.get(message_id)
            if items is None:
                found[message_id] = [item]
            else:
                items.append(item)
        return found
    i = OutboxItem.__table__.c
    for chunk in chunks(ids):
        for message_id, assignment_id, rule, step, due in connection.execute(
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
