"""Recurring tasks in the database: `create_occurrences` makes one assignment per period
and organisation, once; the template assignment (no period) that names the owners is
never planned, listed or counted beside its occurrences."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from notifications.channels.registry import build_channels
from roadmaps.toml_roadmap import parse_toml_file
from tracker.core.models import Assignment, OutboxItem, Task
from tracker.reports.figures import totals
from tracker.services.importing import import_document
from tracker.services.occurrences import create_occurrences
from tracker.services.reminders import tick
from tracker.services.task_queries import list_assignments

EXAMPLE = Path(__file__).resolve().parents[1] / "roadmaps" / "examples" / "roadmap_example.toml"
IMPORTED = datetime(2021, 8, 25, 7, 0, tzinfo=UTC)
FIRST = datetime(2021, 9, 1, 6, 0, tzinfo=UTC)  # 09:00 in Moscow


@pytest.fixture
def monthly(db, settings, region):
    """The example roadmap imported on its date, an officer in every municipality; the
    monthly report task's id."""
    from tracker.core.models import Organisation
    from tracker.services.people import add_person

    parsed = parse_toml_file(EXAMPLE)
    with db.transaction() as session:
        towns = session.scalars(select(Organisation).where(Organisation.parent_id == region.id))
        for number, town in enumerate(towns):
            add_person(session=session, name=f"Исполнитель {number}", organisation=town,
                       email=f"o{number}@example.ru")
        import_document(parsed, session=session, settings=settings, now=IMPORTED)
        import_document(parsed, session=session, settings=settings, now=IMPORTED)
    with db.reading() as session:
        return session.scalar(select(Task.id).where(Task.recurrence == "monthly"))


def _count(db, *conditions) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Assignment).where(*conditions))


def test_occurrences_are_made_per_period_and_organisation_once(db, settings, monthly):
    assert _count(db, Assignment.task_id == monthly, Assignment.period.is_(None)) == 55
    # The horizon (45 days) from 1 September reaches into October: two periods begun.
    assert create_occurrences(db, settings, now=FIRST) == 110
    assert create_occurrences(db, settings, now=FIRST) == 0
    with db.reading() as session:
        rows = session.execute(select(Assignment.period, Assignment.due_date, func.count())
                               .where(Assignment.task_id == monthly,
                                      Assignment.period.is_not(None))
                               .group_by(Assignment.period, Assignment.due_date)
                               .order_by(Assignment.period)).all()
    assert [tuple(r) for r in rows] == [("2021-09", date(2021, 9, 30), 55),
                                        ("2021-10", date(2021, 10, 31), 55)]


@pytest.mark.asyncio
async def test_the_template_is_neither_planned_nor_listed_nor_counted(db, settings, monthly):
    with db.reading() as session:
        templates = set(session.scalars(select(Assignment.id).where(
            Assignment.task_id == monthly, Assignment.period.is_(None))))
    # 27 September: the September occurrence's 3-days-before reminder is due today.
    now = datetime(2021, 9, 27, 6, 0, tzinfo=UTC)
    report = await tick(db, settings, build_channels(settings), now=now, worker="t")
    assert report.occurrences == 165  # September to November, the horizon being 45 days
    with db.reading() as session:
        planned = set(session.scalars(select(OutboxItem.assignment_id)))
        monthly_planned = set(session.scalars(
            select(OutboxItem.assignment_id).join(Assignment,
                                                  Assignment.id == OutboxItem.assignment_id)
            .where(Assignment.task_id == monthly)))
        listed = [v.assignment.id for v in list_assignments(
            session=session, today=now.date(), status="open")]
        figures = totals(session=session, as_of=date(2021, 9, 27))
        everything = session.scalar(select(func.count()).select_from(Assignment))
    assert planned and not planned & templates
    assert len(monthly_planned) == 55  # the September occurrences, one per municipality
    assert not set(listed) & templates
    # Counted: all assignments but the 55 templates (and none created after the day).
    assert figures.assigned == everything - len(templates)
