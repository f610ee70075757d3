"""Deadlines in Russian official text: "в срок до 20 августа 2021 года", "ежемесячно", "I квартал".

Split by concept: the pattern is `roadmaps._dateforms`, placing its pieces on the calendar
`roadmaps._placing`, the words around a match that change its meaning (times of day, past
qualifiers, "далее – ежегодно") `roadmaps._context`, what one match means
`roadmaps._meaning`; this module joins the matches of a text into deadlines.

A pure module (no I/O, no database): text in, `Deadline` values out. The grammar is a regular
expression compiled once at import (`roadmaps._dateforms.MASTER`); `roadmaps._meaning`
decides what each match *means*.

What counts as a deadline
-------------------------
In running text a date is a deadline only behind a deadline keyword: "до", "в срок до",
"не позднее", "к", "срок исполнения –", "в течение", "до конца", "не позднее чем за N дней до".
A date that names an event ("протокол от 12.03.2021", "приказ ... от 10.06.2021 № 194") is
never one. Spans are deadlines behind "в"/"во" ("в сентябре 2021 года", "во II полугодии",
"в 2022 г.") unless the span ended before the document's `reference` date: "В 2021 году ... был
проведен мониторинг" in a 2022 protocol states the past. Academic years behind a bare "в"
("в 2021-2022 учебном году") are not deadlines in running text: in real protocols that phrase
frames the work ("дальнейшая работа в 2021-2022 учебном году") rather than dating it; "в течение
2021-2022 учебного года" is one. "на 2021-2022 учебный год" names the period a plan covers
and "за 2021/22 учебный год" the period a report covers: periods (see `find_period`), never
deadlines. In a "Срок" cell (`cell=True`) bare forms count too ("сентябрь 2021", "15.09.2021").

How dates resolve
-----------------
* A date, month or quarter without a year is the first one that does not end before the
  *anchor*: `period.start` when a period is inherited, else `reference`; with neither it is
  skipped (we do not guess a year).
* "до конца года/квартала/месяца/учебного года" is the one containing `reference` (or
  `period.start` when there is no reference).
* Months, quarters, half-years, years, academic years and ranges: `due` is the last day,
  `start` the first. "до конца ..." and "не позднее ..." give only `due`.
* "до/к" + a span ("до сентября 2021", "к 2025 году") means *before* it: the day before it
  starts, flagged `approximate` because usage is loose.
* Relative durations ("в течение месяца", "в 10-дневный срок", "за 5 рабочих дней до ...") count
  from `reference`, are `approximate`, and are skipped without a reference. Working days
  are those of the Russian production calendar (`tracker.core.workdays`, the planner's).
* Recurrence words (ежедневно, еженедельно, ежемесячно, ежеквартально, ежегодно, постоянно,
  "в течение года") join a time expression right next to them ("ежемесячно в течение 2022
  года"); alone they take the inherited `period`, or have `due=None` without one. "в течение
  года" (no number) is CONTINUOUS over the inherited period, not the reference's calendar year,
  because the plan's year is often an academic one.
* An impossible date ("31 февраля 2022", "32.01.2022", month 13, "III полугодие") raises
  `DeadlineError` naming the phrase: never a silent guess.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
from dataclasses import dataclass, replace
from datetime import date

from roadmaps import _context as C
from roadmaps import _dateforms as F
from roadmaps import _placing as P
from roadmaps._meaning import PERIOD_KINDS, RANGE_KINDS, REC_KINDS, Reading, kw_class, read_safely
from roadmaps._placing import DeadlineError, Period
from tracker.core.enums import Recurrence

__all__ = ["Deadline", "DeadlineError", "Period", "find_deadlines", "find_period", "parse_deadline"]


@dataclass(frozen=True)
class Deadline:
    """One deadline phrase found in a text.

    `due` is the deadline (the END of a month/quarter/year/range/period); None only for a
    recurrence without any known period. `text` is the phrase exactly as written and
    `text == source[span[0]:span[1]]`. `start` is the start of the period the phrase names.
    `approximate` marks genuinely fuzzy reads (relative durations, "до сентября").
    """

    due: date | None
    text: str
    span: tuple[int, int]
    start: date | None = None
    recurrence: Recurrence | None = None
    approximate: bool = False


def _after_event_word(text: str, start: int, bare: bool = False) -> bool:
    """ "№ 15.09" or a lone "с 01.09.2021" (when something starts) right before `start`; with
    `bare` (an item with no deadline phrase) the day something starts is its date."""
    before = text[max(0, start - 12) : start].rstrip()
    if before.endswith("№") or _GLUED_FROM.search(before):
        return True  # "№ 15.09"; "к приказу № 02-04-1от 05.01.2023" (its "от" glued on)
    return not bare and (before.lower() in ("с", "c") or before[-2:].lower() in (
        " с", " c", "(с", "(c"))


_GLUED_FROM = re.compile(r"[0-9]от$", re.IGNORECASE)


# --- the API ----------------------------------------------------------------------------------


def find_deadlines(
    text: str, *, reference: date | None = None, period: Period | None = None,
    cell: bool = False, bare: bool = False, anchor: date | None = None,
) -> list[Deadline]:
    """All deadline phrases in `text`, in order (see `_find`). Inside `memo()` answers are
    remembered: the parser asks about the same paragraph several times per document.

    :raises DeadlineError: for an impossible date in a deadline position.
    """
    if not text:
        return []
    cache = _MEMO.get()
    if cache is None:
        return _find(text, reference=reference, period=period, cell=cell, bare=bare,
                     anchor=anchor)
    key = (text, reference, period, cell, bare, anchor)
    found = cache.get(key)
    if found is None:
        found = cache[key] = tuple(_find(text, reference=reference, period=period, cell=cell,
                                         bare=bare, anchor=anchor))
    return list(found)


# Every deadline phrase holds a digit or one of these stems (keep in step with _dateforms:
# month words, recurrence words, "в течение года/квартала/месяца", ordinals in words, "раз в").
_DIGIT = re.compile(r"[0-9]")
_WORDY = re.compile(r"янв|фев|мар|апр|ма[йяею]|июн|июл|авг|сен|окт|ноя|дек|еже|постоян|год|"
                    r"квартал|полугод|месяц|месяч|недел|период|сут|кв|дн|ден|срок|раз|дважд|ii|iv|перв|втор"
                    r"|кажд|декад"
                    r"|трет|четв",
                    re.IGNORECASE)
_HAS_YEAR = re.compile(r"[0-9]{4}|[./][0-9]{2}\b")
_LIST_GAP = re.compile(r"(?:[\s,;]|\bи\b)*")
_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("deadline_memo",
                                                                   default=None)


@contextlib.contextmanager
def memo():
    """Remember `find_deadlines` answers for the duration (one document's parse)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _find(
    text: str, *, reference: date | None = None, period: Period | None = None,
    cell: bool = False, bare: bool = False, anchor: date | None = None,
) -> list[Deadline]:
    """All deadline phrases in `text`, in order.

    `reference` is the document's date: a date without a year is the first such date on or
    after it; with no reference and no period such a date is skipped. `period` is inherited
    from a parent item ("на 2021-2022 учебный год"): recurring phrases keep it (due =
    period.end, start = period.start) and yearless dates resolve within/after period.start.
    `cell=True`: the whole text is a "Срок" column or a "Срок:" field, so bare dates, months
    and years count as deadlines. `bare=True`: a date with no keyword counts too (an item
    that names the day of its event: "Открыть лагерь 1 июня 2022 г."), event dates aside.
    Times of day next to a date are not dates ("до 12.00 14.03.2022", see `_context`).
    `anchor` places dates without a year when there is neither `reference` nor `period` (an
    undated document); relative durations still need `reference`.

    :raises DeadlineError: for an impossible date in a deadline position.
    """
    if not text or (_DIGIT.search(text) is None and _WORDY.search(text) is None):
        return []  # no digit, no month, no recurrence or span word: nothing to scan for
    ctx = P.Ctx(reference, period, anchor)
    scan = C.mask_ordinal_days(C.mask_times(text))
    hits: list[tuple[int, int, Reading, bool]] = []  # start, end, reading, is a recurrence word
    merged_last = False
    listed_to = -1  # the end of the last date read under "Срок:" / "сроки", or of its list
    for m in F.MASTER.finditer(scan):
        s, e = m.span()
        if m.group("kw") is None and m.group("srok") is None and _after_event_word(
                scan, s, bare):
            continue
        kind = m.lastgroup
        last_is_word = bool(hits) and hits[-1][3] and not merged_last
        joins = bool(hits) and F.JOINABLE_GAP.match(scan, hits[-1][1], s) is not None
        reading = read_safely(m, ctx, cell, bare)
        in_list = (listed_to >= 0 and kind == "A_date" and m.group("kw") is None
                   and _LIST_GAP.fullmatch(scan, listed_to, s) is not None)
        if reading is None and in_list:
            # "Дополнительные сроки 15 марта 2023 года 15 мая 2023 года": a list after "сроки"
            reading = read_safely(m, ctx, True)
        follows_word = joins and last_is_word
        if reading is None and follows_word and kind not in REC_KINDS:
            reading = read_safely(m, ctx, True)  # "ежегодно 15 сентября": the word is the keyword
        if reading is None:
            continue
        is_word = kind in REC_KINDS
        if kind == "A_date" and (tail := C.yearly_tail(scan, e)) is not None:
            e, reading = tail, replace(reading, recurrence=Recurrence.YEARLY)
        elif kind == "A_date" and not _HAS_YEAR.search(m.group()) and (
                tail := C.this_year_tail(scan, e)) is not None:
            # "не позднее 1 сентября текущего года", "до 10 октября соответствующего года":
            # a yearly duty of a regulation, with no first year of its own
            e, reading = tail, Reading(None, recurrence=Recurrence.YEARLY)
        if not follows_word and last_is_word and kind in RANGE_KINDS \
                and C.RANGE_GAP.match(scan, hits[-1][1], s) is not None:
            follows_word = True  # "еженедельно по вторникам с 10.01 по 28.02": the range bounds it
        if follows_word and not is_word:  # "ежемесячно в течение 2022 года"
            ps, _, word, _ = hits.pop()
            hits.append((ps, e, replace(reading, recurrence=word.recurrence), False))
            merged_last = True
            continue
        if is_word and hits and not merged_last and not hits[-1][3] and (
                joins and hits[-1][2].spanlike
                or C.THEN_GAP.match(scan, hits[-1][1], s) is not None):
            # "в течение 2022 года ежемесячно", "до 1 марта 2022 г., далее – ежегодно"
            ps, _, span, _ = hits.pop()
            hits.append((ps, e, replace(span, recurrence=reading.recurrence), False))
            merged_last = True
            continue
        hits.append((s, e, reading, is_word))
        merged_last = False
        listed = kind == "A_date" and (m.group("srok") is not None or in_list)
        listed_to = e if listed else -1
    if len(hits) > 1 and all(h[2].recurrence and h[2].due == hits[0][2].due for h in hits):
        hits = [_one_recurrence(hits)]
    return [
        Deadline(r.due, text[s:e], (s, e), r.start, r.recurrence, r.approximate)
        for s, e, r, _ in hits
    ]


