"""The one error root, `TrackerError`, and the domain errors under it.

The CLI's edge (`tracker.cli.main`) prints any `TrackerError` as one `Error: ...` line with
exit code 1; the bot and the web pages answer it as a refusal. The other layers derive
their own errors from it:

- `roadmaps.parsed.DocumentError`: a file that cannot be imported (reading, parsing);
- `roadmaps.deadlines.DeadlineError`: an impossible date in a deadline phrase;
- `notifications.channels.base.ChannelError`: a delivery that failed.
"""


class TrackerError(Exception):
    """Base of every error a user can cause; its message is shown as is."""


class ConfigError(TrackerError):
    """The configuration cannot be loaded: the message names the file and the key."""


class NotFound(TrackerError):
    """An id or name that matches nothing."""


class InvalidInput(TrackerError):
    """A value that cannot be accepted: a bad date, an ambiguous name, a wrong state."""


class PermissionDenied(TrackerError):
    """The acting person may not do this."""


class Conflict(TrackerError):
    """The change clashes with the current state (already done, imported twice)."""


class SchemaError(TrackerError):
    """The database was written by a newer version, or cannot be migrated."""
