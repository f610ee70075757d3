"""The delivery loop's composing (`compose_claimed`: the reads through SQLite's driver,
the items and their details in one query, the batch's shared work done once, items
made by `_new_item`) gives the very messages the general path gives (Core reads,
`outgoing_of_rows` then `compose`): every field of every message, so every channel's
output is the same. The world has reminders, overdue notices, escalations with their
contacts, digests, a document with and without a number, a named owner, a person in
another zone and locale, a notice with an attachment and one with no items."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from reminder_world import add_tasks, at, build_world
from sqlmodel import select

from notifications import outbox
from notifications.content import compose as composing
from notifications.content import reads
from notifications.content.render import render_email
from notifications.content.telegram_render import render_telegram
from notifications.delivery.tick import TickReport
from notifications.message import ChannelKind, Item, MessageKind, Rule
from notifications.outbox import queries
from tracker.core.enums import DocumentKind
from tracker.core.models import Document, Organisation, OutboxItem, OutboxMessage, Person
from tracker.services.people import add_person
from tracker.services.reminders import plan_pass
from tracker.services.tasks import add_task


def _varied_world(db, settings, tmp_path) -> None:
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 16), date(2021, 8, 10), date(2021, 8, 3)])
    with db.transaction() as session:
        org = session.get(Organisation, world.org_id)
        add_person(session=session, name="Smith John", organisation=org,
                   email="smith@example.ru", channels="email")
        far = session.get(Person, world.officer_id)
        far.timezone, far.locale = "Asia/Vladivostok", "en"
        protocol = Document(kind=DocumentKind.PROTOCOL, number="7", date=date(2021, 6, 15))
        order = Document(kind=DocumentKind.ORDER, number=None, date=None)
        session.add_all([protocol, order])
        session.flush()
        add_task(session=session, text="Утвердить план", organisations=[org],
                 now=datetime(2021, 8, 1, 6, tzinfo=UTC), due=date(2021, 8, 11),
                 label="2.3", document=protocol, person=far)
        add_task(session=session, text="Провести проверку", organisations=[org],
                 now=datetime(2021, 8, 1, 6, tzinfo=UTC), due=date(2021, 8, 16),
                 document=order)
        report = tmp_path / "report.xlsx"
        report.write_bytes(b"PK\x03\x04 figures")
        outbox.enqueue_many(session, [
            outbox.Notice(key="digest:1", person_id=world.coordinator_id, channel="email",
                          kind=MessageKind.LEAD_SUMMARY,
                          payload={"totals": {"open": 3}, "attachment": {
                              "path": str(report), "filename": "Сводка.xlsx",
                              "content_type": "application/octet-stream"}}),
            outbox.Notice(key="digest:2", person_id=world.lead_id, channel="email",
                          kind=MessageKind.LEAD_SUMMARY,
                          payload={"attachment": {"path": str(tmp_path / "gone.xlsx")}}),
        ], now=at(13))
    plan_pass(db, settings, now=at(13), report=TickReport())


def _both(db, ids, monkeypatch):
    roles = ("coordinator", "lead")
    with db.reading() as session:
        fast = composing.compose_claimed(session, ids, now=at(13), default_zone="Europe/Moscow",
                                         escalation_roles=roles)
    with monkeypatch.context() as patched:  # the general path: Core reads, apart
        patched.setattr(reads, "on_driver", lambda connection: False)
        patched.setattr(queries, "on_driver", lambda connection: False)
        with db.reading() as session:
            outgoing = composing.outgoing_of_rows(session, outbox.messages_of(session, ids))
            general = composing.compose(session, outgoing, now=at(13),
                                        default_zone="Europe/Moscow", escalation_roles=roles)
    return fast, list(zip(outgoing, general, strict=True))


def test_the_claimed_batch_composes_as_the_general_path(db, settings, tmp_path, monkeypatch):
    _varied_world(db, settings, tmp_path)
    with db.transaction() as session:
        ids = outbox.claim(session, worker="w", now=at(13), limit=1000)
    fast, general = _both(db, ids, monkeypatch)
    assert fast == general
    kinds = {out.kind for out, _ in fast}
    assert {MessageKind.DIGEST, MessageKind.ESCALATION, MessageKind.LEAD_SUMMARY} <= kinds
    assert {out.channel for out, _ in fast} == {ChannelKind.EMAIL, ChannelKind.TELEGRAM}
    messages = [m for _, m in fast if m is not None]
    items = [i for m in messages for i in m.items]
    assert any(i.document == "Протокол № 7 от 15.06.2021" for i in items)
    assert any(i.document and "№" not in i.document for i in items)  # the order: no number
    assert any(i.owner_contact and i.coordinator for i in items)  # escalation contacts
    assert any(m.recipient.timezone == "Asia/Vladivostok" and m.recipient.locale == "en"
               for m in messages)
    assert any(m.attachments for m in messages)
    assert any(m.kind == MessageKind.LEAD_SUMMARY and not m.attachments for m in messages)
    for message in messages:  # and so each channel's output
        if message.kind != MessageKind.LEAD_SUMMARY:  # its figures: the report's to render
            assert render_email(message) == render_email(general_of(general, message))
            assert render_telegram(message) == render_telegram(general_of(general, message))


def general_of(general, message):
    (found,) = [m for _, m in general if m is not None and m.key == message.key]
    return found


def test_a_recipient_gone_and_items_no_longer_pending_compose_alike(db, settings, tmp_path,
                                                                     monkeypatch):
    _varied_world(db, settings, tmp_path)
    with db.transaction() as session:
        ids = outbox.claim(session, worker="w", now=at(13), limit=1000)
        some = session.scalars(select(OutboxItem)
                               .where(OutboxItem.message_id == ids[0])).first()
        some.status = "cancelled"
        session.get(OutboxMessage, ids[1]).person_id = None
    fast, general = _both(db, ids, monkeypatch)
    assert fast == general
    assert fast[1][1] is None


def test_items_made_at_once_are_the_dataclass_s_own():
    values = dict(assignment_id=3, text="Сдать отчёт", due_date=date(2021, 8, 16), days_left=3,
                  rule=Rule.BEFORE, organisation="Город Азов", label="1.1",
                  document="Протокол № 1", owner=None, step=3, owner_contact="a",
                  coordinator=None, links=(("complete", "https://x"),))
    made, own = composing._new_item(*values.values()), Item(**values)
    assert made == own and hash(made) == hash(own) and repr(made) == repr(own)
    assert list(vars(made).items()) == list(vars(own).items())
    assert [f.name for f in dataclasses.fields(Item)] == list(values)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.text = "другое"
    with pytest.raises(TypeError):
        composing._new_item(*list(values.values())[:-1])  # every field, no defaults


def test_every_maker_builds_its_dataclass_s_own_object():
    from notifications.message import Attachment, ChannelKind, Message, Recipient

    recipient = (5, "Иванов Иван", "ivanov@example.ru", None, "ru", "Europe/Moscow")
    item = Item(3, "Сдать отчёт", date(2021, 8, 16), 3, Rule.BEFORE, "Город Азов")
    message = ("k:1", MessageKind.REMINDER, ChannelKind.EMAIL, Recipient(*recipient), (item,),
               "", "", "", (Attachment("a.xlsx", "application/octet-stream", b"PK"),),
               {"planned_at": datetime(2021, 8, 13, 6, tzinfo=UTC)}, date(2021, 8, 13))
    outgoing = ("k:1", 5, ChannelKind.EMAIL, MessageKind.REMINDER,
                ((3, "before", 3, date(2021, 8, 16)),), {"planned_at": "x"}, 7)
    for make, cls, values in ((composing._new_recipient, Recipient, recipient),
                              (composing._new_message, Message, message),
                              (composing._new_outgoing, composing.Outgoing, outgoing)):
        made, own = make(*values), cls(*values)
        assert made == own and repr(made) == repr(own)
        assert list(vars(made).items()) == list(vars(own).items())
