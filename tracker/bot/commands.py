"""The bot's commands: /start, /help, /tasks, /overdue, /done, /settings."""

from __future__ import annotations

import asyncio
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from notifications.content import telegram_buttons as buttons
from notifications.content.telegram_buttons import Action
from tracker.bot import actions
from tracker.bot.common import (
    Context,
    allowed_chat,
    card_text,
    complete_and_answer,
    db_of,
    echo,
    help_text,
    locale_of,
    now_of,
    settings_of,
    today_of,
    who_of,
)
from tracker.bot.texts import esc, t
from tracker.core import text as i18n
from tracker.core.enums import ChannelPref
from tracker.core.errors import NotFound
from tracker.core.i18n import _
from tracker.core.ids import id_or_none
from tracker.services.invites import InviteExpired, InviteUsed

logger = logging.getLogger("tracker.bot")
TASKS_SHOWN = 10

async def start(update: Update, context: Context) -> None:
    """Link the chat with an invite code (`/start <code>`), or greet a linked person."""
    if not allowed_chat(update, context):
        return
    locale = locale_of(update, context)
    if context.args:
        try:
            who = await asyncio.to_thread(actions.link, db_of(context), context.args[0],
                                          update.effective_user.id, now_of(context),
                                          settings_of(context).timezone)
        except NotFound:
            await update.effective_message.reply_html(t(locale, "code_unknown"))
            return
        except (InviteUsed, InviteExpired) as exc:
            key = "code_expired" if isinstance(exc, InviteExpired) else "code_used"
            await update.effective_message.reply_html(t(locale, key))
            return
        logger.info(_("Telegram linked for person %s"), who.id)
    else:
        who = await who_of(update, context)
        if who is None:
            return
    role = t(who.locale, f"role_{who.role}")
    await update.effective_message.reply_html(t(
        who.locale, "welcome", name=esc(who.name), org=esc(who.organisation), role=role,
        help=help_text(who)))


async def help_command(update: Update, context: Context) -> None:
    """What the bot can do for this person."""
    if not allowed_chat(update, context):
        return
    if (who := await who_of(update, context)) is not None:
        await update.effective_message.reply_html(help_text(who))


async def tasks(update: Update, context: Context) -> None:
    """The person's open assignments, the soonest first, each with its buttons."""
    if not allowed_chat(update, context) or (who := await who_of(update, context)) is None:
        return
    cards, total = await asyncio.to_thread(actions.open_cards, db_of(context),
                                           update.effective_user.id, limit=TASKS_SHOWN)
    message = update.effective_message
    if not cards:
        await message.reply_html(t(who.locale, "no_tasks"))
        return
    await message.reply_html(t(who.locale, "tasks_head", n=total))
    today = today_of(context, who)
    for card in cards:
        markup = InlineKeyboardMarkup([buttons.assignment_row(card.id, who.locale)])
        await message.reply_html(card_text(card, who.locale, today), reply_markup=markup)
    if total > len(cards):
        await message.reply_html(t(who.locale, "tasks_more", n=total - len(cards)))


async def overdue(update: Update, context: Context) -> None:
    """Overdue figures: a coordinator's organisation and below, the region for the lead."""
    if not allowed_chat(update, context) or (who := await who_of(update, context)) is None:
        return
    view = await asyncio.to_thread(actions.overdue, db_of(context), update.effective_user.id,
                                   today=today_of(context, who), zone=who.zone)
    message = update.effective_message
    if view is None:
        await message.reply_html(t(who.locale, "officer_only"))
        return
    scope = f" ({esc(view.scope)})" if view.scope else ""
    if not view.total:
        await message.reply_html(t(who.locale, "overdue_none", scope=scope))
        return
    lines = [t(who.locale, "overdue_head", n=view.total, scope=scope,
               date=i18n.format_date_short(today_of(context, who))), ""]
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
    if not allowed_chat(update, context) or (who := await who_of(update, context)) is None:
        return
    message = update.effective_message
    if not context.args:
        await message.reply_html(t(who.locale, "done_usage"))
        return
    assignment_id = id_or_none(context.args[0].removeprefix("#"))
    if assignment_id is None:  # 0, -1, beyond 64 bits, «１２», «²»: not an id
        await message.reply_html(t(who.locale, "bad_id", text=echo(context.args[0])))
        return
    comment = " ".join(context.args[1:]) or None
    await complete_and_answer(update, context, who, assignment_id, comment)


async def settings_command(update: Update, context: Context) -> None:
    """Choose notification channels and language."""
    if not allowed_chat(update, context) or (who := await who_of(update, context)) is None:
        return
    await update.effective_message.reply_html(settings_text(who, "settings"),
                                              reply_markup=settings_keyboard(who.locale))


def settings_text(who: actions.Who, key: str) -> str:
    return t(who.locale, key, channels=t(who.locale, f"channels_{who.channels}"),
             language="Русский" if who.locale == "ru" else "English")


def settings_keyboard(locale: str) -> InlineKeyboardMarkup:
    channel_row = [InlineKeyboardButton(t(locale, f"channels_{c}"),
                                        callback_data=buttons.data(Action.CHANNELS, c))
                   for c in ChannelPref]
    language_row = [InlineKeyboardButton("Русский", callback_data=buttons.data(Action.LANGUAGE,
                                                                               "ru")),
                    InlineKeyboardButton("English", callback_data=buttons.data(Action.LANGUAGE,
                                                                               "en"))]
    return InlineKeyboardMarkup([channel_row, language_row])


