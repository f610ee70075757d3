"""The SMTP conversation of one message on an open aiosmtplib connection: MAIL FROM,
RCPT TO and DATA, with the message built while the server answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiosmtplib import SMTP

    from notifications.content.email_build import EmailBuild


async def transaction(client: SMTP, build: EmailBuild, sender: str, to: str) -> str:
    """MAIL FROM, RCPT TO and DATA, as aiosmtplib's `sendmail()` sends them, with the
    texts rendered while the server answers MAIL FROM and the calendar and MIME
    bytes written while it answers RCPT TO (on a fast server building would
    otherwise add half to the time a message takes; two windows measured faster
    than one, in rate and CPU, though each costs a task). The DATA reply's text; a
    refusal resets the envelope (RSET), as `sendmail()` does. No SIZE parameter:
    the size is not known at MAIL FROM; a server's size limit then refuses the
    message at the end of DATA (552, permanent for this message) rather than at
    MAIL FROM, where it read as a refused sender."""
    from aiosmtplib import SMTPResponseException

    try:
        built = build.email is not None  # a resend, or built while waiting for a connection
        await while_answered(client.mail(sender),
                             None if built else build.render)
        await while_answered(client.rcpt(to), None if built else build.finish)
        response = await client.data(build.finish().as_bytes())
    except SMTPResponseException:
        with contextlib.suppress(ConnectionError, SMTPResponseException):
            await client.rset()
        raise
    return response.message


class BuildFailed(Exception):
    """A build step failed while a command was out; the step's error is the cause."""


async def while_answered(command: Coroutine[Any, Any, Any],
                         step: Callable[[], Any] | None) -> Any:
    """Send an SMTP `command` and run `step` (CPU work) while the server answers it; the
    command's result. `step` runs after the command is written: its first step writes
    it, and waits for the reply, in the one loop iteration `sleep(0)` gives it."""
    if step is None:
        return await command
    pending = asyncio.ensure_future(command)
    try:
        await asyncio.sleep(0)
        try:
            step()
        except Exception as exc:
            raise BuildFailed() from exc
    except BaseException:
        pending.cancel()
        with contextlib.suppress(BaseException):
            await pending  # retrieved, so a dropped connection's error is not logged
        raise
    return await pending


_FQDN: list[str] = []


def default_local_hostname() -> str:
    """The name this machine greets SMTP servers with when `smtp.local_hostname` is empty:
    its fully qualified name (`socket.getfqdn()`, looked up once per process)."""
    if not _FQDN:
        _FQDN.append(socket.getfqdn() or "localhost")
    return _FQDN[0]

