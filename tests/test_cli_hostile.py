"""The CLI under hostile input: a table of bad invocations against a real SQLite file.

Each case gives the arguments (and environment), the exit code (1 for a refused value,
2 for a usage mistake) and the exact one line the command prints; the test also checks
that no traceback appears and that no row of any table was added, removed or changed.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from tests.conftest import MUNICIPALITIES_CSV

BIG = "9223372036854775808"  # 2**63: one beyond what SQLite and PostgreSQL hold
RANGE = "ожидается целое число от 1 до 9223372036854775807"
NON_ASCII = ["²", "①", "１", "१", "١٢", "٣"]  # isdigit() accepts some, int() others


def usage(command: str, param: str, message: str) -> str:
    return (f"Ошибка: tracker {command}: Недопустимое значение '{param}': {message} "
            f"(см. tracker {command} --help)")


def not_an_id(command: str, value: str, param: str = "ID") -> str:
    return usage(command, param, f"{value!r} не является номером: {RANGE}")


def empty(command: str, option: str, expected: str) -> str:
    return usage(command, option, f"пустое значение: ожидается {expected}")


ID_COMMANDS = [("tasks show", []), ("tasks done", []), ("tasks reopen", []),
               ("tasks cancel", []), ("tasks extend", ["--to", "30.09.2021", "--reason", "x"]),
               ("extensions approve", []), ("extensions reject", []), ("outbox retry", [])]


def _id_cases():
    for command, extra in ID_COMMANDS:
        for value in [BIG, "0", "99999999999999999999999", *NON_ASCII[:3]]:
            yield ([*command.split(), "--", value, *extra], {}, 2, not_an_id(command, value))
    for value in NON_ASCII[3:]:
        yield (["tasks", "done", value], {}, 2, not_an_id("tasks done", value))
    yield (["tasks", "show", "--", "-1"], {}, 2, not_an_id("tasks show", "-1"))
    yield (["--config", "", "tasks", "list"], {}, 2,
           "Ошибка: tracker: Недопустимое значение '--config' / '-c': пустое значение: "
           "ожидается путь к файлу настроек (см. tracker --help)")
    yield (["tasks", "show", "1.5"], {}, 2, not_an_id("tasks show", "1.5"))
    yield (["tasks", "show", "99"], {}, 1, "Ошибка: поручение 99 не найдено")
    yield (["extensions", "approve", "7"], {}, 1, "Ошибка: запрос на перенос срока 7 не найден")
    # People and organisations named by id
    yield (["people", "add", "Икс", "--org", BIG], {}, 1,
           f"Ошибка: неверное значение (номер организации) '{BIG}': {RANGE}")
    yield (["tasks", "add", "Т", "--org", "0"], {}, 1,
           f"Ошибка: неверное значение (номер организации) '0': {RANGE}")
    yield (["tasks", "add", "Т", "--org", "१"], {}, 1, "Ошибка: организация '१' не найдена")
    yield (["tasks", "list", "--person", BIG], {}, 1,
           f"Ошибка: неверное значение (номер человека) '{BIG}': {RANGE}")
    yield (["people", "invite", "0"], {}, 1,
           f"Ошибка: неверное значение (номер человека) '0': {RANGE}")
    yield (["report", "overdue", "--org", "99999999999999999999"], {}, 1,
           f"Ошибка: неверное значение (номер организации) '99999999999999999999': {RANGE}")
    yield (["people", "add", "Икс", "--org", "2", "--telegram", "99999999999999999999"], {}, 2,
           usage("people add", "--telegram", "'99999999999999999999' не является номером чата "
                 "Telegram: ожидается ненулевое целое число, например 123456789"))
    yield (["report", "overdue", "--depth", "99999999999999999999"], {}, 1,
           "Ошибка: неверное значение --depth 99999999999999999999: ожидается от 0 (все уровни) "
           "до 20")
    yield (["report", "overdue", "--depth", "-1"], {}, 1,
           "Ошибка: неверное значение --depth -1: ожидается от 0 (все уровни) до 20")
    yield (["tasks", "list", "--limit", "0"], {}, 2,
           usage("tasks list", "--limit", f"'0' не является количеством: {RANGE}"))
    yield (["outbox", "list", "--limit", "-3"], {}, 2,
           usage("outbox list", "--limit", f"'-3' не является количеством: {RANGE}"))


def _empty_cases():
    date = "дата, например 20.08.2021"
    org = "номер или название организации"
    yield ["tasks", "add", "Т", "--org", "2", "--due", ""], "tasks add", "--due", date
    yield ["tasks", "add", "Т", "--org", ""], "tasks add", "--org", org
    yield ["tasks", "add", "Т", "--org", "2", "--label", ""], "tasks add", "--label", \
        "номер пункта, например 3.2"
    yield ["tasks", "add", "Т", "--org", "2", "--level", ""], "tasks add", "--level", \
        "regional, municipal или school"
    yield ["tasks", "list", "--status", ""], "tasks list", "--status", \
        "open, done, overdue или cancelled"
    yield ["tasks", "list", "--due-before", " "], "tasks list", "--due-before", date
    yield ["tasks", "list", "--person", ""], "tasks list", "--person", \
        "номер, адрес электронной почты или имя человека"
    yield ["tasks", "done", "1", "--comment", ""], "tasks done", "--comment", "что сделано"
    yield ["tasks", "extend", "1", "--to", "", "--reason", "x"], "tasks extend", "--to", \
        "дата, например 30.09.2021"
    yield ["tasks", "extend", "1", "--to", "30.09.2021", "--reason", ""], "tasks extend", \
        "--reason", "причина переноса срока"
    yield ["extensions", "list", "--status", ""], "extensions list", "--status", \
        "pending, approved, rejected или all"
    yield ["report", "overdue", "--as-of", ""], "report overdue", "--as-of", date
    yield ["report", "discipline", "--org", ""], "report discipline", "--org", org
    yield ["report", "overdue", "--format", "csv", "--out", ""], "report overdue", \
        "--out' / '-o", "имя файла"
    yield ["remind", "--at", ""], "remind", "--at", "местное время, например 2021-08-13 09:00"
    yield ["demo", "--dir", ""], "demo", "--dir", "папка"
    yield ["people", "add", "Икс", "--org", "2", "--email", ""], "people add", "--email", \
        "адрес, например iv@azov.ru"
    yield ["people", "add", "Икс", "--org", "2", "--role", ""], "people add", "--role", \
        "officer, coordinator, lead или admin"
    yield ["people", "add", "Икс", "--org", "2", "--timezone", ""], "people add", \
        "--timezone", "часовой пояс, например Europe/Moscow"
    yield ["people", "add", "Икс", "--org", "2", "--channels", ""], "people add", \
        "--channels", "email, telegram или both"
    yield ["org", "add", "Школа", "--parent", ""], "org add", "--parent", org
    yield ["org", "add", "Школа", "--kind", ""], "org add", "--kind", \
        "region, municipality, school или other"


def _environment_cases():
    env = [
        ("TRACKER_REMINDERS__DAYS_BEFORE", "not-a-list",
         "ожидается список JSON, например [14, 7, 3, 1, 0], получено 'not-a-list'"),
        ("TRACKER_TELEGRAM__ALLOWED_GROUPS", "-100", "ожидается список JSON, например [1, 2], "
         "получено '-100'"),
        ("TRACKER_SMTP", "garbage", 'ожидается объект JSON, например {"key": "value"}, или по '
                                    'переменной на ключ '
         "(TRACKER_SECTION__KEY), получено 'garbage'"),
        ("TRACKER_SMTP__PORT", "smtp", "неверная настройка smtp.port: ожидается целое число, "
         "получено 'smtp'"),
        ("TRACKER_SMTP__SENDER", "tracker", "неверная настройка smtp.sender: ожидается адрес "
                                            "электронной почты, например "
         "tracker@example.ru, получено 'tracker'"),
        ("TRACKER_OUTBOX__BATCH_SIZE", "0", "неверная настройка outbox.batch_size: ожидается "
                                            "число не меньше "
         "1, получено '0'"),
        ("TRACKER_SMTP__HOSTNAME", "mail", "неизвестная настройка smtp.hostname"),
        ("TRACKER_DIGESTS__LEAD_CRON", "every monday", "неверная настройка digests.lead_cron: "
         'ожидается выражение cron "минута час день месяц день_недели", например "0 9 * * mon", '
         "получено 'every monday' («Wrong number of fields; got 2, expected 5»)"),
        ("TRACKER_TELEGRAM__API_URL", "telegram", "неверная настройка telegram.api_url: "
                                                  "ожидается адрес http:// или https://"
         ", получено 'telegram'"),
        ("TRACKER_TIMEZONE", "Moscow", "неверная настройка timezone: неизвестный часовой пояс "
                                       "'Moscow'"),
    ]
    for name, value, message in env:
        yield ["tasks", "list"], {name: value}, 1, f"Ошибка: {name}: {message}"


def _file_cases(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    plain = tmp_path / "plain.txt"
    plain.write_text("x", encoding="utf-8")
    out = ["report", "overdue", "--format", "csv", "--out"]
    yield [*out, str(folder)], {}, 1, f"Ошибка: не удаётся записать {folder}: это папка, " \
        "а нужно имя файла"
    yield [*out, str(tmp_path / "missing" / "r.csv")], {}, 1, \
        f"Ошибка: не удаётся записать {tmp_path / 'missing' / 'r.csv'}: папки " \
        f"{tmp_path / 'missing'} не существует"
    yield [*out, str(plain / "r.csv")], {}, 1, \
        f"Ошибка: не удаётся записать {plain / 'r.csv'}: папки {plain} не существует"
    yield [*out, "/proc/r.csv"], {}, 1, "Ошибка: не удаётся записать /proc/r.csv: нет такого " \
        "файла или папки"


def _config_cases(tmp_path):
    bad = [
        ('[smtp]\nsender = "контроль"\n', "неверная настройка smtp.sender: ожидается адрес "
                                          "электронной почты, например "
         "tracker@example.ru, получено 'контроль'"),
        ('[telegram]\nfile_url = "file://x"\n', "неверная настройка telegram.file_url: ожидается "
                                                "адрес http:// или https://"
         ", получено 'file://x'"),
        ('[digests]\ncoordinator_cron = ""\n', "неверная настройка digests.coordinator_cron: "
         'ожидается выражение cron "минута час день месяц день_недели", например "0 9 * * mon", '
         "получено '' («Wrong number of fields; got 0, expected 5»)"),
        ("[outbox]\nbatch_size = 0.5\n", "неверная настройка outbox.batch_size: ожидается целое "
                                         "число"
         ", получено 0.5"),
        ("[telegram]\ngroup_per_minute = 1000\n", "неверная настройка telegram.group_per_minute: "
         "ожидается число не больше 60, получено 1000"),
        ('[reminders]\nsend_time = "9 утра"\n', "неверная настройка reminders.send_time: "
         "ожидается время суток \"ЧЧ:ММ\", например \"09:00\", получено '9 утра'"),
        ('locale = "de"\n', "неверная настройка locale: значение 'de' не подходит; допустимо "
         "одно из: ru, en"),
    ]
    for n, (body, message) in enumerate(bad):
        path = tmp_path / f"bad{n}.toml"
        path.write_text(body, encoding="utf-8")
        yield ["--config", str(path), "tasks", "list"], {}, 1, f"Ошибка: {path}: {message}"


def _csv_cases(tmp_path):
    def csv_file(name: str, body: str, encoding: str = "utf-8") -> str:
        path = tmp_path / name
        path.write_bytes(body.encode(encoding))
        return str(path)

    people_head = "name;email;telegram_chat_id;organisation;role\n"
    one = csv_file("no_name.csv", "fio;kind\nГород;region\n")
    yield ["org", "import", one], {}, 1, f"Ошибка: {one}: нет столбцов name (есть: fio, " \
        "kind; ожидаются: name, kind (необязательно: parent))"
    two = csv_file("extra.csv", "name,kind,colour\nГород,region,red\n")
    yield ["org", "import", two], {}, 1, f"Ошибка: {two}: неизвестные столбцы colour (ожидаются: " \
        "name, kind (необязательно: parent))"
    three = csv_file("role.csv", people_head + "Петров П.П.;p@example.ru;;Город Азов;officer\n"
                     "Сидоров С.С.;s@example.ru;;Город Азов;\n", "utf-8-sig")
    yield ["people", "import", three], {}, 1, f"Ошибка: {three}, строка 3: не указана роль для " \
        "'Сидоров С.С.': ожидается одна из: officer, coordinator, lead, admin"
    four = csv_file("boss.csv", people_head + "\nПетров П.П.;p@example.ru;;Город Азов;boss\n")
    yield ["people", "import", four], {}, 1, f"Ошибка: {four}, строка 3: неверное значение " \
        "(роль) 'boss': допустимо одно из: officer (исполнитель), coordinator (координатор), " \
        "lead (руководитель), admin (администратор)"
    five = csv_file("chat.csv", people_head + "Петров П.П.;p@example.ru;١٢٣;Город Азов;officer\n")
    yield ["people", "import", five], {}, 1, f"Ошибка: {five}, строка 2: telegram_chat_id '١٢٣' " \
        "не является номером чата Telegram (ожидается целое число, например 123456789)"
    six = csv_file("org.csv", people_head + "Петров П.П.;p@example.ru;;Город Нигде;officer\n")
    yield ["people", "import", six], {}, 1, f"Ошибка: {six}, строка 2: организация " \
        "'Город Нигде' не найдена"
    seven = csv_file("mail.csv", people_head + "Петров П.П.;p@;;Город Азов;officer\n")
    yield ["people", "import", seven], {}, 1, f"Ошибка: {seven}, строка 2: неверный адрес " \
        "электронной почты 'p@' у 'Петров П.П.'"
    eight = csv_file("empty.csv", "\n\n")
    yield ["org", "import", eight], {}, 1, f"Ошибка: {eight}: файл пуст; ожидается строка " \
        "заголовка name,kind"


def _date_cases():
    yield (["tasks", "add", "Т", "--org", "2", "--due", "31.02.2021"], {}, 1,
           "Ошибка: неверное значение (срок) '31.02.2021': в месяце 2 года 2021 нет дня 31")
    yield (["tasks", "add", "Т", "--org", "2", "--due", "२०.०८.२०२१"], {}, 1,
           "Ошибка: неверное значение (срок) '२०.०८.२०२१': ожидается ГГГГ-ММ-ДД или ДД.ММ.ГГГГ")
    yield (["tasks", "list", "--due-before", "２０２１-０８-２０"], {}, 1,
           "Ошибка: неверное значение (дата --due-before) '２０２１-０８-２０': "
           "ожидается ГГГГ-ММ-ДД или ДД.ММ.ГГГГ")
    yield (["remind", "--at", "13.08.2021 25:00"], {}, 1,
           "Ошибка: неверное значение --at '13.08.2021 25:00': ожидается "
           "\"ГГГГ-ММ-ДД ЧЧ:ММ\" (местное время, Europe/Moscow)")


@pytest.fixture
def directory(cli, tmp_path):
    """A real SQLite file with the region, an officer and one task; returns the db path."""
    assert cli("org", "import", str(MUNICIPALITIES_CSV), "--parent",
               "Ростовская область").exit_code == 0
    assert cli("people", "add", "Иванова М.Н.", "--org", "Город Азов", "--email",
               "ivanova@example.ru").exit_code == 0
    assert cli("tasks", "add", "Провести совещание", "--due", "20.08.2021", "--org",
               "Город Азов").exit_code == 0
    return tmp_path / "tracker.db"


def _counts(db_path) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{db_path}")
    try:
        with engine.connect() as connection:
            tables = [r[0] for r in connection.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'table'"))]
            # Row contents too, not just counts: an UPDATE is a change as well.
            return {t: hash(tuple(map(tuple, connection.execute(text(f'SELECT * FROM "{t}"')))))
                    for t in tables}
    finally:
        engine.dispose()


def test_hostile_invocations_print_one_line_exit_non_zero_and_write_nothing(
        directory, config_path, tmp_path):
    from tracker.cli.main import app

    cases = [*_id_cases(), *(
        (args, {}, 2, empty(command, option, expected))
        for args, command, option, expected in _empty_cases()),
        *_environment_cases(), *_file_cases(tmp_path), *_config_cases(tmp_path),
        *_csv_cases(tmp_path), *_date_cases()]
    assert len(cases) >= 60
    runner = CliRunner()
    before = _counts(directory)
    failures = []
    for args, env, code, line in cases:
        full = args if args[0] == "--config" else ["--config", str(config_path), *args]
        result = runner.invoke(app, full, env=env, prog_name="tracker")
        got = (result.exit_code, result.output)
        if got != (code, line + "\n") or "Traceback" in result.output or (
                result.exception is not None and not isinstance(result.exception, SystemExit)):
            failures.append(f"{args} {env}: {got!r} {result.exception!r}\n  want {line!r}")
        if _counts(directory) != before:
            failures.append(f"{args}: the database changed")
            before = _counts(directory)
    assert not failures, "\n".join(failures)
    assert not any(name.startswith("TRACKER_SMTP") for name in os.environ)


def test_csv_with_semicolons_bom_and_repeats_names_the_skipped_lines(cli, directory, tmp_path):
    people = tmp_path / "people.csv"
    people.write_bytes((
        "\ufeffName;Email;telegram_chat_id;organisation;role\n"
        "Петров П.П.;petrov@example.ru;100200;Город Батайск;coordinator\n"
        "\n"
        "Сидорова С.С.;\"sidorova@example.ru\";;\"Город Азов\";officer\n"
        "Петров П.П.;PETROV@example.ru;;Город Батайск;coordinator\n"
        "Иванова М.Н.;ivanova@example.ru;;Город Азов;officer\n").encode("utf-8"))
    result = cli("people", "import", str(people))
    assert (result.exit_code, result.output) == (0, (
        "Импортировано людей: 2, пропущено уже известных: 2\n"
        "Пропущено: строка 5 (повторяет строку 2); строка 6 уже есть в справочнике\n"))
    orgs = tmp_path / "orgs.csv"
    orgs.write_bytes("name;kind;parent\nМБОУ СОШ № 1;школа;Город Азов\n"
                     "МБОУ СОШ № 1;школа;Город Азов\n".encode("cp1251"))
    result = cli("org", "import", str(orgs))
    assert (result.exit_code, result.output) == (0, (
        "Импортировано организаций: 1, пропущено уже известных: 1\n"
        "Пропущено: строка 3 (повторяет строку 2)\n"))
    unicode = tmp_path / "unicode.csv"  # Excel's "Unicode text" is UTF-16 with a BOM
    unicode.write_bytes("name,kind,parent\r\nМБОУ СОШ № 2,школа,Город Азов\r\n".encode("utf-16"))
    assert cli("org", "import", str(unicode)).output == (
        "Импортировано организаций: 1, пропущено уже известных: 0\n")
