"""Sending a sign-in link by email, at once (not through the outbox: the outbox keeps
what it sends, and a sign-in link must not be kept anywhere)."""

from __future__ import annotations

from notifications.message import ChannelKind, Message, MessageKind, Recipient
from tracker.core.text import normalize_locale


def sign_in_message(person, url: str, minutes: int) -> Message:
    en = normalize_locale(person.locale) == "en"
    subject = "Sign-in link" if en else "Ссылка для входа"
    text = (f"{person.name},\n\n"
            + (f"your one-time sign-in link (valid {minutes} minutes):\n{url}\n\n"
               "If you did not ask for it, ignore this message."
               if en else
               f"ваша одноразовая ссылка для входа (действует {minutes} мин.):\n{url}\n\n"
               "Если вы не запрашивали вход, просто не обращайте внимания на это письмо."))
    return Message(key=f"signin:{person.id}:{url[-8:]}", kind=MessageKind.TEST,
                   channel=ChannelKind.EMAIL,
                   recipient=Recipient(person.id, person.name, person.email, None,
                                       person.locale or "ru"),
                   subject=subject, text=text)


def email_sender(settings):
    """async (person, url) -> None through the configured email channel (or the file
    channel's .eml files when no SMTP server is configured)."""

    async def send(person, url: str) -> None:
        from notifications.channels.registry import build_channels

        channel = build_channels(settings)[ChannelKind.EMAIL]
        try:
            await channel.notify(sign_in_message(person, url,
                                                 settings.web.sign_in_ttl_minutes))
        finally:
            await channel.aclose()

    return send
