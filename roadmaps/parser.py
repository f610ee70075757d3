"""Parse a protocol, order, decision or roadmap into a `ParsedDocument`.

Steps:
0. Rebuild tables flattened into text (one cell a line, space-aligned columns...) into
   " | " rows (`roadmaps.text_tables`), keeping each row's original line.
1. Find the tables (`roadmaps.tables`: rows of " | " or tab-separated cells under a header
   naming an action column and a deadline or responsible column) and the decision markers
   ("РЕШИЛИ:", "ПОСТАНОВИЛИ:", "ПРИКАЗЫВАЮ:", "коллегия РЕШАЕТ:", "постановляю:", "...
   следующие управленческие решения:"). With neither, an order-like document is read from its
   point "1.", anything else by `roadmaps.loose` (numbered points and dated lines; a document
   that names itself a schedule by its dated lines when they give more dates); only a
   document without any deadline is refused (an agenda's questions, `roadmaps.agendas`, hold
   none). `ParsedDocument.reading` says which it was.
   Before all this, an act's points run together in one paragraph ("п о с т а н о в л я е т:
   1. Провести ... 2. Утвердить ...") are split into one line a point.
2. Read the metadata from the lines before the first of them (`roadmaps.metadata`).
3. Collect each section's items (`roadmaps.sections`): numbered ("1.", "1.1.", "3.5",
   "1.1.Разработать", "а)"), bulleted ("-", "•", "–", "—"), and, in formal sections,
   unnumbered paragraphs. Lines
   that follow an item without a blank line, or start in lower case, continue it. Level and
   addressee headings apply to the items under them. A section ends at the next marker, at
   "СЛУШАЛИ"/"ВЫСТУПИЛИ", at an agenda question ("О ..."), at signatures or an appendix. A
   narrative section ("управленческие решения") also ends at the first plain paragraph.
4. Read deadlines, inherit from intros and split multi-deadline items (`roadmaps.items`;
   schedules inside an item: `roadmaps.schedules`). Decisions a protocol quotes from an
   earlier act carry that act (`ParsedItem.cited_act`).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from pathlib import Path

from roadmaps.addressees import heading_of, level_of, split_owners, take_owner_fields, text_owner
from roadmaps.agendas import drop_agenda_questions
from roadmaps.deadlines import DeadlineError, find_deadlines, find_period, memo
from roadmaps.items import Context, RawItem, finish_items
from roadmaps.labels import inline_points
from roadmaps.loose import Reading, loose_items, mark_summaries, unused_dates
from roadmaps.metadata import MARKER_KINDS, despace, header_kind, read_metadata
from roadmaps.parsed import DocumentError, Note, ParsedDocument, ParsedItem
from roadmaps.readers import MAX_BYTES, read_text
from roadmaps.sections import FIRST_POINT, collect_items, find_sections, implicit_section
from roadmaps.tables import find_tables, role, table_items
from roadmaps.text_tables import may_hold, rebuild
from roadmaps.words import has_action
from tracker.core.enums import DocumentKind
from tracker.core.i18n import N_, _

__all__ = ["parse_file", "parse_text"]

_PLAN_KINDS = (DocumentKind.PLAN, DocumentKind.ROADMAP)
_SPACED_TAIL = re.compile(r"((?:[А-ЯЁа-яё] ){4,}[А-ЯЁа-яё])(\s*:?\s*)$")
_SPACED_COLON = re.compile(r"(?<!\S)((?:[А-ЯЁа-яё] ){4,}[А-ЯЁа-яё])(?=\s*:\s*1\.)")


def parse_file(path: Path, *, max_bytes: int = MAX_BYTES) -> ParsedDocument:
    """Read and parse one file (.txt, .docx, .doc, .odt, .rtf, .pdf with a text layer, .xlsx,
    .html; see `roadmaps.readers.read_text`); `source` is the file name.

    :raises DocumentError: see `roadmaps.readers.read_text` and `parse_text`.
    """
    path = Path(path)
    text, raw = read_text(path, max_bytes=max_bytes)
    return parse_text(text, source=path.name, content_hash=hashlib.sha256(raw).hexdigest())


def parse_text(text: str, *, source: str = "<text>", content_hash: str = "") -> ParsedDocument:
    """Parse a document's text. `content_hash` defaults to the sha256 of the UTF-8 text.

    :raises DocumentError: "<source>: no decision section found (...)" when the text has
        neither a decision marker nor a plan table nor any deadline; "<source>, line N:
        impossible date «...»".
    """
    with memo():
        return _parse(text, source, content_hash)


def _parse(text: str, source: str, content_hash: str) -> ParsedDocument:
    lines = [_collapse_spaced(despace(line)) for line in text.replace("\r\n", "\n")
             .replace("\r", "\n").lstrip("\ufeff").split("\n")]
    origin: list[int] | None = None  # the original line of each line of a rebuilt table
    lines, origin = _split_inline_points(lines)
    if may_hold(text):
        rebuilt = rebuild(lines, role)
        if rebuilt is not None:
            lines, at = rebuilt
            origin = at if origin is None else [origin[i] for i in at]
    found_tables = find_tables(lines)
    in_table = {i for t in found_tables for i in range(t.first, t.last + 1)}
    sections = find_sections(lines, in_table)
    reading = Reading("section") if sections else None
    if not sections:
        sections = implicit_section(lines, in_table)
        reading = Reading("points") if sections else None
    raws: list[RawItem] = []
    if not sections and not found_tables:
        # No marker, no table: read the points and dated lines anyway (roadmaps.loose).
        start = _loose_start(lines)
        meta = read_metadata(lines, start, source=source)
        # Read from the top: a letter or a notice puts its deadlines before any "Положение"
        # or appendix heading; header lines hold event dates only ("от 26.10.2012").
        title_at, title_kind = header_kind(lines)
        raws, reading = loose_items(lines, reference=meta.date, skip=in_table, start=0,
                                    title_at=title_at, rows=title_kind in _PLAN_KINDS)
        if _names_a_schedule(lines):
            # "Расписание" with "24 мая (среда) |" lines: the dates are the schedule's own.
            # Read so when that finds at least twice the dates the phrases found.
            dated = sum(_dues(r, meta.date) for r in raws)
            bare_raws, bare_reading = loose_items(lines, reference=meta.date, skip=in_table,
                                                  start=0, title_at=title_at, bare=True)
            if sum(_dues(r, meta.date) for r in bare_raws) >= max(2, 2 * dated):
                raws, reading = bare_raws, bare_reading
        raws = drop_agenda_questions(lines, raws)  # an agenda orders nothing
        if not any(_has_deadline(r, meta.date) for r in raws):
            raise DocumentError(
                _("{source}: no decision section found (РЕШИЛИ/ПОСТАНОВИЛИ/ПРИКАЗЫВАЮ/"
                                  "РЕШАЕТ/постановляю or a plan table) and no deadlines").format(
                source=source))
    else:
        starts = [s.start - 1 for s in sections] + [t.first for t in found_tables]
        meta = read_metadata(lines, min(starts), source=source)
    period = _document_period(meta.title)
    if period is None and meta.date is None:
        period = _heading_period(lines, in_table)

    for index, section in enumerate(sections):
        stop = sections[index + 1].start - 1 if index + 1 < len(sections) else len(lines)
        raws.extend(collect_items(lines, section, stop, in_table))
    for table in found_tables:
        raws.extend(table_items(lines, table))
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
    if reading.mode in ("deadline_lines", "dated_lines"):
        mark_summaries(items)

    warnings = []
    if not items:
        warnings.append(Note(N_("the decision section has no items")))
    if meta.date is None and anchor is not None:
        warnings.append(Note(N_("no document date found: dates without a year resolve from "
                                "{anchor:%d.%m.%Y}, half a year before the earliest dated "
                                "deadline"), anchor=anchor))
    elif meta.date is None and period is None:
        warnings.append(Note(N_("no document date found: dates without a year are not "
                                "resolved")))
    kind = meta.kind or (DocumentKind.SCHEDULE if reading.mode == "dated_lines" else
                         _kind_from_body(sections, found_tables, text))
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
    kind_at, _title = header_kind(lines)
    begin = (kind_at or 0) + 1 if kind_at is not None else 0
    for index in range(begin, len(lines)):
        if FIRST_POINT.match(lines[index].strip()):
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


# A heading line that names nothing but a period: "АПРЕЛЬ – НОЯБРЬ 2023 ГОДА", "на 2023 год".
_PERIOD_LINE = re.compile(
    r"(?:(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-яё]*"
    r"|[0-9]{4}|год[аы]?|гг?\.?|учебн[а-яё]*|на|в|с|по|[\s\-–—/.,])+", re.IGNORECASE)


# A heading line naming the school year it plans: "РАБОТЫ НА 2023-2024 УЧЕБНЫЙ ГОД" (the
# heading wrapped over lines), "на 2023-2024 учебный год на уровень основного общего ...".
_ACADEMIC_TAIL = re.compile(r"\bна\s+[0-9]{4}\s*[-–—/]\s*[0-9]{2,4}\s*(?:уч\.|учебн\w+)\s*"
                            r"(?:г\.|год|года)?(?!\w)", re.IGNORECASE)


def _heading_period(lines: list[str], skip: set[int]):
    """The period an undated document names in a heading line of its own (a contest's
    calendar under "АПРЕЛЬ – НОЯБРЬ 2023 ГОДА", a plan's "... НА 2023-2024 УЧЕБНЫЙ ГОД"):
    yearless dates below resolve within it."""
    for index, line in enumerate(lines):
        text = line.strip()
        if index in skip or not text or len(text) > 90 or not re.search(r"[0-9]{4}", text):
            continue
        if len(text) <= 60 and _PERIOD_LINE.fullmatch(text) or index < 12 and \
                _ACADEMIC_TAIL.search(text):
            found = _document_period(text)
            if found is not None:
                return found
    for index, line in enumerate(lines[:_TITLE_LINES]):
        # "КАЛЕНДАРНЫЙ ПЛАН ... РАБОТЫ НА 2023-2024 УЧЕБНЫЙ ГОД" in the title of a plan
        m = _PLAN_SCHOOL_YEAR.search(line)
        if m and index not in skip and len(line) <= 160:
            found = _document_period(m.group())
            if found is not None:
                return found
    return None


_TITLE_LINES = 30
_PLAN_SCHOOL_YEAR = re.compile(r"\bна\s+[0-9]{4}\s*[-–/]\s*[0-9]{2,4}\s+учебн\w*\s+год\w*",
                               re.IGNORECASE)


def _has_deadline(raw: RawItem, reference) -> bool:
    """Whether `raw` holds a deadline phrase at all (a yearless one counts without a
    document date too: the parse may still place it, or says why not)."""
    try:
        return bool(raw.due_cells) or bool(find_deadlines(
            raw.text, reference=reference or date(2000, 1, 1),
            bare=raw.bare_dates or has_action(raw.text)))
    except DeadlineError:
        return True  # the parse proper reports the impossible date with its line


# A document that names itself a schedule in its first lines: "Расписание", "План-график
# проведения ...", "Календарный план ...", "Сроки проведения ...", "График проведения ...".
_SCHEDULE_NAME = re.compile(r"^\W*(?:расписани|план-график|календарн\w*\s+план|график\s+провед"
                            r"|сроки\s+провед|даты\s+провед)", re.IGNORECASE)


def _names_a_schedule(lines: list[str]) -> bool:
    return any(_SCHEDULE_NAME.match(line) for line in lines[:12]) or any(
        _SCHEDULE_NAME.match(part) for line in lines[:3] for part in re.split(
            r"(?<=[0-9])\s+(?=[А-ЯЁ])", line)[:4])


def _dues(raw: RawItem, reference) -> int:
    """How many deadlines of `raw` date something: not a recurrence alone, nor a term counted
    from the document's date when it has none ("В течение месяца в школах будут ...")."""
    try:
        return len(raw.due_cells) or sum(bool(d.due or d.start) for d in find_deadlines(
            raw.text, reference=reference, anchor=None if reference else date(2000, 1, 1),
            bare=raw.bare_dates))
    except DeadlineError:
        return 1


def _collapse_spaced(line: str) -> str:
    """"..., п р и к а з ы в а ю:" -> "..., приказываю:", at the end of the line or before
    the colon that points run on from ("... п о с т а н о в л я е т: 1. Провести ...")."""
    if " " not in line:
        return line
    m = _SPACED_TAIL.search(line)
    if m:
        return line[: m.start()] + m.group(1).replace(" ", "") + m.group(2)
    return _SPACED_COLON.sub(lambda m: m.group(1).replace(" ", ""), line)


def _split_inline_points(lines: list[str]) -> tuple[list[str], list[int] | None]:
    """Each point of a paragraph that runs an act's points together on a line of its own
    (`roadmaps.labels.inline_points`), with the original line of each line."""
    out: list[str] = []
    origin: list[int] = []
    for index, line in enumerate(lines):
        pieces = inline_points(line)
        for piece in pieces or [line]:
            out.append(piece)
            origin.append(index)
    return (out, origin) if len(out) != len(lines) else (lines, None)


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
