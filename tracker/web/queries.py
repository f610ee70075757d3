"""Reads the pages need beyond the services' listings (no writes here)."""

from __future__ import annotations

from sqlmodel import Session, select

from tracker.core.models import (
    Assignment,
    Document,
    Event,
    Evidence,
    ExtensionRequest,
    Organisation,
    Person,
    Task,
)
from tracker.services.task_queries import AssignmentView
from tracker.web.common import WebError


def assignment_view(session: Session, assignment_id: int) -> AssignmentView:
    """:raises WebError: 404 for an unknown id."""
    row = session.exec(
        select(Assignment, Task, Organisation, Person, Document)
        .join(Task, Task.id == Assignment.task_id)
        .join(Organisation, Organisation.id == Assignment.organisation_id)
        .outerjoin(Person, Person.id == Assignment.person_id)
        .outerjoin(Document, Document.id == Task.document_id)
        .where(Assignment.id == assignment_id)).first()
    if row is None:
        raise WebError(404, "err_not_found")
    return AssignmentView(*row)


def events_of(session: Session, assignment_id: int) -> list[tuple[Event, Person | None]]:
    return list(session.exec(
        select(Event, Person).outerjoin(Person, Person.id == Event.person_id)
        .where(Event.assignment_id == assignment_id).order_by(Event.at, Event.id)))


def evidence_of(session: Session, assignment_id: int) -> list[Evidence]:
    return list(session.exec(select(Evidence).where(Evidence.assignment_id == assignment_id)
                             .order_by(Evidence.at, Evidence.id)))


def pending_request(session: Session, assignment_id: int) -> ExtensionRequest | None:
    from tracker.services.extensions import pending_for

    return pending_for(session=session, assignment_id=assignment_id)
