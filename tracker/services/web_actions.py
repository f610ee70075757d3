"""What a one-time action link does: the services behind `/a/<token>`.

Each function looks the token up, checks it is for this action and that its person may
still act, does the action (through `task_transitions` / `extensions`, `via = web`) and burns the
token, all in the caller's transaction: a failed action leaves the link usable and
nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from tracker.core.enums import AssignmentStatus, EventKind, TokenAction, Via, translated
from tracker.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tracker.core.i18n import _
from tracker.core.models import ActionToken, Assignment, ExtensionRequest, Person
from tracker.services import evidence as evidence_files
from tracker.services import extensions, task_transitions, tasks, web_tokens
from tracker.services.permissions import can_act

MAX_COMMENT = 4000  # characters of a comment or a reason

TASK_ACTIONS = (TokenAction.COMPLETE, TokenAction.EXTEND)
DECISIONS = (TokenAction.APPROVE, TokenAction.REJECT)


@dataclass
class Resolved:
    """A live token with what it acts on."""

    token: ActionToken
    person: Person
    assignment: Assignment
    request: ExtensionRequest | None = None


def check_text(text: str | None) -> None:
    """:raises InvalidInput: longer than `MAX_COMMENT` characters."""
    if text is not None and len(text) > MAX_COMMENT:
        raise InvalidInput(_(
            "the text is {count} characters; the limit is {MAX_COMMENT}")
            .format(count=len(text), MAX_COMMENT=MAX_COMMENT))


def resolve(*, session: Session, token: str, now: datetime) -> Resolved:
    """The live token of an action link, its person and its assignment (and request).

    :raises TokenMalformed, TokenUsed, TokenExpired, NotFound: see `web_tokens.look_up`.
    :raises PermissionDenied: the person is inactive or may no longer act on it.
    """
    row = web_tokens.look_up(session=session, token=token, now=now)
    web_tokens.require_action(row, *TASK_ACTIONS, *DECISIONS)
    person = session.get(Person, row.person_id)
    request = session.get(ExtensionRequest, row.request_id) if row.request_id else None
    assignment_id = row.assignment_id or (request.assignment_id if request else None)
    assignment = session.get(Assignment, assignment_id) if assignment_id else None
    if person is None or assignment is None:
        raise NotFound(_("link not found"))
    if not can_act(session=session, person=person, assignment=assignment):
        raise PermissionDenied(_(
            "{name} may not act on assignment {id}")
            .format(name=person.name, id=assignment.id))
    return Resolved(row, person, assignment, request)


def complete(*, session: Session, token: str, now: datetime, comment: str | None,
             upload: evidence_files.Upload | None, limits: evidence_files.Limits) -> Resolved:
    """Mark the link's assignment done (with an optional comment and evidence file).

    :raises Conflict: it is not open any more. Plus those of `resolve` and
        `evidence.store`.
    """
    check_text(comment)
    found = resolve(session=session, token=token, now=now)
    web_tokens.require_action(found.token, TokenAction.COMPLETE)
    if upload is not None:
        evidence_files.check_upload(upload, limits)
    web_tokens.burn(session=session, row=found.token, now=now)
    task_transitions.complete(session=session, assignment_id=found.assignment.id, now=now,
                              via=Via.WEB, actor=found.person, comment=comment)
    if upload is not None:
        evidence_files.store(session=session, assignment=found.assignment, person=found.person,
                             upload=upload, limits=limits, now=now)
    web_tokens.burn_siblings(session=session, assignment_id=found.assignment.id,
                             actions=TASK_ACTIONS, now=now)
    return found


def request_extension(*, session: Session, token: str, now: datetime, today: date,
                      new_due: date, reason: str) -> tuple[Resolved, ExtensionRequest]:
    """Ask for a new due date through the link. Raises as `extensions.request_extension`
    and `resolve`."""
    check_text(reason)
    found = resolve(session=session, token=token, now=now)
    web_tokens.require_action(found.token, TokenAction.EXTEND)
    if found.assignment.status != AssignmentStatus.OPEN:
        raise Conflict(_(
            "assignment {id} is {status}")
            .format(id=found.assignment.id,
                    status=translated(AssignmentStatus(found.assignment.status))))
    web_tokens.burn(session=session, row=found.token, now=now)
    request = extensions.request_extension(
        session=session, assignment_id=found.assignment.id, actor=found.person,
        new_due=new_due, reason=reason, today=today, now=now, via=Via.WEB)
    return found, request


def decide(*, session: Session, token: str, now: datetime) -> tuple[Resolved, ExtensionRequest]:
    """Approve or reject (as the token says) the link's extension request."""
    found = resolve(session=session, token=token, now=now)
    web_tokens.require_action(found.token, *DECISIONS)
    if found.request is None:
        raise NotFound(_("link not found"))
    web_tokens.burn(session=session, row=found.token, now=now)
    request = extensions.decide_extension(
        session=session, request_id=found.request.id, actor=found.person,
        approve=found.token.action == TokenAction.APPROVE, now=now, via=Via.WEB)
    web_tokens.burn_request_tokens(session=session, request_id=request.id, now=now)
    return found, request


def comment(*, session: Session, assignment: Assignment, person: Person, text: str,
            now: datetime) -> None:
    """A comment on an assignment (it stays as it is), as an Event with via = web."""
    check_text(text)
    tasks.record_event(session=session, kind=EventKind.COMMENTED, via=Via.WEB, at=now,
                       assignment_id=assignment.id, task_id=assignment.task_id,
                       person_id=person.id, text=text)
