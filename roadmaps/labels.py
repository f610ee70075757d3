"""Item labels: "1.", "1.1.", "3.5", "1.1.Разработать", "а)", bullets; and which item a
label hangs under. Shared by the section reader (`roadmaps.parser`) and the reader of
documents without a decision section (`roadmaps.loose`)."""

from __future__ import annotations

import re

from roadmaps.items import RawItem

__all__ = ["parent_of", "split_label"]

_LABEL = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2})*)(?P<end>[.)]?)(?=\s|[А-ЯЁA-Z«\"])\s*"
                    r"(?P<body>.*)$")
_LETTER = re.compile(r"^(?P<label>[а-я])\)\s*(?P<body>.+)$")
_BULLET = re.compile(r"^[-•–—*·▪●○■]\s*(?P<body>.+)$")
_MONTH_AFTER = re.compile(r"^(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр"
                          r"|ноябр|декабр)", re.IGNORECASE)



def parent_of(label: str, raws: list[RawItem], first: int) -> RawItem | None:
    """The item a label hangs under: "3.1" under "3", "а" under the last numbered item."""
    if label.isalpha():
        return next((r for r in reversed(raws[first:]) if r.label and not r.label.isalpha()),
                    None)
    if "." not in label:
        return None
    up = label.rsplit(".", 1)[0]
    return next((r for r in reversed(raws[first:]) if r.label == up), None)


def split_label(line: str) -> tuple[str | None, str, bool]:
    """(label, text, is a bullet) of a line; label None for a bullet or a plain line."""
    m = _LABEL.match(line)
    if m and m.group("body") and not _MONTH_AFTER.match(m.group("body")) and (
            m.group("end") or "." in m.group("label") or not m.group("body")[:1].isdigit()) and (
            m.group("end") or "." in m.group("label") or not m.group("body")[:1].islower()):
        # "9 классы – 25 мая" is a schedule line, not point 9: a bare number needs "." or ")"
        # or a capital after it
        return m.group("label"), m.group("body").strip(), False
    m = _LETTER.match(line)
    if m:
        return m.group("label"), m.group("body").strip(), False
    m = _BULLET.match(line)
    if m:
        return None, m.group("body").strip(), True
    return None, line, False
