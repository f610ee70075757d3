"""A small region whose report figures are known by hand (see test_report_figures.py).

Region «Ромашковская область» -> municipalities «Город Азов» (schools «Школа № 1»,
«Школа № 2») and «Батайск» (school «Школа № 3»). All times are Moscow local.

name task (level, due)                organisation  what happens
a1   T1 municipal, 01.07.2021, prot.  Азов          done 30.06 (on time), person Иванов
a2   T1                               Батайск       done 05.07 (4 days late)
a3   T2 school, 10.08.2021, prot.     Школа № 1     open, person Петрова
a4   T2                               Школа № 2     done 11.08 00:30 MSK = 10.08 21:30 UTC: 1 late
a5   T2                               Школа № 3     done 16.08 (6 days late; open before)
a6   T3 municipal, 03.08.2021, order  Азов          open, person Иванов
a7   T4 municipal, 04.07.2021, order  Батайск       open
a8   T5 regional, 20.07 -> 01.09.2021 the region    open; extended on 15.07
a9   T6 school, 30.09.2021            Школа № 3     created 15.08, open
a10  T7 municipal, no due date        Азов          open
a11  T8 municipal, 01.07.2021         Батайск       cancelled 02.07 (never counted)

Everything else is created on 01.06.2021 at 12:00.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from tracker.core.enums import DocumentKind, Level, OrgKind, Role, Via
from tracker.core.models import Document, Person
from tracker.core.text import fold
from tracker.services import task_transitions, tasks
from tracker.services.orgs import add_organisation

MSK = ZoneInfo("Europe/Moscow")
REGION = "Ромашковская область"


def msk(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=MSK).astimezone(UTC)


def build(db) -> dict:
    """Create the dataset; returns {"orgs": {short: id}, "a": {name: id}, "t": {...},
    "people": {...}, "docs": {...}}."""
    created = msk(2021, 6, 1)
    ids: dict = {"orgs": {}, "a": {}, "t": {}, "people": {}, "docs": {}}
    with db.transaction() as s:
        region = add_organisation(session=s, name=REGION, kind=OrgKind.REGION)
        azov = add_organisation(session=s, name="Город Азов", kind=OrgKind.MUNICIPALITY,
                                parent=region)
        bataysk = add_organisation(session=s, name="Батайск", kind=OrgKind.MUNICIPALITY,
                                   parent=region)
        s1 = add_organisation(session=s, name="Школа № 1", kind=OrgKind.SCHOOL, parent=azov)
        s2 = add_organisation(session=s, name="Школа № 2", kind=OrgKind.SCHOOL, parent=azov)
        s3 = add_organisation(session=s, name="Школа № 3", kind=OrgKind.SCHOOL, parent=bataysk)
        orgs = {"region": region, "azov": azov, "bataysk": bataysk, "s1": s1, "s2": s2,
                "s3": s3}
        ivanov = Person(name="Иванов И. И.", name_key=fold("Иванов И. И."),
                        email="ivanov@example.org", organisation_id=azov.id, role=Role.OFFICER)
        petrova = Person(name="Петрова А. А.", name_key=fold("Петрова А. А."),
                         organisation_id=s1.id, role=Role.OFFICER)
        s.add_all([ivanov, petrova])
        protocol = Document(kind=DocumentKind.PROTOCOL, number="1", date=date(2021, 6, 1),
                            title="Протокол совещания")
        order = Document(kind=DocumentKind.ORDER, number="600", date=date(2021, 6, 10))
        s.add_all([protocol, order])
        s.flush()

        def task(name, text, level, due, targets, *, document=None, person=None, at=created,
                 label=None):
            t, assignments = tasks.add_task(
                session=s, text=text, organisations=[orgs[o] for o in targets], now=at,
                due=due, level=level, person=person, document=document, label=label)
            ids["t"][name] = t.id
            return assignments

        a1, a2 = task("T1", "Утвердить муниципальные дорожные карты", Level.MUNICIPAL,
                      date(2021, 7, 1), ["azov", "bataysk"], document=protocol, label="1")
        a3, a4, a5 = task("T2", "Провести диагностику педагогов", Level.SCHOOL,
                          date(2021, 8, 10), ["s1", "s2", "s3"], document=protocol, label="2")
        (a6,) = task("T3", "Назначить ответственных", Level.MUNICIPAL, date(2021, 8, 3),
                     ["azov"], document=order, label="3.1", person=ivanov)
        (a7,) = task("T4", "Представить отчёт", Level.MUNICIPAL, date(2021, 7, 4),
                     ["bataysk"], document=order, label="3.2")
        (a8,) = task("T5", "Разработать региональную модель", Level.REGIONAL,
                     date(2021, 7, 20), ["region"])
        (a9,) = task("T6", "Организовать стажировки", Level.SCHOOL, date(2021, 9, 30), ["s3"],
                     at=msk(2021, 8, 15))
        (a10,) = task("T7", "Обеспечить постоянный контроль", Level.MUNICIPAL, None, ["azov"])
        (a11,) = task("T8", "Отменённое поручение", Level.MUNICIPAL, date(2021, 7, 1),
                      ["bataysk"])
        named = {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "a5": a5, "a6": a6, "a7": a7,
                 "a8": a8, "a9": a9, "a10": a10, "a11": a11}
        a1.person_id = ivanov.id
        a3.person_id = petrova.id
        s.flush()
        for when, a in ((msk(2021, 6, 30), a1), (msk(2021, 7, 5), a2),
                        (msk(2021, 8, 11, 0, 30), a4), (msk(2021, 8, 16), a5)):
            task_transitions.complete(session=s, assignment_id=a.id, now=when, via=Via.CLI)
        task_transitions.extend(session=s, assignment_id=a8.id, new_due=date(2021, 9, 1),
                                reason="письмо министерства", now=msk(2021, 7, 15), via=Via.CLI)
        task_transitions.cancel(session=s, assignment_id=a11.id, now=msk(2021, 7, 2), via=Via.CLI)
        ids["orgs"] = {k: o.id for k, o in orgs.items()}
        ids["a"] = {k: a.id for k, a in named.items()}
        ids["people"] = {"ivanov": ivanov.id, "petrova": petrova.id}
        ids["docs"] = {"protocol": protocol.id, "order": order.id}
    return ids
