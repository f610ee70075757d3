"""The SMTP conversation of one message on an open aiosmtplib connection: MAIL FROM,
RCPT TO and DATA, with the message built while the server answers.

DATA is sent here rather than through aiosmtplib's `SMTP.data()`, which needs the
message before it sends the command: the DATA command goes through
`SMTP.execute_command()` and the content through the connection's protocol
(`write()`, `read_response()`), with the same bytes, timeouts, errors and closing of
the connection as `SMTP.data()`.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiosmtplib import SMTP

    from notifications.content.email_build import EmailBuild


async def transaction(client: SMTP, build: EmailBuild, sender: str, to: str) -> str:
    """MAIL FROM, RCPT TO and DATA, as aiosmtplib's `sendmail()` sends them, with the
    message built in three steps while the server answers each command: the texts
    while it answers MAIL FROM, the calendar and the encoded parts while it answers
    RCPT TO, the headers and the bytes to send while it answers DATA (on a fast
    server building would otherwise add half to the time a message takes). The DATA
    reply's text; a refusal resets the envelope (RSET), as `sendmail()` does. No SIZE
    parameter: the size is not known at MAIL FROM; a server's size limit then refuses
    the message at the end of DATA (552, permanent for this message) rather than at
    MAIL FROM, where it read as a refused sender."""
    from aiosmtplib import SMTPResponseException

    built = build.email is not None  # a resend, or built while waiting for a connection
    try:
        await while_answered(client.mail(sender), None if built else build.render)
        await while_answered(client.rcpt(to), None if built else build.prepare)
        response = await data(client, lambda: wire(build.finish().as_bytes()))
    except SMTPResponseException:
        with contextlib.suppress(ConnectionError, SMTPResponseException):
            await client.rset()
        raise
    return response.message


async def data(client: SMTP, content: Callable[[], bytes]) -> Any:
    """DATA as aiosmtplib's `SMTP.data()` sends it, with `content()` (the message as
    `wire` bytes) made while the server answers the DATA command; the final reply.
    `data()` itself takes the content before it sends DATA."""
    from aiosmtplib import SMTPDataError, SMTPServerDisconnected, SMTPTimeoutError

    payload: list[bytes] = []
    start = await while_answered(client.execute_command(b"DATA"),
                                 lambda: payload.append(content()))
    if start.code != 354:
        raise SMTPDataError(start.code, start.message)
    protocol = client.protocol
    try:
        if protocol is None:
            raise SMTPServerDisconnected("Connection lost")
        # No await between the write and read_response(), which marks the reply as
        # expected before the loop can hand the protocol any data.
        protocol.write(payload[0])
        response = await protocol.read_response(timeout=client.timeout)
    except (SMTPServerDisconnected, SMTPTimeoutError):
        client.close()  # as SMTP.data(): the session is out of step
        raise
    if response.code != 250:
        raise SMTPDataError(response.code, response.message)
    return response


_LINE_ENDINGS = re.compile(rb"(?:\r\n|\n|\r(?!\n))")
_PERIOD = re.compile(rb"(?m)^\.")


def wire(message: bytes) -> bytes:
    """`message` as DATA carries it, what aiosmtplib's `data()` sends: lone CR and LF as
    CRLF, a CRLF at the end, a period doubled at the start of a line, and the ending
    ".\r\n". The regular expressions run only when a count says they would change
    something (the MIME writer writes CRLF only, and rarely a line beginning with a
    period)."""
    crlf = message.count(b"\r\n")
    if message.count(b"\r") != crlf or message.count(b"\n") != crlf:
        message = _LINE_ENDINGS.sub(b"\r\n", message)
    if not message.endswith(b"\r\n"):
        message += b"\r\n"
    if message.startswith(b".") or b"\n." in message:
        message = _PERIOD.sub(b"..", message)
    return message + b".\r\n"


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

