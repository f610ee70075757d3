"""Parse a protocol, order, decision or roadmap into a `ParsedDocument`.

Steps:
1. Find the tables (rows of " | " or tab-separated cells under a header naming an action
   column and a deadline or responsible column) and the decision markers ("РЕШИЛИ:",
   "ПОСТАНОВИЛИ:", "ПРИКАЗЫВАЮ:", "коллегия РЕШАЕТ:", "постановляю:", "... следующие
   управленческие решения:"). A document with neither is an error: it has nothing to import.
2. Read the metadata from the lines before the first of them (`roadmaps.metadata`).
3. Collect each section's items: numbered ("1.", "1.1.", "3.5", "1.1.Разработать", "а)"),
   bulleted ("-", "•", "–", "—"), and, in formal sections, unnumbered paragraphs. Lines
   that follow an item without a blank line, or start in lower case, continue it. Level and
   addressee headings apply to the items under them. A section ends at the next marker, at
   "СЛУШАЛИ"/"ВЫСТУПИЛИ", at an agenda question ("О ..."), at signatures or an appendix. A
   narrative section ("управленческие решения") also ends at the first plain paragraph.
4. Read deadlines, inherit from intros and split multi-deadline items (`roadmaps.items`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from roadmaps.deadlines import DeadlineError, find_deadlines, find_period
from roadmaps.items import (
    CitedAct,
    Context,
    RawItem,
    finish_items,
    heading_of,
    level_of,
    split_owners,
    take_owner_fields,
    text_owner,
)
from roadmaps.labels import parent_of as _parent_of
from roadmaps.labels import split_label as _split_label
from roadmaps.loose import Reading, loose_items, unused_dates
from roadmaps.metadata import MARKER_KINDS, cited_act, despace, header_kind, read_metadata
from roadmaps.parsed import DocumentError, ParsedDocument, ParsedItem
from roadmaps.readers import MAX_BYTES, read_document
from roadmaps.text_tables import rebuild
from roadmaps.words import has_action
from tracker.enums import DocumentKind

__all__ = ["parse_file", "parse_text"]

_MARKER = re.compile(
    r"(?:^|[\s,.])(?P<word>решили|постановили|приказываю|постановляю|постановляет|решает"
    r"|решила|решил|обязываю|предлагаю)\s*(?::\s*(?P<rest>.*)|\.?\s*)$",
    re.IGNORECASE,
)
_MARKER_START = re.compile(r"^(?P<word>решение|решения)\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_NARRATIVE = re.compile(r"(?:управленческ\w*|следующ\w*)\s+(?:\w+\s+)?решени[яе]\s*:\s*$",
                        re.IGNORECASE)
_SPACED_TAIL = re.compile(r"((?:[А-ЯЁа-яё] ){4,}[А-ЯЁа-яё])(\s*:?\s*)$")
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
_FIRST_POINT = re.compile(r"^1[.)]\s*[А-ЯЁа-яё]")
_MARKERLESS_KINDS = (DocumentKind.ORDER, DocumentKind.DIRECTIVE, DocumentKind.RESOLUTION,
                     DocumentKind.BOARD_DECISION)
_FIELD = re.compile(r"^(?:ответственн\w*|отв\.|исполнител[ьи]|срок\w*)(?:\s+\w+)?\s*[:\-–—]",
                    re.IGNORECASE)


@dataclass
class _Table:
    first: int  # 0-based index of the header row
    last: int  # 0-based index of the last row
    columns: dict[str, list[int]]  # role -> column indexes
    body: int  # index of the first row after the header
    width: int = 0  # cells in the header


@dataclass
class _Section:
    start: int  # index of the first line of content
    rest: str  # the text after the marker on its own line
    narrative: bool
    word: str
    cited: CitedAct | None = None  # "приказом ... от 15.06.2021 № 556 были утверждены ..."


def parse_file(path: Path, *, max_bytes: int = MAX_BYTES) -> ParsedDocument:
    """Read and parse one file (.txt or .docx); `source` is the file name.

    :raises DocumentError: see `roadmaps.readers.read_document` and `parse_text`.
    """
    path = Path(path)
    text, raw = read_document(path, max_bytes=max_bytes)
    return parse_text(text, source=path.name, content_hash=hashlib.sha256(raw).hexdigest())


def parse_text(text: str, *, source: str = "<text>", content_hash: str = "") -> ParsedDocument:
    """Parse a document's text. `content_hash` defaults to the sha256 of the UTF-8 text.

    :raises DocumentError: "<source>: no decision section found (...)" when the text has
        neither a decision marker nor a plan table; "<source>, line N: impossible date «...»".
    """
    lines = [_collapse_spaced(despace(line)) for line in text.replace("\r\n", "\n")
             .replace("\r", "\n").lstrip("\ufeff").split("\n")]
    origin: list[int] | None = None  # the original line of each line of a rebuilt table
    if "|" in text or "  " in text:
        rebuilt = rebuild(lines, _role)
        if rebuilt is not None:
            lines, origin = rebuilt
    found_tables = _find_tables(lines)
    in_table = {i for t in found_tables for i in range(t.first, t.last + 1)}
    sections = _sections(lines, in_table)
    reading = Reading("section") if sections else None
    if not sections:
        sections = _implicit_section(lines, in_table)
        reading = Reading("points") if sections else None
    raws: list[RawItem] = []
    if not sections and not found_tables:
        # No marker, no table: read the points and dated lines anyway (roadmaps.loose).
        start = _loose_start(lines)
        meta = read_metadata(lines, start, source=source)
        # Read from the top: a letter or a notice puts its deadlines before any "Положение"
        # or appendix heading; header lines hold event dates only ("от 26.10.2012").
        raws, reading = loose_items(lines, reference=meta.date, skip=in_table, start=0,
                                    title_at=header_kind(lines)[0])
        if not any(_has_deadline(r, meta.date) for r in raws):
            raise DocumentError(f"{source}: no decision section found (РЕШИЛИ/ПОСТАНОВИЛИ/"
                                "ПРИКАЗЫВАЮ/РЕШАЕТ/постановляю or a plan table) and no deadlines")
    else:
        starts = [s.start - 1 for s in sections] + [t.first for t in found_tables]
        meta = read_metadata(lines, min(starts), source=source)
    period = _document_period(meta.title)

    for index, section in enumerate(sections):
        stop = sections[index + 1].start - 1 if index + 1 < len(sections) else len(lines)
        raws.extend(_collect(lines, section, stop, in_table))
    for table in found_tables:
        raws.extend(_table_items(lines, table))
    if found_tables:
        reading = Reading("table" if reading is None else f"table+{reading.mode}")
    raws.sort(key=lambda raw: raw.line)
    unused = unused_dates(lines, raws, reference=meta.date, skip=in_table)
    if origin is not None:
        for raw in raws:
            raw.line = origin[raw.line - 1] + 1
        unused = [(origin[line - 1] + 1, text) for line, text in unused]
    _assign_owners(raws)
    anchor = _anchor(raws) if meta.date is None and period is None else None
    ctx = Context(source=source, reference=meta.date, period=period, anchor=anchor)
    items: list[ParsedItem] = finish_items(raws, ctx)

    warnings = []
    if not items:
        warnings.append("the decision section has no items")
    if meta.date is None and anchor is not None:
        warnings.append(f"no document date found: dates without a year resolve from "
                        f"{anchor:%d.%m.%Y}, half a year before the earliest dated deadline")
    elif meta.date is None:
        warnings.append("no document date found: dates without a year are not resolved")
    kind = meta.kind or _kind_from_body(sections, found_tables, text)
    points = [r.label for r in raws if r.label and r.label.isdigit()]
    return ParsedDocument(
        source=source, kind=kind, number=meta.number, date=meta.date, title=meta.title,
        issuer=meta.issuer, chair=meta.chair, secretary=meta.secretary, items=items,
        content_hash=content_hash or hashlib.sha256(text.encode("utf-8")).hexdigest(),
        warnings=warnings, reading=reading.mode,
        first_label=points[0] if points else None, last_label=points[-1] if points else None,
        unused_dates=unused,
    )


def _loose_start(lines: list[str]) -> int:
    """Where the body of a document without a decision section starts: its point "1.", else
    after the first blank line following its kind or title, else 0."""
    kind_at, _ = header_kind(lines)
    begin = (kind_at or 0) + 1 if kind_at is not None else 0
    for index in range(begin, len(lines)):
        if _FIRST_POINT.match(lines[index].strip()):
            return index
    return begin


def _anchor(raws: list[RawItem]):
    """For an undated document (a web page, an excerpt): half a year before its earliest
    deadline written with a year, so that "до 5 сентября" next to "1 сентября 2023 года"
    is 2023's; None when no deadline has a year."""
    earliest = None
    for raw in raws:
        try:
            found = [d for cell in raw.due_cells for d in find_deadlines(cell, cell=True)]
            found += find_deadlines(raw.text, bare=True)
        except DeadlineError:
            continue  # reported with its line by the parse proper
        for deadline in found:
            day = deadline.start or deadline.due
            if day is not None and (earliest is None or day < earliest):
                earliest = day
    return earliest - timedelta(days=183) if earliest else None


