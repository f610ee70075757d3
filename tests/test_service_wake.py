"""`Service.wake`: the bot asks for a pass now instead of at the next interval."""

from __future__ import annotations

import asyncio

import pytest

from notifications.channels.registry import build_channels
from tracker.service import Service


@pytest.mark.asyncio
async def test_wake_runs_the_tick_at_once(settings, db):
    service = Service(settings, db, build_channels(settings), tick_seconds=3600, bot=False)
    running = asyncio.create_task(service.serve())
    try:
        async with asyncio.timeout(10):
            while service.ticks < 1:  # the first tick runs at start-up
                await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)
        assert service.ticks == 1  # the next one is an hour away
        service.wake()
        async with asyncio.timeout(5):
            while service.ticks < 2:
                await asyncio.sleep(0.02)
    finally:
        service.stop.set()
        await running
    service.wake()  # after stopping: harmless, nothing scheduled
