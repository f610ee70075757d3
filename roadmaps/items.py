"""Decision items: what an item is (action or statement), whom and which level it concerns,
and when it is due.

The rules, each because Russian official writing does it this way:

* Statements are kept but not actionable: "принять к сведению", "считать удовлетворительным",
  "Контроль за исполнением ... возложить на ...", approvals ("Утвердить", "Одобрить",
  "Признать", "Отметить", "Согласиться", "Снять с контроля"), "вступает в силу", and the
  sub-items of an intro that lists results ("... позволили:", "достигнуты следующие
  результаты:"). "Ознакомиться" is an action: an addressee must read something.
* An item ending with ":" that has sub-items is an intro, not a task of its own: its
  sub-items carry the action. Its addressee ("Рекомендовать руководителям ОО:"), its deadline
  ("В срок до 1 сентября обеспечить:") and its period ("разработать на 2021-2022 учебный
  год:") pass to the sub-items; a sub-item with no deadline of its own is due at the end of
  the inherited period.
* Level headings ("на региональном уровне:") and addressee headings in the dative
  ("Руководителям общеобразовательных организаций:") set the level and the owner of the items
  under them until the next heading (read by `roadmaps.addressees`).
* An item holding several deadlines ("... (до 10 марта) и ... (до 25 апреля)") is split into
  one item per deadline, labelled "2 (1)", "2 (2)". When the parts are not separate actions
  ("Представить отчёт до 10 марта, до 10 июня") every part keeps the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from roadmaps.deadlines import Deadline, DeadlineError, Period, find_deadlines, find_period
from roadmaps.parsed import DocumentError, Note, ParsedItem
from roadmaps.schedules import intro_actions, schedule_deadlines, schedule_parts
from roadmaps.words import has_action, is_infinitive, states_a_rule
from tracker.core.enums import Level
from tracker.core.i18n import N_, _

__all__ = ["CitedAct", "Context", "RawItem", "finish_items", "is_statement"]


@dataclass(frozen=True)
class Context:
    """What every item of a document shares."""

    source: str
    reference: date | None  # the document date: resolves dates without a year
    period: Period | None = None  # the document's own period ("План ... на 2022 год")
    anchor: date | None = None  # an undated document: where yearless dates start looking

    @property
    def refs(self) -> dict:
        """The `find_deadlines` arguments that place dates: the document date, the anchor."""
        return {"reference": self.reference, "anchor": self.anchor}


@dataclass(frozen=True)
class CitedAct:
    """An earlier act a protocol quotes decisions from: "приказом ... от 15.06.2021 № 556"."""

    text: str  # as written, shortened: "приказ от 15.06.2021 № 556"
    date: date | None
    number: str | None


@dataclass
class RawItem:
    """An item as collected from text or a table row, before deadlines are read."""

    label: str | None
    text: str
    line: int
    level: Level | None = None
    owners: list[str] = field(default_factory=list)
    parent: RawItem | None = None
    children: int = 0
    due_cells: list[str] = field(default_factory=list)  # "Срок" columns: the last is the due
    start_cells: list[str] = field(default_factory=list)  # "Срок начала" columns
    bare_dates: bool = False  # a schedule line: a date with no keyword is its deadline
    intro_forced: bool = False  # a point whose sub-items carry the action, "Доклад" aside
    cited: CitedAct | None = None  # the earlier act that made this decision, when quoted

    @property
    def is_intro(self) -> bool:
        """An item that only introduces its sub-items: "... обеспечить:", or an addressee
        with no action of its own ("2. Отделу образования" over 2.1, 2.2)."""
        return self.children > 0 and (self.intro_forced or self.text.rstrip().endswith(":")
                                      or not has_action(self.text))


_STATEMENT = re.compile(
    r"к\s+сведению"
    r"|\bсчитать\b.*?\b(?:удовлетвор|неудовлетвор|утративш|выполненн|исполненн|завершенн|снят"
    r"|эффективн|достаточн|приемлем)"
    r"|контроль\s+(?:за|над)\s+(?:ходом\s+)?(?:исполнени|выполнени|реализаци)"
    r"|контроль\s+.*?\b(?:возложить|возлагаю|оставляю|оставить)\b"
    r"|^(?:признать|отметить|согласиться|поддержать|снять\s+с\s+контроля"
    r"|принять\s+(?:прилагаем|к\s+исполнению|за\s+основу|информацию))\b"
    r"|вступает\s+в\s+(?:законную\s+)?силу"
    # the document describing itself: "Настоящее техническое задание регламентирует ..."
    r"|\bнастоящ(?:ее|ий|ая|ие)(?:\s+[а-яё-]+){1,3}\s+(?:регламентиру|определя|устанавлива"
    r"|распространя|описыва|содерж)\w*",
    re.IGNORECASE,
)
# The document approving something ("Утвердить прилагаемый план") is a statement; a plan row
# "Утвердить муниципальные планы-графики | 15.09.2021 | МОУО" orders someone to approve.
_APPROVAL = re.compile(r"^(?:утвердить|одобрить)\b", re.IGNORECASE)
_YEAR_ONLY = re.compile(r"^(?:в|во|на)\s+[0-9]{4}(?:\s*[-–—]\s*[0-9]{4})?\s*(?:год|г\.|гг)",
                        re.IGNORECASE)
# "Сахарова Ирина Сергеевна - заместитель главы ...", "Иванов И.И., директор ...": a member
# of the commission an intro creates, not a task.
_MEMBER = re.compile(r"^(?:[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+(?:[А-ЯЁ][а-яё]+\s+[А-ЯЁ][а-яё]+"
                     r"(?:вич|вна|ична|ич)|[А-ЯЁ]\.\s?[А-ЯЁ]\.))\s*(?:[-–—,(]|$)")
_RESULTS_INTRO = re.compile(
    r"(?:позволил[иоа]?|достигнут[ыо]?|получен[ыо]?|отмечен[ыо]?|сложилась|следующие\s+"
    r"(?:результаты|итоги|показатели))[^:]*:\s*$",
    re.IGNORECASE,
)


def is_statement(text: str) -> bool:
    """Whether an item's text records a fact or an approval rather than ordering work."""
    return bool(_STATEMENT.search(text.strip()))


