"""One-time action links over HTTP: the confirm page, the action, and every way a link
can be wrong (unknown, malformed, used, expired, for someone who may no longer act)."""

from datetime import timedelta

import pytest
from sqlmodel import select
from starlette.testclient import TestClient
from web_world import build, csrf_of

from tracker.core.enums import AssignmentStatus, EventKind, TokenAction, Via
from tracker.core.models import ActionToken, Assignment, Event, Evidence, ExtensionRequest


@pytest.fixture
def world(settings, db):
    return build(settings, db)


@pytest.fixture
def client(world):
    with TestClient(world.app(), base_url="http://testserver") as c:
        yield c


def _status(world, key="azov"):
    with world.db.reading() as session:
        return session.get(Assignment, world.ids[key]).status


def test_complete_by_link_with_comment_and_file(world, client):
    token = world.token("officer", TokenAction.COMPLETE)
    page = client.get(f"/a/{token}")
    assert page.status_code == 200
    assert "Провести совещание с руководителями школ" in page.text
    assert "Отметить выполненным" in page.text
    assert _status(world) == AssignmentStatus.OPEN  # a GET changes nothing
    reply = client.post(f"/a/{token}", data={"csrf": csrf_of(page.text),
                                             "comment": "Проведено, протокол № 5"},
                        files={"file": ("протокол.pdf", b"%PDF-1.4 test", "application/pdf")})
    assert reply.status_code == 200, reply.text
    assert "Поручение отмечено выполненным" in reply.text
    with world.db.reading() as session:
        a = session.get(Assignment, world.ids["azov"])
        assert a.status == AssignmentStatus.DONE and a.completed_via == Via.WEB
        assert a.completion_comment == "Проведено, протокол № 5"
        kinds = [(e.kind, e.via) for e in session.exec(
            select(Event).where(Event.assignment_id == a.id, Event.via == Via.WEB))]
        assert (EventKind.COMPLETED, Via.WEB) in kinds and (EventKind.EVIDENCE, Via.WEB) in kinds
        evidence = session.exec(select(Evidence)).one()
    # The action signed the officer in: the file is served to them, the task left «Мои».
    got = client.get(f"/evidence/{evidence.id}")
    assert got.status_code == 200 and got.content == b"%PDF-1.4 test"
    assert "Провести совещание" not in client.get("/my").text
    # The link is burnt: a second use is refused, nothing changes.
    again = client.post(f"/a/{token}", data={"csrf": csrf_of(page.text)})
    assert again.status_code == 410 and "уже использована" in again.text


def test_request_extension_by_link_then_coordinator_approves_by_link(world, client):
    token = world.token("officer", TokenAction.EXTEND)
    page = client.get(f"/a/{token}")
    reply = client.post(f"/a/{token}", data={"csrf": csrf_of(page.text),
                                             "new_due": "2021-09-01", "reason": "Письмо № 15"})
    assert reply.status_code == 200, reply.text
    assert "01.09.2021" in reply.text
    with world.db.reading() as session:
        request = session.exec(select(ExtensionRequest)).one()
    approve = world.token("coord", TokenAction.APPROVE, request_id=request.id)
    reject = world.token("coord", TokenAction.REJECT, request_id=request.id)
    page = client.get(f"/a/{approve}")
    assert "Письмо № 15" in page.text and "Согласовать" in page.text
    done = client.post(f"/a/{approve}", data={"csrf": csrf_of(page.text)})
    assert done.status_code == 200 and "согласован" in done.text
    with world.db.reading() as session:
        assert session.get(Assignment, world.ids["azov"]).due_date.isoformat() == "2021-09-01"
    # Deciding burnt the other link of the same request.
    assert client.get(f"/a/{reject}").status_code == 410


@pytest.mark.parametrize("token, status, words", [
    ("x" * 42, 404, "повреждена"),  # wrong length
    ("x" * 44, 404, "повреждена"),
    ("a" * 43, 404, "не найдена"),  # well formed, unknown
    ("<script>" + "a" * 35, 404, "повреждена"),
])
def test_bad_tokens(client, token, status, words):
    reply = client.get(f"/a/{token}")
    assert reply.status_code == status and words in reply.text
    assert 'lang="ru"' in reply.text


