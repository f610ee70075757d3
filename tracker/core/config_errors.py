"""A settings validation error as one line naming the file or the variable, and the key.

`describe` words pydantic's first error of the whole `Settings` (`tracker.core.config`):
the variable is blamed when the value came from the environment, else the file; the value
is shown unless it is a secret.
"""

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tracker.core.expected import expected
from tracker.core.i18n import _

__all__ = ["describe"]


def _allowed(error: Mapping[str, Any]) -> str:
    """The values a fixed-choice setting takes, from pydantic's `expected` ("'ru' or 'en'"),
    each glossed with its name where it has one (the level's «муниципальный»)."""
    from tracker.core.enums import NAMES, choices

    values = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
    for enum in NAMES:
        if sorted(m.value for m in enum) == sorted(values):
            return choices(enum)
    return ", ".join(values)


_QUIET_KEYS = {"database_url", "smtp.password", "telegram.token", "smtp.user"}


def describe(exc: ValidationError, path: Path | None,
              variables: Mapping[tuple[str, ...], str] | None = None) -> str:
    error = exc.errors()[0]
    loc = tuple(str(p) for p in error["loc"])
    key = ".".join(loc) or _("(top level)")
    key = key.replace("import_", "import")
    where = f"{path}: " if path else ""
    # Blame the variable when the value came from the environment, else the file.
    for depth in range(len(loc), 0, -1):
        name = (variables or {}).get(tuple(p.lower() for p in loc[:depth]))
        if name is not None:
            where = f"{name}: "
            break
    if error["type"] == "extra_forbidden":
        return where + _("unknown setting {setting}").format(setting=key)
    message = error["msg"].removeprefix("Value error, ")
    if (said := expected(error)) is not None:
        message = said
    elif error["type"] in ("literal_error", "enum"):
        return where + _("invalid setting {setting}: {value!r} is not allowed; expected one "
                         "of {allowed}").format(setting=key, value=error.get("input"),
                                                allowed=_allowed(error))
    elif error["type"] == "missing":
        return where + _("{setting} is required here: add it").format(setting=key)
    elif error["type"] not in ("value_error", "assertion_error"):  # ours say it already
        message = _("the value is not accepted")
    else:
        return where + _("invalid setting {setting}: {message}").format(setting=key,
                                                                          message=message)
    if key in _QUIET_KEYS:
        return where + _("invalid setting {setting}: {message}").format(setting=key,
                                                                          message=message)
    return where + _("invalid setting {setting}: {message}, got {value!r}").format(
        setting=key, message=message, value=error.get("input"))
