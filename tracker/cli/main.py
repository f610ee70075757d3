"""The `tracker` command: sets the process locale, registers the command groups (one
module each, in `COMMANDS`) and turns domain errors into `Error: ...` lines.

The locale is set before any command module is imported: typer evaluates the help
strings (`help=_("...")`) at import. Heavy modules are imported inside the commands, so
`--help` and the quick commands stay fast.
"""

import importlib
import os
import sys
import tomllib
from pathlib import Path

from tracker.core.i18n import N_, _, set_locale

CONFIG_ENV = "TRACKER_CONFIG"  # as tracker.core.config_sources (not imported: pydantic is slow)
LOCALE_ENV = "TRACKER_LOCALE"


def startup_locale(config: str | None) -> str | None:
    """The locale the settings will have, read cheaply: `$TRACKER_LOCALE`, else the
    `locale` of the config file (`--config`, `$TRACKER_CONFIG`, `./config.toml`). A file
    that cannot be read gives None (the default); loading the settings reports it."""
    if os.environ.get(LOCALE_ENV):
        return os.environ[LOCALE_ENV]
    path = Path(config or os.environ.get(CONFIG_ENV) or "config.toml").expanduser()
    try:
        with path.open("rb") as stream:
            value = tomllib.load(stream).get("locale")
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    return value if isinstance(value, str) else None


def _config_in(argv: list[str]) -> str | None:
    """The value of `--config`/`-c` among the arguments, if any."""
    for i, arg in enumerate(argv):
        if arg in ("--config", "-c") and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--config="):
            return arg.partition("=")[2]
    return None


set_locale(startup_locale(_config_in(sys.argv[1:])))

import typer  # noqa: E402
from typer.core import TyperGroup  # noqa: E402

from tracker.cli.checks import nonempty  # noqa: E402
from tracker.cli.context import AppContext, pause_collector, resume_collector  # noqa: E402
from tracker.cli.scaffold import install, usage_message  # noqa: E402
from tracker.core.errors import TrackerError  # noqa: E402

install()  # the framework's own words from the catalogue
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
            typer.echo(_("Error: {message}").format(message=_(
                "{where}{problem} (see {command} --help)").format(
                    where=where, problem=usage_message(exc),
                    command=exc.ctx.command_path if exc.ctx else "tracker")), err=True)
            sys.exit(exc.exit_code)
        except ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo(_("Aborted!"), err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def list_commands(self, ctx) -> list[str]:
        return [*self.commands, *(name for name, *_ in COMMANDS if name not in self.commands)]

    def get_command(self, ctx, cmd_name: str):
        """The command `cmd_name`, its module imported now (only the one invoked is)."""
        if cmd_name not in self.commands and cmd_name in _WHERE:
            self.add_command(load_command(cmd_name), cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except Exception:
            if args and args[0] not in self.commands:  # suggestions need every name
                for name in self.list_commands(ctx):
                    self.get_command(ctx, name)
                return super().resolve_command(ctx, args)
            raise

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except TrackerError as exc:
            typer.echo(_("Error: {message}").format(message=exc), err=True)
            raise typer.Exit(1) from None
        except Exception as exc:  # the database or the system refused
            from tracker.cli.failures import describe

            if isinstance(exc, typer.Exit | typer.Abort) or (
                    line := describe(exc, ctx.obj)) is None:
                raise
            typer.echo(_("Error: {message}").format(message=line), err=True)
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
    help=_("Roadmap Tracker: decisions from protocols and roadmaps, their deadlines, "
           "reminders, escalation and reports."),
)


@app.callback()
def main(
    ctx: typer.Context,
    config: str = typer.Option(
        None, "--config", "-c", callback=nonempty(N_("a config file path")),
        help=_("Config file (default: $TRACKER_CONFIG, then ./config.toml)."),
    ),
) -> None:
    """Roadmap Tracker."""
    set_locale(startup_locale(config))  # what this invocation prints
    ctx.obj = AppContext(config_path=config)


# Every command, in the order `tracker --help` lists them: (name, module, attribute),
# the attribute being the module's typer group or its one command function. A module is
# imported only when its command runs (or `--help` lists them all).
COMMANDS = (
    ("init", "tracker.cli.setup", "init"),
    ("import", "tracker.cli.importing", "import_command"),
    ("run", "tracker.cli.run_cmd", "run"),
    ("remind", "tracker.cli.remind", "remind"),
    ("demo", "tracker.cli.demo_cmd", "demo"),
    ("bot", "tracker.cli.bot_cmd", "bot"),
    ("org", "tracker.cli.orgs", "app"),
    ("people", "tracker.cli.people", "app"),
    ("tasks", "tracker.cli.tasks", "app"),
    ("outbox", "tracker.cli.outbox", "app"),
    ("email", "tracker.cli.email_cmd", "email_app"),
    ("extensions", "tracker.cli.extensions", "app"),
    ("report", "tracker.cli.report", "report_app"),
    ("digest", "tracker.cli.digest", "app"),
    ("web", "tracker.cli.web_cmd", "web_app"),
)
_WHERE = {name: (module, attribute) for name, module, attribute in COMMANDS}


def load_command(name: str):
    """The click command of `name`, built as `app.add_typer`/`app.command` would."""
    from typer.main import TyperInfo, get_command_from_info, get_group_from_info

    module_name, attribute = _WHERE[name]
    module = importlib.import_module(module_name)
    target = getattr(module, attribute)
    if isinstance(target, typer.Typer):
        return get_group_from_info(TyperInfo(target, name=name),
                                   pretty_exceptions_short=app.pretty_exceptions_short,
                                   rich_markup_mode=app.rich_markup_mode,
                                   suggest_commands=app.suggest_commands)
    single = typer.Typer()
    help_of = getattr(module, f"{attribute}_help", None)  # words from the catalogue
    single.command(name, help=help_of() if help_of else None)(target)
    return get_command_from_info(single.registered_commands[0],
                                 pretty_exceptions_short=app.pretty_exceptions_short,
                                 rich_markup_mode=app.rich_markup_mode)


def run() -> None:
    """Console-script entry point: the garbage collector paused while the command
    starts (`tracker.cli.context.pause_collector`)."""
    pause_collector()
    try:
        code = app()
    finally:
        resume_collector()
    sys.exit(code)
