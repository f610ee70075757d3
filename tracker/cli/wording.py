"""The words the CLI's tables and records show for stored values: statuses, event kinds,
the way a change was made, roles, channels and column headers. English message ids; the
words come from the catalogue (Russian by default, English with `locale = "en"`)."""

from __future__ import annotations

from tracker.core.i18n import N_, NP_, translate

_VALUES: dict[str, dict[str, str | tuple[str, str]]] = {
    "status": {
        "open": NP_("cli", "open"),
        "done": N_("done"),
        "cancelled": N_("cancelled"),
        "overdue": N_("overdue"),
    },
    "event": {
        "created": N_("created"),
        "assigned": NP_("cli", "assigned"),
        "completed": N_("completed"),
        "reopened": N_("reopened"),
        "cancelled": N_("cancelled"),
        "extended": N_("deadline extended"),
        "extension_requested": N_("extension requested"),
        "extension_rejected": NP_("cli", "extension rejected"),
        "evidence": N_("evidence attached"),
        "commented": N_("comment"),
        "reminded": N_("reminded"),
        "escalated": N_("escalated"),
    },
    "via": {
        "cli": N_("via the command line"),
        "bot": N_("via the Telegram bot"),
        "import": N_("via import"),
        "scheduler": N_("by the scheduler"),
        "web": N_("via the web page"),
    },
    "role": {
        "officer": N_("officer"),
        "coordinator": N_("coordinator"),
        "lead": N_("lead"),
        "admin": N_("admin"),
    },
    "channel": {
        "email": NP_("cli", "email"),
        "telegram": N_("Telegram"),
    },
    "message kind": {  # notifications.message.MessageKind
        "reminder": NP_("message kind", "reminder"),
        "overdue": NP_("message kind", "overdue"),
        "escalation": NP_("message kind", "escalation"),
        "digest": NP_("message kind", "digest"),
        "coordinator_digest": NP_("message kind", "coordinator digest"),
        "lead_summary": NP_("message kind", "lead summary"),
        "failure": NP_("message kind", "failure notice"),
        "extension": NP_("message kind", "extension"),
        "test": NP_("message kind", "test"),
    },
}

_WORDS: dict[str, str | tuple[str, str]] = {
    "id": N_("ID"),
    "label": N_("Label"),
    "task": NP_("cli.task", "Task"),
    "organisation": N_("Organisation"),
    "due": N_("Due"),
    "status": N_("Status"),
    "name": NP_("cli", "Name"),
    "role": N_("Role"),
    "email": NP_("cli", "Email"),
    "telegram": N_("Telegram"),
    "yes": N_("yes"),
    "overdue_days": N_("overdue {days} d"),
    "no_tasks": N_("No tasks match."),
    "no_people": N_("No people match."),
    "assignment": N_("Assignment {id} (task {task}{label})"),
    "f_task": NP_("cli.f_task", "Task"),
    "f_document": N_("Document"),
    "f_organisation": N_("Organisation"),
    "f_responsible": NP_("cli", "Responsible"),
    "f_due": N_("Due"),
    "f_originally": N_("originally {date}"),
    "f_status": N_("Status"),
    "f_completed": N_("Completed"),
    "f_comment": N_("Comment"),
    "history": N_("History:"),
    "by": N_("by {name}"),
    "to": N_("to {names}"),
    "older": N_("… {n} more reminders from {first} to {last} (all: --wide)"),
    "nobody": N_("nobody"),
}


def value(kind: str, stored: object, locale: str) -> str:
    """The word for a stored enum value (unknown values as they are)."""
    message = _VALUES.get(kind, {}).get(str(stored))
    return str(stored) if message is None else translate(locale, message)


def word(key: str, locale: str, **fields: object) -> str:
    return translate(locale, _WORDS[key]).format(**fields)
