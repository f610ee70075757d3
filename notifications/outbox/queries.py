"""Reading the outbox: the pending items of messages, which assignments are open."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from tracker.core.db import chunks
from tracker.core.enums import AssignmentStatus, OutboxStatus
from tracker.core.models import Assignment, OutboxItem


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
