"""The Telegram channel: sends a `Message` to the recipient's chat with the Bot API.

`TelegramChannel.notify()` renders the message (`notifications.content.telegram_render`),
waits for the rate limiter (`ratelimit.RateLimiter`) before every request that posts,
sends the chunks in HTML parse mode with the keyboard on the last one, then the
message's attachments (the XLSX report of a summary) with `sendDocument`. It returns
the ids Telegram gave ("telegram message_id=1001"). A failed attachment does not fail
the message: the text is already in the chat and a retry would send it twice, so the
reply says which file was not sent instead.

Errors become `ChannelError`s the outbox acts on:

- `RetryAfter` (429): transient, `retry_after` = the seconds Telegram asked for;
- `ChatMigrated` (a group became a supergroup): `ChatMoved` (transient, `new_chat_id`);
  delivery reports it to the caller's hook, which stores the id, and sends again in the
  same pass;
- `Forbidden` (blocked, kicked, deactivated) and `BadRequest` "chat not found":
  `ChatGone` (permanent); delivery reports it, the person's Telegram is switched off and
  the message falls back to email (`failures.fall_back_to_email`);
- `InvalidToken` (401/404 on the token): `configuration`, latched for the pass like the
  email channel's: every later `notify()` raises it at once without a request;
- any other `BadRequest`: permanent (the same request cannot succeed);
- `TimedOut`, `NetworkError` and anything else from Telegram: transient.

The token is part of every request URL, so no error text or log line may carry it:
error texts pass through `scrub()`, and a filter on the `httpx` logger (which logs each
request's URL at INFO) rewrites its records the same way.

A message of several chunks is sent chunk by chunk; if a later chunk fails, the retry
sends the earlier ones again (at-least-once, like every channel).
"""

from __future__ import annotations

import asyncio
import logging
import re
import warnings
from datetime import timedelta
from typing import TYPE_CHECKING

from notifications.channels.base import ChannelError, ChatGone, ChatMoved
from notifications.channels.ratelimit import RateLimiter
from notifications.content.telegram_render import render_telegram
from notifications.message import ChannelKind, Message
from tracker.core.i18n import _

if TYPE_CHECKING:
    from telegram import Bot

    from tracker.core.config import Settings, TelegramSettings

logger = logging.getLogger(__name__)

# Bot API answers meaning the chat is gone for good, whatever the HTTP status.
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "bot was kicked",
         "peer_id_invalid", "have no rights to send")
_TOKEN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")  # the shape of a bot token


def scrub(text: str, token: str | None = None) -> str:
    """`text` with the bot token (and anything shaped like one) replaced by `<token>`."""
    if token:
        text = text.replace(token, "<token>")
    return _TOKEN.sub("<token>", text)


class _ScrubTokens(logging.Filter):
    """Rewrites a log record's message without bot tokens (httpx logs request URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = message
        for token in self.tokens:
            cleaned = cleaned.replace(token, "<token>")
        cleaned = scrub(cleaned)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_log_scrubber(token: str | None = None) -> None:
    """Put the token filter on the `httpx` logger and on the root logger's handlers
    (once per process; records of every logger pass those) and teach it `token`, which
    may not look like a real one (tests, a local Bot API server)."""
    target = logging.getLogger("httpx")
    scrubber = next((f for f in target.filters if isinstance(f, _ScrubTokens)), None)
    if scrubber is None:
        scrubber = _ScrubTokens()
        target.addFilter(scrubber)
    for handler in logging.getLogger().handlers:
        if scrubber not in handler.filters:
            handler.addFilter(scrubber)
    if token:
        scrubber.tokens.add(token)


def retry_seconds(value: int | float | timedelta) -> float:
    """`RetryAfter.retry_after` as seconds: an int in PTB 22, a timedelta with
    `PTB_TIMEDELTA=true` and in later versions."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