def _has_deadline(raw: RawItem, reference) -> bool:
    """Whether `raw` holds a deadline phrase at all (a yearless one counts without a
    document date too: the parse may still place it, or says why not)."""
    try:
        return bool(find_deadlines(raw.text, reference=reference or date(2000, 1, 1),
                                   bare=raw.bare_dates or has_action(raw.text)))
    except DeadlineError:
        return True  # the parse proper reports the impossible date with its line


def _collapse_spaced(line: str) -> str:
    """"..., п р и к а з ы в а ю:" -> "..., приказываю:"."""
    m = _SPACED_TAIL.search(line)
    if not m:
        return line
    return line[: m.start()] + m.group(1).replace(" ", "") + m.group(2)


def _sections(lines: list[str], skip: set[int]) -> list[_Section]:
    found = []
    for index, raw in enumerate(lines):
        if index in skip:
            continue
        line = raw.strip()
        m = _MARKER.search(line) or _MARKER_START.match(line)
        if m:
            found.append(_Section(index + 1, (m.group("rest") or "").strip(), False,
                                  m.group("word").lower()))
        elif _NARRATIVE.search(line):
            found.append(_Section(index + 1, "", True, "решения", cited_act(line)))
    return found


def _implicit_section(lines: list[str], skip: set[int]) -> list[_Section]:
    """Orders and directives often list their points with no "ПРИКАЗЫВАЮ:" before them: for
    a document whose header names such a kind, the section starts at its point "1."."""
    kind_at, kind = header_kind(lines)
    if kind not in _MARKERLESS_KINDS:
        return []
    for index in range(kind_at + 1, len(lines)):
        if index not in skip and _FIRST_POINT.match(lines[index].strip()):
            return [_Section(index, "", False, "")]
    return []


