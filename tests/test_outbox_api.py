"""One writer per table: every notice reaches the outbox through `notifications.outbox`
(one key scheme, idempotent), cancellations go through `cancel_for`, and nothing outside
`notifications/outbox/` writes the outbox tables (nor does `notifications` write the
domain's tables)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from reminder_world import add_tasks, at, build_world
from sqlmodel import select

from notifications import keys, outbox
from notifications.message import MessageKind, Rule
from tracker.core.enums import OutboxStatus, Via
from tracker.core.models import OutboxItem, OutboxMessage, Person
from tracker.services.reminders import plan_pass
from tracker.services.task_transitions import cancel, complete

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def spy(monkeypatch):
    """Records every call of the outbox API functions named, then calls the real one."""
    calls: dict[str, list] = {}

    def watch(name: str) -> None:
        real = getattr(outbox, name)

        def wrapper(*args, **kwargs):
            calls.setdefault(name, []).append((args, kwargs))
            return real(*args, **kwargs)

        monkeypatch.setattr(outbox, name, wrapper)

    for name in ("cancel_for", "enqueue", "enqueue_many"):
        watch(name)
    return calls


def _rows(db, model, **where):
    with db.reading() as session:
        query = select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list(session.exec(query.order_by(model.id)))


def _planned(db, settings, dues):
    from tracker.services.reminders import TickReport

    world = build_world(db)
    ids = add_tasks(db, world, dues, created=at(2))
    plan_pass(db, settings, now=at(13), report=TickReport())
    return world, ids


@pytest.mark.parametrize("action", ["complete", "cancel"])
def test_closing_an_assignment_cancels_its_pending_rows_through_cancel_for(
        db, settings, spy, action):
    world, [first, second] = _planned(db, settings, [date(2021, 8, 16), date(2021, 8, 17)])
    [message] = _rows(db, OutboxMessage, status=OutboxStatus.PENDING,
                      person_id=world.officer_id)
    with db.transaction() as session:
        if action == "complete":
            complete(session=session, assignment_id=first, now=at(13), via=Via.BOT)
        else:
            cancel(session=session, assignment_id=first, now=at(13), via=Via.CLI)
    assert [args[1] for args, _ in spy["cancel_for"]] == [first]
    items = {i.assignment_id: i.status for i in _rows(db, OutboxItem, message_id=message.id)}
    assert items == {first: OutboxStatus.CANCELLED, second: OutboxStatus.PENDING}
    assert _rows(db, OutboxMessage, id=message.id)[0].status == OutboxStatus.PENDING
    with db.transaction() as session:  # the last pending item: the message goes too
        assert outbox.cancel_for(session, second) == 1
        assert outbox.cancel_for(session, second) == 0
    assert _rows(db, OutboxMessage, id=message.id)[0].status == OutboxStatus.CANCELLED


def test_an_extension_notice_is_enqueued_once_under_its_key(db, settings, spy):
    from tracker.services.extensions import request_extension

    world = build_world(db)
    [assignment_id] = add_tasks(db, world, [date(2021, 8, 20)], created=at(2))
    with db.transaction() as session:
        officer = session.get(Person, world.officer_id)
        request = request_extension(session=session, assignment_id=assignment_id,
                                    actor=officer, new_due=date(2021, 8, 30),
                                    reason="Нет данных", today=date(2021, 8, 13), now=at(13))
        request_id = request.id
    [(args, kwargs)] = spy["enqueue_many"]
    notices = list(args[1])
    assert notices and {n.kind for n in notices} == {MessageKind.EXTENSION}
    rows = _rows(db, OutboxMessage, kind=MessageKind.EXTENSION)
    assert sorted(r.key for r in rows) == sorted(
        keys.extension(request_id, "requested", n.person_id, n.channel) for n in notices)
    for row in rows:
        [item] = _rows(db, OutboxItem, message_id=row.id)
        assert item.key == keys.item(row.key, assignment_id, Rule.NOTICE, 0)
    with db.transaction() as session:  # the same decision recorded again: nothing new
        assert outbox.enqueue_many(session, notices, now=at(14)) == []
    assert len(_rows(db, OutboxMessage, kind=MessageKind.EXTENSION)) == len(rows)
    assert len(_rows(db, OutboxItem)) == len(rows)


def test_a_digest_is_enqueued_once_under_its_key(db, settings, spy):
    from tracker.reports.digests import record_digests

    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 10)], created=at(2))
    assert record_digests(db, settings, "lead_summary", at(16)) == 1
    [row] = _rows(db, OutboxMessage, kind="lead_summary")
    assert row.key == keys.digest("lead_summary", date(2021, 8, 16), world.lead_id, "email")
    [(args, _)] = spy["enqueue_many"]
    with db.transaction() as session:  # enqueueing the same notices again stores nothing
        assert outbox.enqueue_many(session, list(args[1]), now=at(16)) == []
    assert record_digests(db, settings, "lead_summary", at(16)) == 0
    assert len(_rows(db, OutboxMessage, kind="lead_summary")) == 1


def test_failure_notices_and_the_email_fallback_are_enqueued(db, settings, spy):
    from notifications.delivery import failures

    world, _ = _planned(db, settings, [date(2021, 8, 10)])
    with db.transaction() as session:
        [message_id] = outbox.claim(session, worker="w", now=at(13), limit=1)
        failures.mark_failed(session, message_id, error="550", now=at(13), permanent=True)
        failures.mark_failed(session, message_id, error="550", now=at(13), permanent=True)
    [(args, _)] = spy["enqueue_many"]  # the second failure of the same message: no notice
    told = [n.key for n in args[1]]
    assert told and all(k == keys.failure(message_id, world.coordinator_id, n.channel)
                        for k, n in zip(told, args[1], strict=True))
    assert {r.key for r in _rows(db, OutboxMessage, kind=MessageKind.FAILURE)} == set(told)

    with db.transaction() as session:  # a Telegram message falls back through enqueue
        session.add(OutboxMessage(key="m:p1:telegram:2021-08-13T06:00Z", channel="telegram",
                                  person_id=world.coordinator_id, kind="reminder",
                                  next_attempt_at=at(13), created_at=at(13)))
    telegram = _rows(db, OutboxMessage, channel="telegram")[-1]
    with db.transaction() as session:
        copy = failures.fall_back_to_email(session, telegram.id, now=at(13))
        again = failures.fall_back_to_email(session, telegram.id, now=at(13))
    assert copy is not None and again is None
    [(args, _)] = spy["enqueue"]
    assert args[1].key == keys.fallback(telegram.key) and args[1].channel == "email"


# --- the rule, enforced over the source ----------------------------------------------

_OUTBOX_WRITE = re.compile(
    r"\b(OutboxMessage|OutboxItem)\s*\(|"
    r"\b(update|insert|delete)\(\s*(OutboxMessage|OutboxItem)\b|"
    r"\b(OutboxMessage|OutboxItem)\.__table__")
_DOMAIN_WRITE = re.compile(
    r"\b(update|insert|delete)\(\s*(Assignment|Event|Person)\b|"
    r"\b(Assignment|Person)\s*\(|\.(telegram_active|telegram_chat_id|next_check_at)\s*=[^=]")


def _sources(*packages: str):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_only_the_outbox_package_writes_the_outbox_tables():
    found = [f"{name}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)}"
             for name, text in _sources("tracker", "notifications", "roadmaps")
             if not name.startswith("notifications/outbox/")
             and name not in ("tracker/core/models.py", "tracker/core/models_more.py")
             for m in _OUTBOX_WRITE.finditer(text)]
    assert found == []


def test_notifications_write_no_assignment_event_or_person():
    found = [f"{name}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)}"
             for name, text in _sources("notifications")
             for m in _DOMAIN_WRITE.finditer(text)]
    assert found == []
