"""What composing a batch of messages reads: the recipients, and each item's assignment
with its task, organisation, named owner and document.

Plain columns, never ORM entities (a batch has thousands of items). On SQLite the reads
go to the driver with plain `?` marks (`tracker.core.driver.sqlite_rows_in`): no Core
expansion of an `IN` list per execution, no result processing per row; dates are read
as stored and converted once per distinct value by the column type's own processor.
Elsewhere they are the same queries through Core.

`claimed_items` serves the delivery loop, which composes the messages it has just
claimed: on SQLite it reads their pending items and those items' details in one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlmodel import Session

from tracker.core.db import chunks
from tracker.core.driver import reader, sqlite_rows_in
from tracker.core.enums import OutboxStatus
from tracker.core.models import Assignment, Document, Organisation, OutboxItem, Person, Task
from tracker.core.titles import DocumentRef, document_title

# Per assignment: (task text, task label, organisation name, owner name, document title).
Details = tuple[str, str | None, str, str | None, str | None]


class Recipient(NamedTuple):
    """The columns of a recipient that composing reads."""

    id: int
    name: str
    email: str | None
    telegram_chat_id: int | None
    locale: str | None
    timezone: str | None
    role: str


_P, _A, _T, _O, _D, _I = (Person.__tablename__, Assignment.__tablename__, Task.__tablename__,
                          Organisation.__tablename__, Document.__tablename__,
                          OutboxItem.__tablename__)
_SQLITE_PEOPLE = (f"SELECT id, name, email, telegram_chat_id, locale, timezone, role FROM {_P} "
                  "WHERE id IN ({})")
_DETAILS_JOINS = (f"JOIN {_T} t ON t.id = a.task_id JOIN {_O} o ON o.id = a.organisation_id "
                  f"LEFT OUTER JOIN {_P} p ON p.id = a.person_id "
                  f"LEFT OUTER JOIN {_D} d ON d.id = t.document_id")
_DETAILS_COLUMNS = "t.text, t.label, o.name, p.name, d.id, d.kind, d.number, d.date"
_SQLITE_DETAILS = (f"SELECT a.id, {_DETAILS_COLUMNS} FROM {_A} a {_DETAILS_JOINS} "
                   "WHERE a.id IN ({})")
# The pending items of messages with their details; an item whose assignment, task or
# organisation is gone has none (t.id or o.id NULL), as `details` would not find it.
_SQLITE_CLAIMED = (f"SELECT i.message_id, i.assignment_id, i.rule, i.step, i.due_date, t.id, "
                   f"o.id, {_DETAILS_COLUMNS} FROM {_I} i "
                   f"LEFT OUTER JOIN {_A} a ON a.id = i.assignment_id "
                   f"LEFT OUTER JOIN {_T} t ON t.id = a.task_id "
                   f"LEFT OUTER JOIN {_O} o ON o.id = a.organisation_id "
                   f"LEFT OUTER JOIN {_P} p ON p.id = a.person_id "
                   f"LEFT OUTER JOIN {_D} d ON d.id = t.document_id "
                   "WHERE i.message_id IN ({}) AND i.status = ? "
                   "ORDER BY i.message_id, i.due_date, i.assignment_id, i.id")


def on_driver(connection) -> bool:
    """Whether this module reads through the driver (SQLite) rather than Core."""
    return connection.dialect.name == "sqlite"


def people(session: Session, ids: Iterable[int]) -> dict[int, Recipient]:
    """The people `ids` (those that exist; None is nobody), by id."""
    connection = session.connection()
    ordered = sorted({i for i in ids if i is not None})
    if on_driver(connection):
        rows = sqlite_rows_in(connection, _SQLITE_PEOPLE, ordered)
    else:
        p = Person.__table__.c
        rows = [tuple(row) for chunk in chunks(ordered) for row in connection.execute(
            select(p.id, p.name, p.email, p.telegram_chat_id, p.locale, p.timezone, p.role)
            .where(p.id.in_(chunk)))]
    make = Recipient._make
    return {row[0]: make(row) for row in rows}


def details(session: Session, ids: Iterable[int]) -> dict[int, Details]:
    """`Details` of the assignments `ids` that exist with their task and organisation."""
    connection = session.connection()
    ordered = sorted(set(ids))
    if on_driver(connection):
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
    titles = _Titles(day)
    return {id_: (text, label, org, owner, titles(doc_id, kind, number, stored))
            for id_, text, label, org, owner, doc_id, kind, number, stored in rows}


def claimed_items(session: Session, message_ids: list[int]
                  ) -> tuple[dict[int, list[tuple[int, str, int, date | None]]],
                             dict[int, Details]] | None:
    """SQLite: the pending items of the messages (as `outbox.pending_items_of`) and the
    `Details` of their assignments (as `details`), in one query. None elsewhere: there
    the caller reads them apart."""
    connection = session.connection()
    if not on_driver(connection):
        return None
    dialect = connection.dialect
    due_day = reader(OutboxItem.due_date.type, dialect)
    titles = _Titles(reader(Document.__table__.c.date.type, dialect))
    items_of: dict[int, list[tuple[int, str, int, date | None]]] = {}
    found: dict[int, Details] = {}
    for (message_id, assignment_id, rule, step, due, task_id, org_id, text, label, org, owner,
         doc_id, kind, number, stored) in sqlite_rows_in(connection, _SQLITE_CLAIMED, message_ids,
                                                 (str(OutboxStatus.PENDING),)):
        item = (assignment_id, rule, step, due_day(due))
        items = items_of.get(message_id)
        if items is None:
            items_of[message_id] = [item]
        else:
            items.append(item)
        if task_id is not None and org_id is not None and assignment_id not in found:
            found[assignment_id] = (text, label, org, owner,
                                    titles(doc_id, kind, number, stored))
    return items_of, found


class _Titles:
    """Each document's title (`document_title`), made once per document."""

    def __init__(self, day) -> None:
        self._day = day
        self._titles: dict[int, str] = {}

    def __call__(self, doc_id, kind, number, stored) -> str | None:
        if doc_id is None:
            return None
        title = self._titles.get(doc_id)
        if title is None:
            title = self._titles[doc_id] = document_title(
                DocumentRef(kind, number, self._day(stored)))
        return title


def _same(value):
    return value

