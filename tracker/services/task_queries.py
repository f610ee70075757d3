"""Assignments as lists and pages show them: `list_assignments` (with their task,
organisation, person and document) and an assignment's events (`assignment_events`).
Read only; the writes are `tracker.services.tasks` and `tracker.services.task_transitions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from tracker.core.enums import AssignmentStatus
from tracker.core.errors import InvalidInput
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

__all__ = ["AssignmentView", "assignment_events", "list_assignments"]


@dataclass
class AssignmentView:
    """An assignment with what is shown next to it."""

    assignment: Assignment
    task: Task
    organisation: Organisation
    person: Person | None
    document: Document | None

    def is_overdue(self, today: date) -> bool:
        a = self.assignment
        return a.status == AssignmentStatus.OPEN and a.due_date is not None and a.due_date < today


def list_assignments(
    *,
    session: Session,
    today: date,
    status: str | None = None,
    organisation_ids: list[int] | None = None,
    person_id: int | None = None,
    due_before: date | None = None,
    limit: int | None = None,
) -> list[AssignmentView]:
    """Assignments, soonest due first (no due date last).

    `status` is open, done, cancelled or overdue (open and due before `today`).
    :raises InvalidInput: an unknown status.
    """
    query = (
        select(Assignment, Task, Organisation, Person, Document)
        .join(Task, Task.id == Assignment.task_id)
        .join(Organisation, Organisation.id == Assignment.organisation_id)
        .outerjoin(Person, Person.id == Assignment.person_id)
        .outerjoin(Document, Document.id == Task.document_id)
        .where(live_assignments())
    )
    if status == "overdue":
        query = query.where(Assignment.status == AssignmentStatus.OPEN,
                            Assignment.due_date < today)
    elif status:
        try:
            query = query.where(Assignment.status == AssignmentStatus(status))
        except ValueError:
            raise InvalidInput(
                _(
                    "invalid status {status!r}: expected open, done, overdue or cancelled")
                    .format(status=status)
            ) from None
    if organisation_ids is not None:
        query = query.where(Assignment.organisation_id.in_(organisation_ids))
    if person_id is not None:
        query = query.where(Assignment.person_id == person_id)
    if due_before is not None:
        query = query.where(Assignment.due_date < due_before)
    query = query.order_by(Assignment.due_date.is_(None), Assignment.due_date, Assignment.id)
    if limit:
        query = query.limit(limit)
    return [AssignmentView(*row) for row in session.exec(query)]


def assignment_events(*, session: Session, assignment_id: int) -> list[tuple[Event, Person | None]]:
    query = (
        select(Event, Person)
        .outerjoin(Person, Person.id == Event.person_id)
        .where(Event.assignment_id == assignment_id)
        .order_by(Event.at, Event.id)
    )
    return list(session.exec(query))
