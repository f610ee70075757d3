"""CSV and JSON exports of a report.

CSV is written for Excel as Russian offices have it: UTF-8 with a BOM (without it Excel
shows Cyrillic as mojibake), `;` as the separator (Excel's default where the decimal
separator is a comma), decimals with a comma and dates as DD.MM.YYYY in the Russian
locale, discipline as a percentage ("33,3%", which Excel reads as the number 0,333 shown
as a percentage). It holds one view (the rows of `--by`) and a closing total row. JSON carries
every figure of every view computed, with ISO dates.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

from tracker.core.i18n import _
from tracker.reports.report import COLUMNS, Column, Report, text


def to_csv(report: Report, *, delimiter: str = ";") -> str:
    """The CSV text (without the BOM; `write_csv` adds it)."""
    if len(delimiter) != 1:
        from tracker.core.errors import InvalidInput

        raise InvalidInput(_(
            "invalid delimiter {delimiter!r}: expected one character")
            .format(delimiter=delimiter))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([c.label(report.locale) for c in COLUMNS])
    for row in report.rows:
        writer.writerow(_csv_row(row.as_dict(), report.locale, delimiter))
    total = report.totals.as_dict() | {"name": text(report.locale, "totals")}
    writer.writerow(_csv_row(total, report.locale, delimiter))
    return buffer.getvalue()


def _csv_row(row: dict, locale: str, delimiter: str) -> list[str]:
    return [_csv_value(row.get(c.key), c, locale, delimiter) for c in COLUMNS]


def _csv_value(value: Any, column: Column, locale: str, delimiter: str) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y") if locale == "ru" else value.isoformat()
    comma = locale == "ru" and delimiter != ","  # a comma decimal unless it separates
    if column.kind == "share" and isinstance(value, (int, float)):
        number = f"{value * 100:.1f}"
        return (number.replace(".", ",") if comma else number) + "%"
    if isinstance(value, float):
        number = f"{value:.4f}".rstrip("0").rstrip(".")
        return number.replace(".", ",") if comma else number
    return str(value)


def csv_bytes(report: Report, *, delimiter: str = ";") -> bytes:
    return b"\xef\xbb\xbf" + to_csv(report, delimiter=delimiter).encode("utf-8")


def to_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=_default) + "\n"


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
