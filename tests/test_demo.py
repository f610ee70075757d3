"""`tracker demo`: what it builds, sends and prints, re-runs, and which folders it refuses.

The full demo runs once for the module (it is meant to take seconds); the re-run walks a
few days only.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

MODEL = "Разработать (описать) региональную модель организации системы профориентации"
METHOD_UNIONS = "Создать на уровне муниципальных образований/образовательных организаций"


def _demo(folder, *args):
    from tracker.cli.main import app

    return CliRunner().invoke(app, ["demo", "--dir", str(folder), *args])


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(folder, CLI result) of one full demo, with no TRACKER_* variable set."""
    folder = tmp_path_factory.mktemp("walk") / "demo"
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("TRACKER_")]:
            patch.delenv(name)
        result = _demo(folder)
    assert result.exit_code == 0, result.output
    return folder, result


@pytest.fixture
def session(demo):
    from tracker.core.db import open_database

    db = open_database(f"sqlite:///{demo[0] / 'tracker.db'}")
    with db.reading() as session:
        yield session
    db.dispose()


def test_both_seed_protocols_are_imported(session):
    from tracker.core.models import Document

    documents = session.execute(select(Document.kind, Document.number, Document.date)
                                .order_by(Document.date)).all()
    assert documents == [("protocol", "1", date(2021, 6, 15)),
                         ("protocol", "21", date(2022, 4, 11))]


def test_regional_item_goes_to_the_region_and_municipal_item_to_all_55(session):
    from tracker.core.models import Assignment, Organisation, Task

    model = session.execute(select(Task).where(Task.text.startswith(MODEL))).scalar_one()
    assert (model.due_date, model.level) == (date(2021, 8, 20), "regional")
    owners = session.execute(select(Organisation.kind, Assignment.created_at)
                             .join(Assignment, Assignment.organisation_id == Organisation.id)
                             .where(Assignment.task_id == model.id)).all()
    assert [kind for kind, _ in owners] == ["region"]
    # Created on the first protocol's date (10:00 in Moscow): the walk starts there.
    assert owners[0][1].isoformat().startswith("2021-06-15T07:00")

    unions = session.execute(select(Task).where(Task.text.startswith(METHOD_UNIONS))
                             ).scalar_one()
    assert (unions.due_date, unions.level) == (date(2021, 9, 1), "municipal")
    kinds = session.execute(select(Organisation.kind, func.count(Assignment.id))
                            .join(Assignment, Assignment.organisation_id == Organisation.id)
                            .where(Assignment.task_id == unions.id)
                            .group_by(Organisation.kind)).all()
    assert kinds == [("municipality", 55)]


def test_messages_are_written_to_the_outbox(demo, session):
    from tracker.core.enums import ChannelPref
    from tracker.core.models import OutboxMessage, Person

    outbox = demo[0] / "outbox"
    emails = list(outbox.glob("*.eml"))
    assert len(emails) > 100
    chats = set(session.scalars(select(Person.telegram_chat_id).where(
        Person.channels == ChannelPref.TELEGRAM)))
    assert chats  # the demo has Telegram people, so the log has lines for them
    lines = [json.loads(line) for line in
             (outbox / "telegram.log").read_text(encoding="utf-8").splitlines()]
    assert lines and {line["chat_id"] for line in lines} <= chats
    sent = session.scalar(select(func.count()).select_from(OutboxMessage)
                          .where(OutboxMessage.status == "sent"))
    assert sent == len(emails) + len(lines)
    kinds = set(session.scalars(select(OutboxMessage.kind).distinct()))
    assert {"reminder", "overdue", "escalation"} <= kinds


def test_telegram_log_holds_what_telegram_would_show(demo):
    lines = [json.loads(line) for line in
             (demo[0] / "outbox" / "telegram.log").read_text(encoding="utf-8").splitlines()]
    reminders = [r for r in lines if r["kind"] in ("reminder", "overdue")]
    assert reminders
    for record in lines:
        assert record["parse_mode"] == "HTML" and record["chunks"]
        assert record["text"] == "\n\n".join(record["chunks"])
        # The bot's wording, not the email's: no calendar attachment, no "in the bot".
        assert ".ics" not in record["text"] and "в Telegram-боте" not in record["text"]
    for record in reminders:
        assert "<b>" in record["text"]
        first = record["assignments"][0]
        labels = [b["text"] for b in record["buttons"][0]]
        assert labels[0].startswith("✅ Выполнено"), labels
        assert all(b["callback_data"] and str(first) in b["callback_data"]
                   for b in record["buttons"][0])


