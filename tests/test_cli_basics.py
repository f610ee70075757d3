"""The foundation CLI: init, org, people, tasks — exact output and exit codes."""

import json
from pathlib import Path

from tests.conftest import MUNICIPALITIES_CSV


def test_help_lists_the_commands(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("init", "org", "people", "tasks"):
        assert f"  {command} " in result.output


def test_every_command_has_help_with_an_example(cli):
    import typer

    from tracker.cli.main import app

    group = typer.main.get_command(app)
    ctx = group.make_context("tracker", ["--help"], resilient_parsing=True)
    names = group.list_commands(ctx)  # every command, each module loaded on request
    assert {"init", "import", "run", "remind", "demo", "outbox", "bot", "web"} <= set(names)
    missing = []
    for name in names:
        command = group.get_command(ctx, name)
        subcommands = getattr(command, "commands", {name: command})
        for sub_name, sub in subcommands.items():
            if "Пример:" not in (sub.help or "") and "Example:" not in (sub.help or ""):
                missing.append(f"{name} {sub_name}")
    assert missing == []


def test_init_twice_changes_nothing(tmp_path, cli):
    target = tmp_path / "fresh" / "config.toml"
    from typer.testing import CliRunner

    from tracker.cli.main import app

    first = CliRunner().invoke(app, ["--config", str(target), "init"])
    # --config pointing at a missing file is fine for init: it writes it.
    assert first.exit_code == 0, first.output
    db_path = target.parent / "tracker.db"
    assert first.output == f"Записан {target}\nБаза данных создана: sqlite:///{db_path}\n"
    before = target.read_text(encoding="utf-8"), db_path.stat().st_size
    second = CliRunner().invoke(app, ["--config", str(target), "init"])
    assert second.output == (
        f"Файл настроек уже есть: {target} (оставлен как есть)\n"
        f"База данных в актуальном состоянии: sqlite:///{db_path}\n"
    )
    assert (target.read_text(encoding="utf-8"), db_path.stat().st_size) == before


def test_municipalities_sample_imports_as_55_under_one_region(cli):
    result = cli("org", "import", str(MUNICIPALITIES_CSV), "--parent", "Ростовская область")
    assert result.exit_code == 0
    assert result.output == "Импортировано организаций: 56, пропущено уже известных: 0\n"
    again = cli("org", "import", str(MUNICIPALITIES_CSV), "--parent", "Ростовская область")
    assert again.output == ("Импортировано организаций: 0, пропущено уже известных: 55\n"
                            "Пропущено: строки 2-56 уже есть в справочнике\n")
    # Without --parent the rows have no parent: still the same organisations, not 55 more.
    bare = cli("org", "import", str(MUNICIPALITIES_CSV))
    assert bare.output == ("Импортировано организаций: 0, пропущено уже известных: 55\n"
                           "Пропущено: строки 2-56 уже есть в справочнике\n")
    orgs = json.loads(cli("org", "list", "--json").output)
    regions = [o for o in orgs if o["kind"] == "region"]
    assert [r["name"] for r in regions] == ["Ростовская область"]
    children = [o for o in orgs if o["parent_id"] == regions[0]["id"]]
    assert len(children) == 55
    assert all(o["kind"] == "municipality" for o in children)
    assert {o["category"] for o in children} == {"городской округ", "муниципальный район"}
    tree = cli("org", "list").output.splitlines()
    assert tree[0] == "Ростовская область (регион) [1]"
    assert tree[1].startswith("  Азовский район (муниципальный район) [")


def _setup(cli):
    cli("org", "import", str(MUNICIPALITIES_CSV), "--parent", "Ростовская область")
    assert cli("people", "add", "Иванова М.Н.", "--org", "город азов",
               "--email", "ivanova@example.ru").output == (
        "Добавлен человек 1: Иванова М.Н. (исполнитель, Город Азов)\n")


def test_overdue_listing_until_done(cli):
    _setup(cli)
    added = cli("tasks", "add", "Провести совещание с руководителями", "--due", "20.08.2021",
                "--org", "Город Азов", "--person", "ivanova@example.ru", "--label", "3")
    assert added.output == "Добавлена задача 1, назначений: 1: 1\n"
    cli("tasks", "add", "Составить план", "--due", "2999-01-01", "--org", "Город Азов")
    overdue = json.loads(cli("tasks", "list", "--status", "overdue", "--json").output)
    assert [(o["id"], o["text"], o["due"], o["overdue"], o["person"]) for o in overdue] == [
        (1, "Провести совещание с руководителями", "2021-08-20", True, "Иванова М.Н.")]
    done = cli("tasks", "done", "1", "--comment", "Проведено 14.09")
    assert (done.exit_code, done.output) == (0, "Поручение 1 отмечено исполненным\n")
    assert json.loads(cli("tasks", "list", "--status", "overdue", "--json").output) == []
    again = cli("tasks", "done", "1")
    assert again.exit_code == 1
    assert again.output.startswith("Ошибка: поручение 1 уже исполнено (")
    shown = json.loads(cli("tasks", "show", "1", "--json").output)
    assert shown["status"] == "done" and shown["comment"] == "Проведено 14.09"
    assert [e["kind"] for e in shown["events"]] == ["assigned", "completed"]
    assert shown["events"][1]["via"] == "cli"


def test_extend_reopen_cancel(cli):
    _setup(cli)
    cli("tasks", "add", "Разработать модель", "--due", "2021-08-20", "--org", "Город Азов")
    assert cli("tasks", "extend", "1", "--to", "15.09.2021", "--reason", "письмо № 15").output == (
        "Поручение 1: новый срок 15.09.2021\n")
    shown = json.loads(cli("tasks", "show", "1", "--json").output)
    assert (shown["due"], shown["original_due"]) == ("2021-09-15", "2021-08-20")
    earlier = cli("tasks", "extend", "1", "--to", "01.09.2021", "--reason", "x")
    assert (earlier.exit_code, earlier.output) == (
        1, "Ошибка: новый срок 2021-09-01 не позже текущего 2021-09-15\n")
    assert cli("tasks", "done", "1").exit_code == 0
    assert cli("tasks", "reopen", "1", "--reason", "Отчёт не принят").output == (
        "Поручение 1 возобновлено\n")
    assert cli("tasks", "cancel", "1").output == "Поручение 1 отменено\n"
    events = [e["kind"] for e in json.loads(cli("tasks", "show", "1", "--json").output)["events"]]
    assert events == ["assigned", "extended", "completed", "reopened", "cancelled"]


def test_list_filters(cli):
    _setup(cli)
    cli("tasks", "add", "A", "--due", "2021-08-20", "--org", "Город Азов")
    cli("tasks", "add", "B", "--due", "2021-09-20", "--org", "Город Батайск")
    cli("tasks", "add", "C", "--org", "Город Батайск")
    ids = lambda *args: [r["id"] for r in json.loads(cli("tasks", "list", *args, "--json").output)]  # noqa: E731
    assert ids() == [1, 2, 3]
    assert ids("--org", "Ростовская область") == [1, 2, 3]
    assert ids("--org", "Город Батайск") == [2, 3]
    assert ids("--due-before", "2021-09-01") == [1]
    assert ids("--person", "Иванова М.Н.") == []
    table = cli("tasks", "list").output
    assert "просрочено на" in table and "Город Батайск" in table


def test_bad_inputs_are_one_line_errors(cli, tmp_path):
    _setup(cli)
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("title,kind\nX,school\n", encoding="utf-8")
    cases = [
        (("tasks", "done", "999"), "Ошибка: поручение 999 не найдено\n"),
        (("tasks", "show", "999"), "Ошибка: поручение 999 не найдено\n"),
        (("tasks", "add", "X", "--due", "31.02.2022", "--org", "Город Азов"),
         "Ошибка: неверное значение (срок) '31.02.2022': в месяце 2 года 2022 нет дня 31\n"),
        (("tasks", "add", "X", "--due", "завтра", "--org", "Город Азов"),
         "Ошибка: неверное значение (срок) 'завтра': ожидается ГГГГ-ММ-ДД или ДД.ММ.ГГГГ\n"),
        (("tasks", "add", "X", "--org", "Атлантида"),
         "Ошибка: организация 'Атлантида' не найдена\n"),
        (("tasks", "add", "X", "--org", "Город Азов", "--level", "federal"),
         "Ошибка: неверное значение (уровень) 'federal': допустимо одно из: regional "
         "(региональный), municipal (муниципальный), school (школьный)\n"),
        (("tasks", "list", "--status", "late"),
         "Ошибка: неверное состояние 'late': ожидается open (в работе), done (исполнено), "
         "overdue (просрочено) или cancelled (отменено)\n"),
        (("people", "add", "X", "--org", "Город Азов", "--email", "not-an-email"),
         "Ошибка: неверный адрес электронной почты 'not-an-email' у 'X'\n"),
        (("people", "add", "X", "--org", "Город Азов", "--timezone", "Mars/Base"),
         "Ошибка: неизвестный часовой пояс 'Mars/Base' у 'X'\n"),
        (("people", "add", "X", "--org", "Город Азов", "--role", "boss"),
         "Ошибка: неверное значение (роль) 'boss': допустимо одно из: officer "
         "(исполнитель), coordinator (координатор), lead (руководитель), admin "
         "(администратор)\n"),
        (("org", "import", str(tmp_path / "missing.csv")),
         f"Ошибка: файл не найден: {tmp_path / 'missing.csv'}\n"),
        (("org", "import", str(bad_csv)),
         f"Ошибка: {bad_csv}: нет столбцов name (есть: title, kind; ожидаются: name, kind "
         "(необязательно: parent))\n"),
    ]
    for args, expected in cases:
        result = cli(*args)
        assert (result.exit_code, result.output) == (1, expected), args
    # Nothing half-written: no task was created by the failed adds.
    assert json.loads(cli("tasks", "list", "--json").output) == []


def test_people_import_and_list(cli, tmp_path):
    _setup(cli)
    people = tmp_path / "people.csv"
    people.write_text(
        "name,email,telegram_chat_id,organisation,role\n"
        "Петров П.П.,petrov@example.ru,100200,Город Батайск,coordinator\n"
        "Сидорова С.С.,sidorova@example.ru,,Ростовская область,lead\n",
        encoding="utf-8-sig",
    )
    assert cli("people", "import", str(people)).output == (
        "Импортировано людей: 2, пропущено уже известных: 0\n")
    assert cli("people", "import", str(people)).output == (
        "Импортировано людей: 0, пропущено уже известных: 2\n"
        "Пропущено: строки 2-3 уже есть в справочнике\n")
    listed = json.loads(cli("people", "list", "--role", "coordinator", "--json").output)
    assert [(p["name"], p["telegram_chat_id"], p["organisation"]) for p in listed] == [
        ("Петров П.П.", 100200, "Город Батайск")]
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "name,email,telegram_chat_id,organisation,role\n"
        "Новый Н.Н.,new@example.ru,,Город Азов,officer\n"
        "Плохой П.П.,bad@example.ru,abc,Город Азов,officer\n",
        encoding="utf-8",
    )
    result = cli("people", "import", str(broken))
    assert (result.exit_code, result.output) == (
        1, f"Ошибка: {broken}, строка 3: telegram_chat_id 'abc' не является номером чата "
        "Telegram (ожидается целое число, например 123456789)\n")
    # The whole file is one transaction: the good first row was not kept either.
    people = json.loads(cli("people", "list", "--json").output)
    assert all(p["name"] != "Новый Н.Н." for p in people)


def test_cyrillic_name_search_folds_case(cli):
    _setup(cli)
    assert cli("tasks", "add", "X", "--org", "ГОРОД АЗОВ").exit_code == 0
    assert cli("people", "list", "--org", "город азов", "--json").exit_code == 0


def test_default_database_is_beside_the_config(cli, config_path: Path):
    _setup(cli)
    assert (config_path.parent / "tracker.db").exists()


def test_usage_mistakes_are_one_line_with_exit_code_2(cli):
    missing = cli("tasks", "extend", "1", "--to", "2021-09-01")
    assert (missing.exit_code, missing.output) == (
        2, "Ошибка: tracker tasks extend: Не указан параметр '--reason'. "
           "(см. tracker tasks extend --help)\n")
    unknown = cli("nonsense")
    assert (unknown.exit_code, unknown.output) == (
        2, "Ошибка: tracker: Нет такой команды 'nonsense'. (см. tracker --help)\n")
    assert cli("tasks", "show", "abc").output.count("\n") == 1
    assert cli("org").output.startswith("Использование: tracker org")  # no arguments: the help
