"""Failed deliveries: backoff, permanent failures, telling the coordinator, falling back
to email, and the operator's retry.

A transient error (a 4xx reply, a dropped connection, Telegram's flood control) puts the
message back to pending after an exponential backoff, or the wait the server asked for.
A permanent error (a 5xx refusal, a blocked bot), or the last allowed attempt, fails the
message and its items and records a FAILURE notice to the recipient's coordinators,
once per failed message. All functions take the caller's session and `now`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from notifications.message import ChannelKind, MessageKind
from notifications.planning.directory import channels_of
from tracker.core.enums import OutboxStatus
from tracker.core.errors import Conflict, NotFound
from tracker.core.models import OutboxItem, OutboxMessage, Person
from tracker.core.orgtree import coordinators_up


@dataclass
class Failure:
    """What `mark_failed` decided."""

    status: OutboxStatus  # PENDING (retry later) or FAILED
    next_attempt_at: datetime | None = None
    coordinators_told: int = 0


def backoff(attempts: int, *, base: float, cap: float) -> float:
    """Seconds before the next attempt after `attempts` tries: base * 2**(attempts-1), capped."""
    return min(cap, base * 2 ** max(0, attempts - 1))


def mark_failed(
    session: Session,
    message_id: int,
    *,
    error: str,
    now: datetime,
    permanent: bool = False,
    retry_after: float | None = None,
    max_attempts: int = 8,
    backoff_seconds: float = 60,
    backoff_max_seconds: float = 3600,
    count_attempt: bool = True,
    reply: str | None = None,
) -> Failure:
    """Record a failed attempt.

    A transient error puts the message back to pending after an exponential backoff
    (or the server's `retry_after`), until `max_attempts` is used up. A permanent error,
    or the last attempt, fails the message and its items, and records a FAILURE message
    to the recipient's coordinators (once per failed message; never for a failure
    notice itself). `count_attempt=False` gives the attempt back (the channel was not
    even tried, e.g. it is misconfigured). `reply` is the server's own words, which the
    notice quotes (`error` is the channel's account of the failure, in English).
    """
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(f"outbox message {message_id} not found")
    attempts = message.attempts if count_attempt else max(0, message.attempts - 1)
    error = error[:1000]
    if not permanent and attempts < max_attempts:
        wait = retry_after if retry_after is not None else backoff(
            attempts, base=backoff_seconds, cap=backoff_max_seconds)
        at = now + timedelta(seconds=wait)
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id,
                   OutboxMessage.status.in_([OutboxStatus.SENDING, OutboxStatus.PENDING]))
            .values(status=OutboxStatus.PENDING, next_attempt_at=at, last_error=error,
                    attempts=attempts, claimed_by=None, claimed_at=None)
        )
        return Failure(OutboxStatus.PENDING, at)
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id,
               OutboxMessage.status.in_([OutboxStatus.SENDING, OutboxStatus.PENDING]))
        .values(status=OutboxStatus.FAILED, last_error=error, attempts=attempts,
                claimed_by=None, claimed_at=None)
    )
    if result.rowcount != 1:
        return Failure(OutboxStatus(message.status))
    session.execute(update(OutboxItem)
                    .where(OutboxItem.message_id == message_id,
                           OutboxItem.status == OutboxStatus.PENDING)
                    .values(status=OutboxStatus.FAILED))
    told = 0 if message.kind == MessageKind.FAILURE else _tell_coordinators(
        session, message, error=error, now=now, reply=reply)
    return Failure(OutboxStatus.FAILED, coordinators_told=told)


def _tell_coordinators(session: Session, message: OutboxMessage, *, error: str,
                       now: datetime, reply: str | None = None) -> int:
    from notifications.planning.loading import person_info

    person = session.get(Person, message.person_id) if message.person_id else None
    if person is None:
        return 0
    # a coordinator whose own message failed is told by the coordinators above
    coordinators = coordinators_up(session, person.organisation_id, exclude=person.id)
    items = session.execute(
        select(OutboxItem.assignment_id, OutboxItem.rule, OutboxItem.step, OutboxItem.due_date)
        .where(OutboxItem.message_id == message.id)
    ).all()
    address = person.email if message.channel == ChannelKind.EMAIL else (
        str(person.telegram_chat_id) if person.telegram_chat_id else None)
    payload = {
        "planned_at": now.isoformat(), "failed_message_id": message.id,
        "failed_person": person.name, "failed_address": address,
        "failed_channel": message.channel, "failed_kind": message.kind, "error": error,
    }
    if reply:
        payload["reply"] = reply[:500]
    told = 0
    for coordinator in coordinators:
        for channel in channels_of(person_info(coordinator)):
            key = f"f:m{message.id}:p{coordinator.id}:{channel}"
            if session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)):
                continue
            row = OutboxMessage(key=key, person_id=coordinator.id, channel=str(channel),
                                kind=MessageKind.FAILURE, payload=json.dumps(payload),
                                next_attempt_at=now, created_at=now)
            session.add(row)
            session.flush()
            session.add_all(
                OutboxItem(key=f"{key}:a{a}:{rule}:{step}", message_id=row.id, assignment_id=a,
                           rule=rule, step=step, due_date=due)
                for a, rule, step, due in items
            )
            told += 1
    return told


FALLBACK_SUFFIX = ":email-fallback"


def fall_back_to_email(session: Session, message_id: int, *, now: datetime) -> int | None:
    """Record a copy of a Telegram message on the email channel, due at `now`: the
    chat is gone (blocked, deleted) and the person should still hear about the items.

    The copy has the key `<key>:email-fallback`, the same kind and payload, and pending
    copies of the message's items (keys with the same suffix). Nothing is recorded, and
    None returned, when the message is not a Telegram one, the person is inactive or
    has no email, the copy exists already (so calling twice is harmless), or the person
    gets this message by email anyway (the email twin of its key exists: a person with
    both channels must not get the same email twice). Returns the new message's id.
    """
    message = session.get(OutboxMessage, message_id)
    if message is None or message.channel != ChannelKind.TELEGRAM or message.person_id is None:
        return None
    person = session.get(Person, message.person_id)
    if person is None or not person.active or not person.email:
        return None
    key = message.key + FALLBACK_SUFFIX
    # Keys end with, or contain, ":<channel>" (m:p5:telegram:..., digest:...:p5:telegram).
    twin = re.sub(r":telegram(?=:|$)", ":email", message.key, count=1)
    taken = session.scalar(select(OutboxMessage.id).where(OutboxMessage.key.in_([key, twin])))
    if taken is not None:
        return None
    row = OutboxMessage(key=key, person_id=message.person_id, channel=ChannelKind.EMAIL,
                        kind=message.kind, subject=message.subject, payload=message.payload,
                        next_attempt_at=now, created_at=now)
    session.add(row)
    session.flush()
    items = session.scalars(select(OutboxItem).where(OutboxItem.message_id == message_id)
                            .order_by(OutboxItem.id)).all()
    session.add_all(
        OutboxItem(key=item.key + FALLBACK_SUFFIX, message_id=row.id,
                   assignment_id=item.assignment_id, rule=item.rule, step=item.step,
                   due_date=item.due_date, status=OutboxStatus.PENDING)
        for item in items
    )
    session.flush()
    return row.id


def retry(session: Session, message_id: int, *, now: datetime) -> OutboxMessage:
    """Put a failed message (and its failed items) back to pending, due at once.

    :raises NotFound: unknown id. :raises Conflict: the message is not failed.
    """
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(f"outbox message {message_id} not found")
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.FAILED)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now)
    )
    if result.rowcount != 1:
        raise Conflict(f"outbox message {message_id} is {message.status}, not failed")
    session.execute(update(OutboxItem)
                    .where(OutboxItem.message_id == message_id,
                           OutboxItem.status == OutboxStatus.FAILED)
                    .values(status=OutboxStatus.PENDING))
    session.refresh(message)
    return message
