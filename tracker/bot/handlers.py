"""The bot's handlers: top-level async functions, one job each.

Database work runs in worker threads (`asyncio.to_thread`) so the loop, shared with the
scheduler, never blocks. Every handler identifies the person from the Telegram user id
on the server; callback data only names what was pressed. What the bot waits for next
(a comment, a date, a reason) is kept per user in `context.user_data["await"]`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from notifications import i18n
from notifications import telegram_buttons as buttons
from notifications.telegram_buttons import Action
from tracker.bot import actions
from tracker.bot.texts import esc, t
from tracker.dates import format_local, parse_date
from tracker.enums import ChannelPref
from tracker.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TrackerError

logger = logging.getLogger("tracker.bot")
TASKS_SHOWN = 10
Context = ContextTypes.DEFAULT_TYPE


# --- plumbing ---------------------------------------------------------------------------

def _db(context: Context):
    return context.bot_data["db"]


def _settings(context: Context):
    return context.bot_data["settings"]


def _now(context: Context):
    return context.bot_data["clock"]()


def _today(context: Context, who: actions.Who) -> date:
    return _now(context).astimezone(who.zone).date()


def _allowed_chat(update: Update, context: Context) -> bool:
    """Private chats always; group chats only when listed in `telegram.allowed_groups`."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    return chat.id in _settings(context).telegram.allowed_groups


async def _who(update: Update, context: Context, *, quiet: bool = False):
    """The linked person of the user, or None after telling a stranger how to link."""
    who = await asyncio.to_thread(actions.identify, _db(context), update.effective_user.id,
                                  _settings(context).timezone)
    if who is None and not quiet and update.effective_message is not None:
        await update.effective_message.reply_html(t(_locale(update, context), "not_linked"))
    return who


def _locale(update: Update, context: Context) -> str:
    """The language for someone not (yet) known: the config's."""
    return _settings(context).locale


def _kick(context: Context) -> None:
    """Ask the delivery loop to send what was just recorded (an extension notice)."""
    kick = context.bot_data.get("kick")
    if kick is not None:
        kick()


def _help(who: actions.Who) -> str:
    text = t(who.locale, "help_officer")
    if who.overseer:
        scope = t(who.locale, "scope_coordinator" if who.role == "coordinator" else "scope_lead")
        text = t(who.locale, "help_overseer", scope=scope) + text
    return text


def _card(card: actions.Card, locale: str, today: date) -> str:
    head = " · ".join(x for x in (card.document, f"п. {card.label}" if card.label else None)
                      if x)
    lines = [f"<b>#{card.id}</b>" + (f" {esc(head)}" if head else ""), esc(card.text),
             t(locale, "card_org", org=esc(card.organisation))]
    if card.due:
        when = i18n.days_phrase((card.due - today).days, locale)
        lines.append(t(locale, "card_due", due=i18n.format_date(card.due, locale), when=when))
    else:
        lines.append(t(locale, "card_no_due"))
    return "\n".join(lines)


def _stamp(locale: str, done: actions.Done, zone) -> str:
    return t(locale, "done_stamp", who=esc(done.who), when=format_local(done.at, zone))


def _refusal(error: TrackerError, locale: str, assignment_id: int | None) -> str:
    if isinstance(error, NotFound):
        return t(locale, "not_found", id=assignment_id) if assignment_id else \
            t(locale, "unlinked_short")
    if isinstance(error, PermissionDenied):
        return t(locale, "denied", id=assignment_id)
    if isinstance(error, Conflict):
        return t(locale, "not_open", id=assignment_id)
    return t(locale, "ext_invalid", error=esc(error))


# --- commands ---------------------------------------------------------------------------

async def start(update: Update, context: Context) -> None:
    """Link the chat with an invite code (`/start <code>`), or greet a linked person."""
    if not _allowed_chat(update, context):
        return
    locale = _locale(update, context)
    if context.args:
        try:
            who = await asyncio.to_thread(actions.link, _db(context), context.args[0],
                                          update.effective_user.id, _now(context),
                                          _settings(context).timezone)
        except NotFound:
            await update.effective_message.reply_html(t(locale, "code_unknown"))
            return
        except InvalidInput as exc:
            key = "code_expired" if "expired" in str(exc) else "code_used"
            await update.effective_message.reply_html(t(locale, key))
            return
        logger.info("Telegram linked for person %s", who.id)
    else:
        who = await _who(update, context)
        if who is None:
            return
    role = t(who.locale, f"role_{who.role}")
    await update.effective_message.reply_html(t(
        who.locale, "welcome", name=esc(who.name), org=esc(who.organisation), role=role,
        help=_help(who)))


