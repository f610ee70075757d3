"""Owner names as `roadmaps.owners` compares them: word stems, person keys, groups.

Every word is reduced to a set of candidate stems (the word itself and the word without
each common Russian case ending); two words are the same when their sets meet. A person is
a surname plus initials ("Пушкаревой Е.А.", "Е.А. Пушкарева"); an addressee such as
"Руководителям общеобразовательных организаций" names a whole group of organisations.

Pure: text in, keys out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from tracker.core.directory import PersonInfo
from tracker.core.text import fold

__all__ = ["FULL_NAME", "PERSON_AFTER", "PERSON_BEFORE", "OwnerGroup", "PersonKey", "covers",
           "group_of", "initials_of", "name_key", "person_key", "stems", "words"]


_ENDINGS = (
    "иями", "иям", "иях", "ием", "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими", "ией",
    "ой", "ей", "ий", "ый", "ая", "яя", "ое", "ее", "ые", "ие", "ых", "их", "ым", "им",
    "ам", "ям", "ах", "ях", "ом", "ем", "ую", "юю", "ов", "ев", "ия", "ию", "ии",
    "ы", "и", "а", "я", "у", "ю", "е", "о", "ь", "й",
)
_MIN_STEM = 3
# Abbreviations written in owner names, as the word they stand for.
_ABBREVIATIONS = {"г": "город", "гор": "город", "р-н": "район", "р-на": "район",
                  "обл": "область", "мо": "муниципальное образование"}
# Words that carry no identity in an organisation's name.
_STOPWORDS = {"и", "в", "на", "по", "при", "с", "для", "к", "о", "об"}
_WORD = re.compile(r"[0-9a-zа-я]+(?:-[0-9a-zа-я]+)*")
_UPPER = "А-ЯЁ"
_LOWER = "а-яё"
_SURNAME = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
_INITIALS = rf"[{_UPPER}]\.\s?(?:[{_UPPER}]\.?)?"
# "Пушкаревой Е.А.", "Пушкарева Е. А", "Е.А. Пушкарева"
PERSON_AFTER = re.compile(rf"(?P<surname>{_SURNAME})\s+(?P<initials>{_INITIALS})")
PERSON_BEFORE = re.compile(rf"(?P<initials>{_INITIALS})\s*(?P<surname>{_SURNAME})")
_NAME = rf"[{_UPPER}][{_LOWER}]+"
FULL_NAME = re.compile(rf"^\s*({_SURNAME})\s+({_NAME})(?:\s+({_NAME}))?\s*$")


class OwnerGroup(StrEnum):
    """An addressee naming a whole class of organisations."""

    ALL_MUNICIPALITIES = "all_municipalities"
    ALL_SCHOOLS = "all_schools"


# Addressees naming a class of organisations, over folded text: "Руководителям
# общеобразовательных организаций", "Муниципальным органам управления образованием",
# "органов местного самоуправления, осуществляющих управление в сфере образования".
# Plural forms only: "школы № 5" is one school, "школам" are all of them.
_GROUPS: tuple[tuple[OwnerGroup, re.Pattern[str]], ...] = (
    (OwnerGroup.ALL_SCHOOLS, re.compile(
        r"общеобразовательн(?:ые|ых|ым|ыми) (?:организаци|учреждени)"
        r"|образовательн(?:ые|ых|ым|ыми) (?:организаци|учреждени)(?:й|и|ям|ями) общего"
        r"|\bшкол(?:ам|ами|ах)\b|\bвсе школы\b|\b(?:руководител|директор)\w* (?:оо|оу|школ)\b"
    )),
    (OwnerGroup.ALL_MUNICIPALITIES, re.compile(
        r"муниципальн\w* орган\w*.{0,40}образовани"
        r"|местного самоуправления.{0,80}образовани"
        r"|муниципальн(?:ым|ых|ые|ыми) образовани(?:ям|й|ями|ях)"
        r"|\bмоуо\b|\bмуниципалитет(?:ам|ы|ов|ами)\b"
    )),
)


def stems(word: str) -> frozenset[str]:
    """The word (folded) and each form of it without a common case ending."""
    word = fold(word)
    out = {word}
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            out.add(word[: -len(ending)])
    return frozenset(out)


def words(text: str) -> list[str]:
    """The folded words of `text` with abbreviations expanded, quotes and dots dropped."""
    out: list[str] = []
    for word in _WORD.findall(fold(text)):
        out.extend(_ABBREVIATIONS.get(word, word).split())
    return out


def name_key(text: str) -> list[frozenset[str]]:
    return [stems(w) for w in words(text) if w not in _STOPWORDS]


def covers(haystack: Sequence[frozenset[str]], needle: Sequence[frozenset[str]]) -> bool:
    """Every word of `needle` has a same word in `haystack`."""
    return bool(needle) and all(any(n & h for h in haystack) for n in needle)


def initials_of(text: str) -> str:
    return "".join(ch for ch in text if ch.isalpha()).upper().replace("Ё", "Е")


@dataclass(frozen=True)
class PersonKey:
    person: PersonInfo
    surname: frozenset[str]
    initials: str


def person_key(person: PersonInfo) -> PersonKey | None:
    """Directory names are "Фамилия И.О.", "И.О. Фамилия" or "Фамилия Имя Отчество"."""
    name = " ".join(person.name.split())
    for pattern in (PERSON_AFTER, PERSON_BEFORE):
        m = pattern.fullmatch(name.rstrip("."))
        if m is None:
            m = pattern.fullmatch(name)
        if m:
            return PersonKey(person, stems(m["surname"]), initials_of(m["initials"]))
    m = FULL_NAME.match(name)
    if m:
        initials = "".join(part[0] for part in m.groups()[1:] if part)
        return PersonKey(person, stems(m[1]), initials_of(initials))
    parts = name.split()
    if parts:
        return PersonKey(person, stems(parts[0]), "")
    return None


def group_of(text: str) -> OwnerGroup | None:
    folded = fold(text)
    for group, pattern in _GROUPS:
        if pattern.search(folded):
            return group
    return None
