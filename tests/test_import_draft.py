"""`tracker import FILE --draft out.toml`: the parse as a TOML roadmap to review; importing the
draft gives the same tasks as importing the document, and the two count as one document."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tomllib
from pathlib import Path

import pytest

from roadmaps.parser import parse_file
from roadmaps.toml_draft import draft_toml
from roadmaps.toml_roadmap import parse_toml
from tests.conftest import MUNICIPALITIES_CSV

EXAMPLES = Path(__file__).resolve().parents[1] / "roadmaps" / "examples"
TASK_COLUMNS = ("label, text, level, due_date, due_text, recurrence, period_start, period_end, "
                "actionable")


@pytest.fixture
def directory(cli):
    result = cli("org", "import", str(MUNICIPALITIES_CSV), "--parent", "Ростовская область")
    assert result.exit_code == 0, result.output


def _tasks(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(f"SELECT {TASK_COLUMNS} FROM task ORDER BY id").fetchall()


def _assignments(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT t.label, a.organisation_id, a.person_id, a.due_date FROM assignment a "
            "JOIN task t ON t.id = a.task_id ORDER BY a.id").fetchall()


@pytest.mark.parametrize("example", ["working_group_protocol.txt",
                                     "protocol_director_meeting.txt"])
def test_draft_round_trips_to_the_same_tasks(cli, directory, tmp_path, example):
    shutil.copy(EXAMPLES / example, tmp_path / "doc.txt")
    result = cli("import", "doc.txt", "--draft", "draft.toml")
    assert result.exit_code == 0, result.output
    assert "черновик записан в draft.toml" in result.stdout
    assert not (tmp_path / "tracker.db").exists() or _tasks(tmp_path / "tracker.db") == []

    assert cli("import", "draft.toml", "--yes").exit_code == 0
    from_draft = _tasks(tmp_path / "tracker.db"), _assignments(tmp_path / "tracker.db")
    again = cli("import", "doc.txt", "--yes")  # the draft's source: the same document
    assert again.exit_code == 0, again.output
    assert "уже импортирован как документ 1" in again.stdout

    (tmp_path / "tracker.db").unlink()
    assert cli("org", "import", str(MUNICIPALITIES_CSV), "--parent",
               "Ростовская область").exit_code == 0
    assert cli("import", "doc.txt", "--yes").exit_code == 0
    direct = _tasks(tmp_path / "tracker.db"), _assignments(tmp_path / "tracker.db")
    assert from_draft == direct
    assert len(direct[0]) == len(parse_file(tmp_path / "doc.txt").items)


def test_draft_comments_carry_the_source_line_the_deadline_source_and_warnings(tmp_path):
    parsed = parse_file(EXAMPLES / "working_group_protocol.txt")
    text = (EXAMPLES / "working_group_protocol.txt").read_text(encoding="utf-8")
    draft = draft_toml(parsed, text)
    data = tomllib.loads(draft)
    assert data["document"]["source_hash"] == parsed.content_hash
    assert len(data["items"]) == len(parsed.items)
    first_dated = next(i for i in parsed.items if i.due)
    block = draft.split("[[items]]")[parsed.items.index(first_dated)]  # comments above it
    assert f"# строка {first_dated.line}: - Разработать на 2021-2022 учебный год" in block
    assert "# срок: явная формулировка срока («до ...»)" in block
    assert "# решение из: приказ от 15.06.2021 № 556" in block
    assert "# замечание: срок 20.08.2021 раньше даты документа 11.04.2022" in block
    back = parse_toml(draft, source="draft.toml")
    assert [(i.label, i.text, i.due, i.due_text, i.recurrence, i.start, i.level, i.owners,
             i.actionable) for i in back.items] == [
        (i.label, i.text, i.due, i.due_text, i.recurrence, i.start, i.level, i.owners,
         i.actionable) for i in parsed.items]
    assert back.content_hash == parsed.content_hash


def test_draft_of_a_recurring_plan_keeps_the_recurrence_and_period(tmp_path):
    text = ("ПЛАН\nмероприятий на 2022 год\n\n"
            "№ | Мероприятие | Срок | Ответственный\n"
            "1 | Мониторинг посещаемости | ежемесячно | Отдел образования\n"
            "2 | Представить отчёт «О работе» | до 12.00 14.03.2022 | Отдел образования\n")
    from roadmaps.parser import parse_text
    parsed = parse_text(text, source="plan.txt")
    back = parse_toml(draft_toml(parsed, text), source="plan.toml")
    got = [(i.due, i.start, i.recurrence, i.due_text, i.owners) for i in back.items]
    assert got == [(i.due, i.start, i.recurrence, i.due_text, i.owners) for i in parsed.items]
    assert str(got[0][2]) == "monthly" and got[1][3] == "до 12.00 14.03.2022"


def test_draft_takes_one_file(cli, tmp_path):
    shutil.copy(EXAMPLES / "working_group_protocol.txt", tmp_path / "a.txt")
    result = cli("import", "a.txt", "a.txt", "--draft", "d.toml")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Ошибка: --draft принимает один файл"


def test_preview_says_how_it_read_and_how_sure_each_deadline_is(cli, directory, tmp_path):
    Path("order.txt").write_text(
        "ПРИКАЗ\n\n10.01.2022 № 12\n\nО проведении собеседования\n\n"
        "1. Отделу образования провести собеседование 9 февраля 2022 года.\n"
        "2. Отделу образования представить отчёт в срок до 01.03.2022.\n\n"
        "Начальник отдела И.И. Иванов\n\n"
        "Справку об итогах направить до 15.03.2022 по адресу отдела.\n", encoding="utf-8")
    result = cli("import", "order.txt", "--dry-run")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Прочитано как: приказ, пункты с 1 по 2" in out
    assert "выведен" in out and "«до ...»" in out
    assert "Строки с датами, не ставшие пунктами (1):" in out, out[-600:]
    assert "строка 12: Справку об итогах направить до 15.03.2022 по адресу отдела." in out
    data = json.loads(cli("import", "order.txt", "--json").stdout)[0]
    assert [i["due"] for i in data["items"]] == ["2022-02-09", "2022-03-01"]
    assert [i["due_source"] for i in data["items"]] == ["inferred", "phrase"]
    assert data["document"]["read_as"] == "points"
    assert data["unused_dates"] == [
        {"line": 12, "text": "Справку об итогах направить до 15.03.2022 по адресу отдела."}]


def test_preview_says_a_timetable_was_read_by_its_dated_lines(cli, directory, tmp_path):
    Path("timetable.txt").write_text(
        "Расписание\nУтверждённое расписание ОГЭ на 2023 год.\nОсновной период\n"
        "24 мая (среда) |\nистория, физика, биология |\n30 мая (вторник) |\nматематика |\n",
        encoding="utf-8")
    result = cli("import", "timetable.txt", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Прочитано как: график: строки расписания с датами" in result.stdout
