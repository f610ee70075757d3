"""The delivery pass: files written by the default channel, and channel errors handled."""

from __future__ import annotations

import email
import json
import logging
from datetime import date
from email import policy

import pytest
from reminder_world import add_tasks, at, build_world
from sqlmodel import select

from notifications.channels.base import ChannelError, ChatGone
from notifications.channels.file import TELEGRAM_LOG, FileChannel
from notifications.channels.registry import build_channels
from notifications.message import ChannelKind, MessageKind
from tracker.core.enums import OutboxStatus
from tracker.core.models import OutboxMessage, Person
from tracker.services.reminders import tick


class FakeChannel:
    """Records messages; raises the errors queued in `errors` first."""

    def __init__(self, kind: ChannelKind, errors=()):
        self.kind = kind
        self.errors = list(errors)
        self.sent = []
        self.closed = 0

    async def notify(self, message):
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append(message)
        return "250 OK queued"

    async def aclose(self):
        self.closed += 1


def _fakes(email_errors=(), telegram_errors=()):
    return {ChannelKind.EMAIL: FakeChannel(ChannelKind.EMAIL, email_errors),
            ChannelKind.TELEGRAM: FakeChannel(ChannelKind.TELEGRAM, telegram_errors)}


def _statuses(db):
    with db.reading() as session:
        return {m.id: m.status for m in session.exec(
            select(OutboxMessage).where(OutboxMessage.status != OutboxStatus.SKIPPED))}


@pytest.mark.asyncio
async def test_file_channel_writes_eml_and_telegram_log(db, settings, tmp_path):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 10)], created=at(2))
    channels = build_channels(settings)
    assert isinstance(channels[ChannelKind.EMAIL], FileChannel)
    await tick(db, settings, channels, now=at(2), worker="t")
    report = await tick(db, settings, channels, now=at(13), worker="t")  # 3 days overdue
    assert report.sent == 3  # officer overdue (email), coordinator escalation (email, tg)
    outbox = tmp_path / "outbox"
    names = sorted(p.name for p in outbox.glob("*.eml"))
    assert len(names) == 2
    officer = next(p for p in outbox.glob(f"m_p{world.officer_id}_*.eml"))
    parsed = email.message_from_bytes(officer.read_bytes(), policy=policy.default)
    assert parsed["To"].addresses[0].addr_spec == "ivanov@example.ru"
    assert parsed["X-Tracker-Kind"] == "overdue"
    body = parsed.get_body(("plain",)).get_content()
    assert "Представить отчёт № 1" in body and "Город Азов" in body
    [line] = (outbox / TELEGRAM_LOG).read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["chat_id"] == 555 and record["kind"] == "escalation"
    assert record["person_id"] == world.coordinator_id
    # What Telegram would get: the bot's HTML text and its buttons, not the email's text.
    assert record["parse_mode"] == "HTML" and "<b>" in record["text"]
    assert "Представить отчёт № 1" in record["text"] and ".ics" not in record["text"]
    assert record["buttons"] and record["buttons"][0][0]["text"].startswith("✅")
    assert record["buttons"][0][0]["callback_data"]


@pytest.mark.asyncio
async def test_items_carry_days_left_and_document(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)], created=at(2))
    channels = _fakes()
    await tick(db, settings, channels, now=at(2), worker="t")
    await tick(db, settings, channels, now=at(13), worker="t")
    [message] = channels[ChannelKind.EMAIL].sent
    [item] = message.items
    assert (item.days_left, item.label, item.organisation) == (7, "1.1", "Город Азов")
    assert message.kind == MessageKind.REMINDER
    assert message.today == date(2021, 8, 13)


@pytest.mark.asyncio
async def test_one_log_line_per_delivery_without_secrets(db, settings, caplog):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)], created=at(2))
    channels = _fakes()
    await tick(db, settings, channels, now=at(2), worker="t")
    with caplog.at_level(logging.INFO, logger="tracker.delivery"):
        await tick(db, settings, channels, now=at(13), worker="t")
    [line] = [r.getMessage() for r in caplog.records]
    assert line.startswith("отправлено: сообщение 1 (reminder, 1 пункт: поручение 1) лицу "
                           f"{world.officer_id} через email за ")
    assert line.endswith(" с: 250 OK queued")


