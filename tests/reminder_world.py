"""A small world for outbox, delivery and CLI tests: a region, one municipality, an
officer (email), a coordinator (email and Telegram) and a lead, and helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from tracker.services.orgs import add_organisation
from tracker.services.people import add_person
from tracker.services.tasks import add_task

CREATED = datetime(2021, 8, 1, 6, 0, tzinfo=UTC)


def at(day: int, month: int = 8, hour: int = 9) -> datetime:
    """`hour`:00 Moscow time (UTC+3) on the given day of 2021."""
    return datetime(2021, month, day, hour - 3, 0, tzinfo=UTC)


@dataclass
class World:
    region_id: int
    org_id: int
    officer_id: int
    coordinator_id: int
    lead_id: int


def build_world(db) -> World:
    with db.transaction() as session:
        region = add_organisation(session=session, name="Ростовская область", kind="region")
        azov = add_organisation(session=session, name="Город Азов", kind="municipality",
                                parent=region)
        officer = add_person(session=session, name="Иванов Иван", organisation=azov,
                             email="ivanov@example.ru", channels="email")
        coordinator = add_person(session=session, name="Петрова Анна", organisation=azov,
                                 email="petrova@example.ru", role="coordinator",
                                 telegram_chat_id=555)
        lead = add_person(session=session, name="Сидоров Пётр", organisation=region,
                          email="lead@example.ru", role="lead", channels="email")
        return World(region.id, azov.id, officer.id, coordinator.id, lead.id)


def add_tasks(db, world: World, dues: list[date], *, created: datetime = CREATED) -> list[int]:
    """One task per due date, assigned to the municipality; the assignment ids."""
    from tracker.core.models import Organisation

    ids = []
    with db.transaction() as session:
        org = session.get(Organisation, world.org_id)
        for number, due in enumerate(dues, start=1):
            _, assignments = add_task(session=session, text=f"Представить отчёт № {number}",
                                      organisations=[org], now=created, due=due,
                                      label=f"{number}.1")
            ids.extend(a.id for a in assignments)
    return ids
