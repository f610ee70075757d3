"""`tracker extensions list|approve|reject`: deadline extension requests from the bot,
decided at the command line (for coordinators who read only email)."""

from __future__ import annotations

import typer

from tracker.cli.checks import id_parser, nonempty
from tracker.cli.context import app_context, console, print_json
from tracker.core.i18n import N_, _

_STATUSES = {"pending": N_("pending"), "approved": N_("approved"), "rejected": N_("rejected")}

app = typer.Typer(help=_("Deadline extension requests: list, approve, reject."),
                  no_args_is_help=True)


@app.command("list", help=_(
    "List extension requests, the newest first.\n\nExample: tracker extensions list --status "
    "all"))
def list_(
    ctx: typer.Context,
    status: str = typer.Option("pending", "--status",
                               callback=nonempty(N_("pending, approved, rejected or all")),
                               help=_("pending, approved, rejected or all.")),
    as_json: bool = typer.Option(False, "--json", help=_("Print JSON.")),
) -> None:
    from tracker.core.enums import ExtensionStatus, parse_choice
    from tracker.services.extensions import list_requests

    wanted = None if status == "all" else parse_choice(ExtensionStatus, status, N_("status"))
    context = app_context(ctx)
    with context.db.reading() as session:
        rows = [{"id": r.id, "assignment_id": a.id, "task": t.text, "organisation": o.name,
                 "requested_by": p.name if p else None, "due": a.due_date,
                 "new_due": r.new_due_date, "reason": r.reason, "status": str(r.status)}
                for r, a, t, o, p in list_requests(session=session, status=wanted)]
    if as_json:
        print_json(rows)
        return
    if not rows:
        shown = _(_STATUSES[str(wanted)]) if wanted else ""
        typer.echo(_("No extension requests ({status})").format(status=shown) if wanted
                   else _("No extension requests"))
        return
    from rich.table import Table

    from tracker.core.text import shorten

    table = Table(_("ID"), _("Task"), _("Organisation"), _("Requested by"), _("Due"),
                  _("New due"), _("Reason"), _("Status"))
    for row in rows:
        table.add_row(str(row["id"]), f"#{row['assignment_id']} {shorten(row['task'], 40)}",
                      row["organisation"], row["requested_by"] or "—",
                      f"{row['due']:%d.%m.%Y}" if row["due"] else "—",
                      f"{row['new_due']:%d.%m.%Y}", shorten(row["reason"], 40),
                      _(_STATUSES[row["status"]]) if row["status"] in _STATUSES
                      else row["status"])
    console().print(table)


def _decide(ctx: typer.Context, request_id: int, approve: bool) -> None:
    from tracker.core.enums import Via
    from tracker.services.extensions import decide_extension

    context = app_context(ctx)
    with context.db.transaction() as session:
        request = decide_extension(session=session, request_id=request_id, actor=None,
                                   approve=approve, now=context.now(), via=Via.CLI)
        if approve:
            line = _("Extension request {id} approved: assignment {assignment} now due "
                     "{due:%d.%m.%Y}")
        else:
            line = _("Extension request {id} rejected: assignment {assignment} keeps its due "
                     "date")
        typer.echo(line.format(id=request_id, assignment=request.assignment_id,
                               due=request.new_due_date))


@app.command("approve", help=_(
    "Approve a request: the due date moves, the original stays on record, the\nrequester is "
    "told.\n\nExample: tracker extensions approve 3"))
def approve(ctx: typer.Context,
            request_id: int = typer.Argument(..., metavar="ID", help=_("Request id."),
                                         parser=id_parser)) -> None:
    _decide(ctx, request_id, True)


@app.command("reject", help=_(
    "Reject a request: the due date stays, the requester is told.\n\nExample: tracker "
    "extensions reject 3"))
def reject(ctx: typer.Context,
           request_id: int = typer.Argument(..., metavar="ID", help=_("Request id."),
                                         parser=id_parser)) -> None:
    _decide(ctx, request_id, False)
