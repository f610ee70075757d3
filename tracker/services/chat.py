"""What a person does through a chat (the Telegram bot): who they are, their open
assignments, marking done with a report file, comments, extension requests and
decisions, their settings, the overdue figures they oversee.

Keyword-only functions over the caller's session (`tracker.bot.actions` opens one short
transaction per action). Every function starts from the chat's user id and looks the
person up again: nothing in a callback's data is trusted. Domain errors (`NotFound`,
`PermissionDenied`, `Conflict`, `InvalidInput`) reach the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from tracker.core.enums import AssignmentStatus, ChannelPref, EventKind, Role, Via
from tracker.core.errors import Conflict, NotFound
from tracker.core.i18n import _
from tracker.core.models import Assignment, Organisation, Person, live_assignments


@dataclass(frozen=True)
class Who:
    """The person behind a Telegram user, as the handlers need them."""

    id: int
    name: str
    role: Role
    locale: str
    zone: ZoneInfo
    organisation: str
    organisation_id: int
    channels: ChannelPref

    @property
    def overseer(self) -> bool:
        return self.role in (Role.COORDINATOR, Role.LEAD, Role.ADMIN)


@dataclass(frozen=True)
class Card:
    """One assignment as the bot lists it."""

    id: int
    text: str
    label: str | None
    document: str | None
    organisation: str
    due: date | None


@dataclass(frozen=True)
class Done:
    """The outcome of marking an assignment done (now, or earlier by someone)."""

    id: int
    who: str
    at: datetime | None
    already: bool = False


def _who(session, person: Person, default_zone: str) -> Who:
    from tracker.services.people import person_zone

    org = session.get(Organisation, person.organisation_id)
    return Who(person.id, person.name, Role(person.role), person.locale or "ru",
               person_zone(person, default_zone), org.name if org else "", person.organisation_id,
               ChannelPref(person.channels))


def identify(*, session: Session, user_id: int, default_zone: str) -> Who | None:
    """The linked, active person of a Telegram user, or None."""
    from tracker.services.invites import person_by_chat

    try:
        return _who(session, person_by_chat(session=session, chat_id=user_id), default_zone)
    except NotFound:
        return None


def link(*, session: Session, code: str, chat_id: int, now: datetime,
         default_zone: str) -> Who:
    """Redeem an invite code for `chat_id`. :raises NotFound, InvalidInput: a bad code."""
    from tracker.services.invites import redeem_invite

    return _who(session, redeem_invite(session=session, code=code, chat_id=chat_id, now=now),
                default_zone)


def _actor(session, user_id: int) -> Person:
    from tracker.services.invites import person_by_chat

    return person_by_chat(session=session, chat_id=user_id)


def _acting(session, user_id: int, assignment_id: int) -> tuple[Person, Assignment]:
    """The user's person and the assignment, once it is checked that they may act on it.

    :raises NotFound: unknown user or assignment. :raises PermissionDenied: not theirs.
    """
    from tracker.services.permissions import require_can_act
    from tracker.services.tasks import get_assignment

    person = _actor(session, user_id)
    assignment = get_assignment(session=session, assignment_id=assignment_id)
    require_can_act(session=session, person=person, assignment=assignment)
    return person, assignment


def open_cards(*, session: Session, user_id: int, limit: int) -> tuple[list[Card], int]:
    """The person's open assignments, the soonest due first (at most `limit`), and how
    many there are. An officer's are theirs by name or their organisation's unnamed
    ones; a coordinator's everything open in their organisation and below; a lead's or
    admin's those given to them or their own organisation."""
    from sqlalchemy import and_, func, or_, select

    from tracker.core.models import Document, Task
    from tracker.core.titles import document_title
    from tracker.services.orgs import subtree_ids

    person = _actor(session, user_id)
    if person.role == Role.COORDINATOR:
        mine = Assignment.organisation_id.in_(
            subtree_ids(session=session, root_id=person.organisation_id))
    else:
        mine = or_(Assignment.person_id == person.id,
                   and_(Assignment.person_id.is_(None),
                        Assignment.organisation_id == person.organisation_id))
    where = and_(Assignment.status == AssignmentStatus.OPEN, mine, live_assignments())
    count = session.scalar(select(func.count()).select_from(Assignment).where(where))
    rows = session.execute(
        select(Assignment, Task, Organisation, Document)
        .join(Task, Task.id == Assignment.task_id)
        .join(Organisation, Organisation.id == Assignment.organisation_id)
        .outerjoin(Document, Document.id == Task.document_id)
        .where(where)
        .order_by(Assignment.due_date.is_(None), Assignment.due_date, Assignment.id)
        .limit(limit)).all()
    cards = [Card(a.id, task.text, task.label, document_title(doc) if doc else None,
                  org.name, a.due_date) for a, task, org, doc in rows]
    return cards, count


def check_can_act(*, session: Session, user_id: int, assignment_id: int) -> Done | None:
    """None if the user may act on the open assignment; a `Done` if it is done already.

    :raises NotFound: unknown user or assignment. :raises PermissionDenied: not theirs.
    :raises Conflict: the assignment is cancelled.
    """
    person, assignment = _acting(session, user_id, assignment_id)
    return _state(session, assignment)


def due_date(*, session: Session, user_id: int, assignment_id: int) -> date | None:
    """The current due date of an assignment the user may act on.

    :raises NotFound: unknown user or assignment. :raises PermissionDenied: not theirs.
    """
    _actor, assignment = _acting(session, user_id, assignment_id)
    return assignment.due_date


