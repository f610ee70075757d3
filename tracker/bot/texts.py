"""What the bot says: English message ids, the words from the catalogue
(tracker/core/i18n.py), Russian by default. HTML parse mode: values that come from users
or documents are escaped by the caller (`esc`)."""

from __future__ import annotations

import html

from tracker.core.i18n import N_, NP_, translate
from tracker.core.text import LOCALES

TEXTS: dict[str, str | tuple[str, str]] = {
    "not_linked": N_(
        "Hello! This bot reminds you of the deadlines of your assignments.\nYour Telegram is "
        "not linked yet. Ask the administrator for an invite link (<code>tracker people "
        "invite</code>) and open it."),
    "unlinked_short": N_("Your Telegram is not linked. Send /start."),
    "code_unknown": N_("Invite code not found. Check the link or ask for a new one."),
    "code_used": N_("This invite code was already used. Ask the administrator for a new one."),
    "code_expired": N_("This invite has expired. Ask the administrator for a new one."),
    "welcome": N_("Hello, {name}! Telegram is linked: {org}, role: {role}.\n\n{help}"),
    "help_officer": N_(
        "What the bot does:\n/tasks: your assignments, the soonest first\n/done ID [comment]: "
        "mark one done\n/settings: notification channels and language\n/help: this help\n\n"
        "Each assignment has the buttons Done, Comment and Extend."),
    "help_overseer": N_("/overdue: overdue assignments {scope}\n"),
    "scope_coordinator": N_("of your organisation and those under it"),
    "scope_lead": N_("across the region"),
    "role_officer": N_("officer"),
    "role_coordinator": N_("coordinator"),
    "role_lead": N_("lead"),
    "role_admin": N_("administrator"),
    "no_tasks": N_("No open assignments. 👍"),
    "tasks_head": N_("Open assignments: {n}. The soonest first."),
    "tasks_more": N_("…and {n} more. Full list: <code>tracker tasks list</code>."),
    "card_due": N_("Due: {due} ({when})"),
    "card_no_due": N_("No due date"),
    "card_org": N_("Owner: {org}"),
    "done_usage": N_(
        "Usage: /done ID [comment]\nFor example: <code>/done 42 Held, minutes no. 5</code>"),
    "ask_comment": N_(
        "Marking assignment #{id} done.\nWrite a comment (or send a report file or photo), or "
        "press No comment."),
    "ask_note": N_("Write a comment on assignment #{id}."),
    "ask_date": N_("Assignment #{id}: extend to which date? For example, 30.09.2021."),
    "ask_reason": N_("Give the reason for extending to {due}."),
    "bad_date": N_("Could not read the date “{text}”. Write it as 30.09.2021."),
    "bad_id": N_(
        "Could not read the assignment number “{text}”: write a whole number, e.g. <code>/done "
        "42</code>."),
    "ext_past": N_(
        "{due} has passed: the new due date must be after today ({floor}). Write another date."),
    "ext_not_later": N_(
        "The new due date must be after the current one ({floor}). Write another date."),
    "ext_too_far": N_(
        "{due} is too far ahead: extend to {limit} at the latest. Write another date."),
    "ask_reason_again": N_("The reason cannot be empty. Give the reason for extending to {due}."),
    "invalid": N_("Not done: check the data and try again."),
    "done_stamp": N_("✅ Done — {who}, {when}"),
    "done_ok": N_("✅ Assignment #{id} marked done."),
    "already_done": N_("Assignment #{id} is already done: {who}, {when}."),
    "not_open": N_("Assignment #{id} was withdrawn."),
    "not_found": N_("Assignment #{id} not found."),
    "denied": N_("You may not act on assignment #{id}."),
    "stale_button": N_("This button is out of date or invalid."),
    "noted": N_("💬 Comment on assignment #{id} saved."),
    "evidence_saved": N_("📎 File “{name}” saved as evidence for assignment #{id}."),
    "evidence_where": N_("To attach a file, press Done under the assignment and send the file."),
    "cancelled": N_("Cancelled."),
    "ext_sent": N_("📅 Extension of assignment #{id} to {due} sent for approval: {to}."),
    "ext_done_self": N_("📅 Assignment #{id} now due {due}."),
    "ext_waiting": N_("An extension request for assignment #{id} is already waiting."),
    "ext_nobody": N_("Nobody can approve an extension of assignment #{id}."),
    "ext_invalid": N_("Cannot extend: {error}"),
    "ext_approved": N_("✅ Extension approved: {who}, {when}. New due date: {due}."),
    "ext_rejected": N_("❌ Extension rejected: {who}, {when}."),
    "ext_decided": N_("This request was already decided ({status})."),
    "ext_not_found": N_("Extension request not found."),
    "ext_denied": N_("You may not decide this request."),
    "status_approved": N_("approved"),
    "status_rejected": N_("rejected"),
    "overdue_none": N_("Nothing is overdue{scope}. 👍"),
    "overdue_head": N_("⏰ <b>Overdue: {n}</b>{scope} as of {date}"),
    "overdue_row": N_("{i}. {name}: {n} (over 30 days: {n30})"),
    "overdue_oldest": N_("The oldest:"),
    "overdue_item": N_("• #{id} {text} — {org}, due {due} ({days})"),
    "officer_only": N_("/overdue is for coordinators and the regional lead."),
    "settings": N_("Notification settings\nChannels: {channels}\nLanguage: {language}\n\nChoose:"),
    "settings_saved": N_("Saved. Channels: {channels}. Language: {language}."),
    "channels_email": NP_("bot", "email"),
    "channels_telegram": N_("Telegram"),
    "channels_both": N_("email and Telegram"),
    "unknown_text": N_("I did not understand that. Commands: /help."),
    "error": N_("Something went wrong; please try again later."),
}

_COMMANDS: tuple[tuple[str, str | tuple[str, str]], ...] = (
    ("tasks", N_("My assignments")),
    ("overdue", N_("Overdue assignments")),
    ("done", N_("Mark done: /done ID [comment]")),
    ("settings", N_("Notification channels and language")),
    ("help", N_("Help")),
)


def commands(locale: str | None) -> list[tuple[str, str]]:
    """The bot's command menu in `locale`: (command, description)."""
    return [(name, translate(locale, text)) for name, text in _COMMANDS]


COMMANDS = {locale: commands(locale) for locale in LOCALES}


def t(locale: str | None, key: str, **values) -> str:
    """The text `key` in `locale` (Russian when unknown), formatted with `values`."""
    text = translate(locale, TEXTS[key])
    return text.format(**values) if values else text


def esc(value) -> str:
    return html.escape(str(value), quote=False)
