"""The email channel against a real aiosmtpd server on 127.0.0.1 (plain and STARTTLS).

Each test starts its own server in the test's event loop and checks what the server
received: the envelope, the parsed message, how many connections were opened.
Nothing here leaves the loopback interface.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import socket
import ssl
from datetime import UTC, date, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult
from icalendar import Calendar

from notifications.channels.base import ChannelError
from notifications.channels.email import EmailChannel, message_id
from notifications.content.render import render_email
from notifications.message import ChannelKind, Item, Message, MessageKind, Recipient, Rule
from tracker.core.config import EmailSettings

SENDER = "tracker@edu.example.ru"
PLANNED = datetime(2021, 8, 17, 6, 0, tzinfo=UTC)


class Recorder:
    """An aiosmtpd handler that records accepted messages and can misbehave on demand."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self.connections = 0
        self.login_sessions: set[int] = set()  # sessions that tried to log in
        self.tls_sessions = 0
        self.refuse_rcpt: dict[str, str] = {}  # address -> reply, e.g. "550 ..."
        self.data_reply: str | None = None  # e.g. "451 ..." instead of accepting
        self.drop_every: int | None = None  # drop the connection after N messages
        self.drop_before_reply = False  # ...and lose the N+1st without answering it
        self.delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.data_reply:
            return self.data_reply
        count = getattr(session, "accepted", 0)
        if self.drop_every and self.drop_before_reply and count == self.drop_every:
            server.transport.close()  # the client never hears whether it was accepted
            return "451 gone"
        session.accepted = count + 1
        if session.ssl:
            self.tls_sessions += 1
        self.envelopes.append(envelope)
        raw = envelope.original_content or envelope.content
        self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))
        if self.drop_every and not self.drop_before_reply and session.accepted == self.drop_every:
            # Close right after the 250 goes out, as a server with a per-session cap does.
            asyncio.get_running_loop().call_soon(server.transport.close)
        return "250 OK queued as 1"

    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


def authenticator_for(recorder: Recorder, password: bytes):
    def authenticate(server, session, envelope, mechanism, auth_data):
        recorder.login_sessions.add(id(session))
        # handled=False: aiosmtpd itself answers 235 or 535.
        return AuthResult(success=auth_data.password == password, handled=False)

    return authenticate


