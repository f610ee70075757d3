"""A direct MIME writer: one email as the bytes SMTP carries, built in one pass.

The stdlib `email` package parses every header it is given into registry objects and
refolds every non-ASCII header again when the message is flattened; for the small,
fixed shape of the tracker's emails that costs more than rendering them. This writer
produces what `EmailMessage` with `policy.SMTP.clone(cte_type="7bit")` produced for
them — the same headers in the same order, the same parts, the same transfer-encoding
choices — so a standard parser reads exactly the same message
(tests/test_mime.py checks it header by header and part by part). Unlike the stdlib
its multipart boundaries are derived from a seed (the outbox key), so building the
same message twice gives the same bytes.

Everything is 7-bit: RFC 2047 encoded words (UTF-8, base64) for non-ASCII header
text, RFC 2231 for non-ASCII file names, base64 or quoted-printable bodies. Lines end
in CRLF.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
from dataclasses import dataclass
from email import quoprimime
from urllib.parse import quote

from tracker.core.i18n import _

MAX_LINE = 78  # RFC 5322 recommended line length (the stdlib policy's max_line_length)
CRLF = "\r\n"
_SPECIALS = frozenset('()<>@,;:\\".[]')
# One encoded word is at most 75 characters (RFC 2047): '=?utf-8?b?' + base64 + '?='
_WORD_BYTES = 45  # UTF-8 bytes per encoded word: 60 base64 characters, 72 in all
# The bytes the stdlib's quoted-printable body encoding keeps as they are: printable
# ASCII but "=", tab, and the line breaks.
_QP_LITERAL = bytes([9, 10, 13, *(c for c in range(32, 127) if c != 61)])


@dataclass(frozen=True)
class Part:
    """A leaf part: `content_type` ("text/plain"), its parameters, the content (text
    parts take `str`, others bytes), and an attachment file name if it is one."""

    content_type: str
    content: str | bytes
    params: tuple[tuple[str, str], ...] = ()
    filename: str | None = None


@dataclass(frozen=True)
class BuiltEmail:
    """A complete message as bytes; `as_bytes()` as on `email.message.Message`."""

    data: bytes

    def as_bytes(self) -> bytes:
        return self.data


def write_email(headers: list[tuple[str, str]], text: str, html: str,
                attachments: list[Part], *, trailing: list[tuple[str, str]],
                seed: str, alternative: str | None = None) -> BuiltEmail:
    """The message: `headers` (name, unencoded value; address headers already
    formatted by `address`), a multipart/alternative of `text` and `html`, inside a
    multipart/mixed with `attachments` if there are any, then `trailing` headers of
    the top level (after the Content-Type, as the stdlib places headers set last).
    `seed` makes the boundaries. `alternative`: that multipart's body as
    `write_alternative` wrote it beforehand (`text` and `html` are then not read)."""
    out: list[str] = [_header(name, value) for name, value in headers]
    alternative_boundary = _boundary(seed, "alternative")
    if alternative is None:
        alternative = write_alternative(text, html, seed=seed)
    out.append("MIME-Version: 1.0")
    if not attachments:
        out.append(_content_type("multipart/alternative", (("boundary", alternative_boundary),)))
        out.extend(_header(name, value) for name, value in trailing)
        return BuiltEmail((CRLF.join(out) + CRLF + CRLF + alternative).encode("ascii"))
    mixed_boundary = _boundary(seed, "mixed")
    inner = (_content_type("multipart/alternative", (("boundary", alternative_boundary),))
             + CRLF + CRLF + alternative)
    parts = [inner] + [_attachment(p) for p in attachments]
    out.append(_content_type("multipart/mixed", (("boundary", mixed_boundary),)))
    out.extend(_header(name, value) for name, value in trailing)
    return BuiltEmail((CRLF.join(out) + CRLF + CRLF
                       + _multipart(mixed_boundary, parts)).encode("ascii"))


def write_alternative(text: str, html: str, *, seed: str) -> str:
    """The body of the multipart/alternative of `text` and `html`, encoded: the larger
    part of `write_email`'s work, which can be done first."""
    return _multipart(_boundary(seed, "alternative"), [
        _leaf(Part("text/plain", text), extra=()),
        _leaf(Part("text/html", html), extra=(("MIME-Version", "1.0"),)),
    ])


