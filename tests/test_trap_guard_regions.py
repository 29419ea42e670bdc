"""Bounds checks by guard regions (``emitter/codegen/guards.py``, ``emitter/runtime/jitdebug_guard.c``): a load
or store of a 32-bit memory whose offset fits the 32 MiB guard is made without a compare, and its fault in the
guard pages is the trap, with wasmtime's whole report (backtrace, ``memory fault at wasm address …``), exactly as
wasmtime-py prints it; ``signals_based_traps=False`` (``-O signals-based-traps=n``) keeps an explicit check
before every access and reports as wasmtime-py configured the same way. Every access width (scalar and SIMD),
offsets on both sides of the guard's edge, memory 0, another memory and an imported one, a trap three calls
deep; and a fault that is not a guard trap (a host crash) still kills the process with SIGSEGV."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
import wasmtime

from emitter.errors import TrapError
from emitter.jit import Linker, Memory, MemoryType, compile_wasm
from tests.tools import ROOT, wasmtime_outcomes

GUARD = 32 << 20
#: Around the guard's edge (offset + size = GUARD + 1 is the last without a compare) and far below it.
OFFSETS = [0, 1, 7, 0xFFFF, 0x10000, GUARD - 16, GUARD - 9, GUARD - 8, GUARD - 7, GUARD - 4, GUARD - 3,
           GUARD - 2, GUARD - 1, GUARD, GUARD + 1]
ADDRESSES = [0, 0xFFF0, 0xFFF8, 0xFFFC, 0xFFFE, 0xFFFF, 0x10000, 0x1FFFF, 0x7FFFFFFF, 0xFDFFFFF8, 0xFFFFFFF0,
             0xFFFFFFFF]
#: (name, instructions taking the address on the stack and leaving nothing); ``{m}`` the memory index.
ACCESSES = [
    ("load8", "i32.load8_u {m} offset={o} drop"),
    ("load16", "i32.load16_s {m} offset={o} drop"),
    ("load32", "i32.load {m} offset={o} drop"),
    ("load64", "i64.load32_u {m} offset={o} drop"),
    ("loadi64", "i64.load {m} offset={o} drop"),
    ("loadf64", "f64.load {m} offset={o} drop"),
    ("store8", "i32.const 1 i32.store8 {m} offset={o}"),
    ("store16", "i64.const 1 i64.store16 {m} offset={o}"),
    ("store32", "f32.const 1 f32.store {m} offset={o}"),
    ("store64", "i64.const 1 i64.store {m} offset={o}"),
    ("v128", "v128.load {m} offset={o} drop"),
    ("v128store", "v128.const i64x2 1 2 v128.store {m} offset={o}"),
    ("splat16", "v128.load16_splat {m} offset={o} drop"),
    ("extend", "v128.load8x8_u {m} offset={o} drop"),
    ("lane32", "v128.const i64x2 0 0 v128.load32_lane {m} offset={o} 1 drop"),
    ("storelane64", "v128.const i64x2 0 0 v128.store64_lane {m} offset={o} 1"),
]


def module_text(memories: str, memory: int) -> str:
    functions = [f'(func (export "{name}_{offset:x}") (param i32) local.get 0 {body.format(o=offset, m=memory)})'
                 for name, body in ACCESSES for offset in OFFSETS]
    return f"(module $guards {memories}\n  " + "\n  ".join(functions) + ")\n"


#: Where the accesses go: memory 0, memory 1 of two (a maximum of 3 pages: larger offsets trap outright, as in
#: wasmtime), an imported memory (the embedder's); and the largest the memory may be.
LAYOUTS = {
    "memory0": ("(memory 1)", 0, 1 << 32),
    "memory1": ("(memory 2 2) (memory 1 3)", 1, 3 << 16),
    "imported": ('(import "host" "memory" (memory 1))', 0, 1 << 32),
}


def _wasmtime(text: str, signals: bool) -> dict[tuple[str, int], str]:
    config = wasmtime.Config()
    config.signals_based_traps = signals
    config.wasm_multi_memory = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    module = wasmtime.Module(engine, text)
    imports = [wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(1, None)))] if module.imports else []
    instance = wasmtime.Instance(store, module, imports)
    return wasmtime_outcomes(store, instance, ADDRESSES)


@pytest.mark.parametrize("signals", [True, False], ids=["guard_regions", "signals_based_traps_n"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_out_of_bounds_accesses_trap_as_wasmtime(layout: str, signals: bool, tmp_path: Path) -> None:
    memories, memory, maximum = LAYOUTS[layout]
    text = module_text(memories, memory)
    expected = _wasmtime(text, signals)
    source = tmp_path / "guards.wat"
    source.write_text(text)
    module = compile_wasm(source, listing_dir=tmp_path, signals_based_traps=signals)
    sites = sum(len(function.guard_sites) for function in module.compiled.functions)
    # Each access whose offset + size fits the guard goes without a compare, on every memory: the faults below
    # are the handler's, not an explicit check's.
    unchecked = sum(offset + 16 <= min(GUARD, maximum) for offset in OFFSETS) * len(ACCESSES)
    assert sites >= unchecked if signals else sites == 0
    linker = Linker()
    if layout == "imported":
        linker.define("host", "memory", Memory(MemoryType(1, None)))
    got = {}
    with linker.instantiate(module) as instance:
        for name, address in expected:
            try:
                instance.exports[name](address)
                got[name, address] = "ok"
            except TrapError as trap:
                got[name, address] = str(trap)
    faults = sum("memory fault at" in outcome for outcome in expected.values())
    assert (faults > 500) if signals else faults == 0, "the grid no longer covers the guard's faults"
    differing = {key: (expected[key], got[key]) for key in expected if expected[key] != got[key]}
    assert differing == {}, f"{len(differing)} of {len(expected)} calls differ, e.g. {next(iter(differing.items()))}"


DEEP = """(module $deep
  (memory 1 2)
  (func $leaf (param i32) (result i32) local.get 0 i32.load offset=16)
  (func $mid (param i32) (result i32) local.get 0 i32.const 8 i32.add call $leaf)
  (func (export "outer") (param i32) (result i32) local.get 0 call $mid i32.const 1 i32.add)
  (func (export "grown") (param i32) (result i32)
    i32.const 1 memory.grow drop local.get 0 call $mid))