@contextlib.asynccontextmanager
async def smtp_server(recorder: Recorder, *, port: int = 0, **options):
    """An aiosmtpd server in the running loop; yields its port."""
    loop = asyncio.get_running_loop()

    def factory():
        recorder.connections += 1
        return SMTPServer(recorder, hostname="localhost", loop=loop, **options)

    server = await loop.create_server(factory, "127.0.0.1", port)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost: (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_tls(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


def settings(port: int, **overrides) -> EmailSettings:
    values = dict(
        host="127.0.0.1", port=port, tls="none", sender=SENDER, reply_to="help@edu.example.ru",
        timeout=5, batch_timeout=30, pool_size=2, recycle_after=100, local_hostname="client.test",
    )  # fmt: skip
    values.update(overrides)
    return EmailSettings(**values)


def item(assignment_id=42, due=date(2021, 8, 20), days_left=3) -> Item:
    return Item(
        assignment_id, "Разработать региональную модель обеспечения доступности", due,
        days_left, Rule.BEFORE, "Город Азов", "3.2", "Протокол № 1 от 15.06.2021",
    )  # fmt: skip


def message(n=1, *, kind=MessageKind.REMINDER, locale="ru", to=None, items=None, context=None):
    return Message(
        key=f"{kind.value}:{locale}:{n}",
        kind=kind,
        channel=ChannelKind.EMAIL,
        recipient=Recipient(n, "Мария Петрова", to or f"officer{n}@edu.example.ru", locale=locale),
        items=(item(),) if items is None else items,
        context={"planned_at": PLANNED, **(context or {})},
        today=date(2021, 8, 17),
    )


async def deliver(channel: EmailChannel, messages) -> list[str | ChannelError]:
    """notify() each message in turn; the reply or the error, per message."""
    results = []
    for m in messages:
        try:
            results.append(await channel.notify(m))
        except ChannelError as exc:
            results.append(exc)
    return results


# -- content ---------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_every_kind_in_both_locales_arrives_complete():
    recorder = Recorder()
    sent = [message(i, kind=k, locale=loc) for i, k in enumerate(MessageKind)
            for loc in ("ru", "en")]  # fmt: skip
    async with smtp_server(recorder) as port:
        channel = EmailChannel(settings(port))
        replies = await deliver(channel, sent)
        await channel.aclose()

    assert replies == ["250 OK queued as 1"] * len(sent)
    assert len(recorder.messages) == len(sent)
    for original, envelope, got in zip(sent, recorder.envelopes, recorder.messages, strict=True):
        assert envelope.mail_from == SENDER
        assert envelope.rcpt_tos == [original.recipient.email]  # one recipient per message
        assert got["Subject"] == render_email(original).subject  # decoded Cyrillic
        assert got["Message-ID"] == message_id(original.key, "edu.example.ru")
        assert got["Date"].datetime == PLANNED
        assert got["From"].addresses[0].display_name == "Контроль исполнения"
        assert got["From"].addresses[0].addr_spec == SENDER
        assert got["To"].addresses[0].display_name == "Мария Петрова"
        assert str(got["Reply-To"]) == "help@edu.example.ru"
        assert got["Auto-Submitted"] == "auto-generated"
        assert got["X-Auto-Response-Suppress"] == "All"
        plain = got.get_body(("plain",)).get_content()
        html = got.get_body(("html",)).get_content()
        assert plain.strip() and html.startswith("<!DOCTYPE html>")
        if original.recipient.locale == "ru":
            assert "добрый день" in plain and "добрый день" in html
        else:
            assert "Dear Мария Петрова" in plain
        calendars = [p for p in got.iter_attachments() if p.get_content_type() == "text/calendar"]
        wants_calendar = original.kind in {MessageKind.REMINDER, MessageKind.OVERDUE,
                                           MessageKind.DIGEST}  # fmt: skip
        assert len(calendars) == (1 if wants_calendar else 0), original.kind
    reminder = recorder.messages[0]
    assert reminder["Subject"] == (
        "Срок через 3 дня: Разработать региональную модель… (до 20.08.2021)"
    )
    assert "20 августа 2021 г." in reminder.get_body(("plain",)).get_content()
    assert recorder.connections == 1  # one pass, one reused connection


@pytest.mark.asyncio
async def test_calendar_uid_is_stable_across_an_extension():
    recorder = Recorder()
    before = message(1, items=(item(due=date(2021, 8, 20), days_left=3),))
    after = Message(**{**before.__dict__, "key": "reminder:extended",
                       "items": (item(due=date(2021, 9, 1), days_left=15),)})  # fmt: skip
    async with smtp_server(recorder) as port:
        channel = EmailChannel(settings(port))
        await deliver(channel, [before, after])
        await channel.aclose()

    events = []
    for got in recorder.messages:
        (part,) = [p for p in got.iter_attachments() if p.get_content_type() == "text/calendar"]
        calendar = Calendar.from_ical(part.get_content())
        assert str(calendar["METHOD"]) == "PUBLISH"
        (event,) = calendar.walk("VEVENT")
        events.append(event)
    first, second = events
    assert str(first["UID"]) == str(second["UID"]) == "assignment-42@edu.example.ru"
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])
    assert first.decoded("DTSTART") == date(2021, 8, 20)
    assert second.decoded("DTSTART") == date(2021, 9, 1)
    assert second.decoded("DTEND") == date(2021, 9, 2)
    assert event.walk("VALARM")


# -- TLS -------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_starttls_with_a_self_signed_certificate(certificate):
    recorder = Recorder()
    options = dict(tls_context=server_tls(certificate), require_starttls=True)
    async with smtp_server(recorder, **options) as port:
        channel = EmailChannel(settings(port, tls="starttls", ca_file=str(certificate[0])))
        replies = await deliver(channel, [message(1), message(2, locale="en")])
        await channel.aclose()
    assert replies == ["250 OK queued as 1"] * 2
    assert recorder.tls_sessions == 2 and recorder.connections == 1
    assert recorder.messages[0]["Subject"].startswith("Срок через 3 дня")


@pytest.mark.asyncio
async def test_untrusted_certificate_is_a_configuration_error(certificate):
    recorder = Recorder()
    options = dict(tls_context=server_tls(certificate), require_starttls=True)
    async with smtp_server(recorder, **options) as port:
        channel = EmailChannel(settings(port, tls="starttls"))  # no ca_file
        first, second = await deliver(channel, [message(1), message(2)])
        await channel.aclose()
    assert first.config_error and not first.permanent
    assert "certificate" in str(first) and "smtp.ca_file" in str(first)
    assert first.setting == "smtp.ca_file"
    assert second is first and recorder.connections == 1 and not recorder.messages


