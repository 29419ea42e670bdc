"""Out-of-bounds trap reports on every kind of memory are wasmtime's: a 32-bit memory other than 0 gets the same
``memory fault at wasm address … in linear memory of size …`` line as memory 0 (naming its own size), a 64-bit
memory gets it exactly when wasmtime's guard pages would have caught the access (Cranelift checks only the start
address when offset + size fits its guard), and the bulk instructions (fill, copy between memories, init) report
a plain out-of-bounds access. Each memory has a different size so that a report naming the wrong memory's size
fails. The whole trap text (backtrace and causes) is compared with wasmtime-py's, through the Python API,
through ``jitdebug run`` and through an AOT object's C runtime report."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import wasmtime

from emitter.errors import TrapError
from emitter.jit import compile_wasm
from tests.tools import ROOT

JITDEBUG = ROOT / ".venv" / "bin" / "jitdebug"

#: memory 0: 1 page, memory 1: 2 pages, memory 2: 64-bit, 3 pages.
MEMORIES = "(memory $m0 1) (memory $m1 2) (memory $m64 i64 3)"
OFFSETS32 = [0, 1, 0x10000, 0x1FFFF, (32 << 20) - 1, 0xFFFFFFF0]
OFFSETS64 = [0, 1, 4, 0x1000, 0x2FFFF, (32 << 20) - 8, (32 << 20) - 1, 32 << 20, 0x100000000]
ACCESSES = [("load8", "i32.load8_u {m} offset={o} drop"), ("load32", "i32.load {m} offset={o} drop"),
            ("load64", "i64.load {m} offset={o} drop"), ("load128", "v128.load {m} offset={o} drop"),
            ("store8", "i32.const 1 i32.store8 {m} offset={o}"),
            ("store64", "i64.const 1 i64.store {m} offset={o}")]
BULK = {
    "fill0": "(param i32) local.get 0 i32.const 7 i32.const 16 memory.fill $m0",
    "fill1": "(param i32) local.get 0 i32.const 7 i32.const 16 memory.fill $m1",
    "fill64": "(param i64) local.get 0 i32.const 7 i64.const 16 memory.fill $m64",
    "copy_1_from_0": "(param i32) local.get 0 i32.const 0 i32.const 16 memory.copy $m1 $m0",
    "copy_0_from_1": "(param i32) i32.const 0 local.get 0 i32.const 16 memory.copy $m0 $m1",
    "copy_64_from_1": "(param i32) i64.const 0 local.get 0 i32.const 16 memory.copy $m64 $m1",
    "init1": "(param i32) local.get 0 i32.const 0 i32.const 4 memory.init $m1 $d",
    "init64": "(param i64) local.get 0 i32.const 0 i32.const 4 memory.init $m64 $d",
}
ADDRESSES = [0, 0xFFFC, 0xFFFF, 0x10000, 0x1FFFC, 0x20000, 0x2FFF8, 0x2FFFC, 0x2FFFF, 0x30000, 0x30001,
             0x7FFFFFFF, 0xFFFFFFF0, 0xFFFFFFFF]
WIDE_ADDRESSES = [*ADDRESSES, 0x100000000, 0xFFFFFFFFFFFFFFF0]


def module_text() -> str:
    functions = [f'(func (export "{name}_{memory}_{o:x}") (param i32) local.get 0 {body.format(m=memory, o=o)})'
                 for memory in ("$m0", "$m1") for name, body in ACCESSES for o in OFFSETS32]
    functions += [f'(func (export "{name}_$m64_{o:x}") (param i64) local.get 0 {body.format(m="$m64", o=o)})'
                  for name, body in ACCESSES for o in OFFSETS64]
    functions += [f'(func (export "{name}") {body})' for name, body in BULK.items()]
    return f'(module $memories {MEMORIES} (data $d "abcd")\n  ' + "\n  ".join(functions) + ")\n"


def calls() -> list[tuple[str, int]]:
    text = module_text()
    names = [line.split('"')[1] for line in text.splitlines() if "(export" in line]
    return [(name, address) for name in names
            for address in (WIDE_ADDRESSES if "(param i64)" in text.split(f'"{name}"')[1].split("\n")[0]
                            else ADDRESSES)]


def wasmtime_outcomes(text: str, grid: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    config = wasmtime.Config()
    config.wasm_multi_memory = True
    config.wasm_memory64 = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, text), [])
    return outcomes(wasmtime_call(instance, store), wasmtime.Trap, grid)


def wasmtime_call(instance: wasmtime.Instance, store: wasmtime.Store) -> Callable[[str, int], object]:
    def call(name: str, address: int) -> object:
        function = instance.exports(store)[name]
        assert isinstance(function, wasmtime.Func)
        return function(store, address)
    return call


def outcomes(call: Callable[[str, int], object], trap: type[Exception],
             grid: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """Each call's outcome: "ok", or the whole text of the trap it raised."""
    result = {}
    for name, address in grid:
        try:
            call(name, address)
            result[name, address] = "ok"
        except trap as error:
            result[name, address] = str(error)
    return result


