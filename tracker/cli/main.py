"""The `tracker` command: registers the command groups and turns domain errors into
`Error: ...` lines. Heavy modules are imported inside commands so `--help` stays fast."""

from __future__ import annotations

import sys

import typer
from typer.core import TyperGroup

from tracker.cli.checks import nonempty
from tracker.cli.context import AppContext
from tracker.core.errors import TrackerError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class _Group(TyperGroup):
    """Prints `TrackerError`s as one line on stderr and exits 1, never a traceback;
    usage mistakes (a missing option, a bad value) as one line too, with exit code 2."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except NoArgsIsHelpError as exc:  # `tracker org`: the help, as usual
            exc.show()
            sys.exit(exc.exit_code)
        except UsageError as exc:
            where = f"{exc.ctx.command_path}: " if exc.ctx is not None else ""
            typer.echo(f"Error: {where}{exc.format_message()} "
                       f"(see {exc.ctx.command_path if exc.ctx else 'tracker'} --help)",
                       err=True)
            sys.exit(exc.exit_code)
        except ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            typer.echo(f"Error: {exc}", err=True)
            raise typer.Exit(1) from None
        finally:
            if isinstance(ctx.obj, AppContext):
                ctx.obj.close()


app = typer.Typer(
    cls=_Group,
    context_settings=CONTEXT_SETTINGS,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    help="Roadmap Tracker: decisions from protocols and roadmaps, their deadlines, "
    "reminders, escalation and reports.",
)


@app.callback()
def main(
    ctx: typer.Context,
    config: str = typer.Option(
        None, "--config", "-c", callback=nonempty("a config file path"),
        help="Config file (default: $TRACKER_CONFIG, then ./config.toml).",
    ),
) -> None:
    """Roadmap Tracker."""
    ctx.obj = AppContext(config_path=config)


def _register() -> None:
    from tracker.cli import orgs, people, setup, tasks

    setup.register(app)
    app.add_typer(orgs.app, name="org")
    app.add_typer(people.app, name="people")
    app.add_typer(tasks.app, name="tasks")
    for module_name, attr, name in _OPTIONAL:
        try:
            module = __import__(module_name, fromlist=[attr])
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        target = getattr(module, attr)
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=name)
        else:
            target(app)


# Command groups that live beside their feature (email, bot, reports, ...).
_OPTIONAL: list[tuple[str, str, str]] = [
    ("tracker.cli.importing", "register", "import"),
    ("tracker.cli.remind", "register", "remind"),
    ("tracker.cli.email_cmd", "email_app", "email"),
    ("tracker.cli.bot_cmd", "register", "bot"),
    ("tracker.cli.extensions", "app", "extensions"),
    ("tracker.cli.report", "report_app", "report"),
    ("tracker.cli.digest", "app", "digest"),
    ("tracker.cli.web_cmd", "web_app", "web"),
]

_register()


def run() -> None:
    """Console-script entry point."""
    sys.exit(app())
