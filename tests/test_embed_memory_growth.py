"""Memories grow as the spec's do: up to the declared maximum, or to 65,536 pages (4 GiB) without one, never
refused for want of a fixed reservation; wasmtime-py 50 is the oracle for every ``memory.grow`` result."""

from __future__ import annotations

import os

import pytest
import wasmtime

from emitter.errors import JitdebugError, TrapError
from emitter.jit import Linker, Memory, MemoryType, compile_wasm
from emitter.wasm.load import wat_to_wasm

GROWER = """(module (memory (export "mem") {limits})
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0))))"""

# Deltas in pages, in order; the last page of the grown memory is written and read back after each step.
SCHEDULES = {
    "0": [1, 255, 256, 4096, 30000, 30983, 1, 0],  # 65,536 pages: 4 GiB, then one more is refused
    "1 65536": [65535, 1],                          # the largest maximum a 32-bit memory may declare
    "2 300": [100, 198, 1, 0, 1],                   # the declared maximum, exactly (the old "minimum + 256")
    "0 0": [0, 1],
}


def _wasmtime_growth(limits: str, deltas: list[int]) -> list[object]:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    exports = wasmtime.Instance(store, wasmtime.Module(engine, GROWER.format(limits=limits)), []).exports(store)
    out: list[object] = []
    for delta in deltas:
        out.append(exports["grow"](store, delta))
        size = exports["size"](store)
        out.append(size)
        if size:
            last = size * 65536 - 1
            exports["poke"](store, last, 0x5A)
            out.append(exports["peek"](store, last))
            try:
                exports["peek"](store, size * 65536)
                out.append("no trap")
            except wasmtime.Trap:
                out.append("trap")
    return out


@pytest.mark.parametrize("limits", sorted(SCHEDULES))
def test_memory_grow_matches_wasmtime_up_to_the_maximum(limits: str) -> None:
    deltas = SCHEDULES[limits]
    instance = Linker().instantiate(compile_wasm(wat_to_wasm(GROWER.format(limits=limits)), debug_info=False))
    exports = instance.exports
    got: list[object] = []
    for delta in deltas:
        got.append(exports["grow"](delta))
        size = exports["size"]()
        got.append(size)
        if size:
            last = size * 65536 - 1
            exports["poke"](last, 0x5A)
            got.append(exports["peek"](last))
            try:
                exports["peek"](size * 65536)
                got.append("no trap")
            except TrapError:
                got.append("trap")
    assert got == _wasmtime_growth(limits, deltas)
    assert exports["mem"].size() == exports["size"]()
    instance.free()


def _resident_kib() -> int:
    """The resident set now (``ru_maxrss`` is a high-water mark: past the test process's peak it stops moving)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def test_growing_to_4_gib_commits_only_the_pages_touched() -> None:
    """The whole 4 GiB is address space; the resident set grows by the pages written, not by the growth."""
    instance = Linker().instantiate(compile_wasm(wat_to_wasm(GROWER.format(limits="1")), debug_info=False))
    before = _resident_kib()
    assert instance.exports["grow"](65535) == 1
    for page in range(0, 65536, 4096):
        instance.exports["poke"](page * 65536, 1)
    after = _resident_kib()
    assert (after - before) * 1024 < 64 * 1024 * 1024, (before, after)
    instance.free()


def test_host_memory_grow_is_seen_by_the_instance_and_bounds_follow() -> None:
    memory = Memory(MemoryType(1, 3))
    linker = Linker()
    linker.define("env", "mem", memory)
    instance = linker.instantiate(compile_wasm(wat_to_wasm(
        '(module (import "env" "mem" (memory 1 3)) (func (export "size") (result i32) (memory.size))'
        ' (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0))))'), debug_info=False))
    with pytest.raises(TrapError, match="memory fault at wasm address 0x10000 in linear memory of size 0x10000"):
        instance.exports["peek"](65536)
    assert memory.grow(2) == 1 and instance.exports["size"]() == 3
    memory.write(3 * 65536 - 1, b"\x07")
    assert instance.exports["peek"](3 * 65536 - 1) == 7
    with pytest.raises(JitdebugError, match="failed to grow memory by `1`"):
        memory.grow(1)
    instance.free()
