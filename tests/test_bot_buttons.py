"""The bot's buttons over HTTP: completing with and without a comment, evidence, comments,
extensions approved and rejected, permission refusals and forged callbacks."""

from __future__ import annotations

import json
from datetime import date

import pytest
from bot_world import COORDINATOR, LEAD, OFFICER, OUTSIDER, STRANGER_OFFICER
from sqlmodel import select
from test_bot import _assignment, _events

from tracker.core.enums import AssignmentStatus, EventKind, ExtensionStatus, Via
from tracker.core.models import Evidence, ExtensionRequest, OutboxItem, OutboxMessage

pytestmark = pytest.mark.asyncio

REMINDER = "<b>Срок через 7 дней</b>\nПровести совещание"


def _press(w, chat: int, data: str, *, user: int | None = None) -> int:
    """Press a button on a bot message (a reminder); returns the message id."""
    message_id = 5000 + len(w.fake.calls)
    w.fake.press(chat, data, message_id=message_id, user_id=user, text="Провести совещание")
    return message_id


def _answers(w) -> list[dict]:
    return [c.params for c in w.fake.sent("answerCallbackQuery")]


async def test_done_button_asks_for_a_comment_then_completes_and_edits_the_message(world):
    aid = world.ids["own"]
    message_id = _press(world, OFFICER, f"done:{aid}")
    [prompt] = await world.replies(OFFICER, 0)
    assert prompt.startswith(f"Отмечаем исполнение поручения #{aid}.")
    keyboard = world.fake.sent("sendMessage", OFFICER)[0].params["reply_markup"]
    assert [b["text"] for b in keyboard["inline_keyboard"][0]] == ["Без комментария", "Отмена"]
    world.fake.say(OFFICER, "Совещание проведено 12.08")
    replies = await world.replies(OFFICER, 1)
    assert replies == [f"✅ Поручение #{aid} отмечено выполненным."]
    a = _assignment(world, "own")
    assert (a.status, a.completed_via, a.completion_comment) == (
        AssignmentStatus.DONE, Via.BOT, "Совещание проведено 12.08")
    edit = world.fake.sent("editMessageText", OFFICER)[-1].params
    assert edit["message_id"] == message_id
    assert edit["text"] == "Провести совещание\n\n✅ Выполнено — Иванов И.И., 13.08.2021 10:00"
    assert "reply_markup" not in edit  # the item's buttons are gone
    assert len(_answers(world)) == 1  # every press is answered


async def test_done_button_without_a_comment(world):
    aid = world.ids["own"]
    _press(world, OFFICER, f"done:{aid}")
    await world.replies(OFFICER, 0)
    _press(world, OFFICER, f"skip:{aid}")
    replies = await world.replies(OFFICER, 1)
    assert replies == [f"✅ Поручение #{aid} отмечено выполненным."]
    a = _assignment(world, "own")
    assert (a.status, a.completion_comment) == (AssignmentStatus.DONE, None)


async def test_pressing_done_after_someone_else_completed_is_harmless(world):
    aid = world.ids["late_azov"]
    world.fake.say(COORDINATOR, f"/done {aid}")
    await world.idle()
    _press(world, OFFICER, f"done:{aid}")
    await world.idle()
    answer = _answers(world)[-1]
    assert answer["text"] == (f"Поручение #{aid} уже отмечено выполненным: Петрова А.А., "
                              "13.08.2021 10:00.")
    assert answer["show_alert"] is True
    assert world.fake.sent("sendMessage", OFFICER) == []  # no prompt for a comment
    assert len(_events(world, "late_azov", EventKind.COMPLETED)) == 1


async def test_a_report_file_sent_while_completing_is_kept_as_evidence(world):
    aid = world.ids["own"]
    _press(world, OFFICER, f"done:{aid}")
    await world.replies(OFFICER, 0)
    file_id = world.fake.send_file(OFFICER, file_name="протокол.pdf", caption="Протокол")
    replies = await world.replies(OFFICER, 1)
    assert replies == [f"✅ Поручение #{aid} отмечено выполненным.",
                       f"📎 Файл «протокол.pdf» сохранён как подтверждение по поручению #{aid}."]
    with world.db.reading() as session:
        [evidence] = session.exec(select(Evidence)).all()
        assert (evidence.assignment_id, evidence.file_id, evidence.file_name,
                evidence.person_id) == (aid, file_id, "протокол.pdf", world.ids["officer"])
    assert _assignment(world, "own").completion_comment == "Протокол"


async def test_a_photo_sent_in_reply_after_completion_is_evidence_too(world):
    aid = world.ids["own"]
    world.fake.say(OFFICER, f"/done {aid}")
    await world.idle()
    confirmation = world.fake.sent("sendMessage", OFFICER)[0]
    del confirmation
    world.fake.send_file(OFFICER, photo=True)
    replies = await world.replies(OFFICER, 1)
    assert replies == [f"📎 Файл «photo.jpg» сохранён как подтверждение по поручению #{aid}."]
    assert len(_events(world, "own", EventKind.EVIDENCE)) == 1


