"""A parsed document into the database: one `Document`, its `Task`s and `Assignment`s.

`preview` says what an import would do without writing; `import_document` writes it.
Both take the caller's session: the CLI runs `import_document` inside one
`Database.transaction()`, so an error anywhere (a bad item, a database error) rolls
back the whole document and nothing is half-written. `import_documents(documents, *, db,
settings, now)` does that for a batch, one transaction per document.

The directory (`tracker.core.directory_rows.load_directory`) and the owner matcher
(`roadmaps.owners.OwnerMatcher`) are built once per batch (`ImportBatch.load`) and passed
to `preview` and `import_document` as `batch=`; without one each call loads its own.

A document is known by its `content_hash` (unique in the table): importing the same
file again writes nothing and returns the existing document (`ImportOutcome.already`).

Every item becomes a `Task`, statements too ("принять к сведению": `actionable=False`,
no assignments), so the document stays complete on record. An actionable item gets one
assignment per target that `roadmaps.owners` resolves; an actionable item with no
target at all (the directory has no region, say) is an error before anything is
written. Assignments count from the document's date (`decided_at`), not from the day
it was imported.

Recurring items ("ежемесячно в течение 2022 года") keep `Task.recurrence` and the period
they run in (`period_start`, `period_end`), and get template assignments (period None)
that name their owners; they are never planned or counted themselves
(`tracker.core.models.live_assignments`). The per-period occurrences are not created here:
`tracker.services.occurrences.create_occurrences` makes them as each period comes within
the reminder horizon, for the organisations of those templates.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from roadmaps.owners import OwnerMatcher, Resolution, Rules, Target
from roadmaps.parsed import Note, localized
from tracker.core.directory import Directory
from tracker.core.directory_rows import load_directory
from tracker.core.enums import AssignmentStatus, EventKind, Level, OrgKind, Via
from tracker.core.errors import InvalidInput
from tracker.core.i18n import N_, translate
from tracker.core.models import Assignment, Document, Event, Task
from tracker.services.bulk import bulk_insert
from tracker.services.tasks import assigned_details, event_details

if TYPE_CHECKING:
    from roadmaps.parsed import ParsedDocument, ParsedItem
    from tracker.core.config import Settings
    from tracker.core.db import Database

_LABELS: dict[str, str] = {
    OrgKind.MUNICIPALITY: N_("all municipalities ({n})"),
    OrgKind.SCHOOL: N_("all schools ({n})"),
    "more": N_("{names} and {n} more"),
}


@dataclass
class PreviewItem:
    """One parsed item with what importing it would do."""

    item: ParsedItem
    level: Level  # the item's, else the config's default
    targets: list[Target]
    owners: list[str]  # who gets it, for display: names or "все муниципалитеты (55)"
    unmatched: list[str]  # owner names the directory does not know
    warnings: list[str]  # the parser's and the owner matching's

    @property
    def actionable(self) -> bool:
        return self.item.actionable

    @property
    def assignments(self) -> int:
        return len(self.targets) if self.item.actionable else 0


@dataclass
class Preview:
    """What `import_document` would write; `existing_id` is set when it is already in."""

    document: ParsedDocument
    content_hash: str
    items: list[PreviewItem]
    warnings: list[str] = field(default_factory=list)
    existing_id: int | None = None
    batch: ImportBatch | None = field(default=None, repr=False, compare=False)
    locale: str = "ru"  # of the problems' words
    # Actionable items that nobody can be given for one reason of the whole directory
    # (no region, say): said once for the document, not on every item.
    unassigned: list[PreviewItem] = field(default_factory=list)
    unassigned_reason: str = ""

    @property
    def assignments(self) -> int:
        return sum(p.assignments for p in self.items)

    @property
    def problems(self) -> list[str]:
        """Why it cannot be imported: actionable items nobody could be given."""
        shared = []
        if len(self.unassigned) > 1:
            first = self.unassigned[0].item
            shared.append(Note(
                N_("{source}: nobody to assign the actionable items to ({n}; the first: "
                   "line {line}, item {label}): {reason}"), self.locale,
                source=self.document.source, n=len(self.unassigned), line=first.line,
                label=first.label or "-", reason=self.unassigned_reason))
        return shared + [
            Note(N_("{source}, line {line}: item {label}: nobody to assign it to ({reasons})"),
                 self.locale, source=self.document.source, line=p.item.line,
                 label=p.item.label or "-",
                 reasons="; ".join(localized(w, self.locale) for w in p.warnings)
                 or translate(self.locale, N_("no owner")))
            for p in self.items
            if p.actionable and not p.targets and not (shared and p in self.unassigned)
        ]


@dataclass
class ImportOutcome:
    document_id: int
    tasks: int = 0
    assignments: int = 0
    already: bool = False  # the same content was imported before; nothing was written


def content_hash(parsed: ParsedDocument) -> str:
    """The document's hash as read from its file, else a hash of the parse itself."""
    if parsed.content_hash:
        return parsed.content_hash
    data = {
        "kind": str(parsed.kind), "number": parsed.number, "date": parsed.date,
        "title": parsed.title,
        "items": [[i.label, i.text, i.level, i.due, i.recurrence, i.owners, i.actionable]
                  for i in parsed.items],
    }
    blob = json.dumps(data, ensure_ascii=False, default=str, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass
class ImportBatch:
    """What every document of one batch is matched against: the directory and the owner
    matcher, built once (`ImportBatch.load`) and shared by the batch's previews and
    imports. Valid while the directory does not change (an import does not change it)."""

    matcher: OwnerMatcher
    rules: Rules
    locale: str

    @classmethod
    def load(cls, *, session: Session, settings: Settings) -> ImportBatch:
        """Every organisation and person, read once, with the config's level rules."""
        locale = settings.locale
        matcher = OwnerMatcher(load_directory(session), locale=locale)
        cfg = settings.import_
        rules = matcher.rules(default_level=cfg.default_level, region=cfg.region,
                              regional_owner=cfg.regional_owner)
        return cls(matcher, rules, locale)

    _details: dict[Target, str] = field(default_factory=dict, repr=False)

    @property
    def directory(self) -> Directory:
        return self.matcher.directory

    def assigned_details(self, target: Target) -> str:
        """The details of the ASSIGNED event of an assignment to `target` (made once)."""
        found = self._details.get(target)
        if found is None:
            directory = self.directory
            person = (directory.people[target.person_id].name
                      if target.person_id is not None else None)
            found = self._details[target] = assigned_details(
                directory.orgs[target.organisation_id].name, person)
        return found


def _owner_labels(directory: Directory, resolution: Resolution, locale: str) -> list[str]:
    labels = {key: translate(locale, message) for key, message in _LABELS.items()}
    names: list[str] = []
    for target in resolution.targets:
        org = directory.orgs[target.organisation_id]
        if target.person_id is not None:
            names.append(f"{directory.people[target.person_id].name} ({org.name})")
        else:
            names.append(org.name)
    kinds = {directory.orgs[t.organisation_id].kind for t in resolution.targets}
    if len(names) > 3 and len(kinds) == 1 and (kind := kinds.pop()) in labels:
        return [labels[kind].format(n=len(names))]
    if len(names) > 3:
        return [labels["more"].format(names=", ".join(names[:2]), n=len(names) - 2)]
    return names


def preview(parsed: ParsedDocument, *, session: Session, settings: Settings,
            batch: ImportBatch | None = None) -> Preview:
    """What importing `parsed` would do: owners resolved, warnings, assignment count.

    Reads only. `Preview.existing_id` tells that the same content is already imported.
    `batch` (else loaded here) is the directory and matcher shared by a batch.
    """
    batch = batch or ImportBatch.load(session=session, settings=settings)
    matcher = batch.matcher
    digest = content_hash(parsed)
    d = Document.__table__.c
    existing = session.connection().execute(
        sa_select(d.id).where(d.content_hash == digest)).scalar()
    items: list[PreviewItem] = []
    unassigned: list[PreviewItem] = []
    shared = matcher.nobody(batch.rules) if batch.rules.problem else None
    for item in parsed.items:
        level = Level(item.level) if item.level else settings.import_.default_level
        if item.actionable:
            resolution = matcher.resolve(item.owners, level, batch.rules)
        else:
            resolution = Resolution()
        items.append(PreviewItem(
            item=item,
            level=level,
            targets=resolution.targets,
            owners=_owner_labels(batch.directory, resolution, batch.locale),
            unmatched=resolution.unmatched,
            warnings=[*item.warnings, *resolution.warnings],
        ))
        if shared is not None and not resolution.targets and shared in resolution.warnings:
            unassigned.append(items[-1])
    warnings = list(parsed.warnings)
    if len(unassigned) > 1:
        for held in unassigned:
            held.warnings = [w for w in held.warnings if w != shared]
        warnings.append(Note(N_("nobody to assign the actionable items to ({n}): {reason}"),
                             batch.locale, n=len(unassigned), reason=batch.rules.problem))
    return Preview(parsed, digest, items, warnings, existing, batch, batch.locale,
                   unassigned, batch.rules.problem or "")


def import_document(
    parsed: ParsedDocument,
    *,
    session: Session,
    settings: Settings,
    now: datetime,
    via: Via = Via.IMPORT,
    planned: Preview | None = None,
    batch: ImportBatch | None = None,
) -> ImportOutcome:
    """Write the document, its tasks, assignments and events into `session`.

    `planned` is a preview made in this same session (saves resolving owners twice);
    `batch` is the directory and matcher of a batch (else loaded here). The caller
    commits; on any exception it must roll back (`Database.transaction` does), which
    leaves nothing of the document behind.

    Written with SQLAlchemy Core: one INSERT of the document, one executemany of its
    tasks, one of all its assignments and one of all its events, each row's values
    converted to the driver's form once (`tracker.services.bulk`). The rows and events
    are those `tracker.services.tasks.assign_many` and `record_event` would write.

    :raises InvalidInput: an actionable item nobody can be given (names file and line).
    """
    plan = planned or preview(parsed, session=session, settings=settings, batch=batch)
    if plan.existing_id is not None:
        return ImportOutcome(plan.existing_id, already=True)
    if plan.problems:
        raise InvalidInput(plan.problems[0])
    connection = session.connection()
    dialect = connection.dialect
    d = Document.__table__
    try:
        document_id = connection.execute(insert(d).returning(d.c.id), {
            "kind": parsed.kind, "number": parsed.number, "date": parsed.date,
            "title": parsed.title, "issuer": parsed.issuer, "chair": parsed.chair,
            "secretary": parsed.secretary, "source": (parsed.source or "")[-500:] or None,
            "content_hash": plan.content_hash, "imported_at": now,
        }).scalar_one()
    except IntegrityError:
        # Another import of the same content committed between our check and insert.
        session.rollback()
        existing = session.exec(
            select(Document.id).where(Document.content_hash == plan.content_hash)
        ).one()
        return ImportOutcome(existing, already=True)
    began = decided_at(parsed.date, settings.zone, now)
    batch = batch or plan.batch or ImportBatch.load(session=session, settings=settings)
    tasks = bulk_insert(Task.__table__, dialect, ("id",), ordered=True)
    task_ids = [id_ for (id_,) in tasks.execute(
        connection, [tasks.prepare(_task_row(document_id, p, now)) for p in plan.items])]
    outcome = ImportOutcome(document_id, tasks=len(task_ids))
    a = bulk_insert(Assignment.__table__, dialect,
                    ("id", "task_id", "organisation_id", "person_id"))
    began_value, open_ = a.value("next_check_at", began), AssignmentStatus.OPEN
    assignments: list[dict] = []
    for task_id, planned_item in zip(task_ids, plan.items, strict=True):
        if not planned_item.actionable:
            continue
        due = a.value("due_date", planned_item.item.due)
        assignments.extend(
            {"task_id": task_id, "organisation_id": t.organisation_id,
             "person_id": t.person_id, "due_date": due, "original_due_date": due,
             "period": None, "status": open_, "extensions": 0,
             "next_check_at": began_value, "created_at": began_value}
            for t in planned_item.targets)
    # (task, organisation, person) is unique in a document (targets are deduplicated),
    # so the returned ids are matched by it, whatever order they come back in.
    ids = {(task, org, person): id_
           for id_, task, org, person in a.execute(connection, assignments)}
    outcome.assignments = len(assignments)
    e = bulk_insert(Event.__table__, dialect)
    at, created, assigned = e.value("at", now), EventKind.CREATED, EventKind.ASSIGNED
    events: list[dict] = []
    for task_id, planned_item in zip(task_ids, plan.items, strict=True):
        events.append({"kind": created, "via": via, "at": at, "assignment_id": None,
                       "task_id": task_id, "person_id": None,
                       "details": _created_details(document_id, planned_item)})
        if not planned_item.actionable:
            continue
        events.extend(
            {"kind": assigned, "via": via, "at": at,
             "assignment_id": ids[(task_id, t.organisation_id, t.person_id)],
             "task_id": task_id, "person_id": None, "details": batch.assigned_details(t)}
            for t in planned_item.targets)
    e.execute(connection, events)
    return outcome


def import_documents(
    documents: Iterable[ParsedDocument],
    *,
    db: Database,
    settings: Settings,
    now: datetime,
    via: Via = Via.IMPORT,
) -> list[ImportOutcome]:
    """Import each document in its own transaction, as `tracker import --yes` does, with
    one directory and owner matcher for them all. A failing document raises after the
    ones before it are committed; nothing of the failing one is written."""
    with db.reading() as session:
        batch = ImportBatch.load(session=session, settings=settings)
    outcomes = []
    for parsed in documents:
        with db.transaction() as session:
            outcomes.append(import_document(parsed, session=session, settings=settings,
                                            now=now, via=via, batch=batch))
    return outcomes


def decided_at(day: date | None, zone: ZoneInfo, now: datetime) -> datetime:
    """When a document's assignments begin: the start of its date in `zone` (aware UTC),
    or `now` for an undated document or one dated in the future.

    A protocol of 15.06.2021 imported today is tracked from 15.06.2021, so a report as
    of 01.10.2021 shows what was overdue then; the planner still sends only the latest
    notice that applies (catch-up), not the year of reminders it "missed".
    """
    if day is None:
        return now
    return min(now, datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC))


def _task_row(document_id: int, planned: PreviewItem, now: datetime) -> dict:
    item = planned.item
    spans = item.recurrence is not None or item.start is not None
    return {
        "document_id": document_id, "label": item.label, "text": " ".join(item.text.split()),
        "level": planned.level, "due_date": item.due,
        "due_text": (item.due_text or None) and item.due_text[:300],
        "recurrence": item.recurrence, "period_start": item.start,
        "period_end": item.due if spans else None, "actionable": item.actionable,
        "created_at": now,
    }


def _created_details(document_id: int, planned: PreviewItem) -> str | None:
    """The details of a task's CREATED event, as `record_event` stores them."""
    item = planned.item
    details: dict = {"document": document_id, "line": item.line}
    if planned.unmatched:  # kept so the names are not lost: nobody in the directory had them
        details["unmatched"] = planned.unmatched
    if item.cited_act:  # the earlier act the decision comes from (no column for it: issue 11.4)
        details["source_act"] = {"text": item.cited_act, "number": item.cited_number,
                                 "date": item.cited_date.isoformat() if item.cited_date else None}
    return event_details(details)
