"""Database tables (SQLModel). Timestamps are aware UTC; due dates are dates.

Enums are stored as plain strings (`String` columns with a length) rather than native
enums, so the same schema migrates on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, MetaData, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.core.enums import (
    AssignmentStatus,
    ChannelPref,
    DocumentKind,
    EventKind,
    ExtensionStatus,
    Level,
    OrgKind,
    OutboxStatus,
    Recurrence,
    Role,
    TokenAction,
    Via,
)

# Named constraints let Alembic's batch mode (SQLite) drop and recreate them.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata: MetaData = SQLModel.metadata


def utcnow() -> datetime:
    """The current time, aware UTC. Only edges (CLI, bot, delivery loop) call this."""
    return datetime.now(dt.UTC)


class OrganisationBase(SQLModel):
    name: str = Field(max_length=300)
    kind: OrgKind = Field(sa_type=String(24))
    category: str | None = Field(default=None, max_length=120)  # "городской округ"
    parent_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)


class Organisation(OrganisationBase, table=True):
    __table_args__ = (UniqueConstraint("parent_id", "name_key"),)
    id: int | None = Field(default=None, primary_key=True)
    name_key: str = Field(max_length=300, index=True)


class PersonBase(SQLModel):
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=254)
    telegram_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    role: Role = Field(default=Role.OFFICER, sa_type=String(24))
    locale: str = Field(default="ru", max_length=8)
    timezone: str | None = Field(default=None, max_length=64)  # None: the config's
    channels: ChannelPref = Field(default=ChannelPref.BOTH, sa_type=String(16))
    active: bool = True


class Person(PersonBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name_key: str = Field(max_length=200, index=True)
    # False after Telegram said the bot is blocked or the chat is gone.
    telegram_active: bool = True


class Document(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    kind: DocumentKind = Field(sa_type=String(24))
    number: str | None = Field(default=None, max_length=64)
    date: dt.date | None = None
    title: str | None = Field(default=None, sa_type=Text)
    issuer: str | None = Field(default=None, max_length=300)
    chair: str | None = Field(default=None, max_length=200)
    secretary: str | None = Field(default=None, max_length=200)
    source: str | None = Field(default=None, max_length=500)  # the file name
    content_hash: str | None = Field(default=None, max_length=64, unique=True)
    imported_at: datetime = Field(default_factory=utcnow)


class TaskBase(SQLModel):
    document_id: int | None = Field(default=None, foreign_key="document.id", index=True)
    label: str | None = Field(default=None, max_length=32)
    text: str = Field(sa_type=Text)
    level: Level = Field(sa_type=String(16))
    due_date: date | None = None
    due_text: str | None = Field(default=None, max_length=300)
    recurrence: Recurrence | None = Field(default=None, sa_type=String(16))
    period_start: date | None = None  # the period a recurring task runs in
    period_end: date | None = None
    actionable: bool = True  # statements ("принять к сведению") stay on record only


class Task(TaskBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class AssignmentBase(SQLModel):
    # Looked up through the indexes of `Assignment.__table_args__`, which begin with them.
    task_id: int = Field(foreign_key="task.id")
    organisation_id: int = Field(foreign_key="organisation.id")
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    due_date: date | None = None  # current; an approved extension moves it
    original_due_date: date | None = None  # as first set; stays on record
    period: str | None = Field(default=None, max_length=16)  # "2022-03" for recurring occurrences


_REPORT_COLUMNS = ("status", "due_date", "completed_at", "created_at")


class Assignment(AssignmentBase, table=True):
    __table_args__ = (
        UniqueConstraint("task_id", "organisation_id", "period"),
        # The tick reads only rows whose next planning moment has come.
        Index("ix_assignment_status_next_check", "status", "next_check_at"),
        # The report's two scans (tracker.reports.scan) read these in the order of their
        # GROUP BY, holding every column they read: no sort, no access to the table.
        Index("ix_assignment_holder_scan", "organisation_id", "person_id", *_REPORT_COLUMNS,
              "task_id", "period"),
        Index("ix_assignment_task_scan", "task_id", "organisation_id", *_REPORT_COLUMNS,
              "period"),
    )
    id: int | None = Field(default=None, primary_key=True)
    status: AssignmentStatus = Field(default=AssignmentStatus.OPEN, sa_type=String(16))
    completed_at: datetime | None = None
    completed_by_id: int | None = Field(default=None, foreign_key="person.id")
    completed_via: Via | None = Field(default=None, sa_type=String(16))
    completion_comment: str | None = Field(default=None, sa_type=Text)
    extensions: int = 0
    # When the planner must look at this row again (UTC); None: nothing left to plan.
    next_check_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Event(SQLModel, table=True):
    """Append-only audit log."""

    id: int | None = Field(default=None, primary_key=True)
    kind: EventKind = Field(sa_type=String(24), index=True)
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="task.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")  # who did it
    via: Via = Field(sa_type=String(16))
    at: datetime = Field(default_factory=utcnow, index=True)
    details: str | None = Field(default=None, sa_type=Text)  # JSON


class Evidence(SQLModel, table=True):
    """A report file or photo sent as proof of completion."""

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")
    file_id: str = Field(max_length=200)
    file_name: str | None = Field(default=None, max_length=300)
    mime_type: str | None = Field(default=None, max_length=100)
    at: datetime = Field(default_factory=utcnow)


class ExtensionRequest(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    requested_by_id: int | None = Field(default=None, foreign_key="person.id")
    new_due_date: date
    reason: str = Field(sa_type=Text)
    status: ExtensionStatus = Field(default=ExtensionStatus.PENDING, sa_type=String(16))
    decided_by_id: int | None = Field(default=None, foreign_key="person.id")
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class TelegramInvite(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)  # sha256 of the code; never the code
    expires_at: datetime
    used_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class ActionToken(SQLModel, table=True):
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


class WebSession(SQLModel, table=True):
    """A signed-in browser. The cookie carries the random id (signed); the row holds its
    SHA-256, so a copy of the database signs nobody in."""

    id: int | None = Field(default=None, primary_key=True)
    session_hash: str = Field(max_length=64, unique=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    ended_at: datetime | None = None  # signed out


class OutboxMessage(SQLModel, table=True):
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


class OutboxItem(SQLModel, table=True):
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


class ScheduledRun(SQLModel, table=True):
    """A digest run; the unique (kind, period) makes a restart skip what already ran."""

    __table_args__ = (UniqueConstraint("kind", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    period: str = Field(max_length=40)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


def live_assignments():
    """SQL condition: the assignment is a live one, not the template of a recurring task.

    A recurring task ("ежемесячно") keeps one assignment per organisation with no
    `period`: it names who the task is given to, and `create_occurrences` copies it into
    one assignment per period. Only those occurrences are planned, listed and counted;
    the template would count the same work twice. Recurring tasks are few, so the
    subquery is small on any database.
    """
    from sqlalchemy import or_, select

    a = Assignment.__table__.c
    recurring = select(Task.__table__.c.id).where(Task.__table__.c.recurrence.is_not(None))
    return or_(a.period.is_not(None), a.task_id.not_in(recurring))