async def help_command(update: Update, context: Context) -> None:
    """What the bot can do for this person."""
    if not _allowed_chat(update, context):
        return
    if (who := await _who(update, context)) is not None:
        await update.effective_message.reply_html(_help(who))


async def tasks(update: Update, context: Context) -> None:
    """The person's open assignments, the soonest first, each with its buttons."""
    if not _allowed_chat(update, context) or (who := await _who(update, context)) is None:
        return
    cards, total = await asyncio.to_thread(actions.open_cards, _db(context),
                                           update.effective_user.id, limit=TASKS_SHOWN)
    message = update.effective_message
    if not cards:
        await message.reply_html(t(who.locale, "no_tasks"))
        return
    await message.reply_html(t(who.locale, "tasks_head", n=total))
    today = _today(context, who)
    for card in cards:
        await message.reply_html(_card(card, who.locale, today), reply_markup=InlineKeyboardMarkup(
            [buttons.assignment_row(card.id, who.locale)]))
    if total > len(cards):
        await message.reply_html(t(who.locale, "tasks_more", n=total - len(cards)))


async def overdue(update: Update, context: Context) -> None:
    """Overdue figures: a coordinator's organisation and below, the region for the lead."""
    if not _allowed_chat(update, context) or (who := await _who(update, context)) is None:
        return
    view = await asyncio.to_thread(actions.overdue, _db(context), update.effective_user.id,
                                   today=_today(context, who), zone=who.zone)
    message = update.effective_message
    if view is None:
        await message.reply_html(t(who.locale, "officer_only"))
        return
    scope = f" ({esc(view.scope)})" if view.scope else ""
    if not view.total:
        await message.reply_html(t(who.locale, "overdue_none", scope=scope))
        return
    lines = [t(who.locale, "overdue_head", n=view.total, scope=scope,
               date=i18n.format_date_short(_today(context, who))), ""]
    lines += [t(who.locale, "overdue_row", i=i, name=esc(name), n=n, n30=n30)
              for i, (name, n, n30) in enumerate(view.rows, 1)]
    if view.oldest:
        lines += ["", t(who.locale, "overdue_oldest")]
        lines += [t(who.locale, "overdue_item", id=o.assignment_id,
                    text=esc(i18n.shorten(o.text, 60)), org=esc(o.organisation),
                    due=i18n.format_date_short(o.due_date),
                    days=i18n.days_phrase(-o.days_overdue, who.locale))
                  for o in view.oldest]
    await message.reply_html("\n".join(lines))


async def done(update: Update, context: Context) -> None:
    """`/done ID [комментарий]`: mark an assignment done at once."""
    if not _allowed_chat(update, context) or (who := await _who(update, context)) is None:
        return
    message = update.effective_message
    if not context.args or not context.args[0].lstrip("#").isdigit():
        await message.reply_html(t(who.locale, "done_usage"))
        return
    assignment_id = int(context.args[0].lstrip("#"))
    comment = " ".join(context.args[1:]) or None
    await _complete(update, context, who, assignment_id, comment)


async def settings_command(update: Update, context: Context) -> None:
    """Choose notification channels and language."""
    if not _allowed_chat(update, context) or (who := await _who(update, context)) is None:
        return
    await update.effective_message.reply_html(_settings_text(who, "settings"),
                                              reply_markup=_settings_keyboard(who.locale))


def _settings_text(who: actions.Who, key: str) -> str:
    return t(who.locale, key, channels=t(who.locale, f"channels_{who.channels}"),
             language="Русский" if who.locale == "ru" else "English")


def _settings_keyboard(locale: str) -> InlineKeyboardMarkup:
    channel_row = [InlineKeyboardButton(t(locale, f"channels_{c}"),
                                        callback_data=buttons.data(Action.CHANNELS, c))
                   for c in ChannelPref]
    language_row = [InlineKeyboardButton("Русский", callback_data=buttons.data(Action.LANGUAGE,
                                                                               "ru")),
                    InlineKeyboardButton("English", callback_data=buttons.data(Action.LANGUAGE,
                                                                               "en"))]
    return InlineKeyboardMarkup([channel_row, language_row])