def test_trap_reports_on_every_memory_match_wasmtime(tmp_path: Path) -> None:
    text = module_text()
    grid = calls()
    expected = wasmtime_outcomes(text, grid)
    source = tmp_path / "memories.wat"
    source.write_text(text)
    with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as instance:
        got = outcomes(lambda name, address: instance.exports[name](address), TrapError, grid)
    for memory, size in (("$m1", 0x20000), ("$m64", 0x30000)):
        faults = [outcome for (name, _), outcome in expected.items() if f"_{memory}_" in name
                  and "memory fault" in outcome]
        assert len(faults) > 10 and all(f"in linear memory of size {size:#x}" in f for f in faults), memory
    assert sum("memory fault" not in o and "out of bounds" in o for o in expected.values()) > 100
    differing = {key: (expected[key], got[key]) for key in expected if expected[key] != got[key]}
    assert differing == {}, f"{len(differing)} of {len(expected)} calls differ, e.g. {next(iter(differing.items()))}"


def test_jitdebug_run_reports_a_fault_in_a_64_bit_memory_as_wasmtime(tmp_path: Path) -> None:
    text = f'(module $memories {MEMORIES} (func (export "_start") i64.const 0x2ffff i64.load $m64 offset=2 drop))'
    source = tmp_path / "fault.wat"
    source.write_text(text)
    config = wasmtime.Config()
    config.wasm_multi_memory = True
    config.wasm_memory64 = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, text), [])
    start = instance.exports(store)["_start"]
    assert isinstance(start, wasmtime.Func)
    try:
        start(store)
        raise AssertionError("wasmtime did not trap")
    except wasmtime.Trap as trap:
        expected = str(trap)
    assert "memory fault at wasm address 0x30001 in linear memory of size 0x30000" in expected
    run = subprocess.run([JITDEBUG, "run", source, "-C", "cache=n"], capture_output=True, text=True,
                         env={**os.environ, "LC_ALL": "C"}, timeout=120)
    assert run.returncode != 0
    assert expected.strip() in run.stderr, run.stderr


#: (export, Wasm parameter type, addresses) for the AOT program: each memory's load and store around its end.
AOT_CALLS = [("load_m0", "i32", "i32.load $m0 offset=1 drop", [0xFFFC, 0xFFFF, 0x10000, 0x10001]),
             ("load_m1", "i32", "i32.load $m1 offset=1 drop", [0x1FFFC, 0x1FFFF, 0x20000, 0xFFFFFFF0]),
             ("store_m1", "i32", "i32.const 1 i32.store16 $m1", [0x1FFFF, 0x20000]),
             ("load_m64", "i64", "i64.load $m64 offset=4 drop", [0x2FFF4, 0x2FFFF, 0x30000, 0x30001]),
             ("store_m64", "i64", "i32.const 1 i32.store $m64", [0x2FFFD, 0x30000, 0x30001]),
             ("fill_m64", "i64", "i32.const 0 i64.const 4 memory.fill $m64", [0x2FFFD])]
