"""A small region for the web tests: a lead, a coordinator and an officer in «Город
Азов», an officer in «Город Батайск», one task given to both towns (overdue on NOW's
date), and a web app over the real SQLite file with a fixed clock."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from tracker.core.enums import OrgKind, Role, TokenAction

NOW = datetime(2021, 8, 13, 6, 0, tzinfo=UTC)  # 09:00 in Moscow
CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


@dataclass
class World:
    settings: object
    db: object
    ids: dict = field(default_factory=dict)
    sent: list = field(default_factory=list)  # (person id, url) of sign-in links
    now: datetime = NOW

    def clock(self) -> datetime:
        return self.now

    async def mailer(self, person, url: str) -> None:
        self.sent.append((person.id, url))

    def app(self):
        from tracker.web.app import create_app

        return create_app(self.settings, self.db, clock=self.clock, mailer=self.mailer)

    def token(self, person: str, action: TokenAction, assignment: str | None = "azov",
              request_id: int | None = None, ttl: timedelta = timedelta(days=14)) -> str:
        from tracker.services.web_tokens import TokenSpec, create_token

        with self.db.transaction() as session:
            return create_token(session=session, now=self.now, ttl=ttl, spec=TokenSpec(
                self.ids[person], action,
                assignment_id=self.ids[assignment] if assignment else None,
                request_id=request_id))

    def sign_in(self, client, person: str) -> None:
        """Sign `client` in as `person` through a real sign-in link."""
        from tracker.core.models import Person
        from tracker.services.web_sessions import create_sign_in

        with self.db.transaction() as session:
            token = create_sign_in(session=session, person=session.get(Person,
                                                                       self.ids[person]),
                                   now=self.now, ttl=timedelta(minutes=30))
        page = client.get(f"/signin/{token}")
        assert page.status_code == 200, page.text
        reply = client.post(f"/signin/{token}", data={"csrf": csrf_of(page.text)},
                            follow_redirects=False)
        assert reply.status_code == 303, reply.text


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def build(settings, db, *, now: datetime = NOW, due: date = date(2021, 8, 10)) -> World:
    from tracker.services.orgs import add_organisation
    from tracker.services.people import add_person
    from tracker.services.tasks import add_task

    world = World(settings, db, now=now)
    with db.transaction() as session:
        region = add_organisation(session=session, name="Ростовская область",
                                  kind=OrgKind.REGION)
        azov = add_organisation(session=session, name="Город Азов", kind=OrgKind.MUNICIPALITY,
                                parent=region)
        bataisk = add_organisation(session=session, name="Город Батайск",
                                   kind=OrgKind.MUNICIPALITY, parent=region)
        people = {
            "lead": add_person(session=session, name="Руководитель Р.Р.", organisation=region,
                               email="lead@example.ru", role=Role.LEAD),
            "coord": add_person(session=session, name="Координатор К.К.", organisation=azov,
                                email="coord@example.ru", role=Role.COORDINATOR),
            "officer": add_person(session=session, name="Иванова М.Н.", organisation=azov,
                                  email="ivanova@example.ru"),
            "other": add_person(session=session, name="Петров П.П.", organisation=bataisk,
                                email="petrov@example.ru"),
        }
        session.flush()
        _, (a_azov, a_bataisk) = add_task(
            session=session, text="Провести совещание с руководителями школ",
            organisations=[azov, bataisk], now=now - timedelta(days=30),
            due=due, label="2.1")
        a_azov.person_id = people["officer"].id
        session.add(a_azov)
        session.flush()
        world.ids.update({k: p.id for k, p in people.items()})
        world.ids.update(azov=a_azov.id, bataisk=a_bataisk.id, azov_org=azov.id,
                         bataisk_org=bataisk.id, region=region.id, task=a_azov.task_id)
    return world
