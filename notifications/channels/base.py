"""The channel interface: one class per channel with one `notify()`, and its errors."""

from __future__ import annotations

from typing import Protocol

from notifications.message import ChannelKind, Message
from tracker.core.errors import TrackerError


class ChannelError(TrackerError):
    """Delivery failed, in the shape a health check reports (`describe()`).

    `permanent` means retrying the same message cannot help (a 5xx refusal, a blocked
    bot): the outbox stops and tells the person's coordinator. `configuration` means the
    channel itself is misconfigured (wrong password, sender refused): the outbox stops
    using the channel for this pass instead of hammering the server. `retry_after`
    (seconds) is a wait the server asked for. `setting` names the setting to fix for a
    configuration error ("smtp.local_hostname"), and `reply` is the server's own reply
    ("550 5.1.1 <x@y>: user unknown"), quoted to the coordinator when a recipient is
    refused. What a channel learns about the recipient's address is a subclass
    (`ChatGone`, `ChatMoved`), which delivery reports to the caller's outcome hooks.

    `config_error` is the former name of `configuration` (keyword and attribute).
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        configuration: bool = False,
        retry_after: float | None = None,
        setting: str | None = None,
        reply: str | None = None,
        config_error: bool = False,
    ) -> None:
        super().__init__(message)
        self.setting = setting
        self.reply = reply
        self.permanent = permanent
        self.configuration = configuration or config_error
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        return str(self)

    @property
    def config_error(self) -> bool:
        return self.configuration

    def describe(self) -> dict:
        """The error as a health check reports it: message, permanent, retry_after,
        configuration and the setting to fix."""
        return {"message": str(self), "permanent": self.permanent,
                "retry_after": self.retry_after, "configuration": self.configuration,
                "setting": self.setting}

    @property
    def kind(self) -> str:
        """What the outbox does about it: "config", "permanent" or "transient"."""
        if self.configuration:
            return "config"
        return "permanent" if self.permanent else "transient"


class ChatGone(ChannelError):
    """The recipient's chat cannot be reached any more (the bot was blocked, the chat
    deleted or not found): permanent; the person's Telegram is switched off and the
    message falls back to email."""

    def __init__(self, message: str, *, reply: str | None = None) -> None:
        super().__init__(message, permanent=True, reply=reply)


class ChatMoved(ChannelError):
    """The recipient's chat has a new id (a group became a supergroup): transient; the
    new id is stored and the message sent again in the same pass."""

    def __init__(self, message: str, *, new_chat_id: int) -> None:
        super().__init__(message)
        self.new_chat_id = new_chat_id


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
