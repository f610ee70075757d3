"""What every command needs: the settings, the runtime (database, clock), output helpers,
and the start-up pause of the garbage collector.

Python's cyclic garbage collector walks the new objects again and again while a command
imports SQLAlchemy, pydantic and the tables, and all of them once more at exit, though
none is garbage: for `tracker tasks list` that cost about as much CPU time as all of the
project's own start-up. The console script (`tracker.cli.main.run`) pauses it
(`pause_collector`); loading the settings, which every command that does work does
first (`tracker demo`, which reads its own, calls it itself), resumes it
(`resume_collector`) after freezing what start-up made (`gc.freeze`: modules, classes,
tables, the settings; alive to the end anyway) out of its passes. The little garbage
start-up leaves is not collected; everything made after is, as before. Tests that call
the app in-process never pause it.
"""

from __future__ import annotations

import gc
import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import typer

from tracker.core.errors import TrackerError

_PAUSED: list[bool] = [False]


def pause_collector() -> None:
    """Stop automatic garbage collection for the start-up (a no-op if it is off)."""
    if gc.isenabled():
        gc.disable()
        _PAUSED[0] = True


def resume_collector() -> None:
    """Turn automatic garbage collection back on if `pause_collector` stopped it, the
    objects made so far (modules, classes, tables, settings) frozen out of its passes."""
    if _PAUSED[0]:
        _PAUSED[0] = False
        gc.freeze()
        gc.enable()


@dataclass
class AppContext:
    """Built once per invocation by the main callback; the settings and the runtime
    (`tracker.runtime.Runtime`: database, clock, channels, worker name) are lazy."""

    config_path: str | None = None
    _settings: Any = field(default=None, repr=False)
    _runtime: Any = field(default=None, repr=False)

    @property
    def settings(self):
        if self._settings is None:
            from tracker.core.config_sources import load_settings
            from tracker.core.i18n import set_locale

            self._settings = load_settings(self.config_path)
            set_locale(self._settings.locale)  # the words the command prints
            resume_collector()  # start-up is over
        return self._settings

    @property
    def runtime(self):
        """The process's one runtime, built on first use."""
        if self._runtime is None:
            from tracker.runtime import build_runtime

            self._runtime = build_runtime(self.settings)
        return self._runtime

    @property
    def db(self):
        return self.runtime.db

    def now(self) -> datetime:
        return self.runtime.now()

    def today(self) -> date:
        return self.runtime.today()

    def close(self) -> None:
        if self._runtime is not None:
            self._runtime.close()


def app_context(ctx: typer.Context) -> AppContext:
    """The invocation's context; works for sub-apps run on their own too."""
    root = ctx.find_root()
    if not isinstance(root.obj, AppContext):
        root.obj = AppContext()
    return root.obj


def print_json(data: Any) -> None:
    """JSON to stdout: Cyrillic as is, dates in ISO form."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")


def _default(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def fail(message: str) -> None:
    """Raise the error the CLI edge prints as `Error: ...` with exit code 1."""
    raise TrackerError(message)


def console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)
