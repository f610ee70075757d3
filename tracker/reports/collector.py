"""Pausing Python's cyclic garbage collector around a report's bulk work.

Building a report splits the pending organisations of every decision (hundreds of
thousands of short strings at a million assignments) and an XLSX export makes an object
per cell (tens of thousands): each allocation burst triggers collector passes that walk
every live object and free nothing, since all of it lives until the report is written.
Paused, that work is skipped; the collector runs again afterwards and frees any cycles
then. Nested pauses are fine (the outermost one re-enables).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
