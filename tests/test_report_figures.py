"""Every report figure, checked by hand against tests/report_dataset.py, as of several dates
and across the hierarchy roll-up. Runs on SQLite, and on PostgreSQL too when
TRACKER_TEST_PG_URL points at a scratch database (`.ci/start-postgres`)."""

from __future__ import annotations

import os
from datetime import date

import pytest

from tests import report_dataset
from tracker.core.errors import InvalidInput, NotFound
from tracker.reports.figures import organisation_figures, totals
from tracker.reports.progress import decision_progress, oldest_overdue

FIELDS = ("assigned", "done_on_time", "done_late", "open", "overdue", "overdue_7",
          "overdue_30", "extensions", "days_late_total", "late_items", "oldest_due")


def fig(f) -> tuple:
    return tuple(getattr(f, name) for name in FIELDS)


def F(assigned, on_time, late, open_, overdue, o7, o30, ext, days, items, oldest=None):
    return (assigned, on_time, late, open_, overdue, o7, o30, ext, days, items, oldest)


AUG13, AUG20, JUL10 = date(2021, 8, 13), date(2021, 8, 20), date(2021, 7, 10)


PG_URL = os.environ.get("TRACKER_TEST_PG_URL")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="TRACKER_TEST_PG_URL not set")])])
def db(request, settings):
    """The same SQL on both databases: SQLite in tmp_path, or a fresh PostgreSQL schema."""
    from sqlalchemy import create_engine, text

    from tracker.core.db import open_database

    url = settings.db_url
    if request.param == "postgres":
        engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        url = PG_URL
    database = open_database(url)
    yield database
    database.dispose()


@pytest.fixture
def data(db):
    return report_dataset.build(db)


def test_totals_as_of_three_dates(db, data):
    with db.reading() as s:
        t13 = totals(session=s, as_of=AUG13)
        t20 = totals(session=s, as_of=AUG20)
        t10 = totals(session=s, as_of=JUL10)
        before = totals(session=s, as_of=date(2021, 5, 31))
    # a1 on time; a2 late 4, a4 late 1 (Moscow day 11.08, UTC day 10.08); a3, a5 overdue 3,
    # a6 overdue 10, a7 overdue 40; a8, a10 open; a9 not yet created; a11 cancelled.
    assert fig(t13) == F(9, 1, 2, 2, 4, 2, 1, 1, 4 + 1 + 3 + 3 + 10 + 40, 6, date(2021, 7, 4))
    assert t13.discipline == pytest.approx(1 / 7)
    assert t13.avg_days_late == pytest.approx(61 / 6)
    assert t13.oldest_days == 40
    assert t13.done == 3
    # a5 done 16.08: late 6; a3 overdue 10, a6 17, a7 47; a9 now counts (open).
    assert fig(t20) == F(10, 1, 3, 3, 3, 3, 1, 1, 4 + 1 + 6 + 10 + 17 + 47, 6, date(2021, 7, 4))
    assert t20.discipline == pytest.approx(1 / 7)
    # Before the extension (15.07): no extension counted; a7 overdue 6 days.
    assert fig(t10) == F(9, 1, 1, 6, 1, 0, 0, 0, 4 + 6, 2, date(2021, 7, 4))
    assert t10.discipline == pytest.approx(1 / 3)
    assert fig(before) == F(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None)
    assert before.discipline is None and before.avg_days_late is None


