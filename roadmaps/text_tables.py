"""Tables flattened into text by web pages, PDF and Word, rebuilt as one " | " row a line.

`roadmaps.parser` reads a table whose rows are lines of " | "- or tab-separated cells. Text
copied from a browser or a PDF rarely looks like that; `rebuild` turns these shapes into it
(the one-cell-a-line shapes, the first four, are read by `roadmaps.cell_tables`):

* one cell a line, each ending in " |" ("N |" / "Направления деятельности |" / "Сроки |");
* cells separated by lines holding a lone "|";
* a cell wrapped over several lines (the cell ends at its "|"), a header word hyphenated
  over two lines ("Ответствен-" / "ные |" is "Ответственные");
* a section row written on one line ("I. Анализ работы ... | |||") spanning the table;
* a two-level header: the top cells, "||||||", the cells under the ones that span several
  columns ("Срок реализации" over "начало" / "завершение", "... по годам" over "2015 год",
  ...), then the row numbering the columns 1..N, which confirms the N columns;
* a web table whose rows each open with a bar at the margin, each cell closed by a line
  " |" (`roadmaps.row_tables`);
* a table with no header whose rows are a day and what happens on it, one cell a line
  ("24 мая (среда) |" / "история, физика, биология |": an exam timetable), read under the
  header "Дата | Мероприятие" (`roadmaps.cell_tables.dated_pairs`; three rows at least);
* columns aligned with spaces (pasted from Word or Excel): cut at the header's columns, a
  line whose first column is empty continues the row above;
* a pseudo-graphic table drawn with "|", "│" or "¦" and rules of "-", "─", "+", "┼" (legal
  portals print old acts so): each drawn line holds every column, a row's cells wrap over
  the lines until the next rule or the next line with a number in its first column; the
  row numbering the columns (1 | 2 | ... | N) is dropped;
* a header written as one row ("Наименование мероприятий | Сроки проведения | Ответственный
  | |") over rows broken into pieces ("| 1. |", then the action ending in " |", then "С 5 по
  25 марта 2011г. | Отдел образования | |"): the cells are read across the lines, empty
  ones dropped, and each numbered cell starts a row.

* a school's calendar plan copied one cell a line under a head "Классы": a line of classes
  ("5-9") and a date line after it close a row (`roadmaps.class_rows`);
* a table whose grid was lost, its header's column heads run together on a line ("N п/п
  Мероприятия Сроки исполнения Ответственные") over one line a row, or the whole table on
  the header's line: each row is cut at its dated phrase (`roadmaps.flat_tables`).

The header is recognised by its words (an action column and a deadline or responsible one),
its width gives the number of cells of each row; a row whose first cell is a bare number
under a header without a "№" column gets one cell more. The rebuilt text comes with the
original line of each of its lines, so items keep the line they were written on.

Pure: lines in, lines out.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from roadmaps.cell_tables import NUMBER_CELL, cell_table, dated_pairs, join_lines
from roadmaps.class_rows import CLASS_HEAD, class_rows
from roadmaps.flat_tables import flat_table
from roadmaps.flat_tables import may_hold as flat_may_hold
from roadmaps.row_tables import row_table

__all__ = ["may_hold", "rebuild"]

_SPACED = re.compile(r"\S+(?: \S+)*")


def may_hold(text: str) -> bool:
    """Whether `text` may hold a flattened table at all (a cheap test before `rebuild`)."""
    return ("|" in text or "  " in text or "│" in text or "¦" in text or flat_may_hold(text)
            or CLASS_HEAD.search(text) is not None)


def rebuild(lines: list[str], role: Callable[[str], str | None]
            ) -> tuple[list[str], list[int]] | None:
    """`(new lines, original 0-based index of each)` when `lines` hold a flattened table,
    else None. `role(cell)` names a header cell's column ("num", "action", "due", "owner",
    ...) or None."""

    def is_header(cells: list[str]) -> bool:
        roles = {role(c) for c in cells}
        return "action" in roles and ("due" in roles or "owner" in roles)

    out: list[str] = []
    origin: list[int] = []
    index, changed = 0, False
    while index < len(lines):
        found = (_framed_table(lines, index, is_header)
                 or _piece_table(lines, index, is_header)
                 or row_table(lines, index, is_header)
                 or cell_table(lines, index, is_header, role)
                 or dated_pairs(lines, index)
                 or _spaced_table(lines, index, is_header)
                 or flat_table(lines, index)
                 or class_rows(lines, index))
        if found is None:
            out.append(lines[index])
            origin.append(index)
            index += 1
            continue
        rows, end = found
        for at, row in rows:
            out.append(" | ".join(row))
            origin.append(at)
        index, changed = end, True
    return (out, origin) if changed else None


_BARS = "|│¦"
_FRAMED = re.compile(r"^\s*[|│¦].*[|│¦]\s*$")
_RULE = re.compile(r"^\s*[|│¦+/\\┌┐└┘├┤┬┴┼╔╗╚╝╠╣╦╩╬]?[-─═+┼┬┴|│¦ ]*[-─═]{3,}[-─═+┼┬┴┤┐┘|│¦/\\ ]*$")
_SPLIT_BARS = re.compile(r"[|│¦]")


def _framed_cells(line: str) -> list[str]:
    inner = line.strip()[1:-1]
    return [" ".join(c.split()) for c in _SPLIT_BARS.split(inner)]


def _framed_table(lines: list[str], start: int, is_header):
    """A pseudo-graphic table from a rule or a drawn line at `start` (see the module doc)."""
    if not (_RULE.match(lines[start]) or _FRAMED.match(lines[start])):
        return None
    index = start
    while index < len(lines) and _RULE.match(lines[index]):
        index += 1
    header: list[list[str]] = []  # the header's drawn lines, merged column by column
    while index < len(lines) and _FRAMED.match(lines[index]) and not _RULE.match(lines[index]):
        header.append(_framed_cells(lines[index]))
        index += 1
    if not header or len({len(h) for h in header}) != 1 or len(header[0]) < 2:
        return None
    top = [_merge(column) for column in zip(*header, strict=True)]
    if not is_header(top):
        return None
    width = len(top)
    rows: list[tuple[int, list[str]]] = [(start, top)]
    current: list[list[str]] | None = None
    current_at = index
    end = index

    def flush():
        if current:
            merged = [_merge(column) for column in zip(*current, strict=True)]
            if not all(NUMBER_CELL.match(c or "x") for c in merged):  # "1 | 2 | ... | N"
                rows.append((current_at, merged))

    while index < len(lines):
        line = lines[index]
        if _RULE.match(line):
            flush()
            current = None
        elif line.strip() and line.strip()[0] in _BARS:  # drawn, or cut before its last bar
            text = line.rstrip()
            cells = _framed_cells(text if text[-1] in _BARS else text + "|")
            if len(cells) != width:  # a section row spanning the table
                flush()
                current = None
                rows.append((index, [c for c in cells if c]))
            elif current is None or cells[0] and NUMBER_CELL.match(cells[0]):
                flush()
                current, current_at = [cells], index
            else:
                current.append(cells)
        elif line.strip():
            break
        index += 1
        end = index
    flush()
    return (rows, end) if len(rows) > 1 else None


_ROW_START = re.compile(r"^\|\s*\d{1,3}(?:\.\d{1,3})*\.?\s*\|")


def _piece_table(lines: list[str], start: int, is_header):
    """A one-line header over rows broken into pieces (see the module doc)."""
    text = lines[start].strip()
    if text.count("|") < 2 or text.startswith("|"):
        return None
    header = [c.strip() for c in text.split("|") if c.strip()]
    if len(header) < 2 or not is_header(header):
        return None
    following = next((line.strip() for line in lines[start + 1:] if line.strip()), "")
    if not _ROW_START.match(following):
        return None
    rows: list[tuple[int, list[str]]] = [(start, header)]
    row: list[str] = []
    row_at, buffer, end = start + 1, [], start + 1
    for index in range(start + 1, len(lines)):
        line = lines[index].strip()
        if not line:
            if buffer or row:
                break  # a blank line ends the table
            continue
        pieces = line.split("|")
        for number, piece in enumerate(pieces):
            piece = piece.strip()
            last = number == len(pieces) - 1
            if piece:
                buffer = join_lines(buffer, piece)
            if last and not line.endswith("|"):
                break  # the cell goes on in the next line
            if number == 0 and line.startswith("|") or not buffer:
                continue
            cell = " ".join(buffer)
            buffer = []
            if NUMBER_CELL.match(cell):
                if row:
                    rows.append((row_at, row))
                row, row_at = [cell], index
            elif row:
                row.append(cell)
        end = index + 1
    if buffer:
        row.append(" ".join(buffer))  # the text ends inside a cell (a copy cut short)
    if row:
        rows.append((row_at, row))
    return (rows, end) if len(rows) > 1 else None


def _merge(column) -> str:
    """A cell wrapped over drawn lines: "вза-" / "имодействии" is one word."""
    buffer: list[str] = []
    for piece in column:
        if piece:
            buffer = join_lines(buffer, piece)
    return " ".join(buffer)


def _spaced_table(lines: list[str], start: int, is_header):
    """Columns aligned with runs of spaces, cut at the header's column starts."""
    line = lines[start].rstrip()
    if "  " not in line.strip() or "|" in line or "\t" in line:
        return None
    spans = [(m.start(), m.group()) for m in _SPACED.finditer(line)]
    if len(spans) < 2 or not is_header([s for _, s in spans]):
        return None
    starts = [s for s, _ in spans]
    rows: list[tuple[int, list[str]]] = [(start, [s for _, s in spans])]
    index = start + 1
    while index < len(lines):
        text = lines[index].rstrip()
        if not text.strip():
            if index + 1 < len(lines) and "  " in lines[index + 1].strip():
                index += 1
                continue
            break
        if "  " not in text.strip() and not text.startswith(" " * max(2, starts[1] - 1)):
            break
        cells = _cut(text, starts)
        if not cells[0] and len(rows) > 1:  # a wrapped row: its cells continue the row above
            at, above = rows[-1]
            rows[-1] = (at, [f"{a} {b}".strip() for a, b in zip(above, cells, strict=True)])
        else:
            rows.append((index, cells))
        index += 1
    return (rows, index) if len(rows) > 1 else None


def _cut(text: str, starts: list[int]) -> list[str]:
    """`text` cut into len(starts) cells at the header's column starts (moved left to the
    nearest run of spaces, so a cell that starts a little early stays whole)."""
    bounds = []
    for begin in starts[1:]:
        at = min(begin, len(text))
        while 0 < at < len(text) and not text[at - 1:at + 1].isspace() and text[at - 1] != " ":
            at -= 1
        bounds.append(at)
    pieces, pos = [], 0
    for bound in bounds:
        bound = max(bound, pos)
        pieces.append(text[pos:bound].strip())
        pos = bound
    pieces.append(text[pos:].strip())
    return pieces
