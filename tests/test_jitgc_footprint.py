"""What a compiled module costs Python's cyclic garbage collector: few tracked objects per function (every full
collection, and interpreter exit, walks them all: on a large module, seconds), and a freed instance released by
reference counting at once (not kept until a full collection happens to run). The line table still reads as
``LineEntry`` rows."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from emitter.compiled import LineEntry, LineTable
from emitter.errors import JitdebugError
from emitter.jit.api import compile_wasm

FUNCTIONS = 300


def _module(functions: int) -> str:
    body = """(local $acc i32) (local.set $acc (i32.mul (local.get 0) (i32.const 3)))
      (if (i32.gt_s (local.get $acc) (i32.const 10)) (then (local.set $acc (i32.sub (local.get $acc) (i32.const 1)))))
      (i32.add (local.get $acc) (i32.load (i32.const 16)))"""
    parts = ["(module (memory 1)"]
    parts += [f'  (func $f{n} (export "f{n}") (param i32) (result i32) {body})' for n in range(functions)]
    return "\n".join([*parts, ")"])


def _tracked() -> int:
    gc.collect()
    return len(gc.get_objects())


def test_a_compiled_module_keeps_few_tracked_objects_per_function(tmp_path: Path) -> None:
    source = tmp_path / "many.wat"
    source.write_text(_module(FUNCTIONS))
    compile_wasm(source, listing_dir=tmp_path)  # imports the compiler's modules: their objects are not counted
    before = _tracked()
    module = compile_wasm(source, listing_dir=tmp_path)
    compiled = _tracked() - before
    # Each function has a dozen instructions, about ten line entries (a fused group shares one) and a few
    # relocations: none of them may be an object of its own (the instructions are dropped, the entries packed).
    assert compiled < 45 * FUNCTIONS, f"{compiled} tracked objects for {FUNCTIONS} functions"
    with module.instantiate() as instance:
        assert instance.exports[f"f{FUNCTIONS - 1}"](5) == 14
        function = module.compiled.functions[0]
        assert isinstance(function.lines, LineTable)
        entries = list(function.lines)
        assert all(isinstance(e, LineEntry) for e in entries) and entries == function.lines[:]
        assert entries[-1] == function.lines[-1] and len(entries) == len(function.lines) > 5
        assert sum(e.wasm_offset is not None for e in entries) == len(entries) - 1


def test_a_freed_instance_is_released_without_a_collection(tmp_path: Path) -> None:
    source = tmp_path / "many.wat"
    source.write_text(_module(20))
    module = compile_wasm(source, listing_dir=tmp_path)
    enabled = gc.isenabled()
    gc.disable()
    try:
        instance = module.instantiate()
        run = instance.exports["f3"]
        assert run(2) == 6
        loaded = weakref.ref(instance.loaded)
        instance.free()
        del instance
        assert loaded() is None, "the freed instance's loaded module waits for the cyclic collector"
        with pytest.raises(JitdebugError, match="has been freed"):
            run(2)
    finally:
        if enabled:
            gc.enable()
