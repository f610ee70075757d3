"""The bot under hostile input, end to end over HTTP: several hundred updates drawn from a
fixed seed (strangers, forged and oversized callback data, presses on other
municipalities' and missing assignments, replayed and malformed invite codes, `/done`
with huge, negative and non-ASCII ids and 5,000-character comments, markup, edited
messages, channel posts, inline queries, updates without a sender, presses on inline
messages, files and stickers out of context, double and concurrent presses, impossible,
past and far-future extension dates, approving one's own request, 4,096-character
answers), then exactly these checks:

- every callback query is answered, once;
- nothing in the log is a traceback or an error (bad input is not a bug);
- the database changed only as the senders were allowed to change it, and every
  assignment was completed at most once;
- no message to a stranger mentions a task; Батайск's officers never see Азов's own task;
- every text sent is within Telegram's limits (4,096 per message, 200 per answer).
"""

from __future__ import annotations

import logging
import random
import re
import time
from datetime import date

import pytest
import pytest_asyncio
from bot_world import COORDINATOR, LEAD, NOW, OFFICER, OUTSIDER, STRANGER_OFFICER, running_bot
from sqlalchemy import select as sa_select
from sqlmodel import SQLModel

from tracker.core.enums import EventKind, Role
from tracker.core.models import Assignment, Organisation, Person, Task

pytestmark = pytest.mark.asyncio

SEED = 1306
UPDATES = 330
NEWCOMER = 606  # Бойко, linked by a real invite at the start; later codes are replays
GROUP = -500  # an allowed group chat
CHATS = [OFFICER, COORDINATOR, LEAD, STRANGER_OFFICER, NEWCOMER, OUTSIDER]
BAD_IDS = ["99999999999999999999", "9223372036854775808", "-5", "0", "#0", "²", "①", "１２",
           "١٢", "५", "1e3", "0x10", "+1", "٣", "00", "#", "4.5", "1,2", "🔟", "Ⅻ"]
FORGED = ["", "x" * 64, "y" * 300, "done:", "done:-1", "done:0000000000001", "done:" + "9" * 12,
          "done:99999999999999999999", "lang:de", "chan:fax", "extok:abc", "мусор:1",
          "done:1:2", "DONE:1", " done:1", "done:１", "skip:²", "note:<b>", None]
DATES = ["31.02.2021", "01.01.2020", "12.08.2021", "13.08.2021", "13.08.2071", "30.02.2024",
         "х" * 4096, "<b>&amp;</b> & <i>", "२०.०९.२०२१", "３０.０９.２０２１",
         "30.09.2021 <script>", "   ", "2021-09-30", "30.09.2021", "15.10.2021", "0.0.0",
         "99.99.9999", "30.09.21"]
TEXTS = ["<script>alert(1)</script>", "a & b < c > d", "x" * 5000, "\u202eевил", "/unknown",
         "Проведено, протокол № 5", "", "   ", "&lt;b&gt;", "🙂" * 1000]


@pytest_asyncio.fixture
async def world(tmp_path, monkeypatch):
    # No throttling: the bot's own rate limiter would only make the test slow.
    async with running_bot(tmp_path, monkeypatch,
                           telegram="rate_per_second = 1000\ngroup_per_minute = 60") as w:
        w.fake.chat_types[GROUP] = "group"
        yield w


# --- what the database holds, before and after ---------------------------------------

def _snapshot(db) -> dict[str, dict]:
    with db.reading() as session:
        out = {}
        for table in SQLModel.metadata.sorted_tables:
            rows = session.connection().execute(sa_select(table)).mappings().all()
            key = [c.name for c in table.primary_key.columns]
            out[table.name] = {tuple(r[k] for k in key): dict(r) for r in rows}
        return out


def _can_act(session, person_id: int | None, assignment_id: int | None) -> bool:
    from tracker.services.permissions import can_act

    if person_id is None or assignment_id is None:
        return person_id is None
    person, assignment = session.get(Person, person_id), session.get(Assignment, assignment_id)
    return can_act(session=session, person=person, assignment=assignment)


