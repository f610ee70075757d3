"""Documents with no decision marker and no plan table: read their points and dated lines.

Lists of instructions, letters, regulations and many orders carry deadlines without a
"ПОСТАНОВИЛИ:" or a "Срок" column. Refusing them would make the user type them in, so
`loose_items` reads, from the first numbered point or dated line on:

* numbered and lettered points ("1.", "2.3", "а)") and bullets that order something (an
  infinitive) or hold a deadline, with the lines that continue them;
* any other paragraph that holds a deadline ("необходимо представить в срок до ...",
  "Муниципальный этап проводится с 15 ноября по 20 декабря 2022 г.");
* schedule lines under an intro ending with ":" ("по следующему графику:" then
  "15.03.2022 – математика;"; a title "График проведения ... в 2020 году:" too), whose
  bare dates count (`bare_dates` is set on them); under an intro that names the times
  ("Сроки проведения:", "... проводится:") every bullet is such a line;
* a calendar: three or more lines that each begin with their date ("26 АПРЕЛЯ Установочный
  вебинар", "ДО 21 МАЯ Региональный этап", "29 МАЯ — 15 ИЮНЯ Работа жюри"): the leading
  date is the line's "Срок" cell, as in a two-column table;
* in a list of instructions, a "Доклад – до 1 июля 2022 г., далее – ежегодно" or "Срок –"
  line after lettered sub-items belongs to the point above them, not to the last sub-item;
* in a plan or a roadmap (`rows`), numbered points are table rows run into lines: their
  bare dates are their "Срок" cells;
* a list marker alone on its line ("-", "1)", as web pages lay out lists) marks the next line.

A document that names itself a schedule ("Расписание", "План-график", "Календарный план")
may hold no deadline word at all: `bare=True` reads every dated line as one of it
("24 мая (среда) |" / "история, физика |"), a line beginning with a date beginning a
paragraph. `mark_summaries` then takes back a paragraph that only sums the span of the
dated lines below it ("В период с 13 по 22 октября ... будут проводиться ...").

`Reading` says which of these the document gave, for the preview ("приказ, пункты с 1 по
7"; "письмо: строки со сроками"; "график: строки расписания с датами").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date

from roadmaps.deadlines import DeadlineError, find_deadlines
from roadmaps.items import RawItem
from roadmaps.labels import parent_of, split_label
from roadmaps.parsed import ParsedItem
from roadmaps.schedules import has_schedule
from roadmaps.words import has_action, is_infinitive

__all__ = ["Reading", "loose_items", "mark_summaries"]


@dataclass(frozen=True)
class Reading:
    """How a document was read. `mode`: "section" (a decision marker), "points" (an order's
    points from "1."), "table", "loose_points" (numbered points, no marker),
    "deadline_lines" (only lines with deadlines), "dated_lines" (a schedule's lines with a
    date and no deadline word), or a mix "table+section"."""

    mode: str
    first_label: str | None = None
    last_label: str | None = None


_REPORT_LINE = re.compile(r"^(?:доклад|срок\w*|информаци\w+|отч[её]т|ответственн\w*|отв\.)"
                          r"\s*(?:[-–—:]|\s+о\s|\s+до\s)", re.IGNORECASE)
_SCHEDULE_INTRO = re.compile(r"(?:график\w*|срок\w*|даты|расписани\w*|этап\w*|экзамен\w*"
                             r"|следующ\w+|провести|проводится|проводятся)[^:]*:\s*$",
                             re.IGNORECASE)
# A schedule intro that names the times themselves, not only "the following ...": its
# bullets are its dated lines ("... проводится:" then "- в основную дату - ... (06 декабря
# 2023г.);"); the bullets under "в соответствии со следующими актами:" are not.
_TIMED_INTRO = re.compile(r"(?:график\w*|срок\w*|даты|расписани\w*)[^:]*:\s*$"
                          r"|(?:проводится|проводятся|пров[её]дут)\s*:\s*$", re.IGNORECASE)
_STARTS_WITH_DATE = re.compile(r"^\s*[0-9]{1,2}(?:\s?\.\s?[0-9]{1,2}\s?\.\s?[0-9]{2,4}|\s+[а-яё]+)")
_ENDS_WITH_DATE = re.compile(r"[-–—]\s*[0-9]{1,2}(?:\s?\.\s?[0-9]{1,2}(?:\s?\.\s?[0-9]{2,4})?"
                             r"|\s+[а-яё]+(?:\s+[0-9]{4})?)(?:\s*г(?:ода|\.)?)?\s*[;.,]?\s*$",
                             re.IGNORECASE)
_SENTENCE_END = (".", ";", ":", "!", "?")
_MONTH_WORD = (r"(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр"
               r"|декабр)[а-яё]*")
_DAY = rf"[0-9]{{1,2}}(?:\s+{_MONTH_WORD}|\s?\.\s?[0-9]{{1,2}}(?:\s?\.\s?[0-9]{{2,4}})?)"
# "26 АПРЕЛЯ", "ДО 21 МАЯ", "22 — 28 МАЯ", "29 МАЯ — 15 ИЮНЯ", "15.03.2022", then the event
_CALENDAR_LEAD = re.compile(
    rf"^\s*(?:до\s+)?(?:[0-9]{{1,2}}\s*[-–—]\s*)?{_DAY}(?:\s*[-–—]\s*{_DAY})?"
    rf"(?:\s+[0-9]{{4}}(?:\s*г(?:ода|\.)?)?)?(?=\s+[А-ЯЁA-Z])", re.IGNORECASE)
# "24 мая (среда) |", "9, 10 ноября", "15.03.2022 –": a line that begins with a day
_DATE_START = re.compile(rf"\s*[0-9]{{1,2}}(?:\s*[-–—,]\s*[0-9]{{1,2}})?\s+{_MONTH_WORD}"
                         r"|\s*[0-9]{1,2}\.[0-9]{2}(?:\.[0-9]{2,4})?(?![0-9])", re.IGNORECASE)
# A line of a pseudo-graphic table: a rule ("┌────┬───", "|-----+----") or a row drawn
# between bars ("│ N │ Пошаговые │ ... │").
_DRAWN = re.compile(r"^\s*(?:[┌├└╔╠╚+|│¦/\\][-─═┬┼┴+]{3}|[|│¦](?:[^|│¦]*[|│¦]){2,}\s*$)")
_CALENDAR_MIN = 3  # lines beginning with a date that make a calendar
# "15.03.2022 – математика;" / "9 классы – 25 мая 2022 г.;": a line of a schedule
_SCHEDULE_LINE = re.compile(r"^\s*[0-9]{1,2}\s?\.\s?[0-9]{1,2}(?:\s?\.\s?[0-9]{2,4})?\s*[-–—]"
                            r"|[-–—]\s*[0-9]{1,2}(?:\s?\.\s?[0-9]{1,2}|\s+[а-яё]{3,})")


# Whether a line holds a deadline does not depend on the year: an undated page ("13
# октября – русский язык" under "График ... в 2020 году:") gets its year from the intro's
# period or the anchor when the items are finished.
_ANY_YEAR = date(2000, 1, 1)


def _dated(text: str, reference: date | None, bare: bool) -> bool:
    try:
        return bool(find_deadlines(text, reference=reference or _ANY_YEAR, bare=bare))
    except DeadlineError:
        return True  # an impossible date in a deadline: keep the line, the parser reports it


def loose_items(lines: list[str], *, reference: date | None, skip: set[int],
                start: int = 0, title_at: int | None = None, bare: bool = False,
                rows: bool = False) -> tuple[list[RawItem], Reading]:
    """The items of a document without a decision section (see the module docstring).

    `lines` are the whole document (0-based), `skip` the lines of tables, `start` the first
    line to read, `title_at` the line naming the document's kind: its paragraph is the
    title ("План мероприятий ... к 2011/2012 учебному году"), never an item. `bare`: the
    document names itself a schedule ("Расписание", "План-график", "Календарный план") and
    no line holds a deadline phrase: every dated line is one of the schedule, and a line
    that begins with a date begins a paragraph ("24 мая (среда) |" / "история, физика |").
    `rows`: the document is a plan or a roadmap, whose numbered points are its rows run
    into lines ("3. Организация концертной программы ... 21 апреля 2012 г. Управление
    культуры"): their bare dates are their "Срок" cells. Returns the items in order and how
    the document was read.
    """
    # The lines of a drawn table that could not be rebuilt: its cells make no sentence.
    skip = skip | {index for index, line in enumerate(lines) if _DRAWN.match(line)}
    paragraphs = list(_paragraphs(lines, skip, start, dated_starts=bare))
    # The original line: "22 — 28 МАЯ ..." would otherwise read as point 22.
    leads = {lineno: m.group().strip() for lineno, label, bullet, text in paragraphs
             if not bullet and (m := _CALENDAR_LEAD.match(lines[lineno - 1]))}
    if len(leads) < _CALENDAR_MIN:
        leads = {}
    raws: list[RawItem] = []
    numbered = dated = 0
    intro: RawItem | None = None  # the last kept point ending with ":"
    schedule = False  # under a "по следующему графику:" intro
    timed = False  # ... one that names the times ("Сроки проведения:", "проводится:")
    for lineno, label, bullet, text in paragraphs:
        if lineno - 1 == title_at:
            # the kind line and the title that continues it; a title that introduces a
            # schedule ("График проведения ... в 2020 году:") still heads its lines
            schedule = text.rstrip().endswith(":") and bool(_SCHEDULE_INTRO.search(text))
            timed, intro = schedule and bool(_TIMED_INTRO.search(text)), None
            continue
        if lineno in leads and label is not None:
            first = lines[lineno - 1].strip()
            text, label = first + text[len(split_label(first)[1]):], None
        # Under a schedule's intro a bullet is one of its lines wherever its date stands
        # ("- в основную дату - в первую среду декабря (06 декабря 2023г.);").
        is_schedule = bare or rows and label is not None and not label.isalpha() or (
            schedule and (bullet and timed or _STARTS_WITH_DATE.match(text)
                          or _ENDS_WITH_DATE.search(text)))
        if label is None and not bullet and not is_schedule and raws and _REPORT_LINE.match(text):
            top = _top(raws)
            if top is not None and top.children:
                top.text = top.text.rstrip() + " " + text  # "Доклад – до ..." of point 1
                top.intro_forced = True
                continue
            if raws[-1].label is not None:  # "Срок – до ...", "Ответственные: ..." of a point
                raws[-1].text = raws[-1].text.rstrip() + " " + text
                continue
        parent = None
        if label is not None:
            parent = parent_of(label, raws, 0)
        elif (bullet or is_schedule) and intro is not None:
            parent = intro
        lead = leads.get(lineno)
        has_deadline = lead is not None or _dated(text, reference,
                                                  bool(is_schedule) or has_schedule(text))
        keep = has_deadline or ((label is not None or bullet) and (
            has_action(text) or parent is not None and _orders(parent.text)))
        if not keep:
            if label is None and not bullet:
                # "Основной срок:" alone, then "8 февраля 2023 года.": a schedule's intro
                # that holds no date itself
                schedule = text.rstrip().endswith(":") and bool(_SCHEDULE_INTRO.search(text))
                timed = schedule and bool(_TIMED_INTRO.search(text))
                if schedule:
                    intro = None
            continue
        raw = RawItem(label=label, text=text, line=lineno, parent=parent,
                      bare_dates=bool(is_schedule), due_cells=[lead] if lead else [])
        if parent is not None:
            parent.children += 1
        raws.append(raw)
        numbered += label is not None
        dated += has_deadline
        if text.rstrip().endswith(":"):
            intro, schedule = raw, bool(_SCHEDULE_INTRO.search(text))
            timed = schedule and bool(_TIMED_INTRO.search(text))
        elif label is not None and "." not in label and not label.isalpha() and not bullet:
            intro, schedule = (raw if text.rstrip().endswith(":") else None), False
    labels = [r.label for r in raws if r.label and "." not in r.label and not r.label.isalpha()]
    if bare:
        return raws, Reading("dated_lines")
    if numbered:
        return raws, Reading("loose_points", labels[0] if labels else None,
                             labels[-1] if labels else None)
    return raws, Reading("deadline_lines")


def _orders(intro: str) -> bool:
    """ "... субъектов обеспечить:": an intro whose last words order what its sub-items list
    (not "... в котором указываются:")."""
    words = intro.rstrip(" :").split()[-3:]
    return any(is_infinitive(w.strip(",.;")) for w in words)


def _top(raws: list[RawItem]) -> RawItem | None:
    """The last top-level point (the one lettered sub-items hang under)."""
    for raw in reversed(raws):
        if raw.parent is None and raw.label and not raw.label.isalpha():
            return raw
    return None


_LONE_MARKER = re.compile(r"[-•–—*·▪●○■]|[0-9]{1,2}\)|[а-я]\)")


def _paragraphs(lines: list[str], skip: set[int], start: int, dated_starts: bool = False):
    """(1-based line, label, is a bullet, text) of each paragraph from `start` on.

    A paragraph is a labelled line or a line after a blank or a finished sentence, with the
    lines that continue it (no blank between, no label, the previous line unfinished or this
    one starting in lower case). A list marker alone on its line ("-", "1)", as web pages
    lay out their lists) marks the line after it. With `dated_starts` a line that begins
    with a date begins a paragraph."""
    current: list | None = None
    marker = ""  # a list marker alone on its line ("-", "1)"): a web page's list item
    for index in range(start, len(lines)):
        line = lines[index].strip()
        if index in skip or not line:
            if current:
                yield tuple(current)
            current = None
            continue
        if _LONE_MARKER.fullmatch(line):
            marker = line
            continue
        if marker:
            line, marker = f"{marker} {line}", ""
        label, body, bullet = split_label(line)
        continues = (current is not None and label is None and not bullet
                     and not (dated_starts and _DATE_START.match(line))
                     and (not current[3].endswith(_SENTENCE_END) or line[:1].islower()
                          or current[3].endswith((":", ";")) and _SCHEDULE_LINE.search(line)))
        if continues:
            current[3] = f"{current[3]} {line}"
            continue
        if current:
            yield tuple(current)
        current = [index + 1, label, bullet, body]
    if current:
        yield tuple(current)


_DATE_LIKE = re.compile(r"[0-9]{1,2}\s?\.\s?[0-9]{1,2}\s?\.\s?[0-9]{2,4}"
                        r"|[0-9]{1,2}\s+(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр)",
                        re.IGNORECASE)


def unused_dates(lines: list[str], raws: list[RawItem], *, reference: date | None,
                 skip: set[int], limit: int = 30) -> list[tuple[int, str]]:
    """(1-based line, text) of the lines outside tables that hold a deadline phrase but are
    part of no item (an item runs from its first line to the next blank line or item): what
    the preview asks the user to look at."""
    starts = sorted({r.line for r in raws})
    blanks = [0]  # blanks[i]: blank lines among lines[0:i]
    for raw_line in lines:
        blanks.append(blanks[-1] + (not raw_line.strip()))
    found: list[tuple[int, str]] = []
    for index, raw_line in enumerate(lines):
        line = " ".join(raw_line.split())
        if index in skip or not line or not _DATE_LIKE.search(line):
            continue
        at = bisect.bisect_right(starts, index + 1) - 1
        if at >= 0 and blanks[index] == blanks[starts[at] - 1]:
            continue  # inside the item that starts at starts[at]
        if _dated(line, reference, False):
            found.append((index + 1, line))
            if len(found) >= limit:
                break
    return found


_FUTURE = re.compile(r"\b(?:будут|будет)\s+[а-яё]+", re.IGNORECASE)  # "будут проводиться"


def mark_summaries(items: list[ParsedItem]) -> None:
    """A paragraph that orders nothing and names the span the dated lines after it fall in
    ("В период с 13 октября по 22 октября ... будут проводиться диагностические работы", then
    "13 октября – русский язык", ...) sums them up: not a task of its own."""
    for index, item in enumerate(items):
        if not item.actionable or item.start is None or item.due is None or item.recurrence \
                or has_action(_FUTURE.sub("", item.text)):
            continue
        inside = [other for other in items[index + 1:] if other.actionable and other.due
                  and other.start is None and item.start <= other.due <= item.due]
        if len(inside) >= 2:
            item.actionable = False
