"""Trap backtraces of JIT code, captured with the system unwinder, equal wasmtime's ``str(trap)`` exactly: frames
(module, function, offset; wasmtime's 20-frame cap), and the ``Caused by:`` chain, for every kind of trap,
deep recursion included, and for an exception nobody catches.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime

from emitter.errors import TrapError
from emitter.jit import compile_wasm
from tests.tools import ROOT, run

WAT = """(module $traps
  (type $t (func (param i32) (result i32)))
  (tag $e (param i32))
  (memory 1)
  (table 4 funcref)
  (elem (i32.const 0) $leaf)
  (func $leaf (param i32) (result i32) unreachable)
  (func $mid (param i32) (result i32) local.get 0 call $leaf)
  (func (export "unreachable") (param i32) (result i32) local.get 0 call $mid)
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load offset=4)
  (func (export "store") (param i32) local.get 0 i32.const 1 i64.extend_i32_u i64.store)
  (func (export "fill") (param i32) local.get 0 i32.const 0 i32.const 8 memory.fill)
  (func (export "null") (param i32) (result i32) i32.const 0 local.get 0 call_indirect (type $t))
  (func (export "signature") (param i32) (result i64) i32.const 0 local.get 0 call_indirect (param i32) (result i64))
  (func $recurse (export "recurse") (param i32) (result i32) local.get 0 i32.const 1 i32.add call $recurse)
  (func $thrower (param i32)
    local.get 0 i32.eqz if i32.const 1 throw $e end
    local.get 0 i32.const 1 i32.sub call $thrower)
  (func (export "uncaught") (param i32) (result i32) local.get 0 call $thrower i32.const 0)
  (func (export "convert") (param f64) (result i32) local.get 0 i32.trunc_f64_s)
)"""

CALLS = [
    ("unreachable", (1,)), ("div", (1, 0)), ("div", (-(2**31), -1)), ("load", (65534,)), ("load", (2**32 - 4,)),
    ("store", (65530,)), ("fill", (65530,)), ("null", (3,)), ("signature", (0,)), ("recurse", (0,)),
    ("uncaught", (5,)), ("uncaught", (30,)), ("convert", (1e100,)), ("convert", (float("nan"),)),
]


def _wasmtime_reports(wat: str) -> list[str]:
    config = wasmtime.Config()
    config.wasm_exceptions = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, bytes(wasmtime.wat2wasm(wat))), [])
    reports = []
    for name, args in CALLS:
        function = instance.exports(store)[name]
        assert isinstance(function, wasmtime.Func)
        with pytest.raises(wasmtime.Trap) as trap:
            function(store, *args)
        reports.append(str(trap.value))
    return reports


def test_jit_trap_backtraces_equal_wasmtime(tmp_path: Path) -> None:
    source = tmp_path / "traps.wat"
    source.write_text(WAT)
    expected = _wasmtime_reports(WAT)
    got = []
    with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as instance:
        for name, args in CALLS:
            with pytest.raises(TrapError) as trap:
                instance.exports[name](*args)
            got.append(trap.value.backtrace)
    for (name, args), want, have in zip(CALLS, expected, got, strict=True):
        assert have == want, f"{name}{args}:\n--- wasmtime\n{want}--- jit\n{have}"


def test_jitdebug_run_prints_the_deep_recursion_trap_like_wasmtime(tmp_path: Path) -> None:
    source = tmp_path / "traps.wat"
    source.write_text(WAT)
    expected = _wasmtime_reports(WAT)[[name for name, _ in CALLS].index("recurse")]
    proc = run([ROOT / ".venv" / "bin" / "jitdebug", "run", source, "--invoke", "recurse", "0"], check=False)
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr == expected
