"""The bot, end to end over HTTP: python-telegram-bot polls a fake Bot API on 127.0.0.1;
each test queues updates as a user would send them and checks what the bot said and
what the database holds afterwards."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from bot_world import (
    COORDINATOR,
    LEAD,
    NOW,
    OFFICER,
    OUTSIDER,
    BotWorld,
)
from sqlmodel import select

from tracker.core.enums import AssignmentStatus, EventKind, Via
from tracker.core.models import Assignment, Event, Person

pytestmark = pytest.mark.asyncio


def _assignment(w: BotWorld, key: str) -> Assignment:
    with w.db.reading() as session:
        return session.get(Assignment, w.ids[key])


def _events(w: BotWorld, key: str, kind: EventKind) -> list[Event]:
    with w.db.reading() as session:
        return list(session.exec(select(Event).where(Event.assignment_id == w.ids[key],
                                                     Event.kind == kind)))


# --- start-up and linking ---------------------------------------------------------------

async def test_commands_are_registered_in_russian_and_english(world):
    calls = await world.calls("setMyCommands", count=2)
    ru = next(c for c in calls if "language_code" not in c.params)
    en = next(c for c in calls if c.params.get("language_code") == "en")
    assert [c["command"] for c in ru.params["commands"]] == [
        "tasks", "overdue", "done", "settings", "help"]
    assert ru.params["commands"][0]["description"] == "Мои поручения"
    assert en.params["commands"][0]["description"] == "My assignments"


async def _invite(world, person_key: str, *, ttl_days: int = 7, now=NOW) -> str:
    from tracker.services.invites import create_invite

    with world.db.transaction() as session:
        person = session.get(Person, world.ids[person_key])
        return create_invite(session=session, person=person, now=now, ttl_days=ttl_days)


async def test_start_with_a_good_code_links_the_chat_and_greets_by_name(world):
    code = await _invite(world, "new")
    world.fake.say(606, f"/start {code}")
    [reply] = await world.replies(606, 0)
    assert reply.startswith("Здравствуйте, Бойко Б.Б.! Telegram привязан: Город Батайск, "
                            "роль — исполнитель.")
    assert "/tasks" in reply and "/overdue" not in reply
    with world.db.reading() as session:
        person = session.get(Person, world.ids["new"])
        assert (person.telegram_chat_id, person.telegram_active) == (606, True)
        from tracker.core.models import TelegramInvite
        invite = session.exec(select(TelegramInvite)).one()
        assert code not in invite.code_hash and invite.used_at is not None


async def test_reused_expired_and_wrong_codes_are_refused_politely(world):
    code = await _invite(world, "new")
    world.fake.say(606, f"/start {code}")
    await world.replies(606, 0)
    world.fake.say(607, f"/start {code}")  # somebody else reuses the link
    expired = await _invite(world, "new", ttl_days=1, now=NOW - timedelta(days=2))
    world.fake.say(608, f"/start {expired}")
    world.fake.say(609, "/start not-a-real-code-at-all-0000")
    assert await world.replies(607, 0) == [
        "Этот код приглашения уже использован. Попросите у администратора новый."]
    assert await world.replies(608, 0) == [
        "Срок действия приглашения истёк. Попросите у администратора новое."]
    assert await world.replies(609, 0) == [
        "Код приглашения не найден. Проверьте ссылку или попросите новую."]
    with world.db.reading() as session:
        assert session.get(Person, world.ids["new"]).telegram_chat_id == 606


async def test_a_stranger_gets_how_to_link_and_nothing_else(world):
    for text in ("/tasks", "/overdue", "/done 1", "привет", "/start"):
        world.fake.say(OUTSIDER, text)
    replies = await world.replies(OUTSIDER, 0)
    assert len(replies) == 5
    assert all(r.startswith("Здравствуйте! Этот бот напоминает о сроках") for r in replies)
    assert all("tracker people invite" in r for r in replies)


async def test_group_chats_are_ignored_unless_allowed(world):
    world.fake.chat_types[-700] = "group"
    world.fake.chat_types[-500] = "group"
    world.fake.say(-700, "/tasks", user_id=OFFICER)
    world.fake.say(-500, "/help", user_id=OFFICER)
    await world.idle()
    assert world.fake.sent("sendMessage", -700) == []
    [reply] = world.fake.sent("sendMessage", -500)
    assert reply.params["text"].startswith("Что умеет бот")


# --- commands ---------------------------------------------------------------------------

async def test_tasks_lists_own_assignments_soonest_first_with_buttons(world):
    world.fake.say(OFFICER, "/tasks")
    await world.idle()
    sent = world.fake.sent("sendMessage", OFFICER)
    assert sent[0].params["text"] == "Открытые поручения: 2. Ближайшие сроки первыми."
    late, own = sent[1].params, sent[2].params
    assert late["text"].startswith(f"<b>#{world.ids['late_azov']}</b> п. 2.3\n"
                                   "Представить план мероприятий\nИсполнитель: Город Азов\n"
                                   "Срок: 10 августа 2021 г. (просрочено на 3 дня)")
    # Task texts from documents are escaped for HTML parse mode.
    assert "Провести совещание &lt;с директорами&gt; &amp; отчитаться" in own["text"]
    assert "Срок: 20 августа 2021 г. (через 7 дней)" in own["text"]
    assert own["parse_mode"] == "HTML"
    row = own["reply_markup"]["inline_keyboard"][0]
    assert [(b["text"], b["callback_data"]) for b in row] == [
        ("✅ Выполнено", f"done:{world.ids['own']}"),
        ("💬 Комментарий", f"note:{world.ids['own']}"),
        ("📅 Перенести срок", f"move:{world.ids['own']}")]


async def test_tasks_of_a_coordinator_cover_the_organisation_and_below(world):
    world.fake.say(COORDINATOR, "/tasks")
    await world.idle()
    texts = [c.params["text"] for c in world.fake.sent("sendMessage", COORDINATOR)]
    assert texts[0] == "Открытые поручения: 2. Ближайшие сроки первыми."
    assert not any("Город Батайск" in t for t in texts)


async def test_help_for_an_officer_and_for_the_lead(world):
    world.fake.say(OFFICER, "/help")
    world.fake.say(LEAD, "/help")
    [officer] = await world.replies(OFFICER, 0)
    [lead] = await world.replies(LEAD, 0)
    assert "/overdue" not in officer and "/done ID [комментарий]" in officer
    assert lead.startswith("/overdue — просроченные поручения по всему региону")


async def test_overdue_for_the_lead_groups_the_region_worst_first(world):
    world.fake.say(LEAD, "/overdue")
    [reply] = await world.replies(LEAD, 0)
    lines = reply.splitlines()
    assert lines[0] == "⏰ <b>Просрочено: 2</b> на 13.08.2021"
    assert lines[2:4] == ["1. Город Азов: 1 (более 30 дней: 0)",
                          "2. Город Батайск: 1 (более 30 дней: 0)"]
    assert lines[5] == "Самые давние:"
    assert lines[6].startswith(f"• #{world.ids['late_azov']} Представить план мероприятий — "
                               "Город Азов, срок 10.08.2021 (просрочено на 3 дня)")


async def test_overdue_for_a_coordinator_covers_their_organisation_only(world):
    world.fake.say(COORDINATOR, "/overdue")
    world.fake.say(OFFICER, "/overdue")
    [reply] = await world.replies(COORDINATOR, 0)
    assert reply.splitlines()[0] == "⏰ <b>Просрочено: 1</b> (Город Азов) на 13.08.2021"
    assert "Батайск" not in reply
    assert await world.replies(OFFICER, 0) == [
        "Команда /overdue доступна координаторам и руководителю."]


async def test_done_command_completes_with_a_comment_and_says_usage_on_bad_arguments(world):
    world.fake.say(OFFICER, "/done")
    world.fake.say(OFFICER, "/done abc")
    world.fake.say(OFFICER, f"/done {world.ids['own']} Проведено, протокол № 5")
    replies = await world.replies(OFFICER, 0)
    assert replies[0].startswith("Использование: /done ID [комментарий]")
    assert replies[1] == ("Не понял номер поручения «abc»: нужно целое число, например "
                          "<code>/done 42</code>.")
    assert replies[2] == f"✅ Поручение #{world.ids['own']} отмечено выполненным."
    a = _assignment(world, "own")
    assert (a.status, a.completed_via, a.completion_comment, a.completed_by_id) == (
        AssignmentStatus.DONE, Via.BOT, "Проведено, протокол № 5", world.ids["officer"])
    [event] = _events(world, "own", EventKind.COMPLETED)
    assert event.via == Via.BOT and json.loads(event.details)["comment"] == \
        "Проведено, протокол № 5"


async def test_done_twice_is_harmless_and_says_who_did_it(world):
    world.fake.say(OFFICER, f"/done {world.ids['own']}")
    world.fake.say(COORDINATOR, f"/done {world.ids['own']}")
    await world.idle()
    [again] = await world.replies(COORDINATOR, 0)
    assert again == (f"Поручение #{world.ids['own']} уже отмечено выполненным: Иванов И.И., "
                     "13.08.2021 10:00.")
    assert len(_events(world, "own", EventKind.COMPLETED)) == 1


async def test_settings_change_channels_and_language(world):
    world.fake.say(OFFICER, "/settings")
    [shown] = await world.replies(OFFICER, 0)
    assert shown.startswith("Настройки уведомлений\nКаналы: почта и Telegram\nЯзык: Русский")
    message_id = world.fake.sent("sendMessage", OFFICER)[0].params
    world.fake.press(OFFICER, "chan:telegram")
    world.fake.press(OFFICER, "lang:en")
    await world.idle()
    edits = world.fake.sent("editMessageText", OFFICER)
    assert edits[-1].params["text"] == "Saved. Channels: Telegram. Language: English."
    with world.db.reading() as session:
        person = session.get(Person, world.ids["officer"])
        assert (person.channels, person.locale) == ("telegram", "en")
    world.fake.say(OFFICER, "/help")
    [help_en] = (await world.replies(OFFICER, 1))
    assert help_en.startswith("What the bot does")
    del message_id
