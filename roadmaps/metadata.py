"""Document metadata from the header and signature lines: kind, number, date, title,
issuer, chair and secretary.

Only the *header* (the lines before the first decision section) is searched for the number
and the date, and only lines shaped like a requisite ("Протокол № 1", "15.06.2021 № 556",
"от 3 марта 2022 года № 141-Пр", "Дата проведения: 15.06.2021 г."): a preamble such as
"В соответствии с приказом от 11.03.2021 № 194" cites another document and must not be read
as this one's number. Chair and secretary are searched everywhere, because protocols sign
at the bottom.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from roadmaps._dateforms import year_of
from roadmaps.items import CitedAct
from roadmaps.parsed import DocumentError
from tracker.core.enums import DocumentKind
from tracker.core.i18n import _

__all__ = ["MARKER_KINDS", "MONTHS", "Metadata", "cited_act", "despace", "header_kind",
           "read_metadata"]

MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6,
    "июл": 7, "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}
_MONTH_WORD = r"(?:январ|феврал|март|апрел|ма|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*"

_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})\s*\.\s*(\d{1,2})\s*\.\s*(\d{4}|\d{2})(?![\d])")
_WORD_DATE = re.compile(r"«?(\d{1,2})»?\s+(" + _MONTH_WORD + r")\s+(\d{4})", re.IGNORECASE)
_NUMBER = re.compile(r"(?:№|N)\s*([0-9][0-9A-Za-zА-Яа-яЁё/\-.]*[0-9A-Za-zА-Яа-яЁё])"
                     r"|(?:№|N)\s*([0-9])\b")
_BARE_NUMBER = re.compile(r"^\d{1,4}(?:[-/][0-9A-Za-zА-Яа-яЁё]{1,6})?$")
_DATE_FIELD = re.compile(r"^(?:дата(?:\s+\w+)?\s*:|от\s|«?\d{1,2}»?[\s.])", re.IGNORECASE)
# A list of instructions: "Пр-1025 от 10 июня 2022 г." (number first, maybe ", п. 1")
_CODE_NUMBER = re.compile(r"^(?P<number>[А-ЯЁ][а-яё]{0,3}-\d+[А-Яа-яЁё]{0,3})(?:\s*,\s*п\.\s*\S+)?"
                          r"\s+от\s")

# Kind words as the first word of a header line, in the order they are tried.
_KINDS = [
    (re.compile(r"^протокол\b", re.I), DocumentKind.PROTOCOL),
    (re.compile(r"^приказ\b", re.I), DocumentKind.ORDER),
    (re.compile(r"^распоряжение\b", re.I), DocumentKind.DIRECTIVE),
    (re.compile(r"^постановление\b", re.I), DocumentKind.RESOLUTION),
    (re.compile(r"^(?:решение\s+(?:\w+\s+)?коллегии|коллегия)\b", re.I),
     DocumentKind.BOARD_DECISION),
    (re.compile(r"^(?:«|\")?дорожная\s+карта\b", re.I), DocumentKind.ROADMAP),
    (re.compile(r"^перечень\s+поручений\b", re.I), DocumentKind.INSTRUCTIONS),
    (re.compile(r"^план(?:-график)?\b", re.I), DocumentKind.PLAN),
    (re.compile(r"^(?:график|календарь|сроки\s+(?:проведения|представления))\b", re.I),
     DocumentKind.SCHEDULE),
    (re.compile(r"^положение\b", re.I), DocumentKind.REGULATION),
    (re.compile(r"^решение\b(?!\s*:)", re.I), DocumentKind.BOARD_DECISION),
    (re.compile(r"^(?:письмо\b|уважаем\w+\s)", re.I), DocumentKind.LETTER),
]
# What the decision marker says about the kind when the header names none.
MARKER_KINDS = {
    "приказываю": DocumentKind.ORDER,
    "постановляю": DocumentKind.RESOLUTION,
    "постановляет": DocumentKind.RESOLUTION,
    "решает": DocumentKind.BOARD_DECISION,
    "решила": DocumentKind.BOARD_DECISION,
    "обязываю": DocumentKind.DIRECTIVE,
    "предлагаю": DocumentKind.DIRECTIVE,
}
_ISSUER_WORDS = re.compile(
    r"министерств|администраци|отдел|управлени|департамент|комитет|коллеги|учреждени|"
    r"организаци|\b(?:МБУ|МКУ|ГБУ|ГАУ|ГБОУ|МБОУ|МАОУ|ГБПОУ)\b|школ|гимнази|лице|правительств",
    re.IGNORECASE,
)
_PERSON = re.compile(
    r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.?"
    r"|[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
)
_ROLE = {
    "chair": re.compile(
        r"^(?:председатель(?:ствующий)?|председательствовал[аи]?)\b\s*[:\-–—]?\s*(.*)$",
        re.IGNORECASE),
    "secretary": re.compile(r"^секретарь\b\s*[:\-–—]?\s*(.*)$", re.IGNORECASE),
}
_APPROVED_BY = re.compile(r"^(?:приложение\s*(?:(?:№|N)\s*\d+\s*)?)?(?:к\s+|утвержден\w*\s+)"
                          r"(?:приказ|распоряжени|постановлени|решени|протокол)", re.IGNORECASE)
_APPENDIX = re.compile(r"^(?:приложение|к\s|утвержден|согласован|\(?в\s+редакции)",
                       re.IGNORECASE)
_TITLE_START = re.compile(r"^(?:об?|обо)\s", re.IGNORECASE)
_AGENDA = re.compile(r"^повестка(?:\s+дня)?\s*:?\s*(.*)$", re.IGNORECASE)
_ITEM_LABEL = re.compile(r"^\d{1,2}(?:\.\d{1,2})*[.)]?\s*")


@dataclass
class Metadata:
    kind: DocumentKind | None
    number: str | None
    date: date | None
    title: str | None
    issuer: str | None
    chair: str | None
    secretary: str | None


_CITED = re.compile(
    r"(?P<kind>приказ|распоряжени|постановлени|решени|протокол)\w*\s+(?:[^.;:]*?\s)?"
    r"от\s+(?P<date>«?\d{1,2}»?(?:\s*\.\s*\d{1,2}\s*\.\s*\d{2,4}|\s+[а-яё]+\s+\d{4}))"
    r"(?:\s*(?:г\.|года|г(?!\w)))?(?:\s*(?:№|N)\s*(?P<number>[0-9][0-9A-Za-zА-Яа-яЁё/\-.]*"
    r"[0-9A-Za-zА-Яа-яЁё]|[0-9]))?",
    re.IGNORECASE,
)
_KIND_NOUN = {"приказ": "приказ", "распоряжени": "распоряжение", "постановлени": "постановление",
              "решени": "решение", "протокол": "протокол"}


def cited_act(line: str) -> CitedAct | None:
    """The act a protocol quotes decisions from ("По итогам ... приказом минобразования от
    15.06.2021 № 556 были утверждены следующие управленческие решения:"), or None.

    Its text is normalised: "приказ от 15.06.2021 № 556".
    """
    m = _CITED.search(line)
    if m is None:
        return None
    try:
        when = find_date(m.group("date"), source="")
    except DocumentError:
        when = None
    kind = m.group("kind").lower()
    noun = next(full for stem, full in _KIND_NOUN.items() if kind.startswith(stem))
    number = m.group("number")
    text = f"{noun} от {when:%d.%m.%Y}" if when else f"{noun} от {m.group('date')}"
    return CitedAct(text + (f" № {number}" if number else ""), when, number)


def despace(line: str) -> str:
    """"П Р И К А З Ы В А Ю:" -> "ПРИКАЗЫВАЮ:": letter-spaced words are common in headings."""
    if re.fullmatch(r"(?:[А-ЯЁа-яё]\s){3,}[А-ЯЁа-яё][\s:]*", line.strip()):
        return re.sub(r"(?<=[А-ЯЁа-яё])\s(?=[А-ЯЁа-яё])", "", line.strip())
    return line


def read_metadata(lines: list[str], header_end: int, *, source: str) -> Metadata:
    """Metadata from `lines` (the whole document, 0-based); the header is `lines[:header_end]`.

    :raises DocumentError: for an impossible document date.
    """
    header = [despace(line).strip() for line in lines[:header_end]]
    kind_at, kind = header_kind(header)
    number, when = _number_and_date(header, kind_at, source)
    if when is None:
        late_number, when = _late_date(lines, source)
        number = number or late_number
    return Metadata(
        kind=kind,
        number=number,
        date=when,
        title=_title(header, kind_at),
        issuer=_issuer(header, kind_at),
        chair=_person(lines, "chair"),
        secretary=_person(lines, "secretary"),
    )


def header_kind(lines: list[str]) -> tuple[int | None, DocumentKind | None]:
    """The index of the line naming the document's kind ("ПРИКАЗ", "Протокол № 1") and
    the kind, looked for among the first 40 lines; (None, None) when none does."""
    for index, raw in enumerate(lines[:40]):
        line = despace(raw).strip()
        for pattern, kind in _KINDS:
            if pattern.match(line):
                return index, kind
    return None, None


def find_date(text: str, *, source: str, line: int | None = None) -> date | None:
    """The first written date in `text` ("15.06.2021", "11.04. 2022 г.", "3 марта 2022 года").

    :raises DocumentError: for a date that does not exist.
    """
    found = []
    for m in _NUMERIC_DATE.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        if len(m.group(3)) == 2 and not (1 <= month <= 12 and 1 <= day <= 31):
            continue  # "38.05.01": a specialty code, not a date
        found.append((m.start(), day, month, year_of(m.group(3)), m.group()))
        break
    m = _WORD_DATE.search(text)
    if m:
        month = next(n for stem, n in MONTHS.items() if m.group(2).lower().startswith(stem))
        found.append((m.start(), int(m.group(1)), month, int(m.group(3)), m.group()))
    if not found:
        return None
    _kind, day, month, year, written = min(found)
    try:
        return date(year, month, day)
    except ValueError:
        if line:
            raise DocumentError(_("{source}, line {line}: impossible date «{phrase}»").format(
                source=source, line=line, phrase=written.strip())) from None
        raise DocumentError(_("{source}: impossible date «{phrase}»").format(
            source=source, phrase=written.strip())) from None


def _number_and_date(header: list[str], kind_at: int | None, source: str):
    number = when = None
    date_at = None
    start = kind_at or 0
    for index in range(start, min(len(header), start + 15)):
        line = header[index]
        code = _CODE_NUMBER.match(line)
        requisite = (index == kind_at or _DATE_FIELD.match(line) or line.startswith(("№", "N "))
                     or code)
        if not requisite or (len(line) > 90 and index != kind_at):
            continue
        m = _NUMBER.search(line)
        if number is None and m:
            number = (m.group(1) or m.group(2)).rstrip(".")
        elif number is None and code:
            number = code.group("number")
        if when is None:
            when = find_date(line, source=source, line=index + 1)
            date_at = index if when else None
    if number is None and date_at is not None:
        # Forms put "дата ____ № ____" in two cells; rendered as text the number is a bare
        # line beside the date ("11.04. 2022 г." then "21").
        for index in range(date_at + 1, min(len(header), date_at + 4)):
            if header[index] and _BARE_NUMBER.match(header[index]):
                number = header[index]
                break
            if header[index]:
                break
    if when is None and kind_at:
        # An appendix ("Приложение к приказу от 20.08.2021 № 700", then "ДОРОЖНАЯ КАРТА")
        # is dated by the act approving it: dates without a year resolve from there. The
        # appendix header is often split over lines ("Приложение N 2" / "к приказу ..." /
        # "от 13 ноября 2015 г. N 5976"): read it joined.
        for index in range(kind_at):
            joined = _appendix_header(header, index, kind_at)
            if joined and _APPROVED_BY.match(joined):
                when = find_date(joined, source=source, line=index + 1)
                m = _NUMBER.search(joined[joined.find(" от ") + 1:] if " от " in joined
                                   else joined)
                if when and m and number is None:
                    number = (m.group(1) or m.group(2)).rstrip(".")
                if when:
                    break
    return number, when


def _appendix_header(header: list[str], index: int, stop: int) -> str | None:
    """ "Приложение N 1" / "к постановлению ..." / "от 5 марта 2018 г. N 211" as one line."""
    if not _APPENDIX.match(header[index]):
        return None
    parts = []
    for line in header[index:min(stop, index + 6)]:
        if not line:
            break
        parts.append(line)
    return " ".join(parts)


_PUBLISHED = re.compile(r"^(?:дата\s+(?:публикации|опубликования|размещения|принятия|подписания"
                        r"|документа)|опубликовано|размещено)\s*:?\s*", re.IGNORECASE)
_CARD_NUMBER = re.compile(r"^(?:№|N)\s*[0-9][0-9A-Za-zА-Яа-яЁё/\-.]*$")
_CARD_DATE = re.compile(r"^(?:г\.\s*[А-ЯЁ][а-яё-]+\s*,?\s*)?(?:от\s+)?«?\d{1,2}»?(?:\s*\.\s*\d{1,2}"
                        r"\s*\.\s*\d{2,4}|\s+[а-яё]+\s+\d{4})\s*(?:г\.|года|г)?\s*"
                        r"(?:(?:№|N)\s*\S+)?$", re.IGNORECASE)


# "25 Марта, 2022", "5 августа 2025, 13:23" (the time a news post went up)
_LONE_DATE = re.compile(r"^«?\d{1,2}»?\s+" + _MONTH_WORD + r",?\s+\d{4}\s*(?:г\.|года)?"
                        r"(?:,?\s+(?:в\s+)?[0-2]?\d:[0-5]\d)?$", re.IGNORECASE)


_CLOCK = re.compile(r",?\s+(?:в\s+)?[0-2]?\d:[0-5]\d$")


def _late_date(lines: list[str], source: str):
    """(number, date) from where a web page or a signed copy puts them when the header has
    none: a "Дата публикации: ..." line, a news post's date alone on a line near the top
    ("25 Марта, 2022"), or the signature card after the text ("г. Курск" /
    "26 октября 2012 года" / "N 1108" under the signature)."""
    for index, raw in enumerate(lines):
        line = raw.strip()
        m = _PUBLISHED.match(line)
        if m and m.end() < len(line):
            when = find_date(line[m.end():], source=source, line=index + 1)
            if when:
                return None, when
    tail = [(i, lines[i].strip()) for i in range(max(0, len(lines) - 25), len(lines))]
    for pos, (index, line) in enumerate(tail):
        if line and len(line) <= 60 and _CARD_DATE.match(line):
            when = find_date(line, source=source, line=index + 1)
            if when is None:
                continue
            number = _NUMBER.search(line)
            if number is None:
                after = next((t for _, t in tail[pos + 1:] if t), "")
                number = _NUMBER.search(after) if _CARD_NUMBER.match(after) else None
            return (number.group(1) or number.group(2)).rstrip(".") if number else None, when
    for index, raw in enumerate(lines[:12]):
        # A news post: its date alone on a line under the headline ("25 Марта, 2022").
        line = raw.strip()
        if _LONE_DATE.match(line):
            when = find_date(_CLOCK.sub("", line).replace(",", ""), source=source,
                             line=index + 1)
            if when:
                return None, when
    return None, None


def _continuation(header: list[str], kind_at: int | None) -> str | None:
    """The lower-case lines right under the kind: "ПРОТОКОЛ" / "заседания рабочей группы"."""
    if kind_at is None:
        return None
    parts = []
    for line in header[kind_at + 1:]:
        if not line or _DATE_FIELD.match(line) or line.startswith("№"):
            break
        parts.append(line)
    if parts and parts[0][:1].islower():
        return " ".join(" ".join(parts).split())
    return None


def _title(header: list[str], kind_at: int | None) -> str | None:
    """"О/Об ..." (an order's title), else the words under the kind, else the agenda."""
    for index, line in enumerate(header):
        if _TITLE_START.match(line) and len(line) < 400:
            parts = [line]
            for more in header[index + 1:]:
                if not more:
                    break
                parts.append(more)
            return " ".join(" ".join(parts).split())
    continuation = _continuation(header, kind_at)
    if continuation:
        return continuation
    if kind_at is not None and len(header[kind_at].split()) > 2:
        return header[kind_at]  # "План мероприятий на 2022 год" on one line
    for index, line in enumerate(header):
        m = _AGENDA.match(line)
        if m:
            rest = [m.group(1)] if m.group(1) else []
            rest += [ln for ln in header[index + 1:index + 4] if ln][:1]
            agenda = " ".join(_ITEM_LABEL.sub("", part) for part in rest).strip()
            return agenda or None
    return None


def _issuer(header: list[str], kind_at: int | None) -> str | None:
    """The body named above the kind ("МИНИСТЕРСТВО ... ОБЛАСТИ" / "ПРИКАЗ"), or, for a
    board's decision, under it ("РЕШЕНИЕ КОЛЛЕГИИ" / "министерства ...")."""
    if kind_at is None:
        return None
    above = [line for line in header[:kind_at] if line and not _APPENDIX.match(line)]
    named = [line for line in above if _ISSUER_WORDS.search(line)]
    if named:
        return " ".join(" ".join(above[above.index(named[0]):]).split())
    under = _continuation(header, kind_at)
    if under and _ISSUER_WORDS.match(under) and not _TITLE_START.match(under):
        return under
    return None


def _person(lines: list[str], role: str) -> str | None:
    """The name after "Председатель:"/"Секретарь:", or on the next lines of a signature."""
    pattern = _ROLE[role]
    fallback = None
    for index, raw in enumerate(lines):
        m = pattern.match(raw.strip())
        if not m:
            continue
        value = m.group(1).strip()
        if value:
            person = _PERSON.search(value)
            return person.group() if person else value
        if fallback is None:
            for nxt in lines[index + 1:index + 8]:
                person = _PERSON.search(nxt)
                if person:
                    fallback = person.group()
                    break
                if nxt.strip() and not _PERSON.search(nxt):
                    break
    return fallback