# -- errors ----------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_wrong_password_is_one_clear_configuration_error():
    recorder = Recorder()
    options = dict(authenticator=authenticator_for(recorder, b"right"), auth_require_tls=False)
    async with smtp_server(recorder, **options) as port:
        channel = EmailChannel(settings(port, user="officer"), password="wrong")
        results = await deliver(channel, [message(i) for i in range(5)])
        await channel.aclose()
    first = results[0]
    assert isinstance(first, ChannelError) and first.config_error and not first.permanent
    assert first.setting == "smtp.user and TRACKER_SMTP__PASSWORD"
    assert first.describe() == {"message": str(first), "permanent": False, "retry_after": None,
                                "configuration": True, "setting": first.setting}
    assert str(first).startswith(
        f"сервер SMTP 127.0.0.1:{port} не принял имя пользователя officer и пароль; ответ "
        "сервера: «535"
    )
    assert all(r is first for r in results)  # the rest refused without touching the server
    assert len(recorder.login_sessions) == 1 and recorder.connections == 1


@pytest.mark.asyncio
async def test_right_password_logs_in():
    recorder = Recorder()
    options = dict(authenticator=authenticator_for(recorder, b"right"), auth_require_tls=False)
    async with smtp_server(recorder, **options) as port:
        channel = EmailChannel(settings(port, user="officer"), password="right")
        assert await deliver(channel, [message(1), message(2)]) == ["250 OK queued as 1"] * 2
        await channel.aclose()
    assert len(recorder.login_sessions) == 1


@pytest.mark.asyncio
async def test_server_down_stops_the_pass_then_delivered_when_it_comes_back():
    port = unused_port()
    channel = EmailChannel(settings(port))
    down, again = await deliver(channel, [message(1), message(2)])
    assert isinstance(down, ChannelError) and again is down  # the pass stops at the first
    assert down.config_error and not down.permanent and down.kind == "config"
    assert down.setting == "smtp.host and smtp.port"
    assert f"127.0.0.1:{port}" in str(down)
    assert channel.connections_opened == 1
    await channel.aclose()  # the next pass tries again

    recorder = Recorder()
    async with smtp_server(recorder, port=port):
        assert await deliver(channel, [message(1)]) == ["250 OK queued as 1"]
        await channel.aclose()
    assert recorder.message_ids() == [message_id(message(1).key, "edu.example.ru")]


@pytest.mark.asyncio
@pytest.mark.parametrize("stage", ["rcpt", "data"])
async def test_451_is_transient_and_the_connection_stays_usable(stage):
    recorder = Recorder()
    if stage == "rcpt":
        recorder.refuse_rcpt["officer1@edu.example.ru"] = "451 4.7.1 greylisted, try later"
    else:
        recorder.data_reply = "451 4.3.0 try again later"
    async with smtp_server(recorder) as port:
        channel = EmailChannel(settings(port, pool_size=1))
        (deferred,) = await deliver(channel, [message(1)])
        recorder.data_reply = None
        (ok,) = await deliver(channel, [message(2)])
        await channel.aclose()
    assert isinstance(deferred, ChannelError)
    assert not deferred.permanent and not deferred.config_error and "451" in str(deferred)
    assert ok == "250 OK queued as 1" and recorder.connections == 1


@pytest.mark.asyncio
async def test_550_for_one_recipient_is_permanent_and_the_others_are_delivered():
    recorder = Recorder()
    recorder.refuse_rcpt["officer2@edu.example.ru"] = "550 5.1.1 no such user"
    async with smtp_server(recorder) as port:
        channel = EmailChannel(settings(port))
        results = await deliver(channel, [message(i) for i in (1, 2, 3)])
        await channel.aclose()
    assert results[0] == results[2] == "250 OK queued as 1"
    refused = results[1]
    assert isinstance(refused, ChannelError) and refused.permanent and not refused.config_error
    assert "officer2@edu.example.ru" in str(refused) and "550 5.1.1 no such user" in str(refused)
    assert [e.rcpt_tos for e in recorder.envelopes] == [
        ["officer1@edu.example.ru"], ["officer3@edu.example.ru"],
    ]  # fmt: skip