@dataclass(frozen=True)
class _Inherited:
    """What an intro passes to its sub-items."""

    period: Period | None
    deadline: Deadline | None
    period_text: str | None


def finish_items(raws: list[RawItem], ctx: Context) -> list[ParsedItem]:
    """Turn collected items into `ParsedItem`s: deadlines, inheritance, splitting, flags.

    :raises DocumentError: "<source>, line N: impossible date «...»".
    """
    inherited: dict[int, _Inherited] = {}
    out: list[ParsedItem] = []
    for raw in raws:
        parent = raw.parent
        from_parent = inherited.get(id(parent)) if parent is not None else None
        period = (from_parent.period if from_parent else None) or ctx.period
        deadlines, how = _deadlines(raw, ctx, period)
        if raw.children:
            own_period = _period(raw, ctx)
            inherited[id(raw)] = _Inherited(
                period=own_period[0] if own_period else period,
                deadline=deadlines[-1] if deadlines else (from_parent and from_parent.deadline),
                period_text=own_period[1] if own_period else (from_parent and
                                                              from_parent.period_text),
            )
        out.extend(_make(raw, deadlines, how, from_parent, ctx))
    return out


def _deadlines(raw: RawItem, ctx: Context, period: Period | None) -> tuple[list[Deadline], str]:
    """The item's deadlines and how they were found: "cell" (a "Срок" column), "phrase" (a
    deadline phrase in the text) or "inferred" (a bare date in an item that orders work)."""
    try:
        if raw.due_cells or raw.start_cells:
            found = [d for cell in raw.due_cells for d in find_deadlines(
                cell, **ctx.refs, period=period, cell=True)]
            starts = [d for cell in raw.start_cells for d in find_deadlines(
                cell, **ctx.refs, period=period, cell=True)]
            if starts and found and len(found) == 1:
                first = starts[0]
                found = [_with_start(found[0], first.start or first.due)]
            if found and all(d.start is not None for d in found):
                # The rule of docs/import-rules.md: a "Срок" cell naming a period ("июль -
                # август 2015") and an explicit deadline in the action ("(в срок до 10
                # августа 2015 года)"): the explicit one is the due date, inside the period.
                inner = [d for d in find_deadlines(raw.text, **ctx.refs,
                                                   period=period) if d.start is None]
                if inner:
                    return [_with_start(d, found[0].start) for d in inner], "phrase"
            if found:
                return found, "cell"
            # An empty "Срок" cell: the deadline may be written in the action itself.
        found = find_deadlines(raw.text, **ctx.refs, period=period,
                               bare=raw.bare_dates)
        if found and not has_action(raw.text):
            # "Текущий контроль ... в течение учебного года осуществляется без отметок": a
            # rule's time frame; with no order to do anything it is no running duty.
            found = [d for d in found if not _TIME_FRAME.match(d.text)]
        if len(found) > 1 and any(_SROK_FIELD.match(d.text) for d in found):
            # "продолжить контроль за ЕГЭ в 2016 году ..., срок исполнения — 1 сентября 2016
            # года": the "Срок" field dates the work, the year behind "в" is its scope
            found = [d for d in found if not (d.start is not None and _IN_SPAN.match(d.text))]
        scheduled = schedule_deadlines(raw.text, found, **ctx.refs, period=period)
        if scheduled:
            return scheduled, "inferred"
        if found:
            return found, "inferred" if raw.bare_dates else "phrase"
        if not raw.children and (has_action(raw.text) and not states_a_rule(raw.text)
                                 or _ordered_by_intro(raw)):
            # "Открыть лагерь 1 июня 2022 г.": the day of the event is when it is due
            # ("Установить, что ... применяются с 1 сентября 2013 г." says when a rule applies).
            found = find_deadlines(raw.text, **ctx.refs, period=period, bare=True)
        return found, "inferred"
    except DeadlineError as exc:
        raise DocumentError(_("{source}, line {line}: impossible date «{phrase}»").format(
            source=ctx.source, line=raw.line, phrase=exc.phrase)) from None


