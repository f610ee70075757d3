"""`tracker run`: the long-running service (`tracker.runner.Service`)."""

from __future__ import annotations

import typer

from tracker.cli.context import app_context
from tracker.core.i18n import _
from tracker.core.reasons import os_error


def run(
    ctx: typer.Context,
    tick_seconds: float = typer.Option(60, "--tick-seconds", min=0.1,
                                       help=_("Seconds between planning and delivery passes.")),
    once: bool = typer.Option(False, "--once", help=_("Run one pass and exit.")),
    no_bot: bool = typer.Option(False, "--no-bot",
                                help=_("Leave the Telegram bot to `tracker bot`.")),
    web: bool = typer.Option(False, "--web", help=_("Serve the web workspace in the same "
                                                     "process ([web] host and port).")),
) -> None:
    """`tracker run` (its help: `run_help`)."""
    import asyncio

    from tracker.runner import Service
    from tracker.runtime import configure_logging

    runtime = app_context(ctx).runtime
    configure_logging()
    service = Service(runtime, tick_seconds=tick_seconds, bot=not no_bot)
    if not web:
        asyncio.run(service.serve(once=once))
        return
    from tracker.core.errors import TrackerError
    from tracker.web.serve import serve_until

    async def both() -> None:
        pages = asyncio.create_task(serve_until(runtime.settings, runtime.db, service.stop,
                                                kick=service.wake))
        try:
            await service.serve(once=once)
        finally:
            service.stop.set()
            await pages

    try:
        asyncio.run(both())
    except OSError as exc:
        raise TrackerError(os_error(exc)) from None


def run_help() -> str:
    """The help of `tracker run`, from the catalogue."""
    return _(
        "Run the service: reminders, escalations and digests, until Ctrl-C or SIGTERM.\n\n"
        "Example: tracker run")
