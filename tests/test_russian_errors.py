"""Russian error lines carry no English words but names, commands, options, paths, values
to type and what the user typed: the CLI driven through a table of mistakes (an unknown
id, a bad option value, a missing argument, a bad setting, a missing file, a database
that is not one, an outbox retry of a message that did not fail, ...) on real SQLite
files; and the same lines in English with `locale = "en"`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.russian_screens import english_words
from tests.test_cli_screens import _world

# What an error line may show in Latin letters besides names and commands (those the
# checker of tests/russian_screens.py lets through already).
_ALLOWED = (
    re.compile(r"\b[a-z][a-z0-9+]*://\S+"),  # a database URL: sqlite:///tracker.db
    re.compile(r"\b[A-Z][A-Z0-9_]{2,}\b"),  # an environment variable, UTC
    # values to type, after "expected": "ожидается organisation, document или level",
    # "допустимо одно из: officer (исполнитель), lead (руководитель)"
    re.compile(r"(?:ожидается|допустимо одно из:)\s+(?:[a-z_]+(?:\s+\([^)]*\))?"
               r"(?:,\s*|\s+или\s+)?)+"),
    re.compile(r"'[^']*'"),  # a value as typed, quoted by repr: 'boss', '--limit'
    re.compile(r"настройк\w* [a-z_][\w.]*"),  # a setting's name: настройка locale
    re.compile(r"\[[a-z_.]+\]"),  # a section of config.toml: [smtp]
    re.compile(r"(?<![\w.])\.[a-z]{2,4}\b"),  # a file suffix: .docx
)


def _english(line: str, typed: tuple[str, ...] = ()) -> list[str]:
    for pattern in _ALLOWED:
        line = pattern.sub(" ", line)
    return english_words(line, allowed=frozenset(typed))


def test_the_error_checker_lets_values_to_type_through_and_finds_english():
    assert _english("Ошибка: неверное значение (роль) 'boss': допустимо одно из: officer "
                    "(исполнитель), lead (руководитель)") == []
    assert _english("Ошибка: outbox message 5 not found") == ["outbox", "message", "not",
                                                               "found"]
    assert _english("Ошибка: база данных sqlite:///x/t.db: файл повреждён") == []
    assert _english("Ошибка: неверная настройка smtp.tls: Input should be 'a' or 'b'") == [
        "Input", "should", "be", "or"]


def _config(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def world(cli, db, tmp_path):
    """The CLI screens' world (55 municipalities, a person, two tasks), one sent email
    (the file channel: no SMTP host), assignment 1 done, assignment 2 cancelled."""
    _world(cli, db)
    cli("people", "add", "Иванова М.Н.", "--org", "Город Азов", "--email",
        "ivanova@example.ru")
    assert cli("remind", "--at", "2999-01-01 09:00").exit_code == 0
    assert cli("tasks", "done", "1").exit_code == 0
    assert cli("tasks", "cancel", "2").exit_code == 0
    from sqlmodel import select

    from tracker.core.models import OutboxMessage

    with db.reading() as session:
        sent = session.exec(select(OutboxMessage)).first()
    (tmp_path / "not-a-db.db").write_bytes(b"this is not SQLite\n" * 10)
    (tmp_path / "a-folder.docx").mkdir()
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04 not a zip archive")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-1.7\n...")
    return {"sent": sent.id, "tmp": tmp_path}


def _cases(tmp: Path, sent: int):
    """(name, arguments, config text or None, exit code, a piece of the Russian line,
    the words the user typed)."""
    missing = tmp / "nowhere" / "missing.docx"
    return [
        ("unknown id", ["tasks", "show", "99"], None, 1, "поручение 99 не найдено", ()),
        ("not an id", ["tasks", "show", "abc"], None, 2, "не является номером", ("abc",)),
        ("unknown option", ["tasks", "list", "--bogus"], None, 2, "Нет такого параметра", ()),
        ("missing argument", ["tasks", "add"], None, 2, "Не указан аргумент", ("text",)),
        ("missing option", ["tasks", "extend", "1", "--to", "30.09.2021"], None, 2,
         "Не указан параметр", ()),
        ("extra argument", ["tasks", "show", "1", "extra"], None, 2, "лишние аргументы: extra",
         ("extra",)),
        ("option without its value", ["tasks", "list", "--status"], None, 2,
         "нужно значение", ()),
        ("a flag given a value", ["tasks", "list", "--json=yes"], None, 2,
         "не принимает значения", ()),
        ("not a whole number", ["report", "overdue", "--depth", "x"], None, 2,
         "ожидается целое число", ()),
        ("out of range", ["web", "--port", "99999"], None, 2, "не больше 65535", ()),
        ("not a number", ["run", "--tick-seconds", "x"], None, 2, "ожидается число", ()),
        ("not a count", ["tasks", "list", "--limit", "0"], None, 2, "не является количеством",
         ()),
        ("unknown command", ["tasks", "lis"], None, 2, "Нет такой команды", ("lis", "list")),
        ("bad status filter", ["tasks", "list", "--status", "late"], None, 1,
         "неверное состояние", ("late",)),
        ("bad outbox status", ["outbox", "list", "--status", "lost"], None, 1,
         "ожидает отправки", ("lost",)),
        ("bad extension status", ["extensions", "list", "--status", "x"], None, 1,
         "ожидает решения", ()),
        ("bad role", ["people", "list", "--role", "boss"], None, 1, "руководитель", ("boss",)),
        ("bad level", ["tasks", "add", "Т", "--due", "01.10.2021", "--org", "Город Азов",
                       "--level", "federal"], None, 1, "муниципальный", ("federal",)),
        ("impossible date", ["tasks", "add", "Т", "--due", "31.02.2021", "--org",
                             "Город Азов"], None, 1, "нет дня 31", ()),
        ("done twice", ["tasks", "done", "1"], None, 1, "уже исполнено", ()),
        ("done when cancelled", ["tasks", "done", "2"], None, 1,
         "в состоянии «отменено», а не «в работе»", ()),
        ("retry of an unknown message", ["outbox", "retry", "999"], None, 1,
         "исходящее сообщение 999 не найдено", ()),
        ("retry of a sent message", ["outbox", "retry", str(sent)], None, 1,
         "в состоянии «отправлено», а не «не доставлено»", ()),
        ("missing document", ["import", str(missing)], None, 1, "нет такого файла или папки",
         ()),
        ("a folder as a document", ["import", str(tmp / "a-folder.docx")], None, 1,
         "это папка, а не файл", ()),
        ("a damaged .docx", ["import", str(tmp / "bad.docx"), "--dry-run"], None, 1,
         "файл повреждён или это не архив ZIP", ()),
        ("a damaged PDF", ["import", str(tmp / "bad.pdf"), "--dry-run"], None, 1,
         "файл обрезан или повреждён", ()),
        ("missing CSV", ["people", "import", str(tmp / "missing.csv")], None, 1,
         "файл не найден", ()),
        ("report into a missing folder", ["report", "overdue", "--format", "csv", "--out",
                                          str(tmp / "nowhere" / "r.csv")], None, 1,
         "не существует", ()),
        ("email test without a server", ["email", "test", "a@example.ru"], None, 1,
         "сервер SMTP не настроен", ()),
        ("bad locale", ["tasks", "list"], 'locale = "de"\n', 1, "допустимо одно из: ru, en",
         ()),
        ("bad fixed choice", ["tasks", "list"], '[smtp]\ntls = "maybe"\n', 1,
         "значение 'maybe' не подходит", ()),
        ("bad enum setting", ["tasks", "list"], '[import]\ndefault_level = "federal"\n', 1,
         "regional (региональный)", ()),
        ("missing setting", ["tasks", "list"], '[[reminders.escalation]]\nafter = "3d"\n', 1,
         "не задана обязательная настройка reminders.escalation.0.notify", ()),
        ("empty setting", ["tasks", "list"], '[outbox]\ndirectory = ""\n', 1,
         "ожидается непустой текст", ()),
        ("a value for a section", ["tasks", "list"], "smtp = 5\n", 1, "ожидается раздел", ()),
        ("broken TOML", ["tasks", "list"], "[smtp\n", 1, "неверный TOML: строка 1, столбец 6",
         ()),
        ("a cron that is not one", ["tasks", "list"], '[digests]\nlead_cron = "monday"\n', 1,
         "ожидается выражение cron", ("cron", "mon")),
        ("not a database", ["tasks", "list"], f'database_url = "sqlite:///{tmp}/not-a-db.db"\n',
         1, "файл не является базой данных SQLite", ()),
        ("a folder as the database", ["tasks", "list"],
         f'database_url = "sqlite:///{tmp}/a-folder.docx"\n', 1,
         "файл базы данных не открывается", ()),
    ]


def test_russian_error_lines_have_no_english_words(cli, world):
    from typer.testing import CliRunner

    from tracker.cli.main import app

    tmp, checked = world["tmp"], 0
    for name, args, config, code, piece, typed in _cases(tmp, world["sent"]):
        if config is None:
            result = cli(*args)
        else:
            path = _config(tmp, "case.toml", config)
            result = CliRunner().invoke(app, ["--config", str(path), *args],
                                        prog_name="tracker")
        assert result.exit_code == code, (name, result.output)
        lines = result.output.splitlines()
        assert len(lines) == 1 and lines[0].startswith("Ошибка: "), (name, result.output)
        assert piece in lines[0], (name, lines[0])
        assert "Traceback" not in result.output and "Errno" not in result.output, name
        assert _english(lines[0], typed) == [], (name, lines[0])
        checked += 1
    assert checked >= 39


# The same mistakes with `locale = "en"`: English lines (and no Russian word but names).
_ENGLISH = [
    (["tasks", "show", "99"], "Error: assignment 99 not found"),
    (["tasks", "done", "1"], "Error: assignment 1 is already done ("),
    (["tasks", "done", "2"], "Error: assignment 2 is cancelled, not open"),
    (["outbox", "retry", "999"], "Error: outbox message 999 not found"),
    (["outbox", "list", "--status", "lost"],
     "Error: invalid status 'lost': expected one of pending, sending, sent, failed, skipped, "
     "cancelled"),
    (["tasks", "show", "1", "extra"], "unexpected extra arguments: extra"),
    (["report", "overdue", "--depth", "x"], "'x': expected a whole number"),
    (["web", "--port", "99999"], "'99999': expected a number at most 65535"),
    (["tasks", "list", "--status"], "option '--status' needs a value"),
    (["tasks", "add", "T", "--due", "31.02.2021", "--org", "2"], "month 2 of 2021 has no day 31"),
]


def test_english_locale_gives_the_same_lines_in_english(world):
    from typer.testing import CliRunner

    from tracker.cli.main import app

    tmp = world["tmp"]
    path = _config(tmp, "en.toml", 'locale = "en"\n')
    runner = CliRunner()
    for args, piece in _ENGLISH:
        result = runner.invoke(app, ["--config", str(path), *args], prog_name="tracker")
        assert result.exit_code in (1, 2), (args, result.output)
        assert piece in result.output, (args, result.output)
        assert not re.search(r"[а-яё]", result.output, re.I), (args, result.output)
    for text, piece in [('locale = "en"\n[smtp]\ntls = "maybe"\n',
                         "invalid setting smtp.tls: 'maybe' is not allowed; expected one of "
                         "starttls, tls, none"),
                        (f'locale = "en"\ndatabase_url = "sqlite:///{tmp}/not-a-db.db"\n',
                         "the file is not an SQLite database"),
                        ('locale = "en"\n[[reminders.escalation]]\nafter = "3d"\n',
                         "reminders.escalation.0.notify is required here")]:
        config = _config(tmp, "en-case.toml", text)
        result = runner.invoke(app, ["--config", str(config), "tasks", "list"],
                               prog_name="tracker")
        assert result.exit_code == 1 and piece in result.output, result.output
        assert not re.search(r"[а-яё]", result.output, re.I), result.output


def test_os_and_database_reasons_are_russian_and_english():
    import errno

    from tracker.core.i18n import set_locale
    from tracker.core.reasons import database_reason, os_error, os_reason

    cases = {errno.ENOENT: "нет такого файла или папки", errno.EACCES: "нет прав доступа",
             errno.EISDIR: "это папка, а не файл", errno.ENOSPC: "на диске нет места",
             errno.ENOTDIR: "часть пути — не папка"}
    for number, words in cases.items():
        assert os_reason(OSError(number, "English strerror")) == words
    assert os_error(OSError(errno.EACCES, "Permission denied", "/srv/x")) == (
        "/srv/x: нет прав доступа")
    assert os_reason(OSError(errno.EXDEV, "Invalid cross-device link")) == (
        "системная ошибка EXDEV")
    assert database_reason("database is locked") == (
        "база данных занята другим процессом; повторите попытку")
    set_locale("en")
    assert os_reason(OSError(errno.ENOSPC, "x")) == "no space left on the disk"
    assert database_reason("unable to open database file").startswith(
        "the database file cannot be opened")


def test_outbox_and_remind_screens_name_states_and_kinds_in_russian(cli, world):
    """The stored values on these screens (sent, email, reminder) in Russian words."""
    listed = cli("outbox", "list")
    assert listed.exit_code == 0 and "отправлено" in listed.stdout
    assert "эл. почта" in listed.stdout and "напоминание" in listed.stdout
    assert english_words(listed.stdout) == [], listed.stdout
    cli("tasks", "add", "Провести семинар", "--due", "2030-01-10", "--org", "Город Азов")
    again = cli("remind", "--at", "2030-01-09 09:00")
    assert again.exit_code == 0, again.output
    assert "[отправлено] эл. почта" in again.stdout and "напоминание" in again.stdout
    assert english_words(again.stdout) == [], again.stdout


def test_email_test_against_a_closed_port_is_one_russian_line(tmp_path):
    """The channel's account (connection refused) in Russian, the setting to check named,
    and no English log record on the terminal under it."""
    import socket

    from typer.testing import CliRunner

    from tracker.cli.main import app

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = _config(tmp_path, "smtp.toml", f'[smtp]\nhost = "127.0.0.1"\nport = {port}\n'
                                            'tls = "none"\ntimeout = 5\n')
    result = CliRunner().invoke(app, ["--config", str(config), "email", "test",
                                      "a@example.ru"], prog_name="tracker")
    assert result.exit_code == 1
    assert result.output == (f"Ошибка: не удаётся подключиться к серверу SMTP 127.0.0.1:{port}: "
                             "в соединении отказано; проверьте smtp.host и smtp.port\n")


def test_an_extension_of_a_done_assignment_names_its_state_in_russian(world, db):
    """The bot and the web pages answer with the service's message: the state in words."""
    from datetime import UTC, date, datetime

    from tracker.core.errors import Conflict
    from tracker.core.models import Person
    from tracker.services.extensions import request_extension

    with db.transaction() as session:
        actor = session.get(Person, 1)
        with pytest.raises(Conflict) as refused:
            request_extension(session=session, assignment_id=1, actor=actor,
                              new_due=date(2021, 9, 30), reason="Письмо № 15",
                              today=date(2021, 8, 25), now=datetime(2021, 8, 25, tzinfo=UTC))
    assert str(refused.value) == "поручение 1 в состоянии «исполнено»"
