"""The Telegram channel over real HTTP: python-telegram-bot against `FakeBotAPI` on
127.0.0.1, alone and inside the outbox's delivery pass with a real SQLite database."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from fake_telegram import FakeBotAPI
from reminder_world import add_tasks, at, build_world
from sqlalchemy import update
from sqlmodel import select

from notifications.channels.base import ChannelError, ChatGone, ChatMoved
from notifications.channels.telegram import TelegramChannel, retry_seconds, scrub
from notifications.content.telegram_render import units
from notifications.message import (
    Attachment,
    ChannelKind,
    Item,
    Message,
    MessageKind,
    Recipient,
    Rule,
)
from tracker.core.config import TelegramSettings
from tracker.core.db import aware
from tracker.core.enums import OutboxStatus
from tracker.core.models import OutboxItem, OutboxMessage, Person
from tracker.services.reminders import tick

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OFFICER_CHAT = 777
# python-telegram-bot 22 warns when it builds a RetryAfter with an int; the channel reads
# the value either way (`retry_seconds`).
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")
COORDINATOR_CHAT = 555


@pytest.fixture
def fake():
    with FakeBotAPI() as server:
        yield server


def channel_for(fake: FakeBotAPI, *, token: str | None = None, timeout: float = 2.0,
                **limits) -> TelegramChannel:
    limits.setdefault("per_chat_interval", 0)  # tests send several requests to one chat
    settings = TelegramSettings(api_url=fake.api_url, file_url=fake.file_url,
                                token=token or fake.token, **limits)
    return TelegramChannel(settings, timeout=timeout)


def reminder(text: str = "Проверить <script>& отчёт", *, items: int = 1, chat: int = 42,
             kind: MessageKind = MessageKind.REMINDER, attachments=(), context=None) -> Message:
    return Message(
        f"m:p1:telegram:{kind}", kind, ChannelKind.TELEGRAM,
        Recipient(1, "Петрова Анна", telegram_chat_id=chat),
        items=tuple(Item(40 + n, text, date(2021, 8, 20), 3, Rule.BEFORE, "Город Азов",
                         f"{n + 1}.1", "Протокол № 1 от 15.06.2021") for n in range(items)),
        attachments=attachments, context=context or {}, today=date(2021, 8, 17))


def keyboard_data(call) -> list[list[str]]:
    return [[b["callback_data"] for b in row]
            for row in call.params["reply_markup"]["inline_keyboard"]]


# --- the channel alone -------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_reminder_goes_out_as_escaped_html_with_buttons(fake):
    channel = channel_for(fake)
    reply = await channel.notify(reminder())
    await channel.aclose()
    [call] = fake.sent("sendMessage")
    assert reply == f"telegram message_id={1000}"
    assert call.params["chat_id"] == 42 and call.params["parse_mode"] == "HTML"
    text = call.params["text"]
    assert "Проверить &lt;script&gt;&amp; отчёт" in text and "<script>" not in text
    assert "Срок: <b>20 августа 2021 г.</b>, через 3 дня" in text
    assert keyboard_data(call) == [["done:40", "note:40", "move:40"]]
    assert [c.method for c in fake.calls] == ["getMe", "sendMessage"]


@pytest.mark.asyncio
async def test_a_long_digest_is_split_with_the_buttons_on_the_last_chunk(fake):
    channel = channel_for(fake)
    long_text = "Обеспечить исполнение мероприятий дорожной карты " * 10
    reply = await channel.notify(reminder(long_text, items=25, kind=MessageKind.DIGEST))
    await channel.aclose()
    calls = fake.sent("sendMessage")
    assert len(calls) >= 3
    assert all(units(c.params["text"]) < 4096 for c in calls)
    assert ["reply_markup" in c.params for c in calls] == [False] * (len(calls) - 1) + [True]
    assert len(keyboard_data(calls[-1])) == 10
    ids = ",".join(str(1000 + n) for n in range(len(calls)))
    assert reply == f"telegram message_id={ids}"


@pytest.mark.asyncio
async def test_the_lead_summary_sends_its_xlsx_after_the_text(fake):
    data = b"PK\x03\x04 not really a workbook"
    message = reminder(kind=MessageKind.LEAD_SUMMARY, items=0,
                       attachments=(Attachment("svodka-2021-08-16.xlsx", XLSX, data),),
                       context={"scope": "Ростовская область", "totals": {"overdue": 3}})
    channel = channel_for(fake)
    reply = await channel.notify(message)
    await channel.aclose()
    assert [c.method for c in fake.calls] == ["getMe", "sendMessage", "sendDocument"]
    [document] = fake.sent("sendDocument", chat_id=42)
    assert document.files["document"] == ("svodka-2021-08-16.xlsx", data)
    assert reply == "telegram message_id=1000; document message_id=1001"


@pytest.mark.asyncio
async def test_a_failed_attachment_does_not_fail_the_message(fake):
    fake.fail_next("sendDocument", status=400, description="Bad Request: file is too big")
    message = reminder(kind=MessageKind.LEAD_SUMMARY, items=0,
                       attachments=(Attachment("svodka.xlsx", XLSX, b"PK"),))
    channel = channel_for(fake)
    reply = await channel.notify(message)
    await channel.aclose()
    assert len(fake.sent("sendMessage")) == 1 and fake.sent("sendDocument") == []
    assert reply == ("telegram message_id=1000; вложение svodka.xlsx не отправлено: Telegram "
                     "отклонил сообщение в чат 42; ответ сервера: «File is too big»")


@pytest.mark.asyncio
@pytest.mark.parametrize(("status", "description", "parameters", "expected"), [
    (429, "Too Many Requests: retry after 7", {"retry_after": 7},
     dict(retry_after=7.0, permanent=False, gone=False, configuration=False)),
    (403, "Forbidden: bot was blocked by the user", None,
     dict(retry_after=None, permanent=True, gone=True, configuration=False)),
    (400, "Bad Request: chat not found", None,
     dict(retry_after=None, permanent=True, gone=True, configuration=False)),
    (400, "Bad Request: can't parse entities", None,
     dict(retry_after=None, permanent=True, gone=False, configuration=False)),
    (400, "Bad Request: group chat was upgraded to a supergroup chat",
     {"migrate_to_chat_id": -1001234}, dict(new_chat_id=-1001234, moved=True, permanent=False)),
    (502, "Bad Gateway", None, dict(retry_after=None, permanent=False, configuration=False)),
])
async def test_errors_map_to_channel_errors(fake, status, description, parameters, expected):
    fake.fail_next("sendMessage", status=status, description=description,
                   parameters=parameters)
    channel = channel_for(fake)
    with pytest.raises(ChannelError) as caught:
        await channel.notify(reminder())
    await channel.aclose()
    error = caught.value
    facts = {"gone": isinstance(error, ChatGone), "moved": isinstance(error, ChatMoved)}
    assert {name: facts[name] if name in facts else getattr(error, name)
            for name in expected} == expected


def test_retry_after_is_normalised_from_int_or_timedelta():
    assert retry_seconds(5) == 5.0
    assert retry_seconds(timedelta(seconds=3, milliseconds=500)) == 3.5


@pytest.mark.asyncio
async def test_a_wrong_token_is_a_config_error_latched_for_the_pass(fake):
    token = "987654:WRONG-token-abcdefghijklmnopqrstuv"
    channel = channel_for(fake, token=token)
    for _ in range(3):
        with pytest.raises(ChannelError) as caught:
            await channel.notify(reminder())
        assert caught.value.configuration and not caught.value.permanent
        assert token not in str(caught.value) and "WRONG" not in str(caught.value)
    assert fake.unauthorized == 1 and fake.calls == []  # one request (getMe), not three
    await channel.aclose()  # a new pass tries again
    with pytest.raises(ChannelError):
        await channel.notify(reminder())
    assert fake.unauthorized == 2


@pytest.mark.asyncio
async def test_the_token_never_reaches_the_logs(fake, caplog):
    channel = channel_for(fake)
    # At INFO even if an earlier test (the CLI's logging set-up) quieted httpx to WARNING.
    with caplog.at_level(logging.INFO), caplog.at_level(logging.INFO, logger="httpx"):
        await channel.notify(reminder())
        await channel.aclose()
    assert "HTTP Request: POST" in caplog.text  # httpx logged the URL...
    assert fake.token not in caplog.text and "bot<token>/sendMessage" in caplog.text
    assert scrub("https://x/bot123456:ABCdefGHIjklMNOpqrSTUvwx/getMe") == "https://x/bot<token>/getMe"


@pytest.mark.asyncio
async def test_a_shared_bot_is_used_and_not_shut_down(fake):
    from telegram import Bot

    bot = Bot(fake.token, base_url=fake.api_url, base_file_url=fake.file_url)
    async with bot:
        channel = TelegramChannel(TelegramSettings(per_chat_interval=0), bot=bot)
        await channel.notify(reminder())
        await channel.aclose()
        await bot.send_message(42, "still open")  # raises if the channel shut it down
    assert [c.params["text"][:10] for c in fake.sent("sendMessage")][1] == "still open"


# --- inside the delivery pass ------------------------------------------------------


class Recorder:
    """The email channel: records what it is given."""

    kind = ChannelKind.EMAIL

    def __init__(self):
        self.sent: list[Message] = []

    async def notify(self, message):
        self.sent.append(message)
        return "250 OK"

    async def aclose(self):
        return None


def telegram_officer(db, world, chat_id: int = OFFICER_CHAT) -> None:
    """The officer reads Telegram only, so the overdue notice goes there."""
    with db.transaction() as session:
        session.execute(update(Person).where(Person.id == world.officer_id)
                        .values(telegram_chat_id=chat_id, channels="telegram"))


def messages(db, channel: str | None = None) -> list[OutboxMessage]:
    with db.reading() as session:
        query = select(OutboxMessage).where(OutboxMessage.status != OutboxStatus.SKIPPED)
        if channel:
            query = query.where(OutboxMessage.channel == channel)
        return list(session.exec(query.order_by(OutboxMessage.id)))


async def overdue_world(db, settings, fake, **kw):
    """An overdue task (due 10.08): at 13.08 the officer (Telegram) is told it is overdue
    and the coordinator (email and Telegram) gets the escalation."""
    world = build_world(db)
    telegram_officer(db, world)
    add_tasks(db, world, [date(2021, 8, 10)], created=at(2))
    channels = {ChannelKind.EMAIL: Recorder(), ChannelKind.TELEGRAM: channel_for(fake, **kw)}
    await tick(db, settings, channels, now=at(2), worker="t")
    return world, channels


@pytest.mark.asyncio
async def test_429_reschedules_the_message_at_retry_after(db, settings, fake):
    world, channels = await overdue_world(db, settings, fake)
    fake.fail_next("sendMessage", chat_id=OFFICER_CHAT, status=429,
                   description="Too Many Requests: retry after 7",
                   parameters={"retry_after": 7})
    report = await tick(db, settings, channels, now=at(13), worker="t")
    [officer] = [d for d in report.deliveries if d.person_id == world.officer_id]
    assert officer.outcome == OutboxStatus.PENDING
    [row] = [m for m in messages(db, "telegram") if m.person_id == world.officer_id]
    assert aware(row.next_attempt_at) == at(13) + timedelta(seconds=7)
    assert row.last_error == "Telegram ограничил частоту отправки: повтор через 7 с"
    early = await tick(db, settings, channels, now=at(13) + timedelta(seconds=6), worker="t")
    assert early.deliveries == []
    later = await tick(db, settings, channels, now=at(13) + timedelta(seconds=7), worker="t")
    assert [(d.person_id, d.outcome) for d in later.deliveries] == [
        (world.officer_id, OutboxStatus.SENT)]
    assert len(fake.sent("sendMessage", chat_id=OFFICER_CHAT)) == 1


@pytest.mark.asyncio
async def test_403_disables_telegram_falls_back_to_email_and_tells_the_coordinator(
        db, settings, fake):
    world, channels = await overdue_world(db, settings, fake)
    fake.fail_next("sendMessage", chat_id=OFFICER_CHAT, status=403,
                   description="Forbidden: bot was blocked by the user")
    report = await tick(db, settings, channels, now=at(13), worker="t")
    with db.reading() as session:
        assert session.get(Person, world.officer_id).telegram_active is False
    [failed] = [m for m in messages(db, "telegram") if m.person_id == world.officer_id]
    assert failed.status == OutboxStatus.FAILED
    [fallback] = [m for m in messages(db, "email") if m.key == failed.key + ":email-fallback"]
    assert (fallback.kind, fallback.status, fallback.payload) == (
        "overdue", OutboxStatus.SENT, failed.payload)
    with db.reading() as session:
        keys = session.exec(select(OutboxItem.key).where(
            OutboxItem.message_id == fallback.id)).all()
    assert keys and all(k.endswith(":email-fallback") for k in keys)
    emailed = {(m.recipient.person_id, m.kind) for m in channels[ChannelKind.EMAIL].sent}
    assert emailed == {(world.officer_id, MessageKind.OVERDUE),  # the fallback, same pass
                       (world.coordinator_id, MessageKind.ESCALATION),
                       (world.coordinator_id, MessageKind.FAILURE)}
    [notice] = [c for c in fake.sent("sendMessage", chat_id=COORDINATOR_CHAT)
                if "Не удалось доставить уведомление" in c.params["text"]]
    assert "Иванов Иван" in notice.params["text"]
    assert report.failed == 1


@pytest.mark.asyncio
async def test_no_fallback_for_someone_who_gets_the_email_anyway(db, settings, fake):
    world, channels = await overdue_world(db, settings, fake)
    fake.fail_next("sendMessage", chat_id=COORDINATOR_CHAT, status=400,
                   description="Bad Request: chat not found")
    await tick(db, settings, channels, now=at(13), worker="t")
    with db.reading() as session:
        assert session.get(Person, world.coordinator_id).telegram_active is False
    assert not [m for m in messages(db) if m.key.endswith(":email-fallback")]
    escalations = [m for m in channels[ChannelKind.EMAIL].sent
                   if m.kind == MessageKind.ESCALATION]
    assert len(escalations) == 1  # the coordinator's own email, not a second copy


@pytest.mark.asyncio
async def test_a_migrated_chat_is_stored_and_resent_in_the_same_pass(db, settings, fake):
    world, channels = await overdue_world(db, settings, fake)
    fake.fail_next("sendMessage", chat_id=OFFICER_CHAT, status=400,
                   description="Bad Request: group chat was upgraded to a supergroup chat",
                   parameters={"migrate_to_chat_id": -100777})
    report = await tick(db, settings, channels, now=at(13), worker="t")
    officer = [d.outcome for d in report.deliveries if d.person_id == world.officer_id]
    assert officer == [OutboxStatus.PENDING, OutboxStatus.SENT]
    with db.reading() as session:
        assert session.get(Person, world.officer_id).telegram_chat_id == -100777
    assert len(fake.sent("sendMessage", chat_id=-100777)) == 1
    assert fake.sent("sendMessage", chat_id=OFFICER_CHAT) == []
    [row] = [m for m in messages(db, "telegram") if m.person_id == world.officer_id]
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)  # the move cost no attempt


@pytest.mark.asyncio
async def test_a_timeout_is_retried_later_then_delivered(db, settings, fake):
    # The timeout leaves room for the other requests of the pass on a loaded machine (a
    # 0.3 s timeout failed there at load 16); the held answer comes well after it.
    world, channels = await overdue_world(db, settings, fake, timeout=1.5)
    fake.fail_next("sendMessage", chat_id=OFFICER_CHAT, status=500, delay=3.5)
    report = await tick(db, settings, channels, now=at(13), worker="t")
    [first] = [d for d in report.deliveries if d.person_id == world.officer_id]
    assert first.outcome == OutboxStatus.PENDING
    assert first.reply.startswith(f"Telegram не ответил вовремя при отправке в чат {OFFICER_CHAT}")
    [row] = [m for m in messages(db, "telegram") if m.person_id == world.officer_id]
    assert aware(row.next_attempt_at) == at(13) + timedelta(seconds=60)  # the first backoff
    report = await tick(db, settings, channels, now=at(13, hour=10), worker="t")
    assert [(d.person_id, d.outcome) for d in report.deliveries] == [
        (world.officer_id, OutboxStatus.SENT)]
    assert len(fake.sent("sendMessage", chat_id=OFFICER_CHAT)) == 1


@pytest.mark.asyncio
async def test_a_wrong_token_stops_telegram_for_the_pass_without_hammering(db, settings, fake):
    world, channels = await overdue_world(db, settings, fake,
                                          token="987654:WRONG-token-abcdefghijklmnopqrstuv")
    report = await tick(db, settings, channels, now=at(13), worker="t")
    assert fake.unauthorized == 1 and fake.calls == []  # getMe refused, nothing else tried
    telegram = messages(db, "telegram")
    assert len(telegram) == 2  # the officer's notice and the coordinator's escalation
    assert [(m.status, m.attempts) for m in telegram] == [(OutboxStatus.PENDING, 0)] * 2
    assert all("WRONG" not in (m.last_error or "") for m in telegram)
    assert [d.channel for d in report.deliveries if d.outcome == OutboxStatus.SENT] == ["email"]


# --- what delivery reports, and who records it ---------------------------------------


async def _deliver_with_hooks(db, settings, channels):
    """Plan at 13.08 with the service, then deliver with hooks that only listen."""
    from notifications.delivery.hooks import Outcomes
    from notifications.delivery.tick import deliver
    from tracker.services.reminders import TickReport, plan_pass, record_sent

    heard: list[tuple] = []
    hooks = Outcomes(sent=record_sent,
                     chat_gone=lambda session, person: heard.append(("gone", person)),
                     chat_moved=lambda session, person, chat: heard.append(("moved", person,
                                                                             chat)))
    plan_pass(db, settings, now=at(13), report=TickReport())
    await deliver(db, settings, channels, now=at(13), worker="t", report=TickReport(),
                  outcomes=hooks)
    return heard


@pytest.mark.asyncio
async def test_a_gone_chat_is_reported_to_the_hook_and_recorded_by_the_service(
        db, settings, fake):
    world, channels = await overdue_world(db, settings, fake)
    fake.fail_next("sendMessage", chat_id=OFFICER_CHAT, status=403,
                   description="Forbidden: bot was blocked by the user")
    heard = await _deliver_with_hooks(db, settings, channels)
    assert heard == [("gone", world.officer_id)]
    with db.reading() as session:  # delivery itself does not touch the person
        assert session.get(Person, world.officer_id).telegram_active is True
    assert [m for m in messages(db, "email") if m.key.endswith(":email-fallback")]

    from tracker.services.people import chat_gone

    with db.transaction() as session:
        chat_gone(session, world.officer_id)
    with db.reading() as session:
        assert session.get(Person, world.officer_id).telegram_active is False


@pytest.mark.asyncio
async def test_a_moved_chat_is_reported_to_the_hook_with_the_new_id(db, settings, fake):
    world, channels = await overdue_world(db, settings, fake)
    fake.fail_next("sendMessage", chat_id=OFFICER_CHAT, status=400,
                   description="Bad Request: group chat was upgraded to a supergroup chat",
                   parameters={"migrate_to_chat_id": -100777})
    heard = await _deliver_with_hooks(db, settings, channels)
    assert heard == [("moved", world.officer_id, -100777)]
    with db.reading() as session:  # not stored by delivery: the listening hook did not
        assert session.get(Person, world.officer_id).telegram_chat_id == OFFICER_CHAT
    assert len(fake.sent("sendMessage", chat_id=OFFICER_CHAT)) == 1  # resent, old chat

    from tracker.services.people import chat_moved

    with db.transaction() as session:
        chat_moved(session, world.officer_id, -100777)
    with db.reading() as session:
        assert session.get(Person, world.officer_id).telegram_chat_id == -100777
