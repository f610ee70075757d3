"""Russian screens carry no English words except names and commands: the CLI's tables and
records (tasks, people, reports, the import preview), every email and every Telegram text."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from notifications.content.render import render_email
from notifications.content.telegram_render import render_telegram
from notifications.message import MessageKind
from tests.russian_screens import english_words, visible_text
from tests.test_cli_screens import _world
from tests.test_email_render import KIND_CONTEXT, make_item, make_message

EXAMPLES = __import__("pathlib").Path(__import__("roadmaps").__file__).with_name("examples")


def test_the_checker_finds_english_and_lets_names_and_commands_through():
    assert english_words("overdue 1904 d, assigned via import") == [
        "overdue", "assigned", "via", "import"]
    assert english_words("Отметить: /done 42 или tracker tasks done 42 --comment, "
                         "a@b.ru, файл outbox/telegram.log, бот Telegram") == []


def _ru_messages():
    items = [make_item(42), make_item(43, due=date(2021, 8, 12), days_left=-5)]
    for kind in MessageKind:
        yield kind, make_message(kind, items if kind != MessageKind.TEST else [],
                                 context=KIND_CONTEXT.get(kind))


@pytest.mark.parametrize(("kind", "message"), list(_ru_messages()),
                         ids=[kind.value for kind, _ in _ru_messages()])
def test_emails_and_telegram_texts_are_russian(kind, message):
    email = render_email(message)
    for part in (email.subject, email.text, visible_text(email.html)):
        assert english_words(part) == [], (kind, part)
    telegram = render_telegram(message)
    for chunk in telegram.chunks:
        assert english_words(visible_text(chunk)) == [], (kind, chunk)


def test_cli_screens_are_russian(cli, db, tmp_path):
    _world(cli, db)
    screens = {
        "tasks list": cli("tasks", "list", "--as-of", "25.08.2021"),
        "tasks list overdue": cli("tasks", "list", "--status", "overdue"),
        "tasks show": cli("tasks", "show", "1", "--as-of", "25.08.2021"),
        "people list": cli("people", "list"),
        "report overdue": cli("report", "overdue", "--as-of", "25.08.2021"),
        "report discipline": cli("report", "discipline", "--by", "person"),
        "report by document": cli("report", "overdue", "--by", "document"),
    }
    shutil.copy(EXAMPLES / "working_group_protocol.txt", tmp_path / "protocol.txt")
    screens["import preview"] = cli("import", "protocol.txt", "--dry-run")
    for name, result in screens.items():
        assert result.exit_code == 0, (name, result.output)
        assert english_words(result.stdout) == [], (name, result.stdout)
