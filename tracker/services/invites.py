"""Linking a Telegram chat to a person with a one-time invite code.

`tracker people invite PERSON` makes a random code and stores only its SHA-256, with an
expiry; the person opens `https://t.me/<bot>?start=<code>` and the bot calls
`redeem_invite`, which binds the chat and burns the code in one conditional `UPDATE`
(two presses of the link cannot both win).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from tracker.core.errors import InvalidInput, NotFound
from tracker.core.i18n import _
from tracker.core.models import Person, TelegramInvite


class InviteUsed(InvalidInput):
    """The invite code was redeemed before."""


class InviteExpired(InvalidInput):
    """The invite code is past its expiry."""


# Deep-link payloads allow A-Za-z0-9_- and 64 characters; 16 random bytes make 22.
_CODE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii", "replace")).hexdigest()


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={code}"


def create_invite(*, session: Session, person: Person, now: datetime, ttl_days: int) -> str:
    """A new code for `person`, valid `ttl_days`; the code itself is returned, never stored.

    :raises InvalidInput: the person is inactive.
    """
    if not person.active:
        raise InvalidInput(_(
            "{name} is inactive; activate them before inviting")
            .format(name=person.name))
    code = secrets.token_urlsafe(16)
    session.add(TelegramInvite(person_id=person.id, code_hash=code_hash(code),
                               expires_at=now + timedelta(days=ttl_days), created_at=now))
    session.flush()
    return code


def redeem_invite(*, session: Session, code: str, chat_id: int, now: datetime) -> Person:
    """Bind `chat_id` to the person the code was made for and burn the code.

    A chat bound to someone else before is unbound from them first (one chat, one
    person); the invite's `used_at` is the record of the link.

    :raises NotFound: unknown code. :raises InviteUsed, InviteExpired: (`InvalidInput`s).
    """
    if not _CODE.match(code or ""):
        raise NotFound(_("invite code not found"))
    invite = session.exec(
        select(TelegramInvite).where(TelegramInvite.code_hash == code_hash(code))).first()
    if invite is None:
        raise NotFound(_("invite code not found"))
    if invite.used_at is not None:
        raise InviteUsed(_("invite code was already used"))
    expires = invite.expires_at
    if expires.tzinfo is None:  # SQLite returns naive UTC through some paths
        expires = expires.replace(tzinfo=now.tzinfo)
    if expires <= now:
        raise InviteExpired(_("invite code has expired"))
    burnt = session.exec(update(TelegramInvite)
                         .where(TelegramInvite.id == invite.id, TelegramInvite.used_at.is_(None))
                         .values(used_at=now))
    if burnt.rowcount != 1:
        raise InviteUsed(_("invite code was already used"))
    session.exec(update(Person).where(Person.telegram_chat_id == chat_id,
                                      Person.id != invite.person_id)
                 .values(telegram_chat_id=None))
    person = session.get(Person, invite.person_id)
    person.telegram_chat_id = chat_id
    person.telegram_active = True
    session.add(person)
    session.flush()
    return person


def person_by_chat(*, session: Session, chat_id: int) -> Person:
    """The active person linked to a Telegram user/chat id.

    :raises NotFound: nobody (or only an inactive person) is linked to it.
    """
    person = session.exec(select(Person).where(Person.telegram_chat_id == chat_id,
                                               Person.active.is_(True))).first()
    if person is None:
        raise NotFound(_("Telegram chat {chat_id} is not linked to anyone").format(chat_id=chat_id))
    return person
