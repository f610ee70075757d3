"""Per-decision progress ("13 из 55 муниципалитетов", and who has not done it) and the
oldest overdue items, computed in SQL over the same counted assignments and as-of
window as `tracker.reports.figures` (see its docstring for the definitions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from tracker.core.enums import OrgKind
from tracker.core.models import Assignment, Document, Organisation, Person, Task
from tracker.reports import scan
from tracker.reports.window import (
    Window,
    check_root,
    conditions,
    extension_counts,
    scope_query,
)

_A = Assignment.__table__
_T = Task.__table__
_O = Organisation.__table__


@dataclass(frozen=True)
class DecisionProgress:
    """One decision (task) across the organisations it was given to."""

    task_id: int
    label: str | None
    text: str
    document: str | None
    due_date: date | None
    total: int
    done: int
    done_on_time: int
    overdue: int
    org_kind: str | None  # the kind shared by all its organisations, else None
    pending_count: int
    pending: list[str] = field(default_factory=list)  # names, alphabetical, up to a limit

    def phrase(self, locale: str = "ru") -> str:
        """'13 из 55 муниципалитетов' / '13 of 55 municipalities'."""
        if locale == "en":
            word = _EN_WORDS.get(self.org_kind or "", "organisations")
            return f"{self.done} of {self.total} {word}"
        one, many = _RU_GENITIVE.get(self.org_kind or "", ("организации", "организаций"))
        n = self.total
        word = one if n % 10 == 1 and n % 100 != 11 else many
        return f"{self.done} из {n} {word}"

    def as_dict(self, locale: str = "ru") -> dict:
        return {
            "task_id": self.task_id,
            "label": self.label,
            "text": self.text,
            "document": self.document,
            "due_date": self.due_date,
            "total": self.total,
            "done": self.done,
            "done_on_time": self.done_on_time,
            "overdue": self.overdue,
            "progress": self.phrase(locale),
            "pending_count": self.pending_count,
            "pending": self.pending,
        }


_RU_GENITIVE = {
    OrgKind.MUNICIPALITY: ("муниципалитета", "муниципалитетов"),
    OrgKind.SCHOOL: ("школы", "школ"),
    OrgKind.REGION: ("региона", "регионов"),
}
_EN_WORDS = {OrgKind.MUNICIPALITY: "municipalities", OrgKind.SCHOOL: "schools",
             OrgKind.REGION: "regions"}


@dataclass(frozen=True)
class OverdueItem:
    """One overdue assignment, as listed in 'the oldest overdue items'."""

    assignment_id: int
    task_id: int
    label: str | None
    text: str
    organisation: str
    owner: str | None
    document: str | None
    due_date: date
    days_overdue: int
    extensions: int

    def as_dict(self) -> dict:
        return {
            "assignment_id": self.assignment_id,
            "task_id": self.task_id,
            "label": self.label,
            "text": self.text,
            "organisation": self.organisation,
            "owner": self.owner,
            "document": self.document,
            "due_date": self.due_date,
            "days_overdue": self.days_overdue,
            "extensions": self.extensions,
        }


# --- the SQL ----------------------------------------------------------------------------


def decision_progress(
    *,
    session: Session,
    as_of: date,
    root_org_id: int | None = None,
    zone: ZoneInfo | None = None,
    pending_limit: int | None = 50,
    only: dict | None = None,
) -> list[DecisionProgress]:
    """Per decision (task) in scope: how many of its assignments are done by `as_of`,
    and which organisations have not (alphabetical, at most `pending_limit` names each;
    None: all; `pending_count` is always the full number). Ordered by due date (none
    last), then document and label.

    :raises NotFound: an unknown organisation id.
    """

    check_root(session, root_org_id)
    w = Window.of(as_of, zone)
    return decisions_of_tasks(session, scan.by_task(session, w, root_org_id, only),
                              pending_limit)


def decisions_of_tasks(session: Session, rows: dict[int, scan.TaskRow],
                       pending_limit: int | None) -> list[DecisionProgress]:
    """`decision_progress` from one `scan.by_task`."""
    from tracker.core.titles import document_title

    if not rows:
        return []
    tasks = {}
    ids = list(rows)
    for start in range(0, len(ids), 5000):  # bounded IN lists
        chunk = ids[start:start + 5000]
        tasks.update((t.id, t) for t in session.scalars(select(Task).where(Task.id.in_(chunk))))
    doc_ids = {t.document_id for t in tasks.values() if t.document_id}
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(doc_ids)))}
    orgs = {oid: (key, name, kind) for oid, key, name, kind in session.connection().execute(
        select(_O.c.id, _O.c.name_key, _O.c.name, _O.c.kind))}
    # Keyed by the id as text, as `scan.TaskRow.pending` holds it (no int() per item).
    rank = {str(o): i for i, o in enumerate(sorted(orgs, key=lambda o: (orgs[o][0], o)))}
    out = []
    for task_id, r in rows.items():
        task = tasks[task_id]
        doc = docs.get(task.document_id)
        kinds = r.kinds
        t = r.tally
        done = t.done_on_time + t.done_late
        pending = sorted(r.pending, key=rank.__getitem__)
        if pending_limit is not None:
            pending = pending[:pending_limit]
        out.append(DecisionProgress(
            task_id=task_id, label=task.label, text=task.text,
            document=document_title(doc) if doc else None, due_date=task.due_date,
            total=t.assigned, done=done, done_on_time=t.done_on_time, overdue=t.overdue,
            org_kind=next(iter(kinds)) if len(kinds) == 1 else None,
            pending_count=t.assigned - done,
            pending=[orgs[int(o)][1] for o in pending],
        ))
    out.sort(key=lambda d: (d.due_date is None, d.due_date or date.max, d.document or "",
                            _label_key(d.label), d.task_id))
    return out


def _label_key(label: str | None) -> tuple:
    parts = (label or "").replace(",", ".").split(".")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def oldest_overdue(
    *,
    session: Session,
    as_of: date,
    root_org_id: int | None = None,
    limit: int | None = 10,
    zone: ZoneInfo | None = None,
    tasks: dict[int, scan.TaskRow] | None = None,
) -> list[OverdueItem]:
    """The overdue assignments in scope, the longest overdue first (at most `limit`;
    None: all). `tasks`, the same scope's `scan.by_task` if the caller has it, narrows
    the scan to the tasks that can hold the oldest items (read through the task index).

    :raises NotFound: an unknown organisation id.
    """
    from tracker.core.titles import DocumentRef, document_title

    check_root(session, root_org_id)
    w = Window.of(as_of, zone)
    c = conditions(w)
    org = _O.alias("org")
    person = Person.__table__.alias("owner")
    doc = Document.__table__.alias("doc")
    query = (
        scope_query(w, root_org_id, [
            _A.c.id, _A.c.task_id, _T.c.label, _T.c.text, org.c.name.label("org_name"),
            person.c.name.label("owner"), doc.c.kind, doc.c.number, doc.c.date,
            doc.c.id.label("doc_id"), _A.c.due_date,
        ])
        .join(org, org.c.id == _A.c.organisation_id)
        .outerjoin(person, person.c.id == _A.c.person_id)
        .outerjoin(doc, doc.c.id == _T.c.document_id)
        .where(c["overdue"])
        .order_by(_A.c.due_date, _A.c.id)
    )
    if limit is not None:
        query = query.limit(limit)
        narrowed = scan.oldest_candidates(tasks, limit) if tasks is not None else None
        if tasks is not None and narrowed is None:
            return []
        if narrowed is not None:
            ids, bound = narrowed
            query = query.where(_A.c.task_id.in_(ids), _A.c.due_date <= bound)
    rows = list(session.connection().execute(query).mappings())
    # Counted for the items found only (joining every extended assignment's count
    # would group all EXTENDED events first).
    extensions = extension_counts(session, w, [r["id"] for r in rows])
    out = []
    for r in rows:
        title = (document_title(DocumentRef(r["kind"], r["number"], r["date"]))
                 if r["doc_id"] else None)
        out.append(OverdueItem(
            assignment_id=r["id"], task_id=r["task_id"], label=r["label"], text=r["text"],
            organisation=r["org_name"], owner=r["owner"], document=title,
            due_date=r["due_date"], days_overdue=(w.as_of - r["due_date"]).days,
            extensions=extensions.get(r["id"], 0),
        ))
    return out

