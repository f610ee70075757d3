"""`tracker people ...`: officers, coordinators, the lead."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker.cli.checks import chat_id_parser, nonempty
from tracker.cli.context import app_context, print_json
from tracker.core.i18n import N_, _, current_locale

app = typer.Typer(help=_("People who get reminders and act on tasks."), no_args_is_help=True)


@app.command("add", help=_(
    "Add a person.\n\nExample: tracker people add \"Иванова М.Н.\" --org \"Город Азов\" "
    "--email iv@azov.ru"))
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help=_("Full name, e.g. \"Пушкарева Е.А.\".")),
    org: str = typer.Option(..., "--org", callback=nonempty(N_("an organisation id or name")),
                            help=_("Organisation (id or name).")),
    email: str = typer.Option(None, "--email",
                              callback=nonempty(N_("an address such as iv@azov.ru")),
                              help=_("Email address.")),
    telegram: int = typer.Option(None, "--telegram", parser=chat_id_parser,
                                 help=_("Telegram chat id (usually set by the invite link).")),
    role: str = typer.Option("officer", "--role",
                             callback=nonempty(N_("officer, coordinator, lead or admin")),
                             help=_("officer, coordinator, lead or admin.")),
    locale: str = typer.Option("ru", "--locale", callback=nonempty(N_("ru or en")), help=_("ru or "
                                                                                       "en.")),
    timezone: str = typer.Option(None, "--timezone",
                                 callback=nonempty(N_("a time zone such as Europe/Moscow")),
                                 help=_("IANA time zone; default: the config's.")),
    channels: str = typer.Option("both", "--channels",
                                 callback=nonempty(N_("email, telegram or both")),
                                 help=_("email, telegram or both.")),
) -> None:
    from tracker.services.orgs import find_organisation
    from tracker.services.people import add_person

    context = app_context(ctx)
    with context.db.transaction() as session:
        organisation = find_organisation(session=session, ref=org)
        person = add_person(
            session=session, name=name, organisation=organisation, email=email,
            telegram_chat_id=telegram, role=role, locale=locale, timezone=timezone,
            channels=channels,
        )
    from tracker.cli.wording import value

    typer.echo(_("Added person {id}: {name} ({role}, {org})").format(
        id=person.id, name=person.name, role=value("role", person.role, current_locale()),
        org=organisation.name))


@app.command("import", help=_(
    "Import people from a CSV file; people already known (by email) are skipped.\n\nExample: "
    "tracker people import people.csv"))
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help=_("CSV: "
                                            "name,email,telegram_chat_id,organisation,role.")),
) -> None:
    from tracker.services.people import import_people

    context = app_context(ctx)
    from tracker.services.csv_rows import read_rows

    rows = read_rows(file, required=("name", "email", "telegram_chat_id", "organisation", "role"),
                     optional=("locale",))
    with context.db.transaction() as session:
        result = import_people(session=session, rows=rows, source=str(file))
    typer.echo(_("Imported {created} person(s), skipped {skipped} existing").format(
        created=result.created, skipped=result.skipped))
    if (skipped := result.skipped_text()) is not None:
        typer.echo(skipped)


@app.command("list", help=_(
    "List people. The table fits 100 columns (long names cut with \"…\"; --wide: whole);\n"
    "long output goes through a pager on a terminal.\n\nExample: tracker people list --role "
    "coordinator"))
def list_(
    ctx: typer.Context,
    org: str = typer.Option(None, "--org", callback=nonempty(N_("an organisation id or name")),
                            help=_("Only this organisation and those under it.")),
    role: str = typer.Option(None, "--role",
                             callback=nonempty(N_("officer, coordinator, lead or admin")),
                             help=_("officer, coordinator, lead or admin.")),
    wide: bool = typer.Option(False, "--wide", help=_("Every name whole, however wide.")),
    as_json: bool = typer.Option(False, "--json", help=_("Print JSON.")),
) -> None:
    from tracker.core.enums import Role, parse_choice
    from tracker.services.orgs import find_organisation, subtree_ids
    from tracker.services.people import list_people

    context = app_context(ctx)
    with context.db.reading() as session:
        ids = None
        if org is not None:
            root = find_organisation(session=session, ref=org)
            ids = subtree_ids(session=session, root_id=root.id)
        rows = list_people(session=session, organisation_ids=ids,
                           role=parse_choice(Role, role, N_("role")) if role is not None else None)
    if as_json:
        print_json([
            {"id": p.id, "name": p.name, "email": p.email, "telegram_chat_id": p.telegram_chat_id,
             "organisation": o.name, "organisation_id": o.id, "role": str(p.role),
             "locale": p.locale, "timezone": p.timezone, "channels": str(p.channels),
             "active": p.active}
            for p, o in rows
        ])
        return
    from rich import box
    from rich.table import Table

    from tracker.cli.wording import value, word
    from tracker.terminal import cut, emit

    locale = context.settings.locale
    if not rows:
        typer.echo(word("no_people", locale))
        return
    limit = 10_000 if wide else None
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for key in ("id", "name", "role", "organisation", "email", "telegram"):
        table.add_column(word(key, locale), justify="right" if key == "id" else "left",
                         no_wrap=True)
    for p, o in rows:
        table.add_row(str(p.id), cut(p.name, limit or 22), value("role", p.role, locale),
                      cut(o.name, limit or 20), cut(p.email or "", limit or 20),
                      word("yes", locale) if p.telegram_chat_id and p.telegram_active else "")
    emit([table], wide=wide)


@app.command("invite", help=_(
    "Make a one-time Telegram invite: a code and the deep link that binds the chat.\n\nThe "
    "code is stored only as a hash, works once and expires after\ntelegram.invite_ttl_days (7 "
    "by default).\n\nExample: tracker people invite \"Иванова М.Н.\""))
def invite(
    ctx: typer.Context,
    person: str = typer.Argument(..., help=_("Person (id, email or name).")),
    as_json: bool = typer.Option(False, "--json", help=_("Print JSON.")),
) -> None:
    from tracker.core.dates import format_local
    from tracker.services.invites import create_invite, deep_link
    from tracker.services.people import find_person

    context = app_context(ctx)
    settings, now = context.settings, context.now()
    username = settings.telegram.bot_username or _bot_username(settings)
    with context.db.transaction() as session:
        found = find_person(session=session, ref=person)
        code = create_invite(session=session, person=found, now=now,
                             ttl_days=settings.telegram.invite_ttl_days)
        name = found.name
    from datetime import timedelta

    expires = now + timedelta(days=settings.telegram.invite_ttl_days)
    link = deep_link(username, code) if username else None
    if as_json:
        print_json({"person": name, "code": code, "link": link, "expires_at": expires})
        return
    typer.echo(_("Invite for {name}, valid until {until}:").format(
        name=name, until=format_local(expires, settings.zone)))
    typer.echo(_("  code: {code}").format(code=code))
    if link:
        typer.echo(_("  link: {link}").format(link=link))
    else:
        typer.echo(_("  (set telegram.bot_username or TRACKER_TELEGRAM__TOKEN for the link; "
                     "meanwhile send the bot: /start {code})").format(code=code))


def _bot_username(settings) -> str:
    """Ask the Bot API who the bot is (only when a token is set); empty if unreachable."""
    if settings.telegram.token is None:
        return ""
    import asyncio

    from telegram import Bot
    from telegram.error import TelegramError

    async def ask() -> str:
        bot = Bot(settings.telegram.token.get_secret_value(), base_url=settings.telegram.api_url)
        async with bot:
            return bot.username

    try:
        return asyncio.run(ask())
    except (TelegramError, OSError):
        return ""
