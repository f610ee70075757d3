"""Russian screens carry no English words except names and commands: the CLI's tables and
records (tasks, people, reports, the import preview), every email and every Telegram text."""

from __future__ import annotations

import re
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


def _commands():
    """Every command of the CLI as its argument list: `[]`, `["tasks"]`, `["tasks", "add"]`."""
    import typer

    from tracker.cli.main import app

    def walk(command, path):
        yield path
        if hasattr(command, "list_commands"):  # the top level loads each module on request
            ctx = command.make_context("tracker", ["--help"], resilient_parsing=True)
            for name in sorted(command.list_commands(ctx)):
                yield from walk(command.get_command(ctx, name), [*path, name])

    return list(walk(typer.main.get_command(app), []))


# What a help screen may show in Latin letters besides names and commands: metavars,
# command and argument names, file suffixes, examples, values to type. The framework's own
# words (the usage line, section titles, the help option, "[обязательно]") are Russian
# (tracker/cli/scaffold.py) and are checked like ours.
_SCAFFOLD = (
    re.compile(r"^Использование: .*$", re.M),  # the usage line: the command and metavars
    re.compile(r"\b[A-Z][A-Z_.]+\b"),  # metavars: TEXT, FILE..., ID
    re.compile(r"^  [a-z][\w-]*(?:\.\.\.)?(?=\s{2,}|\s*<|$)", re.M),  # commands, arguments
    re.compile(r"(?<![\w.])\.[a-z]{2,4}\b"),  # a file suffix: .docx
    re.compile(r"Пример: .*$", re.M),  # an example is a command line
    re.compile(r"\b[a-z_]+(?:\[?,[a-z_]+\]?)+"),  # a CSV header: name,kind[,parent]
    re.compile(r"<[^>]+>|\[по\s+умолчанию:\s+[^\]]*\]"),  # metavars, a default value
    re.compile(r"\b[a-z_]+(?=\s+\([а-яё])"),  # a value to type, glossed in Russian
    re.compile(r"\bCtrl-[A-Z]\b"),  # the name of a key
    re.compile(r"\[[a-z_]+\]\s+[a-z_]+"),  # a setting: [web] port
)
# Commands left out of the check: none (every command's words come from the catalogue).
_APPS_COMMANDS: set[str] = set()


def _help_words(text: str) -> list[str]:
    for pattern in _SCAFFOLD:
        text = pattern.sub(" ", text)
    return english_words(text)


def test_cli_help_screens_are_russian(cli):
    checked = 0
    for path in _commands():
        if path and path[0] in _APPS_COMMANDS or not path:
            continue
        result = cli(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        assert _help_words(result.output) == [], (path, result.output)
        checked += 1
    assert checked >= 40  # every command and subcommand, the top level aside


def test_cli_confirmations_and_directory_screens_are_russian(cli, db, tmp_path):
    from tests.conftest import MUNICIPALITIES_CSV

    screens = {
        "org import": cli("org", "import", str(MUNICIPALITIES_CSV), "--parent",
                          "Ростовская область"),
        "org import again": cli("org", "import", str(MUNICIPALITIES_CSV), "--parent",
                                "Ростовская область"),
        "org add": cli("org", "add", "МБОУ СОШ № 1", "--kind", "school", "--parent",
                       "Город Азов"),
        "people add": cli("people", "add", "Иванова М.Н.", "--org", "Город Азов", "--email",
                          "ivanova@example.ru", "--role", "coordinator"),
        "tasks add": cli("tasks", "add", "Провести совещание", "--due", "15.09.2021", "--org",
                         "Город Азов"),
        "tasks extend": cli("tasks", "extend", "1", "--to", "30.09.2021", "--reason",
                            "Письмо № 15"),
        "tasks done": cli("tasks", "done", "1", "--comment", "Проведено"),
        "tasks reopen": cli("tasks", "reopen", "1"),
        "tasks cancel": cli("tasks", "cancel", "1"),
        "people invite": cli("people", "invite", "Иванова М.Н."),
        "extensions list": cli("extensions", "list"),
        "extensions list all": cli("extensions", "list", "--status", "all"),
    }
    screens["org list"] = cli("org", "list")
    (tmp_path / "excerpt.txt").write_text(  # no document date, an item without a deadline
        "РЕШИЛИ:\n1. Провести семинар до 5 сентября.\n2. Подготовить доклад.\n",
        encoding="utf-8")
    screens["import preview with warnings"] = cli("import", "excerpt.txt", "--dry-run")
    for name, result in screens.items():
        assert result.exit_code == 0, (name, result.output)
        # the invite's code is random letters; an environment variable is a name
        shown = re.sub(r"(код: |/start )\S+|\b[A-Z][A-Z_]{2,}\b", " ", result.stdout)
        assert english_words(shown) == [], (name, result.stdout)
    preview = screens["import preview with warnings"].stdout
    assert "дата документа не найдена" in preview and "срок не найден" in preview