_SROK_FIELD = re.compile(r"срок\w*\s+(?:исполнения|выполнения)", re.IGNORECASE)
_IN_SPAN = re.compile(r"(?:в|во)\s", re.IGNORECASE)


def _ordered_by_intro(raw: RawItem) -> bool:
    """A sub-item that takes its verb from its intro: "1. Провести пробный ОГЭ:" then "- 13
    января 2024 года по информатике - в ППЭ;" (an approval's list is no order)."""
    parent = raw.parent
    return (parent is not None and parent.text.rstrip().endswith(":") and has_action(parent.text)
            and not _APPROVAL.match(parent.text) and not states_a_rule(parent.text))


_TIME_FRAME = re.compile(r"в\s+течени[еи]\s+(?:всего\s+)?(?:учебного\s+|календарного\s+)?года$",
                         re.IGNORECASE)


def _with_start(deadline: Deadline, start: date | None) -> Deadline:
    from dataclasses import replace
    return replace(deadline, start=start)


def _period(raw: RawItem, ctx: Context) -> tuple[Period, str] | None:
    """The period an intro names and the phrase as written (the shortest text that names it)."""
    try:
        period = find_period(raw.text, reference=ctx.reference)
    except DeadlineError as exc:
        raise DocumentError(_("{source}, line {line}: impossible date «{phrase}»").format(
            source=ctx.source, line=raw.line, phrase=exc.phrase)) from None
    if period is None:
        return None
    text = raw.text
    starts = [m.start() for m in re.finditer(r"\S+", text)]
    begin = next((s for s in reversed(starts)
                  if find_period(text[s:], reference=ctx.reference) == period), 0)
    ends = [m.end() for m in re.finditer(r"\S+", text) if m.end() > begin]
    end = next((e for e in ends if find_period(text[begin:e], reference=ctx.reference)
                == period), len(text))
    before = re.search(r"(?:\bна|\bв|\bво|в\s+течение)\s+$", text[:begin], re.IGNORECASE)
    if before:  # keep the preposition: "на 2021-2022 учебный год"
        begin = before.start()
    return period, text[begin:end].rstrip(" :;,.")


_LIST_GAP = re.compile(r"(?:[\s,;]|\bи\b)*")


def _listed(source: str, deadlines: list[Deadline]) -> bool:
    """Whether the deadlines stand one right after another in `source`, a list of dates."""
    return all(_LIST_GAP.fullmatch(source, a.span[1], b.span[0]) is not None
               for a, b in zip(deadlines, deadlines[1:], strict=False))


