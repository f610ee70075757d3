"""Reading directory CSV files as people save them: UTF-8 with or without a BOM, UTF-16
("Unicode text") or Windows-1251, separated by `;` (what Russian Excel saves) or `,`.

Each row remembers its line in the file, so an import error or a skipped duplicate can
be named by line number.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tracker.core.errors import InvalidInput
from tracker.core.i18n import _
from tracker.core.reasons import os_reason


class CsvRow(dict):
    """One data row: column -> value, and `line`, its (first) line number in the file."""

    line: int = 0

    def __init__(self, values: dict[str, str], line: int) -> None:
        super().__init__(values)
        self.line = line


def line_of(row, fallback: int) -> int:
    """The line number of `row` if it came from `read_rows`, else `fallback`."""
    return getattr(row, "line", 0) or fallback


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")  # Excel's "CSV (разделители — точки с запятой)"
    except UnicodeDecodeError:
        raise InvalidInput(_(
            "{path}: not a text file (expected UTF-8 or Windows-1251)")
            .format(path=path)) from None


def _delimiter(header: str) -> str:
    """`;` or `,`, whichever separates the header (outside quotes) more often."""
    counts = {";": 0, ",": 0}
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return ";" if counts[";"] > counts[","] else ","


def read_rows(path: Path, *, required: tuple[str, ...],
              optional: tuple[str, ...] = ()) -> list[CsvRow]:
    """The data rows of the CSV file at `path`; blank lines are skipped.

    :raises InvalidInput: a missing file, an unreadable encoding, a missing or unknown
        column, or a row with more fields than the header (naming its line).
    """
    if path.is_dir():
        raise InvalidInput(_("{path}: {reason}").format(path=path, reason=_(
            "it is a folder, not a file")))
    if not path.is_file():
        raise InvalidInput(_("file not found: {path}").format(path=path))
    try:
        text = _decode(path, path.read_bytes())
    except OSError as exc:  # no permission, an I/O error
        raise InvalidInput(_("{path}: {reason}").format(path=path, reason=os_reason(exc))
                           ) from None
    except UnicodeError:
        raise InvalidInput(_(
            "{path}: not a text file (expected UTF-8 or Windows-1251)")
            .format(path=path)) from None
    if not text.strip():
        raise InvalidInput(_(
            "{path}: the file is empty; expected a header line {columns}")
            .format(path=path, columns=','.join(required)))
    header = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = _delimiter(header)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: list[str] | None = None
    rows: list[CsvRow] = []
    try:
        for fields in reader:
            line = reader.line_num - sum(f.count("\n") for f in fields)
            if not any(f.strip() for f in fields):
                continue
            if columns is None:
                columns = [f.strip().lstrip("\ufeff").lower() for f in fields]
                _check_columns(path, columns, required, optional)
                continue
            if len(fields) > len(columns):
                raise InvalidInput(_(
                    "{path}, line {line}: {count} fields, the header has {count2} (separator "
                    "{delimiter!r})")
                    .format(
                        path=path,
                        line=line,
                        count=len(fields),
                        count2=len(columns),
                        delimiter=delimiter),
                    )
            values = dict(zip(columns, fields, strict=False))
            rows.append(CsvRow({c: values.get(c, "") for c in columns}, line))
    except csv.Error as exc:
        raise InvalidInput(_(
            "{path}, line {line_num}: {exc}")
            .format(path=path, line_num=reader.line_num, exc=exc)) from None
    return rows


def _check_columns(path: Path, columns: list[str], required: tuple[str, ...],
                   optional: tuple[str, ...]) -> None:
    known = (*required, *optional)
    expected = ", ".join(required)
    if optional:
        expected += _(" (optional: {columns})").format(columns=", ".join(optional))
    missing = [c for c in required if c not in columns]
    if missing:
        has = ", ".join(c for c in columns if c) or "none"
        raise InvalidInput(_(
            "{path}: missing column(s) {missing} (has: {has}; expected: {expected})")
            .format(path=path, missing=', '.join(missing), has=has, expected=expected))
    unknown = [c or "(empty)" for c in columns if c not in known]
    if unknown:
        raise InvalidInput(_(
            "{path}: unknown column(s) {unknown} (expected: {expected})")
            .format(path=path, unknown=', '.join(unknown), expected=expected))
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise InvalidInput(_(
            "{path}: column(s) {repeated} appear twice")
            .format(path=path, repeated=', '.join(repeated)))
