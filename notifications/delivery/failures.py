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
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from notifications import keys, outbox
from notifications.message import ChannelKind, MessageKind
from notifications.planning.directory import channels_of
from tracker.core.enums import OutboxStatus, translated
from tracker.core.errors import Conflict, NotFound
from tracker.core.i18n import _
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
        raise NotFound(_("outbox message {id} not found").format(id=message_id))
    attempts = message.attempts if count_attempt else max(0, message.attempts - 1)
    error = error[:1000]
    if not permanent and attempts < max_attempts:
        wait = retry_after if retry_after is not None else backoff(
            attempts, base=backoff_seconds, cap=backoff_max_seconds)
        at = now + timedelta(seconds=wait)
        outbox.reschedule(session, message_id, at=at, error=error, attempts=attempts)
        return Failure(OutboxStatus.PENDING, at)
    if not outbox.fail(session, message_id, error=error, attempts=attempts):
        return Failure(OutboxStatus(message.status))
    told = 0 if message.kind == MessageKind.FAILURE else _tell_coordinators(
        session, message, error=error, now=now, reply=reply)
    return Failure(OutboxStatus.FAILED, coordinators_told=told)


def _tell_coordinators(session: Session, message: OutboxMessage, *, error: str,
                       now: datetime, reply: str | None = None) -> int:
    from tracker.core.directory_rows import person_info

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
    notices = [
        outbox.Notice(key=keys.failure(message.id, coordinator.id, str(channel)),
                      person_id=coordinator.id, channel=str(channel), kind=MessageKind.FAILURE,
                      payload=json.dumps(payload),
                      items=[outbox.NoticeItem(a, rule, step, due) for a, rule, step, due in items])
        for coordinator in coordinators for channel in channels_of(person_info(coordinator))
    ]
    return len(outbox.enqueue_many(session, notices, now=now))


FALLBACK_SUFFIX = keys.FALLBACK_SUFFIX


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
    if outbox.existing(session, [keys.fallback(message.key), keys.email_twin(message.key)]):
        return None
    return outbox.enqueue(session, outbox.fallback_copy(session, message_id,
                                                        channel=ChannelKind.EMAIL), now=now)


def retry(session: Session, message_id: int, *, now: datetime) -> OutboxMessage:
    """Put a failed message (and its failed items) back to pending, due at once.

    :raises NotFound: unknown id. :raises Conflict: the message is not failed.
    """
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(_("outbox message {id} not found").format(id=message_id))
    if not outbox.retry_failed(session, message_id, now=now):
        raise Conflict(_("outbox message {id} is {status}, not failed: only a failed message "
                         "is sent again").format(
            id=message_id, status=translated(OutboxStatus(message.status))))
    session.refresh(message)
    return message
