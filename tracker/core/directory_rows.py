"""The directory from the database: every organisation and person, as plain records.

The one loader of `tracker.core.directory.Directory` (and of its subclasses, such as
the planner's): plain columns, not entities, read once per planning pass or import
batch.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlmodel import Session

from tracker.core.directory import Directory, OrgInfo, PersonInfo
from tracker.core.enums import ChannelPref, OrgKind, Role
from tracker.core.models import Organisation, Person

D = TypeVar("D", bound=Directory)


def load_directory(session: Session, *, into: type[D] = Directory) -> D:
    """Every organisation and person (inactive ones too) as an `into` directory."""
    o, p = Organisation.__table__.c, Person.__table__.c
    orgs = [OrgInfo(id_, parent, name, OrgKind(kind)) for id_, parent, name, kind in
            session.execute(select(o.id, o.parent_id, o.name, o.kind))]
    people = [
        PersonInfo(id=r.id, name=r.name, organisation_id=r.organisation_id, role=Role(r.role),
                   email=r.email, telegram_chat_id=r.telegram_chat_id,
                   telegram_active=bool(r.telegram_active), channels=ChannelPref(r.channels),
                   timezone=r.timezone, locale=r.locale, active=bool(r.active))
        for r in session.execute(select(p.id, p.name, p.organisation_id, p.role, p.email,
                                        p.telegram_chat_id, p.telegram_active, p.channels,
                                        p.timezone, p.locale, p.active))
    ]
    return into(orgs, people)


def person_info(p: Person) -> PersonInfo:
    """One `Person` entity as the directory's record."""
    return PersonInfo(
        id=p.id, name=p.name, organisation_id=p.organisation_id, role=Role(p.role),
        email=p.email, telegram_chat_id=p.telegram_chat_id, telegram_active=p.telegram_active,
        channels=ChannelPref(p.channels), timezone=p.timezone, locale=p.locale, active=p.active,
    )
