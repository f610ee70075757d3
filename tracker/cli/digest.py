"""`tracker digest preview|send`: the weekly digests on demand.

`preview` prints what each recipient would get (the email text, or the Telegram text for
people reached there), recording and writing nothing. `send` records the digests as the
service's weekly job does (once per kind, day and recipient: a second run records
nothing new) and delivers what is pending in the outbox now.
"""

from __future__ import annotations

import typer

from tracker.cli.context import app_context
from tracker.core.i18n import N_, _

app = typer.Typer(help=_("Weekly digests: preview or send the lead's summary and the "
                         "coordinators' digests."), no_args_is_help=True)

KIND = typer.Option(..., "--kind", help=_("lead (the region's summary for its leads) or "
                                          "coordinator (each coordinator's organisation)."))
AS_OF = typer.Option(None, "--as-of", help=_("Date of the figures: 2021-08-20 or 20.08.2021 "
                                             "(default: today in the configured time zone)."))

_ROLES = {"lead": N_("lead"), "coordinator": N_("coordinator")}
_CHANNELS = {"email": N_("email"), "telegram": N_("Telegram")}


def _check_kind(kind: str) -> str:
    from tracker.core.errors import InvalidInput

    if kind not in ("lead", "coordinator"):
        raise InvalidInput(_(
            "invalid --kind {kind!r}: expected lead or coordinator")
            .format(kind=kind))
    return kind


def _moment(context, as_of: str | None):
    """The send time of the --as-of day (or of today), as aware UTC."""
    from datetime import UTC, datetime

    from tracker.core.dates import parse_date

    settings = context.settings
    day = parse_date(as_of, what=_("--as-of date")) if as_of else context.today()
    local = datetime.combine(day, settings.reminders.send_time, tzinfo=settings.zone)
    return local.astimezone(UTC)


@app.command("preview", help=_(
    "Show each recipient's digest as it would be sent; nothing is recorded or sent.\n\n"
    "Example: tracker digest preview --kind lead --as-of 14.09.2022"))
def preview(ctx: typer.Context, kind: str = KIND, as_of: str = AS_OF) -> None:
    from notifications.content.render import render_email
    from notifications.content.telegram_render import render_telegram
    from notifications.message import ChannelKind
    from tracker.reports.digests import preview_digests
    from tracker.terminal import emit_text

    context = app_context(ctx)
    kind = _check_kind(kind)
    messages = preview_digests(context.db, context.settings, kind, _moment(context, as_of))
    if not messages:
        typer.echo(_("Nobody to send to: no active person with the role «{role}».").format(
            role=_(_ROLES[kind])))
        return
    parts = []
    for message in messages:
        r = message.recipient
        email = render_email(message)
        if message.channel == ChannelKind.TELEGRAM:
            address, body = f"chat {r.telegram_chat_id}", "\n".join(
                _plain(c) for c in render_telegram(message).chunks)
        else:
            address, body = r.email, email.text
        parts += [_("To: {name} <{address}> ({channel})").format(
                      name=r.name, address=address, channel=_(_CHANNELS[str(message.channel)])),
                  _("Subject: {subject}").format(subject=email.subject), "", body.rstrip(), "",
                  "─" * 60]
    emit_text("\n".join(parts))


def _plain(html_text: str) -> str:
    """A Telegram HTML text as a terminal shows it: tags dropped, entities decoded."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


@app.command("send", help=_(
    "Record the digests (once per day and recipient, as the weekly job does) and deliver\n"
    "what is pending in the outbox now.\n\nExample: tracker digest send --kind coordinator"))
def send(ctx: typer.Context, kind: str = KIND, as_of: str = AS_OF) -> None:
    import asyncio

    from tracker.reports.digests import record_digests
    from tracker.runner import Service

    context = app_context(ctx)
    kind = _check_kind(kind)
    settings, db = context.settings, context.db
    moment = _moment(context, as_of)
    recorded = record_digests(db, settings, "lead_summary" if kind == "lead"
                              else "coordinator_digest", moment)
    now = max(moment, context.now())  # an --as-of in the past is deliverable now
    report = asyncio.run(Service(context.runtime, bot=False).deliver_now(at=now))
    typer.echo(_("Messages recorded: {recorded}; sent: {sent}, failed: {failed}.").format(
        recorded=recorded, sent=report.sent, failed=report.failed))
