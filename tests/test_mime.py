"""The direct MIME writer against the stdlib: every email the tracker sends, built by
`build_email` (notifications.content.mime) and by the stdlib `EmailMessage` code it replaced,
parsed back with the stdlib parser: the same headers in the same order, the same parts,
bodies, calendar and attachments. Also: a re-send is byte-identical, and lines stay
within 78 characters where they can be folded."""

from __future__ import annotations

import email
import email.policy
from dataclasses import replace
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notifications.content.email_build import (
    CALENDAR_KINDS,
    _local_time,
    _planned_at,
    build_email,
    message_domain,
    message_id,
)
from notifications.content.ics import build_calendar
from notifications.content.render import render_email
from notifications.message import Attachment, MessageKind, Recipient
from tests.test_email_render import KIND_CONTEXT, make_item, make_message
from tracker.core import text as i18n
from tracker.core.config import EmailSettings

STDLIB_POLICY = email.policy.SMTP.clone(cte_type="7bit")


def stdlib_email(message, settings) -> EmailMessage:
    """The email as the stdlib-based builder made it before notifications.content.mime (with the
    Reply-To, message domain and alarm time of issue 15)."""
    recipient = message.recipient
    stamp = _planned_at(message, None)
    domain = settings.message_domain or message_domain(settings.sender)
    rendered = render_email(message)

    def address(name, addr):
        return Address(display_name=" ".join((name or "").split()), addr_spec=addr.strip())

    out = EmailMessage(policy=STDLIB_POLICY)
    out["Subject"] = rendered.subject
    out["From"] = address(settings.sender_name, settings.sender)
    out["To"] = address(recipient.name, recipient.email)
    out["Reply-To"] = address("", settings.reply_to or settings.sender)
    out["Date"] = format_datetime(stamp)
    out["Message-ID"] = message_id(message.key, domain)
    out["Auto-Submitted"] = "auto-generated"
    out["X-Auto-Response-Suppress"] = "All"
    out["X-Tracker-Kind"] = message.kind.value
    out.set_content(rendered.text)
    out.add_alternative(rendered.html, subtype="html")
    if message.kind in CALENDAR_KINDS:
        ics = build_calendar(message.items, dtstamp=stamp, domain=domain, locale=recipient.locale,
                             alarm_time=_local_time(stamp, recipient.timezone))
        if ics is not None:
            ids = [i.assignment_id for i in message.items if i.due_date]
            name = f"assignment-{ids[0]}.ics" if len(ids) == 1 else "deadlines.ics"
            out.add_attachment(ics, maintype="text", subtype="calendar", filename=name,
                               params={"method": "PUBLISH", "charset": "utf-8"})
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition(";")[0].strip().partition("/")
        out.add_attachment(attachment.data, maintype=maintype or "application",
                           subtype=subtype or "octet-stream", filename=attachment.filename)
    out["Content-Language"] = i18n.normalize_locale(recipient.locale)
    return out


