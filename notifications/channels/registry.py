"""Which channel object delivers each `ChannelKind`, from the configuration.

SMTP configured (`smtp.host`): the email channel; Telegram configured (a token in
`TRACKER_TELEGRAM__TOKEN`): the Telegram channel. Anything not
configured goes to the `FileChannel`, which writes into `outbox.directory`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from notifications.channels.file import FileChannel
from notifications.message import ChannelKind

if TYPE_CHECKING:
    from notifications.channels.base import Channel
    from tracker.core.config import Settings


def build_channels(settings: Settings) -> dict[ChannelKind, Channel]:
    directory = settings.resolve(settings.outbox.directory)
    channels: dict[ChannelKind, Channel] = {}
    if settings.smtp.host:
        from notifications.channels.email import EmailChannel

        channels[ChannelKind.EMAIL] = EmailChannel(settings.smtp)
    else:
        channels[ChannelKind.EMAIL] = FileChannel(directory, email_settings=settings.smtp)
    telegram = _telegram_channel(settings)
    channels[ChannelKind.TELEGRAM] = telegram or FileChannel(
        directory, kind=ChannelKind.TELEGRAM, email_settings=settings.smtp)
    return channels


def _telegram_channel(settings: Settings) -> Channel | None:
    if settings.telegram.token is None:
        return None
    from notifications.channels.telegram import TelegramChannel

    return TelegramChannel.from_settings(settings)
