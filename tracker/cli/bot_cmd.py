"""`tracker bot`: the Telegram bot on its own (`tracker run` also runs it)."""

from __future__ import annotations

import typer

from tracker.cli.context import app_context
from tracker.core.i18n import _


def bot(ctx: typer.Context) -> None:
    """`tracker bot` (its help: `bot_help`)."""
    import asyncio

    from tracker.core.errors import ConfigError
    from tracker.runner import Service
    from tracker.runtime import configure_logging

    runtime = app_context(ctx).runtime
    settings = runtime.settings
    runtime.db  # noqa: B018 - open (and upgrade) the database before polling starts
    if settings.telegram.token is None:
        raise ConfigError(_("Telegram is not configured: set TRACKER_TELEGRAM__TOKEN"))
    configure_logging()

    from telegram.error import TelegramError

    from tracker.core.errors import TrackerError

    try:
        asyncio.run(Service(runtime).serve_bot())
    except (TelegramError, OSError) as exc:
        token = settings.telegram.token.get_secret_value()
        raise TrackerError(_("cannot start the bot at {url}: {error}").format(
            url=settings.telegram.api_url,
            error=_reason(exc, token))) from None


def _reason(exc: Exception, token: str) -> str:
    """Why the bot could not start: the system's reason, no answer, or the server's reply."""
    from telegram.error import NetworkError

    from notifications.channels.telegram import scrub
    from tracker.core.reasons import os_reason

    if isinstance(exc, OSError):
        return os_reason(exc)
    detail = scrub(str(exc) or type(exc).__name__, token)
    if isinstance(exc, NetworkError):
        return _("the server does not answer («{detail}»)").format(detail=detail)
    return _("the server replied «{reply}»").format(reply=detail)


def bot_help() -> str:
    """The help of `tracker bot`, from the catalogue."""
    return _(
        "Run only the Telegram bot (long polling) until Ctrl-C or SIGTERM.\n\n"
        "Use it when the scheduler runs elsewhere (`tracker run --no-bot`): only one "
        "process may poll a bot token. Needs TRACKER_TELEGRAM__TOKEN.\n\n"
        "Example: TRACKER_TELEGRAM__TOKEN=123:ABC tracker bot")
