"""`tracker people invite` and `tracker bot`: exact output and exit codes."""

from __future__ import annotations

import json
import re

from fake_telegram import FakeBotAPI
from sqlmodel import select

from tracker.core.models import TelegramInvite
from tracker.services.invites import code_hash


def _person(cli) -> None:
    assert cli("org", "add", "Ростовская область", "--kind", "region").exit_code == 0
    result = cli("people", "add", "Иванова М.Н.", "--org", "Ростовская область")
    assert result.exit_code == 0, result.output


def test_invite_prints_a_one_time_code_and_the_deep_link(cli, config_path, db):
    config_path.write_text('[telegram]\nbot_username = "rostov_edu_bot"\ninvite_ttl_days = 3\n',
                           encoding="utf-8")
    _person(cli)
    result = cli("people", "invite", "иванова м.н.")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.fullmatch(r"Приглашение для Иванова М\.Н\., действует до "
                        r"\d\d\.\d\d\.\d{4} \d\d:\d\d:",
                        lines[0])
    code = lines[1].removeprefix("  код: ")
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", code)
    assert lines[2] == f"  ссылка: https://t.me/rostov_edu_bot?start={code}"
    with db.reading() as session:
        [invite] = session.exec(select(TelegramInvite)).all()
    assert invite.code_hash == code_hash(code) and code not in invite.code_hash
    assert (invite.expires_at - invite.created_at).days == 3
    second = json.loads(cli("people", "invite", "Иванова М.Н.", "--json").output)
    assert second["code"] != code and second["link"].endswith(second["code"])


def test_invite_asks_the_bot_api_for_the_username_when_a_token_is_set(cli, config_path,
                                                                       monkeypatch):
    with FakeBotAPI() as fake:
        config_path.write_text(f'[telegram]\napi_url = "{fake.api_url}"\n', encoding="utf-8")
        monkeypatch.setenv("TRACKER_TELEGRAM__TOKEN", fake.token)
        _person(cli)
        data = json.loads(cli("people", "invite", "Иванова М.Н.", "--json").output)
    assert data["link"] == f"https://t.me/roadmap_test_bot?start={data['code']}"


def test_invite_without_a_bot_says_how_to_use_the_code(cli):
    _person(cli)
    lines = cli("people", "invite", "Иванова М.Н.").output.splitlines()
    code = lines[1].removeprefix("  код: ")
    assert lines[2] == ("  (для ссылки задайте telegram.bot_username или "
                        f"TRACKER_TELEGRAM__TOKEN; а пока отправьте боту: /start {code})")


def test_invite_of_an_unknown_person_is_an_error(cli, db):
    result = cli("people", "invite", "Никто Н.Н.")
    assert (result.exit_code, result.output) == (1, "Ошибка: человек 'Никто Н.Н.' не найден\n")
    with db.reading() as session:
        assert session.exec(select(TelegramInvite)).all() == []


def test_bot_needs_a_token(cli):
    result = cli("bot")
    assert (result.exit_code, result.output) == (
        1, "Ошибка: Telegram не настроен: задайте TRACKER_TELEGRAM__TOKEN\n")


def test_a_token_in_the_config_file_is_refused(cli, config_path):
    config_path.write_text('[telegram]\ntoken = "123:abc"\n', encoding="utf-8")
    result = cli("bot")
    assert result.exit_code == 1
    assert result.output == (f"Ошибка: {config_path}: telegram.token нельзя хранить в файле; "
                             "задайте TRACKER_TELEGRAM__TOKEN\n")


def test_bot_with_telegram_unreachable_is_one_error_line(cli, config_path, monkeypatch):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config_path.write_text(f'[telegram]\napi_url = "http://127.0.0.1:{port}/bot"\n',
                           encoding="utf-8")
    monkeypatch.setenv("TRACKER_TELEGRAM__TOKEN", "123456:SECRET-token")
    result = cli("bot")
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Ошибка: не удалось запустить бота на http://127.0.0.1:{port}/bot: сервер не отвечает "
        "(«")
    assert result.output.count("\n") == 1 and "SECRET" not in result.output


def _request(db, ids, key: str, new_due) -> int:
    from bot_world import NOW

    from tracker.core.models import Person
    from tracker.services.extensions import request_extension

    with db.transaction() as session:
        officer = session.get(Person, ids["officer"])
        return request_extension(session=session, assignment_id=ids[key], actor=officer,
                                 new_due=new_due, reason="Школы на ремонте", today=NOW.date(),
                                 now=NOW).id


def test_extension_requests_are_listed_and_decided_at_the_command_line(cli, db):
    from datetime import date

    from bot_world import build_directory

    from tracker.core.models import Assignment, OutboxMessage

    ids = build_directory(db)
    first = _request(db, ids, "own", date(2021, 9, 3))
    second = _request(db, ids, "late_azov", date(2021, 9, 10))
    listed = json.loads(cli("extensions", "list", "--json").output)
    assert [(r["id"], r["assignment_id"], r["requested_by"], r["new_due"], r["status"])
            for r in listed] == [
        (second, ids["late_azov"], "Иванов И.И.", "2021-09-10", "pending"),
        (first, ids["own"], "Иванов И.И.", "2021-09-03", "pending")]
    approved = cli("extensions", "approve", str(first))
    assert (approved.exit_code, approved.output) == (
        0, f"Запрос на перенос срока {first} согласован: поручение {ids['own']}, новый срок "
           "03.09.2021\n")
    rejected = cli("extensions", "reject", str(second))
    assert rejected.output == (f"Запрос на перенос срока {second} отклонён: срок поручения "
                               f"{ids['late_azov']} не изменён\n")
    again = cli("extensions", "reject", str(first))
    assert (again.exit_code, again.output) == (
        1, f"Ошибка: запрос на перенос срока {first} уже одобрен\n")
    unknown = cli("extensions", "approve", "999")
    assert (unknown.exit_code, unknown.output) == (
        1, "Ошибка: запрос на перенос срока 999 не найден\n")
    assert cli("extensions", "list").output == "Запросов на перенос срока нет (ожидает решения)\n"
    with db.reading() as session:
        assert session.get(Assignment, ids["own"]).due_date == date(2021, 9, 3)
        assert session.get(Assignment, ids["late_azov"]).due_date == date(2021, 8, 10)
        told = session.scalars(select(OutboxMessage.payload).where(
            OutboxMessage.person_id == ids["officer"])).all()
    assert sorted(json.loads(p)["status"] for p in told) == [
        "approved", "approved", "rejected", "rejected"]  # by email and Telegram each
