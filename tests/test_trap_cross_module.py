"""A trap below a chain of calls that crosses modules (an import bound to another instance's native code): the
backtrace names the frames of every module, innermost first, exactly as wasmtime prints the same linked chain."""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime

from emitter.errors import TrapError
from emitter.jit import NativeFunction, compile_wasm

CALLEE = """(module $callee
  (func $deep (param i32) (result i32) local.get 0 i32.const 7 i32.div_u local.get 0 i32.div_u)
  (func (export "work") (param i32) (result i32) local.get 0 i32.const 1 i32.sub call $deep))"""

CALLER = """(module $caller
  (import "callee" "work" (func $work (param i32) (result i32)))
  (func $middle (param i32) (result i32) local.get 0 call $work i32.const 2 i32.add)
  (func (export "run") (param i32) (result i32) local.get 0 call $middle))"""


def _wasmtime_report(argument: int) -> str:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    callee = linker.instantiate(store, wasmtime.Module(engine, CALLEE))
    linker.define_instance(store, "callee", callee)
    caller = linker.instantiate(store, wasmtime.Module(engine, CALLER))
    run = caller.exports(store)["run"]
    assert isinstance(run, wasmtime.Func)
    with pytest.raises(wasmtime.Trap) as trap:
        run(store, argument)
    return str(trap.value)


def test_trap_backtrace_crosses_modules_like_wasmtime(tmp_path: Path) -> None:
    (tmp_path / "callee.wat").write_text(CALLEE)
    (tmp_path / "caller.wat").write_text(CALLER)
    with compile_wasm(tmp_path / "callee.wat").instantiate() as callee:
        work = NativeFunction(callee.exports["work"].address)
        with compile_wasm(tmp_path / "caller.wat").instantiate({"work": work}) as caller:
            assert caller.exports["run"](15) == 2  # (14 / 7) / 14 + 2: both modules ran
            with pytest.raises(TrapError) as trap:
                caller.exports["run"](1)  # 0 / 0 in the callee's $deep
    expected = _wasmtime_report(1)
    assert "callee!deep" in expected and "caller!middle" in expected
    assert trap.value.backtrace == expected
