"""`Service.wake`: the bot asks for a pass now instead of at the next interval."""

from __future__ import annotations

import asyncio

import pytest

from notifications.channels.registry import build_channels
from tracker.runner import Service
from tracker.runtime import build_runtime


@pytest.mark.asyncio
async def test_wake_runs_the_tick_at_once(settings, db):
    service = Service(build_runtime(settings, db=db, channels=build_channels(settings)),
                      tick_seconds=3600, bot=False)
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


@pytest.mark.asyncio
async def test_telegram_down_at_start_does_not_stop_the_service(tmp_path, monkeypatch, caplog):
    import logging
    import socket

    from fake_telegram import FakeBotAPI

    from tracker.core.config_sources import load_settings
    from tracker.core.db import open_database

    with socket.socket() as probe:  # a port nothing listens on, yet
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fake = FakeBotAPI(port=port)
    config = tmp_path / "config.toml"
    config.write_text(f'[telegram]\napi_url = "http://127.0.0.1:{port}/bot"\n'
                      'poll_timeout = 1\n', encoding="utf-8")
    monkeypatch.setenv("TRACKER_TELEGRAM__TOKEN", fake.token)
    settings = load_settings(config)
    db = open_database(settings.db_url)
    service = Service(build_runtime(settings, db=db, channels=build_channels(settings)),
                      tick_seconds=3600)
    service.bot_retry_seconds = 0.2
    with caplog.at_level(logging.WARNING, logger="tracker.runner"):
        running = asyncio.create_task(service.serve())
        try:
            async with asyncio.timeout(10):
                while service.ticks < 1 or not caplog.records:
                    await asyncio.sleep(0.02)
            assert caplog.records[0].getMessage().startswith("бот не запущен (NetworkError")
            fake.start()  # Telegram comes back: the next try starts the bot
            await asyncio.to_thread(fake.wait_for, "setMyCommands", count=2, timeout=10)
            await asyncio.to_thread(fake.wait_for, "getUpdates", timeout=10)
        finally:
            service.stop.set()
            await running
            fake.stop()
            db.dispose()
    assert fake.token not in caplog.text
