"""The email channel: builds one MIME message per `Message` and sends it by SMTP.

`build_email()` (notifications.content.email_build) is pure (no I/O, no aiosmtplib),
so the file channel writes `.eml` files with exactly what SMTP would carry.
`EmailChannel` sends with aiosmtplib over a small pool of reused connections;
aiosmtplib is imported only when a connection opens.

A message is built (`EmailBuild`) while the server answers: the addresses are checked
before anything is sent, the texts are rendered while the server answers MAIL FROM
and the calendar and MIME bytes written while it answers RCPT TO (when every
connection is busy, the whole message is built before waiting for one, while they
wait for their server).
`notify()` still returns only once the server has answered the end of DATA, so what
the outbox records is unchanged. MAIL FROM carries no SIZE parameter (the size is not
known yet): a server's size limit refuses the message at the end of DATA (552, a
permanent refusal of that message) instead of at MAIL FROM as a refused sender.

Errors become `ChannelError`s the outbox acts on:

- transient (retry with backoff): a dropped connection, timeouts (per socket
  operation and the whole-batch `batch_timeout`), any 4xx reply;
- permanent (stop, tell the coordinator): a 5xx refusal of the recipient or of the
  message's content, an address that cannot be used;
- configuration (`config_error=True`, not permanent, `setting` names what to fix): a
  refused greeting name (`smtp.local_hostname`), a refused sender (`smtp.sender`),
  authentication failures (`smtp.user` / TRACKER_SMTP__PASSWORD), TLS failures and an
  untrusted certificate (`smtp.tls`, `smtp.ca_file`), a server that cannot be reached
  (`smtp.host` / `smtp.port`), a server without STARTTLS or AUTH. Postfix reports its
  HELO and sender restrictions at RCPT TO (`smtpd_delay_reject`): such a refusal is
  read from its text ("Helo command rejected", "Sender address rejected", "Relay
  access denied"), not blamed on the recipient. The first one is logged once, naming
  the setting, and every later `notify()` of the pass raises it again at once without
  touching the server, so a wrong password never becomes a retry storm.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
import ssl
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from notifications.channels.base import ChannelError
from notifications.content.email_build import (
    CALENDAR_KINDS,
    EmailBuild,
    build_email,
    message_domain,
    message_id,
)
from notifications.message import ChannelKind, Message
from tracker.core.i18n import _
from tracker.core.reasons import os_reason

if TYPE_CHECKING:
    from aiosmtplib import SMTP

    from tracker.core.config import EmailSettings

# The message itself is built in notifications.content.email_build; these names stay
# importable from here, where the file channel and the tests have always found them.
__all__ = ["CALENDAR_KINDS", "EmailBuild", "EmailChannel", "build_email", "default_local_hostname",
           "message_domain", "message_id"]

logger = logging.getLogger(__name__)


class _Connection:
    """One pooled SMTP session and how many messages it has carried."""

    def __init__(self) -> None:
        self.client: SMTP | None = None
        self.sent = 0

    @property
    def is_open(self) -> bool:
        return self.client is not None and self.client.is_connected

    def drop(self) -> None:
        """Close without QUIT: after an error the session state is unknown."""
        if self.client is not None:
            self.client.close()
        self.client, self.sent = None, 0

    async def quit(self) -> None:
        """Close politely (QUIT); a server that already left is fine."""
        if self.is_open:
            # Closing anyway: a failed QUIT has nothing left to report.
            with contextlib.suppress(Exception):
                await self.client.quit(timeout=5)
        self.drop()


class EmailChannel:
    """Sends `Message`s by SMTP over up to `settings.pool_size` reused connections.

    `notify()` returns the server's reply to the message ("250 OK ..."), or raises
    `ChannelError` (see the module docstring). A delivery pass begins with the first
    `notify()`, which starts the `batch_timeout` clock, and ends with `aclose()`, which
    closes the connections and clears the deadline and any configuration error, so the
    same object can serve the next pass. Safe for concurrent `notify()` calls.
    """

    kind = ChannelKind.EMAIL

    def __init__(self, settings: EmailSettings, *, password: str | None = None) -> None:
        self.settings = settings
        if password is None and settings.password is not None:
            password = settings.password.get_secret_value()
        self._password = password
        self._idle: asyncio.LifoQueue[_Connection] | None = None
        self._deadline: float | None = None
        self._config_error: ChannelError | None = None
        self._tls: ssl.SSLContext | None = None
        self.connections_opened = 0  # since creation; tests and the benchmark read it

    @property
    def concurrency(self) -> int:
        """How many `notify()` calls the delivery loop may have in flight: one a connection."""
        return self.settings.pool_size

    @property
    def server(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    async def notify(self, message: Message) -> str:
        """Send `message` to its recipient; the server's reply, or `ChannelError`."""
        if self._config_error is not None:
            raise self._config_error
        if not self.settings.host:
            raise self._fail_config(_("no SMTP server configured: set smtp.host"))
        idle = self._pool()
        try:
            # The address checks now; the rest is built while the server answers MAIL
            # FROM and RCPT TO, or, when every connection is busy with other messages,
            # now, while those wait for their server.
            build = EmailBuild(message, self.settings)
            if idle.empty():
                build.finish()
        except ValueError as exc:
            raise self._unbuildable(message, exc) from None
        loop = asyncio.get_running_loop()
        if self._deadline is None:
            self._deadline = loop.time() + self.settings.batch_timeout
        try:
            async with asyncio.timeout_at(self._deadline):
                connection = await idle.get()
                try:
                    return await self._send(connection, build, message.recipient.email)
                finally:
                    idle.put_nowait(connection)
        except TimeoutError:
            raise ChannelError(
                _("the email pass took longer than smtp.batch_timeout ({seconds:g} s) "
                  "sending via {server}").format(seconds=self.settings.batch_timeout,
                                                 server=self.server)
            ) from None

    async def aclose(self) -> None:
        """End the pass: QUIT every open connection, forget the deadline and errors.

        Call it once the pass's `notify()` calls have returned."""
        idle, self._idle = self._idle, None
        while idle is not None and not idle.empty():
            await idle.get_nowait().quit()
        self._deadline = None
        self._config_error = None

    def _pool(self) -> asyncio.LifoQueue[_Connection]:
        """The idle connections. LIFO, so sequential sends keep using the one that is open;
        unopened slots connect on first use, so a slow trickle never opens a second one."""
        if self._idle is None:
            # Created lazily: a queue belongs to the loop that first waits on it.
            self._idle = asyncio.LifoQueue()
            for _slot in range(self.settings.pool_size):
                self._idle.put_nowait(_Connection())
        return self._idle

    async def _send(self, connection: _Connection, build: EmailBuild, to: str) -> str:
        from aiosmtplib import SMTPServerDisconnected

        for attempt in (1, 2):
            try:
                if not connection.is_open:
                    await self._connect(connection)
                reply = await self._transaction(connection.client, build, to)
            except _BuildFailed as failed:
                connection.drop()  # an envelope is open: start the next message afresh
                error = failed.__cause__
                if isinstance(error, ValueError):
                    raise self._unbuildable(build.message, error) from None
                raise error from None
            except SMTPServerDisconnected as exc:
                # An idle timeout or a per-session limit on the server's side: reopen
                # and resend once. Had the server taken the message before dropping,
                # the copy carries the same Message-ID, so mail clients fold the two.
                connection.drop()
                if attempt == 1:
                    logger.info(_("SMTP %s dropped the connection (%s); resending"),
                                self.server, exc)
                    continue
                raise self._classify(exc, to) from None
            except asyncio.CancelledError:
                connection.drop()  # the batch deadline hit mid-command: session unusable
                raise
            except Exception as exc:
                if not _session_survives(exc):
                    connection.drop()
                raise self._classify(exc, to) from None
            connection.sent += 1
            if connection.sent >= self.settings.recycle_after:
                await connection.quit()  # providers cap messages per session
            return f"250 {reply}"
        raise AssertionError("unreachable")

    async def _transaction(self, client: SMTP, build: EmailBuild, to: str) -> str:
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
            await _while_answered(client.mail(self.settings.sender),
                                  None if built else build.render)
            await _while_answered(client.rcpt(to), None if built else build.finish)
            response = await client.data(build.finish().as_bytes())
        except SMTPResponseException:
            with contextlib.suppress(ConnectionError, SMTPResponseException):
                await client.rset()
            raise
        return response.message

    async def _connect(self, connection: _Connection) -> None:
        from aiosmtplib import SMTP

        s = self.settings
        if s.user and self._password is None:
            raise self._fail_config(
                _("smtp.user is {user!r} but no password is set (TRACKER_SMTP__PASSWORD)")
                .format(user=s.user)
            )
        client = SMTP(
            hostname=s.host,
            port=s.port,
            local_hostname=s.local_hostname or default_local_hostname(),
            timeout=s.timeout,
            use_tls=s.tls == "tls",
            start_tls=s.tls == "starttls",  # never None: None means opportunistic
            tls_context=self._tls_context() if s.tls != "none" else None,
        )
        connection.client = client
        self.connections_opened += 1
        await client.connect()
        if s.user:
            if client.is_ehlo_or_helo_needed:
                await client.ehlo()
            if not client.supports_extension("auth"):
                raise self._fail_config(
                    (_("SMTP server {server} does not offer AUTH for user {user} without "
                       "TLS; set smtp.tls") if s.tls == "none" else
                     _("SMTP server {server} does not offer AUTH for user {user}"))
                    .format(server=self.server, user=s.user)
                )
            # One login per connection; aiosmtplib tries each advertised mechanism in
            # turn, because some servers advertise mechanisms they do not support.
            await client.login(s.user, self._password)

    def _tls_context(self) -> ssl.SSLContext:
        # Built once: loading the system CA store per connection costs milliseconds.
        if self._tls is None:
            context = ssl.create_default_context()
            if self.settings.ca_file:
                path = Path(self.settings.ca_file).expanduser()
                try:
                    context.load_verify_locations(cafile=str(path))
                except (OSError, ssl.SSLError) as exc:
                    reason = (os_reason(exc) if isinstance(exc, OSError) and exc.errno
                              else _("not a PEM file of certificates"))
                    raise self._fail_config(_("cannot load smtp.ca_file {path}: {reason}").format(
                        path=path, reason=reason)) from None
            if not self.settings.validate_certs:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            self._tls = context
        return self._tls

    def _unbuildable(self, message: Message, exc: ValueError) -> ChannelError:
        return ChannelError(_("cannot email {name}: {reason}").format(
            name=message.recipient.name, reason=exc), permanent=True)

    def _fail_config(self, text: str, setting: str | None = None,
                     reply: str | None = None) -> ChannelError:
        """Latch a configuration error for the rest of the pass and log it once, with the
        setting to fix."""
        if self._config_error is None:
            self._config_error = ChannelError(text, config_error=True, setting=setting,
                                              reply=reply)
            fix = _("; check {setting}").format(setting=setting) if setting else ""
            logger.error(_("email channel stopped for this pass, messages stay pending: %s%s"),
                         text, fix)
        return self._config_error

    def _classify(self, exc: BaseException, to: str) -> ChannelError:
        """Map an aiosmtplib (or socket) exception to a `ChannelError`."""
        import aiosmtplib as smtp

        s, where = self.settings, self.server
        if isinstance(exc, ChannelError):
            return exc
        if isinstance(exc, smtp.SMTPAuthenticationError):
            return self._fail_config(
                _("SMTP authentication failed for user {user} at {server}: {reply}").format(
                    user=s.user, server=where, reply=_reply(exc)),
                "smtp.user and TRACKER_SMTP__PASSWORD", _reply(exc))
        if isinstance(exc, smtp.SMTPHeloError):
            return self._helo_refused(_reply(exc))
        if isinstance(exc, smtp.SMTPSenderRefused) and exc.code >= 500:
            return self._fail_config(
                _("SMTP server {server} refused sender {sender}: {reply}").format(
                    server=where, sender=s.sender, reply=_reply(exc)),
                "smtp.sender", _reply(exc))
        if isinstance(exc, smtp.SMTPRecipientsRefused) and exc.recipients:
            exc = exc.recipients[0]
        if isinstance(exc, smtp.SMTPRecipientRefused):
            if (delayed := self._delayed_refusal(_reply(exc))) is not None:
                return delayed
            if exc.code >= 500:
                return ChannelError(
                    _("{server} refused recipient {to}: {reply}").format(
                        server=where, to=to, reply=_reply(exc)), permanent=True,
                    reply=_reply(exc),
                )
            return ChannelError(_("{server} deferred recipient {to}: {reply}").format(
                server=where, to=to, reply=_reply(exc)))
        if isinstance(exc, smtp.SMTPNotSupported) or (
                type(exc) is smtp.SMTPException and "STARTTLS" in str(exc)):
            setting = "smtp.tls" if "TLS" in str(exc) else "smtp.user and smtp.tls"
            return self._fail_config(_("SMTP server {server} does not support what the settings "
                                       "ask: {reply}").format(server=where, reply=exc), setting)
        if (cert := _in_chain(exc, ssl.SSLCertVerificationError)) is not None:
            return self._fail_config(
                _("TLS certificate of {server} not trusted ({reason}); check smtp.host, or set "
                  "smtp.ca_file for a private CA").format(server=where,
                                                          reason=cert.verify_message),
                "smtp.ca_file"
            )
        if _in_chain(exc, ssl.SSLError) is not None:
            return self._fail_config(
                _("TLS with SMTP server {server} failed (smtp.tls = {tls!r}): {reason}").format(
                    server=where, tls=s.tls, reason=exc), "smtp.tls")
        if isinstance(exc, smtp.SMTPConnectError | ConnectionRefusedError | socket.gaierror):
            return self._fail_config(_("cannot connect to SMTP server {server}: {reason}").format(
                server=where, reason=_network_reason(exc)),
                                     "smtp.host and smtp.port")
        if isinstance(exc, smtp.SMTPResponseException):
            if 400 <= exc.code < 500:
                return ChannelError(_("{server} deferred the message to {to}: {reply}").format(
                    server=where, to=to, reply=_reply(exc)))
            if isinstance(exc, smtp.SMTPDataError):
                return ChannelError(
                    _("{server} rejected the message to {to}: {reply}").format(
                        server=where, to=to, reply=_reply(exc)), permanent=True
                )
            return self._fail_config(_("SMTP server {server} refused the session: {reply}")
                                     .format(server=where, reply=_reply(exc)))
        if isinstance(exc, smtp.SMTPTimeoutError | TimeoutError):
            return ChannelError(_("SMTP server {server} timed out: {reason}").format(
                server=where, reason=_network_reason(exc)))
        if isinstance(exc, smtp.SMTPException | OSError):
            return ChannelError(_("cannot reach SMTP server {server}: {reason}").format(
                server=where, reason=_network_reason(exc)))
        if isinstance(exc, ValueError):  # aiosmtplib refuses CR/LF in addresses
            return ChannelError(_("cannot email {name}: {reason}").format(name=to, reason=exc),
                                permanent=True)
        return ChannelError(_("unexpected error sending via {server}: {reason}").format(
            server=where, reason=repr(exc)))

    def _helo_refused(self, reply: str) -> ChannelError:
        name = self.settings.local_hostname or default_local_hostname()
        return self._fail_config(
            _("SMTP server {server} refused the greeting name {name!r} (it wants this "
              "machine's fully qualified domain name): {reply}").format(
                server=self.server, name=name, reply=reply),
            "smtp.local_hostname", reply)

    def _delayed_refusal(self, reply: str) -> ChannelError | None:
        """A refusal at RCPT TO that is about this client, not the recipient (Postfix
        checks HELO, sender and relay restrictions at RCPT TO), else None."""
        text = reply.lower()
        if "helo command rejected" in text:
            return self._helo_refused(reply)
        if "sender address rejected" in text:
            return self._fail_config(
                _("SMTP server {server} refused sender {sender}: {reply}").format(
                    server=self.server, sender=self.settings.sender, reply=reply),
                "smtp.sender", reply)
        if "relay access denied" in text or "authentication required" in text:
            return self._fail_config(
                _("SMTP server {server} does not relay for this client: {reply}").format(
                    server=self.server, reply=reply),
                "smtp.user and TRACKER_SMTP__PASSWORD", reply)
        if "client host rejected" in text:
            return self._fail_config(
                _("SMTP server {server} refused this client: {reply}").format(
                    server=self.server, reply=reply),
                "smtp.host", reply)
        return None


