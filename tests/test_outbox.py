"""The outbox: recording, deduplication, grouping, claiming, backoff, failure reports."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date, timedelta

import pytest
from reminder_world import add_tasks, at, build_world
from sqlmodel import select

from notifications import outbox
from notifications.delivery import failures
from notifications.message import MessageKind
from notifications.planning.directory import Directory
from notifications.planning.loading import due_batches
from notifications.planning.planner import plan
from notifications.planning.policy import Policy
from tracker.core.directory_rows import load_directory
from tracker.core.enums import EventKind, OutboxStatus, Via
from tracker.core.models import Event, OutboxItem, OutboxMessage
from tracker.services.reminders import mark_sent, record_plan
from tracker.services.task_transitions import complete


def _plan_and_record(db, settings, now):
    with db.reading() as session:
        batch = [a for b in due_batches(session, now=now, size=1000) for a in b]
        directory = load_directory(session, into=Directory)
    result = plan(batch, directory, Policy.from_settings(settings), now)
    with db.transaction() as session:
        report = record_plan(session, result, now=now, seen={a.id: a for a in batch})
    return result, report


def _messages(db, status=None):
    with db.reading() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if status:
            query = query.where(OutboxMessage.status == status)
        else:  # catch-up leftovers of the first pass are not what these tests look at
            query = query.where(OutboxMessage.status != OutboxStatus.SKIPPED)
        return list(session.exec(query))


def _items(db, message_id):
    with db.reading() as session:
        return list(session.exec(select(OutboxItem).where(OutboxItem.message_id == message_id)
                                 .order_by(OutboxItem.id)))


def test_one_digest_per_person_and_slot(db, settings):
    world = build_world(db)
    # 7 days before one, 3 days before the other: both reminders fall on 13 August.
    add_tasks(db, world, [date(2021, 8, 20), date(2021, 8, 16)])
    _plan_and_record(db, settings, at(13))
    [message] = _messages(db)
    assert message.person_id == world.officer_id
    assert message.key == f"m:p{world.officer_id}:email:2021-08-13T06:00Z"
    assert message.kind == MessageKind.REMINDER
    assert message.status == OutboxStatus.PENDING
    assert [i.assignment_id for i in _items(db, message.id)] == [2, 1]  # soonest due first
    assert json.loads(message.payload)["planned_at"] == "2021-08-13T06:00:00+00:00"


def test_recording_the_same_result_twice_changes_nothing(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)])
    result, first = _plan_and_record(db, settings, at(13))
    with db.transaction() as session:
        again = outbox.record(session, result, now=at(13))
    assert first.items_recorded == 1
    assert again.items_recorded == again.items_skipped == 0
    assert again.items_ignored == len(result.due) + len(result.skipped)
    assert len(_messages(db)) == 1


def test_mixed_rules_make_a_digest(db, settings):
    world = build_world(db)
    # One overdue since 10 August (first overdue notice on the 11th), one due on the 18th.
    add_tasks(db, world, [date(2021, 8, 10), date(2021, 8, 18)], created=at(9, 8))
    with db.transaction() as session:
        from sqlalchemy import update

        from tracker.core.models import Assignment

        session.execute(update(Assignment).values(next_check_at=at(11)))
    _plan_and_record(db, settings, at(11))
    [message] = _messages(db)
    assert message.kind == MessageKind.DIGEST
    assert sorted(i.rule for i in _items(db, message.id)) == ["before", "overdue"]


def test_a_late_item_joins_the_pending_message_of_its_slot(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)])
    _plan_and_record(db, settings, at(13))
    add_tasks(db, world, [date(2021, 8, 16)], created=at(12))
    _plan_and_record(db, settings, at(13))
    [message] = _messages(db)
    assert len(_items(db, message.id)) == 2


def test_a_slot_already_sent_gets_a_second_message(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)])
    _plan_and_record(db, settings, at(13))
    [first] = _messages(db)
    with db.transaction() as session:
        assert outbox.claim(session, worker="w", now=at(13), limit=10) == [first.id]
        outbox.mark_sent(session, first.id, now=at(13))
    add_tasks(db, world, [date(2021, 8, 16)], created=at(12))
    _plan_and_record(db, settings, at(13))
    second = _messages(db)[1]
    assert second.key == first.key + ":2"
    assert second.status == OutboxStatus.PENDING


def test_catch_up_records_the_superseded_as_skipped(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)])
    _plan_and_record(db, settings, at(2))  # first pass: nothing due yet
    _plan_and_record(db, settings, at(19))  # down from the 3rd to the 19th
    pending = _messages(db, OutboxStatus.PENDING)
    skipped = _messages(db, OutboxStatus.SKIPPED)
    assert len(pending) == 1
    [item] = _items(db, pending[0].id)
    assert (item.rule, item.step) == ("before", 1)  # only the latest reminder
    skipped_steps = sorted(i.step for m in skipped for i in _items(db, m.id))
    assert skipped_steps == [3, 7, 14]  # 17, 13 and 6 August
    assert all(m.key.startswith("s:") for m in skipped)


def test_claim_is_exclusive_and_marks_attempts(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)])
    _plan_and_record(db, settings, at(13))
    with db.transaction() as session:
        first = outbox.claim(session, worker="a", now=at(13), limit=10)
    with db.transaction() as session:
        second = outbox.claim(session, worker="b", now=at(13), limit=10)
    assert len(first) == 1 and second == []
    [message] = _messages(db)
    assert (message.status, message.claimed_by, message.attempts) == ("sending", "a", 1)


def test_not_claimed_before_its_time(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)])
    _plan_and_record(db, settings, at(13))
    with db.transaction() as session:
        assert outbox.claim(session, worker="a", now=at(13, hour=8), limit=10) == []


CLAIMER = textwrap.dedent(
    """
    import sys
    from datetime import datetime
    from notifications.outbox import claim
    from tracker.core.db import Database

    db = Database(sys.argv[1])
    now = datetime.fromisoformat(sys.argv[2])
    won = []
    while True:
        with db.transaction() as session:
            ids = claim(session, worker=sys.argv[3], now=now, limit=3)
        if not ids:
            break
        won.extend(ids)
    print(",".join(map(str, won)))
    """
)


def claimed_by_three_processes(db, url: str, count: int = 300) -> list[int]:
    """Record `count` pending messages, let three processes claim them all at once;
    every id any of them won (a duplicate would appear twice)."""
    from tracker.core.models import utcnow

    world = build_world(db)
    with db.transaction() as session:
        for n in range(count):
            session.add(OutboxMessage(key=f"m:test:{n}", person_id=world.officer_id,
                                      channel="email", kind="reminder",
                                      next_attempt_at=at(1), created_at=utcnow()))
    procs = [subprocess.Popen([sys.executable, "-c", CLAIMER, url, at(13).isoformat(),
                               f"w{n}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for n in range(3)]
    won = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        won.extend(int(x) for x in out.strip().split(",") if x)
    return won


def test_three_processes_claiming_never_share_a_message(db, settings):
    won = claimed_by_three_processes(db, settings.db_url)
    assert len(won) == 300 and len(set(won)) == 300


def test_stale_claims_return_to_pending(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)])
    _plan_and_record(db, settings, at(13))
    with db.transaction() as session:
        outbox.claim(session, worker="dead", now=at(13), limit=10)
    with db.transaction() as session:
        assert outbox.release_stale(session, now=at(13) + timedelta(seconds=599),
                                    stale_seconds=600) == 0
        assert outbox.release_stale(session, now=at(13) + timedelta(seconds=601),
                                    stale_seconds=600) == 1
        assert len(outbox.claim(session, worker="alive", now=at(13, hour=10), limit=10)) == 1


def test_backoff_doubles_and_is_capped():
    assert [failures.backoff(n, base=60, cap=600) for n in (1, 2, 3, 4, 5)] == [
        60, 120, 240, 480, 600]


def test_transient_failures_retry_then_fail_and_tell_the_coordinator(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)])
    _plan_and_record(db, settings, at(13))
    now = at(13)
    waits = []
    for _ in range(3):
        with db.transaction() as session:
            [message_id] = outbox.claim(session, worker="w", now=now, limit=10)
            failure = failures.mark_failed(session, message_id, error="451 try later", now=now,
                                         max_attempts=3, backoff_seconds=60)
        if failure.status == OutboxStatus.PENDING:
            waits.append((failure.next_attempt_at - now).total_seconds())
            now = failure.next_attempt_at
    assert waits == [60, 120]
    assert failure.status == OutboxStatus.FAILED
    assert failure.coordinators_told == 2  # the coordinator by email and by Telegram
    notices = [m for m in _messages(db) if m.kind == MessageKind.FAILURE]
    assert {m.person_id for m in notices} == {world.coordinator_id}
    assert {m.channel for m in notices} == {"email", "telegram"}
    payload = json.loads(notices[0].payload)
    assert payload["failed_person"] == "Иванов Иван"
    assert payload["error"] == "451 try later"
    assert [i.assignment_id for i in _items(db, notices[0].id)] == [1]


def test_permanent_failure_stops_at_once_and_reports_once(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)])
    _plan_and_record(db, settings, at(13))
    with db.transaction() as session:
        [message_id] = outbox.claim(session, worker="w", now=at(13), limit=10)
        failure = failures.mark_failed(session, message_id, error="550 no such user",
                                     now=at(13), permanent=True)
        again = failures.mark_failed(session, message_id, error="550", now=at(13),
                                   permanent=True)
    assert failure.status == OutboxStatus.FAILED and failure.coordinators_told == 2
    assert again.coordinators_told == 0
    assert len([m for m in _messages(db) if m.kind == MessageKind.FAILURE]) == 2
    assert [i.status for i in _items(db, message_id)] == ["failed"]


def test_completion_cancels_the_item_and_an_emptied_message(db, settings):
    world = build_world(db)
    first, second = add_tasks(db, world, [date(2021, 8, 20), date(2021, 8, 16)])
    _plan_and_record(db, settings, at(13))
    [message] = _messages(db)
    with db.transaction() as session:
        complete(session=session, assignment_id=first, now=at(13, hour=8), via=Via.CLI)
    assert _messages(db)[0].status == OutboxStatus.PENDING  # still has the other item
    assert {i.assignment_id: i.status for i in _items(db, message.id)} == {
        first: "cancelled", second: "pending"}
    with db.transaction() as session:
        complete(session=session, assignment_id=second, now=at(13, hour=8), via=Via.CLI)
    assert _messages(db)[0].status == OutboxStatus.CANCELLED


def test_an_assignment_changed_meanwhile_is_not_recorded(db, settings):
    world = build_world(db)
    [assignment_id] = add_tasks(db, world, [date(2021, 8, 20)])
    with db.reading() as session:
        batch = [a for b in due_batches(session, now=at(13), size=10) for a in b]
        directory = load_directory(session, into=Directory)
    result = plan(batch, directory, Policy.from_settings(settings), at(13))
    with db.transaction() as session:  # completed between planning and recording
        complete(session=session, assignment_id=assignment_id, now=at(13), via=Via.BOT)
    with db.transaction() as session:
        report = record_plan(session, result, now=at(13), seen={a.id: a for a in batch})
    assert report.items_recorded == 0 and _messages(db) == []
    assert report.items_ignored == len(result.due) + len(result.skipped)


def test_sent_items_become_events(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)])
    _plan_and_record(db, settings, at(13))
    with db.transaction() as session:
        [message_id] = outbox.claim(session, worker="w", now=at(13), limit=10)
        assert mark_sent(session, message_id, now=at(13), reply="250 OK")
        assert not mark_sent(session, message_id, now=at(13))
    with db.reading() as session:
        [event] = session.exec(select(Event).where(Event.kind == EventKind.REMINDED)).all()
    assert json.loads(event.details)["recipient_id"] == world.officer_id


def test_retry_puts_a_failed_message_back(db, settings):
    from tracker.core.errors import Conflict

    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 20)])
    _plan_and_record(db, settings, at(13))
    with db.transaction() as session:
        [message_id] = outbox.claim(session, worker="w", now=at(13), limit=10)
        failures.mark_failed(session, message_id, error="550", now=at(13), permanent=True)
    with db.transaction() as session:
        message = failures.retry(session, message_id, now=at(14))
    assert (message.status, message.attempts) == ("pending", 0)
    assert [i.status for i in _items(db, message_id)] == ["pending"]
    with db.transaction() as session, pytest.raises(Conflict):
        failures.retry(session, message_id, now=at(14))
