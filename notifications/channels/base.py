"""The channel interface: one class per channel with one `notify()`."""

from __future__ import annotations

from typing import Protocol

from notifications.message import ChannelKind, Message
from tracker.core.errors import TrackerError


class ChannelError(TrackerError):
    """Delivery failed.

    `permanent` means retrying the same message cannot help (a 5xx refusal, a blocked
    bot): the outbox stops and tells the person's coordinator. `config_error` means the
    channel itself is misconfigured (wrong password, sender refused): the outbox stops
    using the channel for this pass instead of hammering the server. `retry_after`
    (seconds) is a wait the server asked for. `disable_telegram` asks the outbox to mark
    the person's Telegram inactive; `new_chat_id` carries a migrated chat id. `setting`
    names the setting to fix for a configuration error ("smtp.local_hostname"), and
    `reply` is the server's own reply ("550 5.1.1 <x@y>: user unknown"), quoted to the
    coordinator when a recipient is refused.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        config_error: bool = False,
        retry_after: float | None = None,
        disable_telegram: bool = False,
        new_chat_id: int | None = None,
        setting: str | None = None,
        reply: str | None = None,
    ) -> None:
        super().__init__(message)
        self.setting = setting
        self.reply = reply
        self.permanent = permanent
        self.config_error = config_error
        self.retry_after = retry_after
        self.disable_telegram = disable_telegram
        self.new_chat_id = new_chat_id

    def describe(self) -> dict:
        """The error as a health check reports it: message, permanent, retry_after,
        config_error and the setting to fix."""
        return {"message": str(self), "permanent": self.permanent,
                "retry_after": self.retry_after, "config_error": self.config_error,
                "setting": self.setting}

    @property
    def kind(self) -> str:
        """What the outbox does about it: "config", "permanent" or "transient"."""
        if self.config_error:
            return "config"
        return "permanent" if self.permanent else "transient"


class Channel(Protocol):
    """Delivers messages of one `ChannelKind`.

    A channel object lives for one delivery pass (or for the service's lifetime) and
    may keep connections open between `notify()` calls; `aclose()` releases them.
    `notify()` returns a short description of what the server said, or raises
    `ChannelError`.
    """

    kind: ChannelKind

    async def notify(self, message: Message) -> str: ...

    async def aclose(self) -> None: ...
