"""What delivery reports to the caller: the service passes these hooks in and records
the outcomes in its own tables (events, people), in the transaction delivery writes
the outbox in. `notifications` never writes those tables itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Connection
from sqlmodel import Session

from notifications.outbox import Sent


@dataclass(frozen=True)
class Outcomes:
    """`sent(connection, sent)`: messages were delivered, `sent` a list of `Sent` marked
    in this one transaction, `connection` a Core connection in it (or the session, when
    `outbox.mark_sent` is called with one): the service records their events.
    `chat_gone(session, person_id)`: the person's Telegram chat cannot be reached.
    `chat_moved(session, person_id, new_chat_id)`: the person's chat has a new id.
    A hook left None is not called."""

    sent: Callable[[Session | Connection, Sequence[Sent]], None] | None = None
    chat_gone: Callable[[Session, int], None] | None = None
    chat_moved: Callable[[Session, int, int], None] | None = None


NOTHING = Outcomes()
