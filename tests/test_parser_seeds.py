"""The two real documents in roadmaps/examples/ import with every item, label, level,
actionable flag and due date right."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from roadmaps.parser import parse_file
from tracker.core.enums import DocumentKind, Level

EXAMPLES = Path(__file__).resolve().parents[1] / "roadmaps" / "examples"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture(scope="module")
def director_meeting():
    return parse_file(EXAMPLES / "protocol_director_meeting.txt")


@pytest.fixture(scope="module")
def working_group():
    return parse_file(EXAMPLES / "working_group_protocol.txt")


@pytest.mark.parametrize("example, seed", [
    ("protocol_director_meeting.txt", "000_d66d7298df41bd07.txt"),
    ("working_group_protocol.txt", "001_873d3f1ffd0cf81e.txt"),
])
def test_examples_are_copies_of_the_seeds(example, seed):
    if not (SEEDS / seed).exists():
        pytest.skip("shared seeds not available")
    assert (EXAMPLES / example).read_bytes() == (SEEDS / seed).read_bytes()


def test_director_meeting_metadata(director_meeting):
    doc = director_meeting
    assert doc.kind is DocumentKind.PROTOCOL
    assert doc.number == "1"
    assert doc.date == date(2021, 6, 15)
    assert doc.title.startswith("совещания с директорами общеобразовательных учреждений")
    assert doc.secretary == "Державина А.П"
    assert doc.chair is None
    assert len(doc.content_hash) == 64
    assert doc.warnings == []


def test_director_meeting_items(director_meeting):
    got = [(i.label, i.parent_label, i.actionable, i.due) for i in director_meeting.items]
    end = date(2022, 8, 31)
    assert got == [
        ("1", None, False, None),
        ("1.1", "1", False, None), ("1.2", "1", False, None),
        ("1.3", "1", False, None), ("1.4", "1", False, None),
        ("2", None, False, None),
        ("2.1", "2", True, None), ("2.2", "2", True, None), ("2.3", "2", True, None),
        ("2.4", "2", True, None), ("2.5", "2", True, None),
        ("3", None, False, None),
        ("3.1", "3", True, end), ("3.2", "3", True, end), ("3.3", "3", True, end),
        ("3.4", "3", True, end), ("3.5", "3", True, end),
        ("4", None, True, None),
    ]


def test_director_meeting_agenda_is_not_items(director_meeting):
    texts = [item.text for item in director_meeting.items]
    assert not any(text.startswith("Профильное обучение") for text in texts)
    assert not any(text.startswith("Выявление профессиональных") for text in texts)


def test_director_meeting_period_passes_to_sub_items(director_meeting):
    by_label = {item.label: item for item in director_meeting.items}
    item = by_label["3.5"]
    assert item.text == "Реализация проектов по профориентации"
    assert item.start == date(2021, 9, 1)
    assert item.due_text == "на 2021-2022 учебный год"
    assert item.recurrence is None
    assert item.warnings == []


def test_director_meeting_event_dates_and_regularity_are_not_deadlines(director_meeting):
    by_label = {item.label: item for item in director_meeting.items}
    # "от 10.06.2021" names the order; "систематическую" / "регулярно" give no date.
    assert by_label["4"].due is None and by_label["4"].due_text is None
    assert by_label["4"].owners == ["руководителям ОУ"]
    assert by_label["2.4"].recurrence is None
    assert by_label["2.4"].warnings == ["no deadline found"]


def test_working_group_metadata(working_group):
    doc = working_group
    assert doc.kind is DocumentKind.PROTOCOL
    assert doc.date == date(2022, 4, 11)
    assert doc.number == "21"  # the bare number set beside the date in the form
    assert doc.chair == "Пушкарева Е.А."
    assert doc.secretary == "Арбузова Л.Е."
    assert doc.title.startswith("заседания рабочей группы по совершенствованию")


def test_working_group_resolution(working_group):
    resolved = [i for i in working_group.items if i.label is not None]
    assert [(i.label, i.actionable, i.due, i.level) for i in resolved] == [
        ("1", False, None, None), ("2", False, None, None),
        ("3", True, None, None), ("4", True, None, None),
    ]
    assert resolved[0].text == "Информацию принять к сведению."
    assert resolved[1].text.endswith("считать удовлетворительным.")


def test_working_group_management_decisions_by_level(working_group):
    bullets = [i for i in working_group.items if i.label is None]
    regional = [i for i in bullets if i.level is Level.REGIONAL]
    municipal = [i for i in bullets if i.level is Level.MUNICIPAL]
    assert len(regional) == 8 and len(municipal) == 5 and len(bullets) == 13
    assert all(i.actionable for i in bullets)
    assert [i.due for i in regional] == [
        date(2021, 8, 20), None, date(2021, 8, 20), date(2021, 8, 31), date(2021, 8, 31),
        date(2021, 10, 1), date(2021, 10, 1), date(2021, 10, 1),
    ]
    assert [i.due for i in municipal] == [
        date(2021, 9, 15), date(2021, 9, 1), date(2021, 9, 15), None, None,
    ]


def test_working_group_named_decisions(working_group):
    by_start = {i.text[:40]: i for i in working_group.items}
    model = next(i for i in working_group.items
                 if i.text.startswith("Разработать (описать) региональную модель"))
    assert (model.level, model.due, model.due_text) == (
        Level.REGIONAL, date(2021, 8, 20), "в срок до 20 августа 2021 года")
    registry = next(v for k, v in by_start.items() if k.startswith("Составить реестр"))
    assert registry.due == date(2021, 10, 1)
    unions = next(i for i in working_group.items if i.text.startswith(
        "Создать на уровне муниципальных образований"))
    assert "районные методические объединения" in unions.text
    assert (unions.level, unions.due) == (Level.MUNICIPAL, date(2021, 9, 1))
    municipal_models = next(i for i in working_group.items if i.text.startswith(
        "Разработать (описать) муниципальные модели"))
    assert municipal_models.due == date(2021, 9, 15)


def test_working_group_cited_order_is_not_the_document(working_group):
    # "приказом ... от 15.06.2021 № 556" and "от 11.03.2021 № 194" are in the body.
    assert working_group.number != "556" and working_group.date != date(2021, 6, 15)
