"""Agendas and programmes of an event: they order nothing.

An agenda ("Порядок работы Государственной Думы 12 апреля 2016 года", a programme of a
seminar) lays its day out in time slots ("10.00 – 10.50 | О проекте федерального закона
...") and lists the questions to be heard ("О проекте ...", "Об утверждении ..."). The dates
in such a question ("(из календаря рассмотрения вопросов ... с 12 по 22 апреля 2016 года)")
refer to other acts; none is a deadline. A document read without a decision section or plan
table is an agenda when at least two of its lines hold a time slot of the day; its agenda
questions are then no items.

Pure: lines and items in, items out.
"""

from __future__ import annotations

import re

from roadmaps.items import RawItem

__all__ = ["drop_agenda_questions", "is_agenda"]

# "10.00 – 10.50", "14:00-14:50": a slot of the day. "10.01 – 21.01" may be two dates: a slot
# counts when a side cannot be a day and month ("10.00", "10.50": no month 00 or 50).
_SLOT = re.compile(r"(?<![\d.])(?:[01]?\d|2[0-3])[.:](?P<a>[0-5]\d)\s*[-–—]\s*"
                   r"(?:[01]?\d|2[0-3])[.:](?P<b>[0-5]\d)(?![\d.])")
# A question on an agenda: "О проекте ...", "Об утверждении ...", "Обо всём ...", in a cell of
# its own after the number and the time ("8.||О проекте федерального закона № 109453-4").
_QUESTION = re.compile(r"^(?:[0-9]{1,3}(?:\.[0-9]{1,3})*\.?\*?\s*)?(?:О|Об|Обо)\s+[а-яё]")


def _not_a_month(minutes: str) -> bool:
    return not 1 <= int(minutes) <= 12


def is_agenda(lines: list[str]) -> bool:
    """Whether at least two lines hold a time slot of the day."""
    slots = 0
    for line in lines:
        if ("." in line or ":" in line) and any(
                _not_a_month(m.group("a")) or _not_a_month(m.group("b"))
                for m in _SLOT.finditer(line)):
            slots += 1
            if slots >= 2:
                return True
    return False


def _is_question(text: str) -> bool:
    return any(_QUESTION.match(cell.strip()) for cell in text.split("|"))


def drop_agenda_questions(lines: list[str], raws: list[RawItem]) -> list[RawItem]:
    """`raws` without the agenda questions, when `lines` are an agenda (see the module doc)."""
    if not raws or not is_agenda(lines):
        return raws
    return [raw for raw in raws if not _is_question(raw.text)]
