"""The lexical half of the Russian deadline grammar: one compiled pattern and calendar helpers.

`MASTER` finds *atoms*: a time expression (a date, a month, a quarter, a year, an academic
year, a range, "года" after "в течение", a recurrence word...) together with the words in front
of it that decide what it means (`srok`: "Срок исполнения:", `kw`: "в срок до", "не позднее",
"в", "на", "от"...). Which atom matched is `match.lastgroup` (one of the `A_*` names), because
every atom is wrapped in its own named group and that group closes last.

The pattern is a plain alternation scanned once with `finditer`, so it is linear in the text
and the alternatives are ordered longest first where two can start at the same character.
Meaning (is this a deadline, which date) lives in `roadmaps.deadlines`; nothing here raises.

Digits are written `[0-9]`, not `\\d`: `\\d` would also take Arabic-Indic and full-width
digits, which no Russian document uses for dates and which only produce nonsense years.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

# --- vocabularies -----------------------------------------------------------------------------

# Keyed by the first three letters (lower case): covers every case form and abbreviation the
# pattern admits ("сентябрь/сентября/сентябре", "сен./сент.", "мая/мае/маю").
MONTHS = {
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "мае": 5, "маю": 5,
    "июн": 6, "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
}

# Ordinals for quarters and half-years: roman, arabic and the words' stems.
ORDINALS = {
    "i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4,
    "перв": 1, "втор": 2, "трет": 3, "четв": 4,
}

# Counts in "в течение двух недель", "за десять дней до ...", "в трехдневный срок".
NUMBER_WORDS = {
    "один": 1, "одного": 1, "одной": 1, "одну": 1, "одно": 1,
    "два": 2, "две": 2, "двух": 2, "три": 3, "трех": 3, "трёх": 3,
    "четыре": 4, "четырех": 4, "четырёх": 4, "пять": 5, "пяти": 5, "шесть": 6, "шести": 6,
    "семь": 7, "семи": 7, "восемь": 8, "восьми": 8, "девять": 9, "девяти": 9,
    "десять": 10, "десяти": 10, "пятнадцать": 15, "пятнадцати": 15,
    "двадцать": 20, "двадцати": 20, "тридцать": 30, "тридцати": 30,
}

# --- pattern pieces ---------------------------------------------------------------------------

_QO = "[«\"„“”'‘’]"  # an opening quote around the day: «15» сентября, "15" сентября
_QC = "[»\"“”'‘’]"
_DASH = r"\s*[-‐‑‒–—]\s*"
# Each month: the full word in nominative/genitive/prepositional/dative, then abbreviations.
# The trailing lookahead keeps "мар" from matching inside "марка" and "сен" inside "сено";
# a digit may follow: a web page that lost its spaces writes "до 15 ноября1997 года".
MONTH = (
    r"(?:январ[ьяею]|янв\.?|феврал[ьяею]|февр?\.?|март[аеу]?|мар\.?|апрел[ьяею]|апр\.?"
    r"|ма[йяею]|июн[ьяею]|июн\.?|июл[ьяею]|июл\.?|август[аеу]?|авг\.?"
    r"|сентябр[ьяею]|сент?\.?|октябр[ьяею]|окт\.?|ноябр[ьяею]|нояб?\.?"
    r"|декабр[ьяею]|дек\.?)(?![^\W\d])"
)
# "г.", "гг.", "г.г.", "года", "году", "год" after a year; the (?!\w) stops "год" in "годах".
YSUF = r"(?:\s*(?:г\.\s*г\.|гг\.|гг|г\.|года|году|год|г)(?!\w))?"
_Y4 = r"[0-9]{4}(?![0-9])"
_NUM = r"[0-9]{1,3}(?![0-9])|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))


# A day takes its month in the genitive ("9 сентября"): "5-9 / сентябрь" is a class range
# beside a month cell, no date.
_NOT_NOMINATIVE = (r"(?!(?:январь|февраль|март|апрель|июнь|июль|август|сентябрь|октябрь|ноябрь"
                   r"|декабрь)(?!\w))")


def _date(t: str, *, partial: bool = False) -> str:
    """A day with its month (numeric `15.09.2021`/`15.09`, or `15 сентября [2021]`).

    Groups: `{t}d` day, `{t}m` numeric month, `{t}y` numeric year, `{t}w` month word,
    `{t}Y` year after a month word. `partial` makes everything after the day optional: the
    first half of "с 10 по 21 января" borrows month and year from the second.
    """
    numeric = (
        rf"\s?\.\s?(?P<{t}m>[0-9]{{1,2}})(?:\s?\.\s?(?P<{t}y>[0-9]{{4}}|[0-9]{{2}}))?"
        r"(?![0-9]|[.,][0-9])"
    )
    worded = rf"(?:-?(?:го|е))?\s*{_NOT_NOMINATIVE}(?P<{t}w>{MONTH})(?:\s*(?P<{t}Y>{_Y4}))?"
    tail = f"(?:{numeric}|{worded})"
    return (
        rf"(?:{_QO}\s*)?(?<![0-9.,])(?P<{t}d>[0-9]{{1,2}})(?![0-9])(?:\s*{_QC})?"
        rf"{tail}{'?' if partial else ''}{YSUF}"
    )


def _ordinal(t: str, nouns: str) -> str:
    """`I квартал`, `1-м квартале`, `во втором полугодии`, `IV кв. 2022 г.`."""
    return (
        rf"(?P<{t}n>iv|i{{1,3}}|[1-4](?![0-9])|перв\w*|втор\w*|трет\w*|четв[её]рт\w*)"
        rf"(?:\s*-?\s*(?:й|м|го|ом|ий))?\s*(?:{nouns})"
        rf"(?:\s*(?P<{t}y>{_Y4}){YSUF})?"
    )


# "кв." but not "кв. м" (square metres).
_QUARTER = _ordinal("q", r"кв\.(?!\s*м(?!\w))|кв(?![\w.])|квартал\w*")
_HALF = _ordinal("h", r"полугоди\w*")

_SROK_NOUN = (r"(?:исполнения|выполнения|представления|предоставления|реализации|проведения"
              r"|подготовки|готовности|сдачи|направления|окончания|завершения|рассмотрения"
              r"|написания|подачи|при[её]ма|регистрации|размещения)")
# "Срок исполнения:", and "срок готовности проекта программы – 01.09.2022": up to six words
# (a school year among them: "срок написания сочинения в 2021-2022 учебном году - 1 декабря")
# between the noun and the dash, which is then required.
# "Окончание оказания услуг – 15 декабря 2020 года": the end of the work, a dash required.
_SROK = (
    rf"(?P<srok>срок(?:и)?(?:\s+{_SROK_NOUN}(?:(?:\s+(?:[а-яё«»\"]+|[0-9]{{4}}[-–/][0-9]{{2,4}}))"
    rf"{{1,6}}?\s*[:–—-]\s*|\s*"
    r"(?:[:–—-]\s*)?)|\s*(?:[:–—-]\s*)?)"
    r"|(?:окончание|завершение)(?:\s+[а-яё«»\"]+){1,4}?\s*[:–—-]\s*)"
)
# Longest first: "в срок до" must win over "в", "до конца" over "до". The event words
# ("от", "за", "по", "на") are captured too so that their dates are consumed and rejected.
# No atom may begin with one of these words: the engine prefers taking the keyword, so an atom
# "за N дней до ..." would lose to keyword "за" + atom "N дней". Hence "за" lives here.
_KW = (
    r"(?P<kw>в\s+срок\s+(?:до|не\s+позднее(?:\s+чем)?|не\s+позже(?:\s+чем)?)"
    r"|в\s+течени[еи]|в\s+период|в\s+срок"
    r"|не\s+(?:позднее|позже)(?:\s+чем)?\s+за|не\s+позднее(?:\s+чем)?|не\s+позже(?:\s+чем)?"
    r"|до\s+конца|до\s+окончания|к\s+концу|к\s+окончанию|до|к|во|в|на|за|по|от)"
)

_REC_WORD = (
    r"(?P<recw>ежедневно|еженедельно|ежемесячно|ежеквартально|ежегодно|ежеполугодно"
    # "организовать проведение ежегодного конкурса": holding a yearly event (a contest, an
    # olympiad, a festival...; "проведение ежегодной подготовки кадров" names no event)
    r"|(?:(?<=проведени[еяю]\s)|(?<=организаци[июя]\s))(?:ежегодн|ежемесячн|еженедельн"
    r"|ежеквартальн)(?:ого|ый|ую|ой|ое|ых|ые|ым)(?=\s+(?:[а-яё]+(?:ого|ой|ых)\s+)?"
    r"(?:конкурс|олимпиад|фестивал|смотр|турнир|спартакиад|форум|конференци|выставк|сл[её]т"
    r"|соревновани|акци))"
    # "каждый понедельник", "каждую пятницу": a weekday every week
    r"|кажд(?:ый|ую|ое)\s+(?:понедельник|вторник|сред[уы]|четверг|пятниц[уы]|суббот[уы]"
    r"|воскресенье|неделю|месяц|квартал|год|день)"
    r"|постоянно(?!\s+действ)|в\s+постоянном\s+режиме|на\s+постоянной\s+основе)(?!\w)"
)
# "до 5 числа месяца, следующего за отчетным": the reporting day of a recurring duty.
def _day_of(t: str) -> str:
    """`5 числа (каждого) месяца, следующего за отчетным (кварталом)`; groups `{t}o`, `{t}p`."""
    return (
        r"[0-9]{1,2}(?![0-9])(?:-?го)?\s+числа"
        rf"(?:\s+(?P<{t}o>каждого\s+месяца|каждого\s+квартала|месяца|квартала)"
        r"(?:\s*,?\s*следующего\s+за\s+отч[её]тным"
        rf"(?:\s+(?P<{t}p>месяцем|кварталом|периодом|годом))?)?)?"
    )

_ATOMS = [
    # (не позднее чем за) 10 дней до 1 сентября 2021 г.
    rf"(?P<A_rel>(?P<rn>{_NUM})\s+(?P<rk>(?:рабоч\w*|календарн\w*)\s+)?"
    rf"(?P<ru>дн(?:я|ей)|день|суток|недел[иьюя]|месяц(?:а|ев)?)\s+до\s+{_date('r')})",
    rf"(?P<A_dayof>{_day_of('f')})",
    rf"(?P<A_rec>{_REC_WORD}(?:\s*,?\s*(?:в\s+срок\s+)?(?:до|не\s+позднее)\s+{_day_of('g')})?)",
    # с 10.01.2022 по 21.01.2022; с 10 по 21 января 2022 г.; a schedule line leaves out the
    # "с": "19 по 24 апреля, г. Калуга - география" (then only "по" joins the two days)
    rf"(?P<A_range>(?P<rs>[сc]\s+)?{_date('a', partial=True)}\s*(?:по|(?(rs)до|(?!)))\s+"
    rf"{_date('b')})",
    # май - июнь 2022; с мая по июнь 2022 г.; сентябрь 2021 – май 2022 гг.
    rf"(?P<A_mrange>(?:[сc]\s+)?(?P<ma>{MONTH})(?:\s*(?P<may>{_Y4}){YSUF})?"
    rf"(?:\s*(?:по|до)\s+|{_DASH})(?P<mb>{MONTH})(?:\s*(?P<mby>{_Y4}){YSUF})?)",
    # 2021-2022 учебный год, 2021/22 уч. г.
    rf"(?P<A_acad>(?P<ac1>{_Y4})\s*[-‐‑‒–—/]\s*(?P<ac2>[0-9]{{4}}|[0-9]{{2}})(?![0-9])"
    r"\s*(?:гг?\.?\s*)?(?:учебн(?:ый|ого|ом|ому|ым)|уч\.|уч(?!\w))\s*"
    r"(?:года|году|год|гг\.?|г\.|г(?!\w)))",
    # 2021-2022 гг., 2021 – 2024 годы
    rf"(?P<A_years>(?P<ys1>{_Y4}){_DASH}(?P<ys2>{_Y4})(?P<yss>\s*"
    r"(?:гг\.?|г\.\s*г\.|годы|годах|годов|года|год|г\.|г)(?!\w))?)",
    # 10.01.2022 - 21.01.2022; 10-21 января 2022; "14.09.-19.09" (a dot after the first day)
    rf"(?P<A_drange>{_date('c', partial=True)}\.?{_DASH}{_date('e')})",
    rf"(?P<A_date>{_date('p')})",
    rf"(?P<A_quarter>{_QUARTER})",
    rf"(?P<A_half>{_HALF})",
    rf"(?P<A_year>(?P<yr>{_Y4})(?P<yrs>\s*(?:года|году|год|гг\.|гг|г\.|г)(?!\w))?)",
    rf"(?P<A_month>(?P<mo>{MONTH})(?:\s*(?P<moy>{_Y4}){YSUF})?)",
    # в течение 10 (рабочих) дней / двух недель / 3 месяцев
    rf"(?P<A_dur>(?P<dn>{_NUM})\s+(?P<dk>(?:рабоч\w*|календарн\w*)\s+)?"
    r"(?P<du>дн(?:я|ей)|день|суток|недел[иьюя]|месяц(?:а|ев)?)(?!\w))",
    # в трехдневный срок, в 10-дневный срок, в месячный срок
    r"(?P<A_dur2>(?P<d2n>[0-9]{1,3})?\s*-?\s*(?P<d2w>[а-яё]*?)(?P<d2u>дневн|недельн|месячн)"
    r"(?:ый|ой)\s+срок(?!\w))",
    # года, учебного года, квартала, месяца, периода after "в течение" / "до конца"
    r"(?P<A_cur>(?:(?:текущего|всего|этого)\s+)?(?P<cur>учебного\s+года|уч\.?\s*года"
    r"|календарного\s+года|года|квартала|полугодия|месяца|недели|периода|месячника|декады)"
    r"(?!\w))",
    # (один) раз в квартал, 1 раз в полгода, 2 раза в год, дважды в год
    r"(?P<A_freq>(?:(?:один|1)\s+)?раз\s+в\s+(?P<fu>полгода|полугоди[еия]|квартал|месяц|неделю"
    r"|год|день|сутки)(?!\w)|(?:2|два)\s+раза\s+в\s+год(?!\w)|дважды\s+в\s+год(?!\w))",
]

# The first letters any match can begin with (keyword, "Срок", month, recurrence word, number
# word, ordinal, quote, digit). Tested before anything else, it turns away most word starts of
# ordinary prose ("Разработать", "муниципальные") at once: a 2-3x speed-up on real lines.
# Keep it in step with _SROK, _KW and _ATOMS: a missing prefix silently loses a form.
_STARTS = (
    r"(?=[0-9«\"„“”'‘’i]|в[\s0-9«\"„“'‘ост]|к[\s0-9«\"„“'‘ав]|[сc]\s|ср|се|до|дн|дв|де|не[\sд]"
    r"|за[\sв]|на\s|по|от[\s0-9]|еж|те|эт|уч|го|пер|пя|ме|ян|фе|ма|ап|ию|ав|ок|но|тр|че|ше|од|раз\s|дваж)"
)

MASTER = re.compile(
    rf"(?<!\w){_STARTS}(?:{_SROK}\s*)?(?:{_KW}(?:\s+|(?=[0-9«\"„“'‘])))?(?:{'|'.join(_ATOMS)})",
    re.IGNORECASE,
)

# "от 10.06.2021", "№ 15" right before an atom: an event's date, even in a "Срок" cell.
# "с 01.09.2021" alone is when something starts, not a deadline.
EVENT_BEFORE = re.compile(r"(?:(?<!\w)(?:от|с|c)|№|N)\s*$", re.IGNORECASE)
# Between a recurrence word and the time it runs in: "ежемесячно, в течение 2022 года".
JOINABLE_GAP = re.compile(r"[\s,]*\Z")
# --- calendar helpers -------------------------------------------------------------------------


def month_num(word: str) -> int | None:
    """1..12 for a matched month word, or None (defensive: case folding can surprise)."""
    return MONTHS.get(word.lower().replace("ё", "е")[:3])


def ordinal(word: str) -> int | None:
    """1..4 for a matched quarter/half ordinal (I, 2, втором...), or None."""
    key = word.lower()
    return ORDINALS.get(key) or ORDINALS.get(key[:4].replace("ё", "е"))


def count(word: str) -> int | None:
    """A count written in digits or words ("10", "двух"), or None."""
    if word.isascii() and word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word.lower())


def year_of(text: str, pivot: int | None = None) -> int:
    """A 4- or 2-digit year. Two digits take the century that puts the year within 80 years
    before to 20 years after `pivot` (the document's year; 2030 without one): in a 2021
    document "15.09.21" is 2021 and "от 17.03.98" is 1998."""
    value = int(text)
    if len(text) > 2:
        return value
    pivot = pivot or 2030
    year = pivot // 100 * 100 + value
    if year > pivot + 20:
        year -= 100
    elif year < pivot - 80:
        year += 100
    return year


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_bounds(year: int, q: int) -> tuple[date, date]:
    return date(year, 3 * q - 2, 1), month_end(year, 3 * q)


def half_bounds(year: int, h: int) -> tuple[date, date]:
    return date(year, 6 * h - 5, 1), month_end(year, 6 * h)


def academic_bounds(first_year: int) -> tuple[date, date]:
    """The academic year that begins in `first_year`: 1 September .. 31 August."""
    return date(first_year, 9, 1), date(first_year + 1, 8, 31)


def academic_containing(day: date) -> tuple[date, date]:
    return academic_bounds(day.year if day.month >= 9 else day.year - 1)


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))
