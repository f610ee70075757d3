"""The inline buttons: every press is checked against the pressing user and answered.

What the bot waits for next (a comment, a date, a reason) is kept per user in
`context.user_data["await"]`; `replies` reads it.
"""

from __future__ import annotations

import asyncio
import contextlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from notifications.content import telegram_buttons as buttons
from notifications.content.telegram_buttons import Action
from tracker.bot import actions
from tracker.bot.commands import settings_keyboard, settings_text
from tracker.bot.common import (
    Context,
    allowed_chat,
    complete_and_answer,
    db_of,
    edit_origin,
    kick,
    locale_of,
    now_of,
    refusal,
    settings_of,
    stamp,
    who_of,
)
from tracker.bot.texts import esc, t
from tracker.core import text as i18n
from tracker.core.dates import format_local
from tracker.core.enums import ChannelPref
from tracker.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TrackerError


async def on_button(update: Update, context: Context) -> None:
    """Every inline button: checked against the pressing user, always answered."""
    query = update.callback_query
    locale = locale_of(update, context)
    if not allowed_chat(update, context):
        await query.answer()
        return
    pressed = buttons.parse(query.data)
    if pressed is None:
        await query.answer(t(locale, "stale_button"), show_alert=True)
        return
    who = await who_of(update, context, quiet=True)
    if who is None:
        await query.answer(t(locale, "unlinked_short"), show_alert=True)
        return
    handler = _BUTTONS[pressed.action]
    await handler(update, context, who, pressed)


def _origin(query) -> dict:
    message = query.message
    return {"chat_id": message.chat.id, "message_id": message.message_id,
            "html": message.text_html if message.text else "", "markup": message.reply_markup}


async def _on_assignment(update: Update, context: Context, who, pressed) -> None:
    """«Выполнено», «Комментарий», «Перенести срок»: check, then ask what comes next."""
    query = update.callback_query
    assignment_id = pressed.id
    try:
        earlier = await asyncio.to_thread(actions.check_can_act, db_of(context),
                                          update.effective_user.id, assignment_id)
    except TrackerError as exc:
        await query.answer(refusal(exc, who.locale, assignment_id), show_alert=True)
        return
    if earlier is not None and pressed.action != Action.NOTE:
        # An alert is plain text: the name goes in unescaped.
        text = t(who.locale, "already_done", id=assignment_id, who=earlier.who,
                 when=format_local(earlier.at, who.zone))
        await query.answer(text, show_alert=True)
        await edit_origin(context, _origin(query), assignment_id,
                           stamp(who.locale, earlier, who.zone))
        return
    await query.answer()
    step = {Action.DONE: "done", Action.NOTE: "note", Action.MOVE: "date"}[pressed.action]
    context.user_data["await"] = {"step": step, "id": assignment_id, **_origin(query)}
    prompt = {"done": "ask_comment", "note": "ask_note", "date": "ask_date"}[step]
    row = [InlineKeyboardButton(buttons.label(Action.CANCEL, who.locale),
                                callback_data=buttons.data(Action.CANCEL, assignment_id))]
    if step == "done":
        row.insert(0, InlineKeyboardButton(buttons.label(Action.SKIP, who.locale),
                                           callback_data=buttons.data(Action.SKIP, assignment_id)))
    await query.message.reply_html(t(who.locale, prompt, id=assignment_id),
                                   reply_markup=InlineKeyboardMarkup([row]))


async def _on_skip(update: Update, context: Context, who, pressed) -> None:
    """«Без комментария»: complete what the bot was waiting to complete."""
    query = update.callback_query
    waiting = context.user_data.get("await") or {}
    await query.answer()
    if waiting.get("step") != "done" or waiting.get("id") != pressed.id:
        await query.message.reply_html(t(who.locale, "stale_button"))
        return
    context.user_data.pop("await", None)
    await _drop_keyboard(query)
    await complete_and_answer(update, context, who, pressed.id, None, origin=waiting)


async def _on_cancel(update: Update, context: Context, who, pressed) -> None:
    """«Отмена»: forget what the bot was waiting for."""
    query = update.callback_query
    context.user_data.pop("await", None)
    await query.answer(t(who.locale, "cancelled"))
    await _drop_keyboard(query)


async def _drop_keyboard(query) -> None:
    with contextlib.suppress(BadRequest):
        await query.edit_message_reply_markup(reply_markup=None)


async def _on_decision(update: Update, context: Context, who, pressed) -> None:
    """«Согласовать» / «Отклонить» an extension request."""
    query = update.callback_query
    approve = pressed.action == Action.APPROVE
    try:
        request, name = await asyncio.to_thread(actions.decide_extension, db_of(context),
                                                update.effective_user.id, pressed.id, approve,
                                                now_of(context))
    except NotFound:
        await query.answer(t(who.locale, "ext_not_found"), show_alert=True)
        return
    except PermissionDenied:
        await query.answer(t(who.locale, "ext_denied"), show_alert=True)
        return
    except Conflict:
        status, _ = await asyncio.to_thread(actions.request_state, db_of(context), pressed.id)
        await query.answer(t(who.locale, "ext_decided", status=t(who.locale, f"status_{status}")),
                           show_alert=True)
        return
    except InvalidInput:
        await query.answer(t(who.locale, "invalid"), show_alert=True)
        return
    await query.answer()
    kick(context)
    key = "ext_approved" if approve else "ext_rejected"
    stamp = t(who.locale, key, who=esc(name), when=format_local(now_of(context), who.zone),
              due=i18n.format_date_short(request.new_due_date))
    origin = _origin(query)
    origin["markup"] = None
    await edit_origin(context, origin, 0, stamp)


async def _on_setting(update: Update, context: Context, who, pressed) -> None:
    """A /settings button: channels or language."""
    query = update.callback_query
    change = {}
    if pressed.action == Action.CHANNELS and pressed.value in set(ChannelPref):
        change["channels"] = ChannelPref(pressed.value)
    elif pressed.action == Action.LANGUAGE and pressed.value in ("ru", "en"):
        change["locale"] = pressed.value
    else:
        await query.answer(t(who.locale, "stale_button"), show_alert=True)
        return
    who = await asyncio.to_thread(actions.update_settings, db_of(context),
                                  update.effective_user.id, default_zone=settings_of(context)
                                  .timezone, **change)
    await query.answer()
    # Pressing the current choice again changes nothing: Telegram refuses the edit.
    with contextlib.suppress(BadRequest):
        await query.edit_message_text(settings_text(who, "settings_saved"),
                                      parse_mode=ParseMode.HTML,
                                      reply_markup=settings_keyboard(who.locale))


_BUTTONS = {
    Action.DONE: _on_assignment, Action.NOTE: _on_assignment, Action.MOVE: _on_assignment,
    Action.SKIP: _on_skip, Action.CANCEL: _on_cancel,
    Action.APPROVE: _on_decision, Action.REJECT: _on_decision,
    Action.CHANNELS: _on_setting, Action.LANGUAGE: _on_setting,
}


