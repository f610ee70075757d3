"""`email_smtp.wire` sends exactly what aiosmtplib's `SMTP.data()` would send."""

from __future__ import annotations

import asyncio
import dataclasses
import random

import pytest
from aiosmtplib.protocol import PERIOD_REGEX, normalize_message_line_endings

from notifications.channels.email import EmailChannel
from notifications.channels.email_smtp import wire
from notifications.content.email_build import build_email
from tests.test_email_render_fast import MESSAGES
from tracker.core.config import EmailSettings


def aiosmtplib_data(message: bytes) -> bytes:
    """What `SMTPProtocol.execute_data_command` writes after the DATA command."""
    return PERIOD_REGEX.sub(b"..", normalize_message_line_endings(message)) + b".\r\n"


def test_wire_is_what_aiosmtplib_sends():
    rng = random.Random(5)
    pieces = [b"a", b".", b"..", b"\r\n", b"\n", b"\r", b" ", b"\xd0\x96", b"=2E", b"\r\r\n"]
    cases = [b"", b".", b"x", b"x\r\n", b".x\r\n", b"a\r\n.b\r\n..c", b"a\nb\rc\r\n"]
    cases += [b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
              for _ in range(5000)]
    for case in cases:
        assert wire(case) == aiosmtplib_data(case), case


def test_wire_of_built_emails():
    settings = EmailSettings(sender="tracker@edu.example.ru")
    for message in MESSAGES[:200]:
        data = build_email(message, settings).as_bytes()
        assert wire(data) == aiosmtplib_data(data)


class Transcript(asyncio.Protocol):
    """A minimal SMTP server that records every byte a client sends on a connection."""

    def __init__(self, sessions: list[bytearray]) -> None:
        self.received = bytearray()
        sessions.append(self.received)
        self.in_data = False
        self.pending = bytearray()

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(b"220 mx.test ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        self.received.extend(data)
        self.pending.extend(data)
        while True:
            if self.in_data:
                end = self.pending.find(b"\r\n.\r\n")
                if end < 0:
                    return
                del self.pending[:end + 5]
                self.in_data = False
                self.transport.write(b"250 OK queued\r\n")
                continue
            end = self.pending.find(b"\r\n")
            if end < 0:
                return
            line = bytes(self.pending[:end]).upper()
            del self.pending[:end + 2]
            if line.startswith(b"EHLO"):
                self.transport.write(b"250-mx.test\r\n250-8BITMIME\r\n250 PIPELINING\r\n")
            elif line == b"DATA":
                self.in_data = True
                self.pending[:0] = b"\r\n"  # an ending right after DATA counts
                self.transport.write(b"354 go ahead\r\n")
            elif line == b"QUIT":
                self.transport.write(b"221 bye\r\n")
                self.transport.close()
                return
            else:
                self.transport.write(b"250 OK\r\n")


@pytest.mark.asyncio
async def test_the_channel_sends_the_bytes_aiosmtplib_sendmail_sends():
    """The whole session, byte for byte: EHLO, MAIL FROM, RCPT TO, DATA and the
    content (with a line that begins with a period), QUIT."""
    from aiosmtplib import SMTP

    loop = asyncio.get_running_loop()
    sessions: list[bytearray] = []
    server = await loop.create_server(lambda: Transcript(sessions), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    config = EmailSettings(host="127.0.0.1", port=port, tls="none", pool_size=1,
                           sender="tracker@edu.example.ru", local_hostname="client.test")
    batch = [*MESSAGES[:5], dataclasses.replace(
        MESSAGES[5], text=".dot first\n..two\nline", subject="s", html="<p>x</p>")]
    try:
        channel = EmailChannel(config)
        for m in batch:
            await channel.notify(m)
        await channel.aclose()
        client = SMTP(hostname="127.0.0.1", port=port, local_hostname="client.test",
                      start_tls=False)
        await client.connect()
        for m in batch:
            await client.sendmail(config.sender, [m.recipient.email],
                                  build_email(m, config).as_bytes())
        await client.quit()
    finally:
        server.close()
        await server.wait_closed()
    assert len(sessions) == 2
    assert b"\r\n..dot first\r\n...two\r\n" in sessions[0]  # the periods doubled
    assert bytes(sessions[0]) == bytes(sessions[1])
