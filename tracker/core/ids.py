"""Database ids as people type them: ASCII digits only, 1 to 2**63 - 1.

`str.isdigit()` accepts superscript and circled digits that `int()` refuses, and
`int()` accepts fullwidth and Devanagari digits; neither is an id anyone meant, and a
number beyond 64 bits overflows the database driver. Everything that turns user text
into an id goes through `parse_id`.
"""

from __future__ import annotations

import re

from tracker.core.errors import InvalidInput
from tracker.core.i18n import _

MAX_ID = 2**63 - 1  # SQLite INTEGER and PostgreSQL BIGINT
_ASCII_NUMBER = re.compile(r"[0-9]+", re.ASCII)
EXPECTED = f"expected a whole number from 1 to {MAX_ID}"


def looks_like_id(text: str) -> bool:
    """True for text made of ASCII digits only (whatever its size)."""
    return bool(_ASCII_NUMBER.fullmatch(text.strip()))


def id_or_none(text: str | int | None) -> int | None:
    """The id in `text`, or None when it is not ASCII digits from 1 to `MAX_ID`."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 1 <= text <= MAX_ID else None
    value = str(text or "").strip()
    if not _ASCII_NUMBER.fullmatch(value) or len(value) > 19:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def parse_id(text: str | int, *, what: str = "id") -> int:
    """The id in `text`. :raises InvalidInput: naming the text and the accepted range."""
    number = id_or_none(text)
    if number is None:
        raise InvalidInput(_(
            "invalid {what} {text!r}: expected a whole number from 1 to {max_id}")
            .format(what=what, text=str(text), max_id=MAX_ID))
    return number
