"""Web tables flattened with a bar opening each row, rebuilt as rows (see `roadmaps.text_tables`).

Some pages render a table row by row: a "|" at the margin opens the row, then each cell is
its text (over one line or several) closed by a line " |" set off by a space:

    |
     № п/п
     |
     Дата проведения
     |
    |  1 |
     16.11.2022 г.
    среда
     |

The first row is the header (recognised by its words); a row may carry its first cell on its
opening line ("|  1 |"). A row shorter than the header (cells merged down from the row above
are left out of the copy, and the sub-rows of such a cell hold only a few) keeps its cells
in order under the columns whose cells in the row above they are most like (the columns
left over, the merged ones, stay empty); `roadmaps.tables` skips a row without an action.

Pure: lines in, rows out.
"""

from __future__ import annotations

import re

from roadmaps.cell_tables import NUMBER_CELL, join_lines

__all__ = ["row_table"]

_OPEN = re.compile(r"^\|(?P<rest>.*)$")  # a bar at the margin opens a row
_CLOSE = re.compile(r"^\s+\|\s*$")  # " |": the cell before it ends
_MAX_CELL_LINES = 40


def _rows(lines: list[str], start: int):
    """`(line of the opening bar, cells, line after)` for each row from `start`."""
    index = start
    while index < len(lines):
        opened = _OPEN.match(lines[index])
        if opened is None:
            return
        at = index
        cells: list[str] = []
        rest = opened.group("rest").strip()
        if rest:  # "|  1 |": the row's first cell on its opening line
            if not rest.endswith("|") or rest.count("|") != 1:
                return
            cells.append(" ".join(rest[:-1].split()))
        buffer: list[str] = []
        index += 1
        while index < len(lines) and not _OPEN.match(lines[index]):
            line = lines[index]
            if _CLOSE.match(line):
                cells.append(" ".join(buffer))
                buffer = []
            elif line.strip():
                buffer = join_lines(buffer, line.strip())
                if len(buffer) > _MAX_CELL_LINES:
                    return
            elif not buffer and index + 1 < len(lines) and not lines[index + 1].strip():
                break  # two blank lines: the table is over
            index += 1
        if buffer:
            cells.append(" ".join(buffer))  # the copy ends inside a cell
        yield at, cells, index


def row_table(lines: list[str], start: int, is_header):
    """A table whose rows open with a bar at the margin, from a header row at `start`."""
    if lines[start].strip() != "|" or not lines[start].startswith("|") \
            or start + 2 >= len(lines) or not lines[start + 1].strip() \
            or _CLOSE.match(lines[start + 2]) is None:
        return None
    found = list(_rows(lines, start))
    if len(found) < 2 or not is_header(found[0][1]):
        return None
    width = len(found[0][1])
    rows = [(found[0][0], found[0][1])]
    template = None  # the last row as wide as the header
    for at, cells, _after in found[1:]:
        filled = [c for c in cells if c]
        if not filled or len(filled) == 1 and NUMBER_CELL.match(filled[0]):
            continue  # the sub-row of a merged cell that holds only its number ("10 |")
        if len(cells) == width:
            template = cells
        elif template is not None and len(cells) < width and NUMBER_CELL.match(cells[0]):
            cells = _align(cells, template)  # a numbered row missing its merged cells
        while not cells[-1]:
            cells = cells[:-1]
        rows.append((at, cells))
    return rows, found[-1][2]


_DATED = re.compile(r"[0-9]{1,2}\.[0-9]{2}|[0-9]\s+[а-яё]{3,}")


def _kind(cell: str) -> str:
    if not cell:
        return "empty"
    if _DATED.search(cell):
        return "date"
    return "number" if re.fullmatch(r"[0-9\s./-]+", cell) else "text"


def _likeness(cell: str, above: str) -> int:
    if cell and cell == above:
        return 3
    kind = _kind(cell)
    return 2 if kind == "empty" == _kind(above) else int(kind == _kind(above))


def _align(cells: list[str], template: list[str]) -> list[str]:
    """`cells` placed in order under the columns of `template` (the row above) they are most
    like; the columns left over (the cells merged down from above) stay empty."""
    n, width = len(cells), len(template)
    # best[i][j]: the best score of the first i cells placed within the first j columns
    worst = -1
    best = [[0] * (width + 1)] + [[worst] * (width + 1) for _ in range(n)]
    for i in range(1, n + 1):
        for j in range(i, width + 1):
            take = best[i - 1][j - 1] + _likeness(cells[i - 1], template[j - 1])
            skip = best[i][j - 1] if j > i else worst
            best[i][j] = max(take, skip)
    out = [""] * width
    i, j = n, width
    while i > 0:
        if j > i and best[i][j] == best[i][j - 1]:
            j -= 1
            continue
        out[j - 1] = cells[i - 1]
        i, j = i - 1, j - 1
    return out
