"""What an official reads in the terminal: Russian tables and records (English with
locale "en"), tables that fit 100 columns (--wide: whole texts), `tasks list --as-of`,
`tasks show` naming who was reminded and folding old reminders, and the pager rule."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.conftest import MUNICIPALITIES_CSV
from tracker.terminal import MAX_WIDTH, should_page

LONG = ("Разработать и утвердить муниципальную программу развития системы профессиональной "
        "ориентации обучающихся общеобразовательных организаций на 2021–2025 годы")


def _world(cli, db):
    from tracker.core.enums import EventKind, Via
    from tracker.core.models import Event

    cli("org", "import", str(MUNICIPALITIES_CSV), "--parent", "Ростовская область")
    cli("people", "add", "Константинопольская-Щедрина Александра Владимировна", "--org",
        "Матвеево-Курганский район", "--email", "konstantinopolskaya-shchedrina@example.ru")
    cli("tasks", "add", LONG, "--due", "20.08.2021", "--org", "Матвеево-Курганский район",
        "--label", "2.2")
    cli("tasks", "add", "Составить план", "--due", "2999-01-01", "--org", "Город Азов")
    with db.transaction() as s:  # twelve reminders, as the scheduler records them
        start = datetime(2021, 8, 10, 6, 0, tzinfo=UTC)
        for n in range(12):
            s.add(Event(kind=EventKind.REMINDED, assignment_id=1, via=Via.SCHEDULER,
                        at=start + timedelta(days=3 * n),
                        details=json.dumps({"recipient_id": 1, "channel": "email",
                                            "rule": "overdue", "step": n})))


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_tasks_list_russian_fits_100_columns_and_as_of(cli, db):
    _world(cli, db)
    before = cli("tasks", "list", "--as-of", "15.08.2021").output
    assert "просрочено" not in before and "в работе" in before
    later = cli("tasks", "list", "--as-of", "25.08.2021")
    assert later.exit_code == 0
    assert "просрочено на 5 дн." in later.output
    assert _widest(later.output) <= MAX_WIDTH
    assert LONG not in later.output and "…" in later.output
    for header in ("Поручение", "Организация", "Срок", "Состояние"):
        assert header in later.output
    wide = cli("tasks", "list", "--as-of", "25.08.2021", "--wide").output
    assert LONG in wide and _widest(wide) > MAX_WIDTH
    bad = cli("tasks", "list", "--as-of", "32.13.2021")
    assert bad.exit_code == 1 and bad.output.count("\n") == 1


def test_tasks_show_names_who_was_reminded_and_folds_old_reminders(cli, db):
    _world(cli, db)
    shown = cli("tasks", "show", "1", "--as-of", "25.08.2021").output
    assert "Ответственный: не назначен" in shown
    assert "Состояние:     просрочено на 5 дн." in shown
    reminders = [ln for ln in shown.splitlines() if "напоминание" in ln]
    assert len(reminders) == 5
    assert all("кому: Константинопольская-Щедрина Александра Владимировна" in ln
               for ln in reminders)
    assert "… ещё 7 напоминаний с 10.08.2021 по 28.08.2021 (все: --wide)" in shown
    assert "назначено, из командной строки" in shown
    everything = cli("tasks", "show", "1", "--wide").output
    assert sum("напоминание" in ln for ln in everything.splitlines()) == 12
    data = json.loads(cli("tasks", "show", "1", "--json").output)
    assert data["events"][1]["to"] == "Константинопольская-Щедрина Александра Владимировна"


def test_people_list_russian_and_narrow(cli, db):
    _world(cli, db)
    out = cli("people", "list").output
    assert "исполнитель" in out and "officer" not in out
    assert "ФИО" in out and "Эл. почта" in out
    assert _widest(out) <= MAX_WIDTH
    assert "Константинопольская-Щедрина Александра Владимировна" in cli(
        "people", "list", "--wide").output


def test_english_with_locale_en(cli, db, config_path):
    _world(cli, db)
    config_path.write_text('timezone = "Europe/Moscow"\nlocale = "en"\n', encoding="utf-8")
    assert "overdue 5 d" in cli("tasks", "list", "--as-of", "25.08.2021").output
    assert "reminded, by the scheduler, to" in cli("tasks", "show", "1").output
    assert "officer" in cli("people", "list").output


def test_pager_only_on_a_terminal_and_only_for_long_output():
    long = "x\n" * 100
    assert should_page(long, is_tty=True, height=40)
    assert not should_page(long, is_tty=False, height=40)
    assert not should_page("x\n" * 10, is_tty=True, height=40)