def test_organisations_rolled_up_worst_first(db, data):
    o = data["orgs"]
    with db.reading() as s:
        rows = organisation_figures(session=s, as_of=AUG13)
    assert [r.key for r in rows] == [o["bataysk"], o["azov"], o["region"]]
    bataysk, azov, own = rows
    # Батайск with its school: a2 late 4, a5 overdue 3, a7 overdue 40.
    assert fig(bataysk) == F(3, 0, 1, 0, 2, 1, 1, 0, 47, 3, date(2021, 7, 4))
    assert bataysk.discipline == 0
    # Азов with its schools: a1 on time, a3 overdue 3, a4 late 1, a6 overdue 10, a10 open.
    assert fig(azov) == F(5, 1, 1, 1, 2, 1, 0, 0, 14, 3, date(2021, 8, 3))
    assert azov.discipline == pytest.approx(1 / 4)
    # The region's own assignment (a8), not rolled up.
    assert own.name == "Ромашковская область (собственные поручения)"
    assert fig(own) == F(1, 0, 0, 1, 0, 0, 0, 1, 0, 0, None)
    # The rows add up to the totals.
    with db.reading() as s:
        t = totals(session=s, as_of=AUG13)
    for i, name in enumerate(FIELDS[:-1]):
        assert sum(fig(r)[i] for r in rows) == fig(t)[i], name


def test_every_level_of_the_hierarchy(db, data):
    o = data["orgs"]
    with db.reading() as s:
        rows = {r.key: r for r in organisation_figures(session=s, as_of=AUG20, depth=None)}
    assert set(rows) == {o["azov"], o["bataysk"], o["s1"], o["s2"], o["s3"], o["region"]}
    assert fig(rows[o["s1"]]) == F(1, 0, 0, 0, 1, 1, 0, 0, 10, 1, date(2021, 8, 10))
    assert fig(rows[o["s2"]]) == F(1, 0, 1, 0, 0, 0, 0, 0, 1, 1, None)
    assert fig(rows[o["s3"]]) == F(2, 0, 1, 1, 0, 0, 0, 0, 6, 1, None)
    assert fig(rows[o["bataysk"]]) == F(4, 0, 2, 1, 1, 1, 1, 0, 4 + 6 + 47, 3,
                                        date(2021, 7, 4))
    assert fig(rows[o["azov"]]) == F(5, 1, 1, 1, 2, 2, 0, 0, 1 + 10 + 17, 3, date(2021, 8, 3))


def test_scope_of_a_municipality(db, data):
    o = data["orgs"]
    with db.reading() as s:
        t = totals(session=s, as_of=AUG13, root_org_id=o["azov"])
        rows = organisation_figures(session=s, as_of=AUG13, root_org_id=o["azov"])
        school = organisation_figures(session=s, as_of=AUG13, root_org_id=o["s1"])
    assert t.name == "Город Азов"
    assert fig(t) == F(5, 1, 1, 1, 2, 1, 0, 0, 14, 3, date(2021, 8, 3))
    assert [(r.name, fig(r)) for r in rows] == [
        ("Город Азов (собственные поручения)", F(3, 1, 0, 1, 1, 1, 0, 0, 10, 1, date(2021, 8, 3))),
        ("Школа № 1", F(1, 0, 0, 0, 1, 0, 0, 0, 3, 1, date(2021, 8, 10))),
        ("Школа № 2", F(1, 0, 1, 0, 0, 0, 0, 0, 1, 1, None)),
    ]
    assert [(r.name, r.overdue) for r in school] == [("Школа № 1", 1)]


