"""The planning engine: which notices are due at `now`. Pure: no I/O, no clock, no database.

For each open assignment with a due date the schedule is a list of *notices*, each on a
local calendar day, sent at `policy.send_time` in each recipient's own time zone:

* reminders (rule BEFORE, step = days before) on each `policy.days_before` offset; a
  day that is not a working day moves to the working day before it, and two reminders
  landing on one day collapse into the one nearer the due date;
* overdue repeats to the owner (rule OVERDUE, step 1, 2, ...): the first on the first
  working day after the due date, then every `overdue_repeat_days` working days up to
  `overdue_dense_days` overdue, then every `overdue_sparse_days` working days, and none
  after `overdue_stop_days` (see `Policy.overdue_repeat_offset`): a year-old item is not
  repeated to its owner forever, the escalation ladder and the digests carry it;
* escalations (rule ESCALATION, step = index in the ladder) `after_days` working days
  after the due date, to the people of the rung's audience.

A pass looks at the window from `last_checked` (the moment the previous pass promised
to come back) to `now`. Slots in it are due, except that when several are due for one
recipient at once (the service was down), only the latest owner-facing notice
(reminder or overdue) and the latest escalation survive; the older ones are returned as
`skipped` so they are never sent later. On the first pass the window opens at
`created_at`: reminders that fell before creation are not sent, but an assignment that
was created already overdue still gets its latest overdue notice and its latest
escalation per recipient ("carried in"), as though the service had been down.

The caller passes only assignments whose next check has come and stores the returned
`next_check`, so the cost of a pass grows with what is due, not with the total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from notifications import keys
from notifications.message import ChannelKind, MessageKind, Rule
from notifications.planning.directory import (
    AssignmentInfo,
    Directory,
    OrgInfo,
    PersonInfo,
    channels_of,
)
from notifications.planning.policy import Audience, Policy
from tracker.core.enums import AssignmentStatus

__all__ = [
    "AssignmentInfo",
    "Directory",
    "OrgInfo",
    "PersonInfo",
    "PlanResult",
    "Planned",
    "plan",
]

_DAY = timedelta(days=1)
# Time zones differ by less than 27 hours, so a notice more than two days after the
# earliest future one can never be the next to fall due.
_LOOKAHEAD = timedelta(days=2)
_KIND = {Rule.BEFORE: MessageKind.REMINDER, Rule.OVERDUE: MessageKind.OVERDUE,
         Rule.ESCALATION: MessageKind.ESCALATION}
_RANK = {Rule.BEFORE: 0, Rule.OVERDUE: 1, Rule.ESCALATION: 2}


@dataclass(frozen=True, slots=True)
class Planned:
    """One notice to one person over one channel about one assignment.

    `step`: days before the due date (BEFORE), the repeat number from 1 (OVERDUE), or
    the index of the ladder rung (ESCALATION). `send_at` is the slot, aware UTC: the
    send time on the planned local day in the recipient's time zone.
    """

    assignment_id: int
    person_id: int
    channel: ChannelKind
    kind: MessageKind
    rule: Rule
    step: int
    due_date: date
    send_at: datetime
    # An escalation whose audience was missing: whom it went to instead, and why.
    fallback: str | None = None

    @property
    def key(self) -> str:
        """The idempotency key of the outbox item; the due date in it lets an extension replan."""
        # str(): the enums' text without their __format__ (10,000 keys a tick)
        return keys.planned_item(self.assignment_id, str(self.rule), self.step, self.due_date,
                                 self.person_id, str(self.channel))


@dataclass
class PlanResult:
    """`due`: record as pending now. `skipped`: superseded by a later notice during
    catch-up; record as skipped so they are never sent. `next_check`: per assignment,
    the next moment (UTC) something falls due, or None when nothing ever will."""

    due: list[Planned]
    skipped: list[Planned]
    next_check: dict[int, datetime | None]


@dataclass(frozen=True, slots=True)
class _Notice:
    rule: Rule
    step: int
    day: date  # local calendar day, the same for every recipient
    audience: Audience
    kind: MessageKind = MessageKind.REMINDER  # set from `rule` (below)
    escalation: bool = False  # rule == ESCALATION
    owner: bool = True  # audience == OWNER

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _KIND[self.rule])
        object.__setattr__(self, "escalation", self.rule == Rule.ESCALATION)
        object.__setattr__(self, "owner", self.audience == Audience.OWNER)


def _order(notice: _Notice) -> tuple[date, int, int]:
    """Notices sort by day, then reminder, overdue, escalation, then step."""
    return notice.day, _RANK[notice.rule], notice.step


class _Schedule:
    """Notice days and send instants for one policy, memoised for one `plan()` call."""

    def __init__(self, policy: Policy):
        self.policy = policy
        self.calendar = policy.calendar
        self._fixed: dict[date, tuple[_Notice, ...]] = {}
        self._overdue_day: dict[tuple[date, int], date] = {}
        self._instants: dict[tuple[date, ZoneInfo], datetime] = {}
        self._zones: dict[str | None, ZoneInfo] = {None: policy.zone}
        self._send_at: dict[tuple[date, str | None], datetime] = {}
        self._notices: dict[tuple[date, date, bool], tuple[_Notice, ...]] = {}
        self._last_repeat = policy.last_overdue_repeat

    def notices(self, due: date, low: date, high: date, first_pass: bool
                ) -> tuple[_Notice, ...]:
        """The notices an assignment due on `due` may get in a pass whose window opens on
        local day `low` (`high`: the last local day begun anywhere; the same for one
        `plan()` call), in the order slots fall: the fixed ones from `low` on (on a first
        pass every escalation rung too, to carry the latest in), and the overdue repeats
        (`overdue`). Memoised: a batch shares a few due dates and windows."""
        key = (due, low, first_pass)
        found = self._notices.get(key)
        if found is None:
            notices = [n for n in self.fixed(due)
                       if n.day >= low or (first_pass and n.escalation)]
            notices += self.overdue(due, low, high, first_pass)
            notices.sort(key=_order)
            found = self._notices[key] = tuple(notices)
        return found

    def send_at(self, day: date, zone_name: str | None) -> datetime:
        """The send time on local `day` in the zone called `zone_name` (`zone`), as
        aware UTC."""
        key = (day, zone_name)
        moment = self._send_at.get(key)
        if moment is None:
            moment = self._send_at[key] = self.instant(day, self.zone(zone_name))
        return moment

    def fixed(self, due: date) -> tuple[_Notice, ...]:
        """Reminders and escalation rungs for `due`, in day order."""
        notices = self._fixed.get(due)
        if notices is None:
            notices = self._fixed[due] = self._build_fixed(due)
        return notices

    def _build_fixed(self, due: date) -> tuple[_Notice, ...]:
        calendar = self.calendar
        notices: list[_Notice] = []
        taken: set[date] = set()
        for offset in sorted(self.policy.days_before):  # nearest first: it wins a shared day
            day = calendar.previous_working_day(due - timedelta(days=offset))
            if day not in taken:
                taken.add(day)
                notices.append(_Notice(Rule.BEFORE, offset, day, Audience.OWNER))
        for index, rung in enumerate(self.policy.escalation):
            if rung.after_days:
                day = calendar.add_working_days(due, rung.after_days)
            else:  # on the due date itself: the day of the due-day reminder
                day = calendar.previous_working_day(due)
            notices.append(_Notice(Rule.ESCALATION, index, day, rung.notify))
        notices.sort(key=_order)
        return tuple(notices)

    def overdue(self, due: date, low: date, high: date, carry: bool) -> list[_Notice]:
        """Overdue repeats from the first on or after `low` to the first after `high`,
        plus the last one before `low` when `carry` is set."""
        calendar = self.calendar
        policy = self.policy

        def last_by(day: date) -> int:  # number of the last repeat on or before `day`
            return policy.overdue_repeats_by(calendar.working_days_between(due, day))

        first = last_by(low - _DAY) + (0 if carry else 1)
        stop = self._last_repeat
        end = last_by(high) + 1 if stop is None else min(last_by(high) + 1, stop)
        notices = []
        for number in range(max(1, first), end + 1):
            day = self._overdue_day.get((due, number))
            if day is None:
                day = calendar.add_working_days(due, policy.overdue_repeat_offset(number))
                self._overdue_day[(due, number)] = day
            notices.append(_Notice(Rule.OVERDUE, number, day, Audience.OWNER))
        return notices

    def zone(self, name: str | None) -> ZoneInfo:
        """The zone called `name`; the policy's zone for None or a name not known."""
        zone = self._zones.get(name)
        if zone is None:
            try:
                zone = ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                zone = self.policy.zone
            self._zones[name] = zone
        return zone

    def instant(self, day: date, zone: ZoneInfo) -> datetime:
        """The send time on local `day` in `zone`, as aware UTC."""
        key = (day, zone)
        moment = self._instants.get(key)
        if moment is None:
            local = datetime.combine(day, self.policy.send_time, tzinfo=zone)
            moment = self._instants[key] = local.astimezone(UTC)
        return moment


