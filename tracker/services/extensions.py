"""Deadline extension requests: asked for by the owner, decided by a coordinator.

An officer asks for a new date with a reason (`request_extension`); the coordinators
of the assignment's organisation (or of its nearest ancestor with any; else the leads)
get a notice through the outbox with «Согласовать» / «Отклонить». `decide_extension`
approves (the due date moves through `task_transitions.extend`, the original stays on record, the
planner plans afresh) or rejects; the requester is told either way. A lead or admin
asking for an extension is their own approver: the date moves at once.

Deciding is a conditional `UPDATE ... WHERE status = 'pending'`: two coordinators
pressing at once cannot both decide.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, select

from notifications import keys, outbox
from notifications.message import MessageKind, Rule
from notifications.planning.directory import channels_of
from tracker.core.directory_rows import person_info
from tracker.core.enums import (
    AssignmentStatus,
    EventKind,
    ExtensionStatus,
    Role,
    Via,
    translated,
)
from tracker.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tracker.core.i18n import _
from tracker.core.ids import id_or_none
from tracker.core.models import (
    Assignment,
    ExtensionRequest,
    Organisation,
    Person,
)
from tracker.core.orgtree import coordinators_up
from tracker.services.permissions import can_act
from tracker.services.task_transitions import extend
from tracker.services.tasks import get_assignment, record_event

_DECIDERS = (Role.COORDINATOR, Role.LEAD, Role.ADMIN)


class RequestWaiting(Conflict):
    """An extension request for the assignment already waits for a decision."""


class NobodyToDecide(Conflict):
    """No coordinator, lead or admin is there to decide an extension."""


def request_extension(*, session: Session, assignment_id: int, actor: Person, new_due: date,
                      reason: str, today: date, now: datetime,
                      via: Via = Via.BOT) -> ExtensionRequest:
    """Ask for `new_due`; returns the request (already approved for a lead or admin).

    :raises NotFound: unknown assignment. :raises PermissionDenied: `actor` may not act
        on it. :raises InvalidInput: no reason, or the date is not after the current due
        date and today. :raises Conflict: it is not open, a request already waits, or
        nobody is there to decide (`RequestWaiting`, `NobodyToDecide`).
    """
    assignment = get_assignment(session=session, assignment_id=assignment_id)
    if not can_act(session=session, person=actor, assignment=assignment):
        raise PermissionDenied(_(
            "{name} may not act on assignment {assignment_id}")
            .format(name=actor.name, assignment_id=assignment_id))
    if assignment.status != AssignmentStatus.OPEN:
        raise Conflict(_(
            "assignment {assignment_id} is {status}")
            .format(assignment_id=assignment_id,
                    status=translated(AssignmentStatus(assignment.status))))
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(_("an extension needs a reason"))
    floor = max(d for d in (assignment.due_date, today) if d is not None)
    if new_due <= floor:
        raise InvalidInput(_(
            "new due date {new_due:%d.%m.%Y} must be after {floor:%d.%m.%Y}")
            .format(new_due=new_due, floor=floor))
    waiting = session.exec(select(ExtensionRequest.id).where(
        ExtensionRequest.assignment_id == assignment_id,
        ExtensionRequest.status == ExtensionStatus.PENDING)).first()
    if waiting is not None:
        raise RequestWaiting(_(
            "extension request {waiting} for assignment {assignment_id} is still waiting for a "
            "decision")
            .format(waiting=waiting, assignment_id=assignment_id))
    request = ExtensionRequest(assignment_id=assignment_id, requested_by_id=actor.id,
                               new_due_date=new_due, reason=reason, created_at=now)
    if actor.role in (Role.LEAD, Role.ADMIN):
        extend(session=session, assignment_id=assignment_id, new_due=new_due, reason=reason,
               now=now, via=via, actor=actor)
        request.status, request.decided_by_id, request.decided_at = (
            ExtensionStatus.APPROVED, actor.id, now)
        session.add(request)
        session.flush()
        return request
    deciders = approvers(session=session, assignment=assignment, exclude=actor.id)
    if not deciders:
        raise NobodyToDecide(_(
            "nobody can approve an extension of assignment {assignment_id}")
            .format(assignment_id=assignment_id))
    session.add(request)
    session.flush()
    record_event(session=session, kind=EventKind.EXTENSION_REQUESTED, via=via, at=now,
                 assignment_id=assignment_id, task_id=assignment.task_id, person_id=actor.id,
                 request_id=request.id, old_due=assignment.due_date, new_due=new_due,
                 reason=reason)
    payload = _payload(request, assignment, "requested", requested_by=actor.name)
    for person in deciders:
        _record_notice(session, person, request, assignment, payload, now=now)
    return request


def decide_extension(*, session: Session, request_id: int, actor: Person | None,
                     approve: bool, now: datetime, via: Via = Via.BOT) -> ExtensionRequest:
    """Approve or reject a pending request and tell the requester. `actor` None is the
    administrator at the command line, who may decide any request.

    :raises NotFound: unknown request. :raises PermissionDenied: `actor` is not a
        coordinator, lead or admin over the assignment, or decides their own request.
    :raises Conflict: already decided (by whom is in the message).
    """
    request = session.get(ExtensionRequest, request_id) if id_or_none(request_id) else None
    if request is None:
        raise NotFound(_("extension request {request_id} not found").format(request_id=request_id))
    assignment = get_assignment(session=session, assignment_id=request.assignment_id)
    if actor is not None:
        own = request.requested_by_id == actor.id and actor.role not in (Role.LEAD,
                                                                         Role.ADMIN)
        if actor.role not in _DECIDERS or own or not can_act(session=session, person=actor,
                                                             assignment=assignment):
            raise PermissionDenied(
                _(
                    "{name} may not decide extension request {request_id}")
                    .format(name=actor.name, request_id=request_id))
    status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    won = session.exec(update(ExtensionRequest)
                       .where(ExtensionRequest.id == request_id,
                              ExtensionRequest.status == ExtensionStatus.PENDING)
                       .values(status=status, decided_by_id=actor.id if actor else None,
                               decided_at=now))
    session.refresh(request)
    if won.rowcount != 1:
        who = session.get(Person, request.decided_by_id) if request.decided_by_id else None
        if request.status == ExtensionStatus.APPROVED:
            message = (_("extension request {request_id} was already approved by {name}") if who
                       else _("extension request {request_id} was already approved"))
        else:
            message = (_("extension request {request_id} was already rejected by {name}") if who
                       else _("extension request {request_id} was already rejected"))
        raise Conflict(message.format(request_id=request_id, name=who.name if who else ""))
    old_due = assignment.due_date
    if approve:
        extend(session=session, assignment_id=assignment.id, new_due=request.new_due_date,
               reason=request.reason, now=now, via=via, actor=actor)
    else:
        record_event(session=session, kind=EventKind.EXTENSION_REJECTED, via=via, at=now,
                     assignment_id=assignment.id, task_id=assignment.task_id,
                     person_id=actor.id if actor else None, request_id=request_id)
    requester = session.get(Person, request.requested_by_id) if request.requested_by_id else None
    if requester is not None:
        requester_name = requester.name
        payload = _payload(request, assignment, str(status), requested_by=requester_name,
                           decided_by=actor.name if actor else None, old_due=old_due)
        _record_notice(session, requester, request, assignment, payload, now=now)
    return request


def approvers(*, session: Session, assignment: Assignment, exclude: int | None) -> list[Person]:
    """Who decides: the active coordinators of the assignment's organisation or its
    nearest ancestor with any; failing that the leads, then the admins."""
    found = coordinators_up(session, assignment.organisation_id, exclude=exclude)
    if found:
        return found
    for role in (Role.LEAD, Role.ADMIN):
        found = _active(session, Person.role == role, exclude=exclude)
        if found:
            return found
    return []


def pending_for(*, session: Session, assignment_id: int) -> ExtensionRequest | None:
    return session.exec(select(ExtensionRequest).where(
        ExtensionRequest.assignment_id == assignment_id,
        ExtensionRequest.status == ExtensionStatus.PENDING)).first()


def _active(session: Session, *conditions, exclude: int | None) -> list[Person]:
    query = select(Person).where(Person.active.is_(True), *conditions).order_by(Person.id)
    if exclude is not None:
        query = query.where(Person.id != exclude)
    return list(session.exec(query))


def _payload(request: ExtensionRequest, assignment: Assignment, status: str, *,
             requested_by: str, decided_by: str | None = None,
             old_due: date | None = None) -> dict:
    old = old_due or assignment.due_date
    return {"status": status, "request_id": request.id, "reason": request.reason,
            "old_due": old.isoformat() if old else None,
            "new_due": request.new_due_date.isoformat(),
            "requested_by": requested_by, "decided_by": decided_by}


def _record_notice(session: Session, person: Person, request: ExtensionRequest,
                   assignment: Assignment, payload: dict, *, now: datetime) -> None:
    """One EXTENSION message per channel of `person`, carrying the assignment as its item;
    the key (`keys.extension`) makes a retry of the same decision record nothing new."""
    outbox.enqueue_many(session, [
        outbox.Notice(key=keys.extension(request.id, payload["status"], person.id, str(channel)),
                      person_id=person.id, channel=str(channel), kind=MessageKind.EXTENSION,
                      payload={**payload, "planned_at": now.isoformat()},
                      items=[outbox.NoticeItem(assignment.id, Rule.NOTICE, 0,
                                               assignment.due_date)])
        for channel in channels_of(person_info(person))
    ], now=now)


def list_requests(*, session: Session, status: ExtensionStatus | None = None):
    """(request, assignment, task, organisation, requester) rows, the newest first."""
    from tracker.core.models import Task

    query = (select(ExtensionRequest, Assignment, Task, Organisation, Person)
             .join(Assignment, Assignment.id == ExtensionRequest.assignment_id)
             .join(Task, Task.id == Assignment.task_id)
             .join(Organisation, Organisation.id == Assignment.organisation_id)
             .outerjoin(Person, Person.id == ExtensionRequest.requested_by_id)
             .order_by(ExtensionRequest.created_at.desc(), ExtensionRequest.id.desc()))
    if status is not None:
        query = query.where(ExtensionRequest.status == status)
    return list(session.exec(query))
