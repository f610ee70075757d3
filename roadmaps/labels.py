"""Item labels: "1.", "1.1.", "3.5", "1.1.Разработать", "а)", bullets; and which item a
label hangs under. Shared by the section reader (`roadmaps.parser`) and the reader of
documents without a decision section (`roadmaps.loose`)."""

from __future__ import annotations

import re

from roadmaps.items import RawItem

__all__ = ["inline_points", "parent_of", "split_label"]

_LABEL = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2})*)(?P<end>[.)]?)(?=\s|[А-ЯЁA-Z«\"])\s*"
                    r"(?P<body>.*)$")
_LETTER = re.compile(r"^(?P<label>[а-я])\)\s*(?P<body>.+)$")
_BULLET = re.compile(r"^[-•–—*·▪●○■]\s*(?P<body>.+)$")
# "... постановляет: 1. Провести ... песни. 2. Утвердить: ..." (a web page that ran an act's
# points into one paragraph): a point number after the colon or a sentence's end, then a
# capital.
_INLINE_POINT = re.compile(r"(?:^|(?<=[:.;!?]))\s*(?P<n>[0-9]{1,2})\.\s+(?=[А-ЯЁ«\"])")
_INLINE_SUBPOINT = re.compile(r"[.;:]\s+[0-9]{1,2}\.[0-9]{1,2}\.?\s+[А-ЯЁ]")
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


def inline_points(line: str) -> list[str] | None:
    """The pieces of a paragraph that holds an act's points run together ("... п о с т а н о
    в л я е т: 1. Провести 16 февраля 2011 года конкурс. 2. Утвердить: ... 3. ..."): the
    text before point 1, then one piece a point; None unless points 1 and 2 are there, the
    first at the start or after a colon and each numbered one more than the one before;
    None for a table row and for a text that runs sub-points ("3.1.") together too."""
    if len(line) < 60 or "1." not in line or "|" in line or _INLINE_SUBPOINT.search(line):
        return None  # a table row's cell; a regulation's "3.1. ... 3.10 ..." run together
    cuts: list[int] = []
    for m in _INLINE_POINT.finditer(line):
        n = int(m.group("n"))
        if n == len(cuts) + 1 and (n > 1 or m.start() == 0 or line[m.start() - 1] == ":"):
            cuts.append(m.start("n"))
    if len(cuts) < 2:
        return None
    pieces = [line[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(line)], strict=True)]
    return [p for p in pieces if p]
