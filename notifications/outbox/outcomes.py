"""What happened to a claimed message: sent, given back, failed, cancelled; and
cancelling what is pending for an assignment.

Life of a message::

    pending --claim--> sending --mark_sent--> sent
       ^                  |  \\--reschedule (transient)--> pending (later)
       |                  |   \\-fail (permanent / attempts used up)--> failed
       +--taken over------+                                  (coordinator told)
    pending --all items cancelled--> cancelled      (skipped: superseded in catch-up)

The policy of failed attempts (backoff, telling the coordinators, the email fallback)
is `notifications.delivery.failures`; these functions only write the rows. None reads
the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from tracker.core.db import chunks
from tracker.core.driver import Returning, sqlite_rows_in
from tracker.core.enums import OutboxStatus
from tracker.core.models import OutboxItem, OutboxMessage

_LIVE = (OutboxStatus.SENDING, OutboxStatus.PENDING)


@dataclass(frozen=True)
class Sent:
    """A message `mark_sent` (or `mark_sent_many`) recorded, for the caller's hook
    (which records events)."""

    message_id: int
    kind: str
    person_id: int | None
    channel: str
    payload: str | None
    items: list[tuple[int, int, str, int]]  # (item id, assignment id, rule, step)
    at: datetime
    reply: str


def _sent_statements():
    """The statements marking messages sent, built once (a delivery pass runs them for
    every message it delivers): the message's UPDATE ... RETURNING, run through the
    driver on SQLite (`Returning`: no IN list, so it compiles once), and the items' one
    per chunk of messages (on SQLite as text with plain `?` marks, `sqlite_rows_in`)."""
    m, i = OutboxMessage.__table__.c, OutboxItem.__table__.c
    message = (update(OutboxMessage.__table__)
               .where(m.id == bindparam("b_message"),
                      or_(*(m.status == status for status in _LIVE)))
               .values(status=OutboxStatus.SENT, sent_at=bindparam("b_now"), last_error=None)
               .returning(m.kind, m.person_id, m.channel, m.payload))
    items = (update(OutboxItem.__table__)
             .where(i.message_id.in_(bindparam("b_messages", expanding=True)),
                    i.status == OutboxStatus.PENDING)
             .values(status=OutboxStatus.SENT)
             .returning(i.message_id, i.id, i.assignment_id, i.rule, i.step))
    sqlite_items = (f"UPDATE {OutboxItem.__tablename__} SET status = '{OutboxStatus.SENT}' "
                    "WHERE message_id IN ({}) AND status = ? "
                    "RETURNING message_id, id, assignment_id, rule, step")
    return Returning(message, ("b_message", "b_now")), items, sqlite_items


_SENT_MESSAGE, _SENT_ITEMS, _SQLITE_SENT_ITEMS = _sent_statements()
_PENDING = (str(OutboxStatus.PENDING),)


def mark_sent(session: Session, message_id: int, *, now: datetime, reply: str = "",
              on_sent: Callable[[Session, Sequence[Sent]], None] | None = None) -> bool:
    """Record a delivery: the message and its pending items are sent, and `on_sent` is
    told in the same transaction (a list of one `Sent`; the service records one event
    per item). False if
    the message was no longer ours to mark (cancelled or already sent by another worker
    after a stale claim). `mark_sent_many` of one."""
    return bool(mark_sent_many(session, [(message_id, now, reply)], on_sent=on_sent))


def mark_sent_many(session: Session | Connection, sent: Sequence[tuple[int, datetime, str]],
                   *, on_sent: Callable[[Session | Connection, Sequence[Sent]], None] | None
                   = None) -> set[int]:
    """`mark_sent` of several deliveries, each (message id, sent at, reply), in the
    caller's one transaction (the delivery loop's group commit); the ids it marked (the
    others were no longer ours to mark). `on_sent` is told of them all at once, in the
    order given (a list of `Sent`), with the session or connection given here (the
    delivery loop passes a bare connection in a transaction: a session's bookkeeping
    costs a message more than its statements).

    Per message one UPDATE ... RETURNING of the message (still sending or pending), then
    one UPDATE ... RETURNING of all their pending items: statements built once, no ORM
    bookkeeping, and on SQLite run on the driver's cursor (`tracker.core.driver`).
    """
    connection = session if isinstance(session, Connection) else session.connection()
    marked: dict[int, tuple] = {}
    for (message_id, now, reply), rows in zip(
            sent, _SENT_MESSAGE.each(connection, [(m, now) for m, now, _ in sent]),
            strict=True):
        if rows and message_id not in marked:
            marked[message_id] = (*rows[0], now, reply)
    if not marked:
        return set()
    items: dict[int, list[tuple[int, int, str, int]]] = {}
    if connection.dialect.name == "sqlite":
        found = sqlite_rows_in(connection, _SQLITE_SENT_ITEMS, list(marked), _PENDING)
    else:
        found = [row for chunk in chunks(list(marked))
                 for row in connection.execute(_SENT_ITEMS, {"b_messages": list(chunk)})]
    for message_id, *item in found:
        listed = items.get(message_id)
        if listed is None:
            items[message_id] = [tuple(item)]
        else:
            listed.append(tuple(item))
    if on_sent is not None:
        on_sent(session, [Sent(message_id, kind, person_id, channel, payload,
                               sorted(items.get(message_id, ())), now, reply)
                          for message_id, (kind, person_id, channel, payload, now, reply)
                          in marked.items()])
    return set(marked)


def cancel_empty(session: Session, message_id: int) -> None:
    """Cancel a claimed message none of whose items is pending any more."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(_LIVE))
        .values(status=OutboxStatus.CANCELLED, claimed_by=None, claimed_at=None)
    )


