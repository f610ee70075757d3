"""Claiming pending messages, the lease and its heartbeat, taking over dead claims.

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
and before it was marked sent: at most one message per connection per crash (a worker
runs one lane per connection of a channel, each with one message in flight, and a lane
marks its message sent before it sends another; `notifications.delivery.lanes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import String, bindparam, or_, select, type_coerce, update
from sqlmodel import Session

from tracker.core.db import chunks
from tracker.core.driver import Returning
from tracker.core.enums import OutboxStatus
from tracker.core.models import OutboxMessage


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
    exclude = list(exclude)
    connection = session.connection()
    if connection.dialect.name == "sqlite" and not exclude:
        return _sqlite_claim(connection, worker=worker, now=now, limit=limit,
                             channels=None if channels is None else [str(c) for c in channels],
                             claimed_at=now if claimed_at is None else claimed_at)
    query = (select(OutboxMessage.id)
             .where(OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
             .limit(limit))
    if channels is not None:
        query = query.where(OutboxMessage.channel.in_([str(c) for c in channels]))
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


def _claim_statement(channels: int | None) -> Returning:
    """SQLite: the claim as one UPDATE ... RETURNING of the oldest pending rows (a
    subquery), for `channels` channel names (None: any channel), built once each."""
    m = OutboxMessage.__table__.c
    oldest = (select(m.id)
              .where(m.status == OutboxStatus.PENDING, m.next_attempt_at <= bindparam("b_now"))
              .order_by(m.next_attempt_at, m.id)
              .limit(bindparam("b_limit")))
    if channels is not None:
        oldest = oldest.where(or_(*(m.channel == bindparam(f"b_channel{n}")
                                    for n in range(channels))))
    statement = (update(OutboxMessage.__table__)
                 .where(m.id.in_(oldest.scalar_subquery()), m.status == OutboxStatus.PENDING)
                 .values(status=OutboxStatus.SENDING, claimed_by=bindparam("b_worker"),
                         claimed_at=bindparam("b_at"), attempts=m.attempts + 1)
                 .returning(m.id, type_coerce(m.next_attempt_at, String())))
    names = ["b_now", "b_limit", "b_worker", "b_at"]
    return Returning(statement, names + [f"b_channel{n}" for n in range(channels or 0)])


_CLAIMS: dict[int | None, Returning] = {}


def _sqlite_claim(connection, *, worker: str, now: datetime, limit: int,
                  channels: list[str] | None, claimed_at: datetime) -> list[int]:
    """`claim` on SQLite, in one statement on the driver's cursor (`Returning`): the
    caller's transaction holds the write lock (`BEGIN IMMEDIATE`), so every row the
    subquery picks is still pending when it is updated, as the two statements of the
    general case would find; the ids come back in the subquery's order (the stored
    `next_attempt_at` text sorts as the moments do, then the id)."""
    if channels is not None and not channels:
        return []
    count = None if channels is None else len(channels)
    statement = _CLAIMS.get(count)
    if statement is None:
        statement = _CLAIMS[count] = _claim_statement(count)
    [rows] = statement.each(connection, [(now, limit, worker, claimed_at, *(channels or ()))])
    return [message_id for message_id, _ in sorted(rows, key=lambda row: (row[1], row[0]))]


def release(session: Session, message_id: int) -> None:
    """Give a claimed message back untouched (the service stopped before sending it)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_at=None,
                attempts=OutboxMessage.attempts - 1)
    )