def _violations(db, before: dict, after: dict, *, invite_person: int) -> list[str]:
    """Every change the senders were not allowed to make, as readable lines."""
    bad: list[str] = []
    allowed_tables = {"person", "assignment", "event", "evidence", "extensionrequest",
                      "telegraminvite", "outboxmessage", "outboxitem"}
    for name in before.keys() | after.keys():
        if name not in allowed_tables and before.get(name) != after.get(name):
            bad.append(f"table {name} changed")
    with db.reading() as session:
        for key, row in after["person"].items():
            old = before["person"].get(key)
            changed = {c for c in row if old is None or row[c] != old[c]}
            if row["id"] == invite_person:
                changed -= {"telegram_chat_id"} if row["telegram_chat_id"] == NEWCOMER else set()
            if changed - {"channels", "locale"}:
                bad.append(f"person {row['id']} changed {sorted(changed)}")
        for key, row in after["assignment"].items():
            old = before["assignment"][key]
            if row["status"] != old["status"] and (
                    row["status"] != "done"
                    or not _can_act(session, row["completed_by_id"], row["id"])):
                bad.append(f"assignment {row['id']} {old['status']} -> {row['status']} "
                               f"by {row['completed_by_id']}")
            if row["due_date"] != old["due_date"]:
                approved = [r for r in after["extensionrequest"].values()
                            if r["assignment_id"] == row["id"] and r["status"] == "approved"
                            and r["new_due_date"] == row["due_date"]]
                if not approved:
                    bad.append(f"assignment {row['id']} due moved without an approval")
        for key, row in after["event"].items():
            if key not in before["event"] and not _can_act(session, row["person_id"],
                                                           row["assignment_id"]):
                bad.append(f"event {row['kind']} by {row['person_id']} on {row['assignment_id']}")
        for key, row in after["evidence"].items():
            if key not in before["evidence"] and not _can_act(session, row["person_id"],
                                                              row["assignment_id"]):
                bad.append(f"evidence by {row['person_id']} on {row['assignment_id']}")
        for row in after["extensionrequest"].values():
            if not _can_act(session, row["requested_by_id"], row["assignment_id"]):
                bad.append(f"extension request by {row['requested_by_id']}")
            decider = row["decided_by_id"]
            if decider is not None:
                role = session.get(Person, decider).role
                if role == Role.OFFICER or not _can_act(session, decider, row["assignment_id"]) \
                        or (decider == row["requested_by_id"]
                            and role not in (Role.LEAD, Role.ADMIN)):
                    bad.append(f"request {row['id']} decided by {decider}")
    completions: dict[int, int] = {}
    for row in after["event"].values():
        if row["kind"] == EventKind.COMPLETED:
            completions[row["assignment_id"]] = completions.get(row["assignment_id"], 0) + 1
    bad += [f"assignment {a} completed {n} times" for a, n in completions.items() if n > 1]
    return bad


# --- the hostile updates -------------------------------------------------------------

