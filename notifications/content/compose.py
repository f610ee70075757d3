"""Outbox rows (or unsaved drafts) to `Message`s a channel can deliver.

Reads, never writes: one query for the pending items of a batch of outbox rows
(`outgoing_of_rows`), one for the recipients and one for the items' assignments,
tasks, organisations and documents. "Days left" counts from the recipient's local date
at `now`, so a message retried the next morning says "через 2 дня", not "через 3 дня".
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlmodel import Session

from notifications.content import contacts
from notifications.message import (
    Attachment,
    ChannelKind,
    Item,
    Message,
    MessageKind,
    Recipient,
    Rule,
)
from notifications.outbox.planned import Draft, message_kind
from notifications.outbox.queries import pending_items_of
from tracker.core.db import chunks
from tracker.core.driver import reader, sqlite_rows_in
from tracker.core.models import Assignment, Document, Organisation, OutboxMessage, Person, Task
from tracker.core.titles import document_title

_WITH_CONTACTS = frozenset({MessageKind.ESCALATION, MessageKind.COORDINATOR_DIGEST})


@dataclass(frozen=True)
class Outgoing:
    """What a message is made of before its texts are rendered."""

    key: str
    person_id: int
    channel: ChannelKind
    kind: MessageKind
    items: tuple[tuple[int, str, int, date | None], ...]  # assignment, rule, step, due
    payload: dict
    message_id: int | None = None


def outgoing_of_row(session: Session, row: OutboxMessage) -> Outgoing:
    """The outbox message `row` with its items still pending."""
    return outgoing_of_rows(session, [row])[0]


def outgoing_of_rows(session: Session, rows: Sequence[OutboxMessage]) -> list[Outgoing]:
    """`outgoing_of_row` for many rows, in order, reading all their items in one go."""
    items_of = pending_items_of(session, [row.id for row in rows])
    return [_outgoing(row, tuple(items_of.get(row.id, ()))) for row in rows]


def _outgoing(row: OutboxMessage, items: tuple) -> Outgoing:
    kind = MessageKind(row.kind)
    if items and kind in (MessageKind.REMINDER, MessageKind.OVERDUE, MessageKind.ESCALATION,
                          MessageKind.DIGEST):
        kind = message_kind(rule for _, rule, _, _ in items)  # some may have been cancelled
    return Outgoing(row.key, row.person_id, ChannelKind(row.channel), kind, items,
                    json.loads(row.payload or "{}"), row.id)


def outgoing_of_draft(draft: Draft) -> Outgoing:
    items = tuple((p.assignment_id, str(p.rule), p.step, p.due_date) for p in draft.items)
    return Outgoing(draft.key, draft.person_id, draft.channel, draft.kind, items,
                    {"planned_at": draft.slot.isoformat()})


def compose(session: Session, outgoing: Sequence[Outgoing], *, now: datetime,
            default_zone: str, escalation_roles: Sequence[str] = ()) -> list[Message | None]:
    """One `Message` per `outgoing`, in order; None where the recipient is gone.

    `now` is the time of sending: days left count from it, and it is the messages'
    `context["sent_at"]` (in `default_zone`), which the email's `Date:` header shows.

    `escalation_roles[i]` names the audience of ladder step i ("coordinator", "lead");
    escalation messages carry it as `context["role"]`.

    What a batch shares is worked out once for it: each recipient zone's local date,
    the time of sending, each slot parsed, each rule's `Rule`.
    """
    people = _people(session, {o.person_id for o in outgoing})
    details = _details(session, {a for o in outgoing for a, *_ in o.items})
    # Escalations and coordinators' digests say who answers for each item and how to
    # reach them and their coordinator (the officer's own reminders need not).
    who = contacts.responsible(session, {a for o in outgoing if o.kind in _WITH_CONTACTS
                                         for a, *_ in o.items})
    # The time of sending in the configured zone: the email's Date header (+0300).
    sent_at = now.astimezone(_zone(default_zone, "UTC"))
    days: dict[str, date] = {}  # each recipient zone's local date at `now`
    slots: dict[str, datetime] = {}  # each planned slot, parsed
    messages: list[Message | None] = []
    for out in outgoing:
        person = people.get(out.person_id)
        if person is None:
            messages.append(None)
            continue
        zone_name = person.timezone or default_zone
        today = days.get(zone_name)
        if today is None:
            today = days[zone_name] = now.astimezone(_zone(zone_name, default_zone)).date()
        locale = person.locale or "ru"
        recipient = Recipient(person.id, person.name, person.email, person.telegram_chat_id,
                              locale, zone_name)
        items = []
        with_contacts = out.kind in _WITH_CONTACTS
        for assignment_id, rule, step, due in out.items:
            d = details.get(assignment_id)
            if d is None:
                continue
            text, label, organisation, owner, document = d
            owner_contact = coordinator = None
            if with_contacts:
                answer = who.get(assignment_id)
                if answer is not None:
                    if owner is None and answer.owners:
                        owner = ", ".join(c.name for c in answer.owners)  # the ones reminded
                    owner_contact = contacts.owner_line(answer, locale)
                    coordinator = contacts.coordinator_line(answer, locale)
            items.append(Item(
                assignment_id=assignment_id, text=text, due_date=due,
                days_left=(due - today).days if due else None,
                rule=_RULES.get(rule) or Rule(rule), organisation=organisation, label=label,
                document=document, owner=owner, step=step, owner_contact=owner_contact,
                coordinator=coordinator,
            ))
        context = dict(out.payload)
        if "planned_at" in context:
            planned = context["planned_at"]
            slot = slots.get(planned)
            if slot is None:
                slot = slots[planned] = datetime.fromisoformat(planned)
            context["planned_at"] = slot
        context["sent_at"] = sent_at
        steps = [step for _, rule, step, _ in out.items if rule == Rule.ESCALATION]
        if steps:
            top = max(steps)
            context.setdefault("step", top)
            if context.get("fallbacks"):  # the step's audience was missing: say who they are
                context.setdefault("role", str(person.role))
            elif top < len(escalation_roles):
                context.setdefault("role", escalation_roles[top])
        messages.append(Message(key=out.key, kind=out.kind, channel=out.channel,
                                recipient=recipient, items=tuple(items), context=context,
                                today=today, attachments=_attachments(context)))
    return messages


_RULES = {str(rule): rule for rule in Rule}


def _attachments(context: dict) -> tuple[Attachment, ...]:
    """The report file a digest's payload names (`attachment`: path, filename,
    content_type), read now; a file gone missing drops the attachment, not the message."""
    spec = context.pop("attachment", None)
    if not isinstance(spec, dict) or not spec.get("path"):
        return ()
    try:
        with open(spec["path"], "rb") as stream:
            data = stream.read()
    except OSError:
        return ()
    filename = spec.get("filename") or os.path.basename(spec["path"])
    content_type = spec.get("content_type") or "application/octet-stream"
    context["attachment_name"] = filename
    return (Attachment(filename, content_type, data),)


def _zone(name: str, default: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


class _Person(NamedTuple):
    """The columns of a recipient that composing reads."""

    id: int
    name: str
    email: str | None
    telegram_chat_id: int | None
    locale: str | None
    timezone: str | None
    role: str


_P, _A, _T, _O, _D = (Person.__tablename__, Assignment.__tablename__, Task.__tablename__,
                      Organisation.__tablename__, Document.__tablename__)
_SQLITE_PEOPLE = (f"SELECT id, name, email, telegram_chat_id, locale, timezone, role FROM {_P} "
                  "WHERE id IN ({})")
_SQLITE_DETAILS = (f"SELECT a.id, t.text, t.label, o.name, p.name, d.id, d.kind, d.number, d.date "
                   f"FROM {_A} a JOIN {_T} t ON t.id = a.task_id "
                   f"JOIN {_O} o ON o.id = a.organisation_id "
                   f"LEFT OUTER JOIN {_P} p ON p.id = a.person_id "
                   f"LEFT OUTER JOIN {_D} d ON d.id = t.document_id WHERE a.id IN ({{}})")


def _people(session: Session, ids: set[int]) -> dict[int, _Person]:
    connection = session.connection()
    ordered = sorted(ids)
    if connection.dialect.name == "sqlite":  # the driver's rows: no Core result per row
        rows = sqlite_rows_in(connection, _SQLITE_PEOPLE, ordered)
    else:
        p = Person.__table__.c
        rows = [tuple(row) for chunk in chunks(ordered) for row in connection.execute(
            select(p.id, p.name, p.email, p.telegram_chat_id, p.locale, p.timezone, p.role)
            .where(p.id.in_(chunk)))]
    make = _Person._make
    return {row[0]: make(row) for row in rows}


def _details(session: Session, ids: set[int]) -> dict[int, tuple]:
    """Per assignment: (task text, task label, organisation name, owner name, document
    title); plain columns, not ORM entities (a batch of messages has thousands)."""
    connection = session.connection()
    ordered = sorted(ids)
    if connection.dialect.name == "sqlite":  # the driver's rows, dates read once each
        rows = sqlite_rows_in(connection, _SQLITE_DETAILS, ordered)
        day = reader(Document.__table__.c.date.type, connection.dialect)
    else:
        a, t, o, p, d = (Assignment.__table__.c, Task.__table__.c, Organisation.__table__.c,
                         Person.__table__.c, Document.__table__.c)
        rows = []
        for chunk in chunks(ordered):
            rows += connection.execute(
                select(a.id, t.text, t.label, o.name, p.name, d.id, d.kind, d.number, d.date)
                .select_from(Assignment.__table__)
                .join(Task.__table__, t.id == a.task_id)
                .join(Organisation.__table__, o.id == a.organisation_id)
                .outerjoin(Person.__table__, p.id == a.person_id)
                .outerjoin(Document.__table__, d.id == t.document_id)
                .where(a.id.in_(chunk)))
        day = _same
    found: dict[int, tuple] = {}
    titles: dict[int, str] = {}
    for id_, text, label, org, owner, doc_id, kind, number, stored in rows:
        title = None
        if doc_id is not None:
            title = titles.get(doc_id)
            if title is None:
                title = titles[doc_id] = document_title(
                    _DocumentRef(kind, number, day(stored)))
        found[id_] = (text, label, org, owner, title)
    return found


def _same(value):
    return value


@dataclass(frozen=True)
class _DocumentRef:
    kind: str
    number: str | None
    date: date | None
