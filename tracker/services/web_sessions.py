"""Browser sessions of the web workspace: sign-in links and signed-in browsers.

A sign-in link is an action token with the action `sign_in` (see `web_tokens`), valid
for minutes. Redeeming it burns it and opens a session: a random id whose SHA-256 is
stored with the person and an expiry; the browser keeps the id in a signed cookie.
Signing out ends the row, so a stolen cookie dies with it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from tracker.core.enums import TokenAction
from tracker.core.errors import InvalidInput, NotFound
from tracker.core.i18n import _
from tracker.core.models import Person, WebSession
from tracker.services import web_tokens


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("ascii", "replace")).hexdigest()


def create_sign_in(*, session: Session, person: Person, now: datetime,
                   ttl: timedelta) -> str:
    """A one-time sign-in token for `person`. :raises InvalidInput: inactive person."""
    if not person.active:
        raise InvalidInput(_("{name} is inactive; activate them first").format(name=person.name))
    return web_tokens.create_token(
        session=session, spec=web_tokens.TokenSpec(person.id, TokenAction.SIGN_IN),
        now=now, ttl=ttl)


def redeem_sign_in(*, session: Session, token: str, now: datetime,
                   days: int) -> tuple[Person, str]:
    """Burn a sign-in token and open a session; returns the person and the session id.

    :raises NotFound, TokenUsed, TokenExpired, TokenMalformed: as `web_tokens.look_up`.
    """
    row = web_tokens.look_up(session=session, token=token, now=now)
    web_tokens.require_action(row, TokenAction.SIGN_IN)
    person = session.get(Person, row.person_id)
    if person is None or not person.active:
        raise NotFound(_("link not found"))
    web_tokens.burn(session=session, row=row, now=now)
    return person, open_session(session=session, person=person, now=now, days=days)


def open_session(*, session: Session, person: Person, now: datetime, days: int) -> str:
    session_id = secrets.token_urlsafe(32)
    session.add(WebSession(session_hash=_hash(session_id), person_id=person.id,
                           created_at=now, expires_at=now + timedelta(days=days)))
    session.flush()
    return session_id


def person_of(*, session: Session, session_id: str, now: datetime) -> Person | None:
    """The active person of a live session, or None (unknown, ended, expired)."""
    row = session.exec(select(WebSession).where(WebSession.session_hash == _hash(session_id))
                       ).first()
    if row is None or row.ended_at is not None:
        return None
    expires = row.expires_at
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=now.tzinfo)
    if expires <= now:
        return None
    person = session.get(Person, row.person_id)
    return person if person is not None and person.active else None


def end_session(*, session: Session, session_id: str, now: datetime) -> bool:
    """Sign out; True if a live session was ended."""
    result = session.exec(update(WebSession)
                          .where(WebSession.session_hash == _hash(session_id),
                                 WebSession.ended_at.is_(None))
                          .values(ended_at=now))
    return result.rowcount == 1