def plan(
    assignments: Iterable[AssignmentInfo],
    directory: Directory,
    policy: Policy,
    now: datetime,
) -> PlanResult:
    """Plan the notices due at `now` for `assignments`.

    Done, cancelled and undated assignments plan nothing (their `next_check` is None).
    People without a usable channel get nothing. The result is deterministic for equal
    inputs.

    :raises ValueError: if `now` is naive.
    """
    if now.tzinfo is None:
        raise ValueError("plan() needs an aware `now`")
    now = now.astimezone(UTC)
    decide = _Decisions(directory, policy, now)
    result = PlanResult(due=[], skipped=[], next_check={})
    due_list, skipped_list, next_check = result.due, result.skipped, result.next_check
    for a in assignments:
        if a.status != AssignmentStatus.OPEN or a.due_date is None:
            next_check[a.id] = None
            continue
        due, skipped, next_at = decide(a)
        id_ = a.id
        for fields in skipped:
            skipped_list.append(Planned(id_, *fields))
        for fields in due:
            due_list.append(Planned(id_, *fields))
        next_check[id_] = next_at
    return result


# What an assignment gets, but for its id: the fields of each `Planned` after the first.
_Fields = tuple[int, ChannelKind, MessageKind, Rule, int, date, datetime, str | None]


