"""One email as bytes from a `Message`, without I/O: the texts rendered
(notifications.content.render), the deadlines as a calendar (notifications.content.ics),
written as MIME (notifications.content.mime).

`build_email()` does it in one go (the file channel's `.eml` files); `EmailBuild` in
steps, so the email channel can check the addresses before it sends anything and
build the rest while the SMTP server answers MAIL FROM and RCPT TO. The same `Message` always
gives the same bytes: the boundaries and the Message-ID follow the outbox key, and the
Date the planned or sending time.
"""

from __future__ import annotations

import functools
import hashlib
import re
from datetime import UTC, datetime
from email import errors as email_errors
from email.headerregistry import Address
from email.utils import format_datetime
from typing import TYPE_CHECKING

from notifications.content import mime
from notifications.content.email_render import render_email
from notifications.content.ics import build_calendar
from notifications.content.render import RenderedEmail
from notifications.message import Message, MessageKind
from tracker.core import text as i18n
from tracker.core.i18n import _

if TYPE_CHECKING:
    from tracker.core.config import EmailSettings

# Kinds whose items get a calendar attachment: the officer's own deadlines.
CALENDAR_KINDS = frozenset({MessageKind.REMINDER, MessageKind.OVERDUE, MessageKind.DIGEST})
FALLBACK_DOMAIN = "tracker.local"


def message_domain(sender: str) -> str:
    """The domain for Message-IDs and calendar UIDs: the sender's, if it looks real."""
    domain = sender.rpartition("@")[2].strip().lower()
    return domain if "." in domain else FALLBACK_DOMAIN


