"""What one match of the deadline grammar means (a part of `roadmaps.deadlines`).

`read_safely(match, ctx, strong, bare)` turns a match of `roadmaps._dateforms.MASTER` into a
`Reading` (a due date, a start, a recurrence, how fuzzy), or None when the words around it
say it is no deadline (an event date, a past span, a target, a validity): the rules are in
`roadmaps.deadlines`' docstring. Placing on the calendar: `roadmaps._placing`; the words
around a match: `roadmaps._context`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from re import Match

from roadmaps import _context as C
from roadmaps import _dateforms as F
from roadmaps import _placing as P
from roadmaps._placing import DeadlineError
from tracker.core.enums import Recurrence

__all__ = ["PERIOD_KINDS", "RANGE_KINDS", "REC_KINDS", "Reading", "kw_class", "read_safely"]


@dataclass(frozen=True)
class Reading:
    """What one matched atom means. `spanlike` readings may take a recurrence word after them."""

    due: date | None
    start: date | None = None
    recurrence: Recurrence | None = None
    approximate: bool = False
    spanlike: bool = False
    dayof: bool = False  # "до 5 числа месяца, следующего за отчетным": monthly unless said


_RECURRENCE_WORDS = {
    "ежедневно": Recurrence.DAILY,
    "еженедельно": Recurrence.WEEKLY,
    "ежемесячно": Recurrence.MONTHLY,
    "ежеквартально": Recurrence.QUARTERLY,
    "ежегодно": Recurrence.YEARLY,
    "ежеполугодно": Recurrence.HALF_YEARLY,
}
_SPAN_KINDS = frozenset(
    {"A_month", "A_mrange", "A_quarter", "A_half", "A_year", "A_years", "A_acad", "A_drange"}
)
PERIOD_KINDS = _SPAN_KINDS | {"A_range"}
RANGE_KINDS = frozenset({"A_range", "A_drange", "A_mrange"})
REC_KINDS = frozenset({"A_rec", "A_dayof", "A_freq"})
_FREQ_UNITS = {"полгода": Recurrence.HALF_YEARLY, "полугодие": Recurrence.HALF_YEARLY,
               "полугодия": Recurrence.HALF_YEARLY, "полугодии": Recurrence.HALF_YEARLY,
               "квартал": Recurrence.QUARTERLY, "месяц": Recurrence.MONTHLY,
               "неделю": Recurrence.WEEKLY, "год": Recurrence.YEARLY, "день": Recurrence.DAILY,
               "сутки": Recurrence.DAILY}


def kw_class(kw: str | None) -> str | None:
    """The role of a keyword: by, nlt (не позднее), before (за), end, in, during, on, event..."""
    if kw is None:
        return None
    words = " ".join(kw.lower().replace("ё", "е").split())
    if words == "за" or words.endswith(" за"):
        return "before"
    if "позд" in words or "позж" in words:
        return "nlt"
    if words in ("до конца", "до окончания", "к концу", "к окончанию"):
        return "end"
    if words.startswith("в течени") or words == "в период":
        return "during"
    return {
        "до": "by", "к": "by", "в срок до": "by", "в срок": "by",
        "в": "in", "во": "in", "на": "on", "по": "through", "от": "event",
    }.get(words, "event")


_CUR_RELATIVE = {"квартала": (3, "месяц"), "полугодия": (6, "месяц"), "месяца": (1, "месяц"),
                 "недели": (1, "недел")}


def _cur(m: Match, kwc: str | None, ctx: P.Ctx) -> Reading | None:
    """ "года", "учебного года", "квартала"... after "в течение" or "до конца"."""
    unit = " ".join(m.group("cur").lower().replace("уч.", "учебного ").split())
    if kwc == "end":
        found = P.current(unit, ctx)
        return Reading(found[1]) if found else None
    if kwc != "during":
        return None
    if unit in _CUR_RELATIVE:  # "в течение месяца": from the document's date, loosely
        if ctx.reference is None:
            return None
        n, what = _CUR_RELATIVE[unit]
        return Reading(P.after(ctx.reference, n, what, False), approximate=True)
    if ctx.period:
        span = (ctx.period.start, ctx.period.end)
    elif unit not in ("года", "периода", "месячника", "декады"):
        span = P.current(unit, ctx)  # "в течение учебного года": the current one
    else:
        span = None
    if span is None:
        return Reading(None, recurrence=Recurrence.CONTINUOUS, spanlike=True)
    return Reading(span[1], span[0], Recurrence.CONTINUOUS, spanlike=True)


_EVERY = {"месяц": Recurrence.MONTHLY, "квартал": Recurrence.QUARTERLY, "год": Recurrence.YEARLY,
          "день": Recurrence.DAILY}


_ADJECTIVES = {"ежегодн": Recurrence.YEARLY, "ежемесячн": Recurrence.MONTHLY,
               "еженедельн": Recurrence.WEEKLY, "ежеквартальн": Recurrence.QUARTERLY}


def _every(word: str) -> Recurrence | None:
    """ "каждый понедельник" (weekly), "каждый месяц" (monthly), "(проведение)
    ежегодного" (yearly)..."""
    for stem, recurrence in _ADJECTIVES.items():
        if word.startswith(stem):
            return recurrence
    if not word.startswith("кажд"):
        return None
    return _EVERY.get(word.split()[-1], Recurrence.WEEKLY)


