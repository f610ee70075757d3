"""`tracker init`."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker.cli.context import app_context
from tracker.core.i18n import _

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "default_config.toml"


def init(ctx: typer.Context) -> None:
    """`tracker init` (its help: `init_help`)."""
    context = app_context(ctx)
    target = Path(context.config_path) if context.config_path else Path.cwd() / "config.toml"
    if target.exists():
        typer.echo(_("Config exists: {path} (left as it is)").format(path=target))
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(DEFAULT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
        typer.echo(_("Wrote {path}").format(path=target))
    context.config_path = str(target)
    from tracker.core.db import Database, upgrade

    db = Database(context.settings.db_url)
    try:
        changed = upgrade(db)
    finally:
        db.dispose()
    line = _("Database created: {url}") if changed else _("Database up to date: {url}")
    typer.echo(line.format(url=context.settings.db_url))


def init_help() -> str:
    """The help of `tracker init`, from the catalogue."""
    return _(
        "Write a commented config.toml where there is none, and create or upgrade the "
        "database.\n\n"
        "Running it again changes nothing.\n\n"
        "Example: tracker init")
