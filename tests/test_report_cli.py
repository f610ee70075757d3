"""`tracker report overdue|discipline`: exact outputs and exit codes."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest

from tests import report_dataset


@pytest.fixture
def data(db):
    return report_dataset.build(db)


def _lines(output: str) -> list[str]:
    """The title, the header (its wrapped lines joined into one), the rule, the rows."""
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    rule = next(i for i, line in enumerate(lines) if line.strip().startswith("─"))
    return [lines[0], " ".join(" ".join(lines[1:rule]).split()), *lines[rule:]]


def test_overdue_table(cli, data):
    narrow = cli("report", "overdue", "--as-of", "13.08.2021")
    assert narrow.exit_code == 0, narrow.output
    assert max(len(line) for line in narrow.output.splitlines()) <= 100
    assert "Ромашковская область (собственные поручения)" not in narrow.output  # it wraps
    result = cli("report", "overdue", "--as-of", "13.08.2021", "--wide")
    assert result.exit_code == 0, result.output
    assert "Ромашковская область (собственные поручения)" in result.output
    lines = _lines(result.output)
    assert lines[0] == "Просроченные поручения: Ромашковская область, по состоянию на 13.08.2021"
    # The figure headers wrap (">7 / дн." above each other) so that the table fits.
    assert set(lines[1].split()) == {"Организации", "Поручено", "Просрочено", ">7", "дн.",
                                     ">30", "Ср.", "опоздание", "Самый", "давний", "срок",
                                     "Дисциплина"}
    assert lines[3].split() == ["Батайск", "3", "2", "1", "1", "15,7", "04.07.2021", "0,0",
                                "%"]
    assert lines[4].split() == ["Город", "Азов", "5", "2", "1", "0", "4,7", "03.08.2021",
                                "25,0", "%"]
    assert lines[5].split()[-7:] == ["1", "0", "0", "0", "—", "—", "—"]
    assert lines[6].split() == ["Итого", "9", "4", "2", "1", "10,2", "04.07.2021", "14,3", "%"]


def test_same_day_in_both_date_forms(cli, data):
    iso = cli("report", "discipline", "--as-of", "2021-08-20", "--format", "json")
    ru = cli("report", "discipline", "--as-of", "20.08.2021", "--format", "json")
    assert iso.exit_code == ru.exit_code == 0
    first, second = json.loads(iso.output), json.loads(ru.output)
    first.pop("generated_at"), second.pop("generated_at")
    assert first == second
    assert first["as_of"] == "2021-08-20"


def test_discipline_by_person_table(cli, data):
    result = cli("report", "discipline", "--as-of", "13.08.2021", "--by", "person", "--wide")
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in _lines(result.output)[3:6]]
    assert rows == [
        ["Исполнитель", "не", "назначен", "6", "0", "2", "2", "2", "1", "0,0", "%"],
        ["Петрова", "А.", "А.", "1", "0", "0", "1", "0", "0", "0,0", "%"],
        ["Иванов", "И.", "И.", "2", "1", "0", "1", "0", "0", "50,0", "%"],
    ]


def test_json_carries_every_figure(cli, data):
    result = cli("report", "overdue", "--as-of", "13.08.2021", "--format", "json",
                 "--org", "Город Азов")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["scope"] == "Город Азов" and doc["by"] == "organisation"
    assert doc["totals"] == {
        "key": data["orgs"]["azov"], "name": "Город Азов", "detail": None, "assigned": 5,
        "done": 2, "done_on_time": 1, "done_late": 1, "open": 1, "overdue": 2, "overdue_7": 1,
        "overdue_30": 0, "avg_days_late": 4.67, "oldest_due": "2021-08-03", "oldest_days": 10,
        "extensions": 0, "discipline": 0.25,
    }
    assert [r["name"] for r in doc["rows"]] == [
        "Город Азов (собственные поручения)", "Школа № 1", "Школа № 2"]
    assert set(doc["views"]) == {"organisation", "document", "person", "level"}
    assert [i["assignment_id"] for i in doc["oldest"]] == [data["a"]["a6"], data["a"]["a3"]]
    assert {d["progress"] for d in doc["decisions"]} >= {"1 из 2 школ", "0 из 1 муниципалитета"}


def test_csv_to_file(cli, data, tmp_path):
    out = tmp_path / "отчёт.csv"
    previous = os.umask(0o022)
    try:
        result = cli("report", "overdue", "--as-of", "13.08.2021", "--by", "document",
                     "--format", "csv", "--out", str(out))
    finally:
        os.umask(previous)
    # The umask's permissions, as any file a person saves: -rw-r--r--, not -rw-------.
    assert out.stat().st_mode & 0o777 == 0o644
    assert result.exit_code == 0, result.output
    assert result.output == f"Отчёт записан: {out}\n"
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["Приказ № 600 от 10.06.2021", "2", "0", "0", "0", "2", "2", "1", "25",
                       "04.07.2021", "40", "0", "0,0%"]
    assert rows[-1][0] == "Итого"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_csv_delimiter_option(cli, data):
    result = cli("report", "overdue", "--as-of", "13.08.2021", "--format", "csv",
                 "--delimiter", ",")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output.lstrip("\ufeff"))))
    assert rows[0][:2] == ["Наименование", "Поручено"]
    assert rows[1][0] == "Батайск" and rows[1][8] == "15.67"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2021-02-30"],
         "Ошибка: неверное значение (дата --as-of) '2021-02-30': в месяце 2 года 2021 нет "
         "дня 30\n"),
        (["--as-of", "вчера"],
         "Ошибка: неверное значение (дата --as-of) 'вчера': ожидается ГГГГ-ММ-ДД или ДД.ММ.ГГГГ\n"),
        (["--org", "Нигде"], "Ошибка: организация 'Нигде' не найдена\n"),
        (["--org", "999"], "Ошибка: организация 999 не найдена\n"),
        (["--by", "colour"],
         "Ошибка: неверное значение --by 'colour': ожидается organisation, "
         "document, person или level\n"),
        (["--format", "pdf"],
         "Ошибка: неверный формат 'pdf': ожидается table, json, csv, xlsx или html\n"),
        (["--format", "xlsx"], "Ошибка: для --format xlsx нужен параметр --out ФАЙЛ\n"),
        (["--out", "x.txt"], "Ошибка: для --out нужен --format json, csv, xlsx или html\n"),
        (["--format", "csv", "--delimiter", ";;"],
         "Ошибка: неверное значение --delimiter ';;': ожидается один символ\n"),
        (["--format", "csv", "--out", "/nonexistent/dir/r.csv"],
         "Ошибка: не удаётся записать /nonexistent/dir/r.csv: папки /nonexistent/dir "
         "не существует\n"),
    ],
)
def test_bad_input_one_line_exit_1(cli, data, args, message, tmp_path):
    result = cli("report", "overdue", *args)
    assert result.exit_code == 1
    assert result.output == message
    assert not any(p.suffix in {".csv", ".txt"} for p in tmp_path.iterdir())


def test_default_as_of_is_today(cli, data):
    result = cli("report", "overdue", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    # Today (long after 2021): every assignment still open is overdue.
    assert doc["totals"]["overdue"] == 5 and doc["totals"]["assigned"] == 10


def test_help_has_examples(cli):
    for command in ("overdue", "discipline"):
        result = cli("report", command, "--help")
        assert result.exit_code == 0
        assert "Пример: tracker report" in result.output
