"""What every bot handler shares: the bot's database, settings and clock, who is
talking, how an assignment is shown, and completing one with an answer.

Database work runs in worker threads (`asyncio.to_thread`) so the loop, shared with the
scheduler, never blocks. Handlers identify the person from the Telegram user id on the
server; callback data only names what was pressed.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from telegram import Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes

from notifications.content import telegram_buttons as buttons
from tracker.bot import actions
from tracker.bot.texts import esc, t
from tracker.core import text as i18n
from tracker.core.dates import format_local
from tracker.core.errors import Conflict, NotFound, PermissionDenied, TrackerError
from tracker.core.i18n import _

logger = logging.getLogger("tracker.bot")
Context = ContextTypes.DEFAULT_TYPE


def db_of(context: Context):
    return context.bot_data["db"]


def settings_of(context: Context):
    return context.bot_data["settings"]


def now_of(context: Context):
    return context.bot_data["clock"]()


def today_of(context: Context, who: actions.Who) -> date:
    return now_of(context).astimezone(who.zone).date()


CARD_TEXT_LIMIT = 3000  # characters of a task's text in a card: a message holds 4,096
ECHO_LIMIT = 40  # characters of the user's own text quoted back («Не понял дату …»)


async def guard(update: Update, context: Context) -> None:
    """Let through only what the bot handles: new messages with a sender, and presses
    on the bot's own messages. Edited messages (an edited `/done 5` is no second
    completion), channel posts, inline queries and messages without `from` are dropped;
    a press on an inline message (no `message`) or on one Telegram no longer shows is
    answered as out of date. Runs before every handler (group -1)."""
    query = update.callback_query
    if query is not None:
        if not isinstance(query.message, Message):
            await query.answer(t(locale_of(update, context), "stale_button"), show_alert=True)
            raise ApplicationHandlerStop
        return
    message = update.message
    if message is None or message.from_user is None or message.from_user.is_bot:
        raise ApplicationHandlerStop


def echo(text: str) -> str:
    """The user's own text, quoted back: at most a short prefix, escaped for HTML."""
    return esc(i18n.shorten(text, ECHO_LIMIT))


def esc_within(text: str, limit: int) -> str:
    """`text` escaped for HTML in at most `limit` characters (plus "…" when cut); the
    limit counts the escaped form, where one `&` is five characters."""
    out: list[str] = []
    size = 0
    for char in text:
        escaped = esc(char)
        if size + len(escaped) > limit:
            return "".join(out) + "…"
        out.append(escaped)
        size += len(escaped)
    return "".join(out)


def allowed_chat(update: Update, context: Context) -> bool:
    """Private chats always; group chats only when listed in `telegram.allowed_groups`."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    return chat.id in settings_of(context).telegram.allowed_groups


async def who_of(update: Update, context: Context, *, quiet: bool = False):
    """The linked person of the user, or None after telling a stranger how to link."""
    who = await asyncio.to_thread(actions.identify, db_of(context), update.effective_user.id,
                                  settings_of(context).timezone)
    if who is None and not quiet and update.effective_message is not None:
        await update.effective_message.reply_html(t(locale_of(update, context), "not_linked"))
    return who


def locale_of(update: Update, context: Context) -> str:
    """The language for someone not (yet) known: the config's."""
    return settings_of(context).locale


def kick(context: Context) -> None:
    """Ask the delivery loop to send what was just recorded (an extension notice)."""
    kick = context.bot_data.get("kick")
    if kick is not None:
        kick()


def help_text(who: actions.Who) -> str:
    text = t(who.locale, "help_officer")
    if who.overseer:
        scope = t(who.locale, "scope_coordinator" if who.role == "coordinator" else "scope_lead")
        text = t(who.locale, "help_overseer", scope=scope) + text
    return text


def card_text(card: actions.Card, locale: str, today: date) -> str:
    head = " · ".join(x for x in (card.document, f"п. {card.label}" if card.label else None)
                      if x)
    lines = [f"<b>#{card.id}</b>" + (f" {esc_within(head, 300)}" if head else ""),
             esc_within(card.text, CARD_TEXT_LIMIT),
             t(locale, "card_org", org=esc(card.organisation))]
    if card.due:
        when = i18n.days_phrase((card.due - today).days, locale)
        lines.append(t(locale, "card_due", due=i18n.format_date(card.due, locale), when=when))
    else:
        lines.append(t(locale, "card_no_due"))
    return "\n".join(lines)


def stamp(locale: str, done: actions.Done, zone) -> str:
    return t(locale, "done_stamp", who=esc(done.who), when=format_local(done.at, zone))


def refusal(error: TrackerError, locale: str, assignment_id: int | None) -> str:
    """The reply to a refused action, in the person's language (the domain's English
    message goes to the log only)."""
    if isinstance(error, NotFound):
        return t(locale, "not_found", id=assignment_id) if assignment_id is not None else \
            t(locale, "unlinked_short")
    if isinstance(error, PermissionDenied):
        return t(locale, "denied", id=assignment_id)
    if isinstance(error, Conflict):
        return t(locale, "not_open", id=assignment_id)
    logger.info(_("refused for assignment %s: %s"), assignment_id, error)
    return t(locale, "invalid")


async def complete_and_answer(update: Update, context: Context, who: actions.Who,
                              assignment_id: int, comment: str | None, evidence=None,
                              origin: dict | None = None) -> None:
    """Complete and answer; `origin` is the message whose button started it, edited to
    show who completed it and when."""
    message = update.effective_message
    try:
        result = await asyncio.to_thread(actions.complete, db_of(context), update.effective_user.id,
                                         assignment_id, comment, now_of(context), evidence)
    except TrackerError as exc:
        await message.reply_html(refusal(exc, who.locale, assignment_id))
        return
    context.user_data["last_done"] = assignment_id
    if result.already:
        await message.reply_html(t(who.locale, "already_done", id=assignment_id,
                                   who=esc(result.who), when=format_local(result.at, who.zone)))
    else:
        reply = await message.reply_html(t(who.locale, "done_ok", id=assignment_id))
        context.chat_data.setdefault("replies", {})[reply.message_id] = assignment_id
        if evidence is not None:
            await message.reply_html(t(who.locale, "evidence_saved", id=assignment_id,
                                       name=echo(evidence[1] or evidence[0])))
    if origin is not None:
        await edit_origin(context, origin, assignment_id, stamp(who.locale, result, who.zone))


async def edit_origin(context: Context, origin: dict, assignment_id: int, stamp: str) -> None:
    markup = buttons.without_assignment(origin.get("markup"), assignment_id)
    try:
        await context.bot.edit_message_text(
            chat_id=origin["chat_id"], message_id=origin["message_id"],
            text=f"{origin['html']}\n\n{stamp}", parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:  # "message is not modified", or too old to edit
        logger.info(_("could not edit message %s: %s"), origin["message_id"], exc)


