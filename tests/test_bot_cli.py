"""`tracker people invite` and `tracker bot`: exact output and exit codes."""

from __future__ import annotations

import json
import re

from fake_telegram import FakeBotAPI
from sqlmodel import select

from tracker.models import TelegramInvite
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
    assert re.fullmatch(r"Invite for Иванова М\.Н\., valid until \d\d\.\d\d\.\d{4} \d\d:\d\d:",
                        lines[0])
    code = lines[1].removeprefix("  code: ")
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", code)
    assert lines[2] == f"  link: https://t.me/rostov_edu_bot?start={code}"
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
    code = lines[1].removeprefix("  code: ")
    assert lines[2] == ("  (set telegram.bot_username or TRACKER_TELEGRAM__TOKEN for the link; "
                        f"meanwhile send the bot: /start {code})")


def test_invite_of_an_unknown_person_is_an_error(cli, db):
    result = cli("people", "invite", "Никто Н.Н.")
    assert (result.exit_code, result.output) == (1, "Error: person 'Никто Н.Н.' not found\n")
    with db.reading() as session:
        assert session.exec(select(TelegramInvite)).all() == []


def test_bot_needs_a_token(cli):
    result = cli("bot")
    assert (result.exit_code, result.output) == (
        1, "Error: Telegram is not configured: set TRACKER_TELEGRAM__TOKEN\n")


def test_a_token_in_the_config_file_is_refused(cli, config_path):
    config_path.write_text('[telegram]\ntoken = "123:abc"\n', encoding="utf-8")
    result = cli("bot")
    assert result.exit_code == 1
    assert result.output == (f"Error: {config_path}: telegram.token must not be in the file; "
                             "set TRACKER_TELEGRAM__TOKEN\n")


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
        f"Error: cannot start the bot at http://127.0.0.1:{port}/bot: NetworkError: ")
    assert result.output.count("\n") == 1 and "SECRET" not in result.output
