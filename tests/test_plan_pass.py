"""The plan pass's batches: the collector pause around them leaves the process as it was."""

from __future__ import annotations

import gc
import threading
from datetime import date

from reminder_world import add_tasks, at, build_world

from tracker.services import reminders
from tracker.services.reminders import TickReport, plan_pass


def test_a_pass_leaves_the_collector_as_it_found_it(db, settings):
    world = build_world(db)
    add_tasks(db, world, [date(2021, 8, 16), date(2021, 8, 20)], created=at(2))
    assert gc.isenabled()
    report = TickReport()
    plan_pass(db, settings, now=at(13), report=report)
    assert report.messages_recorded and gc.isenabled()
    gc.disable()
    try:
        plan_pass(db, settings, now=at(16), report=TickReport())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_pauses_resume_the_collector_once_the_last_ends():
    inside, release = threading.Event(), threading.Event()

    def hold():
        with reminders._collector_paused():
            inside.set()
            release.wait(5)

    other = threading.Thread(target=hold)
    other.start()
    assert inside.wait(5)
    with reminders._collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread still holds it
    release.set()
    other.join(5)
    assert gc.isenabled()
