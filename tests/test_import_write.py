"""The import's write (tracker.services.importing): Core bulk inserts that store exactly the
rows and events the ORM path stored, one directory per batch, nothing half-written; and
`roadmaps/` stays pure (no database modules)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from roadmaps.parsed import ParsedDocument, ParsedItem
from roadmaps.reading import read_document
from tests.conftest import MUNICIPALITIES_CSV, NOW
from tracker.core.enums import DocumentKind, EventKind, Level, Recurrence, Via
from tracker.core.models import Document, Organisation, Task
from tracker.services import importing
from tracker.services.importing import ImportBatch, decided_at, import_document, preview
from tracker.services.tasks import AssignTarget, assign_many, record_event

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "roadmaps" / "examples"
TABLES = ("document", "task", "assignment", "event")
PG_URL = os.environ.get("TRACKER_TEST_PG_URL")


def _item(text: str, **fields) -> ParsedItem:
    values = dict(label=None, text=text, level=None, actionable=True, due=None, due_text=None,
                  start=None, recurrence=None, owners=[], warnings=[], line=1)
    values.update(fields)
    return ParsedItem(**values)


def _handmade() -> ParsedDocument:
    """Items of every kind: a named person, an unmatched owner, a statement, a recurring
    item, a cited act, a long due text, and the same organisation with two people."""
    items = [
        _item("Разработать   модель", label="1", level=Level.REGIONAL, due=date(2021, 9, 1),
              owners=["Пушкаревой Е.А."], line=3, due_text="до 1 сентября " * 40),
        _item("Провести семинар", label="2", owners=["Управлению культуры"],
              level=Level.REGIONAL, line=5),
        _item("Информацию принять к сведению", label="3", actionable=False, line=7),
        _item("Представлять отчёт", label="4", level=Level.MUNICIPAL,
              recurrence=Recurrence.MONTHLY, start=date(2021, 9, 1), due=date(2022, 5, 31),
              line=9),
        _item("Исполнить приказ", label="5", level=Level.REGIONAL, line=11,
              owners=["Иванова М.Н.", "Сидоров П.П."], due=date(2021, 12, 1)),
    ]
    items[4] = replace(items[4], cited_act="приказ № 556", cited_number="556",
                       cited_date=date(2021, 6, 15))
    return ParsedDocument(source="handmade.txt", kind=DocumentKind.PROTOCOL, number="7",
                          date=date(2021, 8, 1), title="Протокол", issuer=None, chair=None,
                          secretary=None, items=items, content_hash="")


def _documents() -> list[ParsedDocument]:
    return [read_document(EXAMPLES / "working_group_protocol.txt"),
            read_document(EXAMPLES / "protocol_director_meeting.txt"),
            read_document(EXAMPLES / "roadmap_example.toml"), _handmade()]


def _seed(db) -> None:
    import csv

    from sqlmodel import select

    from tracker.core.enums import OrgKind
    from tracker.services.orgs import add_organisation, import_organisations
    from tracker.services.people import add_person

    rows = list(csv.DictReader(MUNICIPALITIES_CSV.read_text(encoding="utf-8-sig").splitlines()))
    with db.transaction() as session:
        import_organisations(session=session, rows=rows, parent="Ростовская область",
                             source=str(MUNICIPALITIES_CSV))
        region = session.exec(select(Organisation).where(Organisation.kind == "region")).one()
        ministry = add_organisation(session=session, parent=region, kind=OrgKind.OTHER,
                                    name="Министерство образования")
        add_person(session=session, name="Пушкарева Елена Алексеевна", organisation=ministry)
        add_person(session=session, name="Иванова М.Н.", organisation=ministry)
        add_person(session=session, name="Сидоров П.П.", organisation=ministry)
        gone = add_person(session=session, name="Петров А.А.", organisation=ministry)
        gone.active = False


def _orm_write(session, parsed, settings, now) -> None:
    """The import as it was written before the Core path: ORM entities, `record_event`
    and `assign_many` per task (the reference the bulk write must equal)."""
    plan = preview(parsed, session=session, settings=settings)
    document = Document(
        kind=parsed.kind, number=parsed.number, date=parsed.date, title=parsed.title,
        issuer=parsed.issuer, chair=parsed.chair, secretary=parsed.secretary,
        source=(parsed.source or "")[-500:] or None, content_hash=plan.content_hash,
        imported_at=now)
    session.add(document)
    session.flush()
    directory = plan.batch.directory
    began = decided_at(parsed.date, settings.zone, now)
    for planned in plan.items:
        item = planned.item
        spans = item.recurrence is not None or item.start is not None
        task = Task(document_id=document.id, label=item.label, text=" ".join(item.text.split()),
                    level=planned.level, due_date=item.due,
                    due_text=(item.due_text or None) and item.due_text[:300],
                    recurrence=item.recurrence, period_start=item.start,
                    period_end=item.due if spans else None, actionable=item.actionable,
                    created_at=now)
        session.add(task)
        session.flush()
        details = {"document": document.id, "line": item.line}
        if planned.unmatched:
            details["unmatched"] = planned.unmatched
        if item.cited_act:
            details["source_act"] = {
                "text": item.cited_act, "number": item.cited_number,
                "date": item.cited_date.isoformat() if item.cited_date else None}
        record_event(session=session, kind=EventKind.CREATED, via=Via.IMPORT, at=now,
                     task_id=task.id, **details)
        if planned.actionable:
            targets = [AssignTarget(
                t.organisation_id, directory.orgs[t.organisation_id].name, t.person_id,
                directory.people[t.person_id].name if t.person_id is not None else None)
                for t in planned.targets]
            assign_many(session=session, task=task, targets=targets, now=now, via=Via.IMPORT,
                        began=began)
    session.flush()


def _dump(db) -> dict[str, list[tuple]]:
    """Every row of the import's tables as the database stores it (raw driver values)."""
    with db.engine.connect() as connection:
        return {t: [tuple(r) for r in connection.exec_driver_sql(
            f"SELECT * FROM {t} ORDER BY id")] for t in TABLES}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=[
    pytest.mark.postgres, pytest.mark.skipif(not PG_URL, reason="TRACKER_TEST_PG_URL not set")])])
