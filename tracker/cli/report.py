"""`tracker report overdue|discipline`: the figures in the terminal or in a file.

Both commands compute the same figures (tracker.reports.figures); `overdue` puts the
most overdue first, `discipline` the lowest share done on time first. Files are written
through `write_atomically`: an interrupted or failed export never leaves half a file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tracker.cli.checks import nonempty, writable_file
from tracker.cli.context import app_context
from tracker.core.i18n import N_, _
from tracker.core.reasons import os_reason

report_app = typer.Typer(
    help=_("Reports: overdue assignments and executive discipline (table, JSON, CSV, XLSX, "
           "HTML)."),
    no_args_is_help=True,
)

AS_OF = typer.Option(None, "--as-of", callback=nonempty(N_("a date such as 20.08.2021")),
                     help=_("Date of the figures: 2021-08-20 or 20.08.2021 (default: today in "
                            "the configured time zone)."))
BY = typer.Option("organisation", "--by",
                  callback=nonempty(N_("organisation, document, person or level")),
                  help=_("Rows: organisation (rolled up the hierarchy), document, person or "
                         "level."))
ORG = typer.Option(None, "--org", callback=nonempty(N_("an organisation id or name")),
                   help=_("Only this organisation and everything under it (id or name)."))
FORMAT = typer.Option("table", "--format", "-f",
                      callback=nonempty(N_("table, json, csv, xlsx or html")),
                      help=_("table, json, csv, xlsx or html."))
OUT = typer.Option(None, "--out", "-o", callback=nonempty(N_("a file name")),
                   help=_("Write to this file (required for xlsx)."))
DELIMITER = typer.Option(";", "--delimiter", help=_("CSV separator (default ';', as Russian "
                                                    "Excel expects)."))
WIDE = typer.Option(False, "--wide", help=_("The table as wide as its names (default: at most "
                                            "100 columns, long names wrap)."))
MAX_DEPTH = 20
DEPTH = typer.Option(1, "--depth", help=_("Organisation rows this many levels below the scope "
                                          "(0: every level)."))


@report_app.command("overdue", help=_(
    "Overdue assignments, the worst first: overdue now, more than 7 and 30 days, the\naverage "
    "delay and the oldest due date, per organisation, document, person or level.\n\nExample: "
    "tracker report overdue --as-of 20.08.2021 --format xlsx --out overdue.xlsx"))
def overdue(ctx: typer.Context, as_of: str = AS_OF, by: str = BY, org: str = ORG,
            fmt: str = FORMAT, out: str = OUT, delimiter: str = DELIMITER,
            depth: int = DEPTH, wide: bool = WIDE) -> None:
    _run(ctx, "overdue", as_of, by, org, fmt, out, delimiter, depth, wide)


@report_app.command("discipline", help=_(
    "Executive discipline («исполнительская дисциплина»): the share done on time, the\nlowest "
    "first, with done late, overdue and extensions.\n\nExample: tracker report discipline "
    "--by person --org \"Город Азов\" --format csv"))
def discipline(ctx: typer.Context, as_of: str = AS_OF, by: str = BY, org: str = ORG,
               fmt: str = FORMAT, out: str = OUT, delimiter: str = DELIMITER,
               depth: int = DEPTH, wide: bool = WIDE) -> None:
    _run(ctx, "discipline", as_of, by, org, fmt, out, delimiter, depth, wide)


def _run(ctx, kind, as_of_text, by, org_ref, fmt, out, delimiter, depth, wide=False) -> None:
    from tracker.core.dates import parse_date
    from tracker.core.errors import InvalidInput
    from tracker.reports.figures import GroupBy
    from tracker.reports.report import Format

    app = app_context(ctx)
    out = Path(out) if out is not None else None  # a str option: `--out ''` is not "."
    try:
        fmt = Format(fmt)
    except ValueError:
        raise InvalidInput(
            _(
                "invalid format {fmt!r}: expected table, json, csv, xlsx or html")
                .format(fmt=fmt)) from None
    try:
        GroupBy(by)
    except ValueError:
        raise InvalidInput(
            _(
                "invalid --by {by!r}: expected organisation, document, person or level")
                .format(by=by)) from None
    if len(delimiter) != 1:
        raise InvalidInput(_(
            "invalid --delimiter {delimiter!r}: expected one character")
            .format(delimiter=delimiter))
    if not 0 <= depth <= MAX_DEPTH:  # a hierarchy is a handful of levels deep
        raise InvalidInput(_(
            "invalid --depth {depth}: expected 0 (every level) to {MAX_DEPTH}")
            .format(depth=depth, MAX_DEPTH=MAX_DEPTH))
    if fmt == Format.XLSX and out is None:
        raise InvalidInput(_("--format xlsx needs --out FILE"))
    if fmt == Format.TABLE and out is not None:
        raise InvalidInput(_("--out needs --format json, csv, xlsx or html"))
    if out is not None:
        writable_file(out)
    day = parse_date(as_of_text, what=_("--as-of date")) if as_of_text is not None else app.today()
    settings = app.settings
    report = _build(app, kind, day, by, org_ref, depth, fmt, settings)
    if fmt == Format.TABLE:
        from tracker.reports.table import build_table
        from tracker.terminal import WIDE as WIDE_COLUMNS
        from tracker.terminal import emit, width

        # 100 columns at most (--wide: as wide as it takes); paged on a terminal
        emit([build_table(report, WIDE_COLUMNS if wide else width())], wide=wide)
        return
    data = _render(report, fmt, delimiter)
    if out is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            sys.stdout.write(data)
        return
    from tracker.reports.files import write_atomically

    try:
        write_atomically(out, data if isinstance(data, bytes) else data.encode("utf-8"))
    except OSError as exc:  # the folder became read-only, the disk is full, ...
        raise InvalidInput(_(
            "cannot write {out}: {reason}")
            .format(out=out, reason=os_reason(exc))) from None
    typer.echo(_("Report written: {out}").format(out=out))


def _build(app, kind, day, by, org_ref, depth, fmt, settings):
    from tracker.reports.report import Format, build_report
    from tracker.services.orgs import find_organisation

    with app.db.reading() as session:
        root_id = (find_organisation(session=session, ref=org_ref).id if org_ref is not None
                   else None)
        report = build_report(
            session=session, kind=kind, as_of=day, root_org_id=root_id, by=by,
            zone=settings.zone, all_views=fmt in (Format.XLSX, Format.HTML, Format.JSON),
            locale=settings.locale, generated_at=app.now(),
            depth=depth or None,
        )
    return report


def _render(report, fmt, delimiter):
    from tracker.reports.report import Format

    if fmt == Format.JSON:
        from tracker.reports.export_text import to_json

        return to_json(report)
    if fmt == Format.CSV:
        from tracker.reports.export_text import csv_bytes

        return csv_bytes(report, delimiter=delimiter)
    if fmt == Format.XLSX:
        from tracker.reports.export_xlsx import xlsx_bytes

        return xlsx_bytes(report)
    from tracker.reports.export_html import to_html

    return to_html(report)
