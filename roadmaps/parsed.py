"""What the importer reads out of a document: pure data, no behaviour.

`ParsedDocument` and its `ParsedItem`s are the contract between the parser
(`roadmaps.parser`), the database importer and the CLI's JSON output; field names are
part of that contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.core.enums import DocumentKind, Level, Recurrence
from tracker.core.errors import TrackerError
from tracker.core.i18n import translations

__all__ = ["DocumentError", "Note", "ParsedDocument", "ParsedItem", "localized"]


class Note(str):
    """A warning for the preview, kept structured: an English template (`N_`-marked where
    the note is made) and its parameters, translated where it is shown (`localized`).

    As a `str` it is the text in the locale it was made for (English unless `locale` says
    otherwise), so it prints, compares and goes into JSON as plain text.
    """

    template: str
    params: dict

    def __new__(cls, template: str, /, locale: str = "en", **params) -> Note:
        note = super().__new__(cls, _render(template, params, locale))
        note.template, note.params = template, params
        return note

    def __reduce__(self):
        return (_rebuild, (self.template, self.params, str(self)))

    def in_locale(self, locale: str | None) -> str:
        """The note in `locale` (Russian unless "en")."""
        return _render(self.template, self.params, locale)


def _render(template: str, params: dict, locale: str | None) -> str:
    values = {k: v.in_locale(locale) if isinstance(v, Note) else v for k, v in params.items()}
    text = translations(locale).gettext(template)
    return text.format(**values) if values else text


def _rebuild(template: str, params: dict, text: str) -> Note:
    note = str.__new__(Note, text)
    note.template, note.params = template, params
    return note


def localized(warning: str, locale: str | None) -> str:
    """A warning in `locale`: a `Note` translated, any other text as it is."""
    return warning.in_locale(locale) if isinstance(warning, Note) else str(warning)


class DocumentError(TrackerError):
    """A file that cannot be imported. The message is one line that names the file, says what
    is wrong and, where it helps, the line: "protocol.txt, line 12: impossible date «...»"."""


@dataclass
class ParsedItem:
    """One decision item (a future task, or a statement kept for the preview).

    `label` is the number as written without its closing dot or bracket ("1.1", "3.5", "а");
    bullets and unnumbered paragraphs have None. When one item holds several actions with
    their own deadlines it is split and the parts are labelled "2 (1)", "2 (2)".
    `level` is None when no heading or addressee sets it (the importer applies its default).
    `actionable` is False for statements ("принять к сведению", approvals, results).
    `owners` are names exactly as written; matching them is the importer's job.
    `line` is the 1-based line of the item's first line in the (rendered) text.
    `due_source` says how sure the deadline is: "phrase" (an explicit "до ..." phrase),
    "cell" (a "Срок" column), "inherited" (from the intro or period above), "inferred" (a
    bare date), None without a deadline. `cited_*` name the earlier act a protocol quotes
    the decision from ("приказ от 15.06.2021 № 556"), when it does.
    """

    label: str | None
    text: str
    level: Level | None
    actionable: bool
    due: date | None
    due_text: str | None
    start: date | None
    recurrence: Recurrence | None
    owners: list[str]
    warnings: list[str]  # `Note`s: structured, translated where shown
    line: int
    parent_label: str | None = None
    due_source: str | None = None
    cited_act: str | None = None
    cited_date: date | None = None
    cited_number: str | None = None

    @property
    def due_date(self) -> date | None:
        """The day the item is due, or None. A recurring item that runs over a period
        ("ежедневно ... с 01.09.2023 по 07.09.2023", "2008 - 2010 ежемесячно") has no due
        date: its `due` and `start` are the period it runs in (what the importer stores as
        `period_end`/`period_start`). A recurring item with a first deadline and no period
        ("до 1 марта 2022 г., далее – ежегодно") is due on that first deadline."""
        if self.recurrence is not None and self.start is not None:
            return None
        return self.due


@dataclass
class ParsedDocument:
    """A whole document: its metadata and its decision items in document order."""

    source: str
    kind: DocumentKind
    number: str | None
    date: date | None
    title: str | None
    issuer: str | None
    chair: str | None
    secretary: str | None
    items: list[ParsedItem] = field(default_factory=list)
    content_hash: str = ""
    warnings: list[str] = field(default_factory=list)
    # How it was read (`roadmaps.loose.Reading`): "section", "points", "table",
    # "loose_points", "deadline_lines", and the first and last point.
    reading: str = "section"
    first_label: str | None = None
    last_label: str | None = None
    # Lines that hold a date but became no item: (1-based line, text), for the preview.
    unused_dates: list[tuple[int, str]] = field(default_factory=list)

    @property
    def actionable_items(self) -> list[ParsedItem]:
        """The items that become tasks."""
        return [item for item in self.items if item.actionable]
