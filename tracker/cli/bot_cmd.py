"""`tracker bot`: the Telegram bot on its own (`tracker run` also runs it)."""

from __future__ import annotations

import asyncio
import contextlib
import signal

import typer

from tracker.cli.context import app_context


def bot(ctx: typer.Context) -> None:
    """Run only the Telegram bot (long polling) until Ctrl-C or SIGTERM.

    Use it when the scheduler runs elsewhere (`tracker run --no-bot`): only one process
    may poll a bot token. Needs TRACKER_TELEGRAM__TOKEN.

    Example: TRACKER_TELEGRAM__TOKEN=123:ABC tracker bot
    """
    from tracker.bot.app import run_bot
    from tracker.cli.remind import setup_logging
    from tracker.core.errors import ConfigError

    context = app_context(ctx)
    settings, db = context.settings, context.db
    if settings.telegram.token is None:
        raise ConfigError("Telegram is not configured: set TRACKER_TELEGRAM__TOKEN")
    setup_logging()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, stop.set)
        await run_bot(db, settings, stop_event=stop)

    from telegram.error import TelegramError

    from notifications.channels.telegram import scrub
    from tracker.core.errors import TrackerError

    try:
        asyncio.run(main())
    except (TelegramError, OSError) as exc:
        token = settings.telegram.token.get_secret_value()
        raise TrackerError(f"cannot start the bot at {settings.telegram.api_url}: "
                           f"{scrub(f'{type(exc).__name__}: {exc}', token)}") from None


def register(app: typer.Typer) -> None:
    app.command("bot")(bot)
