"""The pure planner, table-driven over (situation, now, expected).

Slots are written `rule:step p<person>/<channel> <send_at UTC>`; 09:00 in Moscow is
06:00Z, in Yekaterinburg 04:00Z, in Kaliningrad 07:00Z. The default policy: reminders
14, 7, 3, 1 and 0 days before, 09:00 local, working days only, overdue every 3 working
days, the coordinator after 3 and the lead after 7 working days.

The main fixture assignment is due on Friday 2021-08-20; its whole schedule:
reminders 06.08, 13.08, 17.08, 19.08, 20.08; overdue 23.08, 26.08, 31.08, 03.09 ...;
coordinator 25.08 (+3 working days); lead 31.08 (+7).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from notifications.message import ChannelKind, MessageKind, Rule
from notifications.planning.planner import (
    AssignmentInfo,
    Directory,
    OrgInfo,
    PersonInfo,
    Planned,
    plan,
)
from notifications.planning.policy import Audience, EscalationRung, Policy
from tracker.core.enums import AssignmentStatus, ChannelPref, OrgKind, Role

MSK = ZoneInfo("Europe/Moscow")
POLICY = Policy()

ORGS = [
    OrgInfo(1, None, "Ростовская область", OrgKind.REGION),
    OrgInfo(2, 1, "Азовский район", OrgKind.MUNICIPALITY),
    OrgInfo(3, 2, "Школа № 1", OrgKind.SCHOOL),
    OrgInfo(4, 1, "город Батайск", OrgKind.MUNICIPALITY),
    OrgInfo(5, 4, "Школа № 2", OrgKind.SCHOOL),
    OrgInfo(100, None, "Другая область", OrgKind.REGION),
    OrgInfo(101, 100, "Другой район", OrgKind.MUNICIPALITY),
]


def person(id, org, role=Role.OFFICER, *, email="x@example.ru", chat=None, tg_active=True,
           channels=ChannelPref.EMAIL, tz=None, active=True) -> PersonInfo:
    email = f"p{id}@example.ru" if email == "x@example.ru" else email
    return PersonInfo(id, f"Person {id}", org, role, email, chat, tg_active, channels, tz, "ru",
                      active)


PEOPLE = [
    person(10, 2),  # officer, Moscow, email
    person(11, 2, chat=1011, channels=ChannelPref.BOTH, tz="Asia/Yekaterinburg"),
    person(12, 4, tz="Europe/Kaliningrad"),
    person(13, 4, role=Role.COORDINATOR, active=False),  # inactive: skipped
    person(14, 3, active=False),  # the school's only officer, inactive
    person(15, 5, email=None),  # no way to reach
    person(20, 1, role=Role.COORDINATOR),  # the region's coordinator
    person(21, 4, role=Role.COORDINATOR, chat=1021, channels=ChannelPref.TELEGRAM),
    person(30, 1, role=Role.LEAD),
    person(31, 4, role=Role.LEAD, email=None, chat=1031, channels=ChannelPref.BOTH),
    person(40, 101, role=Role.COORDINATOR),  # another region
    person(41, 100, role=Role.LEAD),
    # channel preference cases, all officers of org 101
    person(50, 101, chat=1050, channels=ChannelPref.TELEGRAM),
    person(51, 101, chat=None, channels=ChannelPref.TELEGRAM),  # no chat: email
    person(52, 101, chat=1052, tg_active=False, channels=ChannelPref.TELEGRAM),  # blocked
    person(53, 101, email=None, chat=1053, channels=ChannelPref.EMAIL),  # no address
    person(54, 101, email=None, chat=1054, tg_active=False, channels=ChannelPref.BOTH),
    person(55, 101, email="", chat=None, channels=ChannelPref.BOTH),
]
DIRECTORY = Directory(ORGS, PEOPLE)


def msk(text: str) -> datetime:
    """A Moscow wall-clock time as aware UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=MSK).astimezone(UTC)


BASE = AssignmentInfo(
    id=1, status=AssignmentStatus.OPEN, due_date=date(2021, 8, 20), organisation_id=2,
    person_id=10, created_at=msk("2021-07-01 12:00"), last_checked=None,
)