def _state(session, assignment: Assignment) -> Done | None:
    if assignment.status == AssignmentStatus.DONE:
        by = session.get(Person, assignment.completed_by_id) if assignment.completed_by_id \
            else None
        return Done(assignment.id, by.name if by else "—", assignment.completed_at, True)
    if assignment.status == AssignmentStatus.CANCELLED:
        raise Conflict(_("assignment {id} is cancelled").format(id=assignment.id))
    return None


def complete(*, session: Session, user_id: int, assignment_id: int, comment: str | None,
             now: datetime, evidence: tuple[str, str | None, str | None] | None = None) -> Done:
    """Mark done with the channel `bot`; pressing twice, or after someone else, returns
    the earlier completion (`already=True`) instead of failing. `evidence` is
    (file id, file name, MIME type) of a report sent with the comment."""
    from tracker.services.task_transitions import complete as complete_assignment

    person, assignment = _acting(session, user_id, assignment_id)
    earlier = _state(session, assignment)
    if earlier is not None:
        return earlier
    try:
        complete_assignment(session=session, assignment_id=assignment_id, now=now,
                            via=Via.BOT, actor=person, comment=comment)
    except Conflict:  # someone else won the race between the read and the update
        session.refresh(assignment)
        done = _state(session, assignment)
        if done is None:
            raise
        return done
    if evidence is not None:
        _store_evidence(session, person, assignment, evidence, now)
    return Done(assignment_id, person.name, now)


def add_evidence(*, session: Session, user_id: int, assignment_id: int,
                 evidence: tuple[str, str | None, str | None], now: datetime) -> None:
    """Keep a report file or photo with the assignment (done or open)."""
    person, assignment = _acting(session, user_id, assignment_id)
    _store_evidence(session, person, assignment, evidence, now)


def _store_evidence(session, person: Person, assignment: Assignment, evidence, now) -> None:
    from tracker.services.evidence import record_file

    file_id, name, mime = evidence
    record_file(session=session, assignment=assignment, person=person, file_id=file_id,
                file_name=name, mime_type=mime, now=now, via=Via.BOT)


def comment(*, session: Session, user_id: int, assignment_id: int, text: str,
            now: datetime) -> None:
    """Record a comment on an assignment (it stays as it is)."""
    from tracker.services.tasks import record_event

    person, assignment = _acting(session, user_id, assignment_id)
    record_event(session=session, kind=EventKind.COMMENTED, via=Via.BOT, at=now,
                 assignment_id=assignment_id, task_id=assignment.task_id,
                 person_id=person.id, comment=text)


def request_extension(*, session: Session, user_id: int, assignment_id: int, new_due: date,
                      reason: str, today: date, now: datetime) -> tuple[bool, list[str]]:
    """Ask for a new due date: (approved at once, names of those asked to decide)."""
    from tracker.core.enums import ExtensionStatus
    from tracker.services import extensions
    from tracker.services.tasks import get_assignment

    person = _actor(session, user_id)
    request = extensions.request_extension(
        session=session, assignment_id=assignment_id, actor=person, new_due=new_due,
        reason=reason, today=today, now=now)
    if request.status == ExtensionStatus.APPROVED:
        return True, []
    assignment = get_assignment(session=session, assignment_id=assignment_id)
    deciders = extensions.approvers(session=session, assignment=assignment,
                                    exclude=person.id)
    return False, [p.name for p in deciders]


def decide_extension(*, session: Session, user_id: int, request_id: int, approve: bool,
                     now: datetime):
    """Approve or reject; returns (the request, the decider's name)."""
    from tracker.services import extensions

    person = _actor(session, user_id)
    request = extensions.decide_extension(session=session, request_id=request_id,
                                          actor=person, approve=approve, now=now)
    return request, person.name


def request_state(*, session: Session, request_id: int):
    """(status, decider name) of an extension request. :raises NotFound."""
    from tracker.core.models import ExtensionRequest

    request = session.get(ExtensionRequest, request_id)
    if request is None:
        raise NotFound(_("extension request {request_id} not found").format(request_id=request_id))
    by = session.get(Person, request.decided_by_id) if request.decided_by_id else None
    return str(request.status), by.name if by else None


def update_settings(*, session: Session, user_id: int, channels: ChannelPref | None = None,
                    locale: str | None = None, default_zone: str) -> Who:
    """Change the person's channels or language; returns them as the handlers see them."""
    from tracker.services.people import set_preferences

    person = set_preferences(session=session, person=_actor(session, user_id),
                             channels=channels, locale=locale)
    return _who(session, person, default_zone)


@dataclass(frozen=True)
class OverdueView:
    total: int
    scope: str | None  # the coordinator's organisation; None: the whole region
    rows: list[tuple[str, int, int]]  # (organisation, overdue, overdue > 30 days)
    oldest: list  # progress.OverdueItem


def overdue(*, session: Session, user_id: int, today: date, zone: ZoneInfo, rows: int = 15,
            oldest: int = 5) -> OverdueView | None:
    """The overdue figures the person oversees (None for an officer): a coordinator's
    organisation and below, the region for a lead or admin, grouped by organisation,
    the worst first; the same SQL figures as `tracker report overdue`."""
    from tracker.reports import figures, progress

    person = _actor(session, user_id)
    if person.role == Role.OFFICER:
        return None
    root = person.organisation_id if person.role == Role.COORDINATOR else None
    scope = session.get(Organisation, root).name if root else None
    total = figures.totals(session=session, as_of=today, root_org_id=root, zone=zone)
    groups = figures.organisation_figures(session=session, as_of=today, root_org_id=root,
                                          zone=zone)
    items = progress.oldest_overdue(session=session, as_of=today, root_org_id=root,
                                   limit=oldest, zone=zone)
    return OverdueView(total.overdue, scope,
                       [(f.name, f.overdue, f.overdue_30) for f in groups if f.overdue][:rows],
                       items)
