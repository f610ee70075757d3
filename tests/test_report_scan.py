"""The report's two scans on SQLite: each reads its covering index in the order of its
GROUP BY (no sort, no access to the table; see tracker.reports.scan), with and without
a scope, and a group's outcome digits count what the figures say."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from tests import report_dataset
from tracker.reports import scan
from tracker.reports.figures import totals
from tracker.reports.window import Window

AUG13 = date(2021, 8, 13)


@pytest.fixture
def data(db):
    return report_dataset.build(db)


def _plans(db, run) -> list[tuple[str, list[str]]]:
    """(statement, its EXPLAIN QUERY PLAN lines) of every SELECT `run` sends."""
    seen: list[tuple[str, list[str]]] = []

    def explain(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            raw = conn.connection.driver_connection
            plan = [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + statement,
                                                  parameters)]
            seen.append((statement, plan))

    event.listen(db.read_engine, "before_cursor_execute", explain)
    try:
        with db.reading() as session:
            run(session)
    finally:
        event.remove(db.read_engine, "before_cursor_execute", explain)
    return seen


def _scan_plan(plans, index: str) -> list[str]:
    found = [plan for _statement, plan in plans if any(index in line for line in plan)]
    assert len(found) == 1, plans
    return found[0]


@pytest.mark.parametrize("scope", [None, "region"])
def test_each_scan_reads_its_covering_index_in_group_order(db, data, settings, scope):
    w = Window.of(AUG13, settings.zone)
    root = data["orgs"][scope] if scope else None
    holder = _scan_plan(_plans(db, lambda s: scan.by_holder(s, w, root)),
                        "ix_assignment_holder_scan")
    task = _scan_plan(_plans(db, lambda s: scan.by_task(s, w, root)),
                      "ix_assignment_task_scan")
    for plan in (holder, task):
        assert any("SCAN assignment USING COVERING INDEX" in line for line in plan), plan
        assert not any("TEMP B-TREE FOR GROUP BY" in line for line in plan), plan


def test_statements_and_recurring_templates_keep_the_scans_covering(db, data, settings):
    """Their exclusion tests task_id and period, which both indexes hold."""
    from tracker.core.enums import Level, Recurrence
    from tracker.core.models import Task

    with db.transaction() as session:
        session.add(Task(text="Принять к сведению.", level=Level.SCHOOL, actionable=False))
        session.add(Task(text="Ежемесячно представлять отчёт.", level=Level.SCHOOL,
                         recurrence=Recurrence.MONTHLY))
    w = Window.of(AUG13, settings.zone)
    holder = _scan_plan(_plans(db, lambda s: scan.by_holder(s, w, None)),
                        "ix_assignment_holder_scan")
    task = _scan_plan(_plans(db, lambda s: scan.by_task(s, w, None)),
                      "ix_assignment_task_scan")
    for plan in (holder, task):
        assert any("SCAN assignment USING COVERING INDEX" in line for line in plan), plan
        assert not any("TEMP B-TREE FOR GROUP BY" in line for line in plan), plan


def test_a_municipality_reads_only_its_organisations_rows(db, data, settings):
    w = Window.of(AUG13, settings.zone)
    root = data["orgs"]["azov"]
    for run in (lambda s: scan.by_holder(s, w, root), lambda s: scan.by_task(s, w, root)):
        plan = _scan_plan(_plans(db, run), "ix_assignment_holder_scan")
        assert any("SEARCH assignment USING COVERING INDEX ix_assignment_holder_scan "
                   "(organisation_id=?)" in line for line in plan), plan


def test_the_digits_of_the_groups_add_up_to_the_totals(db, data, settings):
    w = Window.of(AUG13, settings.zone)
    with db.reading() as session:
        holders = scan.by_holder(session, w, None)
        tasks = scan.by_task(session, w, None)
        total = totals(session=session, as_of=AUG13)
    by_task = scan.Tally()
    for row in tasks.values():
        by_task.merge(row.tally)
    for tally in (holders.total, by_task):
        assert (tally.assigned, tally.done_on_time, tally.done_late, tally.open,
                tally.overdue, tally.overdue_7, tally.overdue_30, tally.days_late_total,
                tally.late_items, tally.oldest_due) == (
            total.assigned, total.done_on_time, total.done_late, total.open, total.overdue,
            total.overdue_7, total.overdue_30, total.days_late_total, total.late_items,
            total.oldest_due)


def test_a_tally_counts_each_outcome_digit():
    tally = scan.Tally()
    tally.add("1123456666", 40, date(2021, 6, 1))
    tally.add("3", None, None)
    assert (tally.assigned, tally.done_on_time, tally.done_late, tally.open, tally.overdue,
            tally.overdue_7, tally.overdue_30, tally.late_items, tally.days_late_total,
            tally.oldest_due) == (11, 2, 1, 2, 6, 5, 4, 7, 40, date(2021, 6, 1))


def test_the_collector_runs_again_after_a_report_even_one_that_fails(db, data, settings):
    import gc

    from tracker.core.errors import NotFound
    from tracker.reports.collector import collector_paused
    from tracker.reports.report import build_report

    assert gc.isenabled()
    with db.reading() as session:
        build_report(session=session, kind="overdue", as_of=AUG13, all_views=True)
        assert gc.isenabled()
        with pytest.raises(NotFound):
            build_report(session=session, kind="overdue", as_of=AUG13, root_org_id=10**6)
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a pause inside a pause leaves it to the outer one
    finally:
        gc.enable()
