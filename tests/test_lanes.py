"""Delivery over lanes (`notifications.delivery.lanes`): a channel's concurrency in flight
at once, each lane's message marked sent before that lane sends again, the marks of
lanes that finish together in one transaction, one lane until the channel delivered,
and Telegram's limits kept when several lanes share the channel."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
from collections import deque
from datetime import date

import pytest
from fake_telegram import FakeBotAPI
from reminder_world import add_tasks, at, build_world
from smtp_serving import serving
from sqlalchemy import event, func, select

from notifications.channels.base import ChannelError
from notifications.channels.email import EmailChannel, message_domain, message_id
from notifications.channels.telegram import TelegramChannel
from notifications.delivery import lanes
from notifications.message import ChannelKind
from tracker.core.config import EmailSettings, TelegramSettings
from tracker.core.enums import OutboxStatus
from tracker.core.models import Event, Organisation, OutboxItem, OutboxMessage
from tracker.services.people import add_person
from tracker.services.reminders import tick

SENDER = "tracker@example.ru"


def overdue_officers(db, count: int):
    """`count` more officers (email) in the world's municipality and one task 3 days
    overdue on 13.08: an overdue notice to each of the `count` + 1 officers and the
    coordinator's escalation (email and Telegram)."""
    world = build_world(db)
    with db.transaction() as session:
        org = session.get(Organisation, world.org_id)
        for n in range(count):
            add_person(session=session, name=f"Исполнитель {n}", organisation=org,
                       email=f"o{n}@example.ru", channels="email")
    add_tasks(db, world, [date(2021, 8, 10)], created=at(2))
    return world


def sent_keys(db) -> set[str]:
    with db.reading() as session:
        return set(session.scalars(select(OutboxMessage.key).where(
            OutboxMessage.status == OutboxStatus.SENT)))


class Pacing:
    """An aiosmtpd handler that takes `delay` per message and checks, as each message
    arrives, that the messages it has accepted and the outbox has not marked sent are at
    most one per other connection: a lane marks before it sends again."""

    def __init__(self, db, delay: float, connections: int) -> None:
        self.db, self.delay, self.connections = db, delay, connections
        self.in_flight = self.most_in_flight = 0
        self.accepted: list[str] = []
        self.most_unmarked = 0

    async def handle_DATA(self, server, session, envelope):
        marked = {message_id(key, message_domain(SENDER)) for key in sent_keys(self.db)}
        unmarked = len(set(self.accepted) - marked)
        self.most_unmarked = max(self.most_unmarked, unmarked)
        assert unmarked <= self.connections - 1, f"{unmarked} accepted and not marked sent"
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.accepted.append(parsed["Message-ID"])
        return "250 OK queued"


@pytest.mark.asyncio
async def test_the_pool_sends_on_all_its_connections_and_each_marks_before_sending_again(
        db, settings):
    overdue_officers(db, 11)
    handler = Pacing(db, delay=0.05, connections=3)
    async with serving(handler) as port:
        channel = EmailChannel(EmailSettings(host="127.0.0.1", port=port, tls="none",
                                             sender=SENDER, timeout=5, pool_size=3,
                                             local_hostname="tracker.example.ru"))
        assert lanes.concurrency(channel) == 3
        report = await tick(db, settings, {ChannelKind.EMAIL: channel}, now=at(13), worker="t")
    emails = 1 + 11 + 1  # the officers' notices and the coordinator's escalation
    assert report.sent == len(handler.accepted) == len(set(handler.accepted)) == emails
    assert handler.most_in_flight == 3  # the pool's three connections at once
    assert channel.connections_opened == 3
    assert handler.most_unmarked <= 2
    assert len(sent_keys(db)) == emails


class Instant:
    """Accepts every message at once; `concurrency` lanes. Records how many of its
    `notify()` calls were in flight when each began, and fails the first `failures`."""

    def __init__(self, kind: ChannelKind, concurrency: int, *, failures: int = 0,
                 delay: float = 0.0) -> None:
        self.kind, self.concurrency, self.failures, self.delay = kind, concurrency, failures, delay
        self.in_flight = 0
        self.began: list[tuple[int, int]] = []  # (in flight at the start, delivered before)
        self.delivered = 0

    async def notify(self, message) -> str:
        self.began.append((self.in_flight, self.delivered))
        self.in_flight += 1
        try:
            await asyncio.sleep(self.delay)
            if self.failures:
                self.failures -= 1
                raise ChannelError("421 try again later")
            self.delivered += 1
            return "ok"
        finally:
            self.in_flight -= 1

    async def aclose(self) -> None:
        return None


@pytest.mark.asyncio
async def test_marks_of_lanes_that_finish_together_share_one_transaction(db, settings):
    overdue_officers(db, 15)
    commits: list[int] = []
    event.listen(db.engine, "commit", lambda connection: commits.append(1))
    channels = {kind: Instant(kind, 4) for kind in ChannelKind}
    report = await tick(db, settings, channels, now=at(13), worker="t")
    messages = 1 + 15 + 1 + 1  # the officers' notices, the coordinator's email and Telegram
    assert report.sent == messages
    assert len(commits) < messages  # take-over, planning, claims and marks included
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.SENT)) == messages
        items = session.scalar(select(func.count()).select_from(OutboxItem).where(
            OutboxItem.status == OutboxStatus.SENT))
        events = session.scalar(select(func.count()).select_from(Event).where(
            Event.kind.in_(["reminded", "escalated"])))
    assert items == events > 0  # one event per item sent, as one message at a time would