def two_databases(request, tmp_path):
    """Two empty databases with the same directory: one for the import, one for the
    reference write."""
    from tracker.core.db import open_database

    if request.param == "sqlite":
        urls = [f"sqlite:///{tmp_path / 'import.db'}", f"sqlite:///{tmp_path / 'orm.db'}"]
    else:
        base, _, name = PG_URL.rpartition("/")
        engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            for db in ("tracker_import_a", "tracker_import_b"):
                connection.execute(text(f"DROP DATABASE IF EXISTS {db}"))
                connection.execute(text(f"CREATE DATABASE {db}"))
        engine.dispose()
        urls = [f"{base}/tracker_import_a", f"{base}/tracker_import_b"]
    databases = [open_database(url) for url in urls]
    for db in databases:
        _seed(db)
    yield databases
    for db in databases:
        db.dispose()


def test_bulk_write_stores_what_the_orm_path_stored(two_databases, settings):
    bulk, orm = two_databases
    outcomes = importing.import_documents(_documents(), db=bulk, settings=settings, now=NOW)
    for parsed in _documents():
        with orm.transaction() as session:
            _orm_write(session, parsed, settings, NOW)
    written, expected = _dump(bulk), _dump(orm)
    assert [len(written[t]) for t in TABLES] == [len(expected[t]) for t in TABLES]
    assert written == expected
    assert sum(o.assignments for o in outcomes) == len(written["assignment"]) > 100
    assert sum(o.tasks for o in outcomes) == len(written["task"])


def test_one_directory_for_a_whole_batch(db, settings, region, monkeypatch):
    loads = []
    real = importing.load_directory
    monkeypatch.setattr(importing, "load_directory",
                        lambda session: loads.append(1) or real(session))
    outcomes = importing.import_documents(_documents()[:3], db=db, settings=settings, now=NOW)
    assert len(outcomes) == 3 and not any(o.already for o in outcomes)
    assert len(loads) == 1
    # Without a batch each call loads its own, as before.
    with db.transaction() as session:
        again = import_document(_documents()[0], session=session, settings=settings, now=NOW)
    assert again.already and len(loads) == 2


def test_a_failing_document_of_a_batch_leaves_nothing_of_itself(db, settings, region):
    good = _documents()[0]
    bad = _handmade()
    bad.items[3] = replace(bad.items[3], due="2021-13-45")  # fails in the database
    with pytest.raises(Exception, match="date"):
        importing.import_documents([good, bad], db=db, settings=settings, now=NOW)
    with db.reading() as session:
        counts = {t: session.connection().exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                  for t in TABLES}
    assert counts["document"] == 1  # the first, committed; nothing of the second
    assert counts["task"] == len(good.items)


def test_the_batch_matches_only_active_people(db, settings, region):
    _seed_people = _handmade()
    _seed_people.items[:] = [_item("Сделать", owners=["Петрову А.А."], level=Level.REGIONAL)]
    from tracker.core.enums import OrgKind
    from tracker.services.orgs import add_organisation
    from tracker.services.people import add_person

    with db.transaction() as session:
        org = add_organisation(session=session, parent=region, kind=OrgKind.OTHER, name="Отдел")
        add_person(session=session, name="Петров А.А.", organisation=org).active = False
    with db.reading() as session:
        batch = ImportBatch.load(session=session, settings=settings)
        plan = preview(_seed_people, session=session, settings=settings, batch=batch)
    assert plan.items[0].unmatched == ["Петрову А.А."]
    assert any(p.name == "Петров А.А." and not p.active for p in batch.directory.people.values())


def test_roadmaps_imports_no_database_module():
    """roadmaps/ reads documents: importing every module of it loads no tracker model,
    database or service module (nor SQLAlchemy's ORM)."""
    modules = sorted(f"roadmaps.{p.stem}" for p in (ROOT / "roadmaps").glob("*.py")
                     if p.stem != "__init__")
    code = ("import importlib, sys\n"
            f"for m in {modules!r} + ['roadmaps.readers']: importlib.import_module(m)\n"
            "bad = [m for m in sys.modules if m.startswith(('tracker.core.models', "
            "'tracker.core.db', 'tracker.services', 'notifications', 'sqlmodel', "
            "'sqlalchemy.orm'))]\n"
            "print(bad)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
