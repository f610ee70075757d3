"""The inline buttons shared by the Telegram channel (reminders) and the bot (task lists).

Callback data is at most 64 bytes and is never trusted: it names an action and an id,
and the bot checks on the server, against the pressing user, whether that user may do
it. The format is `<action>:<id>` (`done:42`) or `<action>:<word>` for settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from tracker.core.i18n import N_, translate


class Action(StrEnum):
    DONE = "done"  # «Выполнено» on an assignment
    NOTE = "note"  # «Комментарий» on an assignment
    MOVE = "move"  # «Перенести срок» on an assignment
    APPROVE = "extok"  # «Согласовать» an extension request
    REJECT = "extno"  # «Отклонить» an extension request
    SKIP = "skip"  # «Без комментария» while the bot waits for a comment
    CANCEL = "cancel"  # «Отмена» of whatever the bot waits for
    CHANNELS = "chan"  # /settings: email, telegram, both
    LANGUAGE = "lang"  # /settings: ru, en


_LABELS: dict[Action, str] = {
    Action.DONE: N_("✅ Done"),
    Action.NOTE: N_("💬 Comment"),
    Action.MOVE: N_("📅 Extend"),
    Action.APPROVE: N_("✅ Approve"),
    Action.REJECT: N_("❌ Reject"),
    Action.SKIP: N_("No comment"),
    Action.CANCEL: N_("Cancel"),
}
_PATTERN = re.compile(r"^([a-z]{2,6}):([0-9]{1,12}|[a-z]{2,10})$")


@dataclass(frozen=True)
class Callback:
    action: Action
    value: str

    @property
    def id(self) -> int | None:
        return int(self.value) if self.value.isdigit() else None


def data(action: Action, value: int | str) -> str:
    return f"{action}:{value}"


def parse(raw: str | None) -> Callback | None:
    """The callback in `raw`, or None for anything malformed (forged or from an old bot)."""
    match = _PATTERN.match(raw or "")
    if not match:
        return None
    try:
        return Callback(Action(match.group(1)), match.group(2))
    except ValueError:
        return None


def label(action: Action, locale: str) -> str:
    return translate(locale, _LABELS[action])


def assignment_row(assignment_id: int, locale: str, *, numbered: bool = False):
    """The three buttons of one assignment, as `InlineKeyboardButton`s.

    With `numbered` (a message listing several items) each label ends with `#id`, so
    the user can tell which item a button belongs to.
    """
    from telegram import InlineKeyboardButton

    suffix = f" #{assignment_id}" if numbered else ""
    return [InlineKeyboardButton(label(a, locale) + (suffix if a == Action.DONE else ""),
                                 callback_data=data(a, assignment_id))
            for a in (Action.DONE, Action.NOTE, Action.MOVE)]


def decision_row(request_id: int, locale: str):
    """«Согласовать» / «Отклонить» for an extension request."""
    from telegram import InlineKeyboardButton

    return [InlineKeyboardButton(label(a, locale), callback_data=data(a, request_id))
            for a in (Action.APPROVE, Action.REJECT)]


def without_assignment(markup, assignment_id: int):
    """`markup` (an `InlineKeyboardMarkup` or None) with the buttons of one assignment
    removed; None when nothing is left."""
    from telegram import InlineKeyboardMarkup

    if markup is None:
        return None
    rows = []
    for row in markup.inline_keyboard:
        kept = [b for b in row if (parsed := parse(b.callback_data)) is None
                or parsed.action not in (Action.DONE, Action.NOTE, Action.MOVE)
                or parsed.id != assignment_id]
        if kept:
            rows.append(kept)
    return InlineKeyboardMarkup(rows) if rows else None
