"""`tracker email ...`: check the SMTP settings by sending a real message."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import typer

email_app = typer.Typer(
    help="Email: check that the configured SMTP server delivers.", no_args_is_help=True
)


@email_app.callback()
def email_group() -> None:
    """Email: check that the configured SMTP server delivers."""


@email_app.command("test")
def send_test(
    ctx: typer.Context,
    address: str = typer.Argument(..., help="Where to send the test message."),
    name: str = typer.Option("", "--name", help="The recipient's name in the To header."),
    locale: str = typer.Option(None, "--locale", help="ru or en (default: the config's locale)."),
) -> None:
    """Send a test message through the configured SMTP server and print its reply.

    Example: tracker email test officer@edu.example.ru
    """
    from notifications.channels.base import ChannelError
    from tracker.core.config import load_settings
    from tracker.core.errors import TrackerError

    try:
        settings = load_settings(_config_path(ctx))
    except TrackerError as exc:
        _fail(str(exc))
    smtp = settings.smtp
    if not smtp.host:
        _fail("no SMTP server configured: set smtp.host in the config or TRACKER_SMTP__HOST")
    password = smtp.password.get_secret_value() if smtp.password is not None else None
    now = datetime.now(UTC)
    message = _test_message(address, name, locale or settings.locale, now, smtp)
    try:
        reply = asyncio.run(_send(smtp, password, message))
    except ChannelError as exc:
        _fail(str(exc) + (f"; check {exc.setting}" if exc.setting else ""))
    typer.echo(f"Sent to {address} via {smtp.host}:{smtp.port} ({smtp.tls}): {reply}")


def _config_path(ctx: typer.Context) -> str | None:
    """The main app's `--config`, whichever way it stored it; None when run standalone."""
    obj = ctx.find_root().obj
    if isinstance(obj, dict):
        return obj.get("config")
    return getattr(obj, "config_path", None)


def _test_message(address: str, name: str, locale: str, now: datetime, smtp):
    from notifications.message import ChannelKind, Message, MessageKind, Recipient

    return Message(
        # A new key per run: mail clients would fold repeated tests with one Message-ID.
        key=f"email-test:{address}:{now.isoformat()}",
        kind=MessageKind.TEST,
        channel=ChannelKind.EMAIL,
        recipient=Recipient(person_id=None, name=name, email=address, locale=locale),
        context={"planned_at": now, "server": f"{smtp.host}:{smtp.port}", "sender": smtp.sender},
        today=now.date(),
    )


async def _send(smtp, password: str | None, message) -> str:
    from notifications.channels.email import EmailChannel

    channel = EmailChannel(smtp, password=password)
    try:
        return await channel.notify(message)
    finally:
        await channel.aclose()


def _fail(text: str):
    typer.echo(f"Error: {text}", err=True)
    raise typer.Exit(1)