def test_expired_link(world, client):
    token = world.token("officer", TokenAction.COMPLETE, ttl=timedelta(days=1))
    world.now += timedelta(days=2)
    reply = client.get(f"/a/{token}")
    assert reply.status_code == 410 and "истёк" in reply.text


def test_link_of_someone_who_may_no_longer_act(world, client):
    # A link made for the Bataisk officer about the Azov assignment is refused.
    token = world.token("other", TokenAction.COMPLETE, assignment="azov")
    assert client.get(f"/a/{token}").status_code == 403
    assert _status(world) == AssignmentStatus.OPEN


def test_missing_or_wrong_csrf_writes_nothing(world, client):
    token = world.token("officer", TokenAction.COMPLETE)
    client.get(f"/a/{token}")
    assert client.post(f"/a/{token}", data={}).status_code == 403
    assert client.post(f"/a/{token}", data={"csrf": "0" * 64}).status_code == 403
    assert _status(world) == AssignmentStatus.OPEN
    with world.db.reading() as session:
        assert session.exec(select(ActionToken)).one().used_at is None


@pytest.mark.parametrize("files, data, status, words", [
    ({"file": ("virus.exe", b"MZ", "application/octet-stream")}, {}, 415, ".exe"),
    ({"file": ("big.pdf", b"x" * (1024 * 1024 + 1), "application/pdf")}, {}, 413, "1 МБ"),
    ({}, {"comment": "я" * 100_000}, 400, "100000 символов"),
])
def test_bad_input_on_completion_writes_nothing(world, client, files, data, status, words):
    world.settings.web.max_upload_mb = 1
    token = world.token("officer", TokenAction.COMPLETE)
    page = client.get(f"/a/{token}")
    reply = client.post(f"/a/{token}", data={"csrf": csrf_of(page.text), **data}, files=files)
    assert reply.status_code == status, reply.text
    assert words in reply.text and 'lang="ru"' in reply.text
    assert _status(world) == AssignmentStatus.OPEN
    with world.db.reading() as session:
        assert session.exec(select(Evidence)).all() == []
        assert session.exec(select(ActionToken)).one().used_at is None
    assert not list(world.settings.base_dir.joinpath("evidence").rglob("*.*"))


def test_bad_extension_dates(world, client):
    token = world.token("officer", TokenAction.EXTEND)
    page = client.get(f"/a/{token}")
    for new_due, words in (("вчера", "ДД.ММ.ГГГГ"), ("2021-08-01", "позже 13.08.2021")):
        reply = client.post(f"/a/{token}", data={"csrf": csrf_of(page.text),
                                                 "new_due": new_due, "reason": "Письмо"})
        assert reply.status_code == 400 and words in reply.text
    with world.db.reading() as session:
        assert session.exec(select(ExtensionRequest)).all() == []


def test_wrong_method_and_security_headers(client):
    reply = client.put("/a/" + "a" * 43)
    assert reply.status_code == 405 and "не принимает" in reply.text
    headers = client.get("/signin").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]  # default-src 'none'
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"


def test_link_of_a_task_done_elsewhere_says_so(world, client):
    from tracker.services.task_transitions import complete

    token = world.token("officer", TokenAction.COMPLETE)
    with world.db.transaction() as session:
        complete(session=session, assignment_id=world.ids["azov"], now=world.now, via=Via.BOT)
    page = client.get(f"/a/{token}")
    assert page.status_code == 409 and "уже не в работе: исполнено" in page.text


def test_chunked_oversized_body_is_cut_off(world, client):
    world.settings.web.max_upload_mb = 1
    app = world.app()  # the limit is read when the app is made
    token = world.token("officer", TokenAction.COMPLETE)
    with TestClient(app, base_url="http://testserver") as c:
        c.get(f"/a/{token}")

        def body():  # no Content-Length: sent chunked
            yield (b'--zz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"'
                   b"\r\nContent-Type: application/pdf\r\n\r\n")
            for _ in range(80):
                yield b"x" * 65536

        reply = c.post(f"/a/{token}", content=body(),
                       headers={"content-type": "multipart/form-data; boundary=zz"})
    assert reply.status_code == 413 and "Файл больше 1 МБ" in reply.text
    assert _status(world) == AssignmentStatus.OPEN
