"""Tables flattened one cell a line, rebuilt as rows (see `roadmaps.text_tables`).

Each cell ends in " |" ("N |" / "Направления деятельности |" / "Сроки |"), or cells are
separated by lines holding a lone "|"; a cell may wrap over several lines and a header word
may be hyphenated over two ("Ответствен-" / "ные |"). A two-level header (the top cells,
"||||||", the sub-cells of the ones spanning several columns, then the row numbering the
columns 1..N) is read into N columns. A section heading cell ("I. Организационные
мероприятия") is neither a header cell nor a cell of the row before it: it ends the header,
and a row short of a cell (lost in the copy) ends at it.

Pure: lines in, rows out.
"""

from __future__ import annotations

import itertools
import re

from roadmaps._dateforms import MONTH

__all__ = ["NUMBER_CELL", "cell_table", "dated_pairs", "join_lines"]


NUMBER_CELL = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
# A section heading spanning the table: "I. Нормативно-правовое и методическое сопровождение"
_SECTION_CELL = re.compile(r"^[IVXLC]{1,6}\.\s*[А-ЯЁ«\"]")
_MAX_CELL_LINES = 40  # a "cell" longer than this is prose after the table


def _piped(line: str) -> bool:
    text = line.strip()
    return text == "|" or (text.endswith("|") and text.count("|") == 1)


def _cells_from(lines: list[str], start: int):
    """Cells ending at a "|" (`(first line, text, line after)`), from `start` on; a line with
    two or more "|" is a whole row on its own: `(line, [cells], line after)`."""
    buffer: list[str] = []
    first = None
    index = start
    while index < len(lines):
        text = lines[index].strip()
        if not text:
            index += 1
            continue
        if text.count("|") >= 2 and text != "|" and not buffer:
            yield index, [c.strip() for c in text.strip("|").split("|")], index + 1
            index += 1
            continue
        if first is None:
            first = index
        if text == "|" or text.endswith("|") and text.count("|") == 1:
            piece = text[:-1].strip()
            if piece:
                buffer = join_lines(buffer, piece)
            yield first, " ".join(buffer), index + 1
            buffer, first = [], None
        else:
            buffer = join_lines(buffer, text)
            if len(buffer) > _MAX_CELL_LINES:
                return
        index += 1
    # A cell the copy cuts off (never closed by its "|") is not read: its text, a term above
    # all ("август" of "август - сентябрь 2015"), may be only the start of what it says.


def join_lines(buffer: list[str], piece: str) -> list[str]:
    """A cell's lines: "Ответствен-" + "ные" is one word."""
    if buffer and re.search(r"[а-яё]-$", buffer[-1]) and piece[:1].islower():
        return [*buffer[:-1], buffer[-1][:-1] + piece]
    return [*buffer, piece]


def cell_table(lines: list[str], start: int, is_header, role):
    """One cell a line (or lone "|" separators) from a header at `start`."""
    if not _piped(lines[start]) and not (start + 1 < len(lines)
                                         and lines[start + 1].strip() == "|"):
        return None
    if lines[start].strip() == "|":
        return None
    header: list[str] = []
    stream = _cells_from(lines, start)
    pending = None
    for at, cell, after in stream:
        if isinstance(cell, list) or (header and NUMBER_CELL.match(cell)) or (
                _SECTION_CELL.match(cell) and is_header(header)):
            pending = (at, cell, after)  # the first row, or a section heading under the header
            break
        header.append(cell)
        if len(header) > 12:
            return None
    if len(header) < 2 or not is_header(header) or pending is None:
        return None
    if isinstance(pending[1], list) and not any(pending[1]):
        # "||||||" under the header: a second header row may follow ("начало | завершение |
        # 2015 год | ..."), then the row numbering the columns ("1 | 2 | ... | 14").
        taken = []
        two = _second_level(header, stream, taken, role)
        if two is not None:
            header, pending = two
        else:
            stream = itertools.chain(taken, stream)
    width = len(header)
    rows: list[tuple[int, list[str]]] = [(start, header)]
    row: list[str] = []
    row_at = None
    end = pending[2]
    extra = not any(role(c) == "num" for c in header)

    def cells():
        yield pending
        yield from stream

    for at, cell, after in cells():
        if isinstance(cell, list):  # a section row, or a whole row on one line
            if row:
                rows.append((row_at, row))
                row = []
            rows.append((at, cell))
            end = after
            continue
        if len(row) >= 2 and _SECTION_CELL.match(cell):
            rows.append((row_at, row))  # a short row (a cell lost in the copy) ends at a heading
            row = []
        if row and NUMBER_CELL.match(cell) and not NUMBER_CELL.match(row[0]) \
                and sum(map(bool, row)) <= 2:
            # A numbered row starts while the cells before it do not make one (a section
            # heading spread over cells, empty cells): they are a section row. A row that
            # holds more (an empty "№" cell, then its values) goes on: "100" is a value.
            heading = " ".join(c for c in row if c)
            if heading:
                rows.append((row_at, [heading]))
            row = []
        if not row:
            row_at = at
            size = width + 1 if extra and NUMBER_CELL.match(cell) else width
        row.append(cell)
        end = after
        if len(row) == size:
            rows.append((row_at, row))
            row = []
    if row:
        rows.append((row_at, row))
    return (rows, end) if len(rows) > 1 else None


