"""`/web`: a one-time sign-in link to the web workspace, in a private chat only (a link
posted in a group would sign in whoever presses it first)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from telegram import Update
from telegram.constants import ChatType

from tracker.bot.common import Context, allowed_chat, db_of, now_of, settings_of, who_of
from tracker.bot.texts import esc
from tracker.core.i18n import N_, translate

TEXTS: dict[str, str] = {
    "link": N_(
        "Your one-time sign-in link to the web workspace (valid {minutes} minutes):\n{url}"),
    "private": N_("The bot sends sign-in links in a private chat only."),
    "off": N_("The web workspace is not set up: ask the administrator to set web.base_url."),
}


def _t(locale: str, key: str, **params) -> str:
    return translate(locale, TEXTS[key]).format(**params)


def _make_link(db, person_id: int, now, settings) -> str:
    from tracker.core.models import Person
    from tracker.services.web_links import sign_in_url
    from tracker.services.web_sessions import create_sign_in

    with db.transaction() as session:
        token = create_sign_in(session=session, person=session.get(Person, person_id), now=now,
                               ttl=timedelta(minutes=settings.web.sign_in_ttl_minutes))
    return sign_in_url(settings.web.base_url, token)


async def web(update: Update, context: Context) -> None:
    """Reply with a sign-in link (private chats, `web.base_url` set)."""
    if not allowed_chat(update, context) or (who := await who_of(update, context)) is None:
        return
    message = update.effective_message
    settings = settings_of(context)
    if update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE:
        await message.reply_html(_t(who.locale, "private"))
        return
    if not settings.web.base_url:
        await message.reply_html(_t(who.locale, "off"))
        return
    url = await asyncio.to_thread(_make_link, db_of(context), who.id, now_of(context), settings)
    await message.reply_html(_t(who.locale, "link", url=esc(url),
                                minutes=settings.web.sign_in_ttl_minutes),
                             disable_web_page_preview=True)
