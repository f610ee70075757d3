"""The weekly digests: recorded once per (kind, day) with the expected context, then sent
by the normal outbox delivery with the XLSX report attached."""

from __future__ import annotations

import json
import logging
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from notifications.channels.registry import build_channels
from notifications.message import ChannelKind
from tests import report_dataset
from tracker.core.enums import ChannelPref, OutboxStatus, Role
from tracker.core.models import OutboxMessage, Person, ScheduledRun
from tracker.core.text import fold
from tracker.reports.digests import run_digests
from tracker.runner import Service
from tracker.runtime import build_runtime

FRIDAY = report_dataset.msk(2021, 8, 13, 9, 0)


@pytest.fixture
def data(db):
    ids = report_dataset.build(db)
    with db.transaction() as s:
        def person(name, org, role, **kw):
            p = Person(name=name, name_key=fold(name), organisation_id=ids["orgs"][org],
                       role=role, **kw)
            s.add(p)
            s.flush()
            return p.id

        ids["lead"] = person("Руководитель Р. Р.", "region", Role.LEAD, email="lead@example.org",
                             telegram_chat_id=1001, channels=ChannelPref.BOTH)
        ids["coord"] = person("Координатор К. К.", "azov", Role.COORDINATOR,
                              email="coord@example.org", channels=ChannelPref.EMAIL)
        person("Бывший Б. Б.", "azov", Role.COORDINATOR, email="old@example.org", active=False)
        person("Без связи", "bataysk", Role.COORDINATOR)  # no email, no Telegram: nothing
    return ids


def _messages(db, kind):
    with db.reading() as s:
        return s.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                         .order_by(OutboxMessage.id)).all()


@pytest.mark.asyncio
async def test_lead_summary_recorded_once_with_context(db, settings, data):
    assert await run_digests(db, settings, "lead_summary", FRIDAY) == 2
    assert await run_digests(db, settings, "lead_summary", FRIDAY) == 0  # a restart
    assert await run_digests(db, settings, "lead", FRIDAY.replace(hour=15)) == 0  # same day
    rows = _messages(db, "lead_summary")
    assert [(r.person_id, r.channel, r.status, r.key) for r in rows] == [
        (data["lead"], "email", OutboxStatus.PENDING,
         f"digest:lead_summary:2021-08-13:p{data['lead']}:email"),
        (data["lead"], "telegram", OutboxStatus.PENDING,
         f"digest:lead_summary:2021-08-13:p{data['lead']}:telegram"),
    ]
    ctx = json.loads(rows[0].payload)
    assert rows[1].payload == rows[0].payload
    assert ctx["scope"] == "Ромашковская область" and ctx["as_of"] == "2021-08-13"
    assert ctx["period"] == "07.08.2021–13.08.2021"
    t = ctx["totals"]
    assert (t["assigned"], t["done_on_time"], t["done_late"], t["open"], t["overdue"],
            t["overdue_7"], t["overdue_30"], t["extensions"], t["discipline"]) == (
        9, 1, 2, 2, 4, 2, 1, 1, 0.1429)
    assert [o["name"] for o in ctx["organisations"]] == [
        "Батайск", "Город Азов", "Ромашковская область (собственные поручения)"]
    assert ctx["limit"] == 10
    assert [(o["organisation"], o["days_overdue"]) for o in ctx["oldest"]] == [
        ("Батайск", 40), ("Город Азов", 10), ("Школа № 1", 3), ("Школа № 3", 3)]
    assert ctx["decisions"][0] == {
        "label": "3.2", "text": "Представить отчёт", "done": 0, "total": 1,
        "progress": "0 из 1 муниципалитета", "document": "Приказ № 600 от 10.06.2021"}
    attachment = ctx["attachment"]
    assert attachment["filename"] == (
        "Исполнительская_дисциплина_Ромашковская_область_13.08.2021.xlsx")
    wb = load_workbook(attachment["path"])
    assert wb.sheetnames[:2] == ["Сводка", "Организации"]


