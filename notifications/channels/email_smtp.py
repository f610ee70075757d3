"""The SMTP conversation of one message on an open aiosmtplib connection: MAIL FROM,
RCPT TO and DATA, with the message built while the server answers.

The commands are written to the connection's protocol (`SMTPProtocol.write()`) and
their replies read with `read_response()`, as `SMTP.mail()`, `rcpt()` and `data()`
do, with the same bytes, replies, errors and closing of the connection (on a dropped
connection, a timeout, a 421). Between the write and the read the channel runs one
step of the build: no task and no turn of the event loop per command, and DATA's
content is written while the server answers the DATA command. The EHLO is sent when
the connection opens (notifications.channels.email), not before MAIL FROM.
"""

from __future__ import annotations

import contextlib
import functools
import re
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiosmtplib import SMTP

    from notifications.content.email_build import EmailBuild


async def transaction(client: SMTP, build: EmailBuild, sender: str, to: str) -> str:
    """MAIL FROM, RCPT TO and DATA, as aiosmtplib's `sendmail()` sends them, with the
    message built in three steps, each while the server answers a command: the texts
    while it answers MAIL FROM, the calendar and the encoded parts while it answers
    RCPT TO, the headers and the bytes to send while it answers DATA (on a fast
    server building would otherwise add half to the time a message takes). The DATA
    reply's text; a refusal resets the envelope (RSET), as `sendmail()` does. No SIZE
    parameter: the size is not known at MAIL FROM; a server's size limit then refuses
    the message at the end of DATA (552, permanent for this message) rather than at
    MAIL FROM, where it read as a refused sender."""
    from aiosmtplib import (
        SMTPDataError,
        SMTPRecipientRefused,
        SMTPResponseException,
        SMTPSenderRefused,
    )

    built = build.email is not None  # a resend, or built while waiting for a connection
    content: list[bytes] = []
    try:
        reply = await command(client, b"MAIL FROM:" + _quoted(sender) + b"\r\n",
                              None if built else build.render)
        if reply.code != 250:
            raise SMTPSenderRefused(reply.code, reply.message, sender)
        reply = await command(client, b"RCPT TO:" + _quoted(to) + b"\r\n",
                              None if built else build.prepare)
        if reply.code not in (250, 251):
            raise SMTPRecipientRefused(reply.code, reply.message, to)
        reply = await command(client, b"DATA\r\n",
                              lambda: content.append(wire(build.finish().as_bytes())))
        if reply.code != 354:
            raise SMTPDataError(reply.code, reply.message)
        reply = await command(client, content[0], None)
        if reply.code != 250:
            raise SMTPDataError(reply.code, reply.message)
    except SMTPResponseException:
        with contextlib.suppress(ConnectionError, SMTPResponseException):
            await client.rset()
        raise
    return reply.message


async def command(client: SMTP, line: bytes, step: Callable[[], Any] | None) -> Any:
    """Write `line` (a command, or DATA's content) and read the server's reply, running
    `step` (CPU work) in between, as `SMTP.execute_command()` sends a command: a
    dropped connection or a timeout closes the client, and so does a 421 reply. A
    step that fails raises `BuildFailed` with its error as the cause, the reply
    unread (the session is then out of step: the caller drops the connection)."""
    from aiosmtplib import SMTPServerDisconnected, SMTPTimeoutError

    protocol = client.protocol
    if protocol is None:
        raise SMTPServerDisconnected("Server not connected")
    try:
        # No await between the write and read_response(), which marks a reply as
        # expected before the event loop can hand the protocol any data.
        protocol.write(line)
        if step is not None:
            try:
                step()
            except Exception as exc:
                raise BuildFailed() from exc
        reply = await protocol.read_response(timeout=client.timeout)
    except (SMTPServerDisconnected, SMTPTimeoutError):
        client.close()
        raise
    if reply.code == 421:  # the server is closing the session
        client.close()
    return reply


class BuildFailed(Exception):
    """A build step failed while a command was out; the step's error is the cause."""


_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")


@functools.lru_cache(maxsize=4096)
def _quoted(address: str) -> bytes:
    """The address as MAIL FROM and RCPT TO carry it (`aiosmtplib.email.quote_address`,
    ASCII), refused with aiosmtplib's error if it holds a control character."""
    from aiosmtplib.email import quote_address

    quoted = quote_address(address).encode("ascii")
    if _CONTROL.search(quoted):
        raise ValueError("Command arg contains a prohibited control character")
    return quoted


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


_FQDN: list[str] = []


def default_local_hostname() -> str:
    """The name this machine greets SMTP servers with when `smtp.local_hostname` is empty:
    its fully qualified name (`socket.getfqdn()`, looked up once per process)."""
    if not _FQDN:
        _FQDN.append(socket.getfqdn() or "localhost")
    return _FQDN[0]

