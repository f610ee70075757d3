"""The values a setting takes that pydantic does not check itself: an email address, an
http(s) URL, a cron expression, a whole number (`Count`). Used by `tracker.core.config`'s
sections; each raises `ValueError` with the Russian words pydantic passes on.
"""

import re
from typing import Annotated, Any

from pydantic import BeforeValidator

from tracker.core.i18n import _

__all__ = ["Count", "crontab", "email_address", "http_url"]


_EMAIL = re.compile(r"^[^@\s<>\"(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")


def email_address(value: str, *, optional: bool = False) -> str:
    value = value.strip()
    if optional and not value:
        return value
    if not _EMAIL.match(value):
        raise ValueError(
            _("expected an email address such as tracker@example.ru, got {value!r}").format(
            value=value))
    return value


def http_url(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            _("expected an http:// or https:// URL, got {value!r}").format(value=value))
    return value.strip()


def crontab(value: str) -> str:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value)
    except ValueError as exc:
        raise ValueError(_('expected a cron expression "minute hour day month weekday" such as '
                           '"0 9 * * mon", got {value!r} ({reason})').format(
                             value=value, reason=exc)) from None
    return value


def _whole_number(value: Any) -> Any:
    """`batch_size = 2.5` or `= true` is a mistake, not 2 or 1: counts are integers."""
    if isinstance(value, (float, bool)):
        raise ValueError(_("expected a whole number, got {value!r}").format(value=value))
    return value


# Every whole-number setting is a `Count` (one validator on these fields, not a wrapper
# around every field of every section, which cost each command building them).
Count = Annotated[int, BeforeValidator(_whole_number)]
