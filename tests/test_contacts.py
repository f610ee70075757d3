"""Escalations and digests say who answers for an item and how to reach them: the officer
reminded (the named person, else the organisation's officers) and the coordinator (of the
organisation, else of the nearest ancestor), with their email addresses."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlmodel import select

from notifications.content import contacts
from notifications.content.compose import Outgoing, compose
from notifications.content.render import render_email
from notifications.content.telegram_render import render_telegram
from notifications.message import ChannelKind, MessageKind
from tracker.core.enums import Role
from tracker.services.orgs import add_organisation
from tracker.services.people import add_person
from tracker.services.tasks import add_task

NOW = datetime(2021, 9, 1, 6, 0, tzinfo=UTC)


def _world(db) -> dict:
    with db.transaction() as s:
        region = add_organisation(session=s, name="Ростовская область", kind="region")
        bataysk = add_organisation(session=s, name="Город Батайск", kind="municipality",
                                   parent=region)
        school = add_organisation(session=s, name="Школа № 3", kind="school", parent=bataysk)
        officer = add_person(session=s, name="Петрова Е. Н.", organisation=bataysk,
                             email="petrova@bataysk.example.ru")
        add_person(session=s, name="Сидоров О. С.", organisation=bataysk,
                   telegram_chat_id=555, channels="telegram")
        coordinator = add_person(session=s, name="Волков И. П.", organisation=region,
                                 email="volkov@region.example.ru", role=Role.COORDINATOR)
        lead = add_person(session=s, name="Алексеева Т. М.", organisation=region,
                          email="lead@region.example.ru", role=Role.LEAD)
        _, (plain,) = add_task(session=s, text="Провести совещание", organisations=[bataysk],
                               due=date(2021, 8, 20), now=NOW)
        _, (named,) = add_task(session=s, text="Сдать отчёт", organisations=[school],
                               due=date(2021, 8, 20), person=officer, now=NOW)
        return {"plain": plain.id, "named": named.id, "lead": lead.id,
                "coordinator": coordinator.id}


def test_responsible_falls_back_to_the_officers_and_the_nearest_coordinator(db):
    ids = _world(db)
    with db.reading() as s:
        who = contacts.responsible(s, [ids["plain"], ids["named"]])
    plain, named = who[ids["plain"]], who[ids["named"]]
    assert [c.line() for c in plain.owners] == ["Петрова Е. Н., petrova@bataysk.example.ru",
                                                "Сидоров О. С., Telegram-бот"]
    assert [c.line() for c in named.owners] == ["Петрова Е. Н., petrova@bataysk.example.ru"]
    # Neither Батайск nor the school has a coordinator: the region's answers for both.
    assert [c.line() for c in plain.coordinators] == ["Волков И. П., volkov@region.example.ru"]
    assert named.coordinators == plain.coordinators


def test_an_escalation_to_the_lead_names_the_officer_and_coordinator(db):
    ids = _world(db)
    out = Outgoing("esc:1", ids["lead"], ChannelKind.EMAIL, MessageKind.ESCALATION,
                   ((ids["plain"], "escalation", 1, date(2021, 8, 20)),), {})
    with db.reading() as s:
        (message,) = compose(s, [out], now=NOW, default_zone="Europe/Moscow",
                             escalation_roles=("coordinator", "lead"))
    (item,) = message.items
    assert item.owner == "Петрова Е. Н., Сидоров О. С."  # not just "Город Батайск"
    email = render_email(message)
    for part in (email.text, email.html):
        assert "Ответственный: Петрова Е. Н., petrova@bataysk.example.ru" in part
        assert "Координатор: Волков И. П., volkov@region.example.ru" in part
    telegram = "\n".join(render_telegram(message).chunks)
    assert "petrova@bataysk.example.ru" in telegram and "Координатор: Волков И. П." in telegram


def test_a_reminder_to_the_officer_does_not_list_contacts(db):
    ids = _world(db)
    with db.reading() as s:
        from tracker.core.models import Person

        officer = s.exec(select(Person).where(Person.name == "Петрова Е. Н.")).one().id
    out = Outgoing("rem:1", officer, ChannelKind.EMAIL, MessageKind.REMINDER,
                   ((ids["named"], "before", 3, date(2021, 8, 20)),), {})
    with db.reading() as s:
        (message,) = compose(s, [out], now=NOW, default_zone="Europe/Moscow")
    assert message.items[0].owner_contact is None and message.items[0].coordinator is None
    assert "Координатор" not in render_email(message).text


def test_the_lead_summary_names_contacts_of_the_oldest_items(db, settings):
    from tracker.core.models import OutboxMessage
    from tracker.reports.digests import record_digests

    ids = _world(db)
    record_digests(db, settings, "lead_summary", NOW)
    with db.reading() as s:
        row = s.exec(select(OutboxMessage).where(OutboxMessage.person_id == ids["lead"])).one()
        payload = json.loads(row.payload)
    oldest = {o["text"]: o for o in payload["oldest"]}
    assert oldest["Провести совещание"]["owner_contact"].startswith(
        "Петрова Е. Н., petrova@bataysk.example.ru")
    assert oldest["Сдать отчёт"]["coordinator"] == "Волков И. П., volkov@region.example.ru"
