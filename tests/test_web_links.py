"""Links in delivered messages: a real delivery pass writes emails and Telegram lines
whose «Отметить выполненным» / «Запросить перенос срока» links work in the web app, and
an extension notice to the coordinator carries «Согласовать» / «Отклонить»."""

import asyncio
import email
import json
import re
from email import policy

import pytest
from sqlmodel import select
from starlette.testclient import TestClient
from web_world import NOW, build, csrf_of

from tracker.core.enums import AssignmentStatus, TokenAction
from tracker.core.models import ActionToken, Assignment, Person

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
LINK = re.compile(r"http://tracker\.example/a/[A-Za-z0-9_-]{43}")


def _deliver(world):
    from notifications.channels.registry import build_channels
    from tracker.services.reminders import tick
    from tracker.services.web_links import link_maker

    return asyncio.run(tick(world.db, world.settings, build_channels(world.settings), now=NOW,
                            worker="test", links=link_maker(world.settings)))


def _emails(world, to: str) -> list:
    out = []
    for path in sorted((world.settings.base_dir / "outbox").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if to in message["To"]:
            out.append(message)
    return out


@pytest.fixture
def world(settings, db):
    w = build(settings, db)
    settings.web.base_url = "http://tracker.example/"
    with db.transaction() as session:
        officer = session.get(Person, w.ids["officer"])
        officer.telegram_chat_id = 777
        session.add(officer)
    return w


def test_delivered_email_and_telegram_carry_working_links(world):
    report = _deliver(world)
    assert report.sent >= 2
    [message] = _emails(world, "ivanova@example.ru")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Отметить выполненным: http://tracker.example/a/" in text
    assert "Запросить перенос срока: http://tracker.example/a/" in text
    assert "tracker tasks done" not in text  # the link instead of the command
    assert ">Отметить выполненным</a>" in html
    links = LINK.findall(text)
    assert len(links) == 2
    log = (world.settings.base_dir / "outbox" / "telegram.log").read_text(encoding="utf-8")
    officer_lines = [json.loads(line) for line in log.splitlines()
                     if json.loads(line).get("chat_id") == 777]
    # The file channel logs what Telegram would get: HTML with the links as anchors.
    logged = json.dumps(officer_lines, ensure_ascii=False)
    assert officer_lines and "http://tracker.example/a/" in logged
    assert "Отметить выполненным</a>" in logged
    with world.db.reading() as session:
        tokens = session.exec(select(ActionToken)).all()
    # Two per item per message; only hashes stored.
    assert all(len(t.token_hash) == 64 for t in tokens)
    assert not any(link.rsplit("/", 1)[1] in (t.token_hash for t in tokens) for link in links)
    complete = next(t for t in links if t)  # the first link of the text is «выполнено»
    with TestClient(world.app(), base_url="http://tracker.example") as client:
        path = complete.removeprefix("http://tracker.example")
        page = client.get(path)
        assert page.status_code == 200 and "Отметить выполненным" in page.text
        done = client.post(path, data={"csrf": csrf_of(page.text), "comment": "Сделано"})
        assert done.status_code == 200
        # The task is done: the same item's links in the Telegram message are dead too.
        tg = re.findall(r"/a/[A-Za-z0-9_-]{43}", json.dumps(officer_lines))
        assert tg and all(client.get(p).status_code == 410 for p in tg)
    with world.db.reading() as session:
        assert session.get(Assignment, world.ids["azov"]).status == AssignmentStatus.DONE


def test_extension_notice_to_the_coordinator_has_decision_links(world):
    from tracker.services.extensions import request_extension

    with world.db.transaction() as session:
        officer = session.get(Person, world.ids["officer"])
        request_extension(session=session, assignment_id=world.ids["azov"], actor=officer,
                          new_due=NOW.date().replace(month=9), reason="Письмо № 15",
                          today=NOW.date(), now=NOW)
    _deliver(world)
    notices = [m for m in _emails(world, "coord@example.ru")
               if "перенос" in m["Subject"].lower()]
    assert notices, [m["Subject"] for m in _emails(world, "coord@example.ru")]
    text = notices[0].get_body(("plain",)).get_content()
    assert "Согласовать: http://tracker.example/a/" in text
    assert "Отклонить: http://tracker.example/a/" in text
    assert "tracker extensions approve" not in text
    with world.db.reading() as session:
        actions = {t.action for t in session.exec(select(ActionToken).where(
            ActionToken.person_id == world.ids["coord"], ActionToken.request_id.is_not(None)))}
    assert actions == {TokenAction.APPROVE, TokenAction.REJECT}


def test_no_base_url_no_links(world):
    world.settings.web.base_url = ""
    _deliver(world)
    [message] = _emails(world, "ivanova@example.ru")
    text = message.get_body(("plain",)).get_content()
    assert "/a/" not in text and "tracker tasks done" in text
    with world.db.reading() as session:
        assert session.exec(select(ActionToken)).all() == []


def test_telegram_text_links_each_item():
    from datetime import date

    from notifications.content.telegram_render import render_telegram
    from notifications.message import ChannelKind, Item, Message, MessageKind, Recipient, Rule

    item = Item(assignment_id=5, text="Провести совещание", due_date=date(2021, 8, 20),
                days_left=7, rule=Rule.BEFORE, organisation="Город Азов",
                links=(("complete", "http://x/a/1"), ("extend", "http://x/a/2")))
    for locale, words in (("ru", ">Отметить выполненным</a>"), ("en", ">Mark as done</a>")):
        message = Message(key="k", kind=MessageKind.REMINDER, channel=ChannelKind.TELEGRAM,
                          recipient=Recipient(1, "И", telegram_chat_id=1, locale=locale),
                          items=(item,), today=date(2021, 8, 13))
        text = "".join(render_telegram(message).chunks)
        assert '<a href="http://x/a/1">' in text and words in text
        assert '<a href="http://x/a/2">' in text and "/done 5" not in text


def test_weekly_summary_links_its_oldest_overdue(world):
    from datetime import date, timedelta

    from notifications.content.render import render_email
    from notifications.message import ChannelKind, Message, MessageKind, Recipient
    from tracker.services.web_links import with_links

    oldest = [{"assignment_id": world.ids["bataisk"], "label": "2.1", "text": "Провести",
               "organisation": "Город Батайск", "owner": None, "document": None,
               "due_date": "2021-08-10", "days_overdue": 3}]
    message = Message(key="s", kind=MessageKind.LEAD_SUMMARY, channel=ChannelKind.EMAIL,
                      recipient=Recipient(world.ids["lead"], "Руководитель Р.Р.",
                                          "lead@example.ru"),
                      context={"scope": "Ростовская область", "oldest": oldest,
                               "totals": {"assigned": 2}}, today=date(2021, 8, 13))
    with world.db.transaction() as session:
        linked = with_links(session=session, message=message, now=NOW,
                            base_url="http://tracker.example", ttl=timedelta(days=14))
    rendered = render_email(linked)
    assert "Отметить выполненным: http://tracker.example/a/" in rendered.text
    assert "tracker tasks done" not in rendered.text
    assert ">Запросить перенос срока</a>" in rendered.html
    path = LINK.search(rendered.text).group(0).removeprefix("http://tracker.example")
    with TestClient(world.app(), base_url="http://tracker.example") as client:
        page = client.get(path)  # the lead may act on any assignment
        assert page.status_code == 200 and "Город Батайск" in page.text
