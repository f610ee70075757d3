"""Why the system refused, in the reader's words: an `OSError`'s errno and a database
driver's message said from the catalogue instead of the C library's English.

    from tracker.core.reasons import os_reason
    raise DocumentError(_("{name}: cannot read the file ({reason})").format(
        name=name, reason=os_reason(exc)))
"""

from __future__ import annotations

import errno
import re

from tracker.core.i18n import N_, _

# The errnos a person meets with files and folders; others fall back to a generic word
# with the errno's symbol (a name to look up).
_ERRNO = {
    errno.ENOENT: N_("no such file or folder"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("operation not permitted"),
    errno.EISDIR: N_("it is a folder, not a file"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.ENOSPC: N_("no space left on the disk"),
    errno.EDQUOT: N_("the disk quota is exhausted"),
    errno.EROFS: N_("the file system is read-only"),
    errno.EEXIST: N_("it exists already"),
    errno.ENAMETOOLONG: N_("the name is too long"),
    errno.EMFILE: N_("too many open files"),
    errno.EIO: N_("an input/output error"),
    errno.ECONNREFUSED: N_("connection refused"),
    errno.ETIMEDOUT: N_("timed out"),
    errno.EADDRINUSE: N_("the address is already in use"),
    errno.EADDRNOTAVAIL: N_("the address is not available on this machine"),
    errno.EHOSTUNREACH: N_("the host is unreachable"),
    errno.ENETUNREACH: N_("the network is unreachable"),
}


def os_reason(exc: BaseException) -> str:
    """The reason of an `OSError` in the current locale: its errno's words, else a
    generic phrase naming the errno (`EXDEV`), else the exception's own text."""
    number = getattr(exc, "errno", None)
    if number in _ERRNO:
        return _(_ERRNO[number])
    if isinstance(number, int) and number in errno.errorcode:
        return _("system error {code}").format(code=errno.errorcode[number])
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def os_error(exc: OSError) -> str:
    """One line for an `OSError` raised without a message of ours: the path and why."""
    path = exc.filename
    if path is None and exc.errno is None and exc.args:
        return str(exc)  # raised with a message of ours
    if path is None:
        return _("the system refused: {reason}").format(reason=os_reason(exc))
    return _("{path}: {reason}").format(path=path, reason=os_reason(exc))


# SQLite's messages (`sqlite3.Error` text) a person meets, by a phrase in them.
_SQLITE = (
    ("unable to open database file", N_("the database file cannot be opened (a missing "
                                        "folder, no permission, or it is a folder)")),
    ("file is not a database", N_("the file is not an SQLite database")),
    ("database disk image is malformed", N_("the database file is damaged")),
    ("database is locked", N_("the database is busy with another process; try again")),
    ("readonly database", N_("the database file is read-only")),
    ("database or disk is full", N_("no space left on the disk")),
    ("disk i/o error", N_("an input/output error")),
    ("no such table", N_("the database has no tables of this program")),
)


def database_reason(message: str) -> str:
    """A database driver's message (`str(exc.orig)`) said in the current locale; a
    message not recognised is kept as the server wrote it (PostgreSQL speaks the
    server's language), quoted."""
    text = " ".join(str(message).split())
    lowered = text.lower()
    for phrase, words in _SQLITE:
        if phrase in lowered:
            return _(words)
    if "connection refused" in lowered or "could not connect" in lowered:
        return _("the database server does not answer (connection refused)")
    if "password authentication failed" in lowered:
        return _("the database server refused the password")
    return _("the database replied «{reply}»").format(reply=text[:300])


_TOML_AT = re.compile(r"^(?P<detail>.*?)\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)$",
                      re.S)


def toml_reason(exc: Exception) -> str:
    """Where a TOML file is broken, in the reader's words, tomllib's own detail quoted:
    "строка 1, столбец 6: «Expected ']' at the end of a table declaration»"."""
    if isinstance(exc, UnicodeDecodeError):
        return _("not UTF-8 text (byte {position})").format(position=exc.start + 1)
    text = str(exc)
    if found := _TOML_AT.match(text):
        return _('line {line}, column {column}: "{detail}"').format(**found.groupdict())
    if text.endswith("(at end of document)"):
        return _('at the end of the file: "{detail}"').format(
            detail=text.removesuffix("(at end of document)").strip())
    return _('"{detail}"').format(detail=text)


def library_reason(exc: BaseException) -> str:
    """Why a reading library (zipfile, lxml, openpyxl, pypdf, striprtf) gave up, in the
    reader's words where the kind of failure says it: a damaged archive, a cut-off file,
    broken XML; anything else as the library wrote it, quoted."""
    import zipfile
    import zlib

    if isinstance(exc, OSError) and isinstance(exc.errno, int):
        return os_reason(exc)
    if isinstance(exc, zipfile.BadZipFile):
        return _("the file is damaged or not a ZIP archive")
    if isinstance(exc, EOFError | zlib.error) or "truncated" in str(exc).lower():
        return _("the file is cut off or damaged")
    if type(exc).__name__ == "XMLSyntaxError":
        return _("its XML is damaged")
    if isinstance(exc, KeyError):
        return _("a part of the file is missing")
    text = " ".join(str(exc).split())[:120] or type(exc).__name__
    return _('"{detail}"').format(detail=text)
