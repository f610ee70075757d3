"""Plan tables in text: a header naming an action column and a deadline or responsible
column, and its rows ("№ | Мероприятие | Срок | Ответственный"), one item per data row.

Rows are " | "- or tab-separated cells, or a Markdown "| a | b |" line (flattened shapes are
rebuilt into these first: `roadmaps.text_tables`). A two-row header ("Сроки" / "начало |
окончание") is merged; section rows spanning the table set the level and addressee of the
rows below; several "Срок" columns give several deadlines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roadmaps.addressees import heading_of, level_of, split_owners
from roadmaps.items import RawItem
from roadmaps.labels import parent_of as _parent_of

__all__ = ["Table", "find_tables", "role", "table_items"]


@dataclass
class Table:
    first: int  # 0-based index of the header row
    last: int  # 0-based index of the last row
    columns: dict[str, list[int]]  # role -> column indexes
    body: int  # index of the first row after the header
    width: int = 0  # cells in the header


# --- tables -----------------------------------------------------------------------------------

_NUM_HEADER = re.compile(r"^(?:№|n|no\.?|номер)(?:\s*п\s*/\s*п)?\.?$|^п\s*/\s*п$", re.I)
_COLUMN_NUMBERS = re.compile(r"^\d{1,2}\.?$")
_ROW_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*[.)]?$")
_ROMAN = re.compile(r"^[IVXLC]+$")
# Words of an action column, best first; "Предмет" heads an exam or olympiad schedule.
_ACTION_RANK = ("мероприят", "наименование", "содержание", "действи", "задач", "решени",
                "направлени", "предмет")


def _cells(line: str) -> list[str] | None:
    """The cells of a rendered table row: tab-separated, " | "-separated or "| a | b |"."""
    text = line.strip()
    if "\t" in line.strip("\n"):
        cells = line.strip("\n").split("\t")
    elif line.startswith("|") and text.endswith("|") and text.count("|") >= 3:
        # Markdown "| a | b |" starts at the margin; a rendered row whose first cell is empty
        # starts with " | " and keeps that cell.
        cells = text[1:-1].split("|")
    elif " | " in text or text.count("|") >= 2:
        cells = text.split("|")
    else:
        return None
    cells = [" ".join(c.split()) for c in cells]
    return cells if len(cells) >= 2 else None


# A column that records what happened, or remarks on it: "Фактический срок", "Отметка о
# выполнении", "Примечание", "Статус", "Комментарии (причины нарушения сроков ...)",
# "Контрольное событие наступило ...". Its dates are never deadlines.
_FACT_HEADER = re.compile(
    r"фактическ|\bфакт\b|отметк|примечан|комментар|причин|статус|наступил|исполнено|выполнено"
    r"|информаци\w*\s+о\s+(?:ходе\s+)?(?:выполнени|исполнени|реализаци)"
    r"|^ход\s+(?:выполнени|исполнени|реализаци)")
# "Дата исполнения" / "Дата выполнения": the day it was done when a planned date column
# stands beside it ("Планируемая дата | Дата исполнения"), else the day it is due.
_DONE_HEADER = re.compile(r"^дат[аы]\s+(?:исполнени|выполнени)")


# "начало" / "окончание" of a two-row "Сроки" header, "Плановое окончание" of a network plan
_PLANNED_BOUND = re.compile(r"^(?:планов\w*\s+)?(?:начало|окончание)")


def role(cell: str) -> str | None:
    """The column a header cell names: "num", "due", "start", "owner", "result", "level",
    "action", "fact" (what happened: never a deadline), "done" ("Дата исполнения": a
    deadline only when no other date column says so), or None."""
    c = cell.lower().replace("ё", "е")
    if _NUM_HEADER.match(c):
        return "num"
    if "план" not in c and _FACT_HEADER.search(c):
        return "fact"
    if _DONE_HEADER.match(c):
        return "done"
    if "срок" in c or "дата" in c or "период" in c or _PLANNED_BOUND.match(c):
        return "start" if "начал" in c else "due"
    if "ответствен" in c or "исполнител" in c:
        return "owner"
    if "результат" in c or "показател" in c or "итог" in c or "форма" in c:
        return "result"
    if "уровень" in c:
        return "level"
    if any(word in c for word in _ACTION_RANK):
        return "action"
    return None


def _columns(cells: list[str]) -> dict[str, list[int]]:
    columns: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        found = role(cell)
        if found and not (found in ("num", "action", "owner", "level") and found in columns):
            columns.setdefault(found, []).append(index)
    actions = [(next((r for r, w in enumerate(_ACTION_RANK) if w in c.lower()), 99), i)
               for i, c in enumerate(cells) if role(c) == "action"]
    if actions:
        columns["action"] = [min(actions)[1]]
    done = columns.pop("done", None)
    if done and "due" not in columns:
        columns["due"] = done  # "Дата исполнения" alone is the planned day
    return columns


def find_tables(lines: list[str]) -> list[Table]:
    """Header rows with an action column and a deadline or owner column, and their rows."""
    tables: list[Table] = []
    index = 0
    while index < len(lines):
        cells = _cells(lines[index])
        columns = _columns(cells) if cells else {}
        if not ("action" in columns and ("due" in columns or "owner" in columns)):
            index += 1
            continue
        body = index + 1
        following = _cells(lines[body]) if body < len(lines) else None
        if following and len(following) == len(cells) and sum(map(bool, following)) >= 2 and all(
                not c or (role(c) and not re.search(r"\d", c)) for c in following):
            merged = [f"{a} {b}".strip() for a, b in zip(cells, following, strict=True)]
            columns, body = _columns(merged), body + 1  # a two-row header: "Сроки" / "начало"
        last, probe = index, body
        while probe < len(lines):
            if _cells(lines[probe]) is not None:
                last = probe
            elif lines[probe].strip():
                # A line without cells is a section row only if more rows follow it.
                nxt = next((j for j in range(probe + 1, len(lines)) if lines[j].strip()), None)
                if nxt is None or _cells(lines[nxt]) is None:
                    break
            elif not any(_cells(lines[j]) for j in range(probe + 1, min(len(lines), probe + 2))):
                break
            probe += 1
        tables.append(Table(index, max(last, body - 1), columns, body, len(cells)))
        index = max(last, body - 1) + 1
    return tables


def table_items(lines: list[str], table: Table) -> list[RawItem]:
    """One item per data row; section rows set the level and addressee of the rows below."""
    cols = table.columns
    raws: list[RawItem] = []
    level = owner = None

    def cell(cells: list[str], role: str) -> str:
        index = cols.get(role, [None])[0]
        return cells[index] if index is not None and index < len(cells) else ""

    for index in range(table.body, table.last + 1):
        line = lines[index].strip()
        if not line or re.fullmatch(r"[|\s:\-–—]+", line):
            continue
        cells = _cells(lines[index])
        if cells is None or _is_section_row(cells, cols):
            heading = line if cells is None else next(c for c in cells if c and c != cell(
                cells, "num"))
            head = heading_of(heading.rstrip(":") + ":")
            level = (head[0] if head else None) or level_of(heading) or level
            owner = head[1] if head and head[1] else None
            continue
        if all(_COLUMN_NUMBERS.match(c) or not c for c in cells):
            continue  # the "1 | 2 | 3 | 4" row that numbers the columns
        number = None
        if "num" not in cols and len(cells) == table.width + 1 and _ROW_NUMBER.match(cells[0]):
            number, cells = cells[0], cells[1:]  # no "№" in the header, a number in the row
        text = cell(cells, "action")
        if not text:
            continue
        label = (number or cell(cells, "num")).rstrip(".)") or None
        named = split_owners(cell(cells, "owner"))
        row_level = level_of(cell(cells, "level")) if "level" in cols else None
        # A row numbered "II" heads a part of its own, never a sub-row of the row "1" above
        # it (a school plan numbers a month's parts "1", "II", "III" ...).
        parent = _parent_of(label, raws, 0) if label and not _ROMAN.match(label) else None
        raw = RawItem(label=label, text=text, line=index + 1, level=row_level or level,
                      owners=named or ([owner] if owner else []), parent=parent,
                      due_cells=[cells[i] for i in cols.get("due", []) if i < len(cells)],
                      start_cells=[cells[i] for i in cols.get("start", []) if i < len(cells)])
        if parent is not None:
            parent.children += 1
        raws.append(raw)
    return raws


def _is_section_row(cells: list[str], cols: dict[str, list[int]]) -> bool:
    """A row whose cells (the number aside) all say the same thing: a merged heading."""
    num = cols.get("num", [None])[0]
    rest = [c for i, c in enumerate(cells) if i != num and c]
    if not rest:
        return False
    if num is not None and num < len(cells) and cells[num] and len(set(rest)) == 1 \
            and len(rest) == 1:
        return False  # "5 | Провести ..." with nothing else filled in is still an item
    return len(set(rest)) == 1 and (len(rest) > 1 or num is None or not cells[num])
