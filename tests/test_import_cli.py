"""`tracker import`: preview, confirmation, --dry-run, --json, --yes, batches with bad files."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import MUNICIPALITIES_CSV

EXAMPLES = Path(__file__).resolve().parents[1] / "roadmaps" / "examples"
SUMMARY = ("roadmap.toml: Дорожная карта № 141-Пр от 25.08.2021 «Дорожная карта мероприятий по "
           "развитию профессиональной ориентации обучающихся на 2021-2022 учебный год». "
           "Пунктов: 5, поручений: 4; будет создано назначений: 112")


@pytest.fixture
def directory(cli):
    result = cli("org", "import", str(MUNICIPALITIES_CSV), "--parent", "Ростовская область")
    assert result.exit_code == 0, result.output


@pytest.fixture
def roadmap(tmp_path) -> str:
    shutil.copy(EXAMPLES / "roadmap_example.toml", tmp_path / "roadmap.toml")
    return "roadmap.toml"  # the tests run in tmp_path


def _rows(tmp_path, sql: str) -> list[tuple]:
    with sqlite3.connect(tmp_path / "tracker.db") as connection:
        return connection.execute(sql).fetchall()


def _counts(tmp_path) -> tuple[int, ...]:
    return tuple(_rows(tmp_path, f"SELECT count(*) FROM {table}")[0][0]
                 for table in ("document", "task", "assignment", "event"))


def test_dry_run_shows_the_preview_and_writes_nothing(cli, directory, roadmap, tmp_path):
    result = cli("import", roadmap, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-2:] == [SUMMARY, "roadmap.toml: пробный запуск, ничего не записано"]
    table = "\n".join(lines[:-2])
    assert max(len(line) for line in lines[:-2]) <= 100  # the table fits 100 columns
    for cell in ("№", "Уровень", "Текст (замечания)", "Срок, повтор", "Исполнитель",
                 "региональный", "муниципальный", "не поручение", "15.09.2021", "ежемесячно",
                 "Ростовская область", "все муниципалитеты (55)"):
        assert cell in table, cell
    assert "исполнитель «Пушкарева" in table
    assert _counts(tmp_path) == (0, 0, 0, 0)


def test_yes_imports_and_the_second_time_changes_nothing(cli, directory, roadmap, tmp_path):
    result = cli("import", roadmap, "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        SUMMARY, "roadmap.toml: импортирован как документ 1: задач 5, назначений 112"]
    assert _counts(tmp_path) == (1, 5, 112, 117)
    again = cli("import", roadmap, "--yes")
    assert again.exit_code == 0
    assert again.stdout == "roadmap.toml: уже импортирован как документ 1; ничего не изменено\n"
    assert _counts(tmp_path) == (1, 5, 112, 117)


def test_prompt_yes_imports(cli, directory, roadmap, tmp_path):
    result = cli("import", roadmap, input="y\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-3:] == [
        SUMMARY, "Импортировать roadmap.toml? [y/N]: y",
        "roadmap.toml: импортирован как документ 1: задач 5, назначений 112"]
    assert _counts(tmp_path)[0] == 1


def test_prompt_refusal_writes_nothing(cli, directory, roadmap, tmp_path):
    result = cli("import", roadmap, input="n\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-3:] == [
        SUMMARY, "Импортировать roadmap.toml? [y/N]: n",
        "roadmap.toml: не импортирован, ничего не записано"]
    assert _counts(tmp_path) == (0, 0, 0, 0)


def test_no_stdin_counts_as_no_and_says_so(cli, directory, roadmap, tmp_path):
    result = cli("import", roadmap)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        "roadmap.toml: нет ответа на вопрос (ввод закрыт) — считаю это отказом, ничего не "
        "записано; добавьте --yes")
    assert _counts(tmp_path) == (0, 0, 0, 0)


def test_json_prints_the_parse_and_writes_nothing(cli, directory, roadmap, tmp_path):
    result = cli("import", roadmap, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["file"] for d in data] == ["roadmap.toml"]
    assert data[0]["document"] == {
        "kind": "roadmap", "number": "141-Пр", "date": "2021-08-25",
        "title": "Дорожная карта мероприятий по развитию профессиональной ориентации "
                 "обучающихся на 2021-2022 учебный год", "read_as": "toml"}
    items = data[0]["items"]
    assert items[1] == {
        "label": "2",
        "text": "Разработать муниципальные модели по профориентации на основе региональной модели",
        "level": "municipal", "actionable": True, "due": "2021-10-01",
        "due_text": "в срок до 1 октября 2021 года", "recurrence": None, "owners": [],
        "warnings": [], "due_source": None, "source_act": None}
    assert [(i["label"], i["due"], i["recurrence"], i["actionable"], i["owners"])
            for i in items] == [
        ("1", "2021-09-15", None, True, []),
        ("2", "2021-10-01", None, True, []),
        ("3", "2022-08-31", "monthly", True, []),
        ("4", "2021-11-30", None, True, ["Пушкарева Е.А."]),
        ("5", None, None, False, []),
    ]
    assert _counts(tmp_path) == (0, 0, 0, 0)


def test_json_with_yes_also_imports_keeping_stdout_json(cli, directory, roadmap, tmp_path):
    result = cli("import", roadmap, "--json", "--yes")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 1
    assert result.stderr.splitlines()[-1] == (
        "roadmap.toml: импортирован как документ 1: задач 5, назначений 112")
    assert _counts(tmp_path)[0] == 1


def test_batch_with_bad_files_imports_the_good_one_and_exits_1(cli, directory, roadmap,
                                                                tmp_path):
    Path("broken.toml").write_text('[document]\nkind = "протокол"\n[[items]]\nlabel = "1"\n',
                                   encoding="utf-8")
    Path("wrong.toml").write_text('[[items]]\ntext = "x"\ndue = "31 февраля 2022"\n'
                                  '[document]\ndate = 2022-01-01\n', encoding="utf-8")
    result = cli("import", "broken.toml", "missing.toml", roadmap, "wrong.toml", "--yes")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Ошибка: broken.toml: строка 3: нет ключа text",
        "Ошибка: missing.toml: не удаётся прочитать: нет такого файла или папки",
        "Ошибка: wrong.toml: строка 1: due: невозможная дата в '31 февраля 2022': день 31 "
        "месяца 2",
    ]
    assert result.stdout.splitlines()[-1] == (
        "roadmap.toml: импортирован как документ 1: задач 5, назначений 112")
    assert _counts(tmp_path)[0] == 1


def test_nobody_to_assign_is_one_error_line(cli, roadmap, tmp_path):
    result = cli("import", roadmap, "--yes")  # an empty directory: no region
    assert result.exit_code == 1
    assert result.stderr == (
        "Ошибка: roadmap.toml: исполнитель не определён для пунктов с поручениями (4; первый — "
        "строка 12, пункт 1): в справочнике нет региона; сначала импортируйте организации\n")
    assert _counts(tmp_path) == (0, 0, 0, 0)


def test_a_directory_wide_problem_is_said_once_not_on_every_item(cli, roadmap):
    result = cli("import", roadmap, "--dry-run")
    assert result.exit_code == 1
    assert result.stdout.count("сначала импортируйте организации") == 1
    assert ("Замечания к документу: некому поручить пункты с поручениями (4): в справочнике "
            "нет региона; сначала импортируйте организации") in result.stdout


def test_english_locale(cli, directory, roadmap, config_path):
    config_path.write_text('timezone = "Europe/Moscow"\nlocale = "en"\n', encoding="utf-8")
    result = cli("import", roadmap, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        "roadmap.toml: Roadmap No. 141-Пр of 25.08.2021 «Дорожная карта мероприятий по "
        "развитию профессиональной ориентации обучающихся на 2021-2022 учебный год». "
        "Items: 5, actionable: 4; assignments to create: 112",
        "roadmap.toml: dry run, nothing written"]
    assert "statement" in result.stdout
    assert "all municipalities (55)" in result.stdout


# -- the seed documents ------------------------------------------------------------------------


@pytest.fixture
def seed(tmp_path) -> str:
    shutil.copy(EXAMPLES / "working_group_protocol.txt", tmp_path / "protocol.txt")
    return "protocol.txt"


def test_seed_json(cli, seed, tmp_path):
    result = cli("import", seed, "--json")
    assert result.exit_code == 0, result.output
    [data] = json.loads(result.stdout)
    assert data["file"] == "protocol.txt"
    assert data["document"]["kind"] == "protocol"
    assert data["document"]["date"] == "2022-04-11"
    model = next(i for i in data["items"]
                 if i["text"].startswith("Разработать (описать) региональную модель"))
    assert (model["level"], model["actionable"], model["due"], model["recurrence"]) == (
        "regional", True, "2021-08-20", None)
    assert model["due_text"] == "в срок до 20 августа 2021 года"
    assert data["items"][0]["actionable"] is False
    assert all(set(i) == {"label", "text", "level", "actionable", "due", "due_text",
                          "recurrence", "due_source", "source_act", "owners", "warnings"}
               for i in data["items"])
    assert model["source_act"] == "приказ от 15.06.2021 № 556"
    assert model["due_source"] == "phrase"
    assert not (tmp_path / "tracker.db").exists()  # the parse alone needs no database


def test_batch_of_documents_with_bad_files(cli, directory, seed, tmp_path):
    Path("binary.txt").write_bytes(b"\x00\x01\x02binary\xff")
    Path("empty.txt").write_bytes(b"")
    Path("minutes.txt").write_text("Протокол № 5\n\nСлушали: всё хорошо.\n", encoding="utf-8")
    result = cli("import", "binary.txt", "empty.txt", seed, "minutes.txt", "--yes")
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert [e.split(":")[1].strip() for e in errors] == ["binary.txt", "empty.txt", "minutes.txt"]
    assert all(e.startswith("Ошибка: ") for e in errors)
    assert "не найден раздел решений" in errors[2] and errors[2].endswith("и нет сроков")
    assert result.stdout.splitlines()[-1] == (
        "protocol.txt: импортирован как документ 1: задач 17, назначений 393")
    assert _rows(tmp_path, "SELECT count(*) FROM task WHERE actionable = 0") == [(2,)]
    again = cli("import", seed, "--yes")
    assert again.stdout == "protocol.txt: уже импортирован как документ 1; ничего не изменено\n"
    assert _counts(tmp_path) == (1, 17, 393, 17 + 393)


def test_json_gives_items_without_a_level_heading_the_configured_default(cli, config_path):
    Path("order.txt").write_text(
        "ПРИКАЗ\n15.06.2021 № 556\nО проведении мониторинга\n\nПРИКАЗЫВАЮ:\n"
        "1. Провести мониторинг в срок до 20 августа 2021 года.\n", encoding="utf-8")
    [item] = json.loads(cli("import", "order.txt", "--json").stdout)[0]["items"]
    assert (item["level"], item["due"]) == ("municipal", "2021-08-20")
    config_path.write_text('[import]\ndefault_level = "regional"\n', encoding="utf-8")
    [item] = json.loads(cli("import", "order.txt", "--json").stdout)[0]["items"]
    assert item["level"] == "regional"


def test_a_past_document_imported_today_counts_from_its_date(cli, directory, seed, tmp_path):
    """The protocol of 11.04.2022 imported now: a report as of a day in 2022 shows what
    was overdue then, and nothing the day before the protocol."""
    assert cli("import", seed, "--yes").exit_code == 0
    assert {r[0] for r in _rows(tmp_path, "SELECT date(created_at) FROM assignment")} == {
        "2022-04-10"}  # midnight in Moscow is 21:00 UTC the day before
    expected = _rows(tmp_path, "SELECT count(*) FROM assignment a JOIN task t ON t.id = a.task_id"
                               " WHERE t.actionable AND a.due_date < '2022-05-01'")[0][0]
    assert expected > 0
    totals = json.loads(cli("report", "overdue", "--as-of", "01.05.2022", "--format",
                            "json").output)["totals"]
    assert totals["overdue"] == expected
    before = json.loads(cli("report", "overdue", "--as-of", "10.04.2022", "--format",
                            "json").output)["totals"]
    assert before["assigned"] == 0
