"""The words around a deadline match that change what it means (used by `roadmaps.deadlines`).

* A time of day next to a date ("в срок до 12.00 14.03.2022", "15.03.2022 в 10.30") is not a
  date: `mask_times` blanks it out (same length, so spans stay valid) before the scan, and the
  phrase the grammar reports still shows it as written.
* A past qualifier in front of a span ("установленных в 2019 году", "по итогам 2022 года",
  "проведенного в марте") dates what was done, never what is due: `is_past`.
* A year right after a place ("Комплекс мер ... Костромской области в 2012 году", "ГИА в
  Краснодарском крае в 2015 году") names a programme's or an event's scope: `after_place`.
* "не позднее 1 марта года, следующего за отчетным" is a yearly duty: `yearly_tail`.
* "по специальности 38.05.01", "код 01.03.02": a classifier code, never a date: `is_code`.
* "в течение семи дней со дня его поступления": a term from an event of unknown day, and
  "к 2016 году предусмотрено": a stated target; neither is a deadline (`from_event`,
  `stated_after`); "со сроком действия до ..." is a validity (`validity`).
* "Доклад – до 1 марта 2022 г., далее – ежегодно": the first date and the recurrence that
  follows it are one deadline: `THEN_GAP`.
* "еженедельно по вторникам с 10.01 по 28.02": a recurrence word, a few words, then the range
  that bounds it: `RANGE_GAP`.

Pure: text in, positions and booleans out.
"""

from __future__ import annotations

import re

__all__ = ["RANGE_GAP", "THEN_GAP", "after_place", "from_event", "in_quotes", "is_code",
           "horizon", "is_past", "mask_times", "stated_after", "this_year_tail", "validity",
           "yearly_tail"]

# HH.MM or HH:MM, optionally "ч."/"час." after; a time when the minutes cannot be a month
# (00, 13..59), when "ч"/"час" follows, when "в"/"до" + time is followed by a date, or when a
# date comes right before it ("14.03.2022 в 10.00").
_TIME = re.compile(
    r"(?<![0-9.,])(?P<h>[01]?[0-9]|2[0-3])\s?[.:]\s?(?P<m>[0-5][0-9])(?![0-9]|[.,][0-9])"
    r"(?P<unit>\s*(?:ч\.|час\.|часов|часа|ч(?!\w)))?"
)
_DATE_AFTER = re.compile(r"\s*(?:ч\.?\s*)?[0-9]{1,2}\s?[.]\s?[0-9]{1,2}\s?[.]\s?[0-9]{2,4}"
                         r"|\s*(?:ч\.?\s*)?[0-9]{1,2}\s+[а-яё]{3,}")
_DATE_BEFORE = re.compile(r"[0-9]{1,2}\s?\.\s?[0-9]{1,2}\s?\.\s?[0-9]{2,4}(?:\s*г\.?)?\s*,?\s*"
                          r"(?:в|до|с|к)?\s*$|[а-яё]{3,}\s+[0-9]{4}\s*(?:г\.|года)?\s*,?\s*"
                          r"(?:в|до|с|к)?\s*$", re.IGNORECASE)
# The word right before a span that makes it the date of a past fact.
_PAST = re.compile(
    r"(?:(?:установл|утвержд|приня|провед|достигну|выполн|получ|созд|направл|представл"
    r"|разработ|реализов|определ|сложивш)[её]?(?:нн(?:ых|ые|ый|ая|ое|ого|ой|ом|ым|ую)"
    r"|н[аоы]?|т[аоы]?|ий|их|ие|ая|ей)"
    r"|(?:был|провели|прошли|прош[её]л|состоял|проходил)\w*"
    r"|итогам|итогах|результатам|состоянию)",
    re.IGNORECASE,
)
_YEARLY = re.compile(r"(?:\s*года)?\s*,?\s*следующего\s+за\s+отч[её]тным(?:\s+годом)?",
                     re.IGNORECASE)
THEN_GAP = re.compile(r"[\s,;.]*(?:(?:а\s+)?далее|затем|в\s+дальнейшем|и\s+далее)\s*[-–—:,]?\s*\Z",
                      re.IGNORECASE)
RANGE_GAP = re.compile(r"[^.;:\n0-9]{0,160}\Z")


