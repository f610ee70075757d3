"""`email_smtp.wire` sends exactly what aiosmtplib's `SMTP.data()` would send."""

from __future__ import annotations

import random

from aiosmtplib.protocol import PERIOD_REGEX, normalize_message_line_endings

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
