"""Tasks and their assignments: add a task, assign it, set the responsible person, and the
events every change writes.

Every change writes its `Event` in the caller's transaction (`record_event`), so the audit
log and the state never disagree. An assignment's state changes (complete, reopen, cancel,
extend) are in `tracker.services.task_transitions`; the lists of assignments in
`tracker.services.task_queries`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import insert
from sqlmodel import Session, select

from tracker.core.enums import AssignmentStatus, EventKind, Level, Via
from tracker.core.errors import InvalidInput, NotFound
from tracker.core.i18n import _
from tracker.core.ids import id_or_none
from tracker.core.models import (
    Assignment,
    Document,
    Event,
    Organisation,
    Person,
    Task,
)


def record_event(
    *,
    session: Session,
    kind: EventKind,
    via: Via,
    at: datetime,
    assignment_id: int | None = None,
    task_id: int | None = None,
    person_id: int | None = None,
    **details,
) -> Event:
    event = Event(
        kind=kind,
        via=via,
        at=at,
        assignment_id=assignment_id,
        task_id=task_id,
        person_id=person_id,
        details=event_details(details),
    )
    session.add(event)
    return event


def add_task(
    *,
    session: Session,
    text: str,
    organisations: list[Organisation],
    now: datetime,
    due: date | None = None,
    level: Level = Level.MUNICIPAL,
    person: Person | None = None,
    label: str | None = None,
    document: Document | None = None,
    actor: Person | None = None,
    via: Via = Via.CLI,
    due_text: str | None = None,
) -> tuple[Task, list[Assignment]]:
    """Create a task and one open assignment per organisation.

    :raises InvalidInput: an empty text or no organisation.
    """
    text = " ".join(text.split())
    if not text:
        raise InvalidInput(_("task text is empty"))
    if not organisations:
        raise InvalidInput(_("a task needs at least one organisation"))
    task = Task(
        document_id=document.id if document else None,
        label=label,
        text=text,
        level=level,
        due_date=due,
        due_text=due_text,
        created_at=now,
    )
    session.add(task)
    session.flush()
    actor_id = actor.id if actor else None
    record_event(session=session, kind=EventKind.CREATED, via=via, at=now, task_id=task.id,
                 person_id=actor_id)
    # One flush for all the assignments (a multi-row INSERT), then their events in one
    # executemany: the rows are those `assign` writes one by one.
    assignments = [_new_assignment(task, org.id, person.id if person else None, now=now)
                   for org in organisations]
    session.add_all(assignments)
    session.flush()
    _insert_assigned_events(
        session, task_id=task.id, now=now, via=via, actor_id=actor_id,
        rows=[(a.id, org.name, person.name if person else None)
              for a, org in zip(assignments, organisations, strict=True)])
    return task, assignments


def _new_assignment(task: Task, organisation_id: int, person_id: int | None, *,
                    now: datetime, due: date | None = None,
                    period: str | None = None) -> Assignment:
    due = due if due is not None else task.due_date
    return Assignment(task_id=task.id, organisation_id=organisation_id, person_id=person_id,
                      due_date=due, original_due_date=due, period=period, next_check_at=now,
                      created_at=now)


def assigned_details(organisation: str, person: str | None) -> str:
    """The details of an ASSIGNED event, as every writer of one stores them."""
    return json.dumps({"organisation": organisation, "person": person},
                      ensure_ascii=False, default=str)


def event_details(details: dict) -> str | None:
    """An event's details as stored (JSON; None when there are none)."""
    return json.dumps(details, ensure_ascii=False, default=str) if details else None


def _insert_assigned_events(session: Session, *, task_id: int, now: datetime, via: Via,
                            actor_id: int | None,
                            rows: Sequence[tuple[int, str, str | None]]) -> None:
    """One ASSIGNED event per (assignment id, organisation name, person name), as
    `record_event` writes it, in one executemany INSERT."""
    if not rows:
        return
    session.connection().execute(insert(Event.__table__), [
        {"kind": EventKind.ASSIGNED, "via": via, "at": now, "assignment_id": assignment_id,
         "task_id": task_id, "person_id": actor_id,
         "details": assigned_details(organisation, person)}
        for assignment_id, organisation, person in rows
    ])