@pytest.mark.asyncio
async def test_a_recipient_without_address_is_permanent():
    channel = EmailChannel(settings(unused_port()))
    no_address = Message(**{**message(1).__dict__, "recipient": Recipient(1, "Без почты")})
    (error,) = await deliver(channel, [no_address])
    assert error.permanent and "нет адреса электронной почты" in str(error)


@pytest.mark.asyncio
@pytest.mark.parametrize("before_reply", [False, True], ids=["after-250", "mid-transaction"])
async def test_dropped_connection_mid_batch_loses_and_doubles_nothing(before_reply):
    recorder = Recorder()
    recorder.drop_every, recorder.drop_before_reply = 3, before_reply
    batch = [message(i) for i in range(10)]
    async with smtp_server(recorder) as port:
        channel = EmailChannel(settings(port, pool_size=1))
        results = await deliver(channel, batch)
        await channel.aclose()
    assert results == ["250 OK queued as 1"] * 10
    expected = [message_id(m.key, "edu.example.ru") for m in batch]
    assert recorder.message_ids() == expected  # every one, once, in order
    assert recorder.connections == 4  # 3 + 3 + 3 + 1


@pytest.mark.asyncio
async def test_batch_timeout_turns_a_stuck_server_into_a_transient_error():
    recorder = Recorder()
    recorder.delay = 5
    async with smtp_server(recorder) as port:
        channel = EmailChannel(settings(port, batch_timeout=0.5, timeout=10))
        loop = asyncio.get_running_loop()
        started = loop.time()
        (error,) = await deliver(channel, [message(1)])
        assert loop.time() - started < 2
        (again,) = await deliver(channel, [message(2)])  # the pass's deadline has passed
        await channel.aclose()
    assert isinstance(error, ChannelError) and not error.permanent and not error.config_error
    assert "smtp.batch_timeout" in str(error) and isinstance(again, ChannelError)


# -- connections -----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_connection_is_recycled_after_recycle_after_messages():
    recorder = Recorder()
    async with smtp_server(recorder) as port:
        channel = EmailChannel(settings(port, pool_size=1, recycle_after=3))
        results = await deliver(channel, [message(i) for i in range(7)])
        await channel.aclose()
    assert results == ["250 OK queued as 1"] * 7
    assert recorder.connections == 3  # 3 + 3 + 1


@pytest.mark.asyncio
async def test_pool_reuses_a_few_connections_for_many_messages():
    recorder = Recorder()
    async with smtp_server(recorder) as port:
        channel = EmailChannel(settings(port, pool_size=2))
        results = await asyncio.gather(*(channel.notify(message(i)) for i in range(20)))
        sequential = await deliver(channel, [message(i) for i in range(20, 25)])
        await channel.aclose()
    assert results == ["250 OK queued as 1"] * 20 and len(sequential) == 5
    assert recorder.connections == 2
    assert len(set(recorder.message_ids())) == 25


# -- CLI -------------------------------------------------------------------------------


def test_cli_email_test_reports_the_server_reply(tmp_path, monkeypatch):
    from aiosmtpd.controller import Controller
    from typer.testing import CliRunner

    from tracker.cli.main import app

    for name in ("TRACKER_CONFIG", "TRACKER_SMTP__PASSWORD", "TRACKER_SMTP__HOST"):
        monkeypatch.delenv(name, raising=False)
    recorder = Recorder()
    port = unused_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    try:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\nsender = "{SENDER}"\n',
            encoding="utf-8",
        )
        result = CliRunner().invoke(app, ["--config", str(config), "email", "test", "a@b.ru"])
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert result.output == (f"Отправлено на a@b.ru через 127.0.0.1:{port} (none): "
                             "250 OK queued as 1\n")
    (got,) = recorder.messages
    assert got["Subject"] == "Проверка почты: тестовое сообщение системы контроля исполнения"
    assert f"127.0.0.1:{port}" in got.get_body(("plain",)).get_content()


def test_cli_email_test_without_smtp_host_fails(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from tracker.cli.email_cmd import email_app

    monkeypatch.delenv("TRACKER_SMTP__HOST", raising=False)
    monkeypatch.chdir(tmp_path)  # no config.toml here: defaults, no host
    monkeypatch.delenv("TRACKER_CONFIG", raising=False)
    result = CliRunner().invoke(email_app, ["test", "a@b.ru"])
    assert result.exit_code == 1
    assert "Ошибка: сервер SMTP не настроен" in result.output