@pytest.mark.asyncio
async def test_coordinator_digest_covers_their_organisation(db, settings, data):
    assert await run_digests(db, settings, "coordinator", FRIDAY) == 1
    (row,) = _messages(db, "coordinator_digest")
    assert (row.person_id, row.channel) == (data["coord"], "email")
    ctx = json.loads(row.payload)
    assert ctx["scope"] == "Город Азов"
    assert (ctx["totals"]["assigned"], ctx["totals"]["overdue"]) == (5, 2)
    assert [o["name"] for o in ctx["organisations"]] == [
        "Город Азов (собственные поручения)", "Школа № 1", "Школа № 2"]
    assert [o["organisation"] for o in ctx["oldest"]] == ["Город Азов", "Школа № 1"]
    assert ctx["attachment"]["path"].endswith(
        f"coordinator_digest-2021-08-13-org{data['orgs']['azov']}.xlsx")


@pytest.mark.asyncio
async def test_unknown_kind(db, settings):
    with pytest.raises(ValueError, match="unknown digest kind"):
        await run_digests(db, settings, "monthly", FRIDAY)


class _Recorder:
    def __init__(self, kind):
        self.kind, self.sent = kind, []

    async def notify(self, message):
        self.sent.append(message)
        return "ok"

    async def aclose(self):
        pass


@pytest.mark.asyncio
async def test_delivered_by_the_outbox_with_the_report_attached(db, settings, data):
    from tracker.services.reminders import tick

    await run_digests(db, settings, "lead_summary", FRIDAY)
    channels = {ChannelKind.EMAIL: _Recorder(ChannelKind.EMAIL),
                ChannelKind.TELEGRAM: _Recorder(ChannelKind.TELEGRAM)}
    await tick(db, settings, channels, now=FRIDAY, worker="test")
    sent = [m for c in channels.values() for m in c.sent if m.kind == "lead_summary"]
    assert sorted(m.channel for m in sent) == ["email", "telegram"]
    email = next(m for m in sent if m.channel == "email")
    assert email.items == ()
    assert email.context["totals"]["overdue"] == 4
    (attachment,) = email.attachments
    assert attachment.filename.endswith("13.08.2021.xlsx")
    assert load_workbook(BytesIO(attachment.data)).sheetnames[0] == "Сводка"
    from notifications.content.render import render_email

    rendered = render_email(email)
    assert "Ромашковская область" in rendered.subject and "просрочено 4" in rendered.subject
    assert "Батайск" in rendered.html and "Полный отчёт во вложении" in rendered.html
    assert all(r.status == OutboxStatus.SENT for r in _messages(db, "lead_summary"))
    # Sent once: the next tick sends nothing more.
    await tick(db, settings, channels, now=FRIDAY.replace(hour=10), worker="test")
    assert len([m for c in channels.values() for m in c.sent if m.kind == "lead_summary"]) == 2


@pytest.mark.asyncio
async def test_a_digest_runs_once_per_period_across_restarts(db, settings, data, caplog):
    def service() -> Service:
        return Service(build_runtime(settings, db=db, channels=build_channels(settings),
                                     clock=lambda: FRIDAY), bot=False)

    with caplog.at_level(logging.INFO, logger="tracker.runner"):
        await service().run_digest("lead")
        await service().run_digest("lead")  # restarted within the same minute
    assert [r.getMessage() for r in caplog.records] == [
        "сводка lead за 2021-08-13T09:00 записана",
        "сводка lead за 2021-08-13T09:00 уже сделана; пропущена"]
    with db.reading() as session:
        [run] = session.scalars(select(ScheduledRun)).all()
    assert (run.kind, run.period) == ("lead", "2021-08-13T09:00")
    assert run.finished_at is not None
    assert len(_messages(db, "lead_summary")) == 2  # email and Telegram, once each
