"""`tracker email ...`: check the SMTP settings by sending a real message."""

from __future__ import annotations

import contextlib
import logging

import typer

from tracker.core.i18n import _

email_app = typer.Typer(
    help=_("Email: check that the configured SMTP server delivers."), no_args_is_help=True
)


@email_app.callback()
def email_group() -> None:
    """Email: check that the configured SMTP server delivers."""


@email_app.command("test", help=_(
    "Send a test message through the configured SMTP server and print its reply.\n\n"
    "Example: tracker email test officer@edu.example.ru"))
def send_test(
    ctx: typer.Context,
    address: str = typer.Argument(..., help=_("Where to send the test message.")),
    name: str = typer.Option("", "--name", help=_("The recipient's name in the To header.")),
    locale: str = typer.Option(None, "--locale",
                               help=_("ru or en (default: the config's locale).")),
) -> None:
    """`tracker email test` (help above)."""
    import asyncio

    from tracker.core.config_sources import load_settings
    from tracker.core.errors import TrackerError
    from tracker.runtime import build_runtime
    from tracker.services.email_check import send_test_email

    try:
        settings = load_settings(_config_path(ctx))
        runtime = build_runtime(settings)
        with _channel_log_kept_off_the_screen():
            reply = asyncio.run(send_test_email(settings=settings, address=address, name=name,
                                                locale=locale, now=runtime.now()))
    except TrackerError as exc:
        _fail(str(exc))
    smtp = settings.smtp
    typer.echo(_("Sent to {address} via {host}:{port} ({tls}): {reply}").format(
        address=address, host=smtp.host, port=smtp.port, tls=smtp.tls, reply=reply))


@contextlib.contextmanager
def _channel_log_kept_off_the_screen():
    """The channel logs a configuration fault for the service's log; here the one error
    line says it, so the record must not reach the terminal through logging's last-resort
    handler (an English log line under the Russian error)."""
    log = logging.getLogger("notifications.channels.email")
    handler, propagate = logging.NullHandler(), log.propagate
    log.addHandler(handler)
    log.propagate = False
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.propagate = propagate


def _config_path(ctx: typer.Context) -> str | None:
    """The main app's `--config`, whichever way it stored it; None when run standalone."""
    obj = ctx.find_root().obj
    if isinstance(obj, dict):
        return obj.get("config")
    return getattr(obj, "config_path", None)


def _fail(text: str):
    typer.echo(_("Error: {message}").format(message=text), err=True)
    raise typer.Exit(1)
