"""Tables flattened into running text, the separators lost, rebuilt as rows (see
`roadmaps.text_tables`).

A PDF or a web page copied as plain text sometimes keeps a table's words and nothing of its
grid. The header is still there, its column heads run together ("N п/п Мероприятия Сроки
исполнения Ответственные", "... Класс Предмет Планируемая дата проведения ..."), and each
row still holds its date. Two shapes:

* one line a row under a header line: a row is cut at its first dated phrase (the action
  before it, the responsible after it): "3. Организация концертной программы ... 21 апреля
  2012 г. Управление культуры";
* the whole table on one line after its header: each dated phrase closes a row ("11
  Русский язык/Литература 7 Декабря 2022 9 Русский язык/Литература 9 Февраля 2023 ...").

Only a day with its year counts as a row's date ("7 Декабря 2022", "1-24 марта 2023", "до 5
апреля 2012 г."), and a table needs three rows with one. Rows come under the header
"№ | Мероприятие | Срок | Ответственный".

Pure: lines in, rows out.
"""

from __future__ import annotations

import re

from roadmaps.deadlines import DeadlineError, find_deadlines
from roadmaps.words import has_action

__all__ = ["flat_table", "may_hold"]

_HEADER = ["№", "Мероприятие", "Срок", "Ответственный"]
# An action column's head and, a few words after it, a date column's head.
_HEAD = re.compile(
    r"(?:мероприяти[йея]|наименование|содержание|предмет)(?:\s+\S+){0,6}?\s+"
    r"(?:планируем\w*\s+|плановые\s+)?(?:срок[аи]?|дат[аы])(?:\s+(?:проведения|исполнения"
    r"|выполнения|реализации))?", re.IGNORECASE)
# Heads of the other columns a header line of its own names: "N п/п", "Ответственные".
_OTHER_HEAD = re.compile(r"(?:^|\s)(?:№|N|n)(?:\s*п\s*/\s*п)?(?:\s|$)|ответствен|исполнител",
                         re.IGNORECASE)
_DAY_AND_YEAR = re.compile(r"[0-9]{1,2}\D[^0-9]*[0-9]{4}|[0-9]{1,2}\.[0-9]{2}\.[0-9]{4}")
_NUMBERED = re.compile(r"^(?P<n>[0-9]{1,3}(?:\.[0-9]{1,3})*)\.?\s+(?P<text>\S.*)$")
_MIN_ROWS = 3
_LONG = 300  # a header followed by this much text on its line holds the whole table
_HEADER_WORDS = 12


def _dates(text: str):
    """The dated phrases of `text` (a day and a year), as spans."""
    if not re.search(r"[0-9]{4}", text):
        return []
    try:
        found = find_deadlines(text, cell=True)
    except DeadlineError:
        return []
    return [d.span for d in found if _DAY_AND_YEAR.search(d.text)]


def _row(text: str) -> list[str]:
    """[number, action, date, responsible] of a row's text."""
    m = _NUMBERED.match(text)
    number, text = (m.group("n"), m.group("text")) if m else ("", text)
    spans = _dates(text)
    if not spans:
        return [number, text, "", ""]
    begin, finish = spans[0]
    return [number, text[:begin].strip(" ,;"), text[begin:finish], text[finish:].strip(" ,;")]


def may_hold(text: str) -> bool:
    """Whether `text` may hold a flattened table (an action and a date column's heads)."""
    return _HEAD.search(text) is not None


def flat_table(lines: list[str], start: int):
    """`(rows, end)` for a table flattened at `start` (see the module doc), else None. The
    header orders nothing (no infinitive on its line); a header line of its own is short and
    names a third column ("N п/п", "Ответственные")."""
    line = lines[start]
    if "|" in line or "\t" in line:
        return None
    head = _HEAD.search(line)
    if head is None or has_action(line):
        return None
    rest = line[head.end():]
    rows: list[tuple[int, list[str]]] = [(start, list(_HEADER))]
    end = start + 1
    if len(rest) > _LONG:
        position = 0
        for begin, finish in _dates(rest):
            rows.append((start, ["", rest[position:begin].strip(" ,;"), rest[begin:finish], ""]))
            position = finish
    else:
        if len(line.split()) > _HEADER_WORDS or not _OTHER_HEAD.search(line):
            return None
        while end < len(lines) and lines[end].strip() and "|" not in lines[end]:
            rows.append((end, _row(lines[end].strip())))
            end += 1
    if sum(1 for _, cells in rows[1:] if cells[2]) < _MIN_ROWS:
        return None
    return rows, end
