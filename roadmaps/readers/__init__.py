"""Read a document file into plain text for the parser.

Formats, told apart by content (magic bytes) first and by suffix second: plain text
(UTF-8 with or without BOM, UTF-16 with BOM, Windows-1251, KOI8-R), .docx, .doc (Word
97-2003, through antiword or LibreOffice), .odt, .rtf, .pdf with a text layer, .xlsx and
.html pages saved from a browser. Tables of every format become the same lines: one row a
line, cells separated by " | " (see `roadmaps.readers.tables`). Page furniture of web
pages (share buttons, "Версия для печати", navigation, change dates) is dropped from the
text (see `roadmaps.readers.furniture`).

Every failure is a `DocumentError` with one line naming the file and what is wrong.
"""

from __future__ import annotations

import re
from pathlib import Path

from roadmaps.parsed import DocumentError
from roadmaps.readers.furniture import is_furniture, strip_furniture
from roadmaps.readers.tables import CELL_SEPARATOR
from roadmaps.readers.text import decode_text
from roadmaps.readers.word import docx_to_text
from tracker.core.i18n import _
from tracker.core.reasons import os_reason

__all__ = ["CELL_SEPARATOR", "MAX_BYTES", "decode_text", "docx_to_text", "document_text",
           "is_furniture", "read_text", "strip_furniture"]

MAX_BYTES = 20_000_000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
_ZIP_SUFFIXES = {".docx": "docx", ".xlsx": "xlsx", ".odt": "odt"}


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> tuple[str, bytes]:
    """The text of the document at `path` and its raw bytes (for the content hash).

    :raises DocumentError: missing, unreadable, empty, over `max_bytes`, binary, damaged,
        encrypted, a zip bomb, a scan without text, or text in an encoding we cannot read.
    """
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(_("{name}: cannot read the file ({reason})").format(
            name=name, reason=os_reason(exc))) from None
    if size > max_bytes:
        raise DocumentError(
            _("{name}: file is too large ({size:,} bytes; the limit is {limit:,})").format(
            name=name, size=size, limit=max_bytes))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(_("{name}: cannot read the file ({reason})").format(
            name=name, reason=os_reason(exc))) from None
    return document_text(raw, name=name, suffix=path.suffix), raw


# Bullets drawn with the Symbol and Wingdings fonts come out of PDF and RTF as private-use
# code points; they are bullets.
_SYMBOL_BULLETS = re.compile("[\uf0b7\uf0a7\uf0d8\uf0fc\uf076\uf0a8\uf0d7]")


def document_text(raw: bytes, *, name: str = "<document>", suffix: str = "") -> str:
    """The text of a document's bytes, the format found by content, then by `suffix`."""
    return strip_furniture(_SYMBOL_BULLETS.sub("•", _read(raw, name, suffix.casefold())))


def _read(raw: bytes, name: str, suffix: str) -> str:
    head = raw[:1024].lstrip()
    if raw.startswith(b"%PDF-") or (b"%PDF-" in raw[:1024] and suffix == ".pdf"):
        from roadmaps.readers.pdf import pdf_to_text

        return pdf_to_text(raw, name=name)
    if raw.startswith(_ZIP_MAGIC):
        return _read_zip(raw, name, suffix)
    if raw.startswith(_OLE_MAGIC):
        if suffix in (".xls", ".xlt"):
            raise DocumentError(
                _("{name}: a legacy Excel .xls file; save it as .xlsx").format(name=name))
        from roadmaps.readers.legacy import doc_to_text

        return doc_to_text(raw, name=name)
    if head.startswith(b"{\\rtf"):
        from roadmaps.readers.rtf import rtf_to_text

        return rtf_to_text(raw, name=name)
    from roadmaps.readers.html import HTML_START, html_to_text

    if HTML_START.match(raw.lstrip(b"\xef\xbb\xbf")[:4096]) or suffix in (".html", ".htm"):
        return html_to_text(raw, name=name)
    return decode_text(raw, name=name)


def _read_zip(raw: bytes, name: str, suffix: str) -> str:
    from roadmaps.readers.zipsafe import open_zip, zip_kind

    what = suffix if suffix in _ZIP_SUFFIXES else ".docx"
    archive = open_zip(raw, name=name, what=what)
    kind = zip_kind(archive) or _ZIP_SUFFIXES.get(suffix)
    if kind == "ods":
        raise DocumentError(
            _("{name}: an OpenDocument spreadsheet (.ods); save it as .xlsx").format(name=name))
    if kind == "xlsx":
        from roadmaps.readers.xlsx import xlsx_to_text

        return xlsx_to_text(raw, name=name)
    if kind == "odt":
        from roadmaps.readers.odt import odt_to_text

        return odt_to_text(raw, name=name)
    if kind is None and suffix not in ("", ".txt", ".docx", ".doc"):
        raise DocumentError(
            _("{name}: a zip archive that is not a .docx, .xlsx or .odt document").format(
            name=name))
    return docx_to_text(raw, name=name, archive=archive)
