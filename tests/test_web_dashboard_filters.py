"""The dashboard with a document and/or level filter shows what `tracker report` restricted
the same way computes (`figures.organisation_figures(only=...)`, `figures.totals`), on a
real SQLite file with two documents and two levels whose figures all differ."""

import re
from datetime import date, timedelta

import pytest
from starlette.testclient import TestClient
from web_world import build

from tracker.core.enums import DocumentKind, Level, Via
from tracker.core.models import Document, Organisation
from tracker.reports import figures
from tracker.services.task_transitions import complete
from tracker.services.tasks import add_task

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROW = re.compile(r'<a href="/dashboard\?org=(\d+)&amp;[^"]*">[^<]*</a></td>\s*'
                 r'<td class="n">(\d+)</td><td class="n">(\d+)</td>\s*<td class="n">(\d+)</td>')
FOOT = re.compile(r'<tfoot><tr><th>[^<]*</th><th class="n">(\d+)</th><th class="n">(\d+)</th>'
                  r'<th class="n">(\d+)</th>')


@pytest.fixture
def world(settings, db):
    world = build(settings, db)
    now = world.now
    with db.transaction() as session:
        azov = session.get(Organisation, world.ids["azov_org"])
        bataisk = session.get(Organisation, world.ids["bataisk_org"])
        docs = []
        for number in ("1", "2"):
            doc = Document(kind=DocumentKind.PROTOCOL, number=number, title=f"Протокол {number}")
            session.add(doc)
            session.flush()
            docs.append(doc)
        one, two = docs
        plan = [  # (document, level, organisations, due, done: index -> days before now)
            (one, Level.MUNICIPAL, [azov, bataisk], date(2021, 8, 10), {0: 5}),
            (one, Level.SCHOOL, [azov], date(2021, 8, 20), {}),
            (two, Level.MUNICIPAL, [bataisk], date(2021, 8, 1), {}),
            (two, Level.SCHOOL, [azov, bataisk], date(2021, 8, 5), {1: 10, 0: 1}),
            (two, Level.SCHOOL, [bataisk], date(2021, 7, 1), {}),
        ]
        done = []
        for n, (doc, level, orgs, due, finished) in enumerate(plan):
            _, assignments = add_task(session=session, text=f"Поручение {n}", organisations=orgs,
                                      now=now - timedelta(days=40), due=due, level=level,
                                      document=doc, label=f"{n + 1}.1")
            session.flush()
            done += [(assignments[i].id, days) for i, days in finished.items()]
        for assignment_id, days in done:
            complete(session=session, assignment_id=assignment_id,
                     now=now - timedelta(days=days), via=Via.WEB)
        world.ids.update(doc1=one.id, doc2=two.id)
    return world


def _page(client, query: str):
    page = client.get(f"/dashboard?as_of=2021-08-13{query}")
    assert page.status_code == 200, page.text[:300]
    rows = sorted(tuple(int(v) for v in match) for match in ROW.findall(page.text))
    total = FOOT.search(page.text)
    assert total, "no totals row on the dashboard"
    return rows, tuple(int(v) for v in total.groups())


def _report(world, only: dict):
    with world.db.reading() as session:
        rows = figures.organisation_figures(session=session, as_of=date(2021, 8, 13),
                                            zone=world.settings.zone, only=only)
        total = figures.totals(session=session, as_of=date(2021, 8, 13),
                               zone=world.settings.zone, only=only)
    return (sorted((r.key, r.assigned, r.done_on_time, r.overdue) for r in rows),
            (total.assigned, total.done_on_time, total.overdue))


def test_filtered_dashboard_is_the_filtered_report(world):
    d1, d2 = world.ids["doc1"], world.ids["doc2"]
    filters = {
        "": {},
        f"&document={d1}": {"document_id": d1},
        f"&document={d2}": {"document_id": d2},
        "&level=municipal": {"level": "municipal"},
        "&level=school": {"level": "school"},
        f"&document={d1}&level=school": {"document_id": d1, "level": "school"},
        f"&document={d2}&level=municipal": {"document_id": d2, "level": "municipal"},
        f"&document={d2}&level=school": {"document_id": d2, "level": "school"},
    }
    seen = {}
    with TestClient(world.app(), base_url="http://testserver") as lead:
        world.sign_in(lead, "lead")
        for query, only in filters.items():
            shown = _page(lead, query)
            assert shown == _report(world, only), query
            seen[query] = shown
    # The filters really narrow: every restriction gives different figures.
    assert len(set(map(repr, seen.values()))) == len(filters)
    azov, bataisk = world.ids["azov_org"], world.ids["bataisk_org"]
    # Document 2, school level: Азов done late, Батайск done on time + one long overdue.
    assert seen[f"&document={d2}&level=school"] == (
        sorted([(azov, 1, 0, 0), (bataisk, 2, 1, 1)]), (3, 1, 1))