class Hostile:
    """Draws updates from `rng` and queues them; remembers every callback query id."""

    def __init__(self, world, rng: random.Random, used_code: str, movable: list[int]) -> None:
        self.w, self.fake, self.rng = world, world.fake, rng
        self.used_code = used_code
        self.queries: list[str] = []
        ids = world.ids
        self.assignments = [ids["own"], ids["late_azov"], ids["late_bataysk"], 0, 999999,
                            2**40]
        self.movable = movable  # never pressed «Выполнено»: extensions stay possible

    def chat(self) -> int:
        return self.rng.choice(CHATS)

    def aid(self) -> int:
        return self.rng.choice(self.assignments)

    def say(self, chat: int, text: str, **kw) -> None:
        self.fake.say(chat, text, **kw)

    def press(self, chat: int, data: str | None, **kw) -> None:
        if data is None:  # a callback without data (a game button)
            query_id = f"nodata{len(self.queries)}"
            self.fake.raw({"callback_query": {"id": query_id, "from": self.fake._user(chat),
                                              "chat_instance": "ci", "game_short_name": "g",
                                              "message": self.fake.message(chat, text="…")}})
            self.queries.append(query_id)
            return
        self.queries.append(self.fake.press(chat, data, **kw))

    # each kind queues one short scene

    def done_bad_id(self) -> None:
        self.say(self.chat(), f"/done {self.rng.choice(BAD_IDS)} {self.rng.choice(TEXTS)}")

    def done_real(self) -> None:
        self.say(self.chat(), f"/done {self.aid()} {self.rng.choice(TEXTS)}".rstrip())

    def commands(self) -> None:
        text = self.rng.choice(["/tasks", "/overdue", "/help", "/settings", "/start",
                                "/start garbage", "/start " + "A" * 5000,
                                f"/start {self.used_code}", "/start кириллица-код",
                                f"/start {self.used_code} {self.used_code}", "/done",
                                "/tasks@roadmap_test_bot extra", "/start ../../etc/passwd"])
        self.say(self.chat(), text)

    def plain(self) -> None:
        self.say(self.chat(), self.rng.choice(TEXTS) or "…")

    def forged(self) -> None:
        self.press(self.chat(), self.rng.choice(FORGED))

    def assignment_press(self) -> None:
        action = self.rng.choice(["done", "note", "move"])
        self.press(self.chat(), f"{action}:{self.aid()}",
                   message_id=self.rng.choice([None, 5, 6]))

    def decision(self) -> None:
        self.press(self.chat(), f"{self.rng.choice(['extok', 'extno'])}:"
                                f"{self.rng.randint(0, 8)}")

    def skip_cancel(self) -> None:
        self.press(self.chat(), f"{self.rng.choice(['skip', 'cancel'])}:{self.aid()}")

    def settings(self) -> None:
        self.press(self.chat(), self.rng.choice(["chan:email", "chan:telegram", "chan:both",
                                                 "lang:ru", "lang:en"]))

    def extension(self) -> None:
        chat = self.rng.choice([OFFICER, OFFICER, COORDINATOR, STRANGER_OFFICER, LEAD])
        self.press(chat, f"move:{self.rng.choice(self.movable)}")
        self.say(chat, self.rng.choice(DATES))
        if self.rng.random() < 0.7:
            self.say(chat, self.rng.choice(["30.09.2021", "15.10.2021"]))
        self.say(chat, self.rng.choice(TEXTS) or "Перенос по письму № 15")

    def approve_own(self) -> None:
        chat = self.rng.choice([OFFICER, COORDINATOR, STRANGER_OFFICER])
        self.press(chat, f"move:{self.rng.choice(self.movable)}")
        self.say(chat, "30.09.2021")
        self.say(chat, "Сам себе согласую")
        for presser in (chat, self.rng.choice(CHATS)):
            self.press(presser, f"extok:{self.rng.randint(1, 8)}")

    def completion_answer(self) -> None:
        chat = self.chat()
        self.press(chat, f"done:{self.aid()}")
        self.say(chat, self.rng.choice(TEXTS) or "Готово")

    def double_press(self) -> None:
        chat, aid = self.chat(), self.aid()
        for _ in range(2):
            self.press(chat, f"done:{aid}", message_id=77)
        for _ in range(2):
            self.press(chat, f"skip:{aid}", message_id=78)

    def race(self) -> None:
        aid = self.rng.choice(self.assignments[:3])
        first, second = self.rng.sample([OFFICER, COORDINATOR, LEAD, STRANGER_OFFICER], 2)
        self.press(first, f"done:{aid}", message_id=90)
        self.press(second, f"done:{aid}", message_id=90)
        self.press(first, f"skip:{aid}", message_id=91)
        self.press(second, f"skip:{aid}", message_id=91)

    def edited(self) -> None:
        self.fake.raw({"edited_message": self.fake.message(
            self.chat(), text=f"/done {self.aid()}", edit_date=int(time.time()))})

    def channel_post(self) -> None:
        post = {"message_id": 1, "date": int(time.time()), "text": f"/done {self.aid()}",
                "chat": {"id": -1001234, "type": "channel", "title": "Канал"}}
        self.fake.raw({self.rng.choice(["channel_post", "edited_channel_post"]): post})

    def inline_query(self) -> None:
        self.fake.raw({"inline_query": {"id": f"iq{self.rng.random()}",
                                        "from": self.fake._user(self.chat()),
                                        "query": f"/done {self.aid()}", "offset": ""}})

    def no_sender(self) -> None:
        chat = self.rng.choice([OFFICER, GROUP])
        message = self.fake.message(chat, text=self.rng.choice([f"/done {self.aid()}",
                                                               "30.09.2021", "/tasks"]))
        del message["from"]
        if chat == GROUP and self.rng.random() < 0.5:
            message["sender_chat"] = {"id": GROUP, "type": "group", "title": "Группа"}
        self.fake.raw({"message": message})

    def inline_press(self) -> None:
        query_id = f"inline{len(self.queries)}"
        self.fake.raw({"callback_query": {"id": query_id, "from": self.fake._user(self.chat()),
                                          "chat_instance": "ci", "inline_message_id": "IM1",
                                          "data": f"done:{self.aid()}"}})
        self.queries.append(query_id)

    def files(self) -> None:
        chat = self.chat()
        kind = self.rng.choice(["document", "photo", "sticker", "long-name", "reply"])
        if kind == "sticker":
            self.fake.raw({"message": self.fake.message(chat, sticker={
                "file_id": "STK", "file_unique_id": "uSTK", "width": 512, "height": 512,
                "is_animated": False, "is_video": False, "type": "regular"})})
        elif kind == "long-name":
            self.fake.send_file(chat, file_name="<b>отчёт</b>&" + "я" * 400 + ".pdf",
                                caption=self.rng.choice(TEXTS) or None)
        elif kind == "reply":
            markup = {"inline_keyboard": [[{"text": "✅", "callback_data": f"done:{self.aid()}"}]]}
            self.fake.send_file(chat, reply_to=self.rng.randint(1, 2000), reply_markup=markup)
        else:
            self.fake.send_file(chat, photo=kind == "photo")

    def group(self) -> None:
        user = self.chat()
        if self.rng.random() < 0.5:
            self.fake.say(GROUP, self.rng.choice(["/tasks", "/done 1", "30.09.2021"]),
                          user_id=user)
        else:
            self.press(GROUP, f"done:{self.aid()}", user_id=user)

    KINDS = ("done_bad_id", "done_real", "commands", "plain", "forged", "assignment_press",
             "decision", "skip_cancel", "settings", "extension", "approve_own",
             "completion_answer", "double_press", "race", "edited", "channel_post",
             "inline_query", "no_sender", "inline_press", "files", "group")


