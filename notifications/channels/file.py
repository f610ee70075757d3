"""The default channel: messages written to files, so everything works on a fresh machine.

Emails become `.eml` files in the outbox folder, exactly what SMTP would carry (built
by the email channel's `build_email`); open them with any mail client. Telegram
messages become JSON lines in `telegram.log` in the same folder, holding what the bot
would send (`notifications.content.telegram_render`): the HTML texts (`chunks`, one per Telegram
message, and `text`, all of them), `parse_mode` and the inline keyboard's `buttons`
(rows of {text, callback_data}) — not the email's wording.

Writes are atomic: an `.eml` is written to a temporary file and renamed, and its name
comes from the message key, so a re-send after a crash overwrites the file instead of
adding a second one. A log line is appended with one `write()` of a complete line.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from notifications.channels.base import ChannelError
from notifications.message import ChannelKind, Message
from tracker.core.i18n import _
from tracker.core.reasons import os_reason

if TYPE_CHECKING:
    from tracker.core.config import EmailSettings

TELEGRAM_LOG = "telegram.log"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(key: str) -> str:
    """A portable file name for a message key (`m:p5:email:2021-08-13T06:00Z`)."""
    safe = _UNSAFE.sub("_", key).strip("_")[:120]
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:8]
    return f"{safe}-{digest}.eml"


class FileChannel:
    """Writes messages of `kind` into `directory`; `notify()` returns where it wrote."""

    def __init__(self, directory: str | os.PathLike, *, kind: ChannelKind = ChannelKind.EMAIL,
                 email_settings: EmailSettings | None = None) -> None:
        self.directory = Path(directory)
        self.kind = kind
        if email_settings is None:
            from tracker.core.config import EmailSettings

            email_settings = EmailSettings()
        self.email_settings = email_settings

    async def notify(self, message: Message) -> str:
        """Write `message`; a full disk or a missing address raises `ChannelError`."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            if message.channel == ChannelKind.TELEGRAM:
                return self._write_telegram(message)
            return self._write_email(message)
        except ValueError as exc:  # no usable address
            raise ChannelError(str(exc), permanent=True) from None
        except OSError as exc:
            raise ChannelError(_("cannot write to {path}: {reason}").format(
                                   path=exc.filename or self.directory, reason=os_reason(exc)),
                               configuration=True) from None

    def _write_email(self, message: Message) -> str:
        from notifications.channels.email import build_email

        email = build_email(message, self.email_settings)
        target = self.directory / file_name(message.key)
        temporary = target.with_suffix(".eml.tmp")
        with open(temporary, "wb") as handle:
            handle.write(email.as_bytes())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
        return f"written {target.name}"

    def _write_telegram(self, message: Message) -> str:
        from notifications.content.telegram_render import render_telegram

        if message.recipient.telegram_chat_id is None:
            raise ValueError(_("{name} has no Telegram chat").format(
                name=message.recipient.name) if message.recipient.name else
                _("the recipient has no Telegram chat"))
        rendered = render_telegram(message)
        keyboard = rendered.reply_markup.inline_keyboard if rendered.reply_markup else ()
        line = json.dumps({
            "key": message.key, "chat_id": message.recipient.telegram_chat_id,
            "person_id": message.recipient.person_id, "kind": str(message.kind),
            "assignments": [item.assignment_id for item in message.items],
            "parse_mode": "HTML",
            "text": "\n\n".join(rendered.chunks),
            "chunks": list(rendered.chunks),
            "buttons": [[{"text": b.text, "callback_data": b.callback_data} for b in row]
                        for row in keyboard],
        }, ensure_ascii=False)
        path = self.directory / TELEGRAM_LOG
        # O_APPEND with one write keeps lines whole even with two processes writing.
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (line + "\n").encode("utf-8"))
        finally:
            os.close(fd)
        return f"appended to {TELEGRAM_LOG}"

    async def aclose(self) -> None:
        return None