def message_id(key: str, domain: str) -> str:
    """A Message-ID derived from the outbox key: a re-send carries the same one."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def build_email(message: Message, settings: EmailSettings, *,
                now: datetime | None = None) -> mime.BuiltEmail:
    """The complete email for `message` as bytes (`.as_bytes()`), without I/O.

    `now` is the `Date` header and the calendar's DTSTAMP; by default the time of
    sending the delivery step put in `message.context["sent_at"]` (in the configured
    zone, so Moscow shows +0300), else the planned time `context["planned_at"]` (an
    aware datetime), and only without either the current time.

    :raises ValueError: if the recipient has no usable email address.
    """
    build = EmailBuild(message, settings, now=now)
    build.render()
    return build.finish()


class EmailBuild:
    """`build_email` in steps: creating it checks the addresses (and raises
    `ValueError` before anything is sent), `render()` renders the texts, `prepare()`
    writes the calendar and the encoded text and HTML parts, `finish()` the headers and
    the MIME bytes, and returns the email. Each step does the ones before it that are
    still to do, and runs once; calling it again returns its result. The steps exist
    so the email channel can spread the work over the server's answers to MAIL FROM,
    RCPT TO and DATA."""

    def __init__(self, message: Message, settings: EmailSettings, *,
                 now: datetime | None = None) -> None:
        recipient = message.recipient
        if not recipient.email:
            raise ValueError(_("{name} has no email address").format(name=recipient.name)
                             if recipient.name else _("the recipient has no email address"))
        self.message = message
        self.stamp = _planned_at(message, now)
        self.domain = getattr(settings, "message_domain", "") or message_domain(settings.sender)
        self.addresses = [
            ("From", _address(settings.sender_name, settings.sender)),
            ("To", _address(recipient.name, recipient.email)),
            # Always a Reply-To (a client otherwise guesses); the footer asks not to reply.
            ("Reply-To", _address("", settings.reply_to or settings.sender)),
        ]
        self.rendered: RenderedEmail | None = None
        self.parts: tuple[str, list[mime.Part]] | None = None
        self.email: mime.BuiltEmail | None = None

    def render(self) -> None:
        if self.rendered is None:
            self.rendered = render_email(self.message)

    def prepare(self) -> None:
        if self.parts is None:
            self.render()
            self.parts = self._parts()

    def finish(self) -> mime.BuiltEmail:
        if self.email is None:
            self.prepare()
            self.email = self._write()
        return self.email

    def _parts(self) -> tuple[str, list[mime.Part]]:
        """The encoded multipart/alternative of the texts, and the attachments."""
        message, stamp, domain, rendered = self.message, self.stamp, self.domain, self.rendered
        recipient = message.recipient
        attachments = []
        if message.kind in CALENDAR_KINDS:
            ics = build_calendar(message.items, dtstamp=stamp, domain=domain,
                                 locale=recipient.locale,
                                 alarm_time=_local_time(stamp, recipient.timezone))
            if ics is not None:
                ids = [i.assignment_id for i in message.items if i.due_date]
                name = f"assignment-{ids[0]}.ics" if len(ids) == 1 else "deadlines.ics"
                attachments.append(mime.Part(
                    "text/calendar", ics, filename=name,
                    params=(("method", "PUBLISH"), ("charset", "utf-8"))))
        for attachment in message.attachments:
            maintype, _slash, subtype = \
                attachment.content_type.partition(";")[0].strip().partition("/")
            attachments.append(mime.Part(
                f"{maintype or 'application'}/{subtype or 'octet-stream'}",
                attachment.data, filename=attachment.filename))
        return (mime.write_alternative(rendered.text, rendered.html, seed=message.key),
                attachments)

    def _write(self) -> mime.BuiltEmail:
        message, stamp, rendered = self.message, self.stamp, self.rendered
        alternative, attachments = self.parts
        headers = [("Subject", rendered.subject), *self.addresses,
                   ("Date", format_datetime(stamp)),
                   ("Message-ID", message_id(message.key, self.domain)),
                   # RFC 3834: automatic replies (vacation notices) must not answer this.
                   ("Auto-Submitted", "auto-generated"),
                   # Exchange/Outlook: no out-of-office or read receipts back to the robot.
                   ("X-Auto-Response-Suppress", "All"),
                   ("X-Tracker-Kind", message.kind.value)]
        # Written once, as bytes (notifications.content.mime); the boundaries come from the
        # outbox key, so a re-send of the same key is byte-for-byte the same message.
        return mime.write_email(
            headers, rendered.text, rendered.html, attachments,
            trailing=[("Content-Language", i18n.normalize_locale(message.recipient.locale))],
            seed=message.key, alternative=alternative,
        )


def _local_time(stamp: datetime, zone_name: str | None):
    """The wall-clock time of `stamp` where the recipient lives: the send time of the
    planned message, which the calendar alarm repeats the day before the deadline."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone = ZoneInfo(zone_name or "Europe/Moscow")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Europe/Moscow")
    return stamp.astimezone(zone).time().replace(second=0, microsecond=0)


def _planned_at(message: Message, now: datetime | None) -> datetime:
    # The time of sending (set by the delivery step) if known, else the planned time.
    stamp = now or message.context.get("sent_at") or message.context.get("planned_at")
    if not isinstance(stamp, datetime):
        stamp = datetime.now(UTC)  # the only clock read: a message without a plan
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


# RFC 5322 dot-atom@dot-atom: what nearly every address is. For these the stdlib parser
# (tens of microseconds) would return the address unchanged, so it only sees the rest
# (quoted local parts, domain literals, mistakes).
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_SIMPLE_ADDRESS = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@{_ATEXT}(?:\.{_ATEXT})*")


@functools.lru_cache(maxsize=1024)
def _address(name: str, addr: str) -> str:
    display = " ".join((name or "").split())
    spec = addr.strip()
    try:
        if _SIMPLE_ADDRESS.fullmatch(spec) is None:
            spec = Address(display_name=display, addr_spec=spec).addr_spec
        return mime.address(display, spec)
    except (ValueError, IndexError, email_errors.HeaderParseError):
        raise ValueError(_("invalid email address {address!r}").format(address=addr)) from None
