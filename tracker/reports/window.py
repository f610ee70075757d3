"""The as-of window of a report and the assignments it counts, in SQL.

`Window.of(as_of, zone)`: the end of the as-of date in the report's zone (default
Europe/Moscow) as aware UTC; `conditions(w)`: each outcome (done on time, late, open,
overdue) as a SQL condition on `assignment`; `scope_query`: the counted assignments
(created by the end of the date, not cancelled, of an actionable task) under a root
organisation. The definitions: `tracker.reports.figures`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, case, func, literal, or_, select
from sqlmodel import Session

from tracker.core.enums import AssignmentStatus, EventKind
from tracker.core.errors import InvalidInput, NotFound
from tracker.core.i18n import _
from tracker.core.models import Assignment, Event, Organisation, Task, live_assignments
from tracker.core.orgtree import subtree_select
from tracker.reports.sqlfuncs import days_between, local_date

__all__ = ["DEFAULT_ZONE", "Window", "check_root", "conditions", "extension_counts",
           "scope_query"]

_A = Assignment.__table__
_T = Task.__table__
_E = Event.__table__


DEFAULT_ZONE = ZoneInfo("Europe/Moscow")


@dataclass(frozen=True)
class Window:
    """The as-of date turned into what the SQL compares with."""

    as_of: date
    cutoff: datetime  # the end of `as_of` in the zone, as aware UTC
    zone_name: str
    offset_seconds: int

    @classmethod
    def of(cls, as_of: date, zone: ZoneInfo | None) -> Window:
        if not isinstance(as_of, date) or isinstance(as_of, datetime):
            raise InvalidInput(_("as-of must be a date, got {as_of!r}").format(as_of=as_of))
        zone = zone or DEFAULT_ZONE
        end = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=zone)
        offset = datetime.combine(as_of, time(12), tzinfo=zone).utcoffset() or timedelta(0)
        return cls(as_of, end.astimezone(UTC), zone.key, int(offset.total_seconds()))


def conditions(w: Window):
    a = _A.c
    day = literal(w.as_of, Date())
    done = and_(a.status == AssignmentStatus.DONE, a.completed_at.is_not(None),
                a.completed_at < w.cutoff)
    not_done = or_(a.status != AssignmentStatus.DONE, a.completed_at.is_(None),
                   a.completed_at >= w.cutoff)
    completed_on = local_date(a.completed_at, literal(w.zone_name), literal(w.offset_seconds))
    late = and_(done, a.due_date.is_not(None), completed_on > a.due_date)
    overdue = and_(not_done, a.due_date < day)
    return {
        "done": done,
        "on_time": and_(done, or_(a.due_date.is_(None), completed_on <= a.due_date)),
        "late": late,
        "open": and_(not_done, or_(a.due_date.is_(None), a.due_date >= day)),
        "overdue": overdue,
        "overdue_7": and_(not_done, a.due_date < literal(w.as_of - timedelta(days=7), Date())),
        "overdue_30": and_(not_done, a.due_date < literal(w.as_of - timedelta(days=30), Date())),
        "late_days": case((late, days_between(completed_on, a.due_date)),
                          (overdue, days_between(day, a.due_date)), else_=0),
    }


def extension_counts(session: Session, w: Window, assignment_ids: list[int]) -> dict[int, int]:
    """EXTENDED events up to the end of the as-of date of each of these assignments
    (those with none left out)."""
    out: dict[int, int] = {}
    for start in range(0, len(assignment_ids), 5000):  # bounded IN lists
        chunk = assignment_ids[start:start + 5000]
        out.update((assignment_id, n) for assignment_id, n in session.connection().execute(
            select(_E.c.assignment_id, func.count())
            .where(_E.c.kind == EventKind.EXTENDED, _E.c.assignment_id.in_(chunk),
                   _E.c.at < w.cutoff)
            .group_by(_E.c.assignment_id)))
    return out


def scope_query(w: Window, root_org_id: int | None, columns: list):
    """SELECT `columns` FROM the counted assignments in scope (joined to task)."""
    query = (
        select(*columns)
        .select_from(_A.join(_T, _T.c.id == _A.c.task_id))
        .where(_A.c.status != AssignmentStatus.CANCELLED, _A.c.created_at < w.cutoff,
               _T.c.actionable.is_(True), live_assignments())
    )
    if root_org_id is not None:
        query = query.where(_A.c.organisation_id.in_(subtree_select(root_org_id)))
    return query


def check_root(session: Session, root_org_id: int | None) -> Organisation | None:
    if root_org_id is None:
        return None
    org = session.get(Organisation, root_org_id)
    if org is None:
        raise NotFound(_("organisation {root_org_id} not found").format(root_org_id=root_org_id))
    return org
