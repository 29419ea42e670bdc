"""Pause Python's cyclic garbage collector around a compiler pass.

Compiling and lowering a module allocate millions of small, short-lived, acyclic objects (instructions, line
entries, relocations): reference counting frees them all, and every collection the allocations trigger only
re-scans the module being built. On a 10,000-function module the collector costs a quarter of the emitter's
time and half of the compiler's; pausing it around the pass saves that, and the previous state is restored
on the way out (nested passes stay paused until the outermost one ends).

What the pass built and keeps (a compiled module, an instance: a hundred thousand objects for 5,000 functions)
would then be scanned by the first collection after the pause (everything allocated during it counts as young)
and again on its way to the oldest generation: 15–30 ms each for a 5,000-function module, at the start of
every program. So the outermost pause hands the survivors to the oldest generation directly (``gc.freeze``
then ``gc.unfreeze``: two list splices), where a full collection still finds any cycle among them. A process
that froze objects itself (``gc.get_freeze_count()``) keeps them frozen: the survivors then stay young.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            promote_survivors()
            gc.enable()


def promote_survivors() -> None:
    """Move every object the collector tracks in its young generations to the oldest one, unscanned."""
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
