"""How the email channel reads SMTP failures: each becomes a `ChannelError` the outbox
acts on (see notifications.channels.email for the classes of error and what the outbox
does with each). `SmtpErrors` is the part of `EmailChannel` that classifies and latches
them; the functions below read an exception's chain.
"""

from __future__ import annotations

import logging
import re
import socket
import ssl
from typing import TYPE_CHECKING, Any

from notifications.channels.base import ChannelError
from notifications.channels.email_smtp import default_local_hostname
from tracker.core.i18n import _
from tracker.core.reasons import os_reason

if TYPE_CHECKING:
    from notifications.message import Message
    from tracker.core.config import EmailSettings

# The channel's own logger: operators and tests filter on this name.
logger = logging.getLogger("notifications.channels.email")


class SmtpErrors:
    """Error classification for `EmailChannel`: needs its `settings`, `server` and the
    pass's latched `_config_error`."""

    settings: EmailSettings
    _config_error: ChannelError | None

    @property
    def server(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

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


def session_survives(exc: BaseException) -> bool:
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
