"""Sending lanes and group-committed sent marks: how the delivery loop keeps several
messages in flight while keeping the outbox's guarantee.

A channel that can carry several messages at once says so with a `concurrency`
attribute (the email channel: its SMTP pool size; a channel without one gets 1). The
loop runs that many lanes for it, each with one message in flight, and a lane marks
its message sent before it sends another. So at any moment at most one message per
lane has been accepted by a server and not yet marked sent, and a crash re-sends at
most one message per lane, that is per connection.

`run_lanes` starts a channel with one lane and opens the others once the channel has
delivered a message in the pass, so a misconfigured channel (a wrong password, a
refused sender) fails on one message, not on `concurrency` of them at once. Each
channel has lanes of its own: a slow or rate-limited channel (Telegram waits for its
`RateLimiter` inside `notify()`) never holds up another's messages.

`Marks` is the group commit: lanes hand it their deliveries and wait; it writes every
mark that arrived while the previous write ran, and those of lanes that finished in the
same turn of the event loop, in one transaction. N lanes finishing together cost one
transaction instead of N, and no lane sends again before its own mark is committed.
A mark made while the pass runs one lane (one channel without a pool, the usual case)
has nobody to wait for: it is written there and then, with no task, future or turn of
the loop.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime


def concurrency(channel) -> int:
    """How many messages the loop may have in flight on `channel` (at least 1)."""
    try:
        return max(1, int(getattr(channel, "concurrency", 1)))
    except (TypeError, ValueError):
        return 1


async def run_lanes(work: deque, width: int, send: Callable[[object], Awaitable[bool]], *,
                    proven: bool, go_on: Callable[[], bool],
                    marks: Marks | None = None) -> bool:
    """Send what is in `work` (taken from the left) over up to `width` lanes; returns
    whether the channel has delivered (`proven`, as given or learnt here).

    `send(item)` delivers one item and says whether it was delivered. A lane takes the
    next item only while `go_on()` holds; what is left in `work` is the caller's to give
    back. Until the channel has delivered once (`proven`), one lane sends alone. The
    lanes are counted in `marks.lanes` (from their making to their end), if given.
    """
    state = {"proven": proven, "failed": False}
    extra: list[asyncio.Task] = []

    def widen() -> None:
        while len(extra) < width - 1 and len(work) > len(extra):
            if marks is not None:
                marks.lanes += 1
            extra.append(asyncio.create_task(lane(counted=True)))

    async def lane(counted: bool = False) -> None:
        try:
            while work and go_on() and not state["failed"]:
                if await send(work.popleft()) and not state["proven"]:
                    state["proven"] = True
                    widen()
        except BaseException:
            state["failed"] = True  # the other lanes finish their message and stop
            raise
        finally:
            if counted and marks is not None:
                marks.lanes -= 1

    if marks is not None:
        marks.lanes += 1
    try:
        if state["proven"]:
            widen()
        await lane()
        if extra:
            await asyncio.gather(*extra)
    except BaseException:
        for task in extra:
            task.cancel()
        await asyncio.gather(*extra, return_exceptions=True)
        raise
    finally:
        if marks is not None:
            marks.lanes -= 1
    return state["proven"]


class Marks:
    """Group commit of sent messages: `await marks.sent(id, at, reply)` returns once the
    mark is committed: True if the message was still this worker's to mark.

    `write(list of (message id, sent at, reply))` marks them in one transaction and
    returns the ids it marked; it is synchronous and runs in a worker thread. `at_once`,
    if given, is a `write` that runs on the event loop's thread when it need not wait
    (SQLite's write lock free at once) and returns None, having written nothing, when
    it would wait: then `write` runs in a worker thread. A thread hop costs a message
    about as much CPU as its transaction; a transaction that never waits holds up the
    other lanes no longer than the hop would.
    """

    def __init__(self, write: Callable[[Sequence[tuple[int, datetime, str]]], set[int]],
                 at_once: Callable[[Sequence[tuple[int, datetime, str]]], set[int] | None]
                 | None = None) -> None:
        self._write = write
        self._at_once = at_once
        self._queue: list[tuple[int, datetime, str, asyncio.Future]] = []
        self._flushing: asyncio.Task | None = None
        self.transactions = 0  # writes made (tests and the benchmark read them)
        self.marked = 0  # messages those writes marked
        # The lanes of the pass, every channel's (`run_lanes` counts them), and the
        # messages between the start of their sending and their mark (the caller counts
        # them): with one lane and no other message, nobody could join a write.
        self.lanes = 0
        self.in_flight = 0

    async def sent(self, message_id: int, at: datetime, reply: str) -> bool:
        if (self._at_once is not None and self.lanes <= 1 and self.in_flight <= 1
                and self._flushing is None and not self._queue):
            marked = self._at_once([(message_id, at, reply)])
            if marked is not None:
                self.transactions += 1
                self.marked += len(marked)
                return message_id in marked
            # The write lock is taken elsewhere: wait for it off the loop, as a group.
        future = asyncio.get_running_loop().create_future()
        self._queue.append((message_id, at, reply, future))
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        try:
            while self._queue:
                # One turn of the loop first: lanes woken by the last write that send at
                # once (a fast channel) join this write instead of starting another.
                await asyncio.sleep(0)
                todo, self._queue = self._queue, []
                try:
                    marks = [(i, at, reply) for i, at, reply, _ in todo]
                    marked = self._at_once(marks) if self._at_once is not None else None
                    if marked is None:
                        marked = await asyncio.to_thread(self._write, marks)
                except asyncio.CancelledError:
                    for *_, future in todo:
                        future.cancel()
                    raise
                except Exception as exc:  # each lane waiting on this write raises it
                    for *_, future in todo:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                self.transactions += 1
                self.marked += len(marked)
                for message_id, _, _, future in todo:
                    if not future.done():
                        future.set_result(message_id in marked)
        finally:
            self._flushing = None
            for *_, future in self._queue:  # cancelled: nobody will write these
                future.cancel()
            self._queue = []
