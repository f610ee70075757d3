"""`tracker demo`: the whole product on a demo folder (`tracker.demo`)."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker.cli.checks import nonempty
from tracker.core.i18n import N_, _


def demo(
    directory: str = typer.Option("demo", "--dir", callback=nonempty(N_("a folder")),
                                  help=_("Folder for the demo's config, database and outbox "
                                         "(created; must be empty or a demo).")),
    days: int = typer.Option(None, "--days", min=1,
                             help=_("Days to walk (default: past the last deadline).")),
) -> None:
    """`tracker demo` (its help: `demo_help`)."""
    from tracker.cli.context import resume_collector
    from tracker.demo import run_demo

    resume_collector()  # a long run that reads its own settings

    run_demo(Path(directory), days=days)


def demo_help() -> str:
    """The help of `tracker demo`, from the catalogue."""
    return _(
        "Show the whole product: the Rostov region, two real protocols, a year of "
        "reminders.\n\n"
        "Example: tracker demo")
