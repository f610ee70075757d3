"""Page furniture of web pages is never an item: share buttons, "Версия для печати",
"Дата последнего изменения ...", navigation crumbs, "Подписаться", and the like.

Only whole lines that are furniture are dropped, so a protocol that merely mentions these
words keeps them. A "Дата публикации: <date>" line stays: it is the document's date when
nothing better is found (the metadata reader may use it), and it is never an item since it
holds no action.
"""

from __future__ import annotations

import re

# Lines made only of these words (with separators between them) are buttons and menus.
_BUTTON_WORDS = [
    "поделиться", "поделиться в", "вконтакте", "вк", "одноклассники", "ok", "ок",
    "telegram", "телеграм", "whatsapp", "viber", "facebook", "twitter", "x", "мой мир",
    "livejournal", "яндекс", "дзен", "rutube", "youtube", "max", "email", "e-mail",
    "версия для печати", "версия для слабовидящих", "для слабовидящих", "распечатать",
    "печать", "подписаться", "подписаться на новости", "отписаться", "назад", "наверх",
    "вернуться назад", "вернуться к списку", "к списку", "все новости", "читать далее",
    "подробнее", "скачать", "карта сайта", "главная", "поиск", "меню", "войти",
    "регистрация", "обратная связь", "комментарии", "нравится", "просмотров",
    "все права защищены", "скопировать ссылку", "ссылка скопирована", "обычная версия",
    "обычная версия сайта", "размер шрифта", "распечатать страницу", "отправить по почте",
    "отправить другу", "в избранное", "добавить в избранное", "поделиться ссылкой",
]
_BUTTON = "|".join(re.escape(word) for word in sorted(_BUTTON_WORDS, key=len, reverse=True))
_BUTTONS_LINE = re.compile(rf"^(?:(?:{_BUTTON})(?:\s*\d+)?[\s:|/•·,;\-–—]*)+$", re.IGNORECASE)
_FURNITURE = [
    re.compile(r"^(дата|время)\s+(последнего\s+)?(изменения|обновления|редактирования)\b",
               re.IGNORECASE),
    re.compile(r"^(последнее\s+)?(изменено|обновлено|изменения внесены)\s*:?\s*\d",
               re.IGNORECASE),
    re.compile(r"^(просмотров|просмотры|количество просмотров)\s*:?\s*\d+$", re.IGNORECASE),
    re.compile(r"^©|^\(c\)\s|^copyright\b", re.IGNORECASE),
    # Crumbs: "Главная / Документы / Протоколы", "Главная > Новости > ...", "Главная » ..."
    re.compile(r"^главная(\s*[/>»→|]\s*[^/>»→|]{1,80}){1,8}$", re.IGNORECASE),
]


def is_furniture(line: str) -> bool:
    """Whether a whole line is page furniture (a button, a menu, a crumb, a change date)."""
    stripped = line.strip()
    if not stripped or len(stripped) > 200:
        return False
    return bool(_BUTTONS_LINE.match(stripped)) or any(p.search(stripped) for p in _FURNITURE)


def strip_furniture(text: str) -> str:
    """`text` without its furniture lines (they become empty lines, so line numbers of the
    rest stay where they were)."""
    lines = text.split("\n")
    if not any(is_furniture(line) for line in lines):
        return text
    return "\n".join("" if is_furniture(line) else line for line in lines)