def address(name: str, addr: str) -> str:
    """'Name <addr>' with the name quoted or encoded as needed; just `addr` without one."""
    if not addr.isascii():
        raise ValueError(_("invalid email address {address!r}: not ASCII (write a Cyrillic "
                           "domain as xn--...)").format(address=addr))
    if not name:
        return addr
    if name.isascii():
        if any(c in _SPECIALS for c in name):
            escaped = name.replace("\\", "\\\\").replace('"', '\\"')
            return f'"{escaped}" <{addr}>'
        return f"{name} <{addr}>"
    return f"{_encoded_words(name, first=len('Reply-To: '))} <{addr}>"


def _boundary(seed: str, role: str) -> str:
    # '=_' cannot occur in base64 or quoted-printable text (RFC 2045, section 6.7).
    return "=_" + hashlib.sha256(f"{role}:{seed}".encode()).hexdigest()[:40]


def _multipart(boundary: str, parts: list[str]) -> str:
    body = "".join(f"--{boundary}{CRLF}{part}{CRLF}" for part in parts)
    return f"{body}--{boundary}--{CRLF}"


def _header(name: str, value: str) -> str:
    """One header, folded; non-ASCII values as encoded words."""
    if "\r" in value or "\n" in value:
        raise ValueError(_("line break in the {name} header").format(name=name))
    if value.isascii():
        line = f"{name}: {value}"
        return line if len(line) <= MAX_LINE else _fold_ascii(line)
    return _fold_ascii(f"{name}: {_encoded_words(value, first=len(name) + 2)}")


def _fold_ascii(line: str) -> str:
    """Fold at spaces so no line exceeds MAX_LINE where a space allows it."""
    out, current = [], ""
    for word in line.split(" "):
        if current and len(current) + 1 + len(word) > MAX_LINE:
            out.append(current)
            current = " " + word
        else:
            current = f"{current} {word}" if current else word
    out.append(current)
    return CRLF.join(out)


