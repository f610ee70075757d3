"""`tracker run` as a real process with the bot inside, against the fake Bot API: a
reminder goes out with buttons, a press of «Выполнено» completes the assignment in the
database, the next /tasks no longer lists it, and the token never reaches the log."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from fake_telegram import FakeBotAPI

from tracker.core.db import open_database
from tracker.core.enums import AssignmentStatus, Via
from tracker.core.models import Assignment, utcnow
from tracker.services.orgs import add_organisation
from tracker.services.people import add_person
from tracker.services.tasks import add_task

CHAT = 101
COORDINATOR_CHAT = 202


def _config(folder, fake: FakeBotAPI):
    path = folder / "config.toml"
    path.write_text(f"""timezone = "Europe/Moscow"
[reminders]
days_before = [3]
send_time = "00:00"
working_days_only = false
escalation = []
[digests]
lead_enabled = false
coordinator_enabled = false
[telegram]
api_url = "{fake.api_url}"
file_url = "{fake.file_url}"
poll_timeout = 1
""", encoding="utf-8")
    return path


def _seed(db_url: str, *, due_in: int, coordinator: bool = False) -> int:
    """An officer on Telegram only (and, with `coordinator`, their coordinator, Telegram
    only too), with one assignment due in `due_in` days (Moscow)."""
    db = open_database(db_url)
    today = utcnow().astimezone(ZoneInfo("Europe/Moscow")).date()
    with db.transaction() as session:
        region = add_organisation(session=session, name="Ростовская область", kind="region")
        azov = add_organisation(session=session, name="Город Азов", kind="municipality",
                                parent=region)
        officer = add_person(session=session, name="Иванов И.И.", organisation=azov,
                             telegram_chat_id=CHAT, channels="telegram")
        if coordinator:
            add_person(session=session, name="Петрова А.А.", organisation=azov,
                       role="coordinator", telegram_chat_id=COORDINATOR_CHAT,
                       channels="telegram")
        _, [assignment] = add_task(session=session, text="Провести совещание с директорами",
                                   organisations=[azov], person=officer, label="1.1",
                                   now=utcnow() - timedelta(days=5),
                                   due=today + timedelta(days=due_in))
        assignment_id = assignment.id
    db.dispose()
    return assignment_id


@pytest.mark.slow
def test_tracker_run_sends_a_reminder_and_a_press_completes_it(tmp_path):
    with FakeBotAPI() as fake:
        config = _config(tmp_path, fake)
        db_url = f"sqlite:///{tmp_path / 'tracker.db'}"
        open_database(db_url).dispose()  # the schema
        # The reminder of 3 days before fell due at 00:00 today.
        aid = _seed(db_url, due_in=3)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        env["TRACKER_TELEGRAM__TOKEN"] = fake.token
        log = tmp_path / "service.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-c", "from tracker.cli.main import run; run()", "--config",
                 str(config), "run", "--tick-seconds", "1"], stdout=out, stderr=out, env=env)
            try:
                [reminder] = fake.wait_for("sendMessage", chat_id=CHAT, timeout=30)
                buttons = reminder.params["reply_markup"]["inline_keyboard"][0]
                assert buttons[0]["callback_data"] == f"done:{aid}"
                assert "Провести совещание с директорами" in reminder.params["text"]
                message_id = reminder.params.get("message_id") or 1000
                fake.press(CHAT, f"done:{aid}", message_id=message_id, text="Напоминание")
                fake.wait_for("sendMessage", chat_id=CHAT, count=2, timeout=15)
                fake.press(CHAT, f"skip:{aid}")
                fake.wait_for("sendMessage", chat_id=CHAT, count=3, timeout=15)
                db = open_database(db_url)
                with db.reading() as session:
                    done = session.get(Assignment, aid)
                    assert (done.status, done.completed_via) == (AssignmentStatus.DONE, Via.BOT)
                db.dispose()
                fake.say(CHAT, "/tasks")
                [*_, listing] = fake.wait_for("sendMessage", chat_id=CHAT, count=4, timeout=15)
                assert listing.params["text"] == "Открытых поручений нет. 👍"
                edits = fake.sent("editMessageText", CHAT)
                assert edits and "✅ Выполнено — Иванов И.И.," in edits[-1].params["text"]
                time.sleep(1.5)  # a couple more ticks: nothing else goes out
                assert len(fake.sent("sendMessage", CHAT)) == 4
            finally:
                process.send_signal(signal.SIGTERM)
                code = process.wait(timeout=30)
    output = log.read_text(encoding="utf-8")
    assert code == 0, output
    assert "бот @roadmap_test_bot принимает сообщения" in output
    assert fake.token not in output
    assert fake.token.split(":")[1] not in output


@pytest.mark.slow
def test_tracker_bot_alone_delivers_the_extension_notices_it_records(tmp_path):
    with FakeBotAPI() as fake:
        config = _config(tmp_path, fake)
        db_url = f"sqlite:///{tmp_path / 'tracker.db'}"
        open_database(db_url).dispose()
        aid = _seed(db_url, due_in=30, coordinator=True)  # nothing to remind yet
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        env["TRACKER_TELEGRAM__TOKEN"] = fake.token
        log = tmp_path / "bot.log"
        new_due = (utcnow().astimezone(ZoneInfo("Europe/Moscow")).date() + timedelta(days=45))
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-c", "from tracker.cli.main import run; run()", "--config",
                 str(config), "bot"], stdout=out, stderr=out, env=env)
            try:
                fake.wait_for("setMyCommands", count=2, timeout=30)
                fake.press(CHAT, f"move:{aid}")
                fake.wait_for("sendMessage", chat_id=CHAT, timeout=15)
                fake.say(CHAT, new_due.strftime("%d.%m.%Y"))
                fake.wait_for("sendMessage", chat_id=CHAT, count=2, timeout=15)
                fake.say(CHAT, "Ждём результаты мониторинга")
                [notice] = fake.wait_for("sendMessage", chat_id=COORDINATOR_CHAT, timeout=15)
                [row] = notice.params["reply_markup"]["inline_keyboard"]
                assert [b["text"] for b in row] == ["✅ Согласовать", "❌ Отклонить"]
                assert "Ждём результаты мониторинга" in notice.params["text"]
                fake.press(COORDINATOR_CHAT, row[0]["callback_data"])
                # The officer hears of the decision through the outbox, at once.
                fake.wait_for("sendMessage", chat_id=CHAT, count=4, timeout=15)
            finally:
                process.send_signal(signal.SIGTERM)
                code = process.wait(timeout=30)
    output = log.read_text(encoding="utf-8")
    assert code == 0, output
    texts = [c.params["text"] for c in fake.sent("sendMessage", CHAT)]
    assert texts[2].startswith("📅 Запрос на перенос срока поручения")
    assert new_due.strftime("%d.%m.%Y") in texts[3]
    db = open_database(db_url)
    with db.reading() as session:
        assert session.get(Assignment, aid).due_date == new_due
    db.dispose()
    assert fake.token not in output
