"""One assignment with its history, as `tracker tasks show` shows it: the assignment
with its task, organisation, person and document, its events with who did each, and
the names of those the reminders went to."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, select

from tracker.core.models import Document, Event, Organisation, Person, Task
from tracker.services.task_queries import AssignmentView, assignment_events
from tracker.services.tasks import get_assignment


@dataclass(frozen=True)
class History:
    view: AssignmentView
    events: list[tuple[Event, Person | None]]  # oldest first, with who did each
    names: dict[int, str]  # person id: name, of the recipients of reminders

    def recipient(self, event: Event) -> str | None:
        """The name of the person a reminder or escalation went to, if it says."""
        return self.names.get(recipient_id(event))


def recipient_id(event: Event) -> int | None:
    """The person a reminded/escalated event's details name as the recipient."""
    if not event.details or str(event.kind) not in ("reminded", "escalated"):
        return None
    try:
        found = json.loads(event.details).get("recipient_id")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, int) else None


def assignment_history(*, session: Session, assignment_id: int) -> History:
    """:raises NotFound: no such assignment."""
    a = get_assignment(session=session, assignment_id=assignment_id)
    task = session.get(Task, a.task_id)
    view = AssignmentView(
        a, task, session.get(Organisation, a.organisation_id),
        session.get(Person, a.person_id) if a.person_id else None,
        session.get(Document, task.document_id) if task.document_id else None,
    )
    events = assignment_events(session=session, assignment_id=assignment_id)
    wanted = {recipient_id(e) for e, _ in events} - {None}
    names = dict(session.execute(select(Person.id, Person.name)
                                 .where(Person.id.in_(sorted(wanted)))).all()) if wanted else {}
    return History(view, events, names)
