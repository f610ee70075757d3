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
    """Whether `text` begins "Установить, что" (or "Определить, что"): a statement."""
    return _RULE.match(text) is not None
