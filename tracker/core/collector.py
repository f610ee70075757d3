"""Python's cyclic garbage collector paused while a batch is in hand.

A batch of the tick (the plan pass's 10,000 assignments, the delivery loop's claimed
messages) makes tens of thousands of small objects that live until the batch is done
and are then freed by reference counting. With the collector running, the young
generations holding them are scanned again and again and they are promoted, which sets
off full collections of the whole process: 30-70 ms of a 10,000-assignment plan batch,
a third of plan + record (a delivery batch's composed messages, an `Item` per item, are
the same kind of objects). A batch makes no reference cycles to speak of, and whatever
it leaves is collected when the collector resumes.

Process-wide, so counted: overlapping pauses (two threads, the plan pass and the
delivery loop) resume it when the last ends, and only if it was running before the
first. A pause may end early (`Hold.release`, idempotent): the delivery loop ends its
own once a batch has taken long (a slow channel), so the other work of the process
never waits long for its cycles to be collected.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_holds = 0
_was_enabled = False


class Hold:
    """One pause, held from its making until `release` (or the end of `paused`)."""

    def __init__(self) -> None:
        global _holds, _was_enabled
        with _LOCK:
            if _holds == 0:
                _was_enabled = gc.isenabled()
                gc.disable()
            _holds += 1
        self.since = time.monotonic()
        self.held = True

    def release(self) -> None:
        global _holds
        if not self.held:
            return
        self.held = False
        with _LOCK:
            _holds -= 1
            if _holds == 0 and _was_enabled:
                gc.enable()


@contextmanager
def paused() -> Iterator[Hold]:
    """The collector paused for the block (see the module's docstring)."""
    hold = Hold()
    try:
        yield hold
    finally:
        hold.release()
