"""`tracker run`, `tracker remind`, `tracker outbox list|retry` and `tracker demo`."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import typer

from tracker.cli.checks import count_parser, id_parser, nonempty
from tracker.cli.context import app_context, print_json

outbox_app = typer.Typer(no_args_is_help=True, help="Inspect and retry outgoing messages.")


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    for noisy in ("httpx", "aiosmtplib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # "skipped: maximum number of running instances reached" is the design (a slow pass
    # delays the next), not a problem worth a line every tick.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


def run(
    ctx: typer.Context,
    tick_seconds: float = typer.Option(60, "--tick-seconds", min=0.1,
                                       help="Seconds between planning and delivery passes."),
    once: bool = typer.Option(False, "--once", help="Run one pass and exit."),
    no_bot: bool = typer.Option(False, "--no-bot",
                                help="Leave the Telegram bot to `tracker bot`."),
    web: bool = typer.Option(False, "--web", help="Serve the web workspace in the same "
                             "process ([web] host and port)."),
) -> None:
    """Run the service: reminders, escalations and digests, until Ctrl-C or SIGTERM.

    Example: tracker run
    """
    from notifications.channels.registry import build_channels
    from tracker.runner import Service

    context = app_context(ctx)
    settings, db = context.settings, context.db
    setup_logging()
    service = Service(settings, db, build_channels(settings), tick_seconds=tick_seconds,
                      bot=not no_bot)
    if not web:
        asyncio.run(service.serve(once=once))
        return
    from tracker.core.errors import TrackerError
    from tracker.web.serve import serve_until

    async def both() -> None:
        pages = asyncio.create_task(serve_until(settings, db, service.stop, kick=service.wake))
        try:
            await service.serve(once=once)
        finally:
            service.stop.set()
            await pages

    try:
        asyncio.run(both())
    except OSError as exc:
        raise TrackerError(str(exc)) from None


def remind(
    ctx: typer.Context,
    at: str = typer.Option(None, "--at", callback=nonempty("a local time such as 2021-08-13 09:00"),
                          help='Local time to act as, e.g. "2021-08-13 09:00".'),
    dry_run: bool = typer.Option(False, "--dry-run", help="Record and send nothing; show what "
                                 "would go out."),
    as_json: bool = typer.Option(False, "--json", help="Print the messages as JSON."),
) -> None:
    """Run one planning and delivery pass now (or as if at --at).

    Example: tracker remind --at "2021-08-13 09:00" --dry-run
    """
    from notifications.channels.registry import build_channels
    from tracker.runner import worker_name
    from tracker.services.reminders import tick

    context = app_context(ctx)
    settings, db = context.settings, context.db
    now = _parse_at(at, settings) if at is not None else context.now()
    if not as_json:
        setup_logging()
    from tracker.services.web_links import link_maker

    report = asyncio.run(tick(db, settings, build_channels(settings), now=now,
                              worker=worker_name(), dry_run=dry_run, keep_messages=True,
                              links=link_maker(settings)))
    rows = _dry_rows(db, settings, report, now) if dry_run else _sent_rows(report)
    if as_json:
        print_json([{k: v for k, v in row.items() if k != "outcome"} for row in rows])
        _exit_if_misconfigured(report)
        return
    from tracker.core.dates import format_local

    when = format_local(now, settings.zone)
    plural = "" if len(rows) == 1 else "s"
    if dry_run:
        outcome = f"{len(rows)} message{plural} would be sent"
    else:  # what happened, not what was tried: a refused message is not "sent"
        outcome = f"{report.sent} message{'' if report.sent == 1 else 's'} sent"
        if report.failed:
            outcome += f", {report.failed} failed"
        if report.pending:
            outcome += f", {report.pending} left pending (will retry)"
    typer.echo(f"{when} ({settings.timezone}): {report.planned} notices planned, "
               f"{report.skipped} skipped as superseded; {outcome}")
    for row in rows:
        ids = ", ".join(str(i) for i in row["assignments"])
        state = "" if dry_run else f"[{row['outcome']}] "
        typer.echo(f"  {state}{row['channel']} to {row['person']} (person {row['person_id']}): "
                   f"{row['kind']}, assignments {ids}: {row['subject']}")
    _exit_if_misconfigured(report)


def _exit_if_misconfigured(report) -> None:
    """Exit 1 when a configuration fault (the log has named the setting to fix) left
    messages pending: they wait for a person, not for a retry, so scripts and cron must
    notice. Transient faults (a server down for a while) keep exit 0."""
    if report.misconfigured and report.pending:
        raise typer.Exit(1)


def _parse_at(value: str, settings):
    from tracker.core.dates import parse_datetime
    from tracker.core.errors import InvalidInput

    try:
        return parse_datetime(value, settings.zone, what="--at")
    except InvalidInput:
        raise InvalidInput(f'invalid --at {value!r}: expected "YYYY-MM-DD HH:MM" '
                           f"(local time, {settings.timezone})") from None


def _subject(message) -> str:
    from notifications.content.render import render_email

    return render_email(message).subject if message is not None else ""


def _sent_rows(report) -> list[dict]:
    rows = []
    for d in report.deliveries:
        message = d.message
        rows.append({
            "person": message.recipient.name if message else "", "person_id": d.person_id,
            "channel": str(d.channel), "kind": d.kind, "assignments": d.assignments,
            "subject": _subject(message), "outcome": str(d.outcome),
        })
    return rows


def _dry_rows(db, settings, report, now) -> list[dict]:
    from notifications.content.compose import compose

    with db.reading() as session:
        messages = compose(session, report.drafts, now=now, default_zone=settings.timezone,
                           escalation_roles=[s.notify for s in settings.reminders.escalation])
    return [{
        "person": m.recipient.name if m else "", "person_id": d.person_id,
        "channel": str(d.channel), "kind": str(d.kind),
        "assignments": [a for a, *_ in d.items], "subject": _subject(m),
    } for d, m in zip(report.drafts, messages, strict=True)]


@outbox_app.command("list")
def outbox_list(
    ctx: typer.Context,
    status: str = typer.Option(None, "--status",
                               callback=nonempty("pending, sending, sent, failed, skipped or "
                                                 "cancelled"),
                               help="pending, sending, sent, failed, skipped or cancelled."),
    limit: int = typer.Option(50, "--limit", parser=count_parser,
                              help="Newest first, at most this many."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List outgoing messages, newest first.

    Example: tracker outbox list --status failed
    """
    from notifications.outbox.view import list_messages

    context = app_context(ctx)
    with context.db.reading() as session:
        rows = list_messages(session, status=status, limit=limit)
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("No messages.")
        return
    from tracker.core.dates import format_local

    zone = context.settings.zone
    for row in rows:
        error = f"  error: {row['last_error']}" if row["last_error"] else ""
        when = format_local(row["sent_at"] or row["next_attempt_at"], zone)
        typer.echo(f"{row['id']:>6}  {row['status']:<9} {row['channel']:<8} {row['kind']:<10} "
                   f"{row['person']} (person {row['person_id']}), {row['items']} items, "
                   f"attempts {row['attempts']}, "
                   f"{when}{error}")


@outbox_app.command("retry")
def outbox_retry(ctx: typer.Context, message_id: int = typer.Argument(..., metavar="ID",
                                                                 parser=id_parser)) -> None:
    """Send a failed message again at the next pass.

    Example: tracker outbox retry 12
    """
    from notifications.delivery.failures import retry

    context = app_context(ctx)
    with context.db.transaction() as session:
        retry(session, message_id, now=context.now())
    typer.echo(f"Message {message_id} will be sent again at the next pass.")


def demo(
    ctx: typer.Context,
    directory: str = typer.Option("demo", "--dir", callback=nonempty("a folder"),
                                  help="Folder for the demo's config, "
                                  "database and outbox (created; must be empty or a demo)."),
    days: int = typer.Option(None, "--days", min=1, help="Days to walk (default: past the "
                             "last deadline)."),
) -> None:
    """Show the whole product: the Rostov region, two real protocols, a year of reminders.

    Example: tracker demo
    """
    from tracker.demo import run_demo

    run_demo(Path(directory), days=days)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("remind")(remind)
    app.command("demo")(demo)
    app.add_typer(outbox_app, name="outbox")