def parse(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


ADDRESS_HEADERS = ("from", "to", "reply-to")


def strict(raw: str) -> str:
    """A header decoded as RFC 2047 says: whitespace between encoded words dropped.
    (The stdlib's `policy.default` keeps it inside a display name, so it reads any
    display name split over two encoded words with a space at the split, which is not
    what mail clients show.)"""
    return str(make_header(decode_header(raw)))


def header_view(part: EmailMessage) -> list:
    """Every header of one part, decoded; multipart boundaries left out (random in the
    stdlib, derived from the key in the writer)."""
    out = []
    raw = dict(part.raw_items())
    for name, value in part.items():
        if name.lower() in ADDRESS_HEADERS:
            out.append((name, strict(raw[name])))
        elif name.lower() in ("content-type", "content-disposition"):
            params = {k: v for k, v in value.params.items() if k != "boundary"}
            kind = getattr(value, "content_type", None) or value.content_disposition
            out.append((name, kind, params))
        else:
            out.append((name, str(value)))
    return out


def tree(part: EmailMessage) -> list:
    """Headers and decoded content of every part, depth first."""
    view = [header_view(part)]
    if part.is_multipart():
        for sub in part.iter_parts():
            view.extend(tree(sub))
    else:
        view.append(part.get_content())
    return view


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SETTINGS = [
    EmailSettings(sender="tracker@edu.example.ru", reply_to="help@edu.example.ru"),
    EmailSettings(sender="robot@localhost", sender_name='Контроль "исполнения", отдел'),
    EmailSettings(sender="robot@example.org", sender_name="Tracker (robot), Inc."),
]


def cases():
    yield "reminder", make_message()
    yield "reminder en", make_message(locale="en")
    for kind in MessageKind:
        items = [make_item(), make_item(43, due=None, days_left=None)]
        yield f"{kind} ru", make_message(kind, items, context=KIND_CONTEXT.get(kind))
        yield f"{kind} en", make_message(kind, items, locale="en", context=KIND_CONTEXT.get(kind))
    many = [make_item(i, text=f"Пункт {i} " + "очень длинный текст поручения " * 3)
            for i in range(1, 30)]
    yield "digest of 29", make_message(MessageKind.DIGEST, many)
    yield "attachments", make_message(MessageKind.COORDINATOR_DIGEST, context=KIND_CONTEXT[
        MessageKind.COORDINATOR_DIGEST], attachments=(
        Attachment("отчёт о дисциплине за август 2021.xlsx", XLSX, b"PK\x03\x04" * 900),
        Attachment("report.csv", "text/csv", b"a;b\r\n1;2\r\n"),
        Attachment("data.bin", "", bytes(range(256))),
    ))
    ascii_only = make_message(MessageKind.TEST, [], locale="en",
                              context=KIND_CONTEXT[MessageKind.TEST])
    yield "ascii recipient", replace(ascii_only, recipient=Recipient(1, "Maria", "m@x.org",
                                                                     locale="en"))
    yield "long ascii name", replace(ascii_only, recipient=Recipient(
        1, "Maria " * 20 + "Petrova", "maria.petrova.with.a.long.address@very.long.example.org",
        locale="en"))


@pytest.mark.parametrize("settings", SETTINGS, ids=["reply-to", "quoted name", "ascii name"])
def test_the_writer_gives_what_the_stdlib_gave(settings):
    for label, message in cases():
        new = build_email(message, settings).as_bytes()
        old = stdlib_email(message, settings).as_bytes()
        assert tree(parse(new)) == tree(parse(old)), label
        # Not a single defect the parser noticed, and standard line lengths.
        for part in parse(new).walk():
            assert not part.defects, (label, part.defects)
        long = [line for line in new.split(b"\r\n") if len(line) > 78]
        # Only what has no place to fold: a header of one word (a long MIME type).
        assert all(b" " not in line.partition(b": ")[2] for line in long), (label, long)
        assert b"\n" not in new.replace(b"\r\n", b""), label


def test_a_resend_is_byte_identical_and_boundaries_follow_the_key():
    settings = SETTINGS[0]
    message = make_message(attachments=(Attachment("a.pdf", "application/pdf", b"%PDF"),))
    first, second = (build_email(message, settings).as_bytes() for _ in range(2))
    assert first == second
    other = build_email(replace(message, key="reminder:2"), settings).as_bytes()
    assert other != first
    boundary = parse(first).get_boundary()
    assert boundary.startswith("=_") and boundary.encode() not in other


def test_cyrillic_subject_is_encoded_words_within_the_line_limit():
    message = make_message(items=[make_item(text="Ё" * 300)])
    raw = build_email(message, SETTINGS[0]).as_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert head.startswith("Subject: =?utf-8?b?")
    assert parse(raw)["Subject"] == render_email(message).subject


def test_a_line_break_in_a_header_is_refused():
    from notifications.content import mime

    with pytest.raises(ValueError, match="перевод строки в заголовке Subject"):
        mime.write_email([("Subject", "a\r\nBcc: x@y.z")], "t", "<p>t</p>", [],
                         trailing=[], seed="k")


ADDRESSES = ["officer1@edu.example.ru", "M.Petrova+reminders@Edu.Example.RU", "o'brien@x.org",
             "a!#$%&'*+/=?^_`{|}~-b@x-y.z", "robot@localhost", "  padded@x.ru ",
             '"quoted local"@x.ru', '"a\\"b"@x.ru', "user@[192.0.2.1]", "a.b.c@d.e.f"]
BAD_ADDRESSES = ["", "no-at-sign", "a@", "@b.ru", "a..b@x.ru", "a b@x.ru", "a@b@c.ru",
                 "a@x.ru\r\nBcc: e@vil.ru", "почта@пример.рф", ".a@x.ru", "a.@x.ru"]


def stdlib_address(name, addr):
    """`_address` as it was: every address through the stdlib parser."""
    from email import errors

    from notifications.content import mime
    from tracker.core.i18n import _

    display = " ".join((name or "").split())
    try:
        checked = Address(display_name=display, addr_spec=addr.strip())
        return mime.address(display, checked.addr_spec)
    except (ValueError, IndexError, errors.HeaderParseError):
        raise ValueError(_("invalid email address {address!r}").format(address=addr)) from None


@pytest.mark.parametrize("name", ["", "Мария Петрова", 'Отдел "контроля", г. Азов', "Maria"])
def test_the_address_fast_path_gives_what_the_stdlib_parser_gave(name):
    from notifications.content.email_build import _address

    for addr in ADDRESSES:
        assert _address(name, addr) == stdlib_address(name, addr), addr
    for addr in BAD_ADDRESSES:
        with pytest.raises(ValueError) as old:
            stdlib_address(name, addr)
        with pytest.raises(ValueError) as new:
            _address(name, addr)
        assert str(new.value) == str(old.value), addr


def old_encoded_words(text: str, first: int = 0) -> str:
    """`mime._encoded_words` as it was: character by character."""
    import binascii

    from notifications.content import mime

    words, chunk, size = [], [], 0
    limit = max(3, (mime.MAX_LINE - first - 12) // 4 * 3)
    for char in text:
        n = len(char.encode("utf-8"))
        if size + n > limit:
            words.append("".join(chunk))
            chunk, size, limit = [], 0, mime._WORD_BYTES
        chunk.append(char)
        size += n
    if chunk:
        words.append("".join(chunk))
    return " ".join(f"=?utf-8?b?{binascii.b2a_base64(w.encode(), newline=False).decode()}?="
                    for w in words)


def old_encode_text(text: str) -> tuple[str, str]:
    """`mime._encode_text` as it was: the quoted-printable sniff always encoded."""
    import binascii
    from email import quoprimime

    from notifications.content import mime

    lines = text.encode("utf-8").splitlines()
    if max((len(x) for x in lines), default=0) <= mime.MAX_LINE:
        try:
            return "7bit", b"\r\n".join(lines).decode("ascii") + "\r\n"
        except UnicodeDecodeError:
            pass
    sniff = b"\r\n".join(lines[:10]) + b"\r\n"
    sniff_qp = quoprimime.body_encode(sniff.decode("latin-1"), mime.MAX_LINE)
    if len(sniff_qp) > len(binascii.b2a_base64(sniff)):
        return "base64", old_base64(b"\r\n".join(lines) + b"\r\n")
    data = b"\r\n".join(lines) + b"\r\n"
    encoded = binascii.b2a_qp(data, quotetabs=False, istext=True, header=False)
    return "quoted-printable", encoded.decode("ascii")


def old_base64(data: bytes) -> str:
    import binascii

    encoded = binascii.b2a_base64(data, newline=False).decode("ascii")
    return "".join(encoded[i:i + 76] + "\r\n" for i in range(0, len(encoded), 76))


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=1000))
def test_base64_lines_are_as_before(data):
    from notifications.content import mime

    assert mime._base64(data) == old_base64(data)


