"""The CLI edge's words for failures that are not the user's input but the machine's: a
database that cannot be opened or written, a file the system refuses. Each becomes one
`Error: ...` line naming what failed and why, in the current locale, instead of a
traceback or the driver's English (`sqlite3.OperationalError: unable to open database
file`, `[Errno 13] Permission denied`)."""

from __future__ import annotations

from tracker.core.i18n import _
from tracker.core.reasons import database_reason, os_error


def describe(exc: BaseException, context) -> str | None:
    """The line for `exc`, or None when it is not a failure of this kind (a bug: the
    traceback is the right thing to show)."""
    if isinstance(exc, OSError):
        return os_error(exc)
    if type(exc).__module__.startswith("sqlalchemy"):
        from sqlalchemy import exc as sql

        if isinstance(exc, sql.DBAPIError):
            return _("database {url}: {reason}").format(
                url=_database_shown(context), reason=database_reason(str(exc.orig)))
    return None


def _database_shown(context) -> str:
    """The database URL of the invocation, its password hidden."""
    try:
        url = context.settings.db_url
    except Exception:  # the settings failed before: say no more than that
        return "?"
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]
