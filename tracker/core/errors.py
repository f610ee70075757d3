"""Domain errors. The CLI prints them as one `Error: ...` line with exit code 1."""


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
