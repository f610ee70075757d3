"""End to end in a real headless Chromium (Debian's `chromium`, driven by Playwright)
against `tracker web` in a subprocess, with real emails received by aiosmtpd:

- an officer opens «Отметить выполненным» from the email, completes the task with a
  comment and a file, and sees it leave «Мои поручения»; then asks for more time on
  another task from the same email;
- the coordinator opens «Согласовать» from the notice email and approves;
- the lead signs in with the email form and sees an overdue municipality on the
  dashboard.

Screenshots go to tmp, and to docs/screenshots/ with SAVE_SCREENSHOTS=1.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from web_world import build

from tracker.core.models import utcnow

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--lang=ru", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[1]
TRACKER = Path(sys.executable).with_name("tracker")

try:
    import playwright.sync_api  # noqa: F401
    HAVE = Path(CHROMIUM).exists()
except ImportError:
    HAVE = False
if not HAVE and os.environ.get("CI") != "true":
    pytest.skip("needs chromium and playwright (run under CI=true to require them)",
                allow_module_level=True)

pytestmark = pytest.mark.slow


class Inbox:
    """An aiosmtpd handler keeping every message received."""

    def __init__(self) -> None:
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def texts(self, to: str) -> list[str]:
        with self.lock:
            return [m.get_body(("plain",)).get_content() for m in self.messages
                    if to in m["To"]]

    def wait(self, to: str, words: str, timeout: float = 20.0):
        """The first message to `to` whose text has `words` (waits for it to arrive)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for message in self.messages:
                    text = message.get_body(("plain",)).get_content()
                    if to in message["To"] and words in text:
                        return text
            time.sleep(0.05)
        raise AssertionError(f"no email to {to} with {words!r}")


def _port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _open(site, page, to: str, label: str, words: str) -> str:
    """Open the `label` link, from any email to `to`, whose page is about `words`
    (the planner decides which notices carry which items; opening a link changes
    nothing, so trying them is harmless)."""
    site["inbox"].wait(to, f"{label}: http")
    for text in site["inbox"].texts(to):
        for url in re.findall(rf"{label}: (http://\S+)", text):
            page.goto(url)
            if words in page.inner_text("main"):
                return text
    raise AssertionError(f"no {label!r} link about {words!r} in the emails to {to}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from aiosmtpd.controller import Controller

    from tracker.core.config_sources import load_settings
    from tracker.core.db import open_database
    from tracker.core.models import Organisation, Person
    from tracker.services.tasks import add_task

    folder = tmp_path_factory.mktemp("site")
    smtp_port, web_port = _port(), _port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    config = folder / "config.toml"
    config.write_text(f"""timezone = "Europe/Moscow"
[smtp]
host = "127.0.0.1"
port = {smtp_port}
tls = "none"
sender = "tracker@example.ru"
[reminders]
working_days_only = false
[web]
port = {web_port}
base_url = "http://127.0.0.1:{web_port}"
[digests]
lead_enabled = false
coordinator_enabled = false
""", encoding="utf-8")
    settings = load_settings(config)
    db = open_database(settings.db_url)
    now = utcnow()
    world = build(settings, db, now=now, due=now.date() - timedelta(days=20))
    with db.transaction() as session:
        azov = session.get(Organisation, world.ids["azov_org"])
        officer = session.get(Person, world.ids["officer"])
        _, (second,) = add_task(session=session, text="Представить отчёт о мероприятиях",
                                organisations=[azov], person=officer, label="3",
                                now=now - timedelta(days=30), due=now.date() - timedelta(days=15))
        world.ids["second"] = second.id
    _deliver(settings, db)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    server = subprocess.Popen([str(TRACKER), "--config", str(config), "web"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    from playwright.sync_api import sync_playwright

    try:
        _wait_up(f"http://127.0.0.1:{web_port}/signin", server)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield dict(settings=settings, db=db, inbox=inbox, world=world, browser=browser,
                       base=f"http://127.0.0.1:{web_port}", shots=folder)
            browser.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=20)
        controller.stop()
        db.dispose()


def _deliver(settings, db) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from notifications.channels.registry import build_channels
    from tracker.services.reminders import tick
    from tracker.services.web_links import link_maker

    # A thread of its own: Playwright's sync API keeps an event loop in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, tick(db, settings, build_channels(settings), now=utcnow(),
                                      worker="e2e", links=link_maker(settings))).result()


