"""Is this word an infinitive, does this text order something: the verb test the item rules use."""

from __future__ import annotations

import re

__all__ = ["has_action", "is_infinitive"]

_STI_VERBS = re.compile(r"(?:вести|нести|обрести|расти)$")
_WORD = re.compile(r"[А-Яа-яЁё]+")


def is_infinitive(word: str) -> bool:
    """A rough test for a Russian infinitive: "провести", "разработать", "ознакомиться"."""
    w = word.lower()
    if w.endswith(("ть", "ться", "чь")):
        return not w.endswith(("ость", "асть", "сеть", "есть"))
    return bool(_STI_VERBS.search(w))


def has_action(text: str) -> bool:
    """Whether `text` holds an infinitive: an order to do something."""
    return any(is_infinitive(w) for w in _WORD.findall(text))