class TelegramChannel:
    """Delivers `Message`s to Telegram chats (see the module docstring).

    By default it builds its own `telegram.Bot` on the first `notify()` of a pass and
    shuts it down in `aclose()`. A `bot` passed in (the bot process sharing its own) is
    used as is and never shut down here. Safe for concurrent `notify()` calls.
    """

    kind = ChannelKind.TELEGRAM

    def __init__(self, settings: TelegramSettings, *, bot: Bot | None = None,
                 limiter: RateLimiter | None = None, timeout: float = 10.0,
                 document_timeout: float = 60.0) -> None:
        self.settings = settings
        self._token = settings.token.get_secret_value() if settings.token else None
        self._shared = bot
        self._bot: Bot | None = bot
        self._ready = False  # initialize() is a no-op on a Bot already initialised
        self._lock = asyncio.Lock()
        self.limiter = limiter or RateLimiter(settings.rate_per_second,
                                              settings.per_chat_interval,
                                              settings.group_per_minute)
        self.timeout = timeout
        self.document_timeout = document_timeout
        self._config_error: ChannelError | None = None
        install_log_scrubber(self._token)

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramChannel:
        return cls(settings.telegram)

    async def notify(self, message: Message) -> str:
        """Send `message`; "telegram message_id=…" (all chunk ids), or `ChannelError`."""
        from telegram import InputFile, LinkPreviewOptions
        from telegram.constants import ParseMode
        from telegram.error import TelegramError

        if self._config_error is not None:
            raise self._config_error
        chat_id = message.recipient.telegram_chat_id
        if chat_id is None:
            raise ChannelError(_("{name} has no Telegram chat").format(
                name=message.recipient.name) if message.recipient.name else
                _("the recipient has no Telegram chat"), permanent=True)
        rendered = render_telegram(message)
        no_preview = LinkPreviewOptions(is_disabled=True)  # links in task texts stay links
        try:
            bot = await self._bot_ready()
            ids = []
            for number, chunk in enumerate(rendered.chunks, start=1):
                last = number == len(rendered.chunks)
                await self.limiter.wait(chat_id)
                sent = await bot.send_message(
                    chat_id, chunk, parse_mode=ParseMode.HTML, link_preview_options=no_preview,
                    reply_markup=rendered.reply_markup if last else None)
                ids.append(sent.message_id)
        except TelegramError as exc:
            raise self._classify(exc, chat_id) from None
        reply = "telegram message_id=" + ",".join(map(str, ids))
        for attachment in message.attachments:
            try:
                await self.limiter.wait(chat_id)
                sent = await bot.send_document(
                    chat_id, InputFile(attachment.data, filename=attachment.filename),
                    write_timeout=self.document_timeout)
            except TelegramError as exc:
                error = self._classify(exc, chat_id)
                logger.warning(_("Telegram chat %s: attachment %s not sent: %s"), chat_id,
                               attachment.filename, error)
                reply += "; " + _("attachment {name} not sent: {error}").format(
                    name=attachment.filename, error=error)
            else:
                reply += f"; document message_id={sent.message_id}"
        return reply

    async def aclose(self) -> None:
        """End the pass: shut down a Bot this channel built, forget a configuration
        error. The rate limiter keeps its memory: the next pass may start at once."""
        self._config_error = None
        async with self._lock:
            bot, ready = self._bot, self._ready
            if self._shared is None:
                self._bot, self._ready = None, False
                if bot is not None and ready:
                    await bot.shutdown()

    async def _bot_ready(self) -> Bot:
        """The Bot, built and initialised (getMe, which checks the token) on first use."""
        async with self._lock:
            if self._config_error is not None:
                raise self._config_error
            if self._bot is None:
                self._bot = self._build_bot()
            if not self._ready:
                await self._bot.initialize()
                self._ready = True
            return self._bot

    def _build_bot(self) -> Bot:
        from telegram import Bot
        from telegram.request import HTTPXRequest

        if not self._token:
            raise self._fail_config(_("no Telegram token: set TRACKER_TELEGRAM__TOKEN"))
        t = self.timeout
        request = HTTPXRequest(connection_pool_size=8, read_timeout=t, write_timeout=t,
                               connect_timeout=t, pool_timeout=t,
                               media_write_timeout=self.document_timeout)
        return Bot(self._token, base_url=self.settings.api_url,
                   base_file_url=self.settings.file_url, request=request)

    def _fail_config(self, text: str, setting: str | None = None) -> ChannelError:
        """Latch a configuration error for the rest of the pass and log it once."""
        if self._config_error is None:
            self._config_error = ChannelError(text, configuration=True, setting=setting)
            fix = _("; check {setting}").format(setting=setting) if setting else ""
            logger.error(_("Telegram channel stopped for this pass: %s%s"), text, fix)
        return self._config_error

    def _classify(self, exc: Exception, chat_id: int) -> ChannelError:
        """Map a python-telegram-bot error to a `ChannelError` (module docstring)."""
        from telegram import error

        text = scrub(str(exc), self._token)
        if isinstance(exc, error.RetryAfter):
            with warnings.catch_warnings():  # PTB 22 warns that int becomes timedelta
                warnings.simplefilter("ignore")
                seconds = retry_seconds(exc.retry_after)
            return ChannelError(_("Telegram flood control: retry after {seconds:g} s").format(
                                    seconds=seconds),
                                retry_after=seconds)
        if isinstance(exc, error.ChatMigrated):
            return ChatMoved(_("Telegram chat {chat_id} migrated to {new_chat_id}").format(
                                 chat_id=chat_id, new_chat_id=exc.new_chat_id),
                             new_chat_id=exc.new_chat_id)
        if isinstance(exc, error.InvalidToken):
            return self._fail_config(_("Telegram refused the bot token: {reply}").format(
                                         reply=text),
                                     "TRACKER_TELEGRAM__TOKEN")
        gone = any(phrase in text.lower() for phrase in _GONE)
        if isinstance(exc, error.Forbidden) or (isinstance(exc, error.BadRequest) and gone):
            return ChatGone(_("Telegram chat {chat_id} unreachable: {reply}").format(
                chat_id=chat_id, reply=text))
        if isinstance(exc, error.BadRequest):  # before NetworkError: it is a subclass
            return ChannelError(_("Telegram refused the message to {chat_id}: {reply}").format(
                                    chat_id=chat_id, reply=text),
                                permanent=True)
        if isinstance(exc, error.TimedOut):
            return ChannelError(_("Telegram timed out sending to {chat_id}: {reply}").format(
                chat_id=chat_id, reply=text))
        return ChannelError(_("cannot reach Telegram sending to {chat_id}: {reply}").format(
            chat_id=chat_id, reply=text))
