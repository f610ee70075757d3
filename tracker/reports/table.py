"""The terminal view of a report: a rich table, the worst first, overdue figures in red."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from tracker.core.i18n import N_, NP_, translate
from tracker.reports.figures import Figures
from tracker.reports.report import Report, ReportKind, group_title, text

# (figure, header); the overdue report leads with lateness, the
# discipline report with outcomes.
_OVERDUE = (
    ("assigned", N_("Assigned")),
    ("overdue", N_("Overdue")),
    ("overdue_7", N_(">7 d")),
    ("overdue_30", N_(">30 d")),
    ("avg_days_late", N_("Avg late")),
    ("oldest_due", N_("Oldest due")),
    ("discipline", NP_("report", "Discipline")),
)
_DISCIPLINE = (
    ("assigned", N_("Assigned")),
    ("done_on_time", N_("On time")),
    ("done_late", NP_("report", "Late")),
    ("overdue", N_("Overdue")),
    ("open", N_("Open")),
    ("extensions", N_("Extended")),
    ("discipline", NP_("report", "Discipline")),
)
_RED = {"overdue", "overdue_7", "overdue_30", "oldest_due"}


def format_share(share: float | None, locale: str) -> str:
    if share is None:
        return "—"
    value = f"{share * 100:.1f}"
    return f"{value.replace('.', ',')} %" if locale == "ru" else f"{value}%"


def format_value(key: str, f: Figures, locale: str) -> str:
    if key == "discipline":
        return format_share(f.discipline, locale)
    if key == "avg_days_late":
        avg = f.avg_days_late
        if avg is None:
            return "—"
        return f"{avg:.1f}".replace(".", ",") if locale == "ru" else f"{avg:.1f}"
    if key == "oldest_due":
        return f.oldest_due.strftime("%d.%m.%Y") if f.oldest_due else "—"
    return str(getattr(f, key))


def build_table(report: Report, width: int = 100) -> Table:
    """The report as a rich table at most `width` columns wide: each figure column as
    wide as its longest value or header word (headers wrap), the names get the rest
    (longer names wrap)."""
    locale = report.locale
    columns = _OVERDUE if report.kind == ReportKind.OVERDUE else _DISCIPLINE
    title = (f"{report.title}: {report.scope}, {text(locale, 'as_of')} "
             f"{report.as_of:%d.%m.%Y}")
    table = Table(title=title, box=box.SIMPLE_HEAD, show_footer=True, title_justify="left",
                  pad_edge=False)
    figures = []
    for key, title in columns:
        header = translate(locale, title)
        values = [format_value(key, r, locale) for r in [*report.rows, report.totals]]
        figures.append((key, header, max([len(w) for w in header.split()]
                                         + [len(v) for v in values])))
    longest = max([len(r.name) for r in report.rows] + [len(text(locale, "totals"))])
    room = width - sum(w + 3 for _, _, w in figures) - 1  # 3: padding and separator
    name_width = max(min(longest, room), 12)
    table.add_column(group_title(report.by, locale), footer=text(locale, "totals"),
                     min_width=name_width, max_width=name_width)
    for key, header, column_width in figures:
        table.add_column(header, justify="right", min_width=column_width,
                         max_width=column_width,
                         footer=format_value(key, report.totals, locale))
    for row in report.rows:
        cells = [row.name]
        for key, _title in columns:
            value = format_value(key, row, locale)
            if key in _RED and getattr(row, "overdue", 0) and value not in ("0", "—"):
                value = f"[bold red]{value}[/]"
            cells.append(value)
        table.add_row(*cells)
    if not report.rows:
        table.caption = text(locale, "none")
    return table


def print_table(report: Report, console: Console | None = None) -> None:
    console = console or Console(highlight=False, soft_wrap=False, width=_width())
    console.print(build_table(report))


def _width() -> int | None:
    import shutil
    import sys

    # Piped output (and tests) get a fixed width wide enough for every column.
    return None if sys.stdout.isatty() else max(shutil.get_terminal_size((140, 24)).columns, 140)
