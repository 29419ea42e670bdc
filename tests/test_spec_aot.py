"""The AOT path held to the spec: a sample of the suite's core files (integer and float arithmetic, conversions,
memory addressing and bounds, traps), every module through ``jitdebug compile`` into an ELF object linked with a
generated C host that runs the file's invoke commands; every one must give the spec's result or trap. A sample of
the SIMD files too, v128 crossing the C ABI as ``__m128i``, and of the multi-memory and memory64 files."""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime

from emitter.cli import main
from tests.spec import aot
from tests.spec.convert import commands, converted
from tests.spec.groups import Group, group
from tests.tools import run

CORE = group("core")
SIMD = group("simd")
#: Single-module and few-module files whose commands are invokes of numeric exports (control flow, calls,
#: arithmetic, conversions, memory addressing, bounds and growth, traps). Exports with several results or
#: reference types are outside the C ABI: their commands are left out. memory_grow.wast and call.wast grow a
#: memory without a maximum far past its minimum (the object reserves 4 GiB and commits as it grows). global.wast,
#: elem.wast, imports.wast, func_ptrs.wast and start.wast import ``spectest``'s globals and functions, which the
#: host defines as C objects and functions (modules importing another module's exports are left out).
SAMPLE = ("i32.wast", "i64.wast", "f32.wast", "f64.wast", "f32_bitwise.wast", "f64_bitwise.wast", "float_misc.wast",
          "conversions.wast", "endianness.wast", "address.wast", "memory_trap.wast", "traps.wast", "left-to-right.wast",
          "fac.wast", "int_exprs.wast", "block.wast", "loop.wast", "if.wast", "br_table.wast", "select.wast",
          "stack.wast", "memory_grow.wast", "call.wast", "memory_size.wast", "memory.wast", "global.wast", "elem.wast",
          "imports.wast", "func_ptrs.wast", "start.wast")
#: SIMD files whose exports take and return v128 (``__m128i`` across the C ABI): integer and float lanes, NaNs,
#: conversions, lane access, memory, and simd_splat.wast, whose signalling-NaN f32 argument a Python float cannot
#: carry to the JIT (the one command of the file the JIT runner fails; here it passes).
SIMD_SAMPLE = ("simd_i32x4_arith.wast", "simd_i8x16_sat_arith.wast", "simd_f32x4_arith.wast", "simd_f64x2.wast",
               "simd_conversions.wast", "simd_lane.wast", "simd_load.wast", "simd_bitwise.wast", "simd_splat.wast")

MULTI_MEMORY = group("multi-memory")
MEMORY64 = group("memory64")
#: Files of several memories (addressing, bounds, size, grow, fill, copy and init on each, data segments, traps)
#: and of 64-bit memories; the modules that import a memory are left out (an object links functions only).
MULTI_MEMORY_SAMPLE = ("address1.wast", "memory_trap1.wast", "load2.wast", "memory_copy1.wast", "memory_fill0.wast",
                       "memory_init0.wast", "memory_size2.wast", "data_drop0.wast", "traps0.wast")
MEMORY64_SAMPLE = ("address64.wast", "memory_trap64.wast", "memory_grow64.wast", "memory64.wast",
                   "endianness64.wast", "float_memory64.wast")
TABLE64 = group("table64")
#: The table64 files whose commands pass numbers only (funcref and externref values are outside the C ABI, and
#: the files that grow or fill a table with them would leave the host's table behind the script's): sizes, copies
#: and segment initialisation of 64-bit tables, ``call_indirect`` through them.
TABLE64_SAMPLE = ("table_size.wast", "table_copy.wast", "table_init.wast", "call_indirect.wast")


@pytest.mark.parametrize(("name", "suite"), [(name, CORE) for name in SAMPLE] + [(name, SIMD) for name in SIMD_SAMPLE]
                         + [(name, MULTI_MEMORY) for name in MULTI_MEMORY_SAMPLE]
                         + [(name, MEMORY64) for name in MEMORY64_SAMPLE]
                         + [(name, TABLE64) for name in TABLE64_SAMPLE])
def test_spec_file_through_aot(name: str, suite: Group, tmp_path: Path) -> None:
    entry = converted(next(p for p in suite.files() if p.name == name), suite.converter)
    script = commands(entry)
    starts = [i for i, c in enumerate(script) if c["type"] == "module"] + [len(script)]
    failures: list[str] = []
    ran = 0
    for number, (start, end) in enumerate(zip(starts, starts[1:], strict=False)):
        wasm = entry / script[start]["filename"]
        items = aot.checks(script[start + 1:end], wasm)
        imports = aot.host_imports(wasm)
        if not items or imports is None:
            continue
        obj = tmp_path / f"m{number}.o"
        assert main(["compile", str(wasm), "-o", str(obj), "--export-prefix", aot.PREFIX]) == 0, wasm
        host = tmp_path / f"host{number}.c"
        host.write_text(aot.host_source(items, imports), encoding="utf-8")
        exe = tmp_path / f"host{number}"
        run(["gcc", "-O0", "-o", exe, host, obj])
        outcomes = aot.judge(items, run([exe]).stdout)
        ran += len(outcomes)
        failures += [f"line {o.line}: {o.detail}" for o in outcomes if not o.ok]
    assert ran >= 5, f"{name}: only {ran} commands could be run through the AOT host"
    assert not failures, f"{name}: {len(failures)} of {ran} commands fail through the AOT path:\n" + "\n".join(
        failures[:30])


def test_aot_instantiation_traps_at_an_element_segment_out_of_bounds(tmp_path: Path) -> None:
    """The spec's instantiation in an AOT object: an active element segment out of bounds traps when the module
    instantiates (on the first call of an export) with "out of bounds table access", and the segment before it
    stays written (the instance is then used as it is, as a C host would)."""
    source = tmp_path / "segments.wat"
    source.write_text('(module (table 2 funcref) (func $f (result i32) (i32.const 7))'
                      ' (elem (i32.const 0) $f) (elem (i32.const 1) $f $f)'
                      ' (func (export "first") (result i32) (call_indirect (result i32) (i32.const 0))))')
    wasm = tmp_path / "segments.wasm"
    wasm.write_bytes(wasmtime.wat2wasm(source.read_text()))
    invoke = {"type": "invoke", "field": "first", "args": []}
    script = [{"type": "assert_trap", "line": 1, "action": invoke, "text": "out of bounds table access"},
              {"type": "assert_return", "line": 2, "action": invoke, "expected": [{"type": "i32", "value": "7"}]}]
    items = aot.checks(script, wasm)
    obj = tmp_path / "segments.o"
    assert main(["compile", str(wasm), "-o", str(obj), "--export-prefix", aot.PREFIX]) == 0
    host = tmp_path / "host.c"
    host.write_text(aot.host_source(items), encoding="utf-8")
    run(["gcc", "-O0", "-o", tmp_path / "host", host, obj])
    outcomes = aot.judge(items, run([tmp_path / "host"]).stdout)
    assert [o.ok for o in outcomes] == [True, True], outcomes