def a(**changes) -> AssignmentInfo:
    return replace(BASE, **changes)


def fmt(p: Planned) -> str:
    return f"{p.rule}:{p.step} p{p.person_id}/{p.channel} {p.send_at:%Y-%m-%d %H:%M}"


def slots(items: list[Planned]) -> list[str]:
    return sorted(fmt(p) for p in items)


def walk(info: AssignmentInfo, until: datetime, *, policy=POLICY, directory=DIRECTORY):
    """Every slot from the assignment's first pass up to `until`, pass by pass, as the
    tick sees them when it comes back exactly at each promised `next_check`."""
    seen: list[str] = []
    check = info.last_checked or info.created_at
    while True:
        result = plan([replace(info, last_checked=check)], directory, policy, check)
        assert result.skipped == []
        seen += slots(result.due)
        following = result.next_check[info.id]
        if following is None or following > until:
            return seen
        assert following > check
        check = following


# --- the whole schedule, walked pass by pass ------------------------------------------

SCHEDULES = [
    (
        "default rules, Friday due date, Moscow",
        a(), POLICY, msk("2021-09-03 23:00"),
        ["before:14 p10/email 2021-08-06 06:00", "before:7 p10/email 2021-08-13 06:00",
         "before:3 p10/email 2021-08-17 06:00", "before:1 p10/email 2021-08-19 06:00",
         "before:0 p10/email 2021-08-20 06:00", "overdue:1 p10/email 2021-08-23 06:00",
         "escalation:0 p20/email 2021-08-25 06:00", "overdue:2 p10/email 2021-08-26 06:00",
         "escalation:1 p30/email 2021-08-31 06:00", "escalation:1 p31/telegram 2021-08-31 06:00",
         "overdue:3 p10/email 2021-08-31 06:00", "overdue:4 p10/email 2021-09-03 06:00"],
    ),
    (
        "Monday due date: 1 and 3 days before land on Friday and collapse to the nearer",
        a(due_date=date(2021, 8, 23)), POLICY, msk("2021-08-23 23:00"),
        ["before:14 p10/email 2021-08-09 06:00", "before:7 p10/email 2021-08-16 06:00",
         "before:1 p10/email 2021-08-20 06:00", "before:0 p10/email 2021-08-23 06:00"],
    ),
    (
        "reminder on Unity Day (2021-11-04) and the transferred 05.11 moves to 03.11",
        a(due_date=date(2021, 11, 5)), POLICY, msk("2021-11-05 23:00"),
        ["before:14 p10/email 2021-10-22 06:00", "before:7 p10/email 2021-10-29 06:00",
         "before:3 p10/email 2021-11-02 06:00", "before:0 p10/email 2021-11-03 06:00"],
    ),
    (
        "New Year holidays: 1, 3 and 7 days before all fall back to 30.12",
        a(due_date=date(2022, 1, 10), created_at=msk("2021-12-01 10:00")), POLICY,
        msk("2022-01-11 23:00"),
        ["before:14 p10/email 2021-12-27 06:00", "before:1 p10/email 2021-12-30 06:00",
         "before:0 p10/email 2022-01-10 06:00", "overdue:1 p10/email 2022-01-11 06:00"],
    ),
    (
        "overdue and escalation count working days over Unity Day and its transfer",
        a(due_date=date(2021, 11, 2), created_at=msk("2021-11-01 08:00")), POLICY,
        msk("2021-11-11 23:00"),
        ["before:1 p10/email 2021-11-01 06:00", "before:0 p10/email 2021-11-02 06:00",
         "overdue:1 p10/email 2021-11-03 06:00", "escalation:0 p20/email 2021-11-09 06:00",
         "overdue:2 p10/email 2021-11-10 06:00"],
    ),
    (
        "every calendar day counts when working_days_only is off",
        a(due_date=date(2021, 8, 23), created_at=msk("2021-08-20 10:00")),
        Policy(working_days_only=False, escalation=()), msk("2021-08-26 23:00"),
        ["before:1 p10/email 2021-08-22 06:00", "before:0 p10/email 2021-08-23 06:00",
         "overdue:1 p10/email 2021-08-24 06:00"],
    ),
    (
        "own send time, offsets and an owner rung in the ladder",
        a(created_at=msk("2021-08-16 10:00")),
        Policy(days_before=(2,), send_time=time(8, 30), overdue_repeat_days=10,
               escalation=(EscalationRung(2, Audience.OWNER),)),
        msk("2021-08-31 23:00"),
        ["before:2 p10/email 2021-08-18 05:30", "overdue:1 p10/email 2021-08-23 05:30",
         "escalation:0 p10/email 2021-08-24 05:30"],
    ),
]


