"""Overdue repeats thin out: every 3 working days for two weeks, then weekly, then none
(the escalation ladder and the digests carry it): table-driven over (policy, input, now,
expected), planning pure."""

from __future__ import annotations

from datetime import date

import pytest

from notifications.planning.policy import Policy
from tests.test_planner import a, msk, walk

DEFAULT = Policy()


@pytest.mark.parametrize(("policy", "days_overdue", "repeats"), [
    (DEFAULT, 0, 0),
    (DEFAULT, 1, 1),  # the first working day after the due date
    (DEFAULT, 3, 1),
    (DEFAULT, 4, 2),
    (DEFAULT, 10, 4),  # 1, 4, 7, 10: every 3 working days for two weeks
    (DEFAULT, 14, 4),
    (DEFAULT, 15, 5),  # then weekly: 15, 20, 25, ...
    (DEFAULT, 40, 10),
    (Policy(overdue_repeat_days=2, overdue_dense_days=4, overdue_sparse_days=10), 13, 3),
    (Policy(overdue_repeat_days=10), 31, 4),  # thinning never makes repeats denser
])
def test_repeats_by_and_offsets(policy, days_overdue, repeats):
    assert policy.overdue_repeats_by(days_overdue) == repeats
    for number in range(1, repeats + 1):
        assert policy.overdue_repeat_offset(number) <= days_overdue
        assert policy.overdue_repeats_by(policy.overdue_repeat_offset(number)) == number


@pytest.mark.parametrize(("policy", "until", "expected"), [
    # Friday 20.08.2021 due; working days (Russian calendar): repeats on working days
    # 1, 4, 7, 10 after it, then 15, 20, ..., 40; nothing after, however long it stays open.
    (DEFAULT, msk("2022-08-20 23:00"),
     ["2021-08-23", "2021-08-26", "2021-08-31", "2021-09-03", "2021-09-10", "2021-09-17",
      "2021-09-24", "2021-10-01", "2021-10-08", "2021-10-15"]),
    # 0: never stop, but weekly after two weeks.
    (Policy(overdue_stop_days=0, escalation=()), msk("2021-11-01 23:00"),
     ["2021-08-23", "2021-08-26", "2021-08-31", "2021-09-03", "2021-09-10", "2021-09-17",
      "2021-09-24", "2021-10-01", "2021-10-08", "2021-10-15", "2021-10-22", "2021-10-29"]),
    # The old behaviour, configured: every 3 working days, never stopping.
    (Policy(overdue_dense_days=1000, overdue_stop_days=0, escalation=()),
     msk("2021-09-10 23:00"),
     ["2021-08-23", "2021-08-26", "2021-08-31", "2021-09-03", "2021-09-08"]),
])
def test_a_year_overdue_item_is_repeated_ten_times_not_eighty(policy, until, expected):
    slots = walk(a(due_date=date(2021, 8, 20)), until, policy=policy)
    overdue = [s.split()[2] for s in slots if s.startswith("overdue:")]
    assert overdue == expected
    # The ladder still fires (coordinator, lead) under the default policy.
    if policy.escalation:
        assert {s.split()[0] for s in slots if s.startswith("escalation")} == {
            "escalation:0", "escalation:1"}


def test_the_config_section_sets_the_thinning(tmp_path):
    from tracker.core.config_sources import load_settings

    path = tmp_path / "config.toml"
    path.write_text("[reminders]\noverdue_repeat_days = 2\noverdue_dense_days = 6\n"
                    "overdue_sparse_days = 7\noverdue_stop_days = 0\n", encoding="utf-8")
    policy = Policy.from_settings(load_settings(path))
    assert (policy.overdue_repeat_days, policy.overdue_dense_days, policy.overdue_sparse_days,
            policy.overdue_stop_days) == (2, 6, 7, 0)
    assert policy.last_overdue_repeat is None
    assert DEFAULT.last_overdue_repeat == 10
