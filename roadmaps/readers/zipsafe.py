"""Open a zip container (.docx, .xlsx, .odt) only after checking its directory: a zip bomb
declares a huge uncompressed size in a small file, and is refused before anything is
inflated. zipfile never inflates an entry past the size its directory declares, so this
check bounds what the readers can be made to read."""

from __future__ import annotations

import io
import zipfile

from roadmaps.parsed import DocumentError
from tracker.core.i18n import _
from tracker.core.reasons import library_reason

MAX_UNZIPPED = 200_000_000  # all entries together
MAX_RATIO = 100  # uncompressed / compressed for one sizeable entry; real XML is 5-30
_RATIO_FROM = 1_000_000  # small entries compress as they like


def open_zip(raw: bytes, *, name: str, what: str) -> zipfile.ZipFile:
    """The zip archive in `raw`, checked.

    :raises DocumentError: "<name>: not a readable <what> file (...)" or
        "<name>: refused: ... (a zip bomb?)".
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocumentError(_("{name}: not a readable {what} file ({reason})").format(
            name=name, what=what, reason=library_reason(exc))) from None
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > _RATIO_FROM and ratio > MAX_RATIO:
            raise DocumentError(
                _("{name}: refused: {entry} inflates {ratio:,.0f} times ({size:,} bytes from "
                  "{packed:,}; a zip bomb?)").format(name=name, entry=entry.filename, ratio=ratio,
                                                    size=entry.file_size,
                                                    packed=entry.compress_size))
    if total > MAX_UNZIPPED:
        raise DocumentError(
            _("{name}: refused: it unpacks to {size:,} bytes (the limit is {limit:,}; a zip "
                              "bomb?)").format(name=name, size=total, limit=MAX_UNZIPPED))
    return archive


def zip_kind(archive: zipfile.ZipFile) -> str | None:
    """"docx", "xlsx", "odt" ("ods": a spreadsheet we do not read) by the archive's
    members, or None."""
    names = set(archive.namelist())
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        try:
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, ValueError):
            mimetype = b""
        if not mimetype or mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
            return "odt"
        if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
            return "ods"
    return None
