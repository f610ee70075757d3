"""Argument checks shared by the commands: ids and non-empty option values.

A bad value is a usage mistake: `_Group` prints it as one `Error: ...` line and exits 2.
"""

from __future__ import annotations

from pathlib import Path

import typer

from tracker.core.i18n import _
from tracker.core.ids import MAX_ID, id_or_none

MAX_CHAT_ID = 2**63 - 1


def id_parser(value: str | int) -> int:
    """An id typed on the command line: ASCII digits from 1 to 2**63 - 1."""
    if isinstance(value, int):
        return value
    number = id_or_none(value)
    if number is None:
        raise typer.BadParameter(_(
            "{value!r} is not an id: expected a whole number from 1 to {max_id}")
            .format(value=value, max_id=MAX_ID))
    return number


def chat_id_parser(value: str | int) -> int:
    """A Telegram chat id: a non-zero whole number within 64 bits (groups are negative)."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    digits = text.removeprefix("-")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 19 or int(digits) == 0 \
            or int(digits) > MAX_CHAT_ID:
        raise typer.BadParameter(_(
            "{value!r} is not a Telegram chat id: expected a non-zero whole number such as "
            "123456789")
            .format(value=value))
    return int(text)


def count_parser(value: str | int) -> int:
    """A positive count (`--limit`, `--days`): 1 to 2**63 - 1."""
    if isinstance(value, int):
        return value
    number = id_or_none(value)
    if number is None:
        raise typer.BadParameter(_(
            "{value!r} is not a count: expected a whole number from 1 to {max_id}")
            .format(value=value, max_id=MAX_ID))
    return number


def nonempty(expected: str):
    """A callback refusing an empty (or blank) option value, naming what is expected.

    `expected` is an English msgid (mark it with N_); it is translated when the check fails.
    """

    def check(value):
        if isinstance(value, (list, tuple)):
            for item in value:
                check(item)
            return value
        if value is not None and not str(value).strip():
            raise typer.BadParameter(_(
                "empty value: expected {expected}")
                .format(expected=_(expected)))
        return value

    return check


def writable_file(path: Path) -> Path:
    """`--out`: a file that can be created or replaced.

    :raises InvalidInput: naming the path and why not (a directory, a missing or
        read-only folder, a read-only file).
    """
    import os

    from tracker.core.errors import InvalidInput

    folder = path.parent
    if path.is_dir():
        raise InvalidInput(_(
            "cannot write {path}: it is a folder; expected a file name")
            .format(path=path))
    if not folder.is_dir():
        raise InvalidInput(_(
            "cannot write {path}: folder {folder} does not exist")
            .format(path=path, folder=folder))
    if path.exists() and not os.access(path, os.W_OK):
        raise InvalidInput(_("cannot write {path}: the file is read-only").format(path=path))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidInput(_(
            "cannot write {path}: folder {folder} is not writable")
            .format(path=path, folder=folder))
    return path
