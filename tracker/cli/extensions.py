"""`tracker extensions list|approve|reject`: deadline extension requests from the bot,
decided at the command line (for coordinators who read only email)."""

from __future__ import annotations

import typer

from tracker.cli.checks import id_parser, nonempty
from tracker.cli.context import app_context, console, print_json

app = typer.Typer(help="Deadline extension requests: list, approve, reject.",
                  no_args_is_help=True)


@app.command("list")
def list_(
    ctx: typer.Context,
    status: str = typer.Option("pending", "--status",
                               callback=nonempty("pending, approved, rejected or all"),
                               help="pending, approved, rejected or all."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List extension requests, the newest first.

    Example: tracker extensions list --status all
    """
    from tracker.core.enums import ExtensionStatus, parse_choice
    from tracker.services.extensions import list_requests

    wanted = None if status == "all" else parse_choice(ExtensionStatus, status, "status")
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
        typer.echo("No extension requests" + (f" ({status})" if wanted else ""))
        return
    from rich.table import Table

    from tracker.core.text import shorten

    table = Table("ID", "Task", "Organisation", "Requested by", "Due", "New due", "Reason",
                  "Status")
    for row in rows:
        table.add_row(str(row["id"]), f"#{row['assignment_id']} {shorten(row['task'], 40)}",
                      row["organisation"], row["requested_by"] or "—",
                      f"{row['due']:%d.%m.%Y}" if row["due"] else "—",
                      f"{row['new_due']:%d.%m.%Y}", shorten(row["reason"], 40), row["status"])
    console().print(table)


def _decide(ctx: typer.Context, request_id: int, approve: bool) -> None:
    from tracker.core.enums import Via
    from tracker.services.extensions import decide_extension

    context = app_context(ctx)
    with context.db.transaction() as session:
        request = decide_extension(session=session, request_id=request_id, actor=None,
                                   approve=approve, now=context.now(), via=Via.CLI)
        verb = "approved" if approve else "rejected"
        typer.echo(f"Extension request {request_id} {verb}: assignment "
                   f"{request.assignment_id} " + (f"now due {request.new_due_date:%d.%m.%Y}"
                                                  if approve else "keeps its due date"))


@app.command("approve")
def approve(ctx: typer.Context,
            request_id: int = typer.Argument(..., metavar="ID", help="Request id.",
                                         parser=id_parser)) -> None:
    """Approve a request: the due date moves, the original stays on record, the
    requester is told.

    Example: tracker extensions approve 3
    """
    _decide(ctx, request_id, True)


@app.command("reject")
def reject(ctx: typer.Context,
           request_id: int = typer.Argument(..., metavar="ID", help="Request id.",
                                         parser=id_parser)) -> None:
    """Reject a request: the due date stays, the requester is told.

    Example: tracker extensions reject 3
    """
    _decide(ctx, request_id, False)
