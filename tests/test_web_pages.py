"""The signed-in pages over HTTP: sign-in and sign-out, and every permission boundary
(officer: own; coordinator: own organisation and below; lead: everything)."""

import pytest
from sqlmodel import select
from starlette.testclient import TestClient
from web_world import build, csrf_of

from tracker.core.enums import AssignmentStatus, EventKind, ExtensionStatus, Via
from tracker.core.models import Assignment, Event, Evidence, ExtensionRequest, WebSession
from tracker.web import security

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def world(settings, db):
    return build(settings, db)


@pytest.fixture
def app(world):
    return world.app()


def client_of(app):
    return TestClient(app, base_url="http://testserver")


@pytest.fixture
def officer(world, app):
    with client_of(app) as c:
        world.sign_in(c, "officer")
        yield c


def test_sign_in_by_email_form(world, app):
    with client_of(app) as c:
        form = c.get("/signin")
        assert form.status_code == 200 and "Прислать ссылку" in form.text
        sent = c.post("/signin", data={"csrf": csrf_of(form.text), "email": "IVANOVA@example.ru"})
        assert sent.status_code == 200 and "Если адрес есть в справочнике" in sent.text
        unknown = c.post("/signin", data={"csrf": csrf_of(form.text), "email": "no@example.ru"})
        assert unknown.text.count("Если адрес есть") == 1  # the same answer
        assert [p for p, _ in world.sent] == [world.ids["officer"]]
        url = world.sent[0][1]
        assert url.startswith("http://testserver/signin/")
        path = url.removeprefix("http://testserver")
        confirm = c.get(path)
        assert "Иванова М.Н." in confirm.text
        done = c.post(path, data={"csrf": csrf_of(confirm.text)}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/my"
        cookie = done.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=" in cookie
        assert "Провести совещание" in c.get("/my").text
        again = c.post(path, data={"csrf": csrf_of(confirm.text)})
        assert again.status_code == 410


def test_sign_in_is_rate_limited(world, app):
    with client_of(app) as c:
        csrf = csrf_of(c.get("/signin").text)
        codes = [c.post("/signin", data={"csrf": csrf, "email": "ivanova@example.ru"})
                 .status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    assert len(world.sent) == 5


def test_sign_in_needs_csrf(world, app):
    with client_of(app) as c:
        c.get("/signin")
        assert c.post("/signin", data={"email": "ivanova@example.ru"}).status_code == 403
    assert world.sent == []


def test_forged_cookie_and_sign_out(world, app, officer):
    assert officer.get("/my").status_code == 200
    good = officer.cookies.get(security.SESSION_COOKIE)
    value, mac = good.rsplit(".", 1)
    with client_of(app) as stranger:
        for forged in (value + "." + "0" * 64, "x" * 43 + "." + mac, "garbage"):
            stranger.cookies.set(security.SESSION_COOKIE, forged)
            reply = stranger.get("/my", follow_redirects=False)
            assert reply.status_code == 303 and reply.headers["location"] == "/signin"
    page = officer.get("/my")
    out = officer.post("/signout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    with world.db.reading() as session:
        assert session.exec(select(WebSession)).one().ended_at is not None
    with client_of(app) as replay:  # the old cookie no longer signs anyone in
        replay.cookies.set(security.SESSION_COOKIE, good)
        assert replay.get("/my", follow_redirects=False).status_code == 303
    assert officer.get("/signout").status_code == 405


def test_officer_sees_own_not_another_municipality(world, officer):
    assert "Город Азов" in officer.get("/my").text
    assert officer.get(f"/assignments/{world.ids['azov']}").status_code == 200
    other = officer.get(f"/assignments/{world.ids['bataisk']}")
    assert other.status_code == 403 and "нет доступа" in other.text
    page = officer.get("/my")
    refused = officer.post(f"/assignments/{world.ids['bataisk']}/done",
                           data={"csrf": csrf_of(page.text)})
    assert refused.status_code == 403
    for path in ("/dashboard", "/extensions", "/reports/discipline.xlsx",
                 f"/documents/{world.ids['task']}"):
        assert officer.get(path).status_code == 403, path
    assert officer.get("/assignments/999999").status_code == 404
    assert officer.get("/assignments/abc").status_code == 404
    with world.db.reading() as session:
        assert session.get(Assignment, world.ids["bataisk"]).status == AssignmentStatus.OPEN


def test_done_comment_evidence_from_the_assignment_page(world, app, officer):
    aid = world.ids["azov"]
    page = officer.get(f"/assignments/{aid}")
    csrf = csrf_of(page.text)
    assert officer.post(f"/assignments/{aid}/done", data={}).status_code == 403
    assert officer.post(f"/assignments/{aid}/comment",
                        data={"csrf": csrf, "comment": "Совещание назначено"}).status_code == 200
    up = officer.post(f"/assignments/{aid}/evidence", data={"csrf": csrf},
                      files={"file": ("акт.docx", b"PK docx", "application/octet-stream")})
    assert up.status_code == 200
    done = officer.post(f"/assignments/{aid}/done", data={"csrf": csrf, "comment": "Готово"},
                        follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/my"
    shown = officer.get(f"/assignments/{aid}").text
    assert "Совещание назначено" in shown and "акт.docx" in shown and "исполнено" in shown
    with world.db.reading() as session:
        events = session.exec(select(Event).where(Event.via == Via.WEB)).all()
        assert {e.kind for e in events} == {EventKind.COMMENTED, EventKind.EVIDENCE,
                                            EventKind.COMPLETED}
        evidence = session.exec(select(Evidence)).one()
    assert officer.get(f"/evidence/{evidence.id}").content == b"PK docx"
    with client_of(app) as other:  # Bataisk's officer may not see Azov's evidence
        world.sign_in(other, "other")
        assert other.get(f"/evidence/{evidence.id}").status_code == 403
    with client_of(app) as lead:
        world.sign_in(lead, "lead")
        assert lead.get(f"/evidence/{evidence.id}").status_code == 200
    for trick in ("/evidence/..%2F..%2Fweb-secret", "/evidence/../web-secret",
                  f"/evidence/{evidence.id}%2F..", "/evidence/-1", "/evidence/999"):
        assert officer.get(trick).status_code == 404, trick


def test_extension_request_then_coordinator_approves_on_the_page(world, app, officer):
    aid = world.ids["azov"]
    csrf = csrf_of(officer.get(f"/assignments/{aid}").text)
    asked = officer.post(f"/assignments/{aid}/extend",
                         data={"csrf": csrf, "new_due": "01.09.2021", "reason": "Письмо № 15"})
    assert asked.status_code == 200 and "Ожидает решения" in asked.text
    with world.db.reading() as session:
        request = session.exec(select(ExtensionRequest)).one()
    assert officer.post(f"/extensions/{request.id}/approve",
                        data={"csrf": csrf}).status_code == 403
    with client_of(app) as coord:
        world.sign_in(coord, "coord")
        listing = coord.get("/extensions")
        assert "Письмо № 15" in listing.text
        assert coord.post(f"/extensions/{request.id}/maybe",
                          data={"csrf": csrf_of(listing.text)}).status_code == 404
        done = coord.post(f"/extensions/{request.id}/approve",
                          data={"csrf": csrf_of(listing.text)})
        assert done.status_code == 200 and "Запросов, ожидающих решения, нет" in done.text
        again = coord.post(f"/extensions/{request.id}/reject",
                           data={"csrf": csrf_of(listing.text)})
        assert again.status_code == 409
    with world.db.reading() as session:
        assert session.get(ExtensionRequest, request.id).status == ExtensionStatus.APPROVED
        assert session.get(Assignment, aid).due_date.isoformat() == "2021-09-01"


def test_dashboard_for_the_lead_and_the_coordinator(world, app):
    with client_of(app) as lead:
        world.sign_in(lead, "lead")
        page = lead.get("/dashboard")
        assert page.status_code == 200
        assert "Город Азов" in page.text and "Город Батайск" in page.text
        assert 'class="is-overdue"' in page.text and "<meter" in page.text
        before = lead.get("/dashboard?as_of=2021-08-01")
        assert before.status_code == 200 and 'class="is-overdue"' not in before.text
        assert lead.get("/dashboard?as_of=завтра").status_code == 400
        assert lead.get("/dashboard?level=galactic").status_code == 400
        assert lead.get("/dashboard?org=999999").status_code == 404
        regional = lead.get("/dashboard?level=regional")
        assert ">Город Азов</a>" not in regional.text and "<meter" not in regional.text
        only = lead.get(f"/dashboard?org={world.ids['azov_org']}")
        assert only.status_code == 200
        for fmt, start in (("xlsx", b"PK"), ("csv", None), ("html", b"<!DOCTYPE")):
            got = lead.get(f"/reports/discipline.{fmt}?as_of=2021-08-13")
            assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
            if start:
                assert got.content.startswith(start)
        assert "Город Батайск" in lead.get("/reports/overdue.csv").content.decode("utf-8-sig")
        assert lead.get("/reports/secret.csv").status_code == 404
        assert lead.get("/reports/overdue.exe").status_code == 404
        assert lead.get(f"/assignments/{world.ids['bataisk']}").status_code == 200
    with client_of(app) as coord:
        world.sign_in(coord, "coord")
        page = coord.get("/dashboard")
        assert page.status_code == 200 and ">Город Батайск<" not in page.text
        assert coord.get(f"/dashboard?org={world.ids['bataisk_org']}").status_code == 403
        assert coord.get(f"/assignments/{world.ids['bataisk']}").status_code == 403
        assert coord.get(f"/assignments/{world.ids['azov']}").status_code == 200


def test_document_page_rolls_up(world, app):
    from sqlmodel import Session  # noqa: F401

    from tracker.core.enums import DocumentKind
    from tracker.core.models import Document, Task

    with world.db.transaction() as session:
        doc = Document(kind=DocumentKind.PROTOCOL, number="1", title="Совещание")
        session.add(doc)
        session.flush()
        task = session.get(Task, world.ids["task"])
        task.document_id = doc.id
        session.add(task)
        doc_id = doc.id
    with client_of(app) as lead:
        world.sign_in(lead, "lead")
        page = lead.get(f"/documents/{doc_id}")
        assert page.status_code == 200
        assert "0 из 2" in page.text and "Город Батайск" in page.text
        assert lead.get("/documents/999999").status_code == 404


def test_english_pages(world, app):
    from tracker.core.models import Person

    with world.db.transaction() as session:
        person = session.get(Person, world.ids["officer"])
        person.locale = "en"
        session.add(person)
    with client_of(app) as c:
        world.sign_in(c, "officer")
        page = c.get("/my")
        assert "My tasks" in page.text and 'lang="en"' in page.text


def test_dashboard_totals_are_the_reports_totals(world, app):
    """The dashboard sums its rows; the sum is `tracker report`'s totals, and a change
    (a task done) is seen at once despite the cache."""
    from tracker.core.models import utcnow  # noqa: F401
    from tracker.reports import figures
    from tracker.web import dashboard_figures

    def both():
        with world.db.reading() as session:
            rows, total = dashboard_figures.dashboard(
                session=session, as_of=world.now.date(), root_org_id=None,
                zone=world.settings.zone, only={})
            real = figures.totals(session=session, as_of=world.now.date(),
                                  zone=world.settings.zone)
        return total, real

    total, real = both()
    assert (total.assigned, total.overdue, total.done_on_time, total.oldest_due) == (
        real.assigned, real.overdue, real.done_on_time, real.oldest_due) == (2, 2, 0,
                                                                            real.oldest_due)
    from tracker.core.enums import Via
    from tracker.services.task_transitions import complete

    with world.db.transaction() as session:
        complete(session=session, assignment_id=world.ids["azov"], now=world.now, via=Via.WEB)
    total, real = both()
    assert total.overdue == real.overdue == 1 and total.done_late == real.done_late == 1


def test_my_tasks_of_a_coordinator_cover_their_organisation(world, app):
    with client_of(app) as coord:
        world.sign_in(coord, "coord")
        page = coord.get("/my").text
        assert page.count('class="task is-overdue"') == 1 and "Город Азов" in page
        assert "Город Батайск" not in page


def test_an_extension_request_wakes_the_delivery_loop(world):
    from tracker.web.app import create_app

    kicks = []
    app = create_app(world.settings, world.db, clock=world.clock, mailer=world.mailer,
                     kick=lambda: kicks.append(1))
    with client_of(app) as officer:
        world.sign_in(officer, "officer")
        aid = world.ids["azov"]
        csrf = csrf_of(officer.get(f"/assignments/{aid}").text)
        officer.post(f"/assignments/{aid}/comment", data={"csrf": csrf, "comment": "x"})
        assert kicks == []
        officer.post(f"/assignments/{aid}/extend",
                     data={"csrf": csrf, "new_due": "01.09.2021", "reason": "Письмо"})
        assert kicks == [1]