def test_the_quoted_printable_literal_bytes_are_the_stdlibs():
    from email import quoprimime

    from notifications.content import mime

    literal = bytes(c for c in range(256) if quoprimime._QUOPRI_BODY_ENCODE_MAP[c] == chr(c))
    assert sorted(mime._QP_LITERAL) == sorted(literal)


MIXED = st.lists(st.sampled_from(list("ab =\t.Жж№€📅\r\n") + ["x" * 80, "Ё" * 40, " \n"]),
                 max_size=120).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=MIXED, first=st.integers(0, 80))
def test_encoded_words_and_body_encodings_are_as_before(text, first):
    from notifications.content import mime

    assert mime._encoded_words(text, first) == old_encoded_words(text, first)
    assert mime._encode_text(text) == old_encode_text(text)


def test_body_encodings_of_every_email_are_as_before():
    from notifications.content import mime

    for _label, message in cases():
        rendered = render_email(message)
        for text in (rendered.text, rendered.html, rendered.subject):
            assert mime._encode_text(text) == old_encode_text(text)
            assert mime._encoded_words(text, 9) == old_encoded_words(text, 9)


def test_the_direct_gettext_renders_what_jinjas_own_gettext_rendered(monkeypatch):
    """Every email of `cases()` rendered with jinja2's newstyle gettext callables (as
    installed before `render._direct_gettext`) and with the direct ones."""
    from jinja2.ext import _gettext_alias

    from notifications.content import render
    from tracker.core.i18n import translations

    direct = [render_email(message) for _label, message in cases()]
    reference = {}
    for locale in ("ru", "en"):
        env = render.environment.__wrapped__(locale)
        env.install_gettext_translations(translations(locale), newstyle=True)
        env.globals["_"] = _gettext_alias
        reference[locale] = env
    monkeypatch.setattr(render, "_template",
                        lambda locale, name: reference[locale].get_template(name))
    assert [render_email(message) for _label, message in cases()] == direct