@pytest.mark.parametrize(("info", "policy", "until", "expected"),
                         [case[1:] for case in SCHEDULES], ids=[case[0] for case in SCHEDULES])
def test_schedule(info, policy, until, expected):
    assert walk(info, until, policy=policy) == expected


# --- one pass: (situation, now) -> due, skipped, next check ----------------------------

PASSES = [
    # id, assignment, now, due, skipped, next_check (Moscow wall clock) or None
    ("14 days before, at the promised moment",
     a(last_checked=msk("2021-08-06 09:00")), msk("2021-08-06 09:00"),
     ["before:14 p10/email 2021-08-06 06:00"], [], "2021-08-13 09:00"),
    ("a minute before the send time nothing is due",
     a(last_checked=msk("2021-08-13 09:00")), msk("2021-08-13 08:59"), [], [],
     "2021-08-13 09:00"),
    ("the tick came late: still due",
     a(last_checked=msk("2021-08-17 09:00")), msk("2021-08-17 17:45"),
     ["before:3 p10/email 2021-08-17 06:00"], [], "2021-08-19 09:00"),
    ("the due day",
     a(last_checked=msk("2021-08-20 09:00")), msk("2021-08-20 09:00"),
     ["before:0 p10/email 2021-08-20 06:00"], [], "2021-08-23 09:00"),
    ("first overdue notice on the first working day after the due date",
     a(last_checked=msk("2021-08-23 09:00")), msk("2021-08-23 09:00"),
     ["overdue:1 p10/email 2021-08-23 06:00"], [], "2021-08-25 09:00"),
    ("3 working days late: the coordinator of the nearest ancestor (the region)",
     a(last_checked=msk("2021-08-25 09:00")), msk("2021-08-25 09:00"),
     ["escalation:0 p20/email 2021-08-25 06:00"], [], "2021-08-26 09:00"),
    ("7 working days late: the region's leads, wherever in the region they sit",
     a(last_checked=msk("2021-08-31 09:00")), msk("2021-08-31 09:00"),
     ["escalation:1 p30/email 2021-08-31 06:00", "escalation:1 p31/telegram 2021-08-31 06:00",
      "overdue:3 p10/email 2021-08-31 06:00"], [], "2021-09-03 09:00"),
    ("coordinator of the organisation itself; the inactive one is passed over",
     a(organisation_id=5, person_id=12, last_checked=msk("2021-08-25 09:00")),
     msk("2021-08-25 09:00"), ["escalation:0 p21/telegram 2021-08-25 06:00"], [],
     "2021-08-26 10:00"),  # the owner's next overdue notice, at 09:00 in Kaliningrad
    ("another region: its own coordinator and lead only",
     a(organisation_id=101, person_id=50, last_checked=msk("2021-08-31 09:00")),
     msk("2021-08-31 09:00"),
     ["escalation:1 p41/email 2021-08-31 06:00", "overdue:3 p50/telegram 2021-08-31 06:00"],
     [], "2021-09-03 09:00"),
    # --- catch-up after downtime ---
    ("down from 17.08 to 27.08: the latest owner notice and escalation; the rest skipped",
     a(last_checked=msk("2021-08-17 09:00")), msk("2021-08-27 10:00"),
     ["escalation:0 p20/email 2021-08-25 06:00", "overdue:2 p10/email 2021-08-26 06:00"],
     ["before:0 p10/email 2021-08-20 06:00", "before:1 p10/email 2021-08-19 06:00",
      "before:3 p10/email 2021-08-17 06:00", "overdue:1 p10/email 2021-08-23 06:00"],
     "2021-08-31 09:00"),
    ("down past both rungs: each recipient gets only their latest",
     a(last_checked=msk("2021-08-24 09:00")), msk("2021-09-01 12:00"),
     ["escalation:0 p20/email 2021-08-25 06:00", "escalation:1 p30/email 2021-08-31 06:00",
      "escalation:1 p31/telegram 2021-08-31 06:00", "overdue:3 p10/email 2021-08-31 06:00"],
     ["overdue:2 p10/email 2021-08-26 06:00"], "2021-09-03 09:00"),
    ("down over several reminders: the nearest one goes, the others are skipped",
     a(last_checked=msk("2021-08-06 09:00")), msk("2021-08-18 15:00"),
     ["before:3 p10/email 2021-08-17 06:00"],
     ["before:14 p10/email 2021-08-06 06:00", "before:7 p10/email 2021-08-13 06:00"],
     "2021-08-19 09:00"),
    # --- creation ---
    ("created after two reminder slots: they are not sent, nor recorded",
     a(created_at=msk("2021-08-16 12:00"), last_checked=msk("2021-08-16 12:00")),
     msk("2021-08-16 12:00"), [], [], "2021-08-17 09:00"),
    ("created the same morning, before the send time",
     a(created_at=msk("2021-08-13 08:00"), last_checked=msk("2021-08-13 08:00")),
     msk("2021-08-13 09:00"), ["before:7 p10/email 2021-08-13 06:00"], [], "2021-08-17 09:00"),
    ("created on the due day after the send time: nothing until overdue",
     a(created_at=msk("2021-08-20 11:00"), last_checked=None), msk("2021-08-20 11:00"),
     [], [], "2021-08-23 09:00"),
    ("created already overdue: the latest overdue notice and escalations are carried in",
     a(created_at=msk("2021-09-01 10:00"), last_checked=msk("2021-09-01 10:00")),
     msk("2021-09-01 10:00"),
     ["escalation:0 p20/email 2021-08-25 06:00", "escalation:1 p30/email 2021-08-31 06:00",
      "escalation:1 p31/telegram 2021-08-31 06:00", "overdue:3 p10/email 2021-08-31 06:00"],
     [], "2021-09-03 09:00"),
    # --- status and dates ---
    ("completed plans nothing",
     a(status=AssignmentStatus.DONE, last_checked=msk("2021-08-20 09:00")),
     msk("2021-08-30 09:00"), [], [], None),
    ("cancelled plans nothing",
     a(status=AssignmentStatus.CANCELLED, last_checked=msk("2021-08-20 09:00")),
     msk("2021-08-30 09:00"), [], [], None),
    ("no due date plans nothing", a(due_date=None), msk("2021-08-30 09:00"), [], [], None),
    ("extended on 24.08 to 03.09: nothing is due at once, the new 7-day reminder is next",
     a(due_date=date(2021, 9, 3), last_checked=msk("2021-08-24 10:00")),
     msk("2021-08-24 10:00"), [], [], "2021-08-27 09:00"),
    ("extended: the new schedule runs from the new date",
     a(due_date=date(2021, 9, 3), last_checked=msk("2021-08-27 09:00")),
     msk("2021-08-27 09:00"), ["before:7 p10/email 2021-08-27 06:00"], [], "2021-08-31 09:00"),
    # --- owners and people ---
    ("no person: the organisation's active officers, each at 09:00 of their own zone",
     a(person_id=None, last_checked=msk("2021-08-13 07:00")), msk("2021-08-13 09:00"),
     ["before:7 p10/email 2021-08-13 06:00", "before:7 p11/email 2021-08-13 04:00",
      "before:7 p11/telegram 2021-08-13 04:00"], [], "2021-08-17 07:00"),
    ("Yekaterinburg is told two hours before Moscow",
     a(person_id=None, last_checked=msk("2021-08-13 07:00")), msk("2021-08-13 07:00"),
     ["before:7 p11/email 2021-08-13 04:00", "before:7 p11/telegram 2021-08-13 04:00"], [],
     "2021-08-13 09:00"),
    ("Kaliningrad's 09:00 is 10:00 in Moscow",
     a(organisation_id=4, person_id=12, last_checked=msk("2021-08-13 10:00")),
     msk("2021-08-13 09:59"), [], [], "2021-08-13 10:00"),
    ("Kaliningrad, at 10:00 Moscow time",
     a(organisation_id=4, person_id=12, last_checked=msk("2021-08-13 10:00")),
     msk("2021-08-13 10:00"), ["before:7 p12/email 2021-08-13 07:00"], [], "2021-08-17 10:00"),
    ("an inactive assigned person falls back to the officers",
     a(organisation_id=3, person_id=14, last_checked=msk("2021-08-13 09:00")),
     msk("2021-08-13 09:00"), [], [], "2021-08-17 09:00"),
    ("a person with no address and no chat gets nothing",
     a(organisation_id=5, person_id=15, last_checked=msk("2021-08-13 09:00")),
     msk("2021-08-13 09:00"), [], [], "2021-08-17 09:00"),
]


