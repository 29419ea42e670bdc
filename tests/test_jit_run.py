"""``run_command`` and the embedding API on the real compiler, with wasmtime as the oracle for results and for
the text of trap backtraces."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import wasmtime

from emitter.errors import TrapError
from emitter.jit.api import compile_wasm
from emitter.jit.run import run_command

PROGRAM = """\
(module $demo
  (import "env" "log" (func $log (param i32) (result i32)))
  (func $leaf (param i32) (result i32) local.get 0 i32.const 0 i32.div_u)
  (func $mid (param i32) (result i32) local.get 0 call $leaf)
  (func (export "run") (param i32) (result i32) local.get 0 call $mid)
  (func (export "add") (param i64 f64) (result f64) local.get 1 local.get 0 f64.convert_i64_s f64.add)
  (func (export "half") (param f32) (result f32) local.get 0 f32.const 0.5 f32.mul)
  (func (export "logged") (param i32) (result i32) local.get 0 call $log i32.const 1 i32.add))
"""
STANDALONE = PROGRAM.replace('  (import "env" "log" (func $log (param i32) (result i32)))\n', "").replace(
    '  (func (export "logged") (param i32) (result i32) local.get 0 call $log i32.const 1 i32.add)', "")


def _wasmtime(path: Path, name: str, *args: object, log: Callable[[int], int] | None = None
              ) -> tuple[object, str | None]:
    store = wasmtime.Store(wasmtime.Engine())
    module = wasmtime.Module.from_file(store.engine, str(path))
    imports = [] if log is None else [wasmtime.Func(store, wasmtime.FuncType([wasmtime.ValType.i32()],
                                                                             [wasmtime.ValType.i32()]), log)]
    instance = wasmtime.Instance(store, module, imports)
    try:
        function = instance.exports(store)[name]
        if not isinstance(function, wasmtime.Func):
            raise AssertionError(f"{name} is not a function export")
        return function(store, *args), None
    except wasmtime.Trap as trap:
        return None, str(trap)


def test_run_command_prints_results_and_traps_like_wasmtime(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    path = tmp_path / "demo.wat"
    path.write_text(STANDALONE)
    assert run_command(str(path), "add", ["5", "1.5"]) == 0
    assert run_command(str(path), "half", ["3"]) == 0
    assert capsys.readouterr().out == "6.5\n1.5\n"
    assert run_command(str(path), "run", ["7"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == _wasmtime(path, "run", 7)[1]
    assert run_command(str(path), "nope", []) == 2
    assert "no exported function 'nope'" in capsys.readouterr().err


def test_embedding_api_with_python_import(tmp_path: Path) -> None:
    path = tmp_path / "demo.wat"
    path.write_text(PROGRAM)
    seen: list[int] = []

    def log(value: int) -> int:
        seen.append(value)
        return value * 10

    module = compile_wasm(path, listing_dir=tmp_path)
    with module.instantiate({"log": log}) as instance:
        assert instance.exports["logged"](4) == _wasmtime(path, "logged", 4, log=log)[0] == 41
        assert instance.exports["add"](-2, 0.25) == -1.75
        with pytest.raises(TrapError) as info:
            instance.exports["run"](1)
        assert str(info.value) == _wasmtime(path, "run", 1, log=log)[1]
    assert seen == [4, 4]
    assert (tmp_path / "demo.wat.lst").exists()
