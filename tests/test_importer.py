"""Importing parsed documents into a real SQLite file (tracker.services.importing)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import func, select

from roadmaps.parsed import ParsedDocument, ParsedItem
from roadmaps.toml_roadmap import parse_toml_file
from tests.conftest import NOW
from tracker.core.enums import AssignmentStatus, DocumentKind, EventKind, Level, OrgKind, Recurrence
from tracker.core.errors import InvalidInput
from tracker.core.models import Assignment, Document, Event, Organisation, Person, Task
from tracker.services.importing import import_document, preview
from tracker.services.orgs import add_organisation
from tracker.services.people import add_person

EXAMPLES = Path(__file__).resolve().parents[1] / "roadmaps" / "examples"
DIRECTOR_MEETING = EXAMPLES / "protocol_director_meeting.txt"
WORKING_GROUP = EXAMPLES / "working_group_protocol.txt"
ROADMAP = EXAMPLES / "roadmap_example.toml"


def _import(db, settings, parsed):
    with db.transaction() as session:
        return import_document(parsed, session=session, settings=settings, now=NOW)


def _counts(db) -> tuple[int, int, int, int]:
    with db.reading() as session:
        return tuple(
            session.exec(select(func.count()).select_from(table)).one()
            for table in (Document, Task, Assignment, Event)
        )


def _item(text: str, **fields) -> ParsedItem:
    values = dict(label=None, text=text, level=None, actionable=True, due=None, due_text=None,
                  start=None, recurrence=None, owners=[], warnings=[], line=1)
    values.update(fields)
    return ParsedItem(**values)


def _document(*items: ParsedItem, content_hash: str = "") -> ParsedDocument:
    return ParsedDocument(source="test.txt", kind=DocumentKind.PROTOCOL, number="7",
                          date=date(2021, 8, 1), title=None, issuer=None, chair=None,
                          secretary=None, items=list(items), content_hash=content_hash)


def _tasks(db, document_id: int) -> dict[str, tuple[Task, list[Assignment]]]:
    with db.reading() as session:
        tasks = session.exec(select(Task).where(Task.document_id == document_id)
                             .order_by(Task.id)).all()
        return {
            task.text: (task, list(session.exec(
                select(Assignment).where(Assignment.task_id == task.id))))
            for task in tasks
        }


def _municipality_ids(db, region) -> set[int]:
    with db.reading() as session:
        return set(session.exec(select(Organisation.id).where(
            Organisation.parent_id == region.id, Organisation.kind == OrgKind.MUNICIPALITY)))


# -- the seed documents ------------------------------------------------------------------------


def test_working_group_protocol_imports_by_level(db, settings, region):
    from roadmaps.parser import parse_file

    parsed = parse_file(WORKING_GROUP)
    outcome = _import(db, settings, parsed)
    assert not outcome.already
    tasks = _tasks(db, outcome.document_id)
    assert outcome.tasks == len(parsed.items) == len(tasks)

    model = next(t for text, t in tasks.items()
                 if text.startswith("Разработать (описать) региональную модель"))
    task, assignments = model
    assert (task.level, task.due_date, task.actionable) == (Level.REGIONAL, date(2021, 8, 20), True)
    assert [(a.organisation_id, a.due_date, a.status) for a in assignments] == [
        (region.id, date(2021, 8, 20), AssignmentStatus.OPEN)]

    rmo = next(t for text, t in tasks.items() if text.startswith(
        "Создать на уровне муниципальных образований") and "районные методические" in text)
    task, assignments = rmo
    assert (task.level, task.due_date) == (Level.MUNICIPAL, date(2021, 9, 1))
    assert len(assignments) == 55
    assert {a.organisation_id for a in assignments} == _municipality_ids(db, region)
    assert {a.due_date for a in assignments} == {date(2021, 9, 1)}

    noted = next(t for text, t in tasks.items() if text.startswith("Информацию принять"))
    assert noted[0].actionable is False and noted[1] == []

    with db.reading() as session:
        document = session.get(Document, outcome.document_id)
        assert document.kind == DocumentKind.PROTOCOL
        assert document.content_hash == parsed.content_hash
        created = session.exec(select(func.count()).select_from(Event).where(
            Event.kind == EventKind.CREATED)).one()
        assigned = session.exec(select(func.count()).select_from(Event).where(
            Event.kind == EventKind.ASSIGNED)).one()
    assert created == outcome.tasks
    assert assigned == outcome.assignments == sum(len(a) for _, a in tasks.values())


def test_director_meeting_protocol_imports(db, settings, region):
    from roadmaps.parser import parse_file

    parsed = parse_file(DIRECTOR_MEETING)
    outcome = _import(db, settings, parsed)
    tasks = _tasks(db, outcome.document_id)
    assert outcome.tasks == len(parsed.items) == len(tasks)
    results = [t for text, (t, _) in tasks.items() if text.startswith("Повысить охват")]
    assert [t.actionable for t in results] == [False]
    for task, assignments in tasks.values():
        assert bool(assignments) == task.actionable, task.text


@pytest.mark.parametrize("path", [WORKING_GROUP, DIRECTOR_MEETING, ROADMAP])
def test_same_file_twice_changes_nothing(db, settings, region, path):
    from roadmaps.parser import parse_file

    read = parse_toml_file if path.suffix == ".toml" else parse_file
    first = _import(db, settings, read(path))
    before = _counts(db)
    again = _import(db, settings, read(path))
    assert again.already and again.document_id == first.document_id
    assert (again.tasks, again.assignments) == (0, 0)
    assert _counts(db) == before
    with db.reading() as session:
        plan = preview(read(path), session=session, settings=settings)
    assert plan.existing_id == first.document_id


def test_a_failing_item_rolls_back_the_whole_document(db, settings, region):
    from roadmaps.parser import parse_file

    parsed = parse_file(WORKING_GROUP)
    # The last item fails in the database, after every other item was written.
    broken = replace(parsed.items[-1], due="2021-13-45")
    parsed.items[-1] = broken
    before = _counts(db)
    with pytest.raises(Exception, match="date"):
        _import(db, settings, parsed)
    assert _counts(db) == before


# -- hand-built documents ----------------------------------------------------------------------


def test_preview_counts_and_owner_labels(db, settings, region):
    parsed = _document(
        _item("Разработать модель", level=Level.REGIONAL, due=date(2021, 9, 1)),
        _item("Создать объединения", level=Level.MUNICIPAL, due=date(2021, 9, 15)),
        _item("Информацию принять к сведению", actionable=False),
        _item("Провести семинар", owners=["Управлению культуры"], level=Level.REGIONAL),
    )
    with db.reading() as session:
        plan = preview(parsed, session=session, settings=settings)
    assert [p.owners for p in plan.items] == [
        ["Ростовская область"], ["все муниципалитеты (55)"], [], ["Ростовская область"]]
    assert [p.assignments for p in plan.items] == [1, 55, 0, 1]
    assert plan.assignments == 57
    assert plan.items[3].unmatched == ["Управлению культуры"]
    assert plan.items[3].warnings == ["исполнитель «Управлению культуры» не найден в справочнике"]
    assert plan.existing_id is None and plan.problems == []
    assert _counts(db) == (0, 0, 0, 0)


def test_people_and_bodies_get_their_own_assignment(db, settings, region):
    with db.transaction() as session:
        ministry = add_organisation(session=session, kind=OrgKind.OTHER,
                                    name="Министерство образования Ростовской области",
                                    parent=session.get(Organisation, region.id))
        person = add_person(session=session, name="Пушкарева Елена Алексеевна",
                            organisation=ministry)
        ministry_id, person_id = ministry.id, person.id
    parsed = _document(
        _item("Подготовить рекомендации", owners=["Пушкаревой Е.А."], level=Level.REGIONAL),
        _item("Провести совещание", owners=["министерству образования Ростовской области"],
              level=Level.MUNICIPAL, due=date(2021, 10, 1)),
    )
    outcome = _import(db, settings, parsed)
    tasks = _tasks(db, outcome.document_id)
    (_, [by_person]) = tasks["Подготовить рекомендации"]
    assert (by_person.organisation_id, by_person.person_id) == (ministry_id, person_id)
    (_, [by_body]) = tasks["Провести совещание"]
    assert (by_body.organisation_id, by_body.person_id) == (ministry_id, None)


def test_recurring_items_keep_their_period_and_owners(db, settings, region):
    parsed = _document(_item(
        "Представлять отчёт", level=Level.MUNICIPAL, recurrence=Recurrence.MONTHLY,
        start=date(2022, 1, 1), due=date(2022, 12, 31), due_text="ежемесячно в течение 2022 года",
    ))
    outcome = _import(db, settings, parsed)
    [(task, assignments)] = _tasks(db, outcome.document_id).values()
    assert (task.recurrence, task.period_start, task.period_end) == (
        Recurrence.MONTHLY, date(2022, 1, 1), date(2022, 12, 31))
    assert task.due_text == "ежемесячно в течение 2022 года"
    # One assignment per owner names who gets the occurrences; none are generated here.
    assert len(assignments) == 55
    assert {a.period for a in assignments} == {None}


def test_actionable_item_nobody_can_take_is_refused_before_writing(db, settings):
    with db.transaction() as session:
        add_organisation(session=session, name="Ростовская область", kind=OrgKind.REGION)
        add_organisation(session=session, name="Краснодарский край", kind=OrgKind.REGION)
    before = _counts(db)
    parsed = _document(_item("Сделать", label="3", line=12, level=Level.REGIONAL))
    with pytest.raises(InvalidInput) as error:
        _import(db, settings, parsed)
    assert str(error.value) == (
        "test.txt, строка 12: пункт 3: исполнитель не определён (некому поручить: в справочнике "
        "несколько регионов; укажите import.region в конфигурации)")
    assert _counts(db) == before


def test_a_failing_item_rolls_back_everything_written_before_it(db, settings, region):
    parsed = _document(
        _item("Разработать модель", level=Level.REGIONAL, due=date(2021, 9, 1)),
        _item("Создать объединения", level=Level.MUNICIPAL, due=date(2021, 9, 15)),
        # Fails in the database, after the items above were flushed.
        _item("Провести семинар", level=Level.REGIONAL, due="2021-13-45"),
    )
    before = _counts(db)
    with pytest.raises(Exception, match="date"):
        _import(db, settings, parsed)
    assert _counts(db) == before


def test_a_parse_without_a_file_hash_is_still_recognised(db, settings, region):
    parsed = _document(_item("Сделать", level=Level.REGIONAL))
    first = _import(db, settings, parsed)
    again = _import(db, settings, _document(_item("Сделать", level=Level.REGIONAL)))
    assert again.already and again.document_id == first.document_id
    other = _import(db, settings, _document(_item("Сделать иначе", level=Level.REGIONAL)))
    assert not other.already


def test_toml_roadmap_imports_through_the_same_path(db, settings, region):
    outcome = _import(db, settings, parse_toml_file(ROADMAP))
    tasks = _tasks(db, outcome.document_id)
    assert [(t.label, t.level, t.due_date, t.recurrence, t.actionable, len(a))
            for t, a in tasks.values()] == [
        ("1", Level.REGIONAL, date(2021, 9, 15), None, True, 1),
        ("2", Level.MUNICIPAL, date(2021, 10, 1), None, True, 55),
        ("3", Level.MUNICIPAL, date(2022, 8, 31), Recurrence.MONTHLY, True, 55),
        ("4", Level.REGIONAL, date(2021, 11, 30), None, True, 1),
        ("5", Level.MUNICIPAL, None, None, False, 0),
    ]
    monthly = tasks["Представлять отчёт о профориентационных мероприятиях"][0]
    assert (monthly.period_start, monthly.period_end) == (date(2021, 9, 1), date(2022, 8, 31))
    with db.reading() as session:
        document = session.get(Document, outcome.document_id)
        people = session.exec(select(func.count()).select_from(Person)).one()
    assert (document.kind, document.number, document.date) == (
        DocumentKind.ROADMAP, "141-Пр", date(2021, 8, 25))
    assert people == 0