async def test_a_file_in_reply_to_a_reminder_is_evidence_for_its_assignment(world):
    aid = world.ids["late_azov"]
    markup = {"inline_keyboard": [[{"text": "✅ Выполнено", "callback_data": f"done:{aid}"},
                                   {"text": "💬 Комментарий", "callback_data": f"note:{aid}"}]]}
    world.fake.send_file(COORDINATOR, file_name="справка.docx", reply_to=4321,
                         reply_markup=markup)
    assert await world.replies(COORDINATOR, 0) == [
        f"📎 Файл «справка.docx» сохранён как подтверждение по поручению #{aid}."]
    with world.db.reading() as session:
        [evidence] = session.exec(select(Evidence)).all()
    assert (evidence.assignment_id, evidence.person_id) == (aid, world.ids["coordinator"])
    # Someone without rights over it gets a refusal, and nothing is stored.
    world.fake.send_file(STRANGER_OFFICER, reply_to=4321, reply_markup=markup)
    assert await world.replies(STRANGER_OFFICER, 0) == [f"Недостаточно прав для поручения #{aid}."]
    with world.db.reading() as session:
        assert len(session.exec(select(Evidence)).all()) == 1


async def test_a_file_out_of_the_blue_says_how_to_attach_it(world):
    world.fake.send_file(OFFICER)
    assert await world.replies(OFFICER, 0) == [
        "Чтобы приложить файл, нажмите «Выполнено» под поручением и пришлите файл в ответ."]


async def test_comment_button_records_a_comment_and_leaves_the_assignment_open(world):
    aid = world.ids["own"]
    _press(world, OFFICER, f"note:{aid}")
    await world.replies(OFFICER, 0)
    world.fake.say(OFFICER, "Ждём данные от школ")
    assert await world.replies(OFFICER, 1) == [f"💬 Комментарий к поручению #{aid} сохранён."]
    [event] = _events(world, "own", EventKind.COMMENTED)
    assert json.loads(event.details)["comment"] == "Ждём данные от школ"
    assert _assignment(world, "own").status == AssignmentStatus.OPEN


async def test_cancel_forgets_what_the_bot_waited_for(world):
    aid = world.ids["own"]
    _press(world, OFFICER, f"done:{aid}")
    await world.replies(OFFICER, 0)
    _press(world, OFFICER, f"cancel:{aid}")
    await world.idle()
    world.fake.say(OFFICER, "просто текст")
    assert await world.replies(OFFICER, 1) == ["Не понял сообщение. Список команд — /help."]
    assert _assignment(world, "own").status == AssignmentStatus.OPEN


async def _ask_extension(world, chat: int, aid: int, new_date: str, reason: str) -> list[str]:
    _press(world, chat, f"move:{aid}")
    await world.replies(chat, 0)
    world.fake.say(chat, new_date)
    await world.idle()
    world.fake.say(chat, reason)
    return await world.replies(chat, 0)


async def test_extension_request_goes_to_the_coordinator_and_approval_moves_the_date(world):
    aid = world.ids["own"]
    replies = await _ask_extension(world, OFFICER, aid, "завтра", "")
    assert replies[1] == "Не понял дату «завтра». Напишите её как 30.09.2021."
    world.fake.say(OFFICER, "03.09.2021")
    await world.idle()
    world.fake.say(OFFICER, "Школы на каникулах")
    replies = await world.replies(OFFICER, 0)
    assert replies[-2] == "Укажите обоснование переноса срока на 03.09.2021."
    assert replies[-1] == (f"📅 Запрос на перенос срока поручения #{aid} на 03.09.2021 "
                           "отправлен на согласование: Петрова А.А..")
    assert world.kicks == 1  # the delivery loop was asked to send the notice now
    with world.db.reading() as session:
        request = session.exec(select(ExtensionRequest)).one()
        assert (request.status, request.new_due_date, request.reason) == (
            ExtensionStatus.PENDING, date(2021, 9, 3), "Школы на каникулах")
        notices = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "extension")
                               ).all()
        # Петрова gets it by email and Telegram; each carries the assignment as its item.
        assert sorted((m.person_id, m.channel) for m in notices) == [
            (world.ids["coordinator"], "email"), (world.ids["coordinator"], "telegram")]
        assert json.loads(notices[0].payload)["request_id"] == request.id
        assert session.exec(select(OutboxItem.assignment_id).where(
            OutboxItem.message_id == notices[0].id)).all() == [aid]
    _press(world, COORDINATOR, f"extok:{request.id}")
    await world.idle()
    edit = world.fake.sent("editMessageText", COORDINATOR)[-1].params
    assert edit["text"].endswith("✅ Перенос срока согласован: Петрова А.А., 13.08.2021 10:00. "
                                 "Новый срок: 03.09.2021.")
    a = _assignment(world, "own")
    assert (a.due_date, a.original_due_date, a.extensions) == (
        date(2021, 9, 3), date(2021, 8, 20), 1)
    assert a.next_check_at is not None  # the planner looks at it afresh
    with world.db.reading() as session:
        told = session.exec(select(OutboxMessage).where(
            OutboxMessage.person_id == world.ids["officer"],
            OutboxMessage.kind == "extension")).all()
        assert {json.loads(m.payload)["status"] for m in told} == {"approved"}
    # A second press, by anyone, is answered and changes nothing.
    _press(world, COORDINATOR, f"extno:{request.id}")
    await world.idle()
    assert _answers(world)[-1]["text"] == "Запрос уже рассмотрен (согласован)."
    assert _assignment(world, "own").due_date == date(2021, 9, 3)


