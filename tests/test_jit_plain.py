"""``compile_wasm(..., debug_info=False)``: the same code without listing, DWARF or debugger registration. It must
compute exactly what wasmtime computes and keep wasmtime's trap backtraces (those come from the unwinder's
``.eh_frame`` and the compiler's own offset map, not from debug info)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import wasmtime

from emitter.errors import TrapError
from emitter.jit import _native, compile_wasm
from scripts.bench_compile import generate_module
from tests.test_trap_backtraces import CALLS, WAT, _wasmtime_reports

ARGUMENTS = [(0, 0), (5, 3), (-7, 1 << 20), (123456, 40), (2**31 - 1, 17), (9, 100)]


def _outcome(call: object, *args: int) -> object:
    """The result, or the trap's whole text (the two sides print the same backtrace format)."""
    try:
        return call(*args)  # type: ignore[operator]
    except (TrapError, wasmtime.Trap) as trap:
        return trap.backtrace if isinstance(trap, TrapError) else str(trap)


def _without_offsets(outcome: object) -> object:
    """A trap's text without module offsets: wasmtime's optimizing compiler folds a load into the instruction that
    uses it (``imul reg, [mem]``) and then names the user's offset, where we name the load's."""
    if not isinstance(outcome, str):
        return outcome
    return re.sub(r"^( +\d+:) +0x[0-9a-f]+ -", r"\1", outcome, flags=re.MULTILINE)


def test_plain_module_computes_what_wasmtime_computes(tmp_path: Path) -> None:
    functions = 40
    wasm = generate_module(functions)
    path = tmp_path / "bench.wasm"
    path.write_bytes(wasm)
    store = wasmtime.Store()
    theirs = wasmtime.Instance(store, wasmtime.Module(store.engine, wasm), []).exports(store)
    before = len(_native.gdb_entries())
    results = set()
    with compile_wasm(path, debug_info=False).instantiate() as plain:
        assert len(_native.gdb_entries()) == before  # nothing registered with the debuggers
        with compile_wasm(path, listing_dir=tmp_path).instantiate() as debug:
            for n in range(functions):
                for a, b in ARGUMENTS:
                    function = theirs[f"f{n}"]
                    assert isinstance(function, wasmtime.Func)
                    ours = _outcome(plain.exports[f"f{n}"], a, b)
                    assert ours == _outcome(debug.exports[f"f{n}"], a, b), (n, a, b)
                    expected = _outcome(function, store, a, b)
                    assert _without_offsets(ours) == _without_offsets(expected), (n, a, b)
                    results.add(expected)
    assert len(results) > functions  # the calls compute many different values, traps among them


def test_plain_module_traps_like_wasmtime(tmp_path: Path) -> None:
    path = tmp_path / "traps.wat"
    path.write_text(WAT)
    expected = _wasmtime_reports(WAT)
    with compile_wasm(path, debug_info=False).instantiate() as instance:
        for (name, args), report in zip(CALLS, expected, strict=True):
            with pytest.raises(TrapError) as trap:
                instance.exports[name](*args)
            assert trap.value.backtrace == report, name
