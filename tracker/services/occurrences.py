"""Creating the assignments of recurring tasks ahead of time.

A recurring task (`Task.recurrence` set) gets one assignment per organisation per
period (`Assignment.period`), created once the period begins within
`reminders.horizon_days` of today, so reminders for it can be planned like any other.
The organisations (and responsible persons) are those the task was first assigned to.
The unique (task, organisation, period) constraint makes this idempotent; the query
touches only tasks with a recurrence, so it costs nothing for ordinary decisions. Which
periods a task has is the pure `notifications.planning.recurrence.occurrences`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from notifications.planning.recurrence import occurrences
from tracker.core.dates import local_today
from tracker.core.enums import AssignmentStatus, EventKind, Via
from tracker.core.models import Assignment, Task
from tracker.services.tasks import record_event


def create_occurrences(db, settings, *, now: datetime) -> int:
    """Create the missing occurrences due from today to the horizon; how many were made."""
    today = local_today(now, settings.zone)
    until = today + timedelta(days=settings.reminders.horizon_days)
    with db.reading() as session:
        tasks = session.scalars(select(Task).where(Task.recurrence.is_not(None))).all()
    if not tasks:
        return 0
    created = 0
    with db.transaction() as session:
        for task in tasks:
            wanted = occurrences(task, until=until, since=today,
                                 working_days_only=settings.reminders.working_days_only)
            if not wanted:
                continue
            rows = session.execute(
                select(Assignment.organisation_id, Assignment.person_id, Assignment.period,
                       Assignment.status)
                .where(Assignment.task_id == task.id)
                .order_by(Assignment.id)
            ).all()
            owners: dict[int, int | None] = {}
            have: set[tuple[int, str | None]] = set()
            for org_id, person_id, period, status in rows:
                if status != AssignmentStatus.CANCELLED or period is not None:
                    owners.setdefault(org_id, person_id)
                have.add((org_id, period))
            for org_id, person_id in owners.items():
                for period, due in wanted:
                    if (org_id, period) in have:
                        continue
                    assignment = Assignment(
                        task_id=task.id, organisation_id=org_id, person_id=person_id,
                        due_date=due, original_due_date=due, period=period,
                        next_check_at=now, created_at=now,
                    )
                    session.add(assignment)
                    session.flush()
                    record_event(session=session, kind=EventKind.ASSIGNED, via=Via.SCHEDULER,
                                 at=now, assignment_id=assignment.id, task_id=task.id,
                                 period=period)
                    created += 1
    return created