def _one_recurrence(hits):
    """ "В срок до 20 числа месяца, следующего за отчетным, представлять ежеквартальный
    отчет": one duty; the word that names the period wins over the default of a reporting
    day ("месяца" = monthly) and over "в течение года" (continuous)."""
    def rank(hit):
        reading = hit[2]
        return (reading.recurrence is Recurrence.CONTINUOUS, reading.dayof)
    best = min(hits, key=rank)
    return (hits[0][0], hits[-1][1], best[2], False)


def parse_deadline(
    text: str, *, reference: date | None = None, period: Period | None = None, cell: bool = False
) -> Deadline | None:
    """The last deadline in `text` (the effective one: later wording amends earlier), or None.

    :raises DeadlineError: as `find_deadlines`.
    """
    found = find_deadlines(text, reference=reference, period=period, cell=cell)
    return found[-1] if found else None


def find_period(text: str, *, reference: date | None = None) -> Period | None:
    """The first period a heading or parent item names for its children, or None.

    "на 2021-2022 учебный год" and "в 2021-2022 учебном году" (2021-09-01..2022-08-31),
    "на 2022 год", "в I квартале 2022 года", "с 10.01.2022 по 21.01.2022", a bare
    "2021/2022 учебный год". Spans behind "за" (a report's period), "от", "до", "по" are not
    periods for children. A quarter or month without a year resolves from `reference`.

    :raises DeadlineError: for an impossible date in such a phrase.
    """
    if not text:
        return None
    ctx = P.Ctx(reference, None)
    for m in F.MASTER.finditer(text):
        kind = m.lastgroup or ""
        if kind not in PERIOD_KINDS:
            continue
        if kw_class(m.group("kw")) not in (None, "in", "during", "on"):
            continue
        if kind == "A_year" and m.group("yrs") is None or kind == "A_years" and m.group(
                "yss") is None:
            continue
        try:
            found = P.bounds(kind, m, ctx, m.group())
        except DeadlineError:
            raise
        except (ValueError, OverflowError) as exc:
            raise DeadlineError(m.group(), str(exc)) from None
        if found is not None:
            return Period(*found)
    return None
