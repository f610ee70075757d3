"""The one key scheme of the outbox.

Every `OutboxMessage` and `OutboxItem` has a unique key that says what it is, so that
recording the same notice twice (a restart, a second service, a re-run) stores it once:

    m:p<person>:<channel>:<slot>             the planner's message for one send slot
    s:p<person>:<channel>:<slot>             the same for items skipped in catch-up
    <base>:<n>                               a later message for a slot already used (n ≥ 2)
    digest:<kind>:<date>:p<person>:<channel> a weekly digest (lead or coordinator)
    x:r<request>:<status>:p<person>:<channel> a notice about an extension request
    f:m<message>:p<coordinator>:<channel>    a notice that message <message> failed
    <key>:email-fallback                     the email copy of a Telegram message

An item's key is its message's key plus `:a<assignment>:<rule>:<step>`, except the
planner's items, keyed by what they remind of (`planned_item`), so that the same
reminder planned into another message is still recognised, and the fallback copies,
whose keys are the original's plus the fallback suffix.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

FALLBACK_SUFFIX = ":email-fallback"


def slot(person_id: int, channel: str, at: datetime, *, skipped: bool = False) -> str:
    """The planner's message for one person, channel and send slot."""
    prefix = "s" if skipped else "m"
    return f"{prefix}:p{person_id}:{channel}:{at.astimezone(UTC):%Y-%m-%dT%H:%MZ}"


def planned_item(assignment_id: int, rule: str, step: int, due: date, person_id: int,
                 channel: str) -> str:
    """A planned reminder; the due date in it lets an extension replan."""
    return f"a{assignment_id}:{rule}:{step}:{due.isoformat()}:p{person_id}:{channel}"


def digest(kind: str, as_of: date, person_id: int, channel: str) -> str:
    return f"digest:{kind}:{as_of.isoformat()}:p{person_id}:{channel}"


def extension(request_id: int, status: str, person_id: int, channel: str) -> str:
    return f"x:r{request_id}:{status}:p{person_id}:{channel}"


def failure(message_id: int, person_id: int, channel: str) -> str:
    return f"f:m{message_id}:p{person_id}:{channel}"


def item(message_key: str, assignment_id: int, rule: str, step: int) -> str:
    """An item of a notice (not a planned reminder) under its message's key."""
    return f"{message_key}:a{assignment_id}:{rule}:{step}"


def fallback(key: str) -> str:
    """The email copy of a Telegram message or item."""
    return key + FALLBACK_SUFFIX


def email_twin(key: str) -> str:
    """The key the same notice has on the email channel (keys end with, or contain,
    ":<channel>": m:p5:telegram:..., digest:...:p5:telegram)."""
    import re

    return re.sub(r":telegram(?=:|$)", ":email", key, count=1)


def numbered(base: str, number: int) -> str:
    return f"{base}:{number}"
