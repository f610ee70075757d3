"""Two processes writing one SQLite file at once: no lost update, no "database is locked"."""

import subprocess
import sys
import textwrap
from datetime import date

from tracker.core.enums import AssignmentStatus
from tracker.core.models import Assignment, Organisation, Task, utcnow

WORKER = textwrap.dedent(
    """
    import sys
    from tracker.core.db import Database
    from tracker.core.models import Assignment

    db = Database(sys.argv[1])
    for _ in range(int(sys.argv[2])):
        # A read-then-write transaction: the pattern that loses updates under
        # deferred transactions.
        with db.transaction() as session:
            row = session.get(Assignment, 1)
            row.extensions = row.extensions + 1
            session.add(row)
    """
)

COMPLETE = textwrap.dedent(
    """
    import sys
    from tracker.core.db import Database
    from tracker.core.enums import Via
    from tracker.core.errors import Conflict
    from tracker.core.models import utcnow
    from tracker.services.task_transitions import complete

    db = Database(sys.argv[1])
    won = 0
    for assignment_id in range(1, int(sys.argv[2]) + 1):
        try:
            with db.transaction() as session:
                complete(session=session, assignment_id=assignment_id, now=utcnow(), via=Via.CLI)
            won += 1
        except Conflict:
            pass
    print(won)
    """
)


def _seed(db, count: int) -> None:
    with db.transaction() as session:
        org = Organisation(name="Город Азов", name_key="город азов", kind="municipality")
        session.add(org)
        session.flush()
        task = Task(text="Задача", level="municipal", due_date=date(2021, 8, 20))
        session.add(task)
        session.flush()
        for _ in range(count):
            session.add(Assignment(task_id=task.id, organisation_id=org.id, created_at=utcnow(),
                                   period=None if _ == 0 else str(_)))


def _spawn(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_two_processes_increment_without_lost_updates(db):
    _seed(db, 1)
    workers = [_spawn(WORKER, db.url, "150") for _ in range(2)]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    with db.reading() as session:
        assert session.get(Assignment, 1).extensions == 300


def test_two_processes_completing_the_same_assignments_never_both_win(db):
    _seed(db, 60)
    workers = [_spawn(COMPLETE, db.url, "60") for _ in range(2)]
    wins = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        wins.append(int(out))
    assert sum(wins) == 60
    with db.reading() as session:
        from sqlmodel import select

        statuses = session.exec(select(Assignment.status)).all()
    assert set(statuses) == {AssignmentStatus.DONE}
