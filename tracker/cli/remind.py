"""`tracker remind`: one planning and delivery pass now, or as if at a given time."""

from __future__ import annotations

import typer

from tracker.cli.checks import nonempty
from tracker.cli.context import app_context, print_json
from tracker.core.i18n import N_, _, ngettext


def remind(
    ctx: typer.Context,
    at: str = typer.Option(None, "--at",
                           callback=nonempty(N_("a local time such as 2021-08-13 09:00")),
                          help=_('Local time to act as, e.g. "2021-08-13 09:00".')),
    dry_run: bool = typer.Option(False, "--dry-run", help=_("Record and send nothing; show "
                                                             "what would go out.")),
    as_json: bool = typer.Option(False, "--json", help=_("Print the messages as JSON.")),
) -> None:
    """`tracker remind` (its help: `remind_help`)."""
    import asyncio

    from tracker.runner import Service
    from tracker.runtime import configure_logging

    runtime = app_context(ctx).runtime
    settings = runtime.settings
    now = _parse_at(at, settings) if at is not None else runtime.now()
    if not as_json:
        configure_logging()
    report, rows = asyncio.run(Service(runtime, bot=False).remind(at=now, dry_run=dry_run))
    if as_json:
        print_json([{k: v for k, v in row.items() if k != "outcome"} for row in rows])
        _exit_if_misconfigured(report)
        return
    from tracker.core.dates import format_local

    when = format_local(now, settings.zone)
    if dry_run:
        outcome = ngettext("{n} message would be sent", "{n} messages would be sent",
                           len(rows)).format(n=len(rows))
    else:  # what happened, not what was tried: a refused message is not "sent"
        outcome = ngettext("{n} message sent", "{n} messages sent",
                           report.sent).format(n=report.sent)
        if report.failed:
            outcome += _(", {n} failed").format(n=report.failed)
        if report.pending:
            outcome += _(", {n} left pending (will retry)").format(n=report.pending)
    typer.echo(_("{when} ({zone}): {planned} notices planned, {skipped} skipped as "
                 "superseded; {outcome}").format(when=when, zone=settings.timezone,
                                                 planned=report.planned,
                                                 skipped=report.skipped, outcome=outcome))
    from tracker.cli.wording import value
    from tracker.core.enums import OutboxStatus, name_of
    from tracker.core.i18n import current_locale

    locale = current_locale()
    for row in rows:
        ids = ", ".join(str(i) for i in row["assignments"])
        state = "" if dry_run else f"[{name_of(OutboxStatus, row['outcome'])}] "
        shown = {**row, "channel": value("channel", row["channel"], locale),
                 "kind": value("message kind", row["kind"], locale)}
        typer.echo("  " + state + _("{channel} to {person} (person {person_id}): {kind}, "
                                    "assignments {ids}: {subject}").format(ids=ids, **shown))
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
        return parse_datetime(value, settings.zone, what=_("--at"))
    except InvalidInput:
        raise InvalidInput(_(
            "invalid --at {value!r}: expected \"YYYY-MM-DD HH:MM\" (local time, {timezone})")
            .format(value=value, timezone=settings.timezone)) from None


def remind_help() -> str:
    """The help of `tracker remind`, from the catalogue."""
    return _(
        "Run one planning and delivery pass now (or as if at --at).\n\n"
        'Example: tracker remind --at "2021-08-13 09:00" --dry-run')
