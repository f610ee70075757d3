"""The email channel: builds one MIME message per `Message` and sends it by SMTP.

`build_email()` (notifications.content.email_build) is pure (no I/O, no aiosmtplib),
so the file channel writes `.eml` files with exactly what SMTP would carry.
`EmailChannel` sends with aiosmtplib over a small pool of reused connections;
aiosmtplib is imported only when a connection opens. This module is the pool and the
connections; the SMTP conversation of one message is notifications.channels.email_smtp,
the reading of failures notifications.channels.email_errors, and the message itself
notifications.content.email_build.

A message is built (`EmailBuild`) while the server answers: the addresses are checked
before anything is sent, the texts are rendered while the server answers MAIL FROM,
the calendar and the encoded parts written while it answers RCPT TO, and the headers
and the bytes to send while it answers DATA (when every connection is busy, the whole
message is built before waiting for one, while they wait for their server).
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
import ssl
from pathlib import Path
from typing import TYPE_CHECKING

from notifications.channels.base import ChannelError
from notifications.channels.email_errors import SmtpErrors, session_survives
from notifications.channels.email_smtp import BuildFailed, default_local_hostname, transaction
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


class EmailChannel(SmtpErrors):
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
                reply = await transaction(connection.client, build, self.settings.sender, to)
            except BuildFailed as failed:
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
                if not session_survives(exc):
                    connection.drop()
                raise self._classify(exc, to) from None
            connection.sent += 1
            if connection.sent >= self.settings.recycle_after:
                await connection.quit()  # providers cap messages per session
            return f"250 {reply}"
        raise AssertionError("unreachable")

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
        if client.is_ehlo_or_helo_needed:  # as aiosmtplib's commands do before MAIL FROM
            from aiosmtplib import SMTPHeloError

            try:
                await client.ehlo()
            except SMTPHeloError:
                if not client.is_connected:
                    raise
                await client.helo()
        if s.user:
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
