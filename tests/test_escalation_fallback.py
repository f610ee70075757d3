"""No silent escalation gap: a step whose audience is missing goes to the nearest
ancestor's coordinator, else the lead, else the admins, and the event and the log say
whom it went to and why."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest
from reminder_world import add_tasks, at
from sqlmodel import select
from test_delivery import _fakes

from notifications.content.render import render_email
from notifications.message import ChannelKind, MessageKind
from tracker.core.enums import EventKind
from tracker.core.models import Event
from tracker.services.orgs import add_organisation
from tracker.services.people import add_person
from tracker.services.reminders import tick


def _world(db, *, lead: bool, district_coordinator: bool = False):
    """A region, a district and a town under it; an officer in the town, nobody
    coordinating the town; optionally a coordinator of the district, a lead, an admin."""
    with db.transaction() as session:
        region = add_organisation(session=session, name="Ростовская область", kind="region")
        district = add_organisation(session=session, name="Азовский район",
                                    kind="municipality", parent=region)
        town = add_organisation(session=session, name="Город Азов", kind="municipality",
                                parent=district)
        add_person(session=session, name="Иванов Иван", organisation=town,
                   email="ivanov@example.ru", channels="email")
        ids = {"town": town.id}
        if district_coordinator:
            ids["coordinator"] = add_person(
                session=session, name="Петрова Анна", organisation=district,
                email="petrova@example.ru", role="coordinator", channels="email").id
        if lead:
            ids["lead"] = add_person(session=session, name="Сидоров Пётр", organisation=region,
                                     email="lead@example.ru", role="lead", channels="email").id
        ids["admin"] = add_person(session=session, name="Админ Системы", organisation=region,
                                  email="admin@example.ru", role="admin", channels="email").id
    return ids


def _escalations(db) -> list[dict]:
    with db.reading() as session:
        return [json.loads(e.details) for e in session.exec(
            select(Event).where(Event.kind == EventKind.ESCALATED).order_by(Event.id))]


class _World:
    def __init__(self, org_id):
        self.org_id = org_id


@pytest.mark.asyncio
@pytest.mark.parametrize(("lead", "district", "to", "why"), [
    (True, True, "coordinator", None),
    (True, False, "lead", "no reachable coordinator for Город Азов or above: "
                          "sent to the lead instead"),
    (False, False, "admin", "no reachable coordinator for Город Азов or above: "
                            "sent to the admins instead"),
])
async def test_the_coordinator_step_goes_to_whoever_is_there(db, settings, caplog, lead,
                                                             district, to, why):
    ids = _world(db, lead=lead, district_coordinator=district)
    add_tasks(db, _World(ids["town"]), [date(2021, 8, 10)], created=at(2))
    channels = _fakes()
    await tick(db, settings, channels, now=at(2), worker="t")
    with caplog.at_level(logging.INFO):
        await tick(db, settings, channels, now=at(13), worker="t")  # 3 working days overdue
    [event] = _escalations(db)
    assert event["recipient_id"] == ids[to] and event["step"] == 0
    [sent] = [m for m in channels[ChannelKind.EMAIL].sent if m.kind == MessageKind.ESCALATION]
    assert sent.context["role"] == to
    word = {"coordinator": "координатору", "lead": "руководителю", "admin": "администратору"}
    assert f"направлено вам как {word[to]}" in render_email(sent).text
    assert event.get("fallback") == why
    lines = [r.getMessage() for r in caplog.records if "шаг эскалации" in r.getMessage()]
    if why is None:
        assert lines == []
    else:
        assert lines == [f"шаг эскалации 1 поручения 1 направлен лицу {ids[to]}: {why}"]


@pytest.mark.asyncio
async def test_the_lead_step_without_a_lead_goes_to_the_admins(db, settings):
    ids = _world(db, lead=False, district_coordinator=True)
    add_tasks(db, _World(ids["town"]), [date(2021, 8, 2)], created=at(1))
    channels = _fakes()
    await tick(db, settings, channels, now=at(1), worker="t")
    await tick(db, settings, channels, now=at(13), worker="t")  # 9 working days overdue
    by_step = {e["step"]: e for e in _escalations(db)}
    assert by_step[0]["recipient_id"] == ids["coordinator"] and "fallback" not in by_step[0]
    assert by_step[1]["recipient_id"] == ids["admin"]
    assert by_step[1]["fallback"] == ("no reachable lead in the region of Город Азов: "
                                      "sent to the admins instead")
