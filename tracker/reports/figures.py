"""Executive-discipline figures («исполнительская дисциплина»), computed in SQL.

Every figure is an aggregate over assignments computed by the database: each row's
outcome once, grouped by (organisation, person) or by task in one scan each, each a
covering index read in its GROUP BY's order (`tracker.reports.scan`); nothing loads the
assignment rows into Python, so a report over a million assignments costs two index
scans, not a million objects. Organisation
figures are rolled up the hierarchy in Python (a municipality includes its schools).
The same SQL runs on SQLite and PostgreSQL (see `sqlfuncs`). The as-of window and its
conditions in SQL: `tracker.reports.window`; the organisations a view has a row for:
`tracker.reports.org_rows`.

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
from datetime import date
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from tracker.core.enums import Level
from tracker.core.errors import InvalidInput
from tracker.core.i18n import _
from tracker.core.models import Document, Organisation, Person, Task
from tracker.reports import scan
from tracker.reports.org_rows import org_rows, orgs_by_parent, rows_and_root
from tracker.reports.scan import Tally
from tracker.reports.window import Window, check_root

_T = Task.__table__


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


_MEASURES = ("assigned", "done_on_time", "done_late", "open", "overdue", "overdue_7",
             "overdue_30", "extensions", "days_late_total", "late_items")


def make_figures(key, name, tally: Tally, as_of: date, detail: str | None = None) -> Figures:
    values = {m: getattr(tally, m) for m in _MEASURES}
    return Figures(key=key, name=name, oldest_due=tally.oldest_due, as_of=as_of,
                   detail=detail, **values)


def totals(*, session: Session, as_of: date, root_org_id: int | None = None,
           zone: ZoneInfo | None = None, only: dict | None = None) -> Figures:
    """The figures of everything in scope: `root_org_id` and below, or all organisations.

    :raises NotFound: an unknown organisation id.
    """
    root = check_root(session, root_org_id)
    w = Window.of(as_of, zone)
    holders = scan.by_holder(session, w, root_org_id, only)
    return make_figures(root_org_id, root.name if root else "", holders.total, as_of)


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
    by_parent = orgs_by_parent(org_rows(session))
    orgs, own = rows_and_root(by_parent, root.id if root else None, depth)
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
