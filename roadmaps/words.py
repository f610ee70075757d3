"""Is this word an infinitive, does this text order something: the verb test the item rules use."""

from __future__ import annotations

import re

__all__ = ["has_action", "is_infinitive", "states_a_rule"]

_STI_VERBS = re.compile(r"(?:вести|нести|обрести|расти)$")
_WORD = re.compile(r"[А-Яа-яЁё]+")
# "Установить, что ... применяются с 1 сентября 2013 г.", "Определить, что ...": the item
# states a rule; the days in it say when the rule applies, not when work is due.
_RULE = re.compile(r"\s*(?:установить|определить|считать|указать)\s*,?\s*что\b",
                   re.IGNORECASE)
# "Ввести их в действие с 01 сентября 2018 года", "Настоящий приказ вступает в силу с ...":
# the day a decision takes effect, not a day by which work is due.
_TAKES_EFFECT = re.compile(r"(?:\bввести\s+(?:[а-яё]+\s+){0,4}в\s+действие"
                           r"|\bвв[оe]д[яи]тся\s+в\s+действие|\bвступа[а-яё]*\s+в\s+силу)"
                           r"\s+с\b", re.IGNORECASE)


def is_infinitive(word: str) -> bool:
    """A rough test for a Russian infinitive: "провести", "разработать", "ознакомиться"."""
    w = word.lower()
    if w.endswith(("ть", "ться", "чь")):
        return not w.endswith(("ость", "асть", "сеть", "есть"))
    return bool(_STI_VERBS.search(w))


def has_action(text: str) -> bool:
    """Whether `text` holds an infinitive: an order to do something."""
    return any(is_infinitive(w) for w in _WORD.findall(text))


def states_a_rule(text: str) -> bool:
    """Whether `text` begins "Установить, что" (or "Определить, что"), or says from which
    day something takes effect ("Ввести ... в действие с <date>"): a statement."""
    return _RULE.match(text) is not None or _TAKES_EFFECT.search(text) is not None
