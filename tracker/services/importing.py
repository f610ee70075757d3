"""A parsed document into the database: one `Document`, its `Task`s and `Assignment`s.

`preview` says what an import would do without writing; `import_document` writes it.
Both take the caller's session: the CLI runs `import_document` inside one
`Database.transaction()`, so an error anywhere (a bad item, a database error) rolls
back the whole document and nothing is half-written.

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
`notifications.planning.occurrences.create_occurrences` makes them as each period comes within
the reminder horizon, for the organisations of those templates.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from roadmaps.owners import Directory, OrgInfo, PersonInfo, Resolution, Rules, Target
from roadmaps.parsed import Note, localized
from tracker.core.enums import EventKind, Level, OrgKind, Via
from tracker.core.errors import InvalidInput
from tracker.core.i18n import N_, translate
from tracker.core.models import Document, Organisation, Person, Task
from tracker.services.tasks import AssignTarget, assign_many, record_event

if TYPE_CHECKING:
    from roadmaps.parsed import ParsedDocument, ParsedItem
    from tracker.core.config import Settings

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
    locale: str = "ru"  # of the problems' words

    @property
    def assignments(self) -> int:
        return sum(p.assignments for p in self.items)

    @property
    def problems(self) -> list[str]:
        """Why it cannot be imported: actionable items nobody could be given."""
        return [
            Note(N_("{source}, line {line}: item {label}: nobody to assign it to ({reasons})"),
                 self.locale, source=self.document.source, line=p.item.line,
                 label=p.item.label or "-",
                 reasons="; ".join(localized(w, self.locale) for w in p.warnings)
                 or translate(self.locale, N_("no owner")))
            for p in self.items
            if p.actionable and not p.targets
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


def load_directory(*, session: Session, locale: str = "ru") -> Directory:
    """Every organisation and active person, for owner matching."""
    # Plain columns, not entities: this runs once per imported document.
    orgs = [OrgInfo(id_, name, OrgKind(kind), parent_id) for id_, name, kind, parent_id in
            session.exec(select(Organisation.id, Organisation.name, Organisation.kind,
                                Organisation.parent_id))]
    people = [PersonInfo(id_, name, org_id) for id_, name, org_id in
              session.exec(select(Person.id, Person.name, Person.organisation_id)
                           .where(Person.active == True))]  # noqa: E712
    return Directory(orgs, people, locale=locale)


def _rules(directory: Directory, settings: Settings) -> Rules:
    cfg = settings.import_
    return directory.rules(default_level=cfg.default_level, region=cfg.region,
                           regional_owner=cfg.regional_owner)


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


def preview(parsed: ParsedDocument, *, session: Session, settings: Settings) -> Preview:
    """What importing `parsed` would do: owners resolved, warnings, assignment count.

    Reads only. `Preview.existing_id` tells that the same content is already imported.
    """
    locale = settings.locale
    directory = load_directory(session=session, locale=locale)
    rules = _rules(directory, settings)
    digest = content_hash(parsed)
    existing = session.exec(select(Document.id).where(Document.content_hash == digest)).first()
    items: list[PreviewItem] = []
    for item in parsed.items:
        level = Level(item.level) if item.level else settings.import_.default_level
        if item.actionable:
            resolution = directory.resolve(item.owners, level, rules)
        else:
            resolution = Resolution()
        items.append(PreviewItem(
            item=item,
            level=level,
            targets=resolution.targets,
            owners=_owner_labels(directory, resolution, locale),
            unmatched=resolution.unmatched,
            warnings=[*item.warnings, *resolution.warnings],
        ))
    return Preview(parsed, digest, items, list(parsed.warnings), existing, locale)


def import_document(
    parsed: ParsedDocument,
    *,
    session: Session,
    settings: Settings,
    now: datetime,
    via: Via = Via.IMPORT,
    planned: Preview | None = None,
) -> ImportOutcome:
    """Write the document, its tasks, assignments and events into `session`.

    `planned` is a preview made in this same session (saves resolving owners twice).
    The caller commits; on any exception it must roll back (`Database.transaction`
    does), which leaves nothing of the document behind.

    :raises InvalidInput: an actionable item nobody can be given (names file and line).
    """
    plan = planned or preview(parsed, session=session, settings=settings)
    if plan.existing_id is not None:
        return ImportOutcome(plan.existing_id, already=True)
    if plan.problems:
        raise InvalidInput(plan.problems[0])
    document = Document(
        kind=parsed.kind, number=parsed.number, date=parsed.date, title=parsed.title,
        issuer=parsed.issuer, chair=parsed.chair, secretary=parsed.secretary,
        source=(parsed.source or "")[-500:] or None, content_hash=plan.content_hash,
        imported_at=now,
    )
    session.add(document)
    try:
        session.flush()
    except IntegrityError:
        # Another import of the same content committed between our check and insert.
        session.rollback()
        existing = session.exec(
            select(Document.id).where(Document.content_hash == plan.content_hash)
        ).one()
        return ImportOutcome(existing, already=True)
    org_names, person_names = _names(session, plan)
    outcome = ImportOutcome(document.id)
    began = decided_at(parsed.date, settings.zone, now)
    for planned_item in plan.items:
        task = _write_task(session, document, planned_item, now, via)
        outcome.tasks += 1
        if not planned_item.actionable:
            continue
        # A municipal item fans out to every municipality: one bulk insert per item.
        targets = [AssignTarget(t.organisation_id, org_names[t.organisation_id], t.person_id,
                                person_names[t.person_id] if t.person_id is not None else None)
                   for t in planned_item.targets]
        outcome.assignments += len(assign_many(session=session, task=task, targets=targets,
                                               now=now, via=via, began=began))
    return outcome


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


def _names(session: Session, plan: Preview) -> tuple[dict[int, str], dict[int, str]]:
    """The names of every organisation and person the plan assigns to."""
    org_ids = {t.organisation_id for p in plan.items if p.actionable for t in p.targets}
    person_ids = {t.person_id for p in plan.items if p.actionable for t in p.targets
                  if t.person_id is not None}
    return (_names_of(session, Organisation, org_ids), _names_of(session, Person, person_ids))


def _names_of(session: Session, model, ids: set[int], chunk: int = 500) -> dict[int, str]:
    ordered = sorted(ids)
    names: dict[int, str] = {}
    for start in range(0, len(ordered), chunk):
        for id_, name in session.exec(select(model.id, model.name)
                                      .where(model.id.in_(ordered[start:start + chunk]))):
            names[id_] = name
    return names


def _write_task(session: Session, document: Document, planned: PreviewItem, now: datetime,
                via: Via) -> Task:
    item = planned.item
    spans = item.recurrence is not None or item.start is not None
    task = Task(
        document_id=document.id,
        label=item.label,
        text=" ".join(item.text.split()),
        level=planned.level,
        due_date=item.due,
        due_text=(item.due_text or None) and item.due_text[:300],
        recurrence=item.recurrence,
        period_start=item.start,
        period_end=item.due if spans else None,
        actionable=item.actionable,
        created_at=now,
    )
    session.add(task)
    session.flush()
    details = {"document": document.id, "line": item.line}
    if planned.unmatched:  # kept so the names are not lost: nobody in the directory had them
        details["unmatched"] = planned.unmatched
    if item.cited_act:  # the earlier act the decision comes from (no column for it: issue 11.4)
        details["source_act"] = {"text": item.cited_act, "number": item.cited_number,
                                 "date": item.cited_date.isoformat() if item.cited_date else None}
    record_event(session=session, kind=EventKind.CREATED, via=via, at=now, task_id=task.id,
                 **details)
    return task