@pytest.mark.asyncio
async def test_transient_error_is_retried_at_the_next_pass_after_backoff(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)], created=at(2))
    channels = _fakes(email_errors=[ChannelError("451 busy")])
    await tick(db, settings, channels, now=at(2), worker="t")
    report = await tick(db, settings, channels, now=at(13), worker="t")
    assert [d.outcome for d in report.deliveries] == [OutboxStatus.PENDING]
    later = at(13).replace(minute=0, second=59)  # before the 60 s backoff has passed
    assert (await tick(db, settings, channels, now=later, worker="t")).deliveries == []
    report = await tick(db, settings, channels, now=at(13, hour=10), worker="t")
    assert [d.outcome for d in report.deliveries] == [OutboxStatus.SENT]
    with db.reading() as session:
        [message] = session.exec(select(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.SENT)).all()
    assert message.attempts == 2


@pytest.mark.asyncio
async def test_permanent_error_tells_the_coordinator_in_the_same_pass(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)], created=at(2))
    channels = _fakes(email_errors=[ChannelError("550 no such mailbox", permanent=True)])
    await tick(db, settings, channels, now=at(2), worker="t")
    report = await tick(db, settings, channels, now=at(13), worker="t")
    outcomes = [(d.kind, d.person_id, d.channel, d.outcome) for d in report.deliveries]
    assert outcomes[0] == ("reminder", world.officer_id, "email", OutboxStatus.FAILED)
    assert sorted(outcomes[1:]) == [
        ("failure", world.coordinator_id, "email", OutboxStatus.SENT),
        ("failure", world.coordinator_id, "telegram", OutboxStatus.SENT)]
    [notice] = channels[ChannelKind.EMAIL].sent
    assert notice.context["failed_person"] == "Иванов Иван"
    assert notice.context["error"] == "550 no such mailbox"


@pytest.mark.asyncio
async def test_config_error_stops_the_channel_for_the_pass(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)], created=at(2))
    with db.transaction() as session:  # a second officer: two email messages are due
        from tracker.core.models import Organisation
        from tracker.services.people import add_person

        add_person(session=session, name="Кузнецова Ольга", email="k@example.ru",
                   organisation=session.get(Organisation, world.org_id), channels="email")
    channels = _fakes(email_errors=[ChannelError("535 auth failed", configuration=True)] * 5)
    await tick(db, settings, channels, now=at(2), worker="t")
    report = await tick(db, settings, channels, now=at(13), worker="t")
    assert len(report.deliveries) == 1  # the second message was not even tried
    assert len(channels[ChannelKind.EMAIL].errors) == 4
    assert set(_statuses(db).values()) == {OutboxStatus.PENDING}
    with db.reading() as session:
        attempts = [m.attempts for m in session.exec(select(OutboxMessage))
                    if m.status == OutboxStatus.PENDING]
    assert attempts == [0, 0]  # a misconfigured channel does not use up attempts


@pytest.mark.asyncio
async def test_blocked_telegram_is_disabled_for_the_person(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 10)], created=at(2))
    blocked = ChatGone("Forbidden: bot was blocked by the user")
    channels = _fakes(telegram_errors=[blocked])
    await tick(db, settings, channels, now=at(2), worker="t")
    await tick(db, settings, channels, now=at(13), worker="t")
    with db.reading() as session:
        assert session.get(Person, world.coordinator_id).telegram_active is False


@pytest.mark.asyncio
async def test_a_completed_assignment_is_dropped_from_a_claimed_message(db, settings):
    from tracker.core.enums import Via
    from tracker.services.task_transitions import complete

    world = build_world(db)
    [only] = add_tasks(db, world, [date(2021, 8, 20)], created=at(2))
    channels = _fakes()
    await tick(db, settings, channels, now=at(2), worker="t")
    with db.transaction() as session:
        complete(session=session, assignment_id=only, now=at(12), via=Via.CLI)
    report = await tick(db, settings, channels, now=at(13), worker="t")
    assert report.deliveries == [] and channels[ChannelKind.EMAIL].sent == []


@pytest.mark.asyncio
async def test_stop_gives_the_rest_of_the_claim_back(db, settings):
    import asyncio

    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 10)], created=at(2))
    stop = asyncio.Event()

    class Stopping(FakeChannel):
        async def notify(self, message):
            stop.set()  # a SIGTERM arrives while the first message is in flight
            return await super().notify(message)

    channels = {ChannelKind.EMAIL: Stopping(ChannelKind.EMAIL),
                ChannelKind.TELEGRAM: Stopping(ChannelKind.TELEGRAM)}
    await tick(db, settings, channels, now=at(2), worker="t")
    report = await tick(db, settings, channels, now=at(13), worker="t", stop=stop)
    assert [d.outcome for d in report.deliveries] == [OutboxStatus.SENT]
    statuses = sorted(_statuses(db).values())
    assert statuses == ["pending", "pending", "sent"]
