"""Telegram's sending limits, kept on our side so the server rarely has to say 429.

Telegram asks bots (https://core.telegram.org/bots/faq) to send at most about 30
messages a second in bulk, about one a second to the same chat, and 20 a minute to
one group. `RateLimiter.reserve()` holds the decision logic: a pure function of the
bookings made so far and a monotonic `now` passed in, so tests drive it with a table
of times instead of sleeping. `wait()` is the asyncio wrapper the channel calls before
every request that posts a message.

The limiter is per process. Only the process that delivers the outbox sends in bulk,
so that is where it matters; the bot's replies to a user are one at a time anyway.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

GROUP_WINDOW = 60.0  # seconds over which `group_per_minute` counts
# A small margin on every interval: our clock reads the time before the request
# leaves, the server reads it on arrival, and a few milliseconds of jitter would
# otherwise turn "exactly 1.0 s apart" into 0.99 s at the server and a 429.
SLACK = 0.02
_PRUNE_AT = 4096  # forget chats not heard from in a while once this many are tracked


class RateLimiter:
    """Books send slots under three limits at once.

    - overall: at most `per_second` sends in any window (for a fractional rate, one
      send per `1 / per_second` seconds);
    - per chat: at least `per_chat_interval` seconds between two sends to one chat;
    - per group (a negative chat id): at most `group_per_minute` sends a minute.

    Not thread-safe; one event loop uses it. Concurrent `wait()` calls are fine: each
    one books only when it is actually allowed to send.
    """

    def __init__(self, per_second: float = 30.0, per_chat_interval: float = 1.0,
                 group_per_minute: int = 20, *, slack: float = SLACK,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if per_second <= 0 or group_per_minute < 1 or per_chat_interval < 0:
            raise ValueError("rate limits must be positive")
        # 30/s is "30 in any 1 s window"; 0.5/s is "1 in any 2 s window".
        self.capacity = max(1, int(per_second))
        self.window = self.capacity / per_second + slack
        self.per_chat_interval = per_chat_interval + slack if per_chat_interval else 0.0
        self.group_capacity = group_per_minute
        self.group_window = GROUP_WINDOW + slack
        self.clock = clock
        self._overall: deque[float] = deque()
        self._last: dict[int, float] = {}
        self._groups: dict[int, deque[float]] = {}
        self.waited = 0.0  # total seconds `wait()` slept; the benchmark reports it

    def reserve(self, chat_id: int, now: float) -> float:
        """Book a send to `chat_id` at `now` and return 0.0 if every limit allows it;
        otherwise book nothing and return the seconds until it may be asked again.

        `now` must not go backwards between calls (use a monotonic clock).
        """
        while self._overall and now - self._overall[0] >= self.window:
            self._overall.popleft()
        group = self._groups.get(chat_id) if chat_id < 0 else None
        while group and now - group[0] >= self.group_window:
            group.popleft()
        waits = [0.0]
        if len(self._overall) >= self.capacity:
            waits.append(self._overall[0] + self.window - now)
        last = self._last.get(chat_id)
        if last is not None:
            waits.append(last + self.per_chat_interval - now)
        if group is not None and len(group) >= self.group_capacity:
            waits.append(group[0] + self.group_window - now)
        wait = max(waits)
        if wait > 0:
            return wait
        self._overall.append(now)
        self._last[chat_id] = now
        if chat_id < 0:
            self._groups.setdefault(chat_id, deque()).append(now)
        if len(self._last) > _PRUNE_AT:
            self._prune(now)
        return 0.0

    async def wait(self, chat_id: int) -> float:
        """Sleep until a send to `chat_id` is allowed and book it; the seconds slept."""
        slept = 0.0
        while (delay := self.reserve(chat_id, self.clock())) > 0:
            await asyncio.sleep(delay)
            slept += delay
        self.waited += slept
        return slept

    def _prune(self, now: float) -> None:
        """Drop chats whose last send is older than every interval that could apply."""
        horizon = max(self.per_chat_interval, self.group_window)
        for chat_id in [c for c, t in self._last.items() if now - t >= horizon]:
            del self._last[chat_id]
            self._groups.pop(chat_id, None)
