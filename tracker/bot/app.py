"""Building and running the bot inside an asyncio loop shared with the scheduler.

`start_bot` does what `Application.run_polling` would, minus taking over the loop and
the signals: `initialize`, `set_my_commands`, `start`, `updater.start_polling`; the
returned coroutine function undoes it in reverse order. The service runner
(`tracker.runner.Service`) calls it and owns delivery: `tracker run` next to the
scheduler, `tracker bot` alone (`Service.serve_bot`). The bot only handles updates; it
reads the time from the runtime's clock (`tracker.runtime`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from tracker.core.i18n import _

logger = logging.getLogger("tracker.bot")


def build_application(runtime, *, kick: Callable[[], None] | None = None):
    """The python-telegram-bot `Application` with every handler registered, over the
    runtime's database, settings and clock (tests fix the clock there).

    `kick` is called after the bot recorded messages for the outbox (extension
    notices) so that the service delivers them promptly.
    """
    from telegram import Update
    from telegram.ext import (
        AIORateLimiter,
        Application,
        CallbackQueryHandler,
        CommandHandler,
        MessageHandler,
        TypeHandler,
        filters,
    )

    from notifications.channels.telegram import install_log_scrubber
    from tracker.bot import commands, common, presses, replies, web_link

    settings = runtime.settings
    cfg = settings.telegram
    if cfg.token is None:
        from tracker.core.errors import ConfigError
        from tracker.core.i18n import _

        raise ConfigError(_("Telegram is not configured: set TRACKER_TELEGRAM__TOKEN"))
    token = cfg.token.get_secret_value()
    install_log_scrubber(token)  # the token is in every request URL
    application = (
        Application.builder().token(token).base_url(cfg.api_url).base_file_url(cfg.file_url)
        .rate_limiter(AIORateLimiter(overall_max_rate=cfg.rate_per_second,
                                     group_max_rate=cfg.group_per_minute))
        .get_updates_read_timeout(cfg.poll_timeout + 10)
        .concurrent_updates(False)  # one update at a time: a user's steps stay in order
        .build()
    )
    application.bot_data.update(db=runtime.db, settings=settings, clock=runtime.clock,
                                kick=kick)
    application.add_handler(TypeHandler(Update, common.guard), group=-1)
    for name, callback in (("start", commands.start), ("help", commands.help_command),
                           ("tasks", commands.tasks), ("overdue", commands.overdue),
                           ("done", commands.done), ("settings", commands.settings_command),
                           ("web", web_link.web)):
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(CallbackQueryHandler(presses.on_button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, replies.on_text))
    application.add_handler(MessageHandler(filters.Document.ALL | filters.PHOTO,
                                           replies.on_file))
    application.add_error_handler(replies.on_error)
    return application


async def register_commands(application) -> None:
    """The command menu, in Russian by default and in English for English clients."""
    from telegram import BotCommand

    from tracker.bot.texts import COMMANDS

    for locale, language_code in (("ru", None), ("en", "en")):
        await application.bot.set_my_commands(
            [BotCommand(name, text) for name, text in COMMANDS[locale]],
            language_code=language_code)


async def start_bot(runtime, *, kick: Callable[[], None] | None = None
                    ) -> Callable[[], Awaitable[None]]:
    """Start polling in the running loop; returns the coroutine function that stops it."""
    settings = runtime.settings
    application = build_application(runtime, kick=kick)
    try:
        await application.initialize()  # getMe: fails when Telegram is unreachable
        await register_commands(application)
        await application.start()
        await application.updater.start_polling(
            timeout=settings.telegram.poll_timeout,
            allowed_updates=["message", "callback_query"])
    except BaseException:
        if application.running:
            await application.stop()
        await application.shutdown()  # a no-op if it never initialised
        raise
    logger.info(_("bot @%s polling"), application.bot.username)

    async def stop() -> None:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        logger.info(_("bot stopped"))

    return stop
