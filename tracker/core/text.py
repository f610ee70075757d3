"""Locale helpers shared by every channel's templates: dates, plurals, "days left".

Pure functions, no I/O and no clock reads. Two locales are supported, Russian (the
default) and English; anything else falls back to Russian, because the users are
Russian civil servants and a Russian message is never wrong for them.

    >>> format_date_ru(date(2021, 8, 20))
    '20 августа 2021 г.'
    >>> plural(3, ("день", "дня", "дней"))
    'дня'
    >>> days_phrase(-5, "ru")
    'просрочено на 5 дней'
"""

from __future__ import annotations

from datetime import date

LOCALES = ("ru", "en")
DEFAULT_LOCALE = "ru"

_MONTHS_GENITIVE_RU = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

DAY_FORMS_RU = ("день", "дня", "дней")
ITEM_FORMS_RU = ("поручение", "поручения", "поручений")


def normalize_locale(locale: str | None) -> str:
    """`"ru"` or `"en"`; `"en_GB"`/`"EN"` count as English, anything unknown as Russian."""
    if not locale:
        return DEFAULT_LOCALE
    base = locale.replace("-", "_").split("_", 1)[0].lower()
    return base if base in LOCALES else DEFAULT_LOCALE


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """The Russian plural form of a noun for `n`: forms are (1, 2–4, 5+), e.g. день/дня/дней.

    11–14 take the third form ("11 дней"), 21 the first ("21 день"), 22 the second.
    """
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def plural_en(n: int, singular: str, plural_form: str | None = None) -> str:
    """The English form for `n`: "1 day", "2 days"."""
    return singular if abs(n) == 1 else (plural_form or singular + "s")


def count_ru(n: int, forms: tuple[str, str, str]) -> str:
    """`n` with its noun: `count_ru(3, DAY_FORMS_RU)` → "3 дня"."""
    return f"{n} {plural(n, forms)}"


def format_date_ru(d: date) -> str:
    """The Russian written form: "20 августа 2021 г."."""
    return f"{d.day} {_MONTHS_GENITIVE_RU[d.month - 1]} {d.year} г."


def format_date_en(d: date) -> str:
    """The English written form: "20 August 2021"."""
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"


def format_date_short(d: date) -> str:
    """The numeric form used in both locales (Russian convention): "20.08.2021"."""
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def format_date(d: date | None, locale: str = DEFAULT_LOCALE) -> str:
    """The written form in `locale`; an empty string for no date."""
    if d is None:
        return ""
    return format_date_en(d) if normalize_locale(locale) == "en" else format_date_ru(d)


def days_phrase(days_left: int | None, locale: str = DEFAULT_LOCALE) -> str:
    """How far the due date is, as a phrase that fits after "Срок"/"Due".

    ru: "через 3 дня", "завтра", "сегодня", "просрочено на 5 дней";
    en: "in 3 days", "tomorrow", "today", "overdue by 5 days".
    An empty string when there is no due date (`None`).
    """
    if days_left is None:
        return ""
    n = abs(days_left)
    if normalize_locale(locale) == "en":
        if days_left == 0:
            return "today"
        if days_left == 1:
            return "tomorrow"
        unit = plural_en(n, "day")
        return f"in {n} {unit}" if days_left > 0 else f"overdue by {n} {unit}"
    if days_left == 0:
        return "сегодня"
    if days_left == 1:
        return "завтра"
    unit = plural(n, DAY_FORMS_RU)
    return f"через {n} {unit}" if days_left > 0 else f"просрочено на {n} {unit}"


def shorten(text: str, width: int = 40, placeholder: str = "…") -> str:
    """`text` on one line, cut at a word boundary to at most `width` characters plus "…".

    A single word longer than `width` is cut inside the word. Used for subjects, where
    a task text of several lines would be unreadable.
    """
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    cut = flat[:width]
    space = cut.rfind(" ")
    if space > width // 3:
        cut = cut[:space]
    return cut.rstrip(" ,.;:—-") + placeholder


def fold(text: str) -> str:
    """The search key of a name: case-folded, `ё` as `е`, spaces collapsed.

    SQLite's `lower()` and `LIKE` do not fold Cyrillic, so names are folded here and
    stored beside the original.
    """
    return " ".join(text.casefold().replace("ё", "е").split())
