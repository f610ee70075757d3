"""What the engine hands to a channel: a rendered-ready message for one person.

A `Message` is plain data. The outbox builds it from its records; templates turn it
into an email or a Telegram text; a channel's `notify()` delivers it. Nothing here
does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class MessageKind(StrEnum):
    """What a message is about; one template per kind."""

    REMINDER = "reminder"  # due date ahead
    OVERDUE = "overdue"  # the owner's own overdue items
    ESCALATION = "escalation"  # someone else's overdue items, to a coordinator or lead
    DIGEST = "digest"  # personal digest: several kinds at one send time
    COORDINATOR_DIGEST = "coordinator_digest"  # weekly, an organisation and below
    LEAD_SUMMARY = "lead_summary"  # weekly, the whole region
    FAILURE = "failure"  # delivery to a person failed permanently; told to the coordinator
    EXTENSION = "extension"  # a deadline extension request or its decision
    TEST = "test"  # `tracker email test`


class ChannelKind(StrEnum):
    EMAIL = "email"
    TELEGRAM = "telegram"


class Rule(StrEnum):
    """Why an item is in a message; part of the outbox idempotency key."""

    BEFORE = "before"  # N days before the due date (offset in the key)
    OVERDUE = "overdue"  # repeat to the owner while overdue
    ESCALATION = "escalation"  # a ladder step (step index in the key)
    NOTICE = "notice"  # the item a notice is about (an extension request or decision)


@dataclass(frozen=True)
class Recipient:
    person_id: int | None
    name: str
    email: str | None = None
    telegram_chat_id: int | None = None
    locale: str = "ru"
    timezone: str = "Europe/Moscow"


@dataclass(frozen=True)
class Item:
    """One assignment as it appears in a message."""

    assignment_id: int
    text: str
    due_date: date | None
    days_left: int | None  # negative when overdue; None without a due date
    rule: Rule
    organisation: str
    label: str | None = None  # as in the source document, "3.2"
    document: str | None = None  # "Протокол № 1 от 15.06.2021"
    owner: str | None = None  # who is responsible (for escalations)
    step: int | None = None  # reminder offset in days, or escalation step index
    # For escalations and digests (notifications.content.contacts): the responsible people and
    # the coordinators with their contacts, "Иванова А. В., ivanova@x.ru"; None: not shown.
    owner_contact: str | None = None
    coordinator: str | None = None
    # One-time web links for this recipient: ("complete"|"extend"|"approve"|"reject", url).
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar", "application/vnd.openxmlformats..."
    data: bytes


@dataclass(frozen=True)
class Message:
    """One message to one person over one channel.

    `key` is the outbox key of the message: stable across retries and restarts, so
    the email `Message-ID` derived from it lets mail clients fold a re-send.
    `subject`, `text` and `html` may be left empty: the channel renders them from
    the kind, the items and `context` with its templates.
    """

    key: str
    kind: MessageKind
    channel: ChannelKind
    recipient: Recipient
    items: tuple[Item, ...] = ()
    subject: str = ""
    text: str = ""
    html: str = ""
    attachments: tuple[Attachment, ...] = ()
    context: dict = field(default_factory=dict)  # extra template data (summaries, figures)
    today: date | None = None  # the recipient's local date when planned
