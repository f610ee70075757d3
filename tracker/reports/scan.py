"""The report's figures from as few scans of `assignment` as the views need.

Each counted assignment's outcome as of the date (see `tracker.reports.figures` for
the definitions) is computed once per row, as one small code, and the database
groups by it:

- `by_holder`: one scan grouped by (organisation, person, outcome): the totals, the
  organisation view (rolled up the hierarchy in Python; there are a few thousand
  organisations, not millions) and the person view;
- `by_task`: one scan grouped by (task, outcome), with the list of organisation ids
  of each group: the document and level views and per-decision progress (who has not
  done it, and the kind of organisations a decision was given to);
- the extensions: EXTENDED events (a few per cent of the rows) joined to their
  assignments, grouped the same ways.

Both scans read the table in storage order; no index is walked (grouping by
organisation through its index reads the table in random order, several times slower).
The outcome code and the days late are plain comparisons of the stored values; only
done-late and overdue rows (the minority) pay for date arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, literal, literal_column, select
from sqlmodel import Session

from tracker.core.enums import AssignmentStatus, EventKind
from tracker.core.models import Assignment, Event, Organisation, Task
from tracker.core.orgtree import subtree_select
from tracker.reports.sqlfuncs import days_between, id_list, local_date, on_or_before_local

_A = Assignment.__table__
_T = Task.__table__
_O = Organisation.__table__
_E = Event.__table__

ON_TIME, LATE, OPEN, OVERDUE, OVERDUE_7, OVERDUE_30 = 1, 2, 3, 4, 5, 6
# GROUP BY the output column by name: repeating the CASE there would evaluate it twice
# per row (its bound parameters differ, so SQLite cannot tell the two are the same).
_OUTCOME = literal_column("outcome")
DONE_CODES = frozenset({ON_TIME, LATE})
OVERDUE_CODES = frozenset({OVERDUE, OVERDUE_7, OVERDUE_30})


@dataclass
class Tally:
    """Mutable sums of one group; `tracker.reports.figures.Figures` is built from it."""

    assigned: int = 0
    done_on_time: int = 0
    done_late: int = 0
    open: int = 0
    overdue: int = 0
    overdue_7: int = 0
    overdue_30: int = 0
    extensions: int = 0
    days_late_total: int = 0
    late_items: int = 0
    oldest_due: date | None = None

    def add(self, code: int, n: int, days: int | None, oldest: date | None) -> None:
        self.assigned += n
        if code == ON_TIME:
            self.done_on_time += n
        elif code == OPEN:
            self.open += n
        else:
            self.late_items += n
            self.days_late_total += int(days or 0)
            if code == LATE:
                self.done_late += n
                return
            self.overdue += n
            if code != OVERDUE:
                self.overdue_7 += n
            if code == OVERDUE_30:
                self.overdue_30 += n
            if oldest is not None and (self.oldest_due is None or oldest < self.oldest_due):
                self.oldest_due = oldest

    def merge(self, other: Tally) -> None:
        for name in ("assigned", "done_on_time", "done_late", "open", "overdue", "overdue_7",
                     "overdue_30", "extensions", "days_late_total", "late_items"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.oldest_due is not None and (self.oldest_due is None
                                             or other.oldest_due < self.oldest_due):
            self.oldest_due = other.oldest_due


def _outcome(w):
    """(outcome code, days late) of each counted row, as SQL expressions."""
    a = _A.c
    day = literal(w.as_of)
    done = ((a.status == AssignmentStatus.DONE) & a.completed_at.is_not(None)
            & (a.completed_at < w.cutoff))
    if 0 < w.offset_seconds < 86400:
        on_time = on_or_before_local(a.completed_at, a.due_date, literal(w.zone_name),
                                     literal(_clock(86400 - w.offset_seconds)))
    else:
        on_time = local_date(a.completed_at, literal(w.zone_name),
                             literal(w.offset_seconds)) <= a.due_date
    code = case(
        (done, case((a.due_date.is_(None) | on_time, ON_TIME), else_=LATE)),
        (a.due_date.is_(None) | (a.due_date >= day), OPEN),
        (a.due_date >= literal(w.as_of - timedelta(days=7)), OVERDUE),
        (a.due_date >= literal(w.as_of - timedelta(days=30)), OVERDUE_7),
        else_=OVERDUE_30,
    )
    completed_on = local_date(a.completed_at, literal(w.zone_name), literal(w.offset_seconds))
    # Nothing due before the date was late (done or not): most rows stop at the first test.
    days = case(
        (a.due_date.is_(None) | (a.due_date >= day), 0),
        (done, case((on_time, 0), else_=days_between(completed_on, a.due_date))),
        else_=days_between(day, a.due_date),
    )
    return code, days


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


_INLINE_IDS = 500


def counted(session: Session, w, root_org_id: int | None, only: dict | None = None) -> list:
    """WHERE conditions of the counted assignments in scope, without joining `task`: the
    few statements and recurring templates are excluded by id, and not tested at all
    when there are none. `only` narrows to the tasks of one document (`document_id`)
    and/or level (`level`); None values are no filter."""
    a = _A.c
    conditions = [a.status != AssignmentStatus.CANCELLED, a.created_at < w.cutoff]
    statements, recurring = [], []
    for task_id, actionable in session.connection().execute(
            select(_T.c.id, _T.c.actionable)
            .where(_T.c.actionable.is_(False) | _T.c.recurrence.is_not(None))):
        (recurring if actionable else statements).append(task_id)
    if len(statements) > _INLINE_IDS:  # as subqueries: no bound-parameter limit
        statements = select(_T.c.id).where(_T.c.actionable.is_(False))
    if len(recurring) > _INLINE_IDS:
        recurring = select(_T.c.id).where(_T.c.recurrence.is_not(None))
    if statements:
        conditions.append(a.task_id.not_in(statements))
    if recurring:  # see `tracker.core.models.live_assignments`
        conditions.append(a.period.is_not(None) | a.task_id.not_in(recurring))
    if root_org_id is not None:
        conditions.append(a.organisation_id.in_(subtree_select(root_org_id)))
    narrowing = [_T.c[column] == value for column, value in (only or {}).items()
                 if value is not None]
    if narrowing:
        conditions.append(a.task_id.in_(select(_T.c.id).where(*narrowing)))
    return conditions


@dataclass
class Holders:
    """Tallies per organisation (its own assignments only), per person, and in all."""

    orgs: dict[int, Tally] = field(default_factory=dict)
    people: dict[int | None, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)


def by_holder(session: Session, w, root_org_id: int | None,
              only: dict | None = None) -> Holders:
    code, days = _outcome(w)
    a = _A.c
    org, person = _unindexed(a.organisation_id), _unindexed(a.person_id)
    query = (select(org, person, code.label("outcome"), func.count(), func.sum(days),
                    func.min(a.due_date))
             .where(*counted(session, w, root_org_id, only))
             .group_by(org, person, _OUTCOME))
    out = Holders()
    connection = session.connection()
    for org, person, c, n, d, oldest in connection.execute(query):
        for tally in (_get(out.orgs, org), _get(out.people, person), out.total):
            tally.add(c, n, d, oldest)
    ext = _extension_query(session, w, root_org_id, [a.organisation_id, a.person_id], only)
    for org, person, n in connection.execute(ext):
        for tally in (_get(out.orgs, org), _get(out.people, person), out.total):
            tally.extensions += n
    return out


@dataclass
class TaskRow:
    """One task's tally, and its organisations: all, and those not done by the date
    (ids, an organisation once per assignment)."""

    tally: Tally = field(default_factory=Tally)
    orgs: list[int] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)


def by_task(session: Session, w, root_org_id: int | None,
            only: dict | None = None) -> dict[int, TaskRow]:
    code, days = _outcome(w)
    a = _A.c
    task = _unindexed(a.task_id)
    query = (select(task, code.label("outcome"), func.count(), func.sum(days),
                    func.min(a.due_date), id_list(a.organisation_id))
             .where(*counted(session, w, root_org_id, only))
             .group_by(task, _OUTCOME))
    out: dict[int, TaskRow] = {}
    connection = session.connection()
    for task, c, n, d, oldest, ids in connection.execute(query):
        row = out.get(task)
        if row is None:
            row = out[task] = TaskRow()
        row.tally.add(c, n, d, oldest)
        org_ids = [int(i) for i in ids.split(",")] if ids else []
        row.orgs.extend(org_ids)
        if c not in DONE_CODES:
            row.pending.extend(org_ids)
    for task, n in connection.execute(_extension_query(session, w, root_org_id, [a.task_id], only)):
        out[task].tally.extensions += n
    return out


def _unindexed(column):
    """`column + 0`: the same value, but SQLite no longer walks the column's index to
    group by it (index order is random table order: several times slower than a scan
    and a sort of a few thousand groups)."""
    return (column + 0).label(column.name)


def _extension_query(session: Session, w, root_org_id: int | None, keys: list,
                     only: dict | None = None):
    """EXTENDED events up to the end of the date of counted assignments, per `keys`."""
    query = (select(*keys, func.count())
             .select_from(_E.join(_A, _A.c.id == _E.c.assignment_id))
             .where(_E.c.kind == EventKind.EXTENDED, _E.c.at < w.cutoff,
                    *counted(session, w, root_org_id, only))
             .group_by(*keys))
    return query


def _get(tallies: dict, key) -> Tally:
    tally = tallies.get(key)
    if tally is None:
        tally = tallies[key] = Tally()
    return tally


def oldest_candidates(rows: dict[int, TaskRow], limit: int) -> tuple[list[int], date] | None:
    """Tasks that can hold the `limit` longest-overdue assignments, and a due date no
    item among them is later than: each task's earliest overdue due date is one real
    item, so the `limit`-th smallest of those bounds the `limit`-th oldest item."""
    firsts = sorted((r.tally.oldest_due, t) for t, r in rows.items()
                    if r.tally.oldest_due is not None)
    if not firsts:
        return None
    bound = firsts[min(limit, len(firsts)) - 1][0]
    return [t for t, r in rows.items()
            if r.tally.oldest_due is not None and r.tally.oldest_due <= bound], bound