def _document_period(title: str | None):
    if not title:
        return None
    try:
        return find_period(title)
    except DeadlineError:
        return None


def _kind_from_body(sections, found_tables, text: str) -> DocumentKind:
    for section in sections:
        if section.word in MARKER_KINDS:
            return MARKER_KINDS[section.word]
    if found_tables and not sections:
        return DocumentKind.ROADMAP if re.search(r"дорожн", text, re.I) else DocumentKind.PLAN
    return DocumentKind.PROTOCOL


def _collect(lines: list[str], section: _Section, stop: int, skip: set[int]) -> list[RawItem]:
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
        label, body, bullet = _split_label(line)
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
        elif label is not None and _QUESTION.match(body):
            break
        elif label is not None and not label.isalpha():
            head = heading_of(body)
            if head is not None and head[1] is None:  # "1. На региональном уровне:"
                level, owner = head
                current = intro = None
                continue
        parent = intro if bullet or label is None else _parent_of(label, raws, 0)
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


def _assign_owners(raws: list[RawItem]) -> None:
    """Owners written in an item win; else the parent's; else the heading's addressee.
    Level: the heading's, else the parent's, else the one its owners name."""
    for raw in raws:
        text, named = take_owner_fields(raw.text)
        raw.text = text
        if not named and not raw.due_cells:
            found = text_owner(text)
            named = [found] if found else []
        if not named and raw.is_intro:
            head = heading_of(raw.text.rstrip(":") + ":")  # "2. Руководителям ОО:" -> 2.x
            if head is not None and head[1]:
                named = [head[1]]
        if named:
            raw.owners = named
        elif raw.parent is not None and raw.parent.owners:
            raw.owners = list(raw.parent.owners)
        raw.owners = [o for part in raw.owners for o in split_owners(part)]
        if raw.level is None and raw.parent is not None and raw.parent.level is not None:
            raw.level = raw.parent.level
        if raw.level is None:  # the addressee's level: "Отделу образования" is municipal
            raw.level = next((lv for lv in map(level_of, raw.owners) if lv), None)


