"""Plain messages and files: the answers to what the bot asked for, and the error handler."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date, timedelta

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from notifications.content import telegram_buttons as buttons
from notifications.content.telegram_buttons import Action
from tracker.bot import actions
from tracker.bot.common import (
    Context,
    allowed_chat,
    complete_and_answer,
    db_of,
    echo,
    esc_within,
    kick,
    locale_of,
    now_of,
    refusal,
    today_of,
    who_of,
)
from tracker.bot.texts import t
from tracker.core.dates import parse_date
from tracker.core.errors import Conflict, InvalidInput, TrackerError
from tracker.core.i18n import _
from tracker.services.extensions import NobodyToDecide, RequestWaiting

logger = logging.getLogger("tracker.bot")
MAX_YEARS_AHEAD = 5  # an extension further than this is a typo (2071 for 2021), not a plan

async def on_text(update: Update, context: Context) -> None:
    """A plain message: the answer to what the bot asked for, if it asked."""
    if not allowed_chat(update, context) or (who := await who_of(update, context)) is None:
        return
    message = update.effective_message
    waiting = context.user_data.get("await")
    if not waiting:
        if message.chat.type == ChatType.PRIVATE:
            await message.reply_html(t(who.locale, "unknown_text"))
        return
    text = " ".join(message.text.split())
    step, assignment_id = waiting["step"], waiting["id"]
    if step == "done":
        context.user_data.pop("await", None)
        await complete_and_answer(update, context, who, assignment_id, text, origin=waiting)
    elif step == "note":
        context.user_data.pop("await", None)
        await _answer(update, context, who, assignment_id, actions.comment, text, "noted")
    elif step == "date":
        new_due = await _new_due(update, context, who, assignment_id, text)
        if new_due is None:
            return
        waiting.update(step="reason", new_due=new_due)
        await message.reply_html(t(who.locale, "ask_reason", due=new_due.strftime("%d.%m.%Y")))
    elif step == "reason":
        if not text:
            await message.reply_html(t(who.locale, "ask_reason_again",
                                       due=waiting["new_due"].strftime("%d.%m.%Y")))
            return
        context.user_data.pop("await", None)
        await _request_extension(update, context, who, assignment_id, waiting["new_due"], text)


async def _new_due(update, context, who, assignment_id: int, text: str) -> date | None:
    """The date answered to «до какой даты перенести срок?», checked at once (before the
    reason is asked): a real date, after today and the current due date, at most
    `MAX_YEARS_AHEAD` years ahead. None after saying what is wrong."""
    message = update.effective_message
    try:
        new_due = parse_date(text)
    except InvalidInput:  # «31.02.2021», «завтра», 4,096 characters of anything
        await message.reply_html(t(who.locale, "bad_date", text=echo(text)))
        return None
    today = today_of(context, who)
    shown = new_due.strftime("%d.%m.%Y")
    if new_due <= today:
        await message.reply_html(t(who.locale, "ext_past", due=shown,
                                   floor=today.strftime("%d.%m.%Y")))
        return None
    limit = today + timedelta(days=365 * MAX_YEARS_AHEAD)
    if new_due > limit:
        await message.reply_html(t(who.locale, "ext_too_far", due=shown,
                                   limit=limit.strftime("%d.%m.%Y")))
        return None
    try:
        current = await asyncio.to_thread(actions.due_date, db_of(context),
                                          update.effective_user.id, assignment_id)
    except TrackerError as exc:
        context.user_data.pop("await", None)
        await message.reply_html(refusal(exc, who.locale, assignment_id))
        return None
    if current is not None and new_due <= current:
        await message.reply_html(t(who.locale, "ext_not_later",
                                   floor=current.strftime("%d.%m.%Y")))
        return None
    return new_due


async def _answer(update, context, who, assignment_id, action, value, key) -> None:
    try:
        await asyncio.to_thread(action, db_of(context), update.effective_user.id, assignment_id,
                                value, now_of(context))
    except TrackerError as exc:
        await update.effective_message.reply_html(refusal(exc, who.locale, assignment_id))
        return
    await update.effective_message.reply_html(t(who.locale, key, id=assignment_id))


async def _request_extension(update, context, who, assignment_id: int, new_due: date,
                             reason: str) -> None:
    message = update.effective_message
    due = new_due.strftime("%d.%m.%Y")
    try:
        approved, deciders = await asyncio.to_thread(
            actions.request_extension, db_of(context), update.effective_user.id, assignment_id,
            new_due, reason, today_of(context, who), now_of(context))
    except Conflict as exc:
        key = ("ext_waiting" if isinstance(exc, RequestWaiting) else
               "ext_nobody" if isinstance(exc, NobodyToDecide) else "not_open")
        await message.reply_html(t(who.locale, key, id=assignment_id))
        return
    except TrackerError as exc:
        await message.reply_html(refusal(exc, who.locale, assignment_id))
        return
    kick(context)
    if approved:
        await message.reply_html(t(who.locale, "ext_done_self", id=assignment_id, due=due))
    else:
        await message.reply_html(t(who.locale, "ext_sent", id=assignment_id, due=due,
                                   to=esc_within(", ".join(deciders), 500)))


async def on_file(update: Update, context: Context) -> None:
    """A document or photo: evidence for the assignment being completed, or for the one
    whose message it replies to, or for the one completed last."""
    if not allowed_chat(update, context) or (who := await who_of(update, context)) is None:
        return
    message = update.effective_message
    if message.document is not None:
        # Cut to the columns' sizes: a forged update may carry anything.
        document = message.document
        evidence = (document.file_id[:200], (document.file_name or "")[:300] or None,
                    (document.mime_type or "")[:100] or None)
    else:
        photo = message.photo[-1]  # the largest size
        evidence = (photo.file_id[:200], "photo.jpg", "image/jpeg")
    waiting = context.user_data.get("await") or {}
    if waiting.get("step") == "done":
        context.user_data.pop("await", None)
        await complete_and_answer(update, context, who, waiting["id"], message.caption,
                                  evidence, origin=waiting)
        return
    assignment_id = _replied_assignment(message.reply_to_message, context)
    if assignment_id is None:
        assignment_id = context.user_data.get("last_done")
    if assignment_id is None:
        await message.reply_html(t(who.locale, "evidence_where"))
        return
    try:
        await asyncio.to_thread(actions.add_evidence, db_of(context), update.effective_user.id,
                                assignment_id, evidence, now_of(context))
    except TrackerError as exc:
        await message.reply_html(refusal(exc, who.locale, assignment_id))
        return
    await message.reply_html(t(who.locale, "evidence_saved", id=assignment_id,
                               name=echo(evidence[1] or evidence[0])))


def _replied_assignment(replied, context: Context) -> int | None:
    """The assignment of the bot message a file replies to: the one whose buttons it
    carries (a reminder, a /tasks card), or the one a "done" confirmation was about."""
    if replied is None:
        return None
    if replied.reply_markup is not None:
        ids = {parsed.id for row in replied.reply_markup.inline_keyboard for b in row
               if (parsed := buttons.parse(b.callback_data)) is not None
               and parsed.action in (Action.DONE, Action.NOTE, Action.MOVE)}
        if len(ids) == 1:
            return ids.pop()
    return context.chat_data.get("replies", {}).get(replied.message_id)


async def on_error(update: object, context: Context) -> None:
    """Log the error (never the token: see `install_log_scrubber`) and apologise once."""
    logger.error(_("bot update failed: %s: %s"), type(context.error).__name__, context.error,
                 exc_info=not isinstance(context.error, TelegramError))
    if isinstance(update, Update) and update.effective_message is not None:
        with contextlib.suppress(TelegramError):
            await update.effective_message.reply_html(t(locale_of(update, context), "error"))
