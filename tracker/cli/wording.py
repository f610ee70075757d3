"""The words the CLI's tables and records show for stored values, Russian by default
and English with `locale = "en"`: statuses, event kinds, the way a change was made,
roles, channels and column headers."""

from __future__ import annotations

_VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "status": {
        "open": ("в работе", "open"),
        "done": ("исполнено", "done"),
        "cancelled": ("отменено", "cancelled"),
        "overdue": ("просрочено", "overdue"),
    },
    "event": {
        "created": ("создано", "created"),
        "assigned": ("назначено", "assigned"),
        "completed": ("исполнено", "completed"),
        "reopened": ("возобновлено", "reopened"),
        "cancelled": ("отменено", "cancelled"),
        "extended": ("срок перенесён", "deadline extended"),
        "extension_requested": ("запрошен перенос срока", "extension requested"),
        "extension_rejected": ("в переносе срока отказано", "extension rejected"),
        "evidence": ("приложен документ", "evidence attached"),
        "commented": ("комментарий", "comment"),
        "reminded": ("напоминание", "reminded"),
        "escalated": ("эскалация", "escalated"),
    },
    "via": {
        "cli": ("из командной строки", "via the command line"),
        "bot": ("через Telegram-бот", "via the Telegram bot"),
        "import": ("при импорте", "via import"),
        "scheduler": ("автоматически", "by the scheduler"),
        "web": ("через веб-страницу", "via the web page"),
    },
    "role": {
        "officer": ("исполнитель", "officer"),
        "coordinator": ("координатор", "coordinator"),
        "lead": ("руководитель", "lead"),
        "admin": ("администратор", "admin"),
    },
    "channel": {
        "email": ("эл. почта", "email"),
        "telegram": ("Telegram", "Telegram"),
    },
}

_WORDS: dict[str, tuple[str, str]] = {
    "id": ("№", "ID"),
    "label": ("Пункт", "Label"),
    "task": ("Поручение", "Task"),
    "organisation": ("Организация", "Organisation"),
    "due": ("Срок", "Due"),
    "status": ("Состояние", "Status"),
    "name": ("ФИО", "Name"),
    "role": ("Роль", "Role"),
    "email": ("Эл. почта", "Email"),
    "telegram": ("Telegram", "Telegram"),
    "yes": ("да", "yes"),
    "overdue_days": ("просрочено на {days} дн.", "overdue {days} d"),
    "no_tasks": ("Поручений не найдено.", "No tasks match."),
    "no_people": ("Людей не найдено.", "No people match."),
    "assignment": ("Поручение {id} (задача {task}{label})", "Assignment {id} (task {task}{label})"),
    "f_task": ("Текст", "Task"),
    "f_document": ("Документ", "Document"),
    "f_organisation": ("Организация", "Organisation"),
    "f_responsible": ("Ответственный", "Responsible"),
    "f_due": ("Срок", "Due"),
    "f_originally": ("первоначально {date}", "originally {date}"),
    "f_status": ("Состояние", "Status"),
    "f_completed": ("Исполнено", "Completed"),
    "f_comment": ("Комментарий", "Comment"),
    "history": ("История:", "History:"),
    "by": ("кто: {name}", "by {name}"),
    "to": ("кому: {names}", "to {names}"),
    "older": ("… ещё {n} напоминаний с {first} по {last} (все: --wide)",
              "… {n} more reminders from {first} to {last} (all: --wide)"),
    "nobody": ("не назначен", "nobody"),
}


def value(kind: str, stored: object, locale: str) -> str:
    """The word for a stored enum value (unknown values as they are)."""
    pair = _VALUES.get(kind, {}).get(str(stored))
    if pair is None:
        return str(stored)
    return pair[1] if locale == "en" else pair[0]


def word(key: str, locale: str, **fields: object) -> str:
    ru, en = _WORDS[key]
    return (en if locale == "en" else ru).format(**fields)