# --- tables -----------------------------------------------------------------------------------

_NUM_HEADER = re.compile(r"^(?:№|n|no\.?|номер)(?:\s*п\s*/\s*п)?\.?$|^п\s*/\s*п$", re.I)
_COLUMN_NUMBERS = re.compile(r"^\d{1,2}\.?$")
_ROW_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})*[.)]?$")
_ACTION_RANK = ("мероприят", "наименование", "содержание", "действи", "задач", "решени",
                "направлени")


def _cells(line: str) -> list[str] | None:
    """The cells of a rendered table row: tab-separated, " | "-separated or "| a | b |"."""
    text = line.strip()
    if "\t" in line.strip("\n"):
        cells = line.strip("\n").split("\t")
    elif line.startswith("|") and text.endswith("|") and text.count("|") >= 3:
        # Markdown "| a | b |" starts at the margin; a rendered row whose first cell is empty
        # starts with " | " and keeps that cell.
        cells = text[1:-1].split("|")
    elif " | " in text or text.count("|") >= 2:
        cells = text.split("|")
    else:
        return None
    cells = [" ".join(c.split()) for c in cells]
    return cells if len(cells) >= 2 else None


def _role(cell: str) -> str | None:
    c = cell.lower().replace("ё", "е")
    if _NUM_HEADER.match(c):
        return "num"
    if "срок" in c or "дата" in c or "период" in c or re.match(r"^(?:начало|окончание)", c):
        return "start" if "начал" in c else "due"
    if "ответствен" in c or "исполнител" in c:
        return "owner"
    if "результат" in c or "показател" in c or "итог" in c or "форма" in c:
        return "result"
    if "уровень" in c:
        return "level"
    if any(word in c for word in _ACTION_RANK):
        return "action"
    return None


def _columns(cells: list[str]) -> dict[str, list[int]]:
    columns: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        role = _role(cell)
        if role and not (role in ("num", "action", "owner", "level") and role in columns):
            columns.setdefault(role, []).append(index)
    actions = [(next((r for r, w in enumerate(_ACTION_RANK) if w in c.lower()), 99), i)
               for i, c in enumerate(cells) if _role(c) == "action"]
    if actions:
        columns["action"] = [min(actions)[1]]
    return columns


