"""`tracker run`: the long-running service.

One asyncio loop carries an APScheduler 3 `AsyncIOScheduler` with an in-memory job
store (the database, not pickled jobs, is the source of truth) and, when configured,
the Telegram bot. Jobs:

* the tick, every `tick_seconds` (60 by default), first at start-up: plan, record,
  deliver (`notifications.delivery.tick.tick`); `max_instances=1, coalesce=True,
  misfire_grace_time=None`, so a slow pass delays the next one instead of stacking;
* the digests of coordinators and leads, on the crons of `[digests]` in the config's
  time zone. Each run first inserts `ScheduledRun(kind, period)` under its unique
  constraint; a restart, or a second service, finds the row and skips the run.

SIGTERM and SIGINT set a stop flag: the pass in flight finishes the message it is
sending, gives the rest of its claim back, and the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from tracker.core.i18n import _
from tracker.core.models import ScheduledRun

logger = logging.getLogger("tracker.runner")


class Service:
    """The scheduler, the tick and the digests over one runtime (`tracker.runtime`).

    It owns delivery for every app: `tracker run` (the scheduler's ticks), `tracker
    remind` and the demo (one pass, `pass_once`) and `tracker bot` (`serve_bot`: a
    delivery pass whenever the bot recorded a notice). The runtime's clock is the one
    place the service reads the time (tests fix it there).
    """

    def __init__(self, runtime, *, tick_seconds: float = 60, bot: bool = True):
        self.runtime = runtime
        self.bot = bot
        self.bot_retry_seconds = 60.0  # between tries to reach Telegram at start-up
        self._scheduler = None
        self._woken: asyncio.Event | None = None  # `serve_bot`: a pass was asked for
        self.tick_seconds = tick_seconds
        self.stop = asyncio.Event()
        self._busy = asyncio.Lock()
        self.ticks = 0

    @property
    def settings(self):
        return self.runtime.settings

    @property
    def db(self):
        return self.runtime.db

    @property
    def channels(self):
        return self.runtime.channels

    @property
    def worker(self) -> str:
        return self.runtime.worker

    def clock(self) -> datetime:
        return self.runtime.now()

    async def pass_once(self, *, at: datetime | None = None, dry_run: bool = False,
                        keep_messages: bool = False):
        """One planning and delivery pass as of `at` (default: now); returns its
        `TickReport`. Errors reach the caller."""
        from tracker.services.reminders import tick
        from tracker.services.web_links import link_maker

        return await tick(self.db, self.settings, self.channels,
                          now=at if at is not None else self.clock(), worker=self.worker,
                          dry_run=dry_run, stop=self.stop, keep_messages=keep_messages,
                          links=link_maker(self.settings), clock=self.runtime.clock)

    async def remind(self, *, at: datetime | None = None, dry_run: bool = False):
        """`tracker remind`: one pass as of `at` (default: now) keeping its messages;
        returns (the `TickReport`, the rows of what it sent or, dry, would send)."""
        from tracker.services.pass_summary import dry_rows, sent_rows

        at = at if at is not None else self.clock()
        report = await self.pass_once(at=at, dry_run=dry_run, keep_messages=True)
        if not dry_run:
            return report, sent_rows(report=report)
        with self.db.reading() as session:
            return report, dry_rows(session=session, settings=self.settings, report=report,
                                    now=at)

    async def run_tick(self) -> None:
        """One pass at the current time; errors are logged, the next tick tries again."""
        if self.stop.is_set():
            return
        async with self._busy:
            try:
                report = await self.pass_once()
            except Exception:
                logger.exception(_("tick failed; the next one will try again"))
                return
            self.ticks += 1
            if report.planned or report.deliveries:
                logger.info(_("tick: %d checked, %d planned, %d skipped, %d sent, %d failed, "
                              "%d left pending (plan %.2fs, delivery %.2fs)"),
                            report.assignments_checked, report.planned, report.skipped,
                            report.sent, report.failed, report.pending,
                            report.plan_seconds, report.deliver_seconds)

    async def deliver_now(self, *, at: datetime | None = None):
        """Deliver what is pending as of `at` (default: now), without planning; returns
        the pass's `TickReport`."""
        from tracker.services.reminders import TickReport, deliver
        from tracker.services.web_links import link_maker

        report = TickReport()
        await deliver(self.db, self.settings, self.channels,
                      now=at if at is not None else self.clock(), worker=self.worker,
                      report=report, stop=self.stop, links=link_maker(self.settings),
                      clock=self.runtime.clock)
        return report

    async def run_delivery(self) -> None:
        """`tracker bot`'s pass: deliver what the bot recorded (errors reach the caller)."""
        async with self._busy:
            await self.deliver_now()
            self.ticks += 1

    async def run_digest(self, kind: str) -> None:
        """Record the run of `kind` for this period, then build and record the digests."""
        now = self.clock()
        period = now.astimezone(self.settings.zone).strftime("%Y-%m-%dT%H:%M")
        if not await asyncio.to_thread(claim_run, self.db, kind, period, now):
            logger.info(_("digest %s for %s already ran; skipped"), kind, period)
            return
        from tracker.reports.digests import run_digests

        async with self._busy:
            try:
                await run_digests(self.db, self.settings, kind, now)
            except Exception:
                logger.exception(_("digest %s for %s failed"), kind, period)
                return
        await asyncio.to_thread(finish_run, self.db, kind, period, self.clock())
        logger.info(_("digest %s for %s recorded"), kind, period)

    async def serve(self, *, once: bool = False) -> None:
        """Run until stopped (or one tick with `once`)."""
        if once:
            await self.run_tick()
            return
        from apscheduler.schedulers.asyncio import AsyncIOScheduler
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        self._install_signals()
        zone = self.settings.zone
        scheduler = AsyncIOScheduler(timezone=zone)
        options = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
        scheduler.add_job(self.run_tick, IntervalTrigger(seconds=self.tick_seconds),
                          id="tick", next_run_time=datetime.now(UTC), **options)
        digests = self.settings.digests
        for kind, cron, enabled in (("coordinator", digests.coordinator_cron,
                                     digests.coordinator_enabled),
                                    ("lead", digests.lead_cron, digests.lead_enabled)):
            if enabled:
                scheduler.add_job(self.run_digest, CronTrigger.from_crontab(cron, timezone=zone),
                                  args=[kind], id=f"digest-{kind}", **options)
        scheduler.start()
        self._scheduler = scheduler
        bot = asyncio.create_task(self._keep_bot()) if self._wants_bot() else None
        logger.info(_("service started as %s: tick every %gs"), self.worker, self.tick_seconds)
        try:
            await self.stop.wait()
        finally:
            scheduler.shutdown(wait=False)
            async with self._busy:  # the pass in flight finishes its message
                pass
            if bot is not None:
                await bot  # it sees the stop flag and shuts the bot down
            logger.info(_("service stopped"))

    def wake(self) -> None:
        """Run the tick now instead of at its next interval (the bot recorded a notice)."""
        if self.stop.is_set():
            return
        if self._woken is not None:
            self._woken.set()
        elif self._scheduler is not None:
            self._scheduler.modify_job("tick", next_run_time=datetime.now(UTC))

    async def serve_bot(self) -> None:
        """`tracker bot`: the bot alone until stopped, with a delivery pass whenever it
        recorded a notice (the scheduler, in another process, sends everything else).
        Telegram unreachable at start-up is an error here, not a retry."""
        from tracker.bot.app import start_bot

        self._install_signals()
        self._woken = asyncio.Event()
        stop_bot = await start_bot(self.runtime, kick=self.wake)
        try:
            while not self.stop.is_set():
                waiter = asyncio.ensure_future(self._woken.wait())
                stopper = asyncio.ensure_future(self.stop.wait())
                await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                stopper.cancel()
                if self._woken.is_set() and not self.stop.is_set():
                    self._woken.clear()
                    await self.run_delivery()
        finally:
            await stop_bot()

    def _install_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, self._on_signal, signum)

    def _on_signal(self, signum: int) -> None:
        logger.info(_("received %s; stopping after the message in flight"),
                    signal.Signals(signum).name)
        self.stop.set()

    def _wants_bot(self) -> bool:
        return self.bot and self.settings.telegram.token is not None

    async def _keep_bot(self) -> None:
        """Run the bot until the service stops. Telegram unreachable at start-up (or a
        refused token) must not stop reminders by email: log it and try again later."""
        from telegram.error import TelegramError

        from tracker.bot.app import start_bot

        stop_bot = None
        while stop_bot is None and not self.stop.is_set():
            try:
                stop_bot = await start_bot(self.runtime, kick=self.wake)
            except (TelegramError, OSError) as exc:
                logger.warning(_("bot not started (%s: %s); next try in %gs"),
                               type(exc).__name__, exc, self.bot_retry_seconds)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), self.bot_retry_seconds)
        if stop_bot is not None:
            await self.stop.wait()
            await stop_bot()


def claim_run(db, kind: str, period: str, now: datetime) -> bool:
    """Insert the (kind, period) run; False if it exists (ran before, or runs elsewhere)."""
    try:
        with db.transaction() as session:
            session.add(ScheduledRun(kind=kind, period=period, started_at=now))
    except IntegrityError:
        return False
    return True


def finish_run(db, kind: str, period: str, now: datetime) -> None:
    from sqlalchemy import update

    with db.transaction() as session:
        session.execute(update(ScheduledRun)
                        .where(ScheduledRun.kind == kind, ScheduledRun.period == period)
                        .values(finished_at=now))
