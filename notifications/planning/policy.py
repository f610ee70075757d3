"""The reminder policy: when and to whom notices go, as plain immutable data.

Built once from the `[reminders]` section of the configuration and the default time
zone; the planner reads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tracker.core.i18n import _
from tracker.core.workdays import EVERY_DAY, RUSSIA, Calendar

if TYPE_CHECKING:
    from tracker.core.config import RemindersSettings, Settings


class Audience(StrEnum):
    """Whom an escalation step notifies."""

    OWNER = "owner"  # the assignment's person, else the organisation's officers
    COORDINATOR = "coordinator"  # of the organisation or its nearest ancestor having any
    LEAD = "lead"  # the region's leads


@dataclass(frozen=True)
class EscalationRung:
    """Tell `notify` once the assignment is `after_days` working days overdue."""

    after_days: int
    notify: Audience


@dataclass(frozen=True)
class Policy:
    """When reminders, overdue repeats and escalations go out.

    `days_before` is kept in descending order without duplicates. `zone` is the time
    zone of people who have none of their own. `calendar` counts working days: the
    Russian production calendar, or every day when `working_days_only` is off.
    """

    days_before: tuple[int, ...] = (14, 7, 3, 1, 0)
    send_time: time = time(9, 0)
    working_days_only: bool = True
    overdue_repeat_days: int = 3
    # Overdue repeats thin out: every `overdue_repeat_days` working days while the item is
    # at most `overdue_dense_days` working days overdue, then every `overdue_sparse_days`,
    # and none past `overdue_stop_days` (0: never stop); the escalation ladder and the
    # weekly digests carry it from there.
    overdue_dense_days: int = 10
    overdue_sparse_days: int = 5
    overdue_stop_days: int = 40
    escalation: tuple[EscalationRung, ...] = (
        EscalationRung(3, Audience.COORDINATOR),
        EscalationRung(7, Audience.LEAD),
    )
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Moscow"))

    def __post_init__(self) -> None:
        if any(d < 0 for d in self.days_before):
            raise ValueError(_(
                "reminders.days_before: days before the due date cannot be negative"))
        if self.overdue_repeat_days < 1:
            raise ValueError(_("reminders.overdue_repeat_days must be at least 1"))
        if self.overdue_sparse_days < 1:
            raise ValueError(_("reminders.overdue_sparse_days must be at least 1"))
        if self.overdue_dense_days < 1 or self.overdue_stop_days < 0:
            raise ValueError(_("reminders.overdue_dense_days must be at least 1, "
                               "reminders.overdue_stop_days 0 or more"))
        if any(r.after_days < 0 for r in self.escalation):
            raise ValueError(_("reminders.escalation: a step cannot come before the due date"))
        object.__setattr__(self, "days_before", tuple(sorted(set(self.days_before), reverse=True)))

    @property
    def _sparse(self) -> int:  # thinning never makes repeats denser than the first ones
        return max(self.overdue_sparse_days, self.overdue_repeat_days)

    @property
    def _dense_repeats(self) -> int:
        """How many repeats fall while the item is at most `overdue_dense_days` overdue."""
        return (self.overdue_dense_days - 1) // self.overdue_repeat_days + 1

    @property
    def last_overdue_repeat(self) -> int | None:
        """The number of the last overdue repeat; None: they never stop."""
        if not self.overdue_stop_days:
            return None
        return self.overdue_repeats_by(self.overdue_stop_days)

    def overdue_repeat_offset(self, number: int) -> int:
        """Working days after the due date of overdue repeat `number` (from 1): 1, then
        every `overdue_repeat_days`, then every `overdue_sparse_days`."""
        dense = self._dense_repeats
        if number <= dense:
            return 1 + (number - 1) * self.overdue_repeat_days
        last_dense = 1 + (dense - 1) * self.overdue_repeat_days
        return last_dense + (number - dense) * self._sparse

    def overdue_repeats_by(self, days_overdue: int) -> int:
        """How many overdue repeats fall on or before `days_overdue` working days past the
        due date, ignoring the stop (the inverse of `overdue_repeat_offset`)."""
        if days_overdue < 1:
            return 0
        dense = self._dense_repeats
        last_dense = 1 + (dense - 1) * self.overdue_repeat_days
        if days_overdue <= last_dense:
            return (days_overdue - 1) // self.overdue_repeat_days + 1
        return dense + (days_overdue - last_dense) // self._sparse

    @property
    def calendar(self) -> Calendar:
        return RUSSIA if self.working_days_only else EVERY_DAY

    @classmethod
    def from_reminders(cls, reminders: RemindersSettings, zone: ZoneInfo | str) -> Policy:
        """The policy of a `[reminders]` section, with `zone` as the default time zone."""
        return cls(
            days_before=tuple(reminders.days_before),
            send_time=reminders.send_time,
            working_days_only=reminders.working_days_only,
            overdue_repeat_days=reminders.overdue_repeat_days,
            overdue_dense_days=reminders.overdue_dense_days,
            overdue_sparse_days=reminders.overdue_sparse_days,
            overdue_stop_days=reminders.overdue_stop_days,
            escalation=tuple(
                EscalationRung(step.days, Audience(step.notify)) for step in reminders.escalation
            ),
            zone=ZoneInfo(zone) if isinstance(zone, str) else zone,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        """The policy of the loaded configuration."""
        return cls.from_reminders(settings.reminders, settings.zone)