# Where a time can be: a separator and two digits of minutes that are not a date's month
# followed by its year. Starting with a character set, it is scanned fast.
_SLOT_GAP = re.compile(r"\s*(?:[-–—]|до)\s*")
_SEP = re.compile(r"[.:]\s?[0-5][0-9](?![0-9]|[.,]\s?[0-9])")
_HOUR = re.compile(r"(?:[01]?[0-9]|2[0-3])\s?\Z")


def _times(text: str):
    for sep in _SEP.finditer(text):
        hour = _HOUR.search(text, max(0, sep.start() - 3), sep.start())
        if hour is None:
            continue
        m = _TIME.match(text, hour.start())
        if m is not None and m.end() >= sep.end():
            yield m


def mask_times(text: str) -> str:
    """`text` with each time of day replaced by spaces (same length), or `text` itself. Both
    ends of a slot are times when one is ("10.05 – 10.30": no month 30, so no 10 May)."""
    out = None
    found = []
    for m in _times(text):
        minutes = int(m.group("m"))
        found.append((m, m.group("unit") is not None or minutes == 0 or minutes > 12
                      or _DATE_AFTER.match(text, m.end()) is not None
                      or _DATE_BEFORE.search(text, 0, m.start()) is not None
                      and text[m.end():m.end() + 1] in ("", " ", ",", ";", ")", ".")))
    for at in range(len(found) - 1):
        (first, a), (second, b) = found[at], found[at + 1]
        if a != b and _SLOT_GAP.fullmatch(text, first.end(), second.start()):
            found[at], found[at + 1] = (first, True), (second, True)
    for m, is_time in found:
        if ":" in m.group() or is_time:
            if ":" in m.group() and not is_time and m.group("unit") is None:
                continue  # "10:30" alone is harmless: the grammar reads dates with dots only
            out = out if out is not None else list(text)
            out[m.start():m.end()] = " " * (m.end() - m.start())
    return text if out is None else "".join(out)


_ORDINAL_DAYS = {
    "перв": 1, "втор": 2, "трет": 3, "четверт": 4, "четвёрт": 4, "пят": 5, "шест": 6,
    "седьм": 7, "восьм": 8, "девят": 9, "десят": 10, "одиннадцат": 11, "двенадцат": 12,
    "тринадцат": 13, "четырнадцат": 14, "пятнадцат": 15, "шестнадцат": 16, "семнадцат": 17,
    "восемнадцат": 18, "девятнадцат": 19, "двадцат": 20, "тридцат": 30,
}
# "срок исполнения — первое января 2016 года", "до тридцать первого декабря": a day written
# as an ordinal word, before a month word.
_ORDINAL_DAY = re.compile(
    r"(?<!\w)(?:(?P<tens>двадцать|тридцать)\s+)?(?P<stem>"
    + "|".join(sorted(_ORDINAL_DAYS, key=len, reverse=True))
    + r")(?:ое|ье|ого|его|ьего)\s+(?=(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август"
    r"|сентябр|октябр|ноябр|декабр)\w*)", re.IGNORECASE)
_ORDINAL_HINT = re.compile(r"(?:ое|ье|ого|его)\s+(?:январ|феврал|март|апрел|ма[яй]|июн|июл"
                           r"|август|сентябр|октябр|ноябр|декабр)", re.IGNORECASE)


def mask_ordinal_days(text: str) -> str:
    """`text` with each day written as an ordinal word before a month replaced by its number,
    padded with spaces to the same length ("первое января" -> "1      января"), or `text`."""
    if _ORDINAL_HINT.search(text) is None:
        return text
    def number(m: re.Match) -> str:
        day = _ORDINAL_DAYS[m.group("stem").lower()]
        if m.group("tens") and day < 10:  # "двадцать пятое", "тридцать первое"
            day += 20 if m.group("tens").lower() == "двадцать" else 30
        return str(day).ljust(len(m.group())) if day <= 31 else m.group()
    return _ORDINAL_DAY.sub(number, text)


def is_past(text: str, start: int) -> bool:
    """Whether the words right before `start` (the match's keyword) date a past fact."""
    before = text[max(0, start - 40):start].split()
    return bool(before) and _PAST.fullmatch(before[-1]) is not None


