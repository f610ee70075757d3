"""`tracker web`: the web workspace; `tracker web invite PERSON`: a sign-in link."""

from __future__ import annotations

from datetime import timedelta

import typer

from tracker.cli.context import app_context
from tracker.core.i18n import _
from tracker.core.reasons import os_error

web_app = typer.Typer(help=_("The web workspace: pages for officers, coordinators and the "
                             "lead."),
                      no_args_is_help=False, invoke_without_command=True)


@web_app.callback(invoke_without_command=True)
def web(ctx: typer.Context,
        host: str = typer.Option(None, "--host", help=_("Address to listen on (default: "
                                                        "[web] host, 127.0.0.1).")),
        port: int = typer.Option(None, "--port", min=1, max=65535,
                                 help=_("Port (default: [web] port, 8080)."))) -> None:
    """Serve the web workspace until Ctrl-C or SIGTERM.

    Example: tracker web --port 8080
    """
    if ctx.invoked_subcommand is not None:
        return
    import asyncio

    from tracker.core.errors import TrackerError
    from tracker.runtime import configure_logging
    from tracker.web.serve import serve

    context = app_context(ctx)
    settings, db = context.settings, context.db
    configure_logging()
    try:
        asyncio.run(serve(settings, db, host=host, port=port))
    except OSError as exc:
        raise TrackerError(os_error(exc)) from None


@web_app.command("invite", help=_(
    "Email a person a one-time sign-in link (valid [web] action_ttl_days days).\n\n"
    'Example: tracker web invite "Иванова М.Н."'))
def invite(ctx: typer.Context,
           person_ref: str = typer.Argument(..., metavar="PERSON",
                                            help=_("Name, email or id.")),
           show: bool = typer.Option(False, "--print", help=_("Print the link instead of "
                                                              "emailing it."))) -> None:
    """`tracker web invite` (help above)."""
    import asyncio

    from tracker.core.errors import InvalidInput, TrackerError
    from tracker.services.people import find_person
    from tracker.services.web_links import sign_in_url
    from tracker.services.web_sessions import create_sign_in
    from tracker.web.mail import email_sender

    context = app_context(ctx)
    settings = context.settings
    base = settings.web.base_url or f"http://{settings.web.host}:{settings.web.port}"
    with context.db.transaction() as session:
        person = find_person(session=session, ref=person_ref)
        if not show and not person.email:
            raise InvalidInput(_("{name} has no email address; use --print").format(
                name=person.name))
        token = create_sign_in(session=session, person=person, now=context.now(),
                               ttl=timedelta(days=settings.web.action_ttl_days))
    url = sign_in_url(base, token)
    if show:
        typer.echo(url)
        return
    try:
        asyncio.run(email_sender(settings)(person, url))
    except Exception as exc:
        raise TrackerError(_("sign-in link to {email} not sent: {error}").format(
            email=person.email, error=exc)) from None
    typer.echo(_("Sign-in link sent to {name} <{email}>").format(name=person.name,
                                                                 email=person.email))