def test_every_report_view_has_content(demo):
    """Officers are named on most assignments: the by-person report has people, not
    only «Исполнитель не назначен»."""
    result = CliRunner().invoke(__import__("tracker.cli.main", fromlist=["app"]).app, [
        "--config", str(demo[0] / "config.toml"), "report", "discipline", "--by", "person",
        "--as-of", "14.09.2022", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    named = [r for r in rows if r["key"] is not None]
    assert len(named) >= 40
    nobody = [r for r in rows if r["key"] is None]
    assert nobody and nobody[0]["assigned"] < 400


def test_officers_complete_assignments_during_the_walk(session):
    from tracker.core.models import Assignment

    done = session.execute(select(Assignment.completed_at, Assignment.completed_via)
                           .where(Assignment.status == "done")).all()
    total = session.scalar(select(func.count()).select_from(Assignment))
    assert 0 < len(done) < total
    assert {via for _, via in done} == {"bot", "cli"}
    days = {at.date() for at, _ in done}
    assert min(days) > date(2021, 6, 15) and max(days) <= date(2022, 9, 14)


def test_summary_lines_match_the_database(demo, session):
    from tracker.core.models import Assignment

    folder, result = demo
    as_of = date(2022, 9, 14)  # two weeks past the last deadline, 31.08.2022
    total = session.scalar(select(func.count()).select_from(Assignment))
    done = session.scalar(select(func.count()).select_from(Assignment)
                          .where(Assignment.status == "done"))
    overdue = session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.status == "open", Assignment.due_date < as_of))
    outbox = folder / "outbox"
    emails = len(list(outbox.glob("*.eml")))
    telegrams = len((outbox / "telegram.log").read_text(encoding="utf-8").splitlines())
    lines = result.stdout.splitlines()
    assert re.search(r"Просроченные поручения: Ростовская область, по состоянию на 14\.09\.2022",
                     result.stdout)
    # The closing lines are Russian, as the rest of the screen.
    assert f"Просрочено на 14.09.2022: {overdue} из {total} поручений; исполнено {done}." in lines
    assert (f"Отправлено сообщений: {emails + telegrams}. Писем: {emails} (файлы .eml в "
            f"{outbox}), сообщений в Telegram: {telegrams} (в {outbox / 'telegram.log'}).") in lines
    assert lines[-1] == (f"Дальше: cd {folder} && tracker report overdue --as-of 14.09.2022; "
                         "tracker tasks list --status overdue --as-of 14.09.2022; "
                         "tracker outbox list")
    assert overdue > 0 and total == 998


def test_a_second_run_starts_afresh_and_keeps_other_files(tmp_path):
    from tracker.core.db import open_database
    from tracker.core.models import Document

    folder = tmp_path / "demo"
    assert _demo(folder, "--days", "3").exit_code == 0
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    result = _demo(folder, "--days", "70")
    assert result.exit_code == 0, result.output
    assert "Просрочено на 24.08.2021: " in result.stdout
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    db = open_database(f"sqlite:///{folder / 'tracker.db'}")
    try:
        with db.reading() as session:
            assert session.scalar(select(func.count()).select_from(Document)) == 2
    finally:
        db.dispose()
    assert list((folder / "outbox").glob("*.eml"))


@pytest.mark.parametrize("occupied", ["folder", "file"])
def test_a_folder_that_is_not_a_demo_is_refused(tmp_path, occupied):
    target = tmp_path / "demo"
    if occupied == "folder":
        target.mkdir()
        (target / "config.toml").write_text("# mine", encoding="utf-8")
        expected = f"Ошибка: папка {target} не пуста и не содержит демонстрации; удалите её " \
                   "или укажите другую папку в --dir\n"
    else:
        target.write_text("# mine", encoding="utf-8")
        expected = f"Ошибка: {target} — не папка; укажите другую папку в --dir\n"
    result = _demo(target)
    assert result.exit_code == 1
    assert result.output == expected
    if occupied == "folder":
        assert sorted(p.name for p in target.iterdir()) == ["config.toml"]
        assert (target / "config.toml").read_text(encoding="utf-8") == "# mine"
    else:
        assert target.read_text(encoding="utf-8") == "# mine"
