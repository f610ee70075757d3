"""A running bot for tests: the real python-telegram-bot stack polling a `FakeBotAPI` on
127.0.0.1, over a real SQLite file, with a fixed clock.

People (their Telegram user id is their chat id): an officer of Город Азов (chat 101),
a coordinator of Город Азов (202), the regional lead (303), an officer of Город Батайск
(404, another municipality), and Бойко, an officer not linked yet (no chat).
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from tracker.services.orgs import add_organisation
from tracker.services.people import add_person
from tracker.services.tasks import add_task

NOW = datetime(2021, 8, 13, 7, 0, tzinfo=UTC)  # 10:00 in Moscow, a Friday
OFFICER, COORDINATOR, LEAD, STRANGER_OFFICER = 101, 202, 303, 404
OUTSIDER = 999  # nobody in the directory


@dataclass
class BotWorld:
    fake: object
    db: object
    settings: object
    ids: dict = field(default_factory=dict)  # name -> id (people, organisations, assignments)
    kicks: int = 0
    application: object = None  # the running python-telegram-bot Application

    async def calls(self, method: str, *, chat_id: int | None = None, count: int = 1,
                    where=None, timeout: float = 10.0):
        """Wait (without blocking the bot's loop) for `count` recorded `method` calls."""
        return await asyncio.to_thread(self.fake.wait_for, method, chat_id=chat_id,
                                       count=count, where=where, timeout=timeout)

    async def idle(self) -> None:
        """Wait until the bot has finished handling every update queued so far: it asked
        for updates past the last one (so all are in its update queue), and its queue
        has no update left unfinished (handlers, error handlers included, returned)."""
        last = self.fake.last_update_id
        if last:
            await asyncio.to_thread(self.fake.wait_taken, last)
        await asyncio.wait_for(self.application.update_queue.join(), timeout=30)

    async def replies(self, chat_id: int, before: int) -> list[str]:
        """Texts sent to `chat_id` after the first `before` ones, once the bot is idle."""
        await self.idle()
        return [c.params.get("text", "") for c in self.fake.sent("sendMessage", chat_id)][before:]

    def count(self, chat_id: int) -> int:
        return len(self.fake.sent("sendMessage", chat_id))


def build_directory(db) -> dict:
    with db.transaction() as session:
        region = add_organisation(session=session, name="Ростовская область", kind="region")
        azov = add_organisation(session=session, name="Город Азов", kind="municipality",
                                parent=region)
        bataysk = add_organisation(session=session, name="Город Батайск", kind="municipality",
                                   parent=region)
        officer = add_person(session=session, name="Иванов И.И.", organisation=azov,
                             email="ivanov@example.ru", telegram_chat_id=OFFICER)
        coordinator = add_person(session=session, name="Петрова А.А.", organisation=azov,
                                 email="petrova@example.ru", role="coordinator",
                                 telegram_chat_id=COORDINATOR)
        lead = add_person(session=session, name="Сидоров П.П.", organisation=region,
                          email="lead@example.ru", role="lead", telegram_chat_id=LEAD)
        other = add_person(session=session, name="Кузнецов К.К.", organisation=bataysk,
                           email="kuz@example.ru", telegram_chat_id=STRANGER_OFFICER)
        new = add_person(session=session, name="Бойко Б.Б.", organisation=bataysk,
                         email="boyko@example.ru")
        _, own = add_task(session=session, text="Провести совещание <с директорами> & отчитаться",
                          organisations=[azov], now=NOW, due=date(2021, 8, 20),
                          person=officer, label="1.1")
        _, late = add_task(session=session, text="Представить план мероприятий",
                           organisations=[azov, bataysk], now=NOW, due=date(2021, 8, 10),
                           label="2.3")
        return {"region": region.id, "azov": azov.id, "bataysk": bataysk.id,
                "officer": officer.id, "coordinator": coordinator.id, "lead": lead.id,
                "other": other.id, "new": new.id, "own": own[0].id, "late_azov": late[0].id,
                "late_bataysk": late[1].id}


@asynccontextmanager
async def running_bot(folder, monkeypatch, *, database_url: str = "", telegram: str = ""):
    """The bot polling a fresh `FakeBotAPI`, over the directory above, at `NOW`;
    `telegram` adds lines to the config's [telegram] section."""
    from fake_telegram import FakeBotAPI

    from tracker.bot.app import start_bot
    from tracker.core.config_sources import load_settings
    from tracker.core.db import open_database
    from tracker.runtime import build_runtime

    fake = FakeBotAPI()
    fake.start()
    config = folder / "config.toml"
    config.write_text(f'database_url = "{database_url}"\n[telegram]\napi_url = "{fake.api_url}"\n'
                      f'file_url = "{fake.file_url}"\npoll_timeout = 1\nallowed_groups = [-500]\n'
                      f"{telegram}\n",
                      encoding="utf-8")
    monkeypatch.setenv("TRACKER_TELEGRAM__TOKEN", fake.token)
    settings = load_settings(config)
    db = open_database(settings.db_url)
    w = BotWorld(fake, db, settings, build_directory(db))

    def kick() -> None:
        w.kicks += 1

    import tracker.bot.app as bot_app

    build = bot_app.build_application

    def capture(*args, **kwargs):
        w.application = build(*args, **kwargs)
        return w.application

    monkeypatch.setattr(bot_app, "build_application", capture)
    stop = await start_bot(build_runtime(settings, db=db, clock=lambda: NOW), kick=kick)
    try:
        yield w
    finally:
        await stop()
        fake.stop()
        db.dispose()