class _BuildFailed(Exception):
    """A build step failed while a command was out; the step's error is the cause."""


async def _while_answered(command: Coroutine[Any, Any, Any],
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
            raise _BuildFailed() from exc
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


def _in_chain(exc: BaseException, kind: type[BaseException]) -> Any:
    """The first exception of `kind` in `exc` and its causes and contexts, or None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _session_survives(exc: BaseException) -> bool:
    """Whether the connection is still usable after `exc`: a refused recipient or message
    leaves a clean session (aiosmtplib sends RSET), anything else leaves it unknown."""
    from aiosmtplib import SMTPDataError, SMTPRecipientRefused, SMTPRecipientsRefused

    return isinstance(exc, SMTPRecipientsRefused | SMTPRecipientRefused | SMTPDataError)


def _network_reason(exc: BaseException) -> str:
    """Why a connection failed, in the reader's words where the errno says it (aiosmtplib
    wraps the socket's error; an unknown host name is a `socket.gaierror`)."""
    if (unknown := _in_chain(exc, socket.gaierror)) is not None:
        return _("unknown host name ({reason})").format(reason=unknown.strerror or unknown)
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError) and isinstance(current.errno, int):
            return os_reason(current)
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    if found := re.search(r"\[Errno (\d+)\]", str(exc)):  # aiosmtplib keeps only the text
        return os_reason(OSError(int(found.group(1)), ""))
    return str(exc) or type(exc).__name__


def _reply(exc: Any) -> str:
    return f"{exc.code} {exc.message}".strip()
