"""The decision sections of a document and the items collected from each.

A section starts at a decision marker ("РЕШИЛИ:", "ПОСТАНОВИЛИ:", "ПРИКАЗЫВАЮ:", "коллегия
РЕШАЕТ:", "постановляю:", "... следующие управленческие решения:"), or, in an order-like
document without one, at its point "1." (`implicit_section`). `collect_items` reads one
section's items: numbered ("1.", "1.1.", "3.5", "1.1.Разработать", "а)"), bulleted ("-",
"•", "–", "—") and, in formal sections, unnumbered paragraphs; level and addressee headings
apply to the items under them. A section ends at the next marker, at "СЛУШАЛИ"/"ВЫСТУПИЛИ",
at an agenda question ("О ..."), at signatures or an appendix; a narrative section
("управленческие решения") also at the first plain paragraph.

Pure: lines in, `RawItem`s out (what they mean: `roadmaps.items`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roadmaps.addressees import heading_of, level_of
from roadmaps.items import CitedAct, RawItem
from roadmaps.labels import parent_of, split_label
from roadmaps.metadata import cited_act, header_kind
from roadmaps.words import has_action
from tracker.core.enums import DocumentKind

__all__ = ["FIRST_POINT", "Section", "collect_items", "find_sections", "implicit_section"]


_MARKER = re.compile(
    r"(?:^|[\s,.])(?P<word>решили|постановили|приказываю|постановляю|постановляет|решает"
    r"|решила|решил|обязываю|предлагаю)\s*(?::\s*(?P<rest>.*)|\.?\s*)$",
    re.IGNORECASE,
)
_MARKER_START = re.compile(r"^(?P<word>решение|решения)\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_NARRATIVE = re.compile(r"(?:управленческ\w*|следующ\w*)\s+(?:\w+\s+)?решени[яе]\s*:\s*$",
                        re.IGNORECASE)


_TERMINATOR = re.compile(
    r"^(?:слушали|выступили|выступил[аи]?\b|докладчик|голосовали|голосование|повестка"
    r"|приложени[ея]\b|аналитическая\s+справка|справка\b|пояснительная\s+записка"
    r"|лист\s+согласования|с\s+(?:приказом|распоряжением|постановлением)\s+ознакомлен"
    r"|ознакомлен[ыа]?\s*:|председател[ьи]|председательствующий|секретарь\b|министр\b"
    r"|заместитель\s+министра|глава\b|начальник\b|руководитель\b|директор\b|исп\.\s"
    r"|присутствовали|отсутствовали|приглашенные|подпись)",
    re.IGNORECASE,
)
_ROMAN = re.compile(r"^(?P<label>[IVX]{1,5})\.?\s+(?P<body>.+)$")
_QUESTION = re.compile(r"^(?:об?|обо)\s+[а-яё]|^по\s+(?:\w+\s+)?вопрос", re.IGNORECASE)
_NAME_ONLY = re.compile(r"^(?:[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+|[А-ЯЁ][а-яё]+\s+[А-ЯЁ]\.\s?"
                        r"[А-ЯЁ]\.?)$")
FIRST_POINT = re.compile(r"^1[.)]\s*[А-ЯЁа-яё]")
_MARKERLESS_KINDS = (DocumentKind.ORDER, DocumentKind.DIRECTIVE, DocumentKind.RESOLUTION,
                     DocumentKind.BOARD_DECISION)
_FIELD = re.compile(r"^(?:ответственн\w*|отв\.|исполнител[ьи]|срок\w*)(?:\s+\w+)?\s*[:\-–—]",
                    re.IGNORECASE)


@dataclass
class Section:
    start: int  # index of the first line of content
    rest: str  # the text after the marker on its own line
    narrative: bool
    word: str
    cited: CitedAct | None = None  # "приказом ... от 15.06.2021 № 556 были утверждены ..."


def find_sections(lines: list[str], skip: set[int]) -> list[Section]:
    found = []
    for index, raw in enumerate(lines):
        if index in skip:
            continue
        line = raw.strip()
        m = _MARKER.search(line) or _MARKER_START.match(line)
        if m:
            word = m.group("word").lower()
            # "решения:" alone on a line is what a PDF leaves of "... приказом ... от
            # 15.06.2021 № 556 были утверждены следующие управленческие / решения:".
            cited = _cited_near(lines, index) if word.startswith("решени") else None
            found.append(Section(index + 1, (m.group("rest") or "").strip(), False, word,
                                  cited))
        elif _NARRATIVE.search(line):
            found.append(Section(index + 1, "", True, "решения", _cited_near(lines, index)))
    return found


def _cited_near(lines: list[str], index: int) -> CitedAct | None:
    """The act quoted by the narrative line at `index`: a PDF or a hard-wrapped text breaks
    "приказом ... / от 15.06.2021 № 556 были утверждены ... / решения:" over lines, so
    the two lines before it are read with it when the line alone names no act."""
    found = cited_act(lines[index].strip())
    if found is None and index:
        found = cited_act(" ".join(raw.strip() for raw in lines[max(0, index - 2): index + 1]))
    return found


def implicit_section(lines: list[str], skip: set[int]) -> list[Section]:
    """Orders and directives often list their points with no "ПРИКАЗЫВАЮ:" before them: for
    a document whose header names such a kind, the section starts at its point "1."."""
    kind_at, kind = header_kind(lines)
    if kind not in _MARKERLESS_KINDS:
        return []
    for index in range(kind_at + 1, len(lines)):
        if index not in skip and FIRST_POINT.match(lines[index].strip()):
            return [Section(index, "", False, "")]
    return []


def collect_items(lines: list[str], section: Section, stop: int, skip: set[int]) -> list[RawItem]:
    """The items of one section, lines `section.start` to `stop` (0-based, exclusive)."""
    raws: list[RawItem] = []
    level, owner = None, None
    current: RawItem | None = None
    intro: RawItem | None = None  # the item bullets hang under (ends with ":")
    blank = False
    numbered: list[tuple[int, str]] = [(section.start, section.rest)] if section.rest else []
    numbered += [(i + 1, lines[i]) for i in range(section.start, stop)]
    for lineno, raw_line in numbered:
        line = raw_line.strip()
        if lineno - 1 in skip or not line:
            blank = True
            if lineno - 1 in skip:
                current = None
            continue
        label, body, bullet = split_label(line)
        if label is None and not bullet:
            if line[:1].isupper() and (_TERMINATOR.match(line) or _NAME_ONLY.match(line)):
                break  # "ГОЛОСОВАЛИ: ...", "Председатель ...", a signature under the last item
            if current is not None and (_FIELD.match(line)
                                        or not blank and not heading_of(line)
                                        or line[:1].islower() and not heading_of(line)):
                current.text += " " + line
                blank = False
                continue
            if _TERMINATOR.match(line) or _NAME_ONLY.match(line) or _QUESTION.match(line):
                break
            head = heading_of(line) or _roman_heading(line)
            if head is not None:
                level, owner = head
                current = intro = None
                blank = False
                continue
            if section.narrative:
                break
        elif label is not None and _QUESTION.match(body) and not (
                "." in label and has_action(body)):
            # "2. О подготовке к ЕГЭ" is the next question of a protocol; "2.2.О принятом
            # решении сообщить в орган ... до 01.06.2006." a sub-point that orders something
            break
        elif label is not None and not label.isalpha():
            head = heading_of(body)
            if head is not None and head[1] is None:  # "1. На региональном уровне:"
                level, owner = head
                current = intro = None
                continue
        parent = intro if bullet or label is None else parent_of(label, raws, 0)
        if label is not None and parent is None:
            intro = None
        current = RawItem(label=label, text=body, line=lineno,
                          level=parent.level if parent and parent.level else level,
                          owners=[owner] if owner else [], parent=parent, cited=section.cited)
        if parent is not None:
            parent.children += 1
        raws.append(current)
        if body.rstrip().endswith(":") and not bullet:
            intro = current
        blank = False
    return raws


def _roman_heading(line: str):
    m = _ROMAN.match(line)
    if not m:
        return None
    return level_of(m.group("body")), None
