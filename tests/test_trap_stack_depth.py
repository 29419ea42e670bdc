"""Call depth: recursion as deep as wasmtime's default stack allows runs here too, deeper traps with its report.

Our frames keep every local and operand-stack slot in memory, so they are larger than Cranelift's; the stack
budget (``emitter/codegen/runtime.py``'s ``STACK_BUDGET``) is sized so that the depth a program reaches under
wasmtime-py's defaults is reached here as well. The JIT keeps the limit clear of the thread's own stack end, so a
thread with a small stack gets ``call stack exhausted``, not a crash.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import wasmtime

from emitter.errors import TrapError
from emitter.jit.api import compile_wasm
from tests.wasm_clang import wasm_clang

#: Recursive functions of a few frame shapes: one parameter; locals live across the call; float parameters.
SHAPES = {
    "one parameter": """
      (func $rec (export "rec") (param i32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1)))))))""",
    "locals across the call": """
      (func $rec (export "rec") (param i32) (result i32) (local i64 i64 i64 i64 i32 i32)
        (local.set 1 (i64.extend_i32_u (local.get 0))) (local.set 2 (i64.mul (local.get 1) (i64.const 3)))
        (local.set 3 (i64.add (local.get 2) (i64.const 7))) (local.set 4 (i64.xor (local.get 3) (local.get 1)))
        (local.set 5 (i32.wrap_i64 (local.get 4))) (local.set 6 (i32.const 1))
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
          (else (i32.add (i32.add (local.get 6) (i32.wrap_i64 (i64.sub (local.get 4) (local.get 4))))
                         (call $rec (i32.sub (local.get 0) (i32.const 1)))))))""",
    "float parameters": """
      (func $rec (export "rec") (param i32) (result i32) (call $f (local.get 0) (f64.const 1) (f32.const 2)))
      (func $f (param i32 f64 f32) (result i32)
        (if (result i32) (i32.eqz (local.get 0)) (then (i32.trunc_f64_s (local.get 1)))
          (else (i32.add (i32.trunc_f32_s (local.get 2))
                         (call $f (i32.sub (local.get 0) (i32.const 1)) (f64.add (local.get 1) (f64.const 0))
                               (local.get 2))))))""",
}


#: A C function recursing with its locals live across the call, as a C programmer writes it (built at -O0 and -O1
#: with a shadow stack large enough that the native stack is the limit).
C_RECURSION = r"""
int sink;
__attribute__((noinline)) int walk(int n, int acc) {
    int a = n * 3, b = acc + 1, c = a ^ b;
    if (n == 0) return acc;
    int r = walk(n - 1, acc + (c & 1));
    sink += a;
    return r + b;
}
__attribute__((export_name("rec"))) int rec(int n) { return walk(n, 0); }
"""


def _deepest(call: object) -> int:
    """The largest depth ``call(depth)`` completes without trapping (binary search below 2**18)."""
    low, high = 1, 1 << 18
    while low < high:
        middle = (low + high + 1) // 2
        try:
            call(middle)  # type: ignore[operator]
            low = middle
        except (TrapError, wasmtime.Trap, wasmtime.WasmtimeError):
            high = middle - 1
    return low


def _wasmtime_deepest(wat: str) -> int:
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, wat), [])
    rec = instance.exports(store)["rec"]
    return _deepest(lambda depth: rec(store, depth))  # type: ignore[operator]


@pytest.mark.parametrize("shape", SHAPES)
def test_call_depth_reaches_wasmtimes(shape: str) -> None:
    wat = f"(module {SHAPES[shape]})"
    expected = _wasmtime_deepest(wat)
    with compile_wasm(bytes(wasmtime.wat2wasm(wat))).instantiate() as instance:  # freed: later tests count
        rec = instance.exports["rec"]
        assert rec(1000) == (1000 if shape != "float parameters" else 2001)
        ours = _deepest(rec)
    assert ours >= expected, f"{shape}: recursion traps at depth {ours + 1}, wasmtime-py's at {expected + 1}"


@pytest.mark.parametrize("level", ["-O0", "-O1"])
def test_call_depth_of_c_reaches_wasmtimes(level: str, tmp_path: Path) -> None:
    source = tmp_path / "walk.c"
    source.write_text(C_RECURSION)
    wasm = tmp_path / "walk.wasm"
    wasm_clang(["--target=wasm32", "-nostdlib", "-Wl,--no-entry", "-Wl,-z,stack-size=67108864", level, "-g",
                "-o", wasm, source])
    store = wasmtime.Store()
    theirs = wasmtime.Instance(store, wasmtime.Module.from_file(store.engine, str(wasm)), []).exports(store)["rec"]
    expected = _deepest(lambda depth: theirs(store, depth))  # type: ignore[operator]
    with compile_wasm(wasm).instantiate() as instance:
        rec = instance.exports["rec"]
        assert rec(100) == theirs(store, 100)  # type: ignore[operator]
        ours = _deepest(rec)
    assert ours >= expected, f"{level}: recursion traps at depth {ours + 1}, wasmtime-py's at {expected + 1}"


def test_unbounded_recursion_traps_as_wasmtime() -> None:
    wat = f"(module {SHAPES['one parameter']})"
    store = wasmtime.Store()
    rec = wasmtime.Instance(store, wasmtime.Module(store.engine, wat), []).exports(store)["rec"]
    with pytest.raises(wasmtime.Trap) as theirs:
        rec(store, 1 << 30)  # type: ignore[operator]
    with compile_wasm(bytes(wasmtime.wat2wasm(wat))).instantiate() as instance, pytest.raises(TrapError) as ours:
        instance.exports["rec"](1 << 30)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("stack_size", [256 * 1024, 1024 * 1024])
def test_small_thread_stack_traps_instead_of_crashing(stack_size: int) -> None:
    """A thread whose stack is smaller than the budget: the limit stays inside it, the trap is reported and the
    instance stays usable."""
    wat = f"(module {SHAPES['one parameter']})"
    outcome: dict[str, object] = {}

    def run() -> None:
        with compile_wasm(bytes(wasmtime.wat2wasm(wat))).instantiate() as instance:
            rec = instance.exports["rec"]
            try:
                rec(1 << 30)
            except TrapError as error:
                outcome["trap"] = str(error).splitlines()[-1].strip()
            outcome["after"] = rec(100)

    previous = threading.stack_size(stack_size)
    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(previous)
    assert outcome == {"trap": "wasm trap: call stack exhausted", "after": 100}