async def test_hostile_updates_change_nothing_they_may_not_and_log_no_traceback(world, caplog):
    from tracker.services.invites import create_invite
    from tracker.services.tasks import add_task

    with world.db.transaction() as session:
        code = create_invite(session=session, person=session.get(Person, world.ids["new"]),
                             now=NOW, ttl_days=7)
        azov, bataysk = (session.get(Organisation, world.ids[k]) for k in ("azov", "bataysk"))
        movable = [a.id for _, assignments in (
            add_task(session=session, text=f"Подготовить доклад № {n}", organisations=[azov,
                     bataysk], now=NOW, due=date(2021, 8, 25)) for n in range(3))
            for a in assignments]
        # A task text that is long and all markup: its card must still fit one message.
        add_task(session=session, text="Сверить & <уточнить> " * 400, organisations=[azov],
                 now=NOW, due=date(2021, 8, 30))
    before = _snapshot(world.db)
    caplog.set_level(logging.INFO)
    rng = random.Random(SEED)
    hostile = Hostile(world, rng, code, movable)
    world.fake.say(NEWCOMER, f"/start {code}")  # the one legitimate link; the rest replay it
    world.fake.say(OFFICER, "/tasks")
    # Every bad date answered to one pending question, in a row (4,096 characters too).
    hostile.press(OFFICER, f"move:{movable[0]}")
    for text in DATES:
        world.fake.say(OFFICER, text)
    # Every kind at least once, then the rest at random; the bot is given time between
    # batches, so waiting flows (a date, then a reason) interleave with other users'.
    kinds = list(Hostile.KINDS) + [rng.choice(Hostile.KINDS) for _ in range(230)]
    for i, kind in enumerate(kinds):
        getattr(hostile, kind)()
        if i % 40 == 39:
            await world.idle()
    await world.idle()
    assert world.fake.queued >= 300

    # Every press answered, exactly once.
    answered = [c.params.get("callback_query_id") for c in world.fake.sent("answerCallbackQuery")]
    assert sorted(answered) == sorted(hostile.queries)

    # No traceback, no error: bad input is not a bug.
    bad_records = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert bad_records == [], [r.getMessage() for r in bad_records][:5]
    assert "Traceback" not in caplog.text

    # The database changed only as the senders may change it.
    after = _snapshot(world.db)
    assert _violations(world.db, before, after, invite_person=world.ids["new"]) == []
    assert after["person"][(world.ids["new"],)]["telegram_chat_id"] == NEWCOMER

    # Within Telegram's limits, and valid HTML: what users typed is escaped.
    for call in world.fake.sent():
        if call.method in ("sendMessage", "editMessageText"):
            body = str(call.params.get("text", ""))
            assert 0 < len(body) <= 4096, call.method
            if call.params.get("parse_mode") == "HTML":
                bare = re.sub(r"</?(b|i|u|s|code|pre)>|<a href=\"[^\"<>]*\">|</a>", "", body)
                assert "<" not in bare and ">" not in bare, body[:200]
                assert not re.search(r"&(?!(amp|lt|gt|quot|#\d+);)", bare), body[:200]
        if call.method == "answerCallbackQuery":
            assert len(str(call.params.get("text", ""))) <= 200

    # Nothing about a task reaches a stranger; Батайск never sees Азов's own task.
    with world.db.reading() as session:
        task_words = [w for t in session.exec(sa_select(Task)).scalars()
                      for w in t.text.split()[:2] if len(w) >= 5]
        org_names = [o.name for o in session.exec(sa_select(Organisation)).scalars()]
    stranger = [str(c.params.get("text", "")) for c in world.fake.sent() if
                str(c.params.get("chat_id")) == str(OUTSIDER)]
    assert stranger, "the stranger was answered at all"
    for text in stranger:
        assert not re.search(r"#\d", text), text
        assert not any(word in text for word in task_words + org_names), text
    for chat in (STRANGER_OFFICER, NEWCOMER):
        for call in world.fake.sent("sendMessage", chat):
            assert "совещание" not in call.params["text"], call.params["text"]

    # The scenes did happen: the bot refused and completed things, not just ignored them.
    texts = [str(c.params.get("text", "")) for c in world.fake.sent("sendMessage")]
    assert any(t.startswith("Не понял номер поручения") for t in texts)
    assert any(t.startswith("Не понял дату") for t in texts)
    assert any("уже прошла" in t for t in texts)
    assert any("слишком далеко" in t for t in texts)
    assert any(t.startswith("Недостаточно прав") for t in texts) or any(
        "Недостаточно прав" in str(c.params.get("text", ""))
        for c in world.fake.sent("answerCallbackQuery"))
    assert not any("Ваш Telegram не привязан" in t for c in world.fake.sent("sendMessage")
                   if _int(c.params.get("chat_id")) in (OFFICER, COORDINATOR, LEAD)
                   for t in [str(c.params.get("text", ""))])
    completed = [r for r in after["event"].values() if r["kind"] == EventKind.COMPLETED]
    assert completed
    assert after["extensionrequest"], "extension requests were made"
    alerts = [str(c.params.get("text", "")) for c in world.fake.sent("answerCallbackQuery")]
    assert "Недостаточно прав для решения по этому запросу." in alerts
    assert "Кнопка устарела или недействительна." in alerts


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