_SUB_YEAR = re.compile(r"^(?:19|20)\d{2}(?:\s*(?:год|г\.?))?$", re.IGNORECASE)
_SUB_TERM = re.compile(r"^(?:начало|окончание|завершение|срок\w*)$", re.IGNORECASE)


def _second_level(header: list[str], stream, taken: list, role):
    """A two-level header: the top cells, then the sub-cells of the ones that span
    several columns, then the numbers of the columns 1..N. A "Срок" cell spans "начало" /
    "завершение", a cell "по годам" spans "2015 год", "2016 год", ...; the result is valid
    only when it gives exactly N columns. Returns (the header of N cells, the item after
    the numbering row), or None (`taken` then holds what was read, to be read again)."""
    sub: list[str] = []
    numbers = 0
    after = None
    for item in stream:
        taken.append(item)
        cell = item[1]
        if isinstance(cell, list):
            if any(cell) or not numbers and not sub:
                if numbers:
                    after = item
                    break
                if any(cell):
                    return None
            continue
        if cell == str(numbers + 1) and (numbers or sub):
            numbers += 1
            continue
        if numbers:
            after = item
            break
        if not (_SUB_YEAR.match(cell) or _SUB_TERM.match(cell)) or len(sub) > 30:
            return None
        sub.append(cell)
    if after is None or numbers <= len(header) or not sub:
        return None
    columns, at = [], 0
    for top in header:
        low = top.lower()
        kind = (_SUB_TERM if role(top) in ("due", "start") else _SUB_YEAR
                if re.search(r"годам|\bгоды\b", low) else None)
        spans = []
        while kind is not None and at < len(sub) and kind.match(sub[at]):
            spans.append(sub[at])
            at += 1
        columns += [f"{top} {piece}" for piece in spans] or [top]
    if at != len(sub) or len(columns) != numbers:
        return None
    return columns, after


# A cell that is nothing but a day: "24 мая (среда)", "9, 10 ноября", "16.11.2022 г.".
_DAY = (rf"(?:[0-9]{{1,2}}\s*(?:,|и)\s*)*[0-9]{{1,2}}(?:\s+{MONTH}(?:\s+[0-9]{{4}})?"
        r"|\.[0-9]{2}(?:\.[0-9]{2,4})?)\s*(?:г\.|года)?")
_DAY_CELL = re.compile(rf"^{_DAY}\s*(?:\([а-яё]+\)|[а-яё]+)?$", re.IGNORECASE)
# The same schedule's lines below it: "26 июня (понедельник) — русский язык;"
_DAY_LINE = re.compile(rf"^(?P<day>{_DAY}\s*(?:\([а-яё]+\))?)\s*[—–-]\s*(?P<what>\S.*?)[;.]?$",
                       re.IGNORECASE)
_HEADING = 40  # "Резервные дни": a short line heading the schedule lines below it
_MIN_PAIRS = 3


def dated_pairs(lines: list[str], start: int):
    """A table with no header whose rows are a day and what happens on it, one cell a line
    ("24 мая (среда) |" / "история, физика, биология |"; an exam timetable copied from a
    web page): rows under the header "Дата | Мероприятие", or None (fewer than 3 rows)."""
    if not _piped(lines[start]) or not _DAY_CELL.match(lines[start].strip()[:-1].strip()):
        return None
    rows: list[tuple[int, list[str]]] = []
    end = start
    row: list[str] = []
    for at, cell, after in _cells_from(lines, start):
        if isinstance(cell, list) or bool(_DAY_CELL.match(cell)) != (not row):
            break  # a whole row on one line, a day where the subject belongs, or the reverse
        if not row:
            row_at = at
        row.append(cell)
        if len(row) == 2:
            rows.append((row_at, row))
            row, end = [], after
    if len(rows) < _MIN_PAIRS:
        return None
    rows, end = _day_lines(lines, end, rows)
    return [(start, ["Дата", "Мероприятие"]), *rows], end


def _day_lines(lines: list[str], index: int, rows: list):
    """The schedule goes on in lines "<day> — <what>" ("Резервные дни" / "26 июня
    (понедельник) — русский язык;"); a short heading over them is a section row."""
    end = index
    while index < len(lines):
        text = lines[index].strip()
        m = _DAY_LINE.match(text)
        if m:
            rows.append((index, [m.group("day").strip(), m.group("what").strip()]))
            end = index + 1
        elif text and ("|" in text or len(text) > _HEADING or re.search(r"[0-9]", text)
                       or not _DAY_LINE.match(next((n.strip() for n in lines[index + 1:]
                                                    if n.strip()), ""))):
            break
        elif text:
            rows.append((index, [text]))
        index += 1
    while rows and len(rows[-1][1]) == 1:
        rows.pop()  # a heading with no line below it
    return rows, end
