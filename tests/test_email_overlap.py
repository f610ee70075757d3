"""The email channel builds a message while the server answers MAIL FROM, RCPT TO and
DATA (or, when every connection is busy, while those wait): what reaches the server is
exactly `build_email()`'s bytes, sequential or concurrent; a build that fails with a
command out leaves the next message unharmed; without a SIZE parameter a server's
size limit refuses one message at the end of DATA, not the sender."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from notifications.channels.base import ChannelError
from notifications.channels.email import EmailChannel, build_email, message_id
from notifications.content import email_build
from notifications.message import Attachment
from tests.test_email_smtp import Recorder, deliver, message, settings, smtp_server

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize("pool,concurrent", [(1, 1), (1, 3), (2, 4)])
async def test_the_server_receives_exactly_build_emails_bytes(pool, concurrent):
    recorder = Recorder()
    batch = [message(i) for i in range(9)]
    async with smtp_server(recorder) as port:
        config = settings(port, pool_size=pool)
        channel = EmailChannel(config)
        queue = list(batch)

        async def worker():
            while queue:
                assert await channel.notify(queue.pop(0)) == "250 OK queued as 1"

        await asyncio.gather(*(worker() for _ in range(concurrent)))
        await channel.aclose()
    received = {e.rcpt_tos[0]: e.original_content for e in recorder.envelopes}
    assert len(recorder.envelopes) == len(batch) == len(received)
    for m in batch:
        assert received[m.recipient.email] == build_email(m, config).as_bytes()
    assert recorder.connections == pool if concurrent > 1 else recorder.connections == 1


async def test_a_build_failure_with_a_command_out_spoils_nothing(monkeypatch):
    render = email_build.render_email

    def failing(m):
        if m.key.endswith(":2"):
            raise ValueError("перевод строки в заголовке Subject")
        if m.key.endswith(":3"):
            raise RuntimeError("template missing")
        return render(m)

    monkeypatch.setattr(email_build, "render_email", failing)
    recorder = Recorder()
    async with smtp_server(recorder) as port:
        channel = EmailChannel(settings(port, pool_size=1))
        results = await deliver(channel, [message(1), message(2)])
        with pytest.raises(RuntimeError, match="template missing"):
            await channel.notify(message(3))  # a packaging error is not the recipient's
        results += await deliver(channel, [message(4)])
        await channel.aclose()
    ok, refused, last = results
    assert ok == last == "250 OK queued as 1"
    assert isinstance(refused, ChannelError) and refused.permanent
    assert ("не удаётся отправить письмо получателю Мария Петрова: перевод строки"
            in str(refused))
    assert recorder.message_ids() == [message_id(message(n).key, "edu.example.ru")
                                      for n in (1, 4)]


async def test_a_size_limit_refuses_one_message_not_the_sender():
    recorder = Recorder()
    big = replace(message(2), attachments=(
        Attachment("отчёт.xlsx", "application/octet-stream", bytes(range(256)) * 200),))
    async with smtp_server(recorder, data_size_limit=30_000) as port:
        channel = EmailChannel(settings(port, pool_size=1))
        results = await deliver(channel, [message(1), big, message(3)])
        await channel.aclose()
    ok, refused, last = results
    assert ok == last == "250 OK queued as 1"
    assert isinstance(refused, ChannelError)
    assert refused.permanent and not refused.config_error and "552" in str(refused)
    assert len(recorder.envelopes) == 2 and recorder.connections == 1