def assign(
    *,
    session: Session,
    task: Task,
    organisation: Organisation,
    now: datetime,
    person: Person | None = None,
    due: date | None = None,
    period: str | None = None,
    via: Via = Via.CLI,
    actor: Person | None = None,
) -> Assignment:
    """Give `task` to `organisation` (and optionally one responsible person).

    For many organisations at once use `assign_many` (same rows and events)."""
    assignment = _new_assignment(task, organisation.id, person.id if person else None,
                                 now=now, due=due, period=period)
    session.add(assignment)
    session.flush()
    record_event(session=session, kind=EventKind.ASSIGNED, via=via, at=now,
                 assignment_id=assignment.id, task_id=task.id,
                 person_id=actor.id if actor else None,
                 organisation=organisation.name, person=person.name if person else None)
    return assignment


class AssignTarget(NamedTuple):
    """Who gets an assignment, by id, with the names its ASSIGNED event records."""

    organisation_id: int
    organisation_name: str
    person_id: int | None = None
    person_name: str | None = None


def assign_many(
    *,
    session: Session,
    task: Task,
    targets: Sequence[AssignTarget],
    now: datetime,
    due: date | None = None,
    period: str | None = None,
    via: Via = Via.CLI,
    actor: Person | None = None,
    began: datetime | None = None,
) -> list[int]:
    """`assign` for each target, in bulk: one executemany INSERT of the assignments
    (RETURNING their ids) and one of their ASSIGNED events. No ORM objects are made;
    returns the new assignment ids in the order of `targets`.

    `began` (default `now`) is when the assignments count from: reports as of a date
    count them from then, and the planner first looks at them as of then. An imported
    document's decisions begin on the document's date; the events stay at `now`.

    Anything pending in the session is flushed first, so events keep their order.
    """
    if not targets:
        return []
    session.flush()
    due = due if due is not None else task.due_date
    a = Assignment.__table__.c
    rows = [{"task_id": task.id, "organisation_id": t.organisation_id,
             "person_id": t.person_id, "due_date": due, "original_due_date": due,
             "period": period, "status": AssignmentStatus.OPEN, "extensions": 0,
             "next_check_at": began or now, "created_at": began or now}
            for t in targets]
    keys = [(t.organisation_id, t.person_id) for t in targets]
    connection = session.connection()
    if len(set(keys)) == len(keys):
        # One multi-row INSERT; RETURNING order is not promised, so match by the key.
        returned = connection.execute(
            insert(Assignment.__table__).returning(a.id, a.organisation_id, a.person_id), rows)
        by_key = {(org, person): id_ for id_, org, person in returned}
        ids = [by_key[key] for key in keys]
    else:  # the same target twice: let SQLAlchemy keep the order (row by row on SQLite)
        ids = list(connection.execute(
            insert(Assignment.__table__).returning(a.id, sort_by_parameter_order=True), rows
        ).scalars())
    _insert_assigned_events(
        session, task_id=task.id, now=now, via=via, actor_id=actor.id if actor else None,
        rows=[(id_, t.organisation_name, t.person_name)
              for id_, t in zip(ids, targets, strict=True)])
    return ids


def get_assignment(*, session: Session, assignment_id: int) -> Assignment:
    """:raises NotFound: no assignment with that id (also for ids no row can have)."""
    assignment = session.get(Assignment, assignment_id) if id_or_none(assignment_id) else None
    if assignment is None:
        raise NotFound(_(
            "assignment {assignment_id} not found")
            .format(assignment_id=assignment_id))
    return assignment


def set_responsible(*, session: Session, assignment_ids: Sequence[int], person: Person,
                    now: datetime, via: Via = Via.CLI, actor: Person | None = None) -> int:
    """Make `person` the responsible person of the open assignments among `assignment_ids`
    of `person`'s own organisation (others are left alone); one ASSIGNED event each, with
    the person's name. Returns how many changed."""
    rows = session.exec(select(Assignment).where(
        Assignment.id.in_(list(assignment_ids)), Assignment.status == AssignmentStatus.OPEN,
        Assignment.organisation_id == person.organisation_id)).all()
    changed = 0
    for assignment in rows:
        if assignment.person_id == person.id:
            continue
        assignment.person_id = person.id
        record_event(session=session, kind=EventKind.ASSIGNED, via=via, at=now,
                     assignment_id=assignment.id, person_id=actor.id if actor else None,
                     person=person.name)
        changed += 1
    return changed
