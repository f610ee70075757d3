"""Excel roadmaps (.xlsx) through openpyxl in read-only mode, every visible sheet in order.

On each sheet the header row is found by its words (№, Мероприятие / Наименование, Срок,
Ответственный, ...). Rows above it are the title, one line each; the header and the rows
below are " | " rows as the .docx reader makes them. A merged range repeats its value over
every cell it covers (read-only mode does not load merges, so they are read from the
sheet's XML), and a row that is one merged cell across the table is a section line.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from roadmaps.parsed import DocumentError
from roadmaps.readers.tables import clean_cell, table_lines
from roadmaps.readers.zipsafe import open_zip
from tracker.core.i18n import _
from tracker.core.reasons import library_reason

MAX_COLUMNS = 60  # a roadmap is a few columns wide; formatting can stretch a sheet to XFD
_HEADER_WORDS = re.compile(
    r"^(№|n|no|п/п)|мероприяти|наименовани|содержание|срок|дата|ответствен|исполнител|"
    r"результат|период", re.IGNORECASE)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')


def xlsx_to_text(raw: bytes, *, name: str = "<xlsx>") -> str:
    """The text of a workbook's visible sheets.

    :raises DocumentError: not a readable .xlsx (or a zip bomb), or no text.
    """
    import openpyxl

    archive = open_zip(raw, name=name, what=".xlsx")
    import io

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, lxml and its own errors
        raise DocumentError(_("{name}: not a readable .xlsx file ({reason})").format(
            name=name, reason=library_reason(exc))) from None
    lines: list[str] = []
    try:
        for sheet in book.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            merges = _merges(archive, getattr(sheet, "_worksheet_path", ""))
            grid = [[_value(v) for v in row[:MAX_COLUMNS]]
                    for row in sheet.iter_rows(values_only=True)]
            sheet_lines = _sheet_lines(_fill_merges(grid, merges), merges)
            if sheet_lines:
                lines.extend([*sheet_lines, ""])
    except Exception as exc:  # a damaged sheet part surfaces while iterating
        raise DocumentError(_("{name}: not a readable .xlsx file ({reason})").format(
            name=name, reason=library_reason(exc))) from None
    finally:
        book.close()
    text = "\n".join(lines)
    if not text.strip():
        raise DocumentError(_("{name}: the workbook has no text").format(name=name))
    return text


def _value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%d.%m.%Y}" if value.time() == time() else f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_cell(str(value))


def _column(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number - 1


def _merges(archive, path: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges as 0-based (first row, first col, last row, last col)."""
    try:
        xml = archive.read(path.lstrip("/"))
    except (KeyError, ValueError):
        return []
    return [(int(r1) - 1, _column(c1), int(r2) - 1, _column(c2))
            for c1, r1, c2, r2 in _MERGE.findall(xml)]


def _fill_merges(grid: list[list[str]], merges) -> list[list[str]]:
    for r1, c1, r2, c2 in merges:
        if r1 >= len(grid) or c1 >= MAX_COLUMNS:
            continue
        value = grid[r1][c1] if c1 < len(grid[r1]) else ""
        for r in range(r1, min(r2, len(grid) - 1) + 1):
            row = grid[r]
            row.extend([""] * (min(c2, MAX_COLUMNS - 1) + 1 - len(row)))
            for c in range(c1, min(c2, MAX_COLUMNS - 1) + 1):
                row[c] = value
    return grid


def _header_row(grid: list[list[str]]) -> int | None:
    for index, row in enumerate(grid[:50]):
        # Header cells are short: a long cell that says "срок" is an item's text.
        if sum(1 for cell in set(row) if cell and len(cell) <= 60
               and _HEADER_WORDS.search(cell)) >= 2:
            return index
    return None


def _sheet_lines(grid: list[list[str]], merges) -> list[str]:
    header = _header_row(grid)
    across = {r1 for r1, c1, r2, c2 in merges if c1 == 0 and r1 == r2}
    lines: list[str] = []
    start = header if header is not None else 0
    for row in grid[:start]:  # the title above the table: one line per row
        values = [v for i, v in enumerate(row) if v and (i == 0 or v != row[i - 1])]
        lines.append(" ".join(values))
    if header is None:
        body = grid
        width = max((len(row) for row in grid), default=0)
    else:
        body = grid[header:]
        width = max((i + 1 for i, v in enumerate(grid[header]) if v), default=0)
    rows: list[list[str] | str] = []
    for offset, row in enumerate(body):
        cells = (row + [""] * width)[:width]
        filled = [v for v in cells if v]
        if not filled:
            continue
        one_across = (start + offset) in across and len(set(cells)) == 1
        if one_across or (len(filled) == 1 and cells[0] and not _is_number(cells[0])):
            rows.append(filled[0])  # a section row ("Региональный уровень")
        else:
            rows.append(cells)
    lines.extend(["", *table_lines(rows)])
    return lines


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[\dIVXivx.)]+", text))