@pytest.mark.asyncio
async def test_a_channel_sends_alone_until_it_has_delivered_once(db, settings):
    overdue_officers(db, 15)
    email_channel = Instant(ChannelKind.EMAIL, 3, failures=2, delay=0.01)
    channels = {ChannelKind.EMAIL: email_channel,
                ChannelKind.TELEGRAM: Instant(ChannelKind.TELEGRAM, 1)}
    report = await tick(db, settings, channels, now=at(13), worker="t")
    assert report.sent == 1 + 15 + 1 + 1 - 2 and report.pending == 2
    before_first = [in_flight for in_flight, delivered in email_channel.began if not delivered]
    assert before_first == [0, 0, 0]  # two failures and the first delivery, each alone
    assert max(in_flight for in_flight, _ in email_channel.began) == 2  # then three at once


@pytest.mark.asyncio
async def test_lanes_stop_taking_messages_on_stop_and_leave_the_rest_for_the_caller():
    stop = asyncio.Event()
    work, sent = deque(range(20)), []

    async def send(item) -> bool:
        await asyncio.sleep(0.01)
        sent.append(item)
        if len(sent) == 5:
            stop.set()
        return True

    assert await lanes.run_lanes(work, 3, send, proven=True, go_on=lambda: not stop.is_set())
    assert 5 <= len(sent) <= 7  # what was in flight when the stop came finished
    assert sorted(sent + list(work)) == list(range(20))


class Watched:
    """A real channel, watched: how many of its `notify()` calls overlapped."""

    def __init__(self, channel) -> None:
        self.channel, self.kind = channel, channel.kind
        self.in_flight = self.most_in_flight = self.calls = 0

    async def notify(self, message) -> str:
        self.calls += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await self.channel.notify(message)
        finally:
            self.in_flight -= 1

    async def aclose(self) -> None:
        await self.channel.aclose()


@pytest.mark.asyncio
async def test_telegram_keeps_one_lane_and_its_limits_while_email_runs_four(db, settings):
    """The Telegram channel declares no concurrency: one lane, so its requests leave in
    the order its rate limiter booked them, while the email lanes run beside it. The
    limiter's bookings (at most 4 a second here) hold in the pass."""
    world = overdue_officers(db, 7)
    with db.transaction() as session:
        org = session.get(Organisation, world.org_id)
        for n in range(6):
            add_person(session=session, name=f"Телеграм {n}", organisation=org,
                       telegram_chat_id=900 + n, channels="telegram")
    add_tasks(db, world, [date(2021, 8, 11)], created=at(2))
    with FakeBotAPI() as fake:
        telegram = TelegramChannel(TelegramSettings(api_url=fake.api_url, file_url=fake.file_url,
                                                    token=fake.token, rate_per_second=4,
                                                    per_chat_interval=0), timeout=5)
        booked: list[float] = []
        reserve = telegram.limiter.reserve

        def booking(chat_id: int, now: float) -> float:
            wait = reserve(chat_id, now)
            if wait == 0:
                booked.append(now)
            return wait

        telegram.limiter.reserve = booking
        channels = {ChannelKind.TELEGRAM: Watched(telegram),
                    ChannelKind.EMAIL: Instant(ChannelKind.EMAIL, 4, delay=0.02)}
        assert lanes.concurrency(telegram) == 1
        report = await tick(db, settings, channels, now=at(13), worker="t")
        sends = len(fake.sent("sendMessage"))
    assert channels[ChannelKind.TELEGRAM].calls == sends == len(booked) >= 7
    assert channels[ChannelKind.TELEGRAM].most_in_flight == 1
    assert max(in_flight for in_flight, _ in channels[ChannelKind.EMAIL].began) == 3
    assert report.sent == sends + channels[ChannelKind.EMAIL].delivered
    window = telegram.limiter.window  # 1 s and the slack
    assert all(later - booked[n] >= window for n, later in enumerate(booked[4:]))
    assert telegram.limiter.waited > 0


class LockingOnce(Instant):
    """`Instant`, whose first message takes SQLite's write lock in another connection
    (as another process writing) and gives it back `hold` seconds later."""

    def __init__(self, kind: ChannelKind, path: str, hold: float) -> None:
        super().__init__(kind, 1)
        self.path, self.hold, self.held = path, hold, None

    async def notify(self, message) -> str:
        if self.held is None:
            import sqlite3

            other = sqlite3.connect(self.path, isolation_level=None)
            other.execute("BEGIN IMMEDIATE")
            self.held = asyncio.get_running_loop().time()
            asyncio.get_running_loop().call_later(self.hold, other.close)
        return await super().notify(message)


@pytest.mark.asyncio
async def test_a_sent_mark_that_would_wait_for_the_write_lock_waits_off_the_event_loop(
        db, settings):
    """Sent marks on SQLite run on the event loop's thread only when the write lock is
    free at once: with the lock held elsewhere the mark waits in a worker thread, the
    loop keeps running, and the message is marked once the lock is free."""
    overdue_officers(db, 3)
    channel = LockingOnce(ChannelKind.EMAIL, db.engine.url.database, hold=0.4)
    channels = {ChannelKind.EMAIL: channel, ChannelKind.TELEGRAM: Instant(ChannelKind.TELEGRAM, 1)}
    turns: list[float] = []

    async def ticking() -> None:
        while True:
            turns.append(asyncio.get_running_loop().time())
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(ticking())
    try:
        report = await tick(db, settings, channels, now=at(13), worker="t")
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
    assert report.sent == 1 + 3 + 1 + 1 and report.pending == 0
    assert channel.held is not None
    during = [t for t in turns if channel.held < t < channel.held + 0.35]
    assert len(during) >= 10  # the loop turned while the mark waited for the lock
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.SENT)) == report.sent
