"""The due batch of a pass, from the database (the directory: `tracker.core.directory_rows`).

Only the assignments whose next check has come are read (`ix_assignment_status_next_check`
makes that a range scan), in keyset-paginated batches (`due_batch` reads one, from where
the one before ended: `resume_after`), so the cost of a pass grows with what is due and
not with the number of assignments. People and organisations are read whole: a region
has thousands of them, not millions. On SQLite the rows come through the driver with
their dates and datetimes as stored text, converted once per distinct value.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import String, select, tuple_, type_coerce
from sqlmodel import Session

from notifications.planning.directory import AssignmentInfo
from tracker.core.db import aware
from tracker.core.driver import reader, sqlite_rows
from tracker.core.enums import AssignmentStatus
from tracker.core.models import Assignment, live_assignments

__all__ = ["due_batch", "due_batches", "resume_after"]

_STATUS = {status.value: status for status in AssignmentStatus}


def due_batches(session: Session, *, now: datetime, size: int) -> Iterator[list[AssignmentInfo]]:
    """Open assignments with `next_check_at <= now`, in batches ordered by (next check, id).

    Keyset pagination: each batch starts after the last row of the previous one, so
    rows re-planned meanwhile are never read twice in one pass.
    """
    after: tuple[datetime, int] | None = None
    while True:
        batch = due_batch(session, now=now, size=size, after=after)
        if batch:
            yield batch
        if len(batch) < size:
            return
        after = resume_after(batch)


def resume_after(batch: list[AssignmentInfo]) -> tuple[datetime, int]:
    """Where the batch after `batch` starts (`due_batch`'s `after`)."""
    return batch[-1].last_checked, batch[-1].id


def due_batch(session: Session, *, now: datetime, size: int,
              after: tuple[datetime, int] | None = None) -> list[AssignmentInfo]:
    """Up to `size` open assignments with `next_check_at <= now`, the first in (next check,
    id) order after `after` (`resume_after` of the batch before), or from the start."""
    a = Assignment.__table__.c
    dialect = session.connection().dialect
    if dialect.name == "sqlite":
        # Read dates and datetimes as the stored text, converted once per distinct
        # value: a batch shares a few of each (Core would convert every row's).
        def wrap(column):
            return type_coerce(column, String()).label(column.name)

        day, moment = reader(a.due_date.type, dialect), reader(a.next_check_at.type, dialect)
    else:
        def wrap(column):
            return column

        def day(value):
            return value

        moment = aware
    query = (select(a.id, a.status, wrap(a.due_date), a.organisation_id, a.person_id,
                    wrap(a.created_at), wrap(a.next_check_at))
             .where(a.status == AssignmentStatus.OPEN, a.next_check_at <= now,
                    live_assignments())
             .order_by(a.next_check_at, a.id)
             .limit(size))
    if after is not None:
        query = query.where(tuple_(a.next_check_at, a.id) > tuple_(*after))
    connection = session.connection()
    rows = (sqlite_rows(connection, query) if dialect.name == "sqlite"
            else connection.execute(query).all())
    return [AssignmentInfo(id_, _STATUS.get(status) or AssignmentStatus(status), day(due),
                           organisation_id, person_id, moment(created), moment(next_check))
            for id_, status, due, organisation_id, person_id, created, next_check in rows]
