"""`tracker remind`, `tracker outbox list|retry`: exact output."""

from __future__ import annotations

import json
from datetime import date

from reminder_world import add_tasks, at, build_world
from sqlmodel import select

from tracker.core.enums import OutboxStatus
from tracker.core.models import OutboxMessage


def _setup(db):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20), date(2021, 8, 16)], created=at(2))
    return world


def test_dry_run_json_records_and_sends_nothing(cli, db, tmp_path):
    world = _setup(db)
    result = cli("remind", "--at", "2021-08-13 09:00", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [{
        "person": "Иванов Иван", "person_id": world.officer_id, "channel": "email",
        "kind": "reminder", "assignments": [2, 1],
        "subject": "Сроки: 2 поручения, ближайший 16.08.2021",
    }]
    with db.reading() as session:
        assert session.exec(select(OutboxMessage)).all() == []
    assert not (tmp_path / "outbox").exists()


def test_remind_sends_and_prints(cli, db, tmp_path):
    world = _setup(db)
    result = cli("remind", "--at", "2021-08-13 09:00")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "13.08.2021 09:00 (Europe/Moscow): запланировано уведомлений: 2, пропущено как "
        "устаревшие: 3; отправлено 1 сообщение",
        f"  [отправлено] эл. почта — Иванов Иван (человек {world.officer_id}): напоминание, "
        "поручения 2, 1: "
        "Сроки: 2 поручения, ближайший 16.08.2021",
    ]
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    again = cli("remind", "--at", "2021-08-13 09:00", "--json")
    assert json.loads(again.stdout) == []


def test_bad_time_is_one_line_and_exit_1(cli, db):
    result = cli("remind", "--at", "13 августа")
    assert result.exit_code == 1
    assert result.output == ("Ошибка: неверное значение --at '13 августа': ожидается "
                             "\"ГГГГ-ММ-ДД ЧЧ:ММ\" (местное время, Europe/Moscow)\n")


def test_outbox_list_and_retry(cli, db):
    world = _setup(db)
    cli("remind", "--at", "2021-08-13 09:00")
    with db.transaction() as session:
        message = session.exec(select(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.SENT)).one()
        message.status = OutboxStatus.FAILED
        message.last_error = "550 mailbox unavailable"
        session.add(message)
    result = cli("outbox", "list", "--status", "failed")
    assert result.exit_code == 0
    assert result.output == (
        f"{message.id:>6}  не доставлено эл. почта напоминание Иванов Иван (человек "
        f"{world.officer_id}),"
        " пунктов: 2, попыток: 1, 13.08.2021 09:00  ошибка: 550 mailbox unavailable\n")
    listed = json.loads(cli("outbox", "list", "--status", "failed", "--json").output)
    assert [row["id"] for row in listed] == [message.id]
    assert cli("outbox", "retry", str(message.id)).output == (
        f"Сообщение {message.id} будет отправлено снова при следующем проходе.\n")
    again = cli("outbox", "retry", str(message.id))
    assert again.exit_code == 1
    assert again.output == (
        f"Ошибка: исходящее сообщение {message.id} в состоянии «ожидает отправки», а не «не "
        "доставлено»: повторно отправляется только недоставленное сообщение\n")
    assert cli("outbox", "retry", "999").output == "Ошибка: исходящее сообщение 999 не найдено\n"
    assert cli("outbox", "list", "--status", "lost").output == (
        "Ошибка: неверное значение (статус) 'lost': допустимо одно из: pending (ожидает "
        "отправки), sending (отправляется), sent (отправлено), failed (не доставлено), "
        "skipped (пропущено), cancelled (отменено)\n")