def _wait_up(url: str, process, timeout: float = 30.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read())
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"tracker web did not answer at {url}")


def _shot(site, page, name: str) -> None:
    path = site["shots"] / name
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("SAVE_SCREENSHOTS"):
        target = ROOT / "docs" / "screenshots" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def test_officer_completes_from_the_email_and_asks_for_more_time(site, tmp_path):
    context = site["browser"].new_context(viewport={"width": 390, "height": 844},
                                          locale="ru-RU")
    page = context.new_page()
    text = _open(site, page, "ivanova@example.ru", "Отметить выполненным",
                 "Провести совещание с руководителями школ")
    assert "tracker tasks done" not in text
    page.fill("textarea[name=comment]", "Проведено 10.08, протокол № 5")
    evidence = tmp_path / "протокол.pdf"
    evidence.write_bytes(b"%PDF-1.4 e2e")
    page.set_input_files("input[name=file]", str(evidence))
    _shot(site, page, "action.png")
    page.click("button.primary")
    assert "Поручение отмечено выполненным" in page.inner_text("h1")
    page.click("text=Перейти к моим поручениям")
    mine = page.inner_text("main")
    assert "Мои поручения" in mine
    assert "Провести совещание" not in mine and "Представить отчёт" in mine
    assert page.locator("li.task.is-overdue").count() == 1
    _shot(site, page, "my.png")
    # More time for the other task, from the same email.
    _open(site, page, "ivanova@example.ru", "Запросить перенос срока",
          "Представить отчёт о мероприятиях")
    new_due = date.today() + timedelta(days=20)
    page.fill("input[name=new_due]", new_due.isoformat())
    page.fill("textarea[name=reason]", "Письмо министерства № 15")
    page.click("button[type=submit]")
    assert "отправлен координатору" in page.inner_text("h1")
    page.goto(f"{site['base']}/assignments/{site['world'].ids['second']}")
    assert "Письмо министерства № 15" in page.inner_text("main")  # waiting, and in the log
    _shot(site, page, "assignment.png")
    context.close()


def test_coordinator_approves_the_extension_from_the_email(site):
    _deliver(site["settings"], site["db"])  # the scheduler sends the coordinator's notice
    page = site["browser"].new_page(locale="ru-RU")
    _open(site, page, "coord@example.ru", "Согласовать", "Письмо министерства № 15")
    page.click("button.primary")
    assert "Перенос срока согласован" in page.inner_text("h1")
    page.goto(site["base"] + "/extensions")
    assert "Запросов, ожидающих решения, нет" in page.inner_text("main")
    page.close()


def test_lead_signs_in_by_email_and_sees_the_overdue_municipality(site):
    page = site["browser"].new_page(viewport={"width": 1100, "height": 800}, locale="ru-RU")
    page.goto(site["base"] + "/dashboard")
    assert page.url.endswith("/signin")
    page.fill("input[name=email]", "lead@example.ru")
    page.click("button.primary")
    assert "Если адрес есть в справочнике" in page.inner_text("main")
    text = site["inbox"].wait("lead@example.ru", "/signin/")
    page.goto(re.search(r"http://\S+/signin/\S+", text).group(0))
    page.click("button.primary")
    page.goto(site["base"] + "/dashboard")
    row = page.locator("table.figures tbody tr.is-overdue")
    assert row.count() == 1 and "Город Батайск" in row.inner_text()
    assert "Город Азов" in page.inner_text("table.figures")
    _shot(site, page, "dashboard.png")
    page.emulate_media(media="print")  # printable: the table without filters and buttons
    assert not page.locator("form.filters").is_visible()
    assert page.locator("table.figures").is_visible()
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 360, "height": 740})
    _shot(site, page, "dashboard-phone.png")
    page.close()
