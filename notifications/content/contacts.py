"""Who answers for an assignment, with how to reach them: for escalations and digests.

Reads, never writes. The responsible people of an assignment are the ones its reminders
went to (`notifications.planning.directory.Directory.owners`): its named person if active, else
the active officers of its organisation. Its coordinators are the active coordinators of
its organisation, else of the nearest ancestor that has any
(`Directory.coordinators`). A contact is a name and what the model knows of the way to
reach them: the email address, and whether they use the Telegram bot (the model has no
phone number).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from tracker.core.db import chunks
from tracker.core.enums import Role
from tracker.core.models import Assignment, Organisation, Person


@dataclass(frozen=True)
class Contact:
    name: str
    email: str | None = None
    telegram: bool = False

    def line(self, locale: str = "ru") -> str:
        """'Иванова А. В., ivanova@x.ru' / 'Иванова А. В., Telegram-бот'."""
        ways = [self.email] if self.email else []
        if self.telegram and not self.email:
            ways.append("Telegram" if locale == "en" else "Telegram-бот")
        return ", ".join([self.name, *ways])


@dataclass(frozen=True)
class Responsible:
    owners: tuple[Contact, ...] = ()
    coordinators: tuple[Contact, ...] = ()


def _contact(row) -> Contact:
    return Contact(row.name, row.email or None, row.telegram_chat_id is not None
                   and bool(row.telegram_active))


def responsible(session: Session, assignment_ids: Iterable[int]) -> dict[int, Responsible]:
    """Per assignment id: its responsible people and its coordinators (both possibly
    empty), in a handful of queries whatever the number of assignments."""
    ids = sorted(set(assignment_ids))
    if not ids:
        return {}
    a, p, o = Assignment.__table__.c, Person.__table__.c, Organisation.__table__.c
    rows = []
    for chunk in chunks(ids):
        rows += session.execute(select(a.id, a.organisation_id, a.person_id)
                                .where(a.id.in_(chunk))).all()
    person_ids = sorted({r.person_id for r in rows if r.person_id is not None})
    named: dict[int, Contact] = {}
    for chunk in chunks(person_ids):
        for r in session.execute(select(p.id, p.name, p.email, p.telegram_chat_id,
                                        p.telegram_active)
                                 .where(p.id.in_(chunk), p.active.is_(True))):
            named[r.id] = _contact(r)
    parents: dict[int, int | None] = {}
    by_role: dict[tuple[int, str], list[Contact]] = {}
    todo = {r.organisation_id for r in rows}
    while todo:  # the organisations and their ancestors, a level per query
        level = sorted(todo - parents.keys())
        todo = set()
        for chunk in chunks(level):
            for r in session.execute(select(o.id, o.parent_id).where(o.id.in_(chunk))):
                parents[r.id] = r.parent_id
                if r.parent_id is not None and r.parent_id not in parents:
                    todo.add(r.parent_id)
            for r in session.execute(
                    select(p.organisation_id, p.role, p.name, p.email, p.telegram_chat_id,
                           p.telegram_active)
                    .where(p.organisation_id.in_(chunk), p.active.is_(True),
                           p.role.in_([str(Role.OFFICER), str(Role.COORDINATOR)]))
                    .order_by(p.id)):
                by_role.setdefault((r.organisation_id, str(r.role)), []).append(_contact(r))

    def coordinators(org_id: int) -> tuple[Contact, ...]:
        seen = set()
        current: int | None = org_id
        while current is not None and current not in seen:
            seen.add(current)
            found = by_role.get((current, str(Role.COORDINATOR)))
            if found:
                return tuple(found)
            current = parents.get(current)
        return ()

    result: dict[int, Responsible] = {}
    for r in rows:
        owner = named.get(r.person_id) if r.person_id is not None else None
        owners = (owner,) if owner else tuple(by_role.get((r.organisation_id,
                                                           str(Role.OFFICER)), ()))
        result[r.id] = Responsible(owners, coordinators(r.organisation_id))
    return result


def owner_line(who: Responsible | None, locale: str = "ru") -> str | None:
    """The responsible people, '; '-separated, or None when nobody is."""
    if who is None or not who.owners:
        return None
    return "; ".join(c.line(locale) for c in who.owners)


def coordinator_line(who: Responsible | None, locale: str = "ru") -> str | None:
    if who is None or not who.coordinators:
        return None
    return "; ".join(c.line(locale) for c in who.coordinators)
