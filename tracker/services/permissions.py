"""Who may act on an assignment."""

from __future__ import annotations

from sqlmodel import Session

from tracker.core.enums import Role
from tracker.core.errors import PermissionDenied
from tracker.core.i18n import _
from tracker.core.models import Assignment, Person
from tracker.services.orgs import subtree_ids


def can_act(*, session: Session, person: Person, assignment: Assignment) -> bool:
    """An officer acts on their own assignments (theirs by name, or their organisation's
    when nobody is named); a coordinator on their organisation's and everything under
    it; the lead and admins on all. Inactive people on none."""
    if not person.active:
        return False
    if person.role in (Role.LEAD, Role.ADMIN):
        return True
    if person.role == Role.COORDINATOR:
        return assignment.organisation_id in subtree_ids(
            session=session, root_id=person.organisation_id
        )
    if assignment.person_id is not None:
        return assignment.person_id == person.id
    return assignment.organisation_id == person.organisation_id


def require_can_act(*, session: Session, person: Person, assignment: Assignment) -> None:
    """:raises PermissionDenied: naming the person and the assignment."""
    if not can_act(session=session, person=person, assignment=assignment):
        raise PermissionDenied(_(
            "{name} may not act on assignment {id}")
            .format(name=person.name, id=assignment.id))


def scope_ids(*, session: Session, person: Person) -> list[int] | None:
    """Organisations whose assignments a person oversees; None means all."""
    if person.role in (Role.LEAD, Role.ADMIN):
        return None
    if person.role == Role.COORDINATOR:
        return subtree_ids(session=session, root_id=person.organisation_id)
    return [person.organisation_id]
