"""LLDB against GDB in the same run: ``wasm bt`` of a 1,000-frame Wasm stack, and the time to the first stop at
a Wasm breakpoint in a 5,000-function JIT module. Both debuggers must print the same; the times are printed
(``pytest -s``) and bounded loosely, so a pathological slowdown fails."""

from __future__ import annotations

from pathlib import Path

from tests.test_lldbplugin_e2e import both, program_for, wasm_bt


def chain(count: int) -> str:
    """``run`` calls f0, each fN calls fN+1, the last divides by zero: ``count`` + 1 Wasm frames at the trap."""
    funcs = [f"(func $f{i} (param i32) (result i32) local.get 0 call $f{i + 1})" for i in range(count - 1)]
    funcs.append(f"(func $f{count - 1} (param i32) (result i32) local.get 0 i32.const 0 i32.div_u)")
    return "(module $chain\n" + "\n".join(funcs) + '\n(func (export "run") (result i32) i32.const 7 call $f0))'


def report(title: str, gdb_seconds: float, lldb_seconds: float) -> None:
    print(f"\n{title}: gdb {gdb_seconds:.3f} s, lldb {lldb_seconds:.3f} s")


def test_backtrace_of_1000_wasm_frames(tmp_path: Path) -> None:
    _program, argv = program_for(tmp_path, "jit", chain(1000), exports={1000: "run"})
    gdb_steps, lldb_steps = both(tmp_path, argv, ["run", "wasm bt"])
    frames = wasm_bt(lldb_steps[1].output)
    assert len(frames) == 1001 and frames[0].endswith("chain!f999") and frames[-1].endswith("<wasm function 1000>")
    report("wasm bt, 1001 Wasm frames", gdb_steps[1].seconds, lldb_steps[1].seconds)
    assert lldb_steps[1].seconds < 10


def test_first_stop_in_a_5000_function_module(tmp_path: Path) -> None:
    _program, argv = program_for(tmp_path, "jit", chain(5000), exports={5000: "run"})
    gdb_steps, lldb_steps = both(tmp_path, argv, ["wasm break f4999", "run", "wasm bt 1", "wasm functions f4999$"])
    assert wasm_bt(lldb_steps[2].output)[0].endswith(" - chain!f4999")
    report("first stop, 5000 functions", gdb_steps[1].seconds, lldb_steps[1].seconds)
    assert lldb_steps[1].seconds < 30
