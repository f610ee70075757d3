"""`tracker outbox list|retry`: inspect and retry outgoing messages."""

from __future__ import annotations

import typer

from tracker.cli.checks import count_parser, id_parser, nonempty
from tracker.cli.context import app_context, print_json
from tracker.core.i18n import _

app = typer.Typer(no_args_is_help=True, help=_("Inspect and retry outgoing messages."))


@app.command("list", help=_(
    "List outgoing messages, newest first.\n\nExample: tracker outbox list --status failed"))
def outbox_list(
    ctx: typer.Context,
    status: str = typer.Option(None, "--status",
                               callback=nonempty("pending, sending, sent, failed, skipped or "
                                                 "cancelled"),
                               help=_("pending, sending, sent, failed, skipped or cancelled.")),
    limit: int = typer.Option(50, "--limit", parser=count_parser,
                              help=_("Newest first, at most this many.")),
    as_json: bool = typer.Option(False, "--json", help=_("Print JSON.")),
) -> None:
    """`tracker outbox list` (help above)."""
    from notifications.outbox.view import list_messages

    context = app_context(ctx)
    with context.db.reading() as session:
        rows = list_messages(session, status=status, limit=limit)
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo(_("No messages."))
        return
    from tracker.cli.wording import value
    from tracker.core.dates import format_local
    from tracker.core.enums import OutboxStatus, name_of
    from tracker.core.i18n import current_locale

    zone, locale = context.settings.zone, current_locale()
    shown = [(name_of(OutboxStatus, row["status"]), value("channel", row["channel"], locale),
              value("message kind", row["kind"], locale)) for row in rows]
    # columns as wide as their widest word (the English ones kept their old widths)
    widths = [max([minimum, *(len(words[n]) for words in shown)])
              for n, minimum in enumerate((9, 8, 10))]
    for row, (status, channel, kind) in zip(rows, shown, strict=True):
        error = _("  error: {error}").format(error=row["last_error"]) if row["last_error"] else ""
        when = format_local(row["sent_at"] or row["next_attempt_at"], zone)
        typer.echo(f"{row['id']:>6}  {status:<{widths[0]}} {channel:<{widths[1]}} "
                   f"{kind:<{widths[2]}} "
                   + _("{person} (person {person_id}), {items} items, attempts {attempts}, "
                       "{when}").format(when=when, **{k: row[k] for k in (
                           "person", "person_id", "items", "attempts")})
                   + error)


@app.command("retry", help=_(
    "Send a failed message again at the next pass.\n\nExample: tracker outbox retry 12"))
def outbox_retry(ctx: typer.Context, message_id: int = typer.Argument(..., metavar="ID",
                                                                 parser=id_parser)) -> None:
    """`tracker outbox retry` (help above)."""
    from notifications.delivery.failures import retry

    context = app_context(ctx)
    with context.db.transaction() as session:
        retry(session, message_id, now=context.now())
    typer.echo(_("Message {id} will be sent again at the next pass.").format(id=message_id))