AOT_SEPARATOR = "-- end of report --"


def test_aot_trap_reports_on_every_memory_match_wasmtime(tmp_path: Path) -> None:
    """The C runtime's report (``jitdebug_trap_report``) reads the faulting memory's size too."""
    from emitter.cli import main
    from tests.tools import run

    runtime = ROOT / "emitter" / "runtime"
    functions = [f'(func (export "{name}") (param {t}) local.get 0 {body})' for name, t, body, _ in AOT_CALLS]
    text = f"(module $memories {MEMORIES}\n  " + "\n  ".join(functions) + ")\n"
    grid = [(name, address) for name, _, _, addresses in AOT_CALLS for address in addresses]
    expected = wasmtime_outcomes(text, grid)
    assert sum("memory fault" in outcome for outcome in expected.values()) >= 8
    source = tmp_path / "memories.wat"
    source.write_text(text)
    obj, header = tmp_path / "memories.o", tmp_path / "memories.h"
    assert main(["compile", str(source), "-o", str(obj), "--header", str(header), "--export-prefix", "wasm_"]) == 0
    calls = "\n".join(f'    if (!setjmp(back)) {{ wasm_{name}({address:#x}ULL); printf("ok{AOT_SEPARATOR}"); }}'
                      for name, address in grid)
    host = tmp_path / "host.c"
    host.write_text('#include <setjmp.h>\n#include <stdio.h>\n#include "memories.h"\n#include "jitdebug_eh.h"\n'
                    "static jmp_buf back;\n"
                    "void jitdebug_trap(int32_t code) {\n    char report[16384];\n"
                    "    jitdebug_trap_report(code, report, sizeof report);\n"
                    f'    printf("%s{AOT_SEPARATOR}", report);\n    longjmp(back, 1);\n}}\n'
                    f"int main(void) {{\n{calls}\n    return 0;\n}}\n")
    exe = tmp_path / "host"
    run(["gcc", "-O1", "-I", runtime, "-I", tmp_path, "-o", exe, host, obj, runtime / "jitdebug_eh.c"])
    reports = run([exe]).stdout.split(AOT_SEPARATOR)[:-1]
    assert dict(zip(grid, reports, strict=True)) == expected


def test_an_imported_memory_reports_as_wasmtime_by_its_declared_maximum() -> None:
    """wasmtime compiles against the import's declared limits: an offset + size past the declared maximum (2
    pages) is refused with the plain line, one within it faults with the line; memory 0 is the import, and the
    defined memory 1 (4 pages at most) has its own maximum."""
    from emitter.jit import Linker, Memory, MemoryType
    from emitter.wasm.load import wat_to_wasm

    offsets = [0, 0x10000, 0x1FFFC, 0x1FFFD, 0x20000]
    functions = [f'(func (export "load_{memory}_{o:x}") (param i32) local.get 0 i32.load {memory} offset={o} drop)'
                 for memory in (0, 1) for o in offsets]
    text = ('(module $imported (import "env" "mem" (memory 1 2)) (memory 1 4)\n  ' + "\n  ".join(functions)
            + ")\n")
    grid = [(f"load_{memory}_{o:x}", address) for memory in (0, 1) for o in offsets for address in (0, 0x8000)]
    config = wasmtime.Config()
    config.wasm_multi_memory = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    host_memory = wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(1, 2)))
    instance = wasmtime.Instance(store, wasmtime.Module(engine, text), [host_memory])
    expected = outcomes(wasmtime_call(instance, store), wasmtime.Trap, grid)
    assert {"memory fault" in outcome for outcome in expected.values()} == {True, False}
    linker = Linker()
    linker.define("env", "mem", Memory(MemoryType(1, 2)))
    ours = linker.instantiate(compile_wasm(wat_to_wasm(text), debug_info=False))
    got = outcomes(lambda name, address: ours.exports[name](address), TrapError, grid)
    ours.free()
    assert got == expected
