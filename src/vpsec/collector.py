"""The cyclic garbage collector held off while a run builds its long-lived data.

Loading 10,000 records, running the rules over them or learning the names a
public output withholds allocates hundreds of thousands of small objects
that all live until the output is written. Every collection those
allocations trigger walks the whole growing heap and frees nothing; at 10,000
records that was a sixth of a warm run. Nothing built in these phases holds
a reference cycle (records are trees of plain values and models), so
reference counting still frees everything that dies.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector for the block (nested pauses are fine)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
