"""What a value should have been, from a pydantic error: the settings' errors
(tracker/core/config_errors.py) and the CLI's coercion errors (tracker/cli/scaffold.py) say it
from the catalogue instead of pydantic's English ("Input should be a valid integer")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker.core.i18n import N_, _

# Pydantic's wording for common mistakes, said as what is expected.
EXPECTED = {
    "int_parsing": N_("expected a whole number"), "int_type": N_("expected a whole number"),
    "int_from_float": N_("expected a whole number"), "float_parsing": N_("expected a number"),
    "float_type": N_("expected a number"), "bool_parsing": N_("expected true or false"),
    "bool_type": N_("expected true or false"),
    "list_type": N_("expected a list such as [1, 2]"),
    "string_type": N_("expected a text in quotes"), "time_parsing": N_('expected "HH:MM"'),
    "time_type": N_('expected "HH:MM"'),
}
LIMITS = {"greater_than_equal": ("ge", N_("expected a number at least {limit}")),
           "greater_than": ("gt", N_("expected a number above {limit}")),
           "less_than_equal": ("le", N_("expected a number at most {limit}")),
           "less_than": ("lt", N_("expected a number below {limit}"))}
# The shape a value should have, for pydantic's errors about the wrong kind of value.
SHAPES = {
    "string_too_short": N_("expected a text that is not empty"),
    "too_short": N_("expected more entries"), "too_long": N_("expected fewer entries"),
    "string_too_long": N_("expected a shorter text"),
    "dict_type": N_("expected a section (a table such as [smtp])"),
    "model_type": N_("expected a section (a table such as [smtp])"),
    "model_attributes_type": N_("expected a section (a table such as [smtp])"),
}


def expected(error: Mapping[str, Any]) -> str | None:
    """What the value of a pydantic `error` (one of `exc.errors()`) should have been, in
    the current locale; None for an error type not listed (a validator's own message)."""
    kind = error.get("type")
    if kind in EXPECTED:
        return _(EXPECTED[kind])
    if kind in LIMITS:
        name, template = LIMITS[kind]
        limit = (error.get("ctx") or {}).get(name)
        shown = f"{limit:g}" if isinstance(limit, (int, float)) else str(limit)
        return _(template).format(limit=shown)
    if kind in SHAPES:
        return _(SHAPES[kind])
    return None