"""


@pytest.mark.parametrize("signals", [True, False], ids=["guard_regions", "signals_based_traps_n"])
def test_backtrace_of_a_fault_three_calls_deep_and_after_growth(signals: bool, tmp_path: Path) -> None:
    """The trap's frames and offsets are wasmtime's, and a memory grown by ``memory.grow`` (``mprotect``: the base
    stays) faults past its new size."""
    config = wasmtime.Config()
    config.signals_based_traps = signals
    store = wasmtime.Store(wasmtime.Engine(config))
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, DEEP), [])
    calls = [("outer", 0xFFF0), ("outer", 0xFFFFFFF0), ("grown", 0x1FFE0), ("grown", 0x1FFF0)]
    expected = []
    for name, address in calls:
        try:
            expected.append(str(instance.exports(store)[name](store, address)))  # type: ignore[operator]
        except wasmtime.Trap as trap:
            expected.append(str(trap))
    source = tmp_path / "deep.wat"
    source.write_text(DEEP)
    got = []
    with compile_wasm(source, listing_dir=tmp_path, signals_based_traps=signals).instantiate({}) as jit:
        for name, address in calls:
            try:
                got.append(str(jit.exports[name](address)))
            except TrapError as trap:
                got.append(str(trap))
    assert got == expected
    assert sum("memory fault" in text for text in expected) == (3 if signals else 0)


HOST_CRASH = """
import ctypes, sys
from emitter.jit import compile_wasm
module = compile_wasm(sys.argv[1], listing_dir=sys.argv[2])
with module.instantiate({}) as instance:
    try:
        instance.exports["f"](0xFFFFFFF0)
    except Exception as trap:
        print("trapped:", str(trap).splitlines()[-1], flush=True)
    ctypes.string_at(16)  # the host's own crash, after a guard trap