def _recurring(m: Match, kind: str, ctx: P.Ctx) -> Reading:
    """A recurrence word (with its reporting day), over the inherited period if there is one."""
    if kind == "A_rec":
        word = " ".join(m.group("recw").lower().split())
        recurrence = _RECURRENCE_WORDS.get(word) or _every(word) or Recurrence.CONTINUOUS
    elif kind == "A_freq":
        unit = (m.group("fu") or "полгода").lower()  # "2 раза в год", "дважды в год"
        recurrence = _FREQ_UNITS.get(unit, Recurrence.HALF_YEARLY)
    else:  # "до 5 числа каждого месяца" with no recurrence word
        whose = f"{m.group('fo') or ''} {m.group('fp') or ''}".lower()
        recurrence = (Recurrence.QUARTERLY if "квартал" in whose else Recurrence.YEARLY
                      if "год" in whose else Recurrence.MONTHLY)
    dayof = kind == "A_dayof"
    if ctx.period:
        return Reading(ctx.period.end, ctx.period.start, recurrence, dayof=dayof)
    return Reading(None, recurrence=recurrence, dayof=dayof)


def _read(m: Match, ctx: P.Ctx, strong: bool, bare: bool = False) -> Reading | None:
    """The meaning of one match, or None when it is not a deadline (see `roadmaps.deadlines`).

    `strong`: the text is a "Срок" cell, or follows "Срок:" or a recurrence word, so bare
    forms count. `bare`: a full date with no keyword counts ("Открыть лагерь 1 июня").
    """
    kind = m.lastgroup or ""
    kwc = kw_class(m.group("kw"))
    strong = strong or m.group("srok") is not None
    phrase = m.group()
    if kwc == "event" or (kwc == "before" and kind != "A_rel"):
        return None
    if kind not in REC_KINDS and (C.stated_after(m.string, m.end())
                                   or kwc in ("by", "nlt") and C.validity(m.string, m.start())):
        return None  # "к 2016 году предусмотрено ...": a target; "сроком действия до": validity
    if kind in ("A_year", "A_years") and kwc == "by" and C.horizon(m.string, m.start()):
        return None  # "на среднесрочный период до 2013 года": what a programme covers
    if kind in _SPAN_KINDS and kwc in (None, "in", "through", "during") and (
            C.is_past(m.string, m.start()) or not strong and C.in_quotes(m.string, m.start())):
        # "установленных в 2019 году", "по итогам 2022 года": what was done; «ЕГЭ в 2015
        # году»: a title
        return None
    if kind in REC_KINDS:
        if kind == "A_dayof" and kwc not in ("by", "nlt"):
            return None
        return _recurring(m, kind, ctx)
    if kind == "A_cur":
        return _cur(m, kwc, ctx)
    if kind in ("A_dur", "A_dur2"):
        if ctx.reference is None or kwc != ("during" if kind == "A_dur" else "in"):
            return None
        if C.from_event(m.string, m.end()) or not strong and C.in_quotes(m.string, m.start()):
            return None  # "... со дня его поступления"; «... в течение тридцати дней» quoted
        if kind == "A_dur":
            n, unit, working = F.count(m.group("dn")), m.group("du"), bool(m.group("dk"))
        else:
            words = m.group("d2w").lower()
            n = F.count(m.group("d2n")) if m.group("d2n") else F.count(words) if words else 1
            unit, working = m.group("d2u"), False
        if n is None:
            return None
        working = working and "рабоч" in (m.group("dk") or "").lower()
        return Reading(P.after(ctx.reference, n, unit, working), approximate=True)
    if kind == "A_rel":  # "не позднее чем за 10 дней до 1 сентября"
        if kwc != "before" and not strong:
            return None
        target, n = P.day(m, "r", ctx, phrase), F.count(m.group("rn"))
        if target is None or n is None:
            return None
        working = "рабоч" in (m.group("rk") or "").lower()
        return Reading(P.after(target, -n, m.group("ru"), working), approximate=working)
    if kind == "A_date":
        if not (kwc in ("by", "nlt") or (strong and kwc in (None, "in", "on", "through"))
                or (bare and kwc is None)):
            return None
        numeric = m.group("pm") is not None
        if numeric and kwc is None and C.is_code(m.string, m.start()):
            return None  # "по специальности 38.05.01", "код 01.03.02": a code, not a day
        try:
            due = P.day(m, "p", ctx, phrase)
        except DeadlineError:
            year = m.group("py") or ""
            if numeric and (len(year) == 2 or not (kwc in ("by", "nlt") or strong)):
                # "38.05.01", a bare "45.12.2020": a dotted number that is no date (a code,
                # a clause); only a deadline written as one ("до 32.01.2022") is an error.
                return None
            raise
        if due is None and C.this_year_tail(m.string, m.end()) is not None:
            return Reading(None, recurrence=Recurrence.YEARLY)  # no reference: still yearly
        return Reading(due) if due else None
    if kind == "A_range" and m.group("rs") is None and kwc is None and not (strong or bare):
        return None  # "19 по 24 апреля" without its "с": a range only in a schedule line
    if kind == "A_range" or kind == "A_mrange" and kwc is None and m.group(kind)[:2].lower() in (
            "с ", "c "):  # "с ... по ...", "с октября по ноябрь 2012 г.": its own keyword
        found = P.bounds(kind, m, ctx, phrase)
        return Reading(found[1], found[0], spanlike=True) if found else None
    if kind not in _SPAN_KINDS:
        return None
    if kind == "A_year" and m.group("yrs") is None and not strong:
        return None  # a bare 2021 in running text is a number, not a year
    if kind == "A_years" and m.group("yss") is None and not strong:
        return None  # "2008 - 2010" bare: years only in a "Срок" cell
    if kwc is None and not strong and not (bare and (
            kind == "A_drange" or kind == "A_month" and m.group("moy"))):
        # a schedule line's "2-4 октября" or "этап Олимпиады - октябрь 2012 года" is its
        # time, as in a "Срок" cell
        return None
    if kwc in ("on", "through") and not strong:
        return None
    if kwc == "in" and kind == "A_acad" and not strong:
        return None
    found = P.bounds(kind, m, ctx, phrase)
    if found is None:
        return None
    start, end = found
    if kwc == "in" and not strong and ctx.reference and end < ctx.reference:
        return None  # "В 2021 году ... был проведен" in a 2022 document: the past
    if kwc == "in" and not strong and kind in ("A_year", "A_years") and C.after_place(
            m.string, m.start()):
        return None  # "Комплекс мер ... Костромской области в 2012 году": the scope
    if kwc == "end" or kwc == "nlt":
        return Reading(end)
    if kwc == "by":
        return Reading(start - timedelta(days=1), approximate=True)
    return Reading(end, start, spanlike=True)


def read_safely(m: Match, ctx: P.Ctx, strong: bool, bare: bool = False) -> Reading | None:
    """`_read`, with calendar overflow (year 0, year 10000) reported as an impossible date."""
    try:
        return _read(m, ctx, strong, bare)
    except DeadlineError:
        raise
    except (ValueError, OverflowError) as exc:
        raise DeadlineError(m.group(), str(exc)) from None
