"""The trap report of an out-of-bounds load or store says ``memory fault at wasm address …`` exactly when wasmtime
says it: its accesses fault in guard pages when the offset is small (the line), and are caught by an explicit
bounds check, or refused outright, when the offset reaches past the guard (no line). Every access width, offsets
on both sides of each edge, addresses in, straddling and far out of bounds, two memory sizes: the whole trap text
(backtrace and causes) compared with wasmtime-py's."""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime

from emitter.errors import TrapError
from emitter.jit import compile_wasm
from tests.tools import wasmtime_outcomes

GUARD = 32 << 20
OFFSETS = [0, 1, 0x10000, 0x1FFFF, 0x20000, 0x2FFFF, 0x30000, GUARD - 9, GUARD - 8, GUARD - 7, GUARD - 4,
           GUARD - 3, GUARD - 2, GUARD - 1, GUARD, GUARD + 1, GUARD + 2, 0x80000000, 0xFFFFFFF0, 0xFFFFFFF8,
           0xFFFFFFFC, 0xFFFFFFFF]
ADDRESSES = [0, 0xFFF8, 0xFFFE, 0x10000, 0x1FFFE, 0x80000000, 0x7FFFFFFF, 0xFDFFFFF8, 0xFDFFFFFF, 0xFFFFFFF0,
             0xFFFFFFFC, 0xFFFFFFFF]
#: (name, instructions taking the address on the stack and leaving nothing).
ACCESSES = [
    ("load8", "i32.load8_u offset={o} drop"),
    ("load16", "i32.load16_s offset={o} drop"),
    ("load32", "i32.load offset={o} drop"),
    ("load64", "i64.load offset={o} drop"),
    ("loadf32", "f32.load offset={o} drop"),
    ("store8", "i32.const 1 i32.store8 offset={o}"),
    ("store64", "i64.const 1 i64.store offset={o}"),
    ("storef64", "f64.const 1 f64.store offset={o}"),
]


def module_text(memory: str) -> str:
    functions = [f'(func (export "{name}_{offset:x}") (param i32) local.get 0 {body.format(o=offset)})'
                 for name, body in ACCESSES for offset in OFFSETS]
    return f"(module $faults (memory {memory})\n  " + "\n  ".join(functions) + ")\n"


def _wasmtime(text: str) -> dict[tuple[str, int], str]:
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, text), [])
    return wasmtime_outcomes(store, instance, ADDRESSES)


@pytest.mark.parametrize("memory", ["1", "2 2", "1 3", "1 2000", "1 65536"],
                         ids=["one_page", "two_pages_fixed", "maximum_above_size", "maximum_beyond_guard",
                              "maximum_4gib"])
def test_memory_fault_line_exactly_when_wasmtime_prints_it(memory: str, tmp_path: Path) -> None:
    text = module_text(memory)
    expected = _wasmtime(text)
    source = tmp_path / "faults.wat"
    source.write_text(text)
    got = {}
    with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as instance:
        for name, address in expected:
            try:
                instance.exports[name](address)
                got[name, address] = "ok"
            except TrapError as trap:
                got[name, address] = str(trap)
    with_line = sum("memory fault at" in outcome for outcome in expected.values())
    without = sum("out of bounds" in outcome and "memory fault" not in outcome for outcome in expected.values())
    assert with_line > 100 and without > 100, "the grid no longer covers both reports"
    differing = {key: (expected[key], got[key]) for key in expected if expected[key] != got[key]}
    assert differing == {}, f"{len(differing)} of {len(expected)} calls differ, e.g. {next(iter(differing.items()))}"
