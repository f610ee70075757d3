"""The CLI framework's own words (the usage line, section titles, the help option's
line, usage errors) from the project's catalogue, so `--help` and mistakes speak Russian.

typer 0.29 carries its own copy of click (`typer._click`), whose words are plain English
strings, and marks its own (section titles, "required", "No such command") with the
stdlib `gettext.gettext`, which reads the process environment for its language. Neither
follows `set_locale`, so `install()` points them at `tracker.core.i18n._` once, before any
help is shown: typer's `_` becomes ours, the help formatter writes a translated "Usage:",
the help option carries a translated help text, and `usage_message` words a usage error.
"""

from __future__ import annotations

import re

import typer.core
from typer._click import core as click_core
from typer._click import exceptions as click_exceptions
from typer._click.formatting import HelpFormatter

from tracker.core.i18n import N_, _

HELP_TEXT = N_("Show this message and exit.")
_SUGGESTION = re.compile(r"^(?P<message>.*)\. Did you mean (?P<suggestions>.+)\?$", re.S)
# click's and typer's plain-English usage messages (not marked for gettext), by shape.
_USAGE = (
    (re.compile(r"^Got unexpected extra arguments? ?\(s\)? \((?P<args>.*)\)$", re.S),
     N_("unexpected extra arguments: {args}")),
    (re.compile(r"^Option (?P<name>'[^']*') requires an argument\.$"),
     N_("option {name} needs a value")),
    (re.compile(r"^Option (?P<name>'[^']*') requires (?P<n>\d+) arguments\.$"),
     N_("option {name} needs {n} values")),
    (re.compile(r"^Option (?P<name>'[^']*') does not take a value\.$"),
     N_("option {name} takes no value")),
    (re.compile(r"^Argument (?P<name>'[^']*') takes (?P<n>\d+) values\.$"),
     N_("argument {name} takes {n} values")),
)
_NOT_ONE_OF = re.compile(r"^(?P<value>.+) is not one of (?P<choices>.+)\.$", re.S)


class Formatter(HelpFormatter):
    """click's help formatter with the usage line's prefix from the catalogue."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)


def _help_option(original):
    """`Command.get_help_option` whose option's help is the catalogue's, in the locale of
    the moment (click builds the option once per command and keeps it)."""
    def get_help_option(self, ctx):
        option = original(self, ctx)
        if option is not None and option.help in (HELP_TEXT, getattr(option, "_shown", None)):
            option.help = option._shown = _(HELP_TEXT)
        return option
    return get_help_option


def install() -> None:
    """Point the framework's words at the catalogue (idempotent)."""
    typer.core._ = _  # typer's gettext lookups ("Options", "required", ...)
    click_core.Context.formatter_class = Formatter
    command = click_core.Command
    if not getattr(command.get_help_option, "_tracker", False):
        command.get_help_option = _help_option(command.get_help_option)
        command.get_help_option._tracker = True


def _hint(exc: click_exceptions.BadParameter) -> str:
    if exc.param_hint is not None:
        hint = exc.param_hint
    elif exc.param is not None:
        hint = exc.param.get_error_hint()
    else:
        return ""
    return click_exceptions._join_param_hints(hint)


def usage_message(exc: click_exceptions.UsageError) -> str:
    """The message of a usage error in the current locale (click's words translated; the
    names of options, arguments and commands as typed)."""
    if isinstance(exc, click_exceptions.MissingParameter):
        hint = _hint(exc)
        kind = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
        message = {"argument": _("Missing argument {name}."),
                   "option": _("Missing option {name}.")}.get(kind, _("Missing parameter {name}."))
        message = message.format(name=hint).replace("  ", " ")
        return f"{message} {exc.message}" if exc.message else message
    if isinstance(exc, click_exceptions.NoSuchOption):
        message = _("No such option: {name}").format(name=exc.option_name)
        if exc.possibilities:
            possible = ", ".join(sorted(exc.possibilities))
            message += " " + _("(Possible options: {options})").format(options=possible)
        return message
    if isinstance(exc, click_exceptions.BadParameter):
        hint = _hint(exc)
        message = _value_problem(exc)
        if not hint:
            return _("Invalid value: {message}").format(message=message)
        return _("Invalid value for {name}: {message}").format(name=hint, message=message)
    found = _SUGGESTION.match(exc.message)
    if found:
        return _("{message}. Did you mean {suggestions}?").format(**found.groupdict())
    for pattern, words in _USAGE:
        if found := pattern.match(exc.message):
            return _(words).format(**found.groupdict())
    return exc.format_message()


def _value_problem(exc: click_exceptions.BadParameter) -> str:
    """What is wrong with a typed value: typer checks `int`, `float` and `min=`/`max=`
    with pydantic, whose English the catalogue says instead (`tracker.core.expected`)."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors) and type(cause).__name__ == "ValidationError":
        from tracker.core.expected import expected

        first = (errors() or [{}])[0]
        said = expected(first)
        if said is not None:
            return _("{value!r}: {expected}").format(value=first.get("input"), expected=said)
    if found := _NOT_ONE_OF.match(exc.message):
        return _("{value} is not one of {choices}").format(**found.groupdict())
    return exc.message
