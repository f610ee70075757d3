"""Executive-discipline figures («исполнительская дисциплина»), computed in SQL.

Every figure is an aggregate over assignments computed by the database: each row's
outcome once, grouped by (organisation, person) or by task in one scan each, each a
covering index read in its GROUP BY's order (`tracker.reports.scan`); nothing loads the
assignment rows into Python, so a report over a million assignments costs two index
scans, not a million objects. Organisation
figures are rolled up the hierarchy in Python (a municipality includes its schools).
The same SQL runs on SQLite and PostgreSQL (see `sqlfuncs`).

Definitions, for an as-of date D in the report's zone (default Europe/Moscow):

- An assignment counts if it was created by the end of D, is not cancelled (a
  withdrawn decision is nobody's failure; cancelling keeps no date, so it is excluded
  on every date) and belongs to an actionable task.
- Done by D: status done and `completed_at` before the end of D. An assignment done
  after D was open at D; one reopened since counts as open.
- The deadline is the one in force: `due_date`, after extensions («исполнено с
  нарушением срока» is judged against the deadline in force). Extensions are reported
  separately (`extensions`: EXTENDED events up to D). An extension granted after D
  already moves the deadline in a report as of D: the schema keeps only the current
  due date on the row.
- done_on_time: done by D on or before the due date (its local completion day), or
  done without a due date. done_late: done by D after the due date.
- open: not done by D and not yet due (due on D or later, or no due date).
- overdue: not done by D and due before D; overdue_7 / overdue_30: more than 7 / 30
  days past the due date. days_overdue = D - due_date.
- avg_days_late: mean days past the due date over done_late (completion day - due)
  and overdue (D - due) items.
- discipline: done_on_time / (done_on_time + done_late + overdue), the share done on
  time of the assignments whose outcome is known; None when there are none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import Date, and_, case, func, literal, or_, select
from sqlmodel import Session

from tracker.core.enums import AssignmentStatus, EventKind, Level
from tracker.core.errors import InvalidInput, NotFound
from tracker.core.i18n import _
from tracker.core.models import (
    Assignment,
    Document,
    Event,
    Organisation,
    Person,
    Task,
    live_assignments,
)
from tracker.core.orgtree import subtree_select
from tracker.reports import scan
from tracker.reports.scan import Tally
from tracker.reports.sqlfuncs import days_between, local_date

DEFAULT_ZONE = ZoneInfo("Europe/Moscow")

_A = Assignment.__table__
_T = Task.__table__
_O = Organisation.__table__
_E = Event.__table__


class GroupBy(StrEnum):
    ORGANISATION = "organisation"
    DOCUMENT = "document"
    PERSON = "person"
    LEVEL = "level"


@dataclass(frozen=True)
class Figures:
    """The figures of one group (an organisation rolled up, a document, a person, a level)
    or of the whole scope (`totals`). `key` identifies the group: an organisation,
    document or person id (None: "no document" / "nobody named"), or a level value."""

    key: int | str | None
    name: str
    assigned: int = 0
    done_on_time: int = 0
    done_late: int = 0
    open: int = 0
    overdue: int = 0
    overdue_7: int = 0
    overdue_30: int = 0
    extensions: int = 0
    days_late_total: int = 0  # over done_late and overdue items
    late_items: int = 0  # done_late + overdue
    oldest_due: date | None = None  # the earliest due date among overdue items
    as_of: date | None = None
    detail: str | None = None  # organisation kind; a person's organisation; a document title

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def discipline(self) -> float | None:
        decided = self.done_on_time + self.done_late + self.overdue
        return self.done_on_time / decided if decided else None

    @property
    def avg_days_late(self) -> float | None:
        return self.days_late_total / self.late_items if self.late_items else None

    @property
    def oldest_days(self) -> int | None:
        """Days past the due date of the oldest overdue item."""
        if self.oldest_due is None or self.as_of is None:
            return None
        return (self.as_of - self.oldest_due).days

    def as_dict(self) -> dict:
        """Every figure, JSON-ready apart from dates."""
        avg = self.avg_days_late
        share = self.discipline
        return {
            "key": self.key,
            "name": self.name,
            "detail": self.detail,
            "assigned": self.assigned,
            "done": self.done,
            "done_on_time": self.done_on_time,
            "done_late": self.done_late,
            "open": self.open,
            "overdue": self.overdue,
            "overdue_7": self.overdue_7,
            "overdue_30": self.overdue_30,
            "avg_days_late": round(avg, 2) if avg is not None else None,
            "oldest_due": self.oldest_due,
            "oldest_days": self.oldest_days,
            "extensions": self.extensions,
            "discipline": round(share, 4) if share is not None else None,
        }


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


_MEASURES = ("assigned", "done_on_time", "done_late", "open", "overdue", "overdue_7",
             "overdue_30", "extensions", "days_late_total", "late_items")


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


def make_figures(key, name, tally: Tally, as_of: date, detail: str | None = None) -> Figures:
    values = {m: getattr(tally, m) for m in _MEASURES}
    return Figures(key=key, name=name, oldest_due=tally.oldest_due, as_of=as_of,
                   detail=detail, **values)


def check_root(session: Session, root_org_id: int | None) -> Organisation | None:
    if root_org_id is None:
        return None
    org = session.get(Organisation, root_org_id)
    if org is None:
        raise NotFound(_("organisation {root_org_id} not found").format(root_org_id=root_org_id))
    return org


def totals(*, session: Session, as_of: date, root_org_id: int | None = None,
           zone: ZoneInfo | None = None, only: dict | None = None) -> Figures:
    """The figures of everything in scope: `root_org_id` and below, or all organisations.

    :raises NotFound: an unknown organisation id.
    """
    root = check_root(session, root_org_id)
    w = Window.of(as_of, zone)
    holders = scan.by_holder(session, w, root_org_id, only)
    return make_figures(root_org_id, root.name if root else "", holders.total, as_of)


@dataclass(frozen=True)
class OrgRow:
    """An organisation as the organisation view reads it (one Core select of four
    columns: a country has a hundred thousand organisations, too many for the ORM)."""

    id: int
    parent_id: int | None
    name: str
    kind: str


def org_rows(session: Session) -> list[OrgRow]:
    """Every organisation, in id order."""
    return [OrgRow(*row) for row in session.connection().execute(
        select(_O.c.id, _O.c.parent_id, _O.c.name, _O.c.kind).order_by(_O.c.id))]


def row_organisations(*, session: Session, root_org_id: int | None,
                      depth: int | None = 1) -> list[OrgRow]:
    """The organisations an organisation view has a rolled-up row for.

    `depth` levels below the root (1: its direct subordinates; None: every descendant).
    Without a root, the root is the only top-level organisation (the region); with
    several top-level organisations they are the rows at depth 1. An organisation with
    nothing under it is its own row.
    """
    return _rows_and_root(_by_parent(org_rows(session)), root_org_id, depth)[0]


def _by_parent(orgs: list[OrgRow]) -> dict[int | None, list[OrgRow]]:
    by_parent: dict[int | None, list[OrgRow]] = {}
    for org in orgs:
        by_parent.setdefault(org.parent_id, []).append(org)
    return by_parent


def _rows_and_root(by_parent: dict[int | None, list[OrgRow]], root_org_id: int | None,
                   depth: int | None) -> tuple[list[OrgRow], OrgRow | None]:
    remaining = depth - 1 if depth else None
    if root_org_id is None:
        tops = by_parent.get(None, [])
        if len(tops) != 1:
            return _descend(by_parent, tops, remaining, []), None
        root_org_id = tops[0].id
    root = next(o for level in by_parent.values() for o in level if o.id == root_org_id)
    rows = _descend(by_parent, by_parent.get(root_org_id, []), remaining, [])
    return (rows, root) if rows else ([root], None)


def _descend(by_parent, level: list, remaining: int | None, out: list) -> list:
    """Organisations `remaining` levels below `level` (None: `level` and all below)."""
    if remaining is None:
        for org in level:
            out.append(org)
            _descend(by_parent, by_parent.get(org.id, []), None, out)
        return out
    for _step in range(remaining):
        level = [child for org in level for child in by_parent.get(org.id, [])]
    out.extend(level)
    return out


def organisation_figures(
    *,
    session: Session,
    as_of: date,
    root_org_id: int | None = None,
    by: GroupBy | str = GroupBy.ORGANISATION,
    zone: ZoneInfo | None = None,
    depth: int | None = 1,
    only: dict | None = None,
) -> list[Figures]:
    """Figures per group, the worst first (most overdue, then most overdue > 30 and > 7
    days, then the lowest discipline). Groups with nothing assigned are left out.

    `by`: organisation (rolled up; rows as in `row_organisations(depth=...)`),
    document, person (None: assignments given to an organisation without a person),
    or level (the task's level: regional, municipal, school).

    :raises NotFound: an unknown organisation id. :raises InvalidInput: an unknown `by`.
    """
    try:
        by = GroupBy(by)
    except ValueError:
        raise InvalidInput(
            _(
                "invalid grouping {by!r}: expected organisation, document, person or level")
                .format(by=by)
        ) from None
    root = check_root(session, root_org_id)
    w = Window.of(as_of, zone)
    if by in (GroupBy.ORGANISATION, GroupBy.PERSON):
        holders = scan.by_holder(session, w, root_org_id, only)
        return sort_worst_first(view_of_holders(session, w, root, depth, by, holders))
    tasks = scan.by_task(session, w, root_org_id, only)
    return sort_worst_first(view_of_tasks(session, w, by, tasks))


def view_of_holders(session: Session, w: Window, root: Organisation | None,
                    depth: int | None, by: GroupBy, holders: scan.Holders) -> list[Figures]:
    """The organisation or person view's rows (unsorted) from one `scan.by_holder`."""
    if by == GroupBy.ORGANISATION:
        return _by_organisation(session, w, root, depth, holders.orgs)
    return _named(session, by, holders.people, w.as_of)


def view_of_tasks(session: Session, w: Window, by: GroupBy,
                  tasks: dict[int, scan.TaskRow]) -> list[Figures]:
    """The document or level view's rows (unsorted) from one `scan.by_task`."""
    column = _T.c.document_id if by == GroupBy.DOCUMENT else _T.c.level
    groups: dict = {}
    ids = list(tasks)
    for start in range(0, len(ids), 5000):  # bounded IN lists
        chunk = ids[start:start + 5000]
        for task_id, key in session.connection().execute(
                select(_T.c.id, column).where(_T.c.id.in_(chunk))):
            tally = groups.get(key)
            if tally is None:
                tally = groups[key] = scan.Tally()
            tally.merge(tasks[task_id].tally)
    return _named(session, by, groups, w.as_of)


def _named(session: Session, by: GroupBy, groups: dict, as_of: date) -> list[Figures]:
    names = _group_names(session, by, list(groups))
    out = []
    for key, tally in groups.items():
        if not tally.assigned:
            continue
        name, detail = names.get(key, (str(key), None))
        out.append(make_figures(key, name, tally, as_of, detail=detail))
    # In key order, as a GROUP BY returned them: ties in the sort stay put.
    return sorted(out, key=lambda f: (f.key is None, f.key or 0))


def sort_worst_first(rows: list[Figures]) -> list[Figures]:
    def key(f: Figures):
        share = f.discipline
        return (-f.overdue, -f.overdue_30, -f.overdue_7, 2.0 if share is None else share,
                f.name.casefold())

    return sorted(rows, key=key)


def sort_least_disciplined(rows: list[Figures]) -> list[Figures]:
    """The lowest discipline first (groups without a known outcome last)."""
    def key(f: Figures):
        share = f.discipline
        return (2.0 if share is None else share, -f.overdue, f.name.casefold())

    return sorted(rows, key=key)


OWN_SUFFIX_RU = " (собственные поручения)"


def _by_organisation(session: Session, w: Window, root: Organisation | None,
                     depth: int | None, leaves: dict[int, scan.Tally]) -> list[Figures]:
    """Rolled-up rows, plus a row for the root's own assignments (those given to the
    root itself, not to anything under it) when it has any, so rows add up to totals."""
    by_parent = _by_parent(org_rows(session))
    orgs, own = _rows_and_root(by_parent, root.id if root else None, depth)
    if not orgs:
        return []

    def rolled_up(org_id: int) -> scan.Tally:
        tally, stack = scan.Tally(), [org_id]
        while stack:
            current = stack.pop()
            if current in leaves:
                tally.merge(leaves[current])
            stack.extend(child.id for child in by_parent.get(current, ()))
        return tally

    out = []
    for org in orgs:
        tally = rolled_up(org.id)
        if tally.assigned:
            out.append(make_figures(org.id, org.name, tally, w.as_of, detail=str(org.kind)))
    if own is not None and own.id in leaves and leaves[own.id].assigned:
        out.append(make_figures(own.id, own.name + OWN_SUFFIX_RU, leaves[own.id], w.as_of,
                            detail="own"))
    return sorted(out, key=lambda f: f.key)


def _group_names(session: Session, by: GroupBy, keys: list) -> dict:
    """Display name and detail of each group key."""
    from tracker.core.titles import document_title

    ids = [k for k in keys if k is not None]
    # Bounded IN lists: a country has a hundred thousand people (PostgreSQL takes at
    # most 65,535 parameters a statement).
    chunks = [ids[start:start + 5000] for start in range(0, len(ids), 5000)]
    if by == GroupBy.DOCUMENT:
        names = {None: ("Без документа", None)}
        for chunk in chunks:
            for doc in session.scalars(select(Document).where(Document.id.in_(chunk))):
                names[doc.id] = (document_title(doc), doc.title)
        return names
    if by == GroupBy.PERSON:
        names = {None: ("Исполнитель не назначен", None)}
        query = (select(Person.id, Person.name, Organisation.name)
                 .join(Organisation, Organisation.id == Person.organisation_id))
        if len(chunks) > 1:  # most people: read them all, keep those asked for
            wanted = set(ids)
            for pid, name, org_name in session.connection().execute(query):
                if pid in wanted:
                    names[pid] = (name, org_name)
            return names
        for chunk in chunks:
            for pid, name, org_name in session.connection().execute(
                    query.where(Person.id.in_(chunk))):
                names[pid] = (name, org_name)
        return names
    return {str(level): (LEVEL_NAMES_RU[level], None) for level in Level}


LEVEL_NAMES_RU = {
    Level.REGIONAL: "Региональный уровень",
    Level.MUNICIPAL: "Муниципальный уровень",
    Level.SCHOOL: "Уровень образовательных организаций",
}


# --- decisions and overdue items ---------------------------------------------------------