@pytest.mark.parametrize(("info", "now", "due", "skipped", "next_check"),
                         [case[1:] for case in PASSES], ids=[case[0] for case in PASSES])
def test_pass(info, now, due, skipped, next_check):
    result = plan([info], DIRECTORY, POLICY, now)
    assert slots(result.due) == sorted(due)
    assert slots(result.skipped) == sorted(skipped)
    expected = msk(next_check) if next_check else None
    assert result.next_check == {info.id: expected}


# --- channel preferences ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("person_id", "channels"),
    [
        (10, ["email"]),  # email preferred, address known
        (11, ["email", "telegram"]),  # both
        (50, ["telegram"]),  # telegram preferred, chat linked
        (51, ["email"]),  # telegram preferred, no chat: email
        (52, ["email"]),  # telegram preferred, bot blocked: email
        (53, ["telegram"]),  # email preferred, no address: telegram
        (54, []),  # both, but no address and the chat blocked
        (55, []),  # both, nothing usable
        (31, ["telegram"]),  # both, telegram only usable
    ],
)
def test_channel_preferences(person_id, channels):
    org = DIRECTORY.person(person_id).organisation_id
    info = a(organisation_id=org, person_id=person_id, last_checked=msk("2021-08-20 04:00"))
    result = plan([info], DIRECTORY, POLICY, msk("2021-08-20 12:00"))
    assert sorted(p.channel for p in result.due) == channels
    assert all(p.rule == Rule.BEFORE and p.step == 0 for p in result.due)