async def test_the_named_hostile_cases_get_exact_answers(world, caplog):
    """The cases issue 13 names, one by one, with the exact reply."""
    caplog.set_level(logging.INFO)
    own = world.ids["own"]
    for bad in ("0", "²", "99999999999999999999", "-3", "１２"):
        world.fake.say(OFFICER, f"/done {bad} Комментарий")
    replies = await world.replies(OFFICER, 0)
    assert replies == [f"Не понял номер поручения «{bad}»: нужно целое число, например "
                       "<code>/done 42</code>." for bad in
                       ("0", "²", "99999999999999999999", "-3", "１２")]
    # An extension date: checked at once, before the reason is asked, in Russian.
    world.fake.press(OFFICER, f"move:{own}")
    for answer in ("01.08.2021", "31.02.2021", "13.08.2071", "19.08.2021", "х" * 4096,
                   "<b>30.09.2021</b>", "30.09.2021"):
        world.fake.say(OFFICER, answer)
    replies = await world.replies(OFFICER, 5)
    assert replies == [
        f"Поручение #{own}: до какой даты перенести срок? Например, 30.09.2021.",
        "Дата 01.08.2021 уже прошла: новый срок должен быть позже сегодняшнего дня "
        "(13.08.2021). Напишите другую дату.",
        "Не понял дату «31.02.2021». Напишите её как 30.09.2021.",
        "Дата 13.08.2071 слишком далеко: срок можно перенести не дальше чем на 12.08.2026. "
        "Напишите другую дату.",
        "Новый срок должен быть позже текущего срока (20.08.2021). Напишите другую дату.",
        f"Не понял дату «{'х' * 40}…». Напишите её как 30.09.2021.",
        "Не понял дату «&lt;b&gt;30.09.2021&lt;/b&gt;». Напишите её как 30.09.2021.",
        "Укажите обоснование переноса срока на 30.09.2021.",
    ]
    # Edited messages, channel posts, inline queries, messages without a sender: ignored.
    count = world.count(OFFICER)
    world.fake.raw({"edited_message": world.fake.message(OFFICER, text=f"/done {own}",
                                                         edit_date=int(time.time()))})
    sender_less = world.fake.message(OFFICER, text=f"/done {own}")
    del sender_less["from"]
    world.fake.raw({"message": sender_less})
    world.fake.raw({"channel_post": {"message_id": 1, "date": int(time.time()),
                                     "text": f"/done {own}",
                                     "chat": {"id": -1001, "type": "channel", "title": "К"}}})
    world.fake.raw({"inline_query": {"id": "iq", "from": world.fake._user(OFFICER),
                                     "query": "x", "offset": ""}})
    # A press on an inline message (no `message`): answered, nothing done.
    world.fake.raw({"callback_query": {"id": "inl", "from": world.fake._user(OFFICER),
                                       "chat_instance": "ci", "inline_message_id": "IM",
                                       "data": f"done:{own}"}})
    await world.idle()
    assert world.count(OFFICER) == count
    [answer] = [c for c in world.fake.sent("answerCallbackQuery")
                if c.params.get("callback_query_id") == "inl"]
    assert answer.params["text"] == "Кнопка устарела или недействительна."
    with world.db.reading() as session:
        assert session.get(Assignment, own).status == "open"
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_a_real_bug_is_still_logged_with_its_traceback_and_apologised_for(world, caplog,
                                                                               monkeypatch):
    """The guard and the checks do not hide bugs: an exception inside a handler reaches
    the error handler, which logs it with the traceback and says «Произошла ошибка»."""
    from tracker.bot import actions

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(actions, "open_cards", broken)
    caplog.set_level(logging.INFO)
    world.fake.say(OFFICER, "/tasks")
    assert await world.replies(OFFICER, 0) == ["Произошла ошибка, попробуйте ещё раз позже."]
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.getMessage() == "сбой обработки сообщения бота: RuntimeError: a bug"
    assert record.exc_info is not None
