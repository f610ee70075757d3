"""The report's figures from as few scans of `assignment` as the views need.

Each counted assignment's outcome as of the date (see `tracker.reports.figures` for
the definitions) is computed once per row, as one digit; a group's digits come back as
one text, and Python counts each digit in it (`Tally.add`). Two scans:

- `by_holder`: grouped by (organisation, person): the totals, the organisation view
  (rolled up the hierarchy in Python; there are a few thousand organisations, not
  millions) and the person view;
- `by_task`: grouped by task, with the ids of the organisations that have not done it:
  the document and level views and per-decision progress (who has not done it, and the
  kind of organisations a decision was given to);
- the extensions: EXTENDED events (a few per cent of the rows) joined to their
  assignments, grouped the same ways.

SQLite has no hash aggregation: a GROUP BY sorts every row unless an index gives that
order. Each scan reads a covering index in the order of its GROUP BY
(`ix_assignment_holder_scan`, `ix_assignment_task_scan`; see `tracker.core.models`):
one sequential pass, no sort, no access to the table. Grouping by the outcome as well
would bring the sort back, and a SUM per outcome would evaluate it six times per row.
The outcome and the days late are plain comparisons of the stored values; only
done-late and overdue rows (the minority) pay for date arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import case, func, literal, select
from sqlmodel import Session

from tracker.core.enums import AssignmentStatus, EventKind
from tracker.core.models import Assignment, Event, Organisation, Task
from tracker.core.orgtree import subtree_select
from tracker.reports.sqlfuncs import (
    day_number,
    digits,
    distinct_list,
    id_list,
    local_date,
    local_day_number,
    on_or_before_local,
)

_A = Assignment.__table__
_T = Task.__table__
_O = Organisation.__table__
_E = Event.__table__

ON_TIME, LATE, OPEN, OVERDUE, OVERDUE_7, OVERDUE_30 = 1, 2, 3, 4, 5, 6


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

    def add(self, codes: str, days: int | None, oldest: date | None) -> None:
        """Add one group of a scan: `codes` holds one outcome digit per assignment (in
        any order), `days` the days late summed over its late items, `oldest` the
        earliest due date among its overdue items."""
        on_time, late, still_open, overdue, over_7, over_30 = (
            codes.count(digit) for digit in _DIGITS)
        self.assigned += len(codes)
        self.done_on_time += on_time
        self.done_late += late
        self.open += still_open
        self.overdue += overdue + over_7 + over_30
        self.overdue_7 += over_7 + over_30
        self.overdue_30 += over_30
        self.late_items += late + overdue + over_7 + over_30
        self.days_late_total += int(days or 0)
        if oldest is not None and (self.oldest_due is None or oldest < self.oldest_due):
            self.oldest_due = oldest

    def merge(self, other: Tally) -> None:
        for name in ("assigned", "done_on_time", "done_late", "open", "overdue", "overdue_7",
                     "overdue_30", "extensions", "days_late_total", "late_items"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.oldest_due is not None and (self.oldest_due is None
                                             or other.oldest_due < self.oldest_due):
            self.oldest_due = other.oldest_due


_DIGITS = tuple(str(code) for code in (ON_TIME, LATE, OPEN, OVERDUE, OVERDUE_7, OVERDUE_30))


def _outcome(w):
    """(outcome code, days late, overdue due date, done) of each counted row, as SQL
    expressions. The days are NULL (not 0) on rows that are not late and the due date
    NULL on rows that are not overdue, so only those rows pay for date arithmetic, and
    that arithmetic is on day numbers (see `sqlfuncs.day_number`). Rows due on or after
    the date (or never) leave every CASE at its first test."""
    a = _A.c
    day = literal(w.as_of)
    # completed_at < cutoff is NULL (false) when completed_at is NULL.
    done = (a.status == AssignmentStatus.DONE) & (a.completed_at < w.cutoff)
    if 0 < w.offset_seconds < 86400:
        on_time = on_or_before_local(a.completed_at, a.due_date, literal(w.zone_name),
                                     literal(_clock(86400 - w.offset_seconds)))
    else:
        on_time = local_date(a.completed_at, literal(w.zone_name),
                             literal(w.offset_seconds)) <= a.due_date
    not_yet_due = (a.due_date >= day) | a.due_date.is_(None)
    code = case(
        # Done by the end of the date and due on it or later (or never): on time.
        (not_yet_due, case((done, ON_TIME), else_=OPEN)),
        (done, case((on_time, ON_TIME), else_=LATE)),
        (a.due_date >= literal(w.as_of - timedelta(days=7)), OVERDUE),
        (a.due_date >= literal(w.as_of - timedelta(days=30)), OVERDUE_7),
        else_=OVERDUE_30,
    )
    due_day = day_number(a.due_date)
    completed_day = local_day_number(a.completed_at, literal(w.zone_name),
                                     literal(f"{w.offset_seconds:+d} seconds"))
    days = case(
        (not_yet_due, None),
        (done, case((on_time, None), else_=completed_day - due_day)),
        else_=literal(_day_number(w.as_of)) - due_day,
    )
    overdue_due = case((a.due_date >= day, None), (done, None), else_=a.due_date)
    return code, days, overdue_due, done


def _day_number(day: date) -> int:
    """The day number `sqlfuncs.day_number` gives a date (the Julian day number)."""
    return day.toordinal() + 1721425


def _clock(seconds: int) -> str:
    """' 21:00:00' for 75,600 seconds: the time part of a stored timestamp, with the
    space that separates it from the date."""
    return f" {seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


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
    if root_org_id is not None and not _is_everything(session, root_org_id):
        conditions.append(a.organisation_id.in_(subtree_select(root_org_id)))
    narrowing = [_T.c[column] == value for column, value in (only or {}).items()
                 if value is not None]
    if narrowing:
        conditions.append(a.task_id.in_(select(_T.c.id).where(*narrowing)))
    return conditions


def _is_everything(session: Session, org_id: int) -> bool:
    """Whether the organisation is the only top-level one (the region): its subtree is
    every organisation, and no condition is needed. (With the condition, SQLite would
    read the task scan's rows by organisation and sort them all.) A smaller scope reads
    its organisations' rows through the holder index; sorting those is cheap."""
    tops = session.connection().execute(
        select(_O.c.id).where(_O.c.parent_id.is_(None)).limit(2)).scalars().all()
    return tops == [org_id]


@dataclass
class Holders:
    """Tallies per organisation (its own assignments only), per person, and in all."""

    orgs: dict[int, Tally] = field(default_factory=dict)
    people: dict[int | None, Tally] = field(default_factory=dict)
    total: Tally = field(default_factory=Tally)


def _figures(w) -> list:
    """A group's columns every scan selects: its outcome digits (one per assignment,
    see `Tally.add`), the days late summed, the earliest overdue due date. The outcome
    is evaluated once per row (a SUM per outcome would evaluate it six times)."""
    code, days, overdue_due, _done = _outcome(w)
    return [digits(code), func.sum(days), func.min(overdue_due)]


def holder_query(session: Session, w, root_org_id: int | None, only: dict | None = None):
    """(organisation, person, outcome digits, days late, oldest overdue due) of each
    holder of counted assignments in scope."""
    a = _A.c
    return (select(a.organisation_id, a.person_id, *_figures(w))
            .where(*counted(session, w, root_org_id, only))
            .group_by(a.organisation_id, a.person_id))


def by_holder(session: Session, w, root_org_id: int | None,
              only: dict | None = None) -> Holders:
    a = _A.c
    out = Holders()
    connection = session.connection()
    for org, person, codes, days, oldest in connection.execute(
            holder_query(session, w, root_org_id, only)):
        for tally in (_get(out.orgs, org), _get(out.people, person), out.total):
            tally.add(codes, days, oldest)
    ext = _extension_query(session, w, root_org_id, [a.organisation_id, a.person_id], only)
    for org, person, n in connection.execute(ext):
        for tally in (_get(out.orgs, org), _get(out.people, person), out.total):
            tally.extensions += n
    return out


@dataclass
class TaskRow:
    """One task's tally, the kinds of its organisations (one element: they all share
    it), and the organisations that have not done it by the date (their ids as decimal
    text, an organisation once per assignment)."""

    tally: Tally = field(default_factory=Tally)
    kinds: set[str] = field(default_factory=set)
    pending: list[str] = field(default_factory=list)


def task_query(session: Session, w, root_org_id: int | None, only: dict | None = None):
    """(task, outcome digits, days late, oldest overdue due, the ids of the organisations
    that have not done it, the kinds of its organisations) of each task with counted
    assignments in scope."""
    _code, _days, _overdue_due, done = _outcome(w)
    a = _A.c
    not_done_org = case((done, None), else_=a.organisation_id)
    # `+ 0`: SQLite must read `assignment` in task order and look each organisation up,
    # never the other way round (organisations first, then their assignments: a sort).
    return (select(a.task_id, *_figures(w), id_list(not_done_org), distinct_list(_O.c.kind))
            .select_from(_A.join(_O, _O.c.id == a.organisation_id + 0))
            .where(*counted(session, w, root_org_id, only))
            .group_by(a.task_id))


def by_task(session: Session, w, root_org_id: int | None,
            only: dict | None = None) -> dict[int, TaskRow]:
    a = _A.c
    out: dict[int, TaskRow] = {}
    connection = session.connection()
    for task, codes, days, oldest, ids, kinds in connection.execute(
            task_query(session, w, root_org_id, only)):
        row = out[task] = TaskRow()
        row.tally.add(codes, days, oldest)
        row.kinds.update(kinds.split(","))
        if ids:
            row.pending = ids.split(",")
    for task, n in connection.execute(_extension_query(session, w, root_org_id, [a.task_id], only)):
        out[task].tally.extensions += n
    return out


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