# --- role resolution ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("org", "coordinators", "leads"),
    [
        (1, [20], [30, 31]),
        (2, [20], [30, 31]),  # none of its own: the region's
        (3, [20], [30, 31]),  # a school: up two levels
        (4, [21], [30, 31]),  # its own (13 is inactive)
        (5, [21], [30, 31]),  # the school's parent
        (101, [40], [41]),
        (999, [], []),  # unknown organisation
    ],
)
def test_roles(org, coordinators, leads):
    assert [p.id for p in DIRECTORY.coordinators(org)] == coordinators
    assert [p.id for p in DIRECTORY.leads(org)] == leads


def test_owners():
    assert [p.id for p in DIRECTORY.owners(a(person_id=12))] == [12]
    assert [p.id for p in DIRECTORY.owners(a(person_id=None))] == [10, 11]
    assert [p.id for p in DIRECTORY.owners(a(organisation_id=3, person_id=14))] == []
    assert [p.id for p in DIRECTORY.owners(a(person_id=999))] == [10, 11]


def test_directory_survives_a_cycle():
    directory = Directory([OrgInfo(1, 2, "a", OrgKind.OTHER), OrgInfo(2, 1, "b", OrgKind.OTHER)],
                          [person(1, 2, role=Role.COORDINATOR)])
    assert [p.id for p in directory.coordinators(1)] == [1]
    assert directory.leads(1) == []


# --- the record itself -------------------------------------------------------------------

def test_planned_record_and_key():
    result = plan([a(last_checked=msk("2021-08-25 09:00"))], DIRECTORY, POLICY,
                  msk("2021-08-25 09:00"))
    (planned,) = result.due
    assert planned == Planned(1, 20, ChannelKind.EMAIL, MessageKind.ESCALATION,
                              Rule.ESCALATION, 0, date(2021, 8, 20),
                              datetime(2021, 8, 25, 6, 0, tzinfo=UTC))
    assert planned.key == "a1:escalation:0:2021-08-20:p20:email"
    assert planned.send_at.tzinfo is not None


