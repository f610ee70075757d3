"""Enqueueing notices: the one way a message gets into the outbox besides the planner's
batch (`planned.record`). Digests, extension notices, failure notices and the email
fallback are all a `Notice` under a key of `notifications.keys`; a notice whose
key is stored already is not stored again, so enqueueing twice records nothing new.

All functions take the caller's session (inside a writing transaction) and the time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from notifications import keys as keys_
from tracker.core.db import chunks
from tracker.core.enums import OutboxStatus
from tracker.core.models import OutboxItem, OutboxMessage


@dataclass(frozen=True)
class NoticeItem:
    """An assignment a notice is about; `key` defaults to the message key's extension
    (`keys.item`)."""

    assignment_id: int
    rule: str
    step: int
    due_date: date | None
    key: str | None = None


@dataclass
class Notice:
    """One message to one person on one channel, due at `due` (default: `now`)."""

    key: str
    person_id: int
    channel: str
    kind: str
    payload: dict | str | None = None
    items: Sequence[NoticeItem] = field(default_factory=tuple)
    subject: str | None = None
    due: datetime | None = None


def _payload_text(payload: dict | str | None) -> str | None:
    if payload is None or isinstance(payload, str):
        return payload
    return json.dumps(payload, ensure_ascii=False, default=_json_default)


def _json_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def existing(session: Session, wanted: Iterable[str]) -> set[str]:
    """Which of the message keys `wanted` are stored already."""
    found: set[str] = set()
    for chunk in chunks(list(wanted)):
        found.update(session.scalars(select(OutboxMessage.key)
                                     .where(OutboxMessage.key.in_(chunk))))
    return found


def enqueue(session: Session, notice: Notice, *, now: datetime) -> int | None:
    """Store `notice` as a pending message with its items; its id, or None when a
    message with its key is stored already."""
    ids = enqueue_many(session, [notice], now=now)
    return ids[0] if ids else None


def enqueue_many(session: Session, notices: Iterable[Notice], *, now: datetime) -> list[int]:
    """Store the notices whose keys are not stored yet (nor repeated earlier in
    `notices`); the new messages' ids, in order."""
    notices = list(notices)
    taken = existing(session, [n.key for n in notices])
    ids: list[int] = []
    for notice in notices:
        if notice.key in taken:
            continue
        taken.add(notice.key)
        row = OutboxMessage(key=notice.key, person_id=notice.person_id,
                            channel=str(notice.channel), kind=str(notice.kind),
                            subject=notice.subject, payload=_payload_text(notice.payload),
                            next_attempt_at=notice.due or now, created_at=now)
        session.add(row)
        session.flush()
        if notice.items:
            session.add_all(
                OutboxItem(key=item.key or keys_.item(notice.key, item.assignment_id,
                                                       str(item.rule), item.step),
                           message_id=row.id, assignment_id=item.assignment_id,
                           rule=str(item.rule), step=item.step, due_date=item.due_date,
                           status=OutboxStatus.PENDING)
                for item in notice.items)
            session.flush()
        ids.append(row.id)
    return ids


def fallback_copy(session: Session, message_id: int, *, channel: str) -> Notice | None:
    """A stored message as a new `Notice` on `channel` under its fallback key
    (`keys.fallback`): the same person, kind, subject and payload, and a copy of every
    item (keys: the original's, made fallback keys too). None for an unknown id."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        return None
    items = session.scalars(select(OutboxItem).where(OutboxItem.message_id == message_id)
                            .order_by(OutboxItem.id)).all()
    return Notice(key=keys_.fallback(message.key), person_id=message.person_id,
                  channel=channel, kind=message.kind, subject=message.subject,
                  payload=message.payload,
                  items=[NoticeItem(i.assignment_id, i.rule, i.step, i.due_date,
                                    key=keys_.fallback(i.key)) for i in items])
