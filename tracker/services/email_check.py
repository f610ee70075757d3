"""`tracker email test`: one real message through the configured SMTP server, to check
that it delivers. Nothing is recorded: the message has a key of its own per run."""

from __future__ import annotations

from datetime import datetime

from tracker.core.errors import ConfigError, TrackerError
from tracker.core.i18n import _


class EmailCheckFailed(TrackerError):
    """The server refused or could not be reached; the text names the setting to check."""


def test_message(*, address: str, name: str, locale: str, now: datetime, smtp):
    """The test message to `address` as of `now` (aware UTC)."""
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


async def send_test_email(*, settings, address: str, name: str = "", locale: str | None = None,
                          now: datetime) -> str:
    """Send the test message to `address`; returns the server's reply.

    :raises ConfigError: no SMTP server configured. :raises EmailCheckFailed: refused.
    """
    from notifications.channels.base import ChannelError
    from notifications.channels.email import EmailChannel

    smtp = settings.smtp
    if not smtp.host:
        raise ConfigError(_(
            "no SMTP server configured: set smtp.host in the config or TRACKER_SMTP__HOST"))
    password = smtp.password.get_secret_value() if smtp.password is not None else None
    message = test_message(address=address, name=name, locale=locale or settings.locale,
                           now=now, smtp=smtp)
    channel = EmailChannel(smtp, password=password)
    try:
        return await channel.notify(message)
    except ChannelError as exc:
        if not exc.setting:
            raise EmailCheckFailed(str(exc)) from None
        # `setting` reads "smtp.user and TRACKER_SMTP__PASSWORD": names joined in English
        setting = _(" and ").join(exc.setting.split(" and "))
        raise EmailCheckFailed(_("{error}; check {setting}").format(error=exc, setting=setting)
                               ) from None
    finally:
        await channel.aclose()
