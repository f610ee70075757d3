"""The tables a short command does not touch, defined when first named through
`tracker.core.models` (`from tracker.core.models import OutboxMessage` imports this
module): evidence, extension requests, Telegram invites, one-time web links, web
sessions, the outbox and scheduled runs. See `tracker.core.models` for the conventions;
this module does not import it (the two would import each other).
"""

from datetime import date, datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field

from tracker.core.enums import ExtensionStatus, OutboxStatus, TokenAction
from tracker.core.record import Record, utcnow


class Evidence(Record, table=True):
    """A report file or photo sent as proof of completion."""

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    file_id: str = Field(max_length=200)
    file_name: str | None = Field(default=None, max_length=300)
    mime_type: str | None = Field(default=None, max_length=100)
    at: datetime = Field(default_factory=utcnow)


class ExtensionRequest(Record, table=True):
    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    requested_by_id: int | None = Field(default=None, foreign_key="person.id")
    new_due_date: date
    reason: str = Field(sa_type=Text)
    status: ExtensionStatus = Field(default=ExtensionStatus.PENDING, sa_type=String(16))
    decided_by_id: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class TelegramInvite(Record, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)  # sha256 of the code; never the code
    expires_at: datetime
    used_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class ActionToken(Record, table=True):
    """A one-time web link: bound to one person, one action and (for the task actions)
    one assignment or extension request. Only the SHA-256 of the token is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    action: TokenAction = Field(sa_type=String(16))
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="extensionrequest.id")
    expires_at: datetime
    used_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class WebSession(Record, table=True):
    """A signed-in browser. The cookie carries the random id (signed); the row holds its
    SHA-256, so a copy of the database signs nobody in."""

    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    ended_at: datetime | None = None  # signed out


class OutboxMessage(Record, table=True):
    """One message to one person over one channel, recorded before it is sent."""

    __table_args__ = (Index("ix_outboxmessage_status_next_attempt", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)  # idempotency key of the message
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    channel: str = Field(max_length=16)
    kind: str = Field(max_length=24)
    subject: str | None = Field(default=None, max_length=300)
    payload: str | None = Field(default=None, sa_type=Text)  # JSON: context for templates
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=String(16))
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    last_error: str | None = Field(default=None, sa_type=Text)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = None
    sent_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class OutboxItem(Record, table=True):
    """One planned notification about one assignment; its key makes it happen once."""

    id: int | None = Field(default=None, primary_key=True)
    # (assignment, rule, step, due date, recipient, channel)
    key: str = Field(max_length=200, unique=True)
    message_id: int = Field(foreign_key="outboxmessage.id", index=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    rule: str = Field(max_length=16)
    step: int = 0
    due_date: date | None = None
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=String(16))


class ScheduledRun(Record, table=True):
    """A digest run; the unique (kind, period) makes a restart skip what already ran."""

    __table_args__ = (UniqueConstraint("kind", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    period: str = Field(max_length=40)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
