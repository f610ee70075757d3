"""Send-time facts: a message planned before downtime and sent after it carries the day it
is sent, in its Date header (the configured zone, +0300 for Moscow) and in its "days"."""

from __future__ import annotations

from datetime import date

import pytest
from reminder_world import add_tasks, at, build_world
from sqlmodel import select
from test_smtp_faults import Strict, channels, serving

from tracker.core.enums import OutboxStatus
from tracker.core.models import Event, OutboxMessage
from tracker.services.reminders import TickReport, deliver, plan_pass


@pytest.mark.asyncio
async def test_a_message_sent_after_downtime_speaks_of_the_day_it_is_sent(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 12, 6)], created=at(1, 12))  # due Monday 06.12
    report = TickReport()
    plan_pass(db, settings, now=at(3, 12), report=report)  # Friday: "через 3 дня"
    assert report.planned == 1
    handler = Strict()
    sent_at = at(7, 12)  # Tuesday 09:00 in Moscow: the service was down meanwhile
    async with serving(handler) as port:
        report = TickReport()
        await deliver(db, settings, channels(port), now=sent_at, worker="t", report=report,
                      clock=lambda: sent_at)
    assert report.sent == 1
    [mail] = handler.messages
    assert mail["Date"] == "Tue, 07 Dec 2021 09:00:00 +0300"
    text = mail.get_body(("plain",)).get_content()
    assert "просрочено на 1 день" in text and "через 3 дня" not in text
    assert "через 3 дня" not in mail["Subject"]
    with db.reading() as session:
        row = session.exec(select(OutboxMessage)).one()
        event = session.exec(select(Event).where(Event.kind == "reminded")).one()
    assert row.status == OutboxStatus.SENT
    assert row.sent_at == sent_at and event.at == sent_at  # marked at the time of sending


@pytest.mark.asyncio
async def test_the_send_time_moves_with_the_real_clock_during_a_pass(db, settings):
    """`now` plus the real time elapsed since the pass began: a long pass does not stamp
    its last message with its first one's minute."""
    from datetime import timedelta

    world = build_world(db)
    add_tasks(db, world, [date(2021, 12, 6)], created=at(1, 12))
    plan_pass(db, settings, now=at(3, 12), report=TickReport())
    ticks = iter([at(7, 12), at(7, 12) + timedelta(minutes=5)])
    last = [at(7, 12)]

    def clock():
        last[0] = next(ticks, last[0])
        return last[0]

    handler = Strict()
    async with serving(handler) as port:
        await deliver(db, settings, channels(port), now=at(7, 12), worker="t",
                      report=TickReport(), clock=clock)
    [mail] = handler.messages
    assert mail["Date"] == "Tue, 07 Dec 2021 09:05:00 +0300"
