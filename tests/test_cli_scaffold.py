"""The CLI framework's own words (usage line, section titles, the help option, usage
errors) are Russian by default and English for locale "en" (tracker/cli/scaffold.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ENGLISH_SCAFFOLD = ("Usage:", "Options:", "Commands:", "Arguments:",
                    "Show this message and exit.", "[required]", "Missing argument",
                    "No such option", "Possible options", "Try '", "Invalid value",
                    "Did you mean", "No such command")


def _tracker(*args: str, locale: str | None = None) -> subprocess.CompletedProcess:
    """`tracker ARGS` in a fresh process (help texts are read when the CLI starts)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    if locale:
        env["TRACKER_LOCALE"] = locale
    script = Path(sys.executable).with_name("tracker")  # the console script of the venv
    return subprocess.run([str(script), *args], capture_output=True, text=True, env=env,
                          timeout=60)


def _english_in(text: str) -> list[str]:
    return [word for word in ENGLISH_SCAFFOLD if word in text]


def test_top_help_is_russian(cli):
    out = cli("--help").output
    assert out.startswith("Использование: tracker [OPTIONS] COMMAND [ARGS]...")
    assert "\nПараметры:\n" in out and "\nКоманды:\n" in out
    assert "-h, --help          Показать эту справку и выйти." in out
    assert _english_in(out) == [], out


def test_command_help_is_russian(cli):
    out = cli("tasks", "show", "--help").output
    assert out.startswith("Использование: tracker tasks show [OPTIONS] {ID}")
    assert "\nАргументы:\n" in out and "[обязательно]" in out
    listing = cli("tasks", "list", "--help").output
    assert listing.startswith("Использование: tracker tasks list")
    for text in (out, listing):
        assert _english_in(text) == [], text


@pytest.mark.parametrize(("args", "expected"), [
    (("tasks", "show"), "Ошибка: tracker tasks show: Не указан аргумент 'ID'. "
                        "(см. tracker tasks show --help)\n"),
    (("tasks", "list", "--bogus"), "Ошибка: tracker tasks list: Нет такого параметра: --bogus"),
    (("tasks", "lst"), "Ошибка: tracker tasks: Нет такой команды 'lst'. Возможно, имелось в "
                       "виду 'list'? (см. tracker tasks --help)\n"),
    (("tasks", "extend", "1", "--to", "2021-09-01"),
     "Ошибка: tracker tasks extend: Не указан параметр '--reason'."),
    (("tasks", "show", "abc"), "Ошибка: tracker tasks show: Недопустимое значение 'ID': "),
])
def test_usage_errors_are_russian(cli, args, expected):
    result = cli(*args)
    assert result.exit_code == 2
    assert result.output.startswith(expected), result.output
    assert _english_in(result.output) == [], result.output


def test_russian_in_a_fresh_process():
    helped = _tracker("tasks", "list", "--help")
    assert helped.returncode == 0 and helped.stdout.startswith("Использование: tracker tasks")
    assert "Показать эту справку и выйти." in helped.stdout
    wrong = _tracker("tasks", "list", "--bogus")
    assert wrong.returncode == 2
    assert "Нет такого параметра: --bogus" in wrong.stderr
    assert _english_in(helped.stdout + wrong.stderr) == []


def test_english_for_locale_en():
    top = _tracker("--help", locale="en").stdout
    assert top.startswith("Usage: tracker [OPTIONS] COMMAND [ARGS]...")
    assert "\nOptions:\n" in top and "\nCommands:\n" in top
    assert "-h, --help          Show this message and exit." in top
    show = _tracker("tasks", "show", "--help", locale="en").stdout
    assert "\nArguments:\n" in show and "[required]" in show
    missing = _tracker("tasks", "show", locale="en")
    assert missing.returncode == 2
    assert missing.stderr == ("Error: tracker tasks show: Missing argument 'ID'. "
                              "(see tracker tasks show --help)\n")
    bogus = _tracker("tasks", "list", "--bogus", locale="en").stderr
    assert bogus.startswith("Error: tracker tasks list: No such option: --bogus")
    typo = _tracker("tasks", "lst", locale="en").stderr
    assert "No such command 'lst'. Did you mean 'list'?" in typo
    assert "Использование" not in top + show and "Ошибка" not in missing.stderr + bogus
