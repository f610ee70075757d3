"""A school's calendar plan copied from a PDF, one cell a line and no separators, rebuilt as
rows (see `roadmaps.text_tables`).

The calendar plan of upbringing work ("Дела, события, мероприятия | Классы | Дата |
Ответственные") loses its grid when its PDF is copied as text: each cell comes on a line of
its own, and an event's name wraps around its other cells:

    Классы
    Ориентировочное время
    проведения
    Всероссийский открытый урок «ОБЖ» (урок подготовки детей к
    5-9
    01.09
    действиям в условиях различного рода чрезвычайных ситуаций)

Under a header line "Классы" (or "Класс"), a line of classes ("5-9", "10-11", "1") followed
by a date line ("01.09", "1 сентября", "2-4 октября") is a row: the date line is its term,
the lines before it since the last row are its event. Three rows at least, and two thirds
of the date lines closing a row (a plan scrambled further is read by its dated lines). A
module heading ("Модуль «Основные школьные дела»") is a section row.

Pure: lines in, rows out.
"""

from __future__ import annotations

import re

from roadmaps._dateforms import MONTH

__all__ = ["CLASS_HEAD", "class_rows"]

_HEAD = re.compile(r"^классы?$", re.IGNORECASE)
CLASS_HEAD = re.compile(r"^\s*классы?\s*$", re.IGNORECASE | re.MULTILINE)  # in a whole text
_CLASSES = re.compile(r"^[0-9]{1,2}(?:\s*[-–]\s*[0-9]{1,2})?(?:\s*(?:классы?|кл\.?))?$",
                      re.IGNORECASE)
# A term cell: "01.09", "1 сентября", "2-4 октября", "сентябрь", "В течение учебного года".
_TERM = re.compile(
    rf"^(?:(?:с\s+|до\s+)?[0-9]{{1,2}}(?:\s*[-–]\s*[0-9]{{1,2}})?(?:\s+{MONTH}|\.[0-9]{{2}}"
    rf"(?:\.[0-9]{{2,4}})?)(?:\s*[-–]\s*[0-9]{{1,2}}(?:\s+{MONTH}|\.[0-9]{{2}}))?"
    rf"|{MONTH}(?:\s*[-–]\s*{MONTH})?|в\s+течение\s+(?:учебного\s+)?(?:года|месяца|четверти))"
    r"(?:\s*[0-9]{4}\s*(?:г\.|года)?)?[,.;]?$", re.IGNORECASE)
_MODULE = re.compile(r"^(?:инвариантн\w*\s+|вариативн\w*\s+)?модуль\b", re.IGNORECASE)
_HEAD_WORD = re.compile(r"дат[аы]|срок|врем|проведени|ответствен|исполнител|мероприят|дела"
                        r"|примечан|организатор", re.IGNORECASE)
_MIN_ROWS = 3
_HEADER_LINES = 6  # the heads after "Классы": "Ориентировочное время" / "проведения" / ...
_MAX_GAP = 12  # lines without a row: the table is over


def class_rows(lines: list[str], start: int):
    """`(rows, end)` for a calendar plan from its "Классы" head at `start`, else None."""
    if not _HEAD.match(lines[start].strip()):
        return None
    index = start + 1
    heads = 0
    while index < len(lines) and heads < _HEADER_LINES:
        text = lines[index].strip()
        if _CLASSES.match(text) or _MODULE.match(text):
            break
        if text and not _HEAD_WORD.search(text):
            break  # the first event's name
        heads += bool(text)
        index += 1
    rows: list[tuple[int, list[str]]] = [(start, ["Мероприятие", "Классы", "Срок"])]
    event: list[str] = []
    event_at = index
    gap = last = 0
    end = index
    while index < len(lines) and gap <= _MAX_GAP:
        text = lines[index].strip()
        nxt = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if _CLASSES.match(text) and _TERM.match(nxt) and event:
            rows.append((event_at, [" ".join(event), text, nxt]))
            event, gap, last = [], 0, len(rows)
            index += 2
            end = index
            continue
        if _MODULE.match(text):
            rows.append((index, [text]))
            event = []
        elif text and not _CLASSES.match(text):
            if not event:
                event_at = index
            event.append(text)
        gap += 1
        index += 1
    paired = sum(1 for _, cells in rows if len(cells) == 3) - 1
    if paired < _MIN_ROWS:
        return None
    # Scrambled beyond this shape (dates torn from their classes: "10-13" / "октября"): most
    # date lines below the head must close a row, or the plan is better read by its dated
    # lines.
    dated = sum(1 for line in lines[start:] if _TERM.match(line.strip())
                and not line.strip().lower().startswith("в течение"))
    if paired < 2 * (dated - paired):
        return None
    return rows[:last], end