def cancel_for(session: Session, assignment_id: int) -> int:
    """Cancel what is still pending for an assignment (it was completed, cancelled or
    re-planned); pending messages left with no pending item are cancelled too. Returns
    the number of items cancelled."""
    message_ids = session.scalars(
        select(OutboxItem.message_id).where(OutboxItem.assignment_id == assignment_id,
                                            OutboxItem.status == OutboxStatus.PENDING)
    ).all()
    if not message_ids:
        return 0
    result = session.execute(
        update(OutboxItem)
        .where(OutboxItem.assignment_id == assignment_id, OutboxItem.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.CANCELLED)
    )
    for message_id in sorted(set(message_ids)):
        live = session.scalars(
            select(OutboxItem.id).where(OutboxItem.message_id == message_id,
                                        OutboxItem.status == OutboxStatus.PENDING)
        ).first()
        if live is None:
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING)
                .values(status=OutboxStatus.CANCELLED)
            )
    return result.rowcount


def reschedule(session: Session, message_id: int, *, at: datetime, error: str,
               attempts: int) -> None:
    """A transient failure: the message is pending again, due at `at`."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(_LIVE))
        .values(status=OutboxStatus.PENDING, next_attempt_at=at, last_error=error,
                attempts=attempts, claimed_by=None, claimed_at=None)
    )


def fail(session: Session, message_id: int, *, error: str, attempts: int) -> bool:
    """A final failure: the message and its pending items are failed. False if the
    message was no longer sending or pending (someone else decided first)."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(_LIVE))
        .values(status=OutboxStatus.FAILED, last_error=error, attempts=attempts,
                claimed_by=None, claimed_at=None)
    )
    if result.rowcount != 1:
        return False
    session.execute(update(OutboxItem)
                    .where(OutboxItem.message_id == message_id,
                           OutboxItem.status == OutboxStatus.PENDING)
                    .values(status=OutboxStatus.FAILED))
    return True


def retry_failed(session: Session, message_id: int, *, now: datetime) -> bool:
    """Put a failed message (and its failed items) back to pending, due at `now`, its
    attempts reset. False if the message is not failed."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.FAILED)
        .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now)
    )
    if result.rowcount != 1:
        return False
    session.execute(update(OutboxItem)
                    .where(OutboxItem.message_id == message_id,
                           OutboxItem.status == OutboxStatus.FAILED)
                    .values(status=OutboxStatus.PENDING))
    return True