class _Decisions:
    """The notices of open, dated assignments at `now`, memoised for one `plan()` call.

    What an assignment gets depends only on its due date, its window (where it opens,
    and whether it is the first pass), and its organisation and person (who its owners
    and escalation recipients are), not on its id; the assignments of one document
    share those by the hundred, so each such case is decided once.
    """

    def __init__(self, directory: Directory, policy: Policy, now: datetime):
        self.directory = directory
        self.policy = policy
        self.now = now
        self.high = now.date() + _DAY  # no local day after this has begun anywhere
        self.schedule = _Schedule(policy)
        self.channels: dict[int, tuple[ChannelKind, ...]] = {}
        self.found: dict[tuple, tuple[tuple[_Fields, ...], tuple[_Fields, ...],
                                      datetime | None]] = {}

    def __call__(self, a: AssignmentInfo
                 ) -> tuple[tuple[_Fields, ...], tuple[_Fields, ...], datetime | None]:
        """(due, skipped, next check) of `a`: the fields of its due and its superseded
        notices, in order, and the next moment something falls due (None: never)."""
        first_pass = a.last_checked is None or a.last_checked <= a.created_at
        start = a.created_at if first_pass else a.last_checked
        key = (a.due_date, start, first_pass, a.organisation_id, a.person_id)
        found = self.found.get(key)
        if found is None:
            found = self.found[key] = self._decide(a, start, first_pass)
        return found

    def _decide(self, a: AssignmentInfo, start: datetime, first_pass: bool
                ) -> tuple[tuple[_Fields, ...], tuple[_Fields, ...], datetime | None]:
        schedule, directory, channels, now = self.schedule, self.directory, self.channels, self.now
        due = a.due_date
        low = start.astimezone(UTC).date() - _DAY  # every local day before this had ended
        skipped: list[_Fields] = []
        # Per (person, channel, escalation?): the latest due slot and whether it lies in
        # the window (a carried-in one does not, and is never recorded as skipped).
        latest: dict[tuple[int, ChannelKind, bool], tuple[_Fields, bool]] = {}
        next_at: datetime | None = None
        horizon: date | None = None  # no notice after this day can come first
        for notice in schedule.notices(due, low, self.high, first_pass):
            if horizon is not None and notice.day > horizon:
                break
            reached = False
            if notice.owner:
                recipients, fallback = directory.owners(a), None
            else:  # whom, and why others when its audience is missing (nearest
                # coordinator, lead, admins: `Directory.escalation_recipients`)
                recipients, fallback = directory.escalation_recipients(
                    str(notice.audience), a.organisation_id)
            for person in recipients:
                kinds = channels.get(person.id)
                if kinds is None:
                    kinds = channels[person.id] = channels_of(person)
                if not kinds:
                    continue
                reached = True
                send_at = schedule.send_at(notice.day, person.timezone)
                if send_at > now:
                    if next_at is None or send_at < next_at:
                        next_at = send_at
                        horizon = next_at.date() + _LOOKAHEAD
                    continue
                if send_at >= start:
                    in_window = True
                elif first_pass and notice.rule != Rule.BEFORE:
                    in_window = False
                else:
                    continue
                for channel in kinds:
                    fields = (person.id, channel, notice.kind, notice.rule, notice.step, due,
                              send_at, fallback)
                    slot = (person.id, channel, notice.escalation)
                    earlier = latest.get(slot)
                    # Notices come in day order, so this one supersedes the earlier.
                    if earlier is not None and earlier[1]:
                        skipped.append(earlier[0])
                    latest[slot] = (fields, in_window)
            if not reached:
                # Nobody to tell yet; come back at the slot in case someone appears.
                send_at = schedule.instant(notice.day, self.policy.zone)
                if send_at > now and (next_at is None or send_at < next_at):
                    next_at = send_at
                    horizon = next_at.date() + _LOOKAHEAD
        return tuple(fields for fields, _ in latest.values()), tuple(skipped), next_at