def _find_tables(lines: list[str]) -> list[_Table]:
    """Header rows with an action column and a deadline or owner column, and their rows."""
    tables: list[_Table] = []
    index = 0
    while index < len(lines):
        cells = _cells(lines[index])
        columns = _columns(cells) if cells else {}
        if not ("action" in columns and ("due" in columns or "owner" in columns)):
            index += 1
            continue
        body = index + 1
        following = _cells(lines[body]) if body < len(lines) else None
        if following and len(following) == len(cells) and sum(map(bool, following)) >= 2 and all(
                not c or (_role(c) and not re.search(r"\d", c)) for c in following):
            merged = [f"{a} {b}".strip() for a, b in zip(cells, following, strict=True)]
            columns, body = _columns(merged), body + 1  # a two-row header: "Сроки" / "начало"
        last, probe = index, body
        while probe < len(lines):
            if _cells(lines[probe]) is not None:
                last = probe
            elif lines[probe].strip():
                # A line without cells is a section row only if more rows follow it.
                nxt = next((j for j in range(probe + 1, len(lines)) if lines[j].strip()), None)
                if nxt is None or _cells(lines[nxt]) is None:
                    break
            elif not any(_cells(lines[j]) for j in range(probe + 1, min(len(lines), probe + 2))):
                break
            probe += 1
        tables.append(_Table(index, max(last, body - 1), columns, body, len(cells)))
        index = max(last, body - 1) + 1
    return tables


def _table_items(lines: list[str], table: _Table) -> list[RawItem]:
    """One item per data row; section rows set the level and addressee of the rows below."""
    cols = table.columns
    raws: list[RawItem] = []
    level = owner = None

    def cell(cells: list[str], role: str) -> str:
        index = cols.get(role, [None])[0]
        return cells[index] if index is not None and index < len(cells) else ""

    for index in range(table.body, table.last + 1):
        line = lines[index].strip()
        if not line or re.fullmatch(r"[|\s:\-–—]+", line):
            continue
        cells = _cells(lines[index])
        if cells is None or _is_section_row(cells, cols):
            heading = line if cells is None else next(c for c in cells if c and c != cell(
                cells, "num"))
            head = heading_of(heading.rstrip(":") + ":")
            level = (head[0] if head else None) or level_of(heading) or level
            owner = head[1] if head and head[1] else None
            continue
        if all(_COLUMN_NUMBERS.match(c) or not c for c in cells):
            continue  # the "1 | 2 | 3 | 4" row that numbers the columns
        number = None
        if "num" not in cols and len(cells) == table.width + 1 and _ROW_NUMBER.match(cells[0]):
            number, cells = cells[0], cells[1:]  # no "№" in the header, a number in the row
        text = cell(cells, "action")
        if not text:
            continue
        label = (number or cell(cells, "num")).rstrip(".)") or None
        named = split_owners(cell(cells, "owner"))
        row_level = level_of(cell(cells, "level")) if "level" in cols else None
        parent = _parent_of(label, raws, 0) if label else None
        raw = RawItem(label=label, text=text, line=index + 1, level=row_level or level,
                      owners=named or ([owner] if owner else []), parent=parent,
                      due_cells=[cells[i] for i in cols.get("due", []) if i < len(cells)],
                      start_cells=[cells[i] for i in cols.get("start", []) if i < len(cells)])
        if parent is not None:
            parent.children += 1
        raws.append(raw)
    return raws


def _is_section_row(cells: list[str], cols: dict[str, list[int]]) -> bool:
    """A row whose cells (the number aside) all say the same thing: a merged heading."""
    num = cols.get("num", [None])[0]
    rest = [c for i, c in enumerate(cells) if i != num and c]
    if not rest:
        return False
    if num is not None and num < len(cells) and cells[num] and len(set(rest)) == 1 \
            and len(rest) == 1:
        return False  # "5 | Провести ..." with nothing else filled in is still an item
    return len(set(rest)) == 1 and (len(rest) > 1 or num is None or not cells[num])
