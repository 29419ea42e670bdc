"""The collector pause around compiler passes (``emitter/gcpause.py``): what a pass keeps goes straight to the
collector's oldest generation, so the collections right after a compile do not scan the compiled module again;
cycles among those objects are still collected; a process's own frozen objects stay frozen; the collector's
state is restored."""

from __future__ import annotations

import gc
import weakref

from emitter.gcpause import collector_paused


class _Node:
    def __init__(self) -> None:
        self.other: object = self


def _in_generation(obj: object, generation: int) -> bool:
    return any(o is obj for o in gc.get_objects(generation=generation))


def test_what_a_pass_keeps_is_in_the_oldest_generation_and_the_young_ones_are_empty() -> None:
    assert gc.isenabled()
    with collector_paused():
        kept = [_Node() for _ in range(1000)]
        assert not gc.isenabled()
    assert gc.isenabled()
    assert _in_generation(kept[0], 2) and not _in_generation(kept[0], 0)
    assert gc.get_count()[0] < 50


def test_a_cycle_built_during_a_pass_is_still_collected() -> None:
    with collector_paused():
        cycle = _Node()
        gone = weakref.ref(cycle)
    del cycle
    assert gone() is not None  # a cycle: reference counting alone does not free it
    gc.collect()
    assert gone() is None


def test_a_process_that_froze_objects_keeps_them_frozen() -> None:
    gc.collect()
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > frozen_before
        with collector_paused():
            kept = _Node()
        assert gc.get_freeze_count() == frozen
        assert _in_generation(kept, 0)  # stays young: the process's frozen objects were left alone
    finally:
        gc.unfreeze()


def test_nested_passes_and_a_disabled_collector_stay_as_they_were() -> None:
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()  # the outer pass is still running
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
