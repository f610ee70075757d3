"""Schedules inside one item: an intro ending with ":" and a list of dated lines.

"Провести муниципальный этап олимпиады в следующие сроки: 24 ноября - география; 25 ноября -
физика; ..." and "провести экзамены: 9 классы – 25 мая; 11 классы – 27 мая" carry one date per
line and no deadline keyword in front of it. After such an intro ("в следующие сроки:",
"по следующему графику:", "в следующие даты:", "провести экзамены:") the bare dates of the
list count, one deadline each, and each becomes an item of its own: the intro with its line.

Pure: text in, deadlines and texts out.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from roadmaps.deadlines import Deadline, Period, find_deadlines
from roadmaps.words import has_action

__all__ = ["has_schedule", "intro_actions", "schedule_deadlines", "schedule_parts"]

_INTRO = re.compile(
    r"(?:(?:следующ\w+|установленн\w+)\s+(?:сроки|даты|графику|график|расписанию|порядке)"
    r"[^:;]{0,120}?"
    r"|по\s+графику|график\w*\s+(?:проведения|представления)[^:;]{0,80}"
    r"|(?:экзамен\w*|этап\w*|олимпиад\w*|туры|тур)(?:\s+\S+){0,3}?)\s*:",
    re.IGNORECASE,
)


_LINE = 240  # the longest schedule line: "9 классы – 25 мая 2022 г. (русский язык, ...)"


# "... завершить 2022/2023 учебный год: I классы - 25 мая 2023 года; II - X классы - ...":
# the verb of the clause before the colon orders what each line dates.
_CLAUSE_START = re.compile(r".*(?:[.;!?]\s|^)", re.DOTALL)
_ORDERED_LINE = re.compile(r"[^;:]{1,80}?\s[-–—]\s*[0-9]{1,2}[\s.]")


def _intro_end(text: str) -> int | None:
    """The end of the first schedule intro (its ":"), or None. Looked for only before each
    colon: most items have none, and a scan of the whole text for the words is slow. A colon
    after an order ("завершить ... учебный год:") whose next line reads "<who> - <date>"
    introduces a schedule too."""
    colon = text.find(":")
    while colon >= 0:
        m = _INTRO.search(text, max(0, colon - 200), colon + 1)
        if m is not None:
            return m.end()
        if _ORDERED_LINE.match(text, colon + 1):
            clause = text[max(0, colon - 200):colon]
            clause = clause[_CLAUSE_START.match(clause).end():]
            if has_action(clause):
                return colon + 1
        colon = text.find(":", colon + 1)
    return None


def has_schedule(text: str) -> bool:
    """Whether `text` holds a schedule intro ("по следующему графику:") with dates after it."""
    end = _intro_end(text)
    return end is not None and any(c.isdigit() for c in text[end:end + _LINE])


def schedule_deadlines(text: str, found: list[Deadline], *, reference: date | None,
                       period: Period | None, anchor: date | None = None
                       ) -> list[Deadline] | None:
    """The deadlines of a schedule item, one per dated line after its intro's ":"; None
    when `text` holds no schedule (fewer than two dated lines)."""
    end = _intro_end(text)
    if end is None:
        return None
    tail = find_deadlines(text[end:end + _LINE * 40], reference=reference, period=period,
                          bare=True, anchor=anchor)
    starts = [0] + [d.span[0] for d in tail]
    if len(tail) < 2 or any(b - a > _LINE for a, b in zip(starts, starts[1:], strict=False)):
        return None  # a schedule's lines are short: this is prose with dates in it
    # The intro's own date ("... в 2010 году по предметам:") frames the list: the lines
    # carry the deadlines.
    return [replace(d, span=(d.span[0] + end, d.span[1] + end)) for d in tail]


def schedule_parts(text: str, deadlines: list[Deadline]) -> list[str] | None:
    """One text per deadline of a schedule item: its intro and its own line; None when the
    item is not a schedule (see `schedule_deadlines`)."""
    end = _intro_end(text)
    if end is None or len(deadlines) < 2 or deadlines[0].span[0] < end:
        return None
    intro = text[:end].rstrip(" :")
    # One ";"-separated line a deadline, wherever the date stands in it ("9 классы – 25 мая").
    segments, pos = [], end
    for piece in text[end:].split(";"):
        segments.append((pos, pos + len(piece), piece))
        pos += len(piece) + 1
    owned = [[d for d in deadlines if a <= d.span[0] < b] for a, b, _ in segments]
    if all(len(o) <= 1 for o in owned) and sum(map(len, owned)) == len(deadlines):
        return [f"{intro}: {piece.strip(' ;,.')}" for (_, _, piece), o in zip(
            segments, owned, strict=True) if o]
    bounds = [d.span[0] for d in deadlines[1:]] + [len(text)]
    parts, pos = [], end
    for deadline, stop in zip(deadlines, bounds, strict=True):
        # A line runs from the end of the previous one (its ";") to the next line's start.
        piece = text[pos:stop]
        cut = max(piece.rfind(";"), -1) if stop != len(text) else -1
        line = piece[:cut] if cut > deadline.span[1] - pos else piece
        parts.append(f"{intro}: {line.strip(' ;,.')}")
        pos = pos + len(line) if cut > deadline.span[1] - pos else stop
    return parts


def intro_actions(text: str, deadlines: list[Deadline]) -> list[str] | None:
    """ "в срок до 1 марта 2010 года: обеспечить ...; разработать ...; провести ...": the
    actions after an intro that holds the one deadline, each a task due then; else None."""
    if len(deadlines) != 1:
        return None
    colon = text.find(":", deadlines[0].span[1])
    if colon < 0 or text[deadlines[0].span[1]:colon].strip(" ,"):
        return None  # the deadline must end the intro: "... до 1 марта 2010 года:"
    # "обеспечить: до 1 сентября 2014 года: готовность ...; завершение учета ...": the verb
    # stands before the deadline and each line names what it governs.
    governed = text.rfind(":", 0, deadlines[0].span[0]) >= 0 and has_action(
        text[:deadlines[0].span[0]])
    parts: list[str] = []
    for piece in (p.strip(" ;,.") for p in text[colon + 1:].split(";")):
        if piece and (governed or has_action(piece) or not parts):
            parts.append(piece)
        elif piece:  # no verb of its own: it goes on with the action before it
            parts[-1] = f"{parts[-1]}; {piece}"
    if len(parts) < 2 or not (governed or has_action(parts[0])):
        return None
    intro = text[:colon].strip()
    return [f"{intro}: {part}" for part in parts]