def _encoded_words(text: str, first: int = 0) -> str:
    """`text` as UTF-8 base64 encoded words, each short enough for a line of its own,
    split on character boundaries (a decoder joins adjacent words without the space):
    each word takes the most whole characters that fit."""
    data = text.encode("utf-8")
    words, start = [], 0
    # The first word shares its line with the header name: '=?utf-8?b?' '?=' are 12.
    limit = max(3, (MAX_LINE - first - 12) // 4 * 3)
    while len(data) - start > limit:
        end = start + limit
        while 0x80 <= data[end] < 0xC0:  # a UTF-8 continuation byte: not a boundary
            end -= 1
        words.append(data[start:end])
        start, limit = end, _WORD_BYTES
    if data:
        words.append(data[start:])
    return " ".join(f"=?utf-8?b?{binascii.b2a_base64(w, newline=False).decode()}?="
                    for w in words)


def _content_type(ctype: str, params: tuple[tuple[str, str], ...]) -> str:
    value = ctype + "".join(f'; {k}="{v}"' for k, v in params)
    line = f"Content-Type: {value}"
    if len(line) <= MAX_LINE or not params:
        return line
    # The stdlib breaks before the first parameter that does not fit.
    head = f"Content-Type: {ctype};"
    rest = "; ".join(f'{k}="{v}"' for k, v in params)
    return f"{head}{CRLF} {rest}"


def _encode_text(text: str) -> tuple[str, str]:
    """(transfer encoding, encoded body) as the stdlib chooses them for 7-bit output:
    7bit for short ASCII lines; else quoted-printable unless base64 is shorter on the
    first ten lines."""
    lines = text.encode("utf-8").splitlines()
    if max(map(len, lines), default=0) <= MAX_LINE:
        try:
            return "7bit", b"\r\n".join(lines).decode("ascii") + CRLF
        except UnicodeDecodeError:
            pass
    sniff = b"\r\n".join(lines[:10]) + b"\r\n"
    sniff_base64 = len(binascii.b2a_base64(sniff))
    if _qp_longer(sniff, sniff_base64):
        return "base64", _base64(b"\r\n".join(lines) + b"\r\n")
    # Line by line: quoted-printable encodes each line on its own (soft breaks, trailing
    # white space), so the joined lines are the encoding of the whole text, and the
    # layout's lines, the same in every email of a kind, are encoded once.
    encoded = b"".join([_qp_line(line) for line in lines])
    return "quoted-printable", encoded.decode("ascii")


@functools.lru_cache(maxsize=8192)
def _qp_line(line: bytes) -> bytes:
    """One line (no line break in it) and its CRLF, quoted-printable."""
    return binascii.b2a_qp(line + b"\r\n", quotetabs=False, istext=True, header=False)


@functools.lru_cache(maxsize=256)
def _qp_longer(sniff: bytes, limit: int) -> bool:
    """Whether the stdlib's quoted-printable body encoding of `sniff` (CRLF lines) is
    longer than `limit`, mostly without encoding it: it writes each byte it escapes as
    three characters and every other byte but the line breaks as itself (`quoted`);
    soft breaks add at most two characters per 75, a line's end at most five. Only
    between the two bounds is the text encoded. Remembered: the first ten lines of a
    kind's HTML are the same in each of its emails (the layout's head and title)."""
    escaped = len(sniff.translate(None, _QP_LITERAL))
    lines = sniff.count(b"\n") + 1
    quoted = len(sniff) - 2 * (lines - 1) + 2 * escaped
    if quoted > limit:
        return True
    if quoted + 2 * (quoted // 75) + 7 * lines + 1 < limit:
        return False
    return len(quoprimime.body_encode(sniff.decode("latin-1"), MAX_LINE)) > limit


def _base64(data: bytes) -> str:
    encoded = binascii.b2a_base64(data, newline=False).decode("ascii")
    if not encoded:
        return ""
    return CRLF.join([encoded[i:i + 76] for i in range(0, len(encoded), 76)]) + CRLF


def _leaf(part: Part, *, extra: tuple[tuple[str, str], ...]) -> str:
    """A text part of the alternative: Content-Type, Content-Transfer-Encoding, body."""
    assert isinstance(part.content, str)
    cte, body = _encode_text(part.content)
    lines = [_content_type(part.content_type, (("charset", "utf-8"),)),
             f"Content-Transfer-Encoding: {cte}"]
    lines.extend(f"{name}: {value}" for name, value in extra)
    return CRLF.join(lines) + CRLF + CRLF + body


def _attachment(part: Part) -> str:
    """An attachment as the stdlib's `add_attachment(bytes, ...)` writes it."""
    data = part.content.encode("utf-8") if isinstance(part.content, str) else part.content
    lines = []
    if part.params:  # setting parameters moves Content-Type to the end in the stdlib
        lines.append("Content-Transfer-Encoding: base64")
        lines.append(_disposition(part.filename))
        lines.append(_content_type(part.content_type, part.params))
    else:
        lines.append(_content_type(part.content_type, part.params))
        lines.append("Content-Transfer-Encoding: base64")
        lines.append(_disposition(part.filename))
    lines.append("MIME-Version: 1.0")
    return CRLF.join(lines) + CRLF + CRLF + _base64(data)


def _disposition(filename: str | None) -> str:
    if filename is None:
        return "Content-Disposition: attachment"
    if filename.isascii() and not any(c in '"\\\r\n' for c in filename):
        line = f'Content-Disposition: attachment; filename="{filename}"'
        return line if len(line) <= MAX_LINE else \
            f'Content-Disposition: attachment;{CRLF} filename="{filename}"'
    encoded = quote(filename.encode("utf-8"), safe="")
    line = f"Content-Disposition: attachment; filename*=utf-8''{encoded}"
    if len(line) <= MAX_LINE:
        return line
    # RFC 2231 continuations, one per line, never splitting a %XX escape.
    pieces, start = [], 0
    while start < len(encoded):
        end = min(start + 54, len(encoded))
        while end < len(encoded) and "%" in encoded[end - 2:end]:
            end -= 1
        pieces.append(encoded[start:end])
        start = end
    first = f" filename*0*=utf-8''{pieces[0]}"
    rest = [f" filename*{n}*={piece}" for n, piece in enumerate(pieces[1:], 1)]
    return f"Content-Disposition: attachment;{CRLF}" + f";{CRLF}".join([first, *rest])