async def test_extension_rejected_keeps_the_date_and_tells_the_requester(world):
    aid = world.ids["own"]
    await _ask_extension(world, OFFICER, aid, "03.09.2021", "Нет данных")
    with world.db.reading() as session:
        request = session.exec(select(ExtensionRequest)).one()
    _press(world, COORDINATOR, f"extno:{request.id}")
    await world.idle()
    edit = world.fake.sent("editMessageText", COORDINATOR)[-1].params
    assert edit["text"].endswith("❌ Перенос срока отклонён: Петрова А.А., 13.08.2021 10:00.")
    a = _assignment(world, "own")
    assert (a.due_date, a.extensions) == (date(2021, 8, 20), 0)
    assert len(_events(world, "own", EventKind.EXTENSION_REJECTED)) == 1
    with world.db.reading() as session:
        told = session.exec(select(OutboxMessage).where(
            OutboxMessage.person_id == world.ids["officer"])).all()
        assert {json.loads(m.payload)["status"] for m in told} == {"rejected"}


async def test_an_officer_cannot_decide_and_the_requester_cannot_approve_themselves(world):
    aid = world.ids["late_azov"]
    replies = await _ask_extension(world, COORDINATOR, aid, "01.09.2021", "Ремонт")
    assert replies[-1].endswith("отправлен на согласование: Сидоров П.П..")  # the lead decides
    with world.db.reading() as session:
        request = session.exec(select(ExtensionRequest)).one()
    for chat in (OFFICER, COORDINATOR):
        _press(world, chat, f"extok:{request.id}")
    await world.idle()
    assert [a["text"] for a in _answers(world)[-2:]] == [
        "Недостаточно прав для решения по этому запросу."] * 2
    _press(world, LEAD, f"extok:{request.id}")
    await world.idle()
    assert _assignment(world, "late_azov").due_date == date(2021, 9, 1)


async def test_the_lead_extends_at_once(world):
    aid = world.ids["late_bataysk"]
    replies = await _ask_extension(world, LEAD, aid, "15.09.2021", "Решение коллегии")
    assert replies[-1] == f"📅 Срок поручения #{aid} перенесён на 15.09.2021."
    assert _assignment(world, "late_bataysk").due_date == date(2021, 9, 15)


async def test_an_officer_may_not_act_on_another_municipalitys_assignment(world):
    aid = world.ids["late_azov"]
    for data in (f"done:{aid}", f"note:{aid}", f"move:{aid}"):
        _press(world, STRANGER_OFFICER, data)
    world.fake.say(STRANGER_OFFICER, f"/done {aid}")
    await world.idle()
    assert [a["text"] for a in _answers(world)] == [f"Недостаточно прав для поручения #{aid}."] * 3
    assert await world.replies(STRANGER_OFFICER, 0) == [
        f"Недостаточно прав для поручения #{aid}."]
    assert _assignment(world, "late_azov").status == AssignmentStatus.OPEN


async def test_forged_and_stale_callbacks_are_refused_with_a_reply(world):
    for data in ("done:999999", "rm -rf:1", "done:1;drop", "", "extok:424242", "chan:pigeon"):
        _press(world, OFFICER, data)
    _press(world, OUTSIDER, f"done:{world.ids['own']}")
    await world.idle()
    answers = [a.get("text") for a in _answers(world)]
    assert answers == ["Поручение #999999 не найдено.", "Кнопка устарела или недействительна.",
                       "Кнопка устарела или недействительна.",
                       "Кнопка устарела или недействительна.",
                       "Запрос на перенос срока не найден.",
                       "Кнопка устарела или недействительна.",
                       "Ваш Telegram не привязан к справочнику. Отправьте /start."]
    assert _assignment(world, "own").status == AssignmentStatus.OPEN
