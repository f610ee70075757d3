"""What the bot says, in Russian (the default) and English. HTML parse mode: values that
come from users or documents are escaped by the caller (`esc`)."""

from __future__ import annotations

import html

TEXTS: dict[str, dict[str, str]] = {
    "ru": {
        "not_linked": (
            "Здравствуйте! Этот бот напоминает о сроках исполнения поручений.\n"
            "Ваш Telegram пока не привязан к справочнику. Попросите администратора "
            "выдать ссылку-приглашение (команда <code>tracker people invite</code>) "
            "и откройте её."),
        "unlinked_short": "Ваш Telegram не привязан к справочнику. Отправьте /start.",
        "code_unknown": "Код приглашения не найден. Проверьте ссылку или попросите новую.",
        "code_used": "Этот код приглашения уже использован. Попросите у администратора новый.",
        "code_expired": "Срок действия приглашения истёк. Попросите у администратора новое.",
        "welcome": "Здравствуйте, {name}! Telegram привязан: {org}, роль — {role}.\n\n{help}",
        "help_officer": (
            "Что умеет бот:\n"
            "/tasks — ваши поручения, ближайшие сроки первыми\n"
            "/done ID [комментарий] — отметить исполнение\n"
            "/settings — каналы уведомлений и язык\n"
            "/help — эта справка\n\n"
            "Под каждым поручением есть кнопки «Выполнено», «Комментарий» и «Перенести срок»."),
        "help_overseer": "/overdue — просроченные поручения {scope}\n",
        "scope_coordinator": "вашей организации и подведомственных",
        "scope_lead": "по всему региону",
        "role_officer": "исполнитель",
        "role_coordinator": "координатор",
        "role_lead": "руководитель",
        "role_admin": "администратор",
        "no_tasks": "Открытых поручений нет. 👍",
        "tasks_head": "Открытые поручения: {n}. Ближайшие сроки первыми.",
        "tasks_more": "…и ещё {n}. Полный список: <code>tracker tasks list</code>.",
        "card_due": "Срок: {due} ({when})",
        "card_no_due": "Срок не установлен",
        "card_org": "Исполнитель: {org}",
        "done_usage": ("Использование: /done ID [комментарий]\n"
                       "Например: <code>/done 42 Проведено, протокол № 5</code>"),
        "ask_comment": ("Отмечаем исполнение поручения #{id}.\n"
                        "Напишите комментарий (или пришлите файл отчёта или фото), "
                        "либо нажмите «Без комментария»."),
        "ask_note": "Напишите комментарий к поручению #{id}.",
        "ask_date": "Поручение #{id}: до какой даты перенести срок? Например, 30.09.2021.",
        "ask_reason": "Укажите обоснование переноса срока на {due}.",
        "bad_date": "Не понял дату «{text}». Напишите её как 30.09.2021.",
        "bad_id": ("Не понял номер поручения «{text}»: нужно целое число, например "
                   "<code>/done 42</code>."),
        "ext_past": ("Дата {due} уже прошла: новый срок должен быть позже сегодняшнего дня "
                     "({floor}). Напишите другую дату."),
        "ext_not_later": ("Новый срок должен быть позже текущего срока ({floor}). "
                          "Напишите другую дату."),
        "ext_too_far": ("Дата {due} слишком далеко: срок можно перенести не дальше чем "
                        "на {limit}. Напишите другую дату."),
        "ask_reason_again": ("Обоснование не может быть пустым. Укажите обоснование переноса "
                             "на {due}."),
        "invalid": "Действие не выполнено: проверьте данные и попробуйте ещё раз.",
        "done_stamp": "✅ Выполнено — {who}, {when}",
        "done_ok": "✅ Поручение #{id} отмечено выполненным.",
        "already_done": "Поручение #{id} уже отмечено выполненным: {who}, {when}.",
        "not_open": "Поручение #{id} снято с контроля.",
        "not_found": "Поручение #{id} не найдено.",
        "denied": "Недостаточно прав для поручения #{id}.",
        "stale_button": "Кнопка устарела или недействительна.",
        "noted": "💬 Комментарий к поручению #{id} сохранён.",
        "evidence_saved": "📎 Файл «{name}» сохранён как подтверждение по поручению #{id}.",
        "evidence_where": ("Чтобы приложить файл, нажмите «Выполнено» под поручением "
                           "и пришлите файл в ответ."),
        "cancelled": "Отменено.",
        "ext_sent": ("📅 Запрос на перенос срока поручения #{id} на {due} отправлен "
                     "на согласование: {to}."),
        "ext_done_self": "📅 Срок поручения #{id} перенесён на {due}.",
        "ext_waiting": "Запрос на перенос срока поручения #{id} уже ожидает решения.",
        "ext_nobody": "Некому согласовать перенос срока поручения #{id}.",
        "ext_invalid": "Перенос невозможен: {error}",
        "ext_approved": "✅ Перенос срока согласован: {who}, {when}. Новый срок: {due}.",
        "ext_rejected": "❌ Перенос срока отклонён: {who}, {when}.",
        "ext_decided": "Запрос уже рассмотрен ({status}).",
        "ext_not_found": "Запрос на перенос срока не найден.",
        "ext_denied": "Недостаточно прав для решения по этому запросу.",
        "status_approved": "согласован",
        "status_rejected": "отклонён",
        "overdue_none": "Просроченных поручений нет{scope}. 👍",
        "overdue_head": "⏰ <b>Просрочено: {n}</b>{scope} на {date}",
        "overdue_row": "{i}. {name}: {n} (более 30 дней: {n30})",
        "overdue_oldest": "Самые давние:",
        "overdue_item": "• #{id} {text} — {org}, срок {due} ({days})",
        "officer_only": "Команда /overdue доступна координаторам и руководителю.",
        "settings": ("Настройки уведомлений\nКаналы: {channels}\nЯзык: {language}\n\n"
                     "Выберите:"),
        "settings_saved": "Сохранено. Каналы: {channels}. Язык: {language}.",
        "channels_email": "электронная почта",
        "channels_telegram": "Telegram",
        "channels_both": "почта и Telegram",
        "unknown_text": "Не понял сообщение. Список команд — /help.",
        "error": "Произошла ошибка, попробуйте ещё раз позже.",
    },
    "en": {
        "not_linked": (
            "Hello! This bot reminds you of the deadlines of your assignments.\n"
            "Your Telegram is not linked yet. Ask the administrator for an invite link "
            "(<code>tracker people invite</code>) and open it."),
        "unlinked_short": "Your Telegram is not linked. Send /start.",
        "code_unknown": "Invite code not found. Check the link or ask for a new one.",
        "code_used": "This invite code was already used. Ask the administrator for a new one.",
        "code_expired": "This invite has expired. Ask the administrator for a new one.",
        "welcome": "Hello, {name}! Telegram is linked: {org}, role: {role}.\n\n{help}",
        "help_officer": (
            "What the bot does:\n"
            "/tasks: your assignments, the soonest first\n"
            "/done ID [comment]: mark one done\n"
            "/settings: notification channels and language\n"
            "/help: this help\n\n"
            "Each assignment has the buttons Done, Comment and Extend."),
        "help_overseer": "/overdue: overdue assignments {scope}\n",
        "scope_coordinator": "of your organisation and those under it",
        "scope_lead": "across the region",
        "role_officer": "officer",
        "role_coordinator": "coordinator",
        "role_lead": "lead",
        "role_admin": "administrator",
        "no_tasks": "No open assignments. 👍",
        "tasks_head": "Open assignments: {n}. The soonest first.",
        "tasks_more": "…and {n} more. Full list: <code>tracker tasks list</code>.",
        "card_due": "Due: {due} ({when})",
        "card_no_due": "No due date",
        "card_org": "Owner: {org}",
        "done_usage": ("Usage: /done ID [comment]\n"
                       "For example: <code>/done 42 Held, minutes no. 5</code>"),
        "ask_comment": ("Marking assignment #{id} done.\nWrite a comment (or send a report "
                        "file or photo), or press No comment."),
        "ask_note": "Write a comment on assignment #{id}.",
        "ask_date": "Assignment #{id}: extend to which date? For example, 30.09.2021.",
        "ask_reason": "Give the reason for extending to {due}.",
        "bad_date": "Could not read the date “{text}”. Write it as 30.09.2021.",
        "bad_id": ("Could not read the assignment number “{text}”: write a whole number, "
                   "e.g. <code>/done 42</code>."),
        "ext_past": ("{due} has passed: the new due date must be after today ({floor}). "
                     "Write another date."),
        "ext_not_later": ("The new due date must be after the current one ({floor}). "
                          "Write another date."),
        "ext_too_far": ("{due} is too far ahead: extend to {limit} at the latest. "
                        "Write another date."),
        "ask_reason_again": "The reason cannot be empty. Give the reason for extending to {due}.",
        "invalid": "Not done: check the data and try again.",
        "done_stamp": "✅ Done — {who}, {when}",
        "done_ok": "✅ Assignment #{id} marked done.",
        "already_done": "Assignment #{id} is already done: {who}, {when}.",
        "not_open": "Assignment #{id} was withdrawn.",
        "not_found": "Assignment #{id} not found.",
        "denied": "You may not act on assignment #{id}.",
        "stale_button": "This button is out of date or invalid.",
        "noted": "💬 Comment on assignment #{id} saved.",
        "evidence_saved": "📎 File “{name}” saved as evidence for assignment #{id}.",
        "evidence_where": "To attach a file, press Done under the assignment and send the file.",
        "cancelled": "Cancelled.",
        "ext_sent": "📅 Extension of assignment #{id} to {due} sent for approval: {to}.",
        "ext_done_self": "📅 Assignment #{id} now due {due}.",
        "ext_waiting": "An extension request for assignment #{id} is already waiting.",
        "ext_nobody": "Nobody can approve an extension of assignment #{id}.",
        "ext_invalid": "Cannot extend: {error}",
        "ext_approved": "✅ Extension approved: {who}, {when}. New due date: {due}.",
        "ext_rejected": "❌ Extension rejected: {who}, {when}.",
        "ext_decided": "This request was already decided ({status}).",
        "ext_not_found": "Extension request not found.",
        "ext_denied": "You may not decide this request.",
        "status_approved": "approved",
        "status_rejected": "rejected",
        "overdue_none": "Nothing is overdue{scope}. 👍",
        "overdue_head": "⏰ <b>Overdue: {n}</b>{scope} as of {date}",
        "overdue_row": "{i}. {name}: {n} (over 30 days: {n30})",
        "overdue_oldest": "The oldest:",
        "overdue_item": "• #{id} {text} — {org}, due {due} ({days})",
        "officer_only": "/overdue is for coordinators and the regional lead.",
        "settings": "Notification settings\nChannels: {channels}\nLanguage: {language}\n\nChoose:",
        "settings_saved": "Saved. Channels: {channels}. Language: {language}.",
        "channels_email": "email",
        "channels_telegram": "Telegram",
        "channels_both": "email and Telegram",
        "unknown_text": "I did not understand that. Commands: /help.",
        "error": "Something went wrong; please try again later.",
    },
}

COMMANDS = {
    "ru": [("tasks", "Мои поручения"), ("overdue", "Просроченные поручения"),
           ("done", "Отметить исполнение: /done ID [комментарий]"),
           ("settings", "Каналы уведомлений и язык"), ("help", "Справка")],
    "en": [("tasks", "My assignments"), ("overdue", "Overdue assignments"),
           ("done", "Mark done: /done ID [comment]"),
           ("settings", "Notification channels and language"), ("help", "Help")],
}


def t(locale: str | None, key: str, **values) -> str:
    """The text `key` in `locale` (Russian when unknown), formatted with `values`."""
    table = TEXTS.get(locale or "ru", TEXTS["ru"])
    return table[key].format(**values) if values else table[key]


def esc(value) -> str:
    return html.escape(str(value), quote=False)
