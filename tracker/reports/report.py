"""One report: the figures of a scope as of a date, in every view, ready for an exporter.

Column labels live here too (English ids, the words from the catalogue, Russian by
default), so the table, CSV, XLSX and HTML say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel import Session

from tracker.core.i18n import N_, NP_, _, translate
from tracker.reports import figures as fg
from tracker.reports import progress, scan, window
from tracker.reports.collector import collector_paused
from tracker.reports.figures import Figures, GroupBy
from tracker.reports.progress import DecisionProgress, OverdueItem


class ReportKind(StrEnum):
    OVERDUE = "overdue"  # the worst (most overdue) first
    DISCIPLINE = "discipline"  # the lowest share done on time first


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    HTML = "html"


@dataclass(frozen=True)
class Column:
    key: str  # a key of Figures.as_dict()
    title: str | tuple[str, str]  # an N_/NP_-marked English id
    kind: str = "int"  # int, share, float, date, text

    def label(self, locale: str) -> str:
        return translate(locale, self.title)


COLUMNS: tuple[Column, ...] = (
    Column("name", NP_("report", "Name"), "text"),
    Column("assigned", N_("Assigned")),
    Column("done_on_time", N_("Done on time")),
    Column("done_late", N_("Done late")),
    Column("open", N_("Open, not yet due")),
    Column("overdue", N_("Overdue")),
    Column("overdue_7", N_("Overdue > 7 days")),
    Column("overdue_30", N_("Overdue > 30 days")),
    Column("avg_days_late", N_("Average days late"), "float"),
    Column("oldest_due", N_("Oldest overdue due date"), "date"),
    Column("oldest_days", N_("Days overdue (max)")),
    Column("extensions", NP_("report.columns.extensions", "Extensions")),
    Column("discipline", NP_("report.columns.discipline", "Discipline"), "share"),
)
OVERDUE_KEYS = frozenset({"overdue", "overdue_7", "overdue_30", "oldest_due", "oldest_days"})

GROUP_TITLES: dict[GroupBy, str | tuple[str, str]] = {
    GroupBy.ORGANISATION: NP_("report.organisation", "Organisations"),
    GroupBy.DOCUMENT: N_("Documents"),
    GroupBy.PERSON: N_("People"),
    GroupBy.LEVEL: N_("Levels"),
}

DECISION_COLUMNS: tuple[Column, ...] = (
    Column("document", N_("Document"), "text"),
    Column("label", N_("Item"), "text"),
    Column("text", N_("Decision"), "text"),
    Column("due_date", N_("Due"), "date"),
    Column("progress", N_("Done"), "text"),
    Column("overdue", N_("Overdue")),
    Column("pending", N_("Not done by"), "text"),
)

OVERDUE_ITEM_COLUMNS: tuple[Column, ...] = (
    Column("assignment_id", N_("ID")),
    Column("organisation", N_("Organisation"), "text"),
    Column("owner", NP_("report", "Owner"), "text"),
    Column("document", N_("Document"), "text"),
    Column("label", N_("Item"), "text"),
    Column("text", N_("Decision"), "text"),
    Column("due_date", N_("Due"), "date"),
    Column("days_overdue", N_("Days overdue")),
    Column("extensions", NP_("report.overdue_item_columns.extensions", "Extensions")),
)

TEXT: dict[str, str | tuple[str, str]] = {
    "title_overdue": N_("Overdue assignments"),
    "title_discipline": N_("Executive discipline"),
    "as_of": N_("as of"),
    "scope_all": N_("All organisations"),
    "totals": N_("Total"),
    "decisions": NP_("report", "Decisions"),
    "oldest": N_("Oldest overdue items"),
    "chart": N_("Overdue by organisation"),
    "generated": N_("Generated"),
    "summary": N_("Summary"),
    "none": N_("No data."),
}


def text(locale: str, key: str) -> str:
    return translate(locale, TEXT[key])


def group_title(group: GroupBy, locale: str) -> str:
    return translate(locale, GROUP_TITLES[group])


@dataclass
class Report:
    """Everything an exporter writes. `views` holds the primary view (`by`) first."""

    kind: ReportKind
    as_of: date
    by: GroupBy
    scope: str
    scope_id: int | None
    totals: Figures
    views: dict[GroupBy, list[Figures]]
    decisions: list[DecisionProgress]
    oldest: list[OverdueItem]
    locale: str = "ru"
    generated_at: datetime | None = None
    zone: str = "Europe/Moscow"
    extra: dict = field(default_factory=dict)

    @property
    def rows(self) -> list[Figures]:
        return self.views[self.by]

    @property
    def title(self) -> str:
        return text(self.locale, f"title_{self.kind}")

    def as_dict(self) -> dict:
        """Every figure of every view (the JSON export)."""
        return {
            "report": str(self.kind),
            "as_of": self.as_of,
            "scope": self.scope,
            "scope_id": self.scope_id,
            "by": str(self.by),
            "generated_at": self.generated_at,
            "totals": self.totals.as_dict(),
            "rows": [r.as_dict() for r in self.rows],
            "views": {str(k): [r.as_dict() for r in v] for k, v in self.views.items()},
            "decisions": [d.as_dict(self.locale) for d in self.decisions],
            "oldest": [i.as_dict() for i in self.oldest],
        }


def build_report(
    *,
    session: Session,
    kind: ReportKind | str,
    as_of: date,
    root_org_id: int | None = None,
    by: GroupBy | str = GroupBy.ORGANISATION,
    zone: ZoneInfo | None = None,
    all_views: bool = False,
    oldest_limit: int | None = 20,
    pending_limit: int | None = 50,
    locale: str = "ru",
    generated_at: datetime | None = None,
    depth: int | None = 1,
) -> Report:
    """Compute a report. `all_views` adds the other groupings (for XLSX and HTML);
    `depth` is the organisation rows' depth below the scope (see `row_organisations`).

    :raises NotFound: unknown organisation. :raises InvalidInput: unknown `by` or kind.
    """
    from tracker.core.errors import InvalidInput

    try:
        kind = ReportKind(kind)
    except ValueError:
        raise InvalidInput(_(
            "invalid report {kind!r}: expected overdue or discipline")
            .format(kind=kind)) from None
    by = _group(by)
    with collector_paused():  # see tracker.reports.collector
        return _build(session, kind, as_of, root_org_id, by, zone, all_views, oldest_limit,
                      pending_limit, locale, generated_at, depth)


def _build(session: Session, kind: ReportKind, as_of: date, root_org_id: int | None,
           by: GroupBy, zone: ZoneInfo | None, all_views: bool, oldest_limit: int | None,
           pending_limit: int | None, locale: str, generated_at: datetime | None,
           depth: int | None) -> Report:
    root = window.check_root(session, root_org_id)
    w = window.Window.of(as_of, zone)
    order = [by, *[g for g in GroupBy if g != by]] if all_views else [by]
    # One scan per grouping the report needs, shared by its views (see reports.scan).
    holders = scan.by_holder(session, w, root_org_id)
    tasks = scan.by_task(session, w, root_org_id)
    total = fg.make_figures(root_org_id, root.name if root else "", holders.total, as_of)
    views = {}
    for group in order:
        if group in (GroupBy.ORGANISATION, GroupBy.PERSON):
            rows = fg.view_of_holders(session, w, root, depth, group, holders)
        else:
            rows = fg.view_of_tasks(session, w, group, tasks)
        rows = fg.sort_worst_first(rows)
        if kind == ReportKind.DISCIPLINE:
            rows = fg.sort_least_disciplined(rows)
        views[group] = rows
    return Report(
        kind=kind, as_of=as_of, by=by,
        scope=total.name or _single_top(session) or text(locale, "scope_all"),
        scope_id=root_org_id, totals=total,
        views=views,
        decisions=progress.decisions_of_tasks(session, tasks, pending_limit),
        oldest=progress.oldest_overdue(session=session, as_of=as_of, root_org_id=root_org_id,
                                       limit=oldest_limit, zone=zone, tasks=tasks),
        locale=locale, generated_at=generated_at, zone=(zone or window.DEFAULT_ZONE).key,
    )


def _single_top(session: Session) -> str | None:
    """The name of the only top-level organisation (the region), if there is one."""
    from sqlalchemy import select

    from tracker.core.models import Organisation

    tops = session.scalars(select(Organisation.name).where(Organisation.parent_id.is_(None))
                           .limit(2)).all()
    return tops[0] if len(tops) == 1 else None


def _group(by: GroupBy | str) -> GroupBy:
    from tracker.core.errors import InvalidInput

    try:
        return GroupBy(by)
    except ValueError:
        raise InvalidInput(
            _(
                "invalid grouping {by!r}: expected organisation, document, person or level")
                .format(by=by)
        ) from None


def cell(row: dict, column: Column):
    """The value a file shows in a column (lists joined)."""
    value = row.get(column.key)
    if isinstance(value, list):
        return ", ".join(value)
    return value