# --- completing -------------------------------------------------------------------------

async def _complete(update: Update, context: Context, who: actions.Who, assignment_id: int,
                    comment: str | None, evidence=None, origin: dict | None = None) -> None:
    """Complete and answer; `origin` is the message whose button started it, edited to
    show who completed it and when."""
    message = update.effective_message
    try:
        result = await asyncio.to_thread(actions.complete, _db(context), update.effective_user.id,
                                         assignment_id, comment, _now(context), evidence)
    except TrackerError as exc:
        await message.reply_html(_refusal(exc, who.locale, assignment_id))
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
                                       name=esc(evidence[1] or evidence[0])))
    if origin is not None:
        await _edit_origin(context, origin, assignment_id, _stamp(who.locale, result, who.zone))


async def _edit_origin(context: Context, origin: dict, assignment_id: int, stamp: str) -> None:
    markup = buttons.without_assignment(origin.get("markup"), assignment_id)
    try:
        await context.bot.edit_message_text(
            chat_id=origin["chat_id"], message_id=origin["message_id"],
            text=f"{origin['html']}\n\n{stamp}", parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:  # "message is not modified", or too old to edit
        logger.info("could not edit message %s: %s", origin["message_id"], exc)


# --- buttons ----------------------------------------------------------------------------

async def on_button(update: Update, context: Context) -> None:
    """Every inline button: checked against the pressing user, always answered."""
    query = update.callback_query
    locale = _locale(update, context)
    if not _allowed_chat(update, context):
        await query.answer()
        return
    pressed = buttons.parse(query.data)
    if pressed is None:
        await query.answer(t(locale, "stale_button"), show_alert=True)
        return
    who = await _who(update, context, quiet=True)
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
        earlier = await asyncio.to_thread(actions.check_can_act, _db(context),
                                          update.effective_user.id, assignment_id)
    except TrackerError as exc:
        await query.answer(_refusal(exc, who.locale, assignment_id), show_alert=True)
        return
    if earlier is not None and pressed.action != Action.NOTE:
        text = t(who.locale, "already_done", id=assignment_id, who=earlier.who,
                 when=format_local(earlier.at, who.zone))
        await query.answer(text, show_alert=True)
        await _edit_origin(context, _origin(query), assignment_id,
                           _stamp(who.locale, earlier, who.zone))
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
    await _complete(update, context, who, pressed.id, None, origin=waiting)


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
        request, name = await asyncio.to_thread(actions.decide_extension, _db(context),
                                                update.effective_user.id, pressed.id, approve,
                                                _now(context))
    except NotFound:
        await query.answer(t(who.locale, "ext_not_found"), show_alert=True)
        return
    except PermissionDenied:
        await query.answer(t(who.locale, "ext_denied"), show_alert=True)
        return
    except Conflict:
        status, _ = await asyncio.to_thread(actions.request_state, _db(context), pressed.id)
        await query.answer(t(who.locale, "ext_decided", status=t(who.locale, f"status_{status}")),
                           show_alert=True)
        return
    except InvalidInput as exc:
        await query.answer(t(who.locale, "ext_invalid", error=exc), show_alert=True)
        return
    await query.answer()
    _kick(context)
    key = "ext_approved" if approve else "ext_rejected"
    stamp = t(who.locale, key, who=esc(name), when=format_local(_now(context), who.zone),
              due=i18n.format_date_short(request.new_due_date))
    origin = _origin(query)
    origin["markup"] = None
    await _edit_origin(context, origin, 0, stamp)


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
    who = await asyncio.to_thread(actions.update_settings, _db(context),
                                  update.effective_user.id, default_zone=_settings(context)
                                  .timezone, **change)
    await query.answer()
    # Pressing the current choice again changes nothing: Telegram refuses the edit.
    with contextlib.suppress(BadRequest):
        await query.edit_message_text(_settings_text(who, "settings_saved"),
                                      parse_mode=ParseMode.HTML,
                                      reply_markup=_settings_keyboard(who.locale))


_BUTTONS = {
    Action.DONE: _on_assignment, Action.NOTE: _on_assignment, Action.MOVE: _on_assignment,
    Action.SKIP: _on_skip, Action.CANCEL: _on_cancel,
    Action.APPROVE: _on_decision, Action.REJECT: _on_decision,
    Action.CHANNELS: _on_setting, Action.LANGUAGE: _on_setting,
}


# --- replies: comments, dates, reasons, files ------------------------------------------

async def on_text(update: Update, context: Context) -> None:
    """A plain message: the answer to what the bot asked for, if it asked."""
    if not _allowed_chat(update, context) or (who := await _who(update, context)) is None:
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
        await _complete(update, context, who, assignment_id, text, origin=waiting)
    elif step == "note":
        context.user_data.pop("await", None)
        await _answer(update, context, who, assignment_id, actions.comment, text, "noted")
    elif step == "date":
        try:
            new_due = parse_date(text)
        except InvalidInput:
            await message.reply_html(t(who.locale, "bad_date", text=esc(text)))
            return
        waiting.update(step="reason", new_due=new_due)
        await message.reply_html(t(who.locale, "ask_reason", due=new_due.strftime("%d.%m.%Y")))
    elif step == "reason":
        context.user_data.pop("await", None)
        await _request_extension(update, context, who, assignment_id, waiting["new_due"], text)


async def _answer(update, context, who, assignment_id, action, value, key) -> None:
    try:
        await asyncio.to_thread(action, _db(context), update.effective_user.id, assignment_id,
                                value, _now(context))
    except TrackerError as exc:
        await update.effective_message.reply_html(_refusal(exc, who.locale, assignment_id))
        return
    await update.effective_message.reply_html(t(who.locale, key, id=assignment_id))


async def _request_extension(update, context, who, assignment_id: int, new_due: date,
                             reason: str) -> None:
    message = update.effective_message
    due = new_due.strftime("%d.%m.%Y")
    try:
        approved, deciders = await asyncio.to_thread(
            actions.request_extension, _db(context), update.effective_user.id, assignment_id,
            new_due, reason, _today(context, who), _now(context))
    except Conflict as exc:
        key = "ext_waiting" if "waiting" in str(exc) else (
            "ext_nobody" if "nobody" in str(exc) else "not_open")
        await message.reply_html(t(who.locale, key, id=assignment_id))
        return
    except TrackerError as exc:
        await message.reply_html(_refusal(exc, who.locale, assignment_id))
        return
    _kick(context)
    if approved:
        await message.reply_html(t(who.locale, "ext_done_self", id=assignment_id, due=due))
    else:
        await message.reply_html(t(who.locale, "ext_sent", id=assignment_id, due=due,
                                   to=esc(", ".join(deciders))))


async def on_file(update: Update, context: Context) -> None:
    """A document or photo: evidence for the assignment being completed, or for the one
    whose message it replies to, or for the one completed last."""
    if not _allowed_chat(update, context) or (who := await _who(update, context)) is None:
        return
    message = update.effective_message
    if message.document is not None:
        evidence = (message.document.file_id, message.document.file_name,
                    message.document.mime_type)
    else:
        photo = message.photo[-1]  # the largest size
        evidence = (photo.file_id, "photo.jpg", "image/jpeg")
    waiting = context.user_data.get("await") or {}
    if waiting.get("step") == "done":
        context.user_data.pop("await", None)
        await _complete(update, context, who, waiting["id"], message.caption, evidence,
                        origin=waiting)
        return
    replied = message.reply_to_message.message_id if message.reply_to_message else None
    assignment_id = context.chat_data.get("replies", {}).get(replied) or \
        context.user_data.get("last_done")
    if assignment_id is None:
        await message.reply_html(t(who.locale, "evidence_where"))
        return
    try:
        await asyncio.to_thread(actions.add_evidence, _db(context), update.effective_user.id,
                                assignment_id, evidence, _now(context))
    except TrackerError as exc:
        await message.reply_html(_refusal(exc, who.locale, assignment_id))
        return
    await message.reply_html(t(who.locale, "evidence_saved", id=assignment_id,
                               name=esc(evidence[1] or evidence[0])))


async def on_error(update: object, context: Context) -> None:
    """Log the error (never the token: see `app.redact_token`) and apologise once."""
    logger.error("bot update failed: %s: %s", type(context.error).__name__, context.error,
                 exc_info=not isinstance(context.error, TelegramError))
    if isinstance(update, Update) and update.effective_message is not None:
        with contextlib.suppress(TelegramError):
            await update.effective_message.reply_html(t(_locale(update, context), "error"))
