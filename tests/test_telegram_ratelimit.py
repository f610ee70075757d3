"""The Telegram rate limiter's decisions, on times passed in (no sleeping)."""

from __future__ import annotations

import asyncio

import pytest

from notifications.channels.ratelimit import RateLimiter

GROUP = -1001


def limiter(**kw) -> RateLimiter:
    kw.setdefault("slack", 0.0)
    return RateLimiter(**kw)


# (limits, [(chat, now, expected wait)]): a booking happens when the wait is 0.
CASES = {
    "different chats at once": (
        {}, [(1, 0.0, 0.0), (2, 0.0, 0.0), (3, 0.0, 0.0)]),
    "same chat needs a second": (
        {}, [(1, 0.0, 0.0), (1, 0.4, 0.6), (1, 1.0, 0.0)]),
    "a refused request books nothing": (
        {}, [(1, 0.0, 0.0), (1, 0.5, 0.5), (1, 0.9, 0.1), (1, 1.0, 0.0), (1, 1.5, 0.5)]),
    "overall cap of 3 a second": (
        {"per_second": 3}, [(1, 0.0, 0.0), (2, 0.1, 0.0), (3, 0.2, 0.0), (4, 0.5, 0.5),
                            (4, 1.0, 0.0), (5, 1.05, 0.05), (5, 1.1, 0.0)]),
    "fractional rate: one per two seconds": (
        {"per_second": 0.5}, [(1, 0.0, 0.0), (2, 1.0, 1.0), (2, 2.0, 0.0)]),
    "group: 2 a minute": (
        {"group_per_minute": 2}, [(GROUP, 0.0, 0.0), (GROUP, 1.0, 0.0), (GROUP, 2.0, 58.0),
                                  (7, 2.0, 0.0), (GROUP, 60.0, 0.0), (GROUP, 61.0, 0.0)]),
    "private chats have no minute cap": (
        {"group_per_minute": 2}, [(5, 0.0, 0.0), (5, 1.0, 0.0), (5, 2.0, 0.0)]),
    "no per-chat interval": (
        {"per_chat_interval": 0}, [(1, 0.0, 0.0), (1, 0.0, 0.0)]),
    "largest of several waits": (
        {"per_second": 2}, [(1, 0.0, 0.0), (2, 0.5, 0.0), (1, 0.6, 0.4)]),
}


@pytest.mark.parametrize(("limits", "steps"), CASES.values(), ids=CASES.keys())
def test_reserve(limits, steps):
    rl = limiter(**limits)
    got = [(chat, now, round(rl.reserve(chat, now), 6)) for chat, now, _ in steps]
    assert got == steps


def test_slack_widens_every_interval():
    rl = RateLimiter(per_second=30, slack=0.02)
    assert rl.reserve(1, 0.0) == 0.0
    assert rl.reserve(1, 1.0) == pytest.approx(0.02)


def test_forgotten_chats_are_pruned():
    rl = limiter()
    for chat in range(5000):
        rl.reserve(chat, chat * 0.05)  # spaced so the overall cap never refuses
    assert len(rl._last) < 4200


def test_wait_sleeps_the_time_reserve_asks_for(monkeypatch):
    clock = [0.0]
    slept: list[float] = []
    rl = limiter(clock=lambda: clock[0])
    real_sleep = asyncio.sleep

    async def fake_sleep(seconds):
        slept.append(round(seconds, 6))
        clock[0] += seconds
        await real_sleep(0)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)

    async def run():
        await rl.wait(1)
        clock[0] = 0.25
        return await rl.wait(1)

    assert asyncio.run(run()) == pytest.approx(0.75)
    assert slept == [0.75] and rl.waited == pytest.approx(0.75)