# "... системы образования Костромской области в 2012 году", "ГИА в Краснодарском крае в 2015
# году": a year after a place names the scope of a programme or an event, not a deadline.
_PLACE = re.compile(r"(?:област[иь]|кра[яе]|округ[ае]?|район[ае]?|федерации|республик[иеа]"
                    r"|город[ае]|ГИА(?:-\d+)?|ЕГЭ|ОГЭ)[,»\"]?", re.IGNORECASE)


# "на среднесрочный период до 2013 года", "Стратегия ... на период до 2030 года": the horizon
# a programme covers; its kw "до" sits right after "период".
_HORIZON = re.compile(r"\bпериод\w*\s*\Z", re.IGNORECASE)


def horizon(text: str, start: int) -> bool:
    """Whether "период" stands right before `start` (the keyword's start): a horizon."""
    return _HORIZON.search(text, max(0, start - 30), start) is not None


def after_place(text: str, start: int) -> bool:
    """Whether the word right before `start` is a place (or an exam named for its year)."""
    before = text[max(0, start - 30):start].split()
    return bool(before) and _PLACE.fullmatch(before[-1]) is not None


# "по специальности 38.05.01", "направление подготовки 44.03.01", "код 01.03.02": the
# dotted number after these words is a code of the classifier, never a date.
_CODE = re.compile(r"(?:специальност\w*|направлени\w*(?:\s+подготовки)?|професси\w*|код\w*"
                   r"|шифр\w*|ОКСО|ОКПДТР|ОКВЭД\d*|ОКПД\d*|КБК)[:,]?\s*\Z", re.IGNORECASE)


def is_code(text: str, start: int) -> bool:
    """Whether the words right before `start` name a classifier code ("по специальности",
    "направление подготовки")."""
    return _CODE.search(text, max(0, start - 40), start) is not None


# "в течение семи дней со дня его поступления", "в 7-дневный срок после первого официального
# опубликования": a term counted from an event whose day the document does not give. Counted
# from the document itself ("со дня подписания настоящего приказа") it is a deadline.
_FROM_EVENT = re.compile(
    r"\s*,?\s*(?:со\s+дня|с\s+даты|с\s+момента|после|по\s+истечении|с\s+начала|до\s+начала"
    r"|до\s+дня|до\s+даты)\s+(?!(?:его|её|ее|их)?\s*(?:подписания|принятия|издания|утверждения"
    r"|настоящего))", re.IGNORECASE)
# "к 2016 году предусмотрено обеспечение ...": the target a cited act set, stated.
_STATED = re.compile(r"\s*(?:предусмотрен\w*|запланирован\w*|намечен\w*)(?!\w)", re.IGNORECASE)


# "аттестат ... со сроком действия до 22 декабря 2020 года", "действителен до": how long
# something stays valid, not when work is due.
_VALID = re.compile(r"(?:срок\w*\s+(?:его\s+|ее\s+|её\s+|их\s+)?действия|действител\w*"
                    r"|действу\w*|действовать)\s*\Z", re.IGNORECASE)


def validity(text: str, start: int) -> bool:
    """Whether the words right before `start` say how long something is valid."""
    return _VALID.search(text, max(0, start - 40), start) is not None


def from_event(text: str, end: int) -> bool:
    """Whether a term ending at `end` counts from an event of unknown day."""
    return _FROM_EVENT.match(text, end) is not None


def stated_after(text: str, end: int) -> bool:
    """Whether the phrase ending at `end` is followed by "предусмотрено" (a stated target)."""
    return _STATED.match(text, end) is not None


def in_quotes(text: str, start: int) -> bool:
    """Whether `start` is inside «...» (a title: «Единый государственный экзамен в 2015 году»)."""
    return (text.count("«", 0, start) > text.count("»", 0, start)
            or text.count('"', 0, start) % 2 == 1)


_THIS_YEAR = re.compile(r"\s*(?:текущего|соответствующего|каждого)\s+(?:календарного\s+)?года\b",
                        re.IGNORECASE)


def this_year_tail(text: str, end: int) -> int | None:
    """The end of "текущего года" / "соответствующего года" right after `end`, or None."""
    m = _THIS_YEAR.match(text, end)
    return m.end() if m else None


def yearly_tail(text: str, end: int) -> int | None:
    """The end of "года, следующего за отчетным" right after `end`, or None."""
    if "следующ" not in text[end:end + 40].lower():
        return None
    m = _YEARLY.match(text, end)
    if m is None or "год" not in m.group() and not text[:end].lower().endswith("года"):
        return None
    return m.end()
