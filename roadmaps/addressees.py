"""Whom and which level an item concerns, as its words say.

* Level headings ("на региональном уровне:") and addressee headings in the dative
  ("Руководителям общеобразовательных организаций:") set the level and the owner of the items
  under them until the next heading (`heading_of`).
* The level an owner's name implies: "Отделу образования" is municipal (`level_of`).
* Owners named in a field ("Ответственный: ...", "(отв. ...)"), in a list of several
  ("Иванова И.И., отдел образования; РИПК"), or in the item's own words ("Поручить отделу
  образования подготовить ...").

Pure: text in, names and levels out (matching them to the directory: `roadmaps.owners`).
"""

from __future__ import annotations

import re

from roadmaps.words import is_infinitive
from tracker.core.enums import Level

__all__ = ["heading_of", "level_of", "split_owners", "take_owner_fields", "text_owner"]


_LEVEL = r"уров(?:ень|н\w*)"  # "уровень", "уровне", "уровня"
_LEVEL_HEADING = (
    (re.compile(rf"регионал\w*\s+{_LEVEL}|{_LEVEL}\s+(?:субъект|регион)|областн\w+\s+{_LEVEL}",
                re.I), Level.REGIONAL),
    (re.compile(rf"муниципал\w*\s+{_LEVEL}|{_LEVEL}\s+(?:муниципал|район)|районн\w+\s+{_LEVEL}",
                re.I), Level.MUNICIPAL),
    (re.compile(rf"(?:школьн|институциональн)\w*\s+{_LEVEL}|{_LEVEL}\s+(?:образовательн"
                r"|общеобразоват|школ|ОО\b|ОУ\b|организаци|учреждени)", re.I), Level.SCHOOL),
)
_LEVEL_WORDS = (
    (re.compile(r"орган\w*\s+(?:местного\s+самоуправления|управления\s+образованием)|\bМОУО"
                r"|\bОМСУ|\bМО\b|муниципальн\w+\s+(?:орган|образовани|район|округ|служб)"
                r"|(?:отдел|управлени|комитет)\w*\s+(?:по\s+)?образовани|администраци\w*\s+"
                r"(?:муниципальн|район|город)|главам?\s+администрац", re.I), Level.MUNICIPAL),
    (re.compile(r"общеобразовательн|образовательн\w+\s+(?:организаци|учреждени)|школ|гимнази"
                r"|лице[йя]|\bОО\b|\bОУ\b|\bДОУ\b|\bООО?\b|директор|педагог|учител|классн\w+\s"
                r"+руководител", re.I), Level.SCHOOL),
    (re.compile(r"министерств|регионал|областн|\bРИПК|институт\w*\s+развития|\bГБУ|\bГАУ|\bГКУ"
                r"|департамент", re.I), Level.REGIONAL),
)
_DATIVE_FIRST = re.compile(
    r"^(?:[А-ЯЁ][а-яё]+(?:ам|ям|у|ю|ому|ему|ым|им)|[А-ЯЁ]{2,}[А-ЯЁа-яё]*)(?:\s|:|$)")
_OWNER_FIELD = re.compile(
    r"(?:^|(?<=[\s.;,(]))(?:ответственн\w*(?:\s+исполнител\w*)?|отв\.|исполнител[ьи])"
    r"(?:\s+за\s+[а-яё]+)?\s*[:\-–—]\s*(?P<who>[^()]+?)"
    r"(?=\s*;?\s*срок\w*\b|\s*\)|\s*$)",
    re.IGNORECASE,
)
_OWNER_PAREN = re.compile(r"\(\s*(?:отв\.?|ответственн\w*)\s*[:\-–—]?\s*(?P<who>[^)]+)\)",
                          re.IGNORECASE)
_ASSIGN = re.compile(r"^(?:рекомендовать|поручить|обязать|предложить|просить)\s+(?P<who>.+)$",
                     re.IGNORECASE)
_DATIVE_HEAD = re.compile(
    r"^(?:руководител|директор|начальник|заведующ|заместител|специалист|педагог|учител|классн"
    r"|отдел|управлени|министерств|комитет|департамент|орган|администраци|глав|ответственн"
    r"|муниципальн|образовательн|общеобразовательн)\w*(?:ам|ям|у|ю|ому|ему|ым|им)$",
    re.IGNORECASE,
)
_NOT_VERB = re.compile(r"(?:ость|асть|сеть|ласти|ности|асти|сти|ти)$")
_PARTICIPLE = re.compile(r"^(?:[а-яё]+(?:ющ|ящ|вш|емы|имы|анн|енн)[а-яё]*|в\s+т\.\s?ч\.|в\s+том"
                         r"\s+числе|подведомственн)", re.IGNORECASE)


