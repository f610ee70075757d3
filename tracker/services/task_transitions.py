"""An assignment's state changes: complete, reopen, cancel, extend.

Each is a conditional `UPDATE ... WHERE status = ...` statement: when two people press
«Выполнено» at once, the row count says who won. Each writes its `Event` in the caller's
transaction (`tracker.services.tasks.record_event`), so the audit log and the state never
disagree, and cancels what is still pending for the assignment in the outbox.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session

from tracker.core.enums import AssignmentStatus, EventKind, Via, translated
from tracker.core.errors import Conflict, InvalidInput
from tracker.core.i18n import _
from tracker.core.models import Assignment, Person
from tracker.services.tasks import get_assignment, record_event

__all__ = ["cancel", "cancel_pending_notifications", "complete", "extend", "reopen"]


def cancel_pending_notifications(*, session: Session, assignment_id: int) -> int:
    """Cancel what is still pending for an assignment; messages left empty are cancelled
    (`notifications.outbox.cancel_for`). Returns the number of items cancelled.
    """
    from notifications import outbox  # here: listing and adding tasks never load the outbox

    return outbox.cancel_for(session, assignment_id)


def _transition(
    session: Session, assignment_id: int, expected: AssignmentStatus, **values
) -> bool:
    result = session.exec(
        update(Assignment)
        .where(Assignment.id == assignment_id, Assignment.status == expected)
        .values(**values)
    )
    return result.rowcount == 1


def complete(
    *,
    session: Session,
    assignment_id: int,
    now: datetime,
    via: Via,
    actor: Person | None = None,
    comment: str | None = None,
) -> Assignment:
    """Mark an open assignment done and cancel its pending notifications.

    :raises NotFound: unknown id. :raises Conflict: it is not open (already done by
        someone, or cancelled); the message says by whom and when.
    """
    assignment = get_assignment(session=session, assignment_id=assignment_id)
    comment = (comment or "").strip() or None
    won = _transition(
        session, assignment_id, AssignmentStatus.OPEN,
        status=AssignmentStatus.DONE, completed_at=now, completed_via=via,
        completed_by_id=actor.id if actor else None, completion_comment=comment,
        next_check_at=None,
    )
    session.refresh(assignment)
    if not won:
        raise Conflict(_not_open(session, assignment))
    cancel_pending_notifications(session=session, assignment_id=assignment_id)
    record_event(session=session, kind=EventKind.COMPLETED, via=via, at=now,
                 assignment_id=assignment_id, task_id=assignment.task_id,
                 person_id=actor.id if actor else None, comment=comment)
    return assignment


def _not_open(session: Session, assignment: Assignment) -> str:
    if assignment.status == AssignmentStatus.DONE:
        by_id = assignment.completed_by_id
        who = session.get(Person, by_id) if by_id else None
        at = assignment.completed_at
        when = at.strftime("%Y-%m-%d %H:%M UTC") if at else ""
        if who is not None:
            return _("assignment {id} is already done by {name} ({when})").format(
                id=assignment.id, name=who.name, when=when)
        return _("assignment {id} is already done ({when})").format(id=assignment.id,
                                                                     when=when)
    return _("assignment {id} is {status}, not open").format(
        id=assignment.id, status=translated(AssignmentStatus(assignment.status)))


def reopen(
    *, session: Session, assignment_id: int, now: datetime, via: Via, actor: Person | None = None,
    reason: str | None = None,
) -> Assignment:
    """Reopen a done or cancelled assignment; planning starts afresh.

    :raises NotFound: unknown id. :raises Conflict: it is already open.
    """
    assignment = get_assignment(session=session, assignment_id=assignment_id)
    previous = assignment.status
    if previous == AssignmentStatus.OPEN:
        raise Conflict(_(
            "assignment {assignment_id} is already open")
            .format(assignment_id=assignment_id))
    if not _transition(
        session, assignment_id, previous, status=AssignmentStatus.OPEN, completed_at=None,
        completed_by_id=None, completed_via=None, completion_comment=None, next_check_at=now,
    ):
        raise Conflict(_(
            "assignment {assignment_id} changed meanwhile; try again")
            .format(assignment_id=assignment_id))
    session.refresh(assignment)
    record_event(session=session, kind=EventKind.REOPENED, via=via, at=now,
                 assignment_id=assignment_id, task_id=assignment.task_id,
                 person_id=actor.id if actor else None, previous=str(previous), reason=reason)
    return assignment


def cancel(
    *, session: Session, assignment_id: int, now: datetime, via: Via, actor: Person | None = None,
    reason: str | None = None,
) -> Assignment:
    """Cancel an open assignment (withdrawn decision); nothing more is planned for it.

    :raises NotFound: unknown id. :raises Conflict: it is not open.
    """
    assignment = get_assignment(session=session, assignment_id=assignment_id)
    if not _transition(session, assignment_id, AssignmentStatus.OPEN,
                       status=AssignmentStatus.CANCELLED, next_check_at=None):
        session.refresh(assignment)
        raise Conflict(_not_open(session, assignment))
    session.refresh(assignment)
    cancel_pending_notifications(session=session, assignment_id=assignment_id)
    record_event(session=session, kind=EventKind.CANCELLED, via=via, at=now,
                 assignment_id=assignment_id, task_id=assignment.task_id,
                 person_id=actor.id if actor else None, reason=reason)
    return assignment


def extend(
    *,
    session: Session,
    assignment_id: int,
    new_due: date,
    reason: str,
    now: datetime,
    via: Via,
    actor: Person | None = None,
) -> Assignment:
    """Move an open assignment's due date later; the original stays on record.

    Pending notifications planned for the old date are cancelled and the planner looks
    at the assignment again at once.

    :raises NotFound: unknown id. :raises InvalidInput: no reason, or the new date is
        not after the current one. :raises Conflict: it is not open.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("an extension needs a reason"))
    assignment = get_assignment(session=session, assignment_id=assignment_id)
    if assignment.status != AssignmentStatus.OPEN:
        raise Conflict(_not_open(session, assignment))
    old = assignment.due_date
    if old is not None and new_due <= old:
        raise InvalidInput(
            _(
                "new due date {new_due} is not after the current {old_due}")
                .format(new_due=new_due.isoformat(), old_due=old.isoformat())
        )
    if not _transition(session, assignment_id, AssignmentStatus.OPEN, due_date=new_due,
                       extensions=Assignment.extensions + 1, next_check_at=now):
        raise Conflict(_(
            "assignment {assignment_id} changed meanwhile; try again")
            .format(assignment_id=assignment_id))
    session.refresh(assignment)
    cancel_pending_notifications(session=session, assignment_id=assignment_id)
    record_event(session=session, kind=EventKind.EXTENDED, via=via, at=now,
                 assignment_id=assignment_id, task_id=assignment.task_id,
                 person_id=actor.id if actor else None,
                 old_due=old, new_due=new_due, reason=reason)
    return assignment
