"""The due batch of a pass, from the database (the directory: `tracker.core.directory_rows`).

Only the assignments whose next check has come are read (`ix_assignment_status_next_check`
makes that a range scan), in keyset-paginated batches, so the cost of a pass grows with
what is due and not with the number of assignments. People and organisations are read
whole: a region has thousands of them, not millions.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlmodel import Session

from notifications.planning.directory import AssignmentInfo
from tracker.core.db import moment_reader
from tracker.core.enums import AssignmentStatus
from tracker.core.models import Assignment, live_assignments

__all__ = ["due_batches"]


def due_batches(session: Session, *, now: datetime, size: int) -> Iterator[list[AssignmentInfo]]:
    """Open assignments with `next_check_at <= now`, in batches ordered by (next check, id).

    Keyset pagination: each batch starts after the last row of the previous one, so
    rows re-planned meanwhile are never read twice in one pass.
    """
    a = Assignment.__table__.c
    wrap, read = moment_reader(session)
    after: tuple[datetime, int] | None = None
    while True:
        query = (select(a.id, a.status, a.due_date, a.organisation_id, a.person_id,
                        wrap(a.created_at), wrap(a.next_check_at))
                 .where(a.status == AssignmentStatus.OPEN, a.next_check_at <= now,
                        live_assignments())
                 .order_by(a.next_check_at, a.id)
                 .limit(size))
        if after is not None:
            query = query.where(tuple_(a.next_check_at, a.id) > tuple_(*after))
        rows = session.execute(query).all()
        if not rows:
            return
        batch = [AssignmentInfo(id=r.id, status=AssignmentStatus(r.status), due_date=r.due_date,
                                organisation_id=r.organisation_id, person_id=r.person_id,
                                created_at=read(r.created_at),
                                last_checked=read(r.next_check_at))
                 for r in rows]
        yield batch
        if len(rows) < size:
            return
        after = (batch[-1].last_checked, rows[-1].id)
