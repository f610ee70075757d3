"""The one runtime of a process: settings, database, clock, channels, worker name, logging.

Every app builds it once (`build_runtime`) and hands it on: the CLI's context
(`tracker.cli.context.AppContext.runtime`), the service runner (`tracker.runner.Service`),
the bot (`tracker.bot.app.start_bot`) and the demo (`tracker.demo`). It is the one place
an app reads the time (`Runtime.now`): tests inject a fixed clock, or channels that
record what they are given, here and nowhere else.

The database and the channels are built on first use, so a command that needs neither
(`tracker --help`, `tracker email test`) never opens the database nor imports a channel.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any


def utc_now() -> datetime:
    """The real clock: aware UTC now."""
    return datetime.now(UTC)


@dataclass
class Runtime:
    """What a running app is made of; build it with `build_runtime`."""

    settings: Any
    clock: Callable[[], datetime] = utc_now
    _worker: str | None = field(default=None, repr=False)
    _db: Any = field(default=None, repr=False)
    _channels: Mapping | None = field(default=None, repr=False)
    _owns_db: bool = field(default=False, repr=False)

    @property
    def db(self):
        """The database, opened (and its schema brought to the head) on first use."""
        if self._db is None:
            from tracker.core.db import open_database

            self._db = open_database(self.settings.db_url)
            self._owns_db = True
        return self._db

    @property
    def worker(self) -> str:
        """Who holds this process's outbox claims (`tracker.core.workers.worker_name`)."""
        if self._worker is None:
            from tracker.core.workers import worker_name

            self._worker = worker_name()
        return self._worker

    @property
    def channels(self) -> Mapping:
        """The delivery channel of each `ChannelKind`, built from the settings on first use."""
        if self._channels is None:
            from notifications.channels.registry import build_channels

            self._channels = build_channels(self.settings)
        return self._channels

    def now(self) -> datetime:
        """The current time (aware UTC) by the runtime's clock."""
        return self.clock()

    def today(self) -> date:
        """Today in the configured time zone by the runtime's clock."""
        from tracker.core.dates import local_today

        return local_today(self.now(), self.settings.zone)

    def with_clock(self, clock: Callable[[], datetime]) -> Runtime:
        """The same runtime (same database and channels) reading another clock."""
        return replace(self, clock=clock, _owns_db=False)

    def close(self) -> None:
        """Dispose of the database if this runtime opened it."""
        if self._db is not None and self._owns_db:
            self._db.dispose()
            self._db = None


def build_runtime(settings, *, db=None, clock: Callable[[], datetime] | None = None,
                  channels: Mapping | None = None, worker: str | None = None) -> Runtime:
    """The runtime over `settings`. `db` and `channels` default to those the settings
    name, `worker` to this process's name (each made on first use); `clock` to the real
    clock."""
    return Runtime(settings=settings, clock=clock or utc_now, _worker=worker, _db=db,
                   _channels=channels)


def configure_logging() -> None:
    """Log lines on stderr for the long-running commands (`run`, `bot`, `web`, `remind`)."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(message)s")
    for noisy in ("httpx", "aiosmtplib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # "skipped: maximum number of running instances reached" is the design (a slow pass
    # delays the next), not a problem worth a line every tick.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