def test_by_document_person_and_level(db, data):
    d, p = data["docs"], data["people"]
    with db.reading() as s:
        docs = organisation_figures(session=s, as_of=AUG13, by="document")
        people = organisation_figures(session=s, as_of=AUG13, by="person")
        levels = organisation_figures(session=s, as_of=AUG13, by="level")
    assert [(r.key, r.name, fig(r)) for r in docs] == [
        (d["order"], "Приказ № 600 от 10.06.2021", F(2, 0, 0, 0, 2, 2, 1, 0, 50, 2,
                                                     date(2021, 7, 4))),
        (d["protocol"], "Протокол № 1 от 01.06.2021", F(5, 1, 2, 0, 2, 0, 0, 0, 11, 4,
                                                        date(2021, 8, 10))),
        (None, "Без документа", F(2, 0, 0, 2, 0, 0, 0, 1, 0, 0, None)),
    ]
    assert [(r.key, r.name, r.detail, fig(r)) for r in people] == [
        (None, "Исполнитель не назначен", None, F(6, 0, 2, 2, 2, 1, 1, 1, 48, 4,
                                                  date(2021, 7, 4))),
        (p["ivanov"], "Иванов И. И.", "Город Азов", F(2, 1, 0, 0, 1, 1, 0, 0, 10, 1,
                                                      date(2021, 8, 3))),
        (p["petrova"], "Петрова А. А.", "Школа № 1", F(1, 0, 0, 0, 1, 0, 0, 0, 3, 1,
                                                       date(2021, 8, 10))),
    ]
    assert [(r.key, fig(r)) for r in levels] == [
        ("municipal", F(5, 1, 1, 1, 2, 2, 1, 0, 54, 3, date(2021, 7, 4))),
        ("school", F(3, 0, 1, 0, 2, 0, 0, 0, 7, 3, date(2021, 8, 10))),
        ("regional", F(1, 0, 0, 1, 0, 0, 0, 1, 0, 0, None)),
    ]
    assert levels[0].name == "Муниципальный уровень"


def test_decision_progress(db, data):
    with db.reading() as s:
        progress = decision_progress(session=s, as_of=AUG13)
        later = decision_progress(session=s, as_of=AUG20)
        short = decision_progress(session=s, as_of=AUG13, pending_limit=1)
    t = data["t"]
    assert [(p.task_id, p.phrase(), p.pending) for p in progress] == [
        (t["T1"], "2 из 2 муниципалитетов", []),
        (t["T4"], "0 из 1 муниципалитета", ["Батайск"]),
        (t["T5"], "0 из 1 региона", ["Ромашковская область"]),
        (t["T3"], "0 из 1 муниципалитета", ["Город Азов"]),
        (t["T2"], "1 из 3 школ", ["Школа № 1", "Школа № 3"]),
        (t["T7"], "0 из 1 муниципалитета", ["Город Азов"]),
    ]
    t2 = progress[4]
    assert (t2.total, t2.done, t2.done_on_time, t2.overdue, t2.pending_count) == (3, 1, 0, 2, 2)
    assert t2.document == "Протокол № 1 от 01.06.2021" and t2.label == "2"
    assert t2.phrase("en") == "1 of 3 schools"
    by_task = {p.task_id: p for p in later}
    assert by_task[t["T2"]].phrase() == "2 из 3 школ"
    assert by_task[t["T6"]].phrase() == "0 из 1 школы"
    assert [p.pending for p in short if p.task_id == t["T2"]] == [["Школа № 1"]]
    assert [p.pending_count for p in short if p.task_id == t["T2"]] == [2]


def test_oldest_overdue(db, data):
    a = data["a"]
    with db.reading() as s:
        items = oldest_overdue(session=s, as_of=AUG13)
        two = oldest_overdue(session=s, as_of=AUG13, limit=2)
        scoped = oldest_overdue(session=s, as_of=AUG13, root_org_id=data["orgs"]["azov"])
    assert [(i.assignment_id, i.days_overdue) for i in items] == [
        (a["a7"], 40), (a["a6"], 10), (a["a3"], 3), (a["a5"], 3)]
    first = items[1]
    assert (first.organisation, first.owner, first.document, first.label, first.due_date) == (
        "Город Азов", "Иванов И. И.", "Приказ № 600 от 10.06.2021", "3.1", date(2021, 8, 3))
    assert [i.assignment_id for i in two] == [a["a7"], a["a6"]]
    assert [i.assignment_id for i in scoped] == [a["a6"], a["a3"]]


def test_errors(db, data):
    with db.reading() as s:
        with pytest.raises(NotFound):
            totals(session=s, as_of=AUG13, root_org_id=9999)
        with pytest.raises(InvalidInput, match="неверная группировка"):
            organisation_figures(session=s, as_of=AUG13, by="colour")
