"""One-time web links: action tokens (a task done, an extension asked for or decided)
and sign-in links.

A token is 32 random bytes (43 URL-safe characters); only its SHA-256 is stored, with
the one person, the one action and the assignment or extension request it is good for,
and an expiry. Using it burns it with a conditional `UPDATE ... WHERE used_at IS NULL`:
two presses of the same link cannot both win.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import insert, update
from sqlmodel import Session, select

from tracker.core.enums import TokenAction
from tracker.core.errors import InvalidInput, NotFound
from tracker.core.i18n import _
from tracker.core.models import ActionToken

TOKEN_LENGTH = 43
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


class TokenUsed(InvalidInput):
    """The link was used before (the action it was made for is done)."""


class TokenExpired(InvalidInput):
    """The link is past its expiry."""


class TokenMalformed(InvalidInput):
    """Not a token at all: wrong length or characters."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def well_formed(token: str) -> bool:
    return bool(_TOKEN.match(token or ""))


@dataclass(frozen=True)
class TokenSpec:
    """What one token is for."""

    person_id: int
    action: TokenAction
    assignment_id: int | None = None
    request_id: int | None = None


def create_tokens(*, session: Session, specs: Sequence[TokenSpec], now: datetime,
                  ttl: timedelta) -> list[str]:
    """One new token per spec, in order (one executemany INSERT); the tokens themselves
    are returned and never stored."""
    tokens = [secrets.token_urlsafe(32) for _ in specs]
    if specs:
        session.connection().execute(insert(ActionToken.__table__), [
            {"token_hash": token_hash(token), "person_id": spec.person_id,
             "action": str(spec.action), "assignment_id": spec.assignment_id,
             "request_id": spec.request_id, "expires_at": now + ttl, "used_at": None,
             "created_at": now}
            for token, spec in zip(tokens, specs, strict=True)])
    return tokens


def create_token(*, session: Session, spec: TokenSpec, now: datetime, ttl: timedelta) -> str:
    return create_tokens(session=session, specs=[spec], now=now, ttl=ttl)[0]


def look_up(*, session: Session, token: str, now: datetime) -> ActionToken:
    """The live token row.

    :raises TokenMalformed: not 43 URL-safe characters. :raises NotFound: unknown.
    :raises TokenUsed, TokenExpired: (`InvalidInput`s).
    """
    if not well_formed(token):
        raise TokenMalformed(_(
            "a link token is {TOKEN_LENGTH} characters of A-Z, a-z, 0-9, - and _; got {count}")
            .format(TOKEN_LENGTH=TOKEN_LENGTH, count=len(token or '')))
    row = session.exec(select(ActionToken).where(ActionToken.token_hash == token_hash(token))
                       ).first()
    if row is None:
        raise NotFound(_("link not found"))
    if row.used_at is not None:
        raise TokenUsed(_("the link was already used"))
    expires = row.expires_at
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=now.tzinfo)
    if expires <= now:
        raise TokenExpired(_("the link has expired"))
    return row


def burn(*, session: Session, row: ActionToken, now: datetime) -> None:
    """Mark the token used; :raises TokenUsed: someone else burnt it first."""
    result = session.exec(update(ActionToken)
                          .where(ActionToken.id == row.id, ActionToken.used_at.is_(None))
                          .values(used_at=now))
    if result.rowcount != 1:
        raise TokenUsed(_("the link was already used"))
    row.used_at = now


def burn_siblings(*, session: Session, assignment_id: int, actions: Sequence[TokenAction],
                  now: datetime) -> int:
    """Burn every live token of `assignment_id` for `actions` (the task is done, so its
    other «Отметить выполненным» links are dead too). Returns how many."""
    result = session.exec(update(ActionToken)
                          .where(ActionToken.assignment_id == assignment_id,
                                 ActionToken.action.in_([str(a) for a in actions]),
                                 ActionToken.used_at.is_(None))
                          .values(used_at=now))
    return result.rowcount


def burn_request_tokens(*, session: Session, request_id: int, now: datetime) -> int:
    """Burn every live approve/reject token of an extension request (it is decided)."""
    result = session.exec(update(ActionToken)
                          .where(ActionToken.request_id == request_id,
                                 ActionToken.used_at.is_(None))
                          .values(used_at=now))
    return result.rowcount


def find_live(*, session: Session, token: str) -> ActionToken | None:
    """The row of `token` whatever its state (for showing what a used link was for)."""
    if not well_formed(token):
        return None
    return session.exec(select(ActionToken).where(ActionToken.token_hash == token_hash(token))
                        ).first()


def require_action(row: ActionToken, *actions: TokenAction) -> None:
    if row.action not in {str(a) for a in actions}:
        raise NotFound(_("link not found"))


def purge(*, session: Session, before: datetime) -> int:
    """Delete tokens and sessions that expired before `before` (kept a while after
    expiry so a late click still says "expired", not "not found"). Returns how many."""
    from sqlalchemy import delete

    from tracker.core.models import WebSession

    tokens = session.exec(delete(ActionToken).where(ActionToken.expires_at < before))
    sessions = session.exec(delete(WebSession).where(WebSession.expires_at < before))
    return tokens.rowcount + sessions.rowcount