def _make(raw: RawItem, deadlines: list[Deadline], how: str, from_parent: _Inherited | None,
          ctx: Context) -> list[ParsedItem]:
    text = " ".join(raw.text.split())
    results_parent = raw.parent is not None and _RESULTS_INTRO.search(raw.parent.text)
    # "Утвердить прилагаемый Комплекс мер ... в 2012 году": the year names the plan.
    approval = _APPROVAL.match(text) and not (raw.owners or any(
        not _YEAR_ONLY.match(d.text) for d in deadlines))
    member = raw.parent is not None and not deadlines and (
        _MEMBER.match(text) or _APPROVAL.match(raw.parent.text)
        and raw.parent.text.rstrip().endswith(":"))  # "1. Утвердить:" / "1.1. Состав ..."
    actionable = not (raw.is_intro or is_statement(text) or results_parent or approval
                      or _RESULTS_INTRO.search(text) or member)
    owners, level = list(raw.owners), raw.level
    parts = None
    if actionable and len(deadlines) > 1:
        if how == "cell" or _listed(raw.text, deadlines):
            # several "Срок" columns (one per stage), or dates listed one after another
            # ("Дополнительные сроки 15 марта 2023 года 15 мая 2023 года"): one task each
            parts = [text] * len(deadlines)
        else:
            parts = schedule_parts(text, deadlines) or _split(text, deadlines)
            if parts is None and raw.bare_dates:
                # a schedule line's dates are entries of it, none amends another
                parts = [text] * len(deadlines)
    elif actionable and len(deadlines) == 1 and (parts := intro_actions(text, deadlines)):
        deadlines = deadlines * len(parts)
    if parts is None:
        deadlines = deadlines[-1:]  # the effective one: later wording amends earlier
        parts = [text]
    items = []
    # Each action of the item is a task of its own, under the item's label as written.
    for part, deadline in zip(parts, deadlines or [None], strict=False):
        # "Финал (10 - 12 июня 1997 года) не проводить": the day of a cancelled event
        cancelled = how == "inferred" and deadline is not None and _forbids(part)
        item = ParsedItem(
            label=raw.label, text=part, level=level,
            actionable=bool(actionable) and not cancelled, due=None,
            due_text=None, start=None, recurrence=None, owners=list(owners), warnings=[],
            line=raw.line, parent_label=raw.parent.label if raw.parent else None,
        )
        if deadline is not None:
            item.due, item.due_text = deadline.due, deadline.text
            item.start, item.recurrence = deadline.start, deadline.recurrence
            item.due_source = how
            if deadline.approximate:
                item.warnings.append(Note(N_("approximate deadline «{text}»: check it"),
                                          text=deadline.text))
        elif from_parent is not None and from_parent.deadline is not None:
            inherited = from_parent.deadline
            item.due, item.due_text = inherited.due, inherited.text
            item.start, item.recurrence = inherited.start, inherited.recurrence
            item.due_source = "inherited"
        elif from_parent is not None and from_parent.period is not None:
            item.due, item.start = from_parent.period.end, from_parent.period.start
            item.due_text = from_parent.period_text
            item.due_source = "inherited"
        if item.actionable and item.due is None and item.recurrence is None:
            item.warnings.append(Note(N_("no deadline found")))
        cited = raw.cited or (raw.parent.cited if raw.parent else None)
        if cited is not None:
            item.cited_act, item.cited_date, item.cited_number = (cited.text, cited.date,
                                                                  cited.number)
        if item.actionable and item.due and ctx.reference and item.due < ctx.reference:
            if cited:
                item.warnings.append(Note(N_("due date {due:%d.%m.%Y} is before the document "
                                             "date {reference:%d.%m.%Y} (decision from: "
                                             "{cited})"), due=item.due,
                                          reference=ctx.reference, cited=cited.text))
            else:
                item.warnings.append(Note(N_("due date {due:%d.%m.%Y} is before the document "
                                             "date {reference:%d.%m.%Y}"), due=item.due,
                                          reference=ctx.reference))
        items.append(item)
    return items


_WORDS = re.compile(r"[А-Яа-яЁё]+")


def _forbids(text: str) -> bool:
    """Whether every verb of `text` is negated ("... не проводить"): it cancels, orders no
    work."""
    words = _WORDS.findall(text.lower())
    verbs = [i for i, w in enumerate(words) if is_infinitive(w)]
    return bool(verbs) and all(i > 0 and words[i - 1] == "не" for i in verbs)


# The last two: a sentence's end, and a line break a web page lost before a capital
# ("... проводится с 5 ноября по 25 декабря Срок приема работ – с 12 января ...").
_SEPARATORS = (re.compile(r"\s*;\s*"), re.compile(r",?\s+(?:а\s+также|и)\s+"),
               re.compile(r"\s*,\s*"), re.compile(r"(?<=[а-яё0-9)»])\.\s+(?=[А-ЯЁ])"),
               re.compile(r"(?<=[а-яё0-9)».])\s+(?=[А-ЯЁ][а-яё])"))


def _split(text: str, deadlines: list[Deadline]) -> list[str] | None:
    """One text per deadline, cut at the conjunction between them, or None when the
    deadlines cannot be told apart (same date, no separator)."""
    if len({(d.due, d.recurrence) for d in deadlines}) < len(deadlines):
        return None
    # "Провести X (до 10 марта) и Y (до 25 апреля)": the deadline closes its clause, cut at
    # the first separator after it. "До 10 марта провести X, до 20 марта Y": it opens its
    # clause, cut at the last separator before the next deadline.
    closes = has_action(text[: deadlines[0].span[0]])
    cuts = []
    for a, b in zip(deadlines, deadlines[1:], strict=False):
        cut = None
        for sep in _SEPARATORS:  # in the gap, seeing the letter before it
            found = list(sep.finditer(text, a.span[1], b.span[0]))
            if found:
                m = found[0] if closes else found[-1]
                cut = (m.start(), m.end())
                break
        if cut is None:
            return None
        cuts.append(cut)
    parts, pos = [], 0
    for start, end in cuts:
        parts.append(text[pos:start])
        pos = end
    parts.append(text[pos:])
    parts = [p.strip(" ,;.") for p in parts]
    if all(has_action(p) for p in parts):
        return [p[:1].upper() + p[1:] for p in parts]
    return [text] * len(deadlines)
