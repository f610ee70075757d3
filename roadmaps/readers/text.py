"""Plain text: UTF-8 (with or without BOM), UTF-16 with BOM, and the Russian 8-bit code
pages Windows-1251 and KOI8-R, told apart by charset-normalizer."""

from __future__ import annotations

import re

from roadmaps.parsed import DocumentError

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
_BINARY_MAGICS = {
    b"%PDF": "a PDF file",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
    b"{\\rtf": "an RTF file",
    b"PK\x03\x04": "a zip archive",
}
_CODE_PAGES = ["cp1251", "koi8_r"]
# Control characters other than tab, newline, carriage return and form feed: text has none.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_MIXED_WORD = re.compile(r"\b(?=\w*[A-Za-z])(?=\w*[А-Яа-яЁё])\w+")


def decode_text(raw: bytes, *, name: str = "<text>") -> str:
    """Decode plain-text bytes: BOMs first, then strict UTF-8, then Windows-1251 or KOI8-R.

    An 8-bit code page decodes almost any byte string, so the one charset-normalizer finds
    more plausible is taken, and only when the result looks like Russian text (mostly
    Cyrillic letters, words not mixing scripts, no control characters).

    :raises DocumentError: empty, binary, or not readable in these encodings.
    """
    if not raw.strip():
        raise DocumentError(f"{name}: the file is empty")
    for magic, what in _BINARY_MAGICS.items():
        if raw.startswith(magic):
            raise DocumentError(f"{name}: not a text document ({what}); save it as .txt or .docx")
    if raw.startswith(_OLE_MAGIC):
        raise DocumentError(f"{name}: a legacy Word/Excel file (.doc/.xls); save it as .docx")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _strict(raw, "utf-16", name)
    elif raw.startswith(b"\xef\xbb\xbf"):
        text = _strict(raw, "utf-8-sig", name)
    elif b"\x00" in raw:
        raise DocumentError(f"{name}: a binary file, not a text document")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = _code_page(raw)
            if text is None or not _looks_russian(text):
                raise DocumentError(
                    f"{name}: cannot decode the text (not UTF-8, Windows-1251 or KOI8-R)"
                ) from None
    if _CONTROL.search(text):
        raise DocumentError(f"{name}: a binary file, not a text document")
    if not text.strip():
        raise DocumentError(f"{name}: the file is empty")
    return text


def _code_page(raw: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=_CODE_PAGES).best()
    encoding = best.encoding if best is not None else "cp1251"
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return raw.decode("cp1251", errors="replace")


def _strict(raw: bytes, encoding: str, name: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise DocumentError(f"{name}: cannot decode the text as {encoding}") from None


def _looks_russian(text: str) -> bool:
    """Whether 8-bit-decoded text is plausibly Russian rather than some other 8-bit data."""
    if "\ufffd" in text:  # the few bytes cp1251 leaves undefined
        return False
    # Any 8-bit text decodes as cp1251 and its accented letters become Cyrillic ones, so ask
    # for what Russian text has: letters mostly Cyrillic, and words not mixing the scripts.
    letters = sum(1 for ch in text if ch.isalpha())
    cyrillic = len(_CYRILLIC.findall(text))
    mixed = len(_MIXED_WORD.findall(text))
    words = max(1, len(text.split()))
    return cyrillic >= 0.5 * max(letters, 1) and mixed <= 0.05 * words