def level_of(text: str) -> Level | None:
    """The level a heading or an owner names, or None."""
    for pattern, level in _LEVEL_HEADING + _LEVEL_WORDS:
        if pattern.search(text):
            return level
    return None


def heading_of(text: str) -> tuple[Level | None, str | None] | None:
    """(level, owner) when an unnumbered line is a level or addressee heading, else None.

    "на региональном уровне:" -> (REGIONAL, None); "Руководителям ОО:" -> (SCHOOL,
    "Руководителям ОО"). A heading ends with ":" (or is a short table section row, which
    the caller passes with `table=True` semantics by checking level words itself).
    """
    body = text.strip()
    if not body.endswith(":") or len(body) > 200:
        return None
    body = body.rstrip(":").strip()
    for pattern, level in _LEVEL_HEADING:
        if pattern.search(body) and len(body) < 120:
            return level, None
    first = body.split()[0] if body.split() else ""
    if _DATIVE_FIRST.match(body) and not is_infinitive(first):
        return level_of(body), body
    return None


def take_owner_fields(text: str) -> tuple[str, list[str]]:
    """Strip "Ответственный: ...", "Отв.: ...", "(отв. ...)", "Исполнитель: ..." out of an
    item's text; return the rest and the owners named there."""
    owners: list[str] = []
    for pattern in (_OWNER_PAREN, _OWNER_FIELD):
        while (m := pattern.search(text)) is not None:
            owners.extend(split_owners(m.group("who")))
            text = (text[: m.start()].rstrip(" ,;–—-") + " " + text[m.end():].lstrip(" .;")).strip()
    return " ".join(text.split()), owners


def split_owners(value: str) -> list[str]:
    """"Иванова И.И., отдел образования; РИПК" -> three names (commas inside brackets stay)."""
    parts, depth, current = [], 0, []
    for ch in value:
        depth += ch in "(«" and 1 or ch in ")»" and -1 or 0
        if ch in ",;\n" and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    names: list[str] = []
    for part in map(_clean_owner, parts):
        if names and _PARTICIPLE.match(part):  # "Органы ..., осуществляющие управление ..."
            names[-1] = f"{names[-1]}, {part}"
        elif part:
            names.append(part)
    return names


def _clean_owner(name: str) -> str:
    name = " ".join(name.split()).strip(" ,;–—-")
    if name.endswith(".") and not re.search(r"(?:^|[\s.])[А-ЯЁA-Z]\.$", name):
        name = name[:-1].rstrip()  # a sentence's full stop, not an initial's
    return name


def text_owner(text: str) -> str | None:
    """The addressee named in an item's own words: "Поручить отделу образования подготовить
    ..." or "Ознакомиться руководителям ОУ с приказом ..." -> the dative phrase."""
    m = _ASSIGN.match(text.strip())
    words = text.strip().rstrip(":").split()
    if m:
        phrase = []
        for word in m.group("who").split():
            if is_infinitive(word.strip(",.:;")):
                break
            phrase.append(word)
            if word.endswith((":", ",")):
                break
        found = " ".join(phrase).strip(" ,:;")
        return found or None
    if len(words) > 2 and _DATIVE_HEAD.match(words[0]):
        # "Руководителям ОО обеспечить явку ...": the addressee comes first.
        phrase = []
        for word in words:
            if is_infinitive(word.strip(",.;")):
                return " ".join(phrase).strip(" ,;") or None
            phrase.append(word)
        return None
    if len(words) > 2 and is_infinitive(words[0]) and _DATIVE_HEAD.match(words[1]):
        phrase = []
        for word in words[1:]:
            if word.lower() in ("с", "со", "в", "во", "по", "до", "к", "на", "о", "об", "при") \
                    or is_infinitive(word.strip(",.;")):
                break
            phrase.append(word)
            if word.endswith((",", ";")):
                break
        return " ".join(phrase).strip(" ,;") or None
    return None
