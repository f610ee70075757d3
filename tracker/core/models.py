"""Database tables (SQLModel). Timestamps are aware UTC; due dates are dates.

Enums are stored as plain strings (`String` columns with a length) rather than native
enums, so the same schema migrates on SQLite and PostgreSQL alike.

Defining these classes is most of what a short command costs over importing SQLModel,
so two things keep it cheap: the annotations are real types, not strings (no
`from __future__ import annotations`: pydantic and SQLAlchemy would evaluate each string
again), and pydantic's validator and serializer are built on first use (`defer_build`):
rows are loaded and table models constructed without them, so most commands never
build them at all. Each table is one class (no field-set base class: each would be one
more pydantic model to build). And the tables a short command does not touch (evidence, extension
requests, invites, tokens, sessions, the outbox, scheduled runs) are defined in
`tracker.core.models_more` when first named: `from tracker.core.models import
OutboxMessage` and `tracker.core.models.metadata` (every table) work as ever.
"""

import datetime as dt
from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.core.enums import (
    AssignmentStatus,
    ChannelPref,
    DocumentKind,
    EventKind,
    Level,
    OrgKind,
    Recurrence,
    Role,
    Via,
)
from tracker.core.record import Record, utcnow

# Defined in tracker.core.models_more, on first use (`__getattr__` below).
LATER = ("Evidence", "ExtensionRequest", "TelegramInvite", "ActionToken", "WebSession",
         "OutboxMessage", "OutboxItem", "ScheduledRun")


class Organisation(Record, table=True):
    __table_args__ = (UniqueConstraint("parent_id", "name_key"),)
    name: str = Field(max_length=300)
    kind: OrgKind = Field(sa_type=String(24))
    category: str | None = Field(default=None, max_length=120)  # "городской округ"
    parent_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    id: int | None = Field(default=None, primary_key=True)
    name_key: str = Field(max_length=300, index=True)


class Person(Record, table=True):
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=254)
    telegram_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    role: Role = Field(default=Role.OFFICER, sa_type=String(24))
    locale: str = Field(default="ru", max_length=8)
    timezone: str | None = Field(default=None, max_length=64)  # None: the config's
    channels: ChannelPref = Field(default=ChannelPref.BOTH, sa_type=String(16))
    active: bool = True
    id: int | None = Field(default=None, primary_key=True)
    name_key: str = Field(max_length=200, index=True)
    # False after Telegram said the bot is blocked or the chat is gone.
    telegram_active: bool = True


class Document(Record, table=True):
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


class Task(Record, table=True):
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
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


_REPORT_COLUMNS = ("status", "due_date", "completed_at", "created_at")


class Assignment(Record, table=True):
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
    # Looked up through the indexes above, which begin with them.
    task_id: int = Field(foreign_key="task.id")
    organisation_id: int = Field(foreign_key="organisation.id")
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    due_date: date | None = None  # current; an approved extension moves it
    original_due_date: date | None = None  # as first set; stays on record
    period: str | None = Field(default=None, max_length=16)  # "2022-03" for recurring occurrences
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


class Event(Record, table=True):
    """Append-only audit log."""

    id: int | None = Field(default=None, primary_key=True)
    kind: EventKind = Field(sa_type=String(24), index=True)
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id", index=True)
    task_id: int | None = Field(default=None, foreign_key="task.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="person.id")  # who did it
    via: Via = Field(sa_type=String(16))
    at: datetime = Field(default_factory=utcnow, index=True)
    details: str | None = Field(default=None, sa_type=Text)  # JSON


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


def __getattr__(name: str):
    """The tables of `tracker.core.models_more`, and `metadata` with every table in it."""
    if name in LATER or name == "metadata":
        from tracker.core import models_more

        return SQLModel.metadata if name == "metadata" else getattr(models_more, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
