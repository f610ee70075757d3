"""Configuration faults are not recipient faults: delivery passes against a real aiosmtpd
on 127.0.0.1 that refuses the greeting name (at EHLO, or at RCPT TO as Postfix does with
`reject_non_fqdn_helo_hostname` and `smtpd_delay_reject`), the sender, or one address."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
from datetime import date

import pytest
from reminder_world import add_tasks, at, build_world
from smtp_serving import serving
from sqlmodel import select

from notifications.channels.email import EmailChannel, default_local_hostname
from notifications.message import ChannelKind, MessageKind
from tracker.core.config import EmailSettings
from tracker.core.enums import OutboxStatus
from tracker.core.models import OutboxMessage
from tracker.services.reminders import tick

NON_FQDN = "504 5.5.2 <{name}>: Helo command rejected: need fully-qualified hostname"


class Strict:
    """Refuses what the test asks for; records accepted messages and greeting names."""

    def __init__(self, *, helo_at: str | None = None, refuse_sender: bool = False,
                 refuse: dict[str, str] | None = None) -> None:
        self.helo_at = helo_at  # "ehlo" or "rcpt": where a non-FQDN name is refused
        self.refuse_sender = refuse_sender
        self.refuse = refuse or {}
        self.greetings: list[str] = []
        self.messages: list[email.message.EmailMessage] = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.greetings.append(hostname)
        if self.helo_at == "ehlo" and "." not in hostname:
            return [NON_FQDN.format(name=hostname).replace("504", "550", 1)]
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        self.greetings.append(hostname)
        if self.helo_at == "ehlo" and "." not in hostname:
            return NON_FQDN.format(name=hostname).replace("504", "550", 1)
        session.host_name = hostname
        return f"250 {server.hostname}"

    async def handle_MAIL(self, server, session, envelope, address, options):
        if self.refuse_sender and address.startswith("wrong@"):
            return f"553 5.7.1 <{address}>: Sender address rejected: not owned by user"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.helo_at == "rcpt" and "." not in (session.host_name or ""):
            return NON_FQDN.format(name=session.host_name)
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 OK queued"


def channels(port: int, **overrides):
    values = dict(host="127.0.0.1", port=port, tls="none", sender="tracker@example.ru",
                  timeout=5, local_hostname="tracker.example.ru")
    values.update(overrides)
    return {ChannelKind.EMAIL: EmailChannel(EmailSettings(**values))}


def rows(db):
    with db.reading() as session:
        return list(session.exec(select(OutboxMessage).where(
            OutboxMessage.status != OutboxStatus.SKIPPED, OutboxMessage.channel == "email")
            .order_by(OutboxMessage.id)))


def two_overdue_officers(db):
    """Two officers' overdue notices and the coordinator's escalation: three emails."""
    from tracker.core.models import Organisation
    from tracker.services.people import add_person

    world = build_world(db)
    with db.transaction() as session:
        add_person(session=session, name="Кузнецова Ольга", email="kuznetsova@example.ru",
                   organisation=session.get(Organisation, world.org_id), channels="email")
    add_tasks(db, world, [date(2021, 8, 10)], created=at(2))
    return world


@pytest.mark.asyncio
@pytest.mark.parametrize(("fault", "setting"), [
    ("helo-ehlo", "smtp.local_hostname"),
    ("helo-rcpt", "smtp.local_hostname"),
    ("sender", "smtp.sender"),
    ("connect", "smtp.host and smtp.port"),
])
async def test_a_configuration_fault_stops_the_pass_and_blames_nobody(
        db, settings, caplog, fault, setting):
    two_overdue_officers(db)
    handler = Strict(helo_at=fault.partition("-")[2] or None, refuse_sender=fault == "sender")
    async with serving(handler) as port:
        if fault == "connect":
            with socket.socket() as probe:  # a port nobody listens on
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        bad = channels(port, local_hostname="localhost",  # the old default
                       sender="wrong@example.ru" if fault == "sender" else "tracker@example.ru")
        with caplog.at_level(logging.INFO):
            report = await tick(db, settings, bad, now=at(13), worker="t")
        assert (report.sent, report.failed, report.pending) == (0, 0, 3)
        assert len(report.deliveries) == 1  # the pass stopped at the first refusal
        messages = rows(db)
        assert len(messages) == 3 and {m.status for m in messages} == {OutboxStatus.PENDING}
        assert all(m.attempts == 0 for m in messages)  # a fault of ours costs no attempt
        assert messages[0].next_attempt_at > at(13)  # backoff, not a hot loop
        assert not [m for m in messages if m.kind == MessageKind.FAILURE]  # nobody told
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert len(errors) == 1 and errors[0].endswith(f"проверьте {setting}"), errors
        assert "сообщения ждут" in errors[0]
        if fault == "connect":
            return
        # Fixed configuration: the next pass, after the backoff, delivers all three.
        later = messages[0].next_attempt_at
        report = await tick(db, settings, channels(port), now=later, worker="t")
    assert (report.sent, report.failed, report.pending) == (3, 0, 0)
    assert len(handler.messages) == 3


@pytest.mark.asyncio
async def test_a_refused_address_fails_that_message_and_tells_the_coordinator_in_russian(
        db, settings, caplog):
    two_overdue_officers(db)
    reply = "550 5.1.1 <ivanov@example.ru>: Recipient address rejected: User unknown"
    handler = Strict(refuse={"ivanov@example.ru": reply})
    async with serving(handler) as port:
        report = await tick(db, settings, channels(port), now=at(13), worker="t")
    # Ivanov's notice failed; Kuznetsova's and the coordinator's escalation went out, and
    # so did the coordinator's notice about Ivanov (email; Telegram is not configured).
    assert (report.sent, report.failed, report.pending) == (3, 1, 0)
    notices = [m for m in handler.messages if m["X-Tracker-Kind"] == "failure"]
    assert len(notices) == 1 and notices[0]["To"].addresses[0].addr_spec == "petrova@example.ru"
    text = notices[0].get_body(("plain",)).get_content()
    assert "Иванов Иван" in text and "ivanov@example.ru" in text
    assert f"ответил (дословно): «{reply}»" in text
    assert "refused recipient" not in text  # the server's words, not our English account
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_greeting_name_defaults_to_the_fully_qualified_name():
    assert EmailSettings().local_hostname == ""
    assert default_local_hostname() == (socket.getfqdn() or "localhost")


@pytest.mark.asyncio
async def test_an_empty_local_hostname_greets_with_the_fully_qualified_name(db, settings):
    two_overdue_officers(db)
    handler = Strict()
    async with serving(handler) as port:
        report = await tick(db, settings, channels(port, local_hostname=""), now=at(13),
                            worker="t")
    assert report.sent == 3
    assert set(handler.greetings) == {socket.getfqdn()}


def test_remind_counts_what_was_sent_and_what_was_left_pending(cli, db, config_path):
    """`tracker remind` against a server refusing the greeting name: nothing is called
    sent; the messages left pending are counted, each row says so, and it exits 1."""
    from service_world import start_smtp

    two_overdue_officers(db)
    handler = Strict(helo_at="rcpt")  # Postfix: the refusal comes at RCPT TO
    smtp = start_smtp(handler)
    try:
        config_path.write_text(
            config_path.read_text(encoding="utf-8")
            + f'[smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\ntls = "none"\n'
            'sender = "tracker@example.ru"\nlocal_hostname = "localhost"\n', encoding="utf-8")
        result = cli("remind", "--at", "2021-08-13 09:00")
    finally:
        smtp.stop()
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    # The coordinator's Telegram escalation goes to the file channel (no token set).
    assert lines[0].endswith("; отправлено 1 сообщение, ожидают повтора: 3"), lines[0]
    assert sum("[ожидает отправки]" in line for line in lines) == 1  # tried once; two held back
    assert handler.messages == []


def _closed_port() -> int:
    with socket.socket() as probe:  # bound, never listening: the connection is refused
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(("fault", "smtp", "setting"), [
    ("helo", 'local_hostname = "localhost"', "smtp.local_hostname"),
    ("sender", 'sender = "wrong@example.ru"', "smtp.sender"),
    ("tls", 'tls = "tls"', "smtp.tls"),
    ("connect", "", "smtp.host and smtp.port"),
    ("auth", 'user = "officer"', "smtp.user and TRACKER_SMTP__PASSWORD"),
])
def test_remind_exits_1_when_a_setting_left_messages_pending(cli, db, config_path, caplog,
                                                             monkeypatch, fault, smtp, setting):
    """A configuration fault is not cured by waiting: after its truthful summary and the
    one log line naming the setting to fix, `tracker remind` exits 1 so cron notices."""
    from service_world import start_smtp

    two_overdue_officers(db)
    handler = Strict(helo_at="rcpt", refuse_sender=True)
    if fault == "auth":
        from test_email_smtp import Recorder, authenticator_for

        monkeypatch.setenv("TRACKER_SMTP__PASSWORD", "wrong")
        server = start_smtp(handler, authenticator=authenticator_for(Recorder(), b"right"),
                            auth_require_tls=False)
    else:
        server = start_smtp(handler)
    port = _closed_port() if fault == "connect" else server.port
    values = {"host": '"127.0.0.1"', "port": str(port), "tls": '"none"',
              "sender": '"tracker@example.ru"', "local_hostname": '"tracker.example.ru"'}
    if smtp:
        key, value = smtp.split(" = ")
        values[key] = value
    try:
        config_path.write_text(
            config_path.read_text(encoding="utf-8") + "[smtp]\n"
            + "".join(f"{k} = {v}\n" for k, v in values.items()), encoding="utf-8")
        with caplog.at_level(logging.ERROR, logger="notifications.channels.email"):
            result = cli("remind", "--at", "2021-08-13 09:00")
    finally:
        server.stop()
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[0].endswith(
        "; отправлено 1 сообщение, ожидают повтора: 3"), result.stdout
    named = [r.getMessage() for r in caplog.records if f"проверьте {setting}" in r.getMessage()]
    assert len(named) == 1, caplog.text
    assert handler.messages == []


def test_remind_exits_0_when_the_server_only_asks_to_retry_later(cli, db, config_path):
    """A transient refusal (451) leaves messages pending too, but time cures it: exit 0."""
    from service_world import start_smtp

    two_overdue_officers(db)
    handler = Strict(refuse={"kuznetsova@example.ru": "451 4.3.0 try again later"})
    server = start_smtp(handler)
    try:
        config_path.write_text(
            config_path.read_text(encoding="utf-8")
            + f'[smtp]\nhost = "127.0.0.1"\nport = {server.port}\ntls = "none"\n'
            'sender = "tracker@example.ru"\nlocal_hostname = "tracker.example.ru"\n',
            encoding="utf-8")
        result = cli("remind", "--at", "2021-08-13 09:00")
    finally:
        server.stop()
    assert result.exit_code == 0, result.output
    assert "ожидают повтора" in result.stdout.splitlines()[0], result.stdout
    assert len(handler.messages) == 2


@pytest.mark.asyncio
@pytest.mark.parametrize("tls", ["tls", "starttls"])
async def test_tls_failures_name_smtp_tls(tls):
    """TLS to a server that speaks none (wrong port or wrong mode) is a setting to fix."""
    from test_email_smtp import deliver, message

    async with serving(Strict()) as port:
        channel = channels(port, tls=tls)[ChannelKind.EMAIL]
        first, second = await deliver(channel, [message(1), message(2)])
        await channel.aclose()
    assert first.kind == "config" and first.setting == "smtp.tls" and second is first