"""


def test_a_host_crash_still_ends_the_process_with_sigsegv(tmp_path: Path) -> None:
    source = tmp_path / "crash.wat"
    source.write_text('(module (memory 1) (func (export "f") (param i32) local.get 0 i32.load drop))')
    result = subprocess.run([sys.executable, "-c", HOST_CRASH, str(source), str(tmp_path)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.stdout == "trapped:     1: wasm trap: out of bounds memory access\n", result.stderr
    assert result.returncode == -signal.SIGSEGV, result.stderr


def test_jitdebug_run_spells_the_opt_out_as_wasmtime(tmp_path: Path) -> None:
    source = tmp_path / "run.wat"
    source.write_text('(module (memory 1) (func (export "f") (param i32) (result i32) local.get 0 i32.load))')
    reports = []
    for options in ([], ["-O", "signals-based-traps=n"], ["-O", "signals-based-traps=y"]):
        result = subprocess.run([sys.executable, "-m", "emitter.cli", "run", "-C", "cache=n", *options,
                                 str(source), "--invoke", "f", "65535"], cwd=ROOT, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 1, result.stderr
        reports.append(result.stderr)
    assert "memory fault at wasm address 0x10000 in linear memory of size 0x10000" in reports[0]
    assert "memory fault" not in reports[1] and "wasm trap: out of bounds memory access" in reports[1]
    assert reports[2] == reports[0]
    bad = subprocess.run([sys.executable, "-m", "emitter.cli", "run", "-O", "memory-guard-size=1", str(source)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (bad.returncode, bad.stderr) == (2, "jitdebug: error: unknown -O option 'memory-guard-size' (known: "
                                               "signals-based-traps)\n")


@pytest.mark.parametrize("signals", [True, False], ids=["guard_regions", "signals_based_traps_n"])
def test_memory64_keeps_its_checks_and_reports_as_wasmtime(signals: bool, tmp_path: Path) -> None:
    """A 64-bit memory's accesses keep their explicit checks either way (no guard site), and report what
    wasmtime-py does with the same setting (the fault line only with signals-based traps)."""
    offsets = [0, 1, 0xFFFF, GUARD - 8, GUARD]
    text = "(module (memory i64 1) " + " ".join(
        f'(func (export "f{o:x}") (param i64) local.get 0 i64.load offset={o} drop)' for o in offsets) + ")"
    config = wasmtime.Config()
    config.signals_based_traps = signals
    config.wasm_memory64 = True
    store = wasmtime.Store(wasmtime.Engine(config))
    reference = wasmtime.Instance(store, wasmtime.Module(store.engine, text), [])
    source = tmp_path / "wide.wat"
    source.write_text(text)
    module = compile_wasm(source, listing_dir=tmp_path, signals_based_traps=signals)
    assert all(not function.guard_sites for function in module.compiled.functions)
    expected, got = [], []
    with module.instantiate({}) as instance:
        for offset in offsets:
            for address in (0, 0xFFFC, 0x10000, 0xFFFFFFFFFFFFFFF8):
                try:
                    reference.exports(store)[f"f{offset:x}"](store, address)  # type: ignore[operator]
                    expected.append("ok")
                except wasmtime.Trap as trap:
                    expected.append(str(trap))
                try:
                    instance.exports[f"f{offset:x}"](address)
                    got.append("ok")
                except TrapError as trap:
                    got.append(str(trap))
    assert got == expected
    assert any("memory fault" in text for text in expected) == signals