def test_keys_of_an_extended_assignment_differ():
    before = plan([a(last_checked=msk("2021-08-20 09:00"))], DIRECTORY, POLICY,
                  msk("2021-08-20 09:00")).due
    after = plan([a(due_date=date(2021, 8, 27), last_checked=msk("2021-08-20 09:00"))],
                 DIRECTORY, POLICY, msk("2021-08-20 09:00")).due
    assert [p.key for p in before] == ["a1:before:0:2021-08-20:p10:email"]
    assert [p.key for p in after] == ["a1:before:7:2021-08-27:p10:email"]


def test_many_assignments_in_one_pass():
    infos = [a(id=i, due_date=date(2021, 8, 20 + i % 3), last_checked=msk("2021-08-13 09:00"))
             for i in range(1, 301)]
    result = plan(infos, DIRECTORY, POLICY, msk("2021-08-18 09:00"))
    assert len(result.next_check) == 300
    by_due = {p.assignment_id: p.step for p in result.due}
    assert by_due[3] == 3  # due Fri 20.08: 3 days before is 17.08 (7 days before is skipped)
    assert by_due[1] == 3  # due Sat 21.08: 3 days before is 18.08
    assert by_due[2] == 7  # due Sun 22.08: 3 days before is 19.08, not yet; 7: Fri 13.08
    assert all(nc > msk("2021-08-18 09:00") for nc in result.next_check.values())


def test_naive_now_is_refused():
    with pytest.raises(ValueError, match="aware"):
        plan([a()], DIRECTORY, POLICY, datetime(2021, 8, 20, 9, 0))


def test_a_bad_personal_time_zone_falls_back_to_the_policy_zone():
    directory = Directory(ORGS, [person(1, 2, tz="Mars/Olympus")])
    info = a(person_id=1, last_checked=msk("2021-08-20 09:00"))
    (planned,) = plan([info], directory, POLICY, msk("2021-08-20 09:00")).due
    assert planned.send_at == msk("2021-08-20 09:00")


def test_policy_from_settings(settings):
    policy = Policy.from_settings(settings)
    assert policy == Policy()
    assert policy.escalation == (EscalationRung(3, Audience.COORDINATOR),
                                 EscalationRung(7, Audience.LEAD))
    assert policy.days_before == (14, 7, 3, 1, 0)


def test_policy_rejects_nonsense():
    with pytest.raises(ValueError):
        Policy(overdue_repeat_days=0)
    with pytest.raises(ValueError):
        Policy(days_before=(-1,))


# --- irregular ticks: nothing twice, nothing lost ----------------------------------------

@hypothesis_settings(max_examples=60, deadline=None)
@given(
    due_offset=st.integers(min_value=0, max_value=150),
    person_id=st.sampled_from([10, 12, None]),
    gaps=st.lists(st.integers(min_value=1, max_value=60 * 24 * 9), min_size=1, max_size=40),
)
def test_irregular_ticks_account_for_every_slot_once(due_offset, person_id, gaps):
    """Ticks at random moments (late, early, after long downtime) send or skip each slot
    of the exact schedule exactly once, and never invent one."""
    due = date(2021, 10, 1) + timedelta(days=due_offset)
    info = a(due_date=due, person_id=person_id,
             organisation_id=2 if person_id != 12 else 4,
             created_at=datetime.combine(due - timedelta(days=30), time(12), tzinfo=UTC))
    stored, now, seen = info.created_at, info.created_at, {}
    for gap in gaps:
        now += timedelta(minutes=gap)
        if stored > now:
            continue  # the tick does not pick the row up yet
        result = plan([replace(info, last_checked=stored)], DIRECTORY, POLICY, now)
        for planned in result.due + result.skipped:
            assert planned.key not in seen
            assert planned.send_at <= now
            seen[planned.key] = planned
        stored = result.next_check[info.id]
        assert stored > now
    reference: set[str] = set()
    check = info.created_at
    while check <= now:
        result = plan([replace(info, last_checked=check)], DIRECTORY, POLICY, check)
        reference |= {p.key for p in result.due}
        check = result.next_check[info.id]
    assert set(seen) == reference
