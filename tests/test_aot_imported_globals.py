"""Imported globals in AOT objects: ``(import "M" "G" (global T))`` is a C object ``G`` the host defines, declared
by the generated header (``const`` when immutable), read by the object at instantiation for the constant
expressions that use it (a defined global's initialiser, data and element segment offsets) and by code at every
``global.get``; a mutable one is shared both ways. wasmtime-py, given the same values, says what every result and
trap must be.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime

from emitter.codegen.runtime import TrapCode
from tests.tools import ROOT, run
from tests.windows_support import MINGW, run_wine

JITDEBUG = ROOT / ".venv" / "bin" / "jitdebug"

MODULE = """(module $glob
  (import "env" "base" (global $base i32))
  (import "env" "counter" (global $counter (mut i64)))
  (import "env" "scale" (global $scale f64))
  (import "env" "level" (global $level (mut f32)))
  (table 8 funcref)
  (memory 1)
  (global $z i32 (global.get $base))
  (global $step i64 (i64.const 7))
  (func $seven (result i32) (i32.const 7))
  (func $nine (result i32) (i32.const 9))
  (elem (global.get $base) $seven $nine)
  (data (global.get $base) "hi")
  (func (export "z") (result i32) (global.get $z))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "ind") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))
  (func (export "bump") (result i64)
    (global.set $counter (i64.add (global.get $counter) (global.get $step))) (global.get $counter))
  (func (export "scaled") (param f64) (result f64) (f64.mul (local.get 0) (global.get $scale)))
  (func (export "set_level") (param f32) (global.set $level (local.get 0)))
  (func (export "get_level") (result f32) (global.get $level)))
"""

HOST = r"""
#include <stdio.h>
#include "glob.h"
const int32_t base = BASE;
int64_t counter = 100;
const double scale = 1.5;
float level = 0.25f;
int32_t after_level = 0x5555; /* a 4-byte global is written with 4 bytes: the object next to it stays */
int main(void) {
    printf("z %d\n", z());
    printf("peek %d %d %d\n", peek(BASE), peek(BASE + 1), peek(BASE + 2));
    printf("ind %d %d\n", ind(BASE), ind(BASE + 1));
    printf("bump %lld\n", (long long)bump());
    printf("counter %lld\n", (long long)counter);
    counter = -1;
    printf("bump %lld\n", (long long)bump());
    printf("scaled %g\n", scaled(4.0));
    printf("level %g\n", get_level());
    set_level(2.5f);
    printf("level %g %g 0x%x\n", get_level(), level, after_level);
    return 0;
}
"""


def _oracle(base: int) -> str:
    """The host's lines, from wasmtime-py given the same imports."""
    store = wasmtime.Store()
    cells = dict(zip(("base", "counter", "scale", "level"), _imports(store, base, 100, 1.5, 0.25), strict=True))
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, MODULE), list(cells.values()))

    def call(name: str, *args: object) -> object:
        function = instance.exports(store)[name]
        assert isinstance(function, wasmtime.Func)
        return function(store, *args)

    lines = [f"z {call('z')}", f"peek {call('peek', base)} {call('peek', base + 1)} {call('peek', base + 2)}",
             f"ind {call('ind', base)} {call('ind', base + 1)}", f"bump {call('bump')}",
             f"counter {cells['counter'].value(store)}"]
    cells["counter"].set_value(store, -1)
    lines += [f"bump {call('bump')}", f"scaled {call('scaled', 4.0):g}", f"level {call('get_level'):g}"]
    call("set_level", 2.5)
    lines.append(f"level {call('get_level'):g} {cells['level'].value(store):g} 0x5555")
    return "\n".join(lines) + "\n"


def _imports(store: wasmtime.Store, base: int, counter: int, scale: float, level: float) -> list[wasmtime.Global]:
    """The module's four imports, as wasmtime-py globals."""
    kinds = ((wasmtime.ValType.i32(), False, wasmtime.Val.i32(base)),
             (wasmtime.ValType.i64(), True, wasmtime.Val.i64(counter)),
             (wasmtime.ValType.f64(), False, wasmtime.Val.f64(scale)),
             (wasmtime.ValType.f32(), True, wasmtime.Val.f32(level)))
    return [wasmtime.Global(store, wasmtime.GlobalType(t, mutable), value) for t, mutable, value in kinds]


def _build(tmp_path: Path, base: int, target: str = "x86_64-linux") -> Path:
    source = tmp_path / "glob.wat"
    source.write_text(MODULE)
    obj = tmp_path / ("glob.obj" if target == "x86_64-windows" else "glob.o")
    run([JITDEBUG, "compile", source, "-o", obj, "--header", tmp_path / "glob.h", "--target", target])
    host = tmp_path / "host.c"
    host.write_text(f"#define BASE {base}\n" + HOST)
    exe = tmp_path / ("host.exe" if target == "x86_64-windows" else "host")
    compiler = f"{MINGW}-gcc" if target == "x86_64-windows" else "gcc"
    run([compiler, "-std=c11", "-Wall", "-Werror", "-o", exe, host, obj], cwd=tmp_path)
    return exe


@pytest.mark.parametrize("base", [0, 3])
def test_imported_globals_are_the_hosts_c_objects(tmp_path: Path, base: int) -> None:
    exe = _build(tmp_path, base)
    assert run([exe]).stdout == _oracle(base)
    header = (tmp_path / "glob.h").read_text()
    assert "extern const int32_t base; /* env, global */" in header
    assert "extern int64_t counter; /* env, mutable global */" in header
    assert "extern const double scale;" in header and "extern float level;" in header
    symbols = run(["nm", tmp_path / "glob.o"]).stdout.split("\n")
    assert {"U base", "U counter", "U scale", "U level"} <= {line.strip() for line in symbols}


def test_imported_globals_on_windows_under_wine(tmp_path: Path) -> None:
    assert run_wine(_build(tmp_path, 5, "x86_64-windows")) == _oracle(5)


@pytest.mark.parametrize("base", [7, -1])
def test_a_segment_out_of_bounds_by_an_imported_offset_traps_at_instantiation(tmp_path: Path, base: int) -> None:
    """The table is checked first (elements before data, as the spec instantiates): 7 + 2 entries pass 8, and
    so does 0xffffffff + 2 (the offset is unsigned, the sum does not wrap)."""
    exe = _build(tmp_path, base)
    proc = run([exe], check=False)
    assert proc.returncode != 0 and proc.stdout == ""
    assert proc.stderr == f"wasm trap: {TrapCode.TABLE_OUT_OF_BOUNDS.message}\n"
    store = wasmtime.Store()
    with pytest.raises(wasmtime.Trap, match="out of bounds table access"):
        wasmtime.Instance(store, wasmtime.Module(store.engine, MODULE), list(_imports(store, base, 0, 0.0, 0.0)))


@pytest.mark.parametrize(("index", "c_type", "at", "traps"), [
    ("i32", "int32_t", 65533, False), ("i32", "int32_t", 65534, True), ("i32", "int32_t", -1, True),
    ("i64", "int64_t", 65533, False), ("i64", "int64_t", 65534, True), ("i64", "int64_t", -2, True)])
def test_a_data_segment_out_of_bounds_by_an_imported_offset_traps(tmp_path: Path, index: str, c_type: str, at: int,
                                                                  traps: bool) -> None:
    """Three bytes at the imported offset in a one-page memory, 32- or 64-bit (memory64: the offset is an i64 and
    -2 + 3 carries out of 64 bits): past the end the module traps when it instantiates, as in wasmtime."""
    wat = (f'(module (import "env" "at" (global {index})) (memory {"i64 " if index == "i64" else ""}1)'
           ' (data (global.get 0) "xyz") (func (export "f") (result i32) (i32.const 1)))')
    source = tmp_path / "data.wat"
    source.write_text(wat)
    run([JITDEBUG, "compile", source, "-o", tmp_path / "data.o"])
    host = tmp_path / "host.c"
    host.write_text(f'#include <stdint.h>\n#include <stdio.h>\nconst {c_type} at = {at};\nint32_t f(void);\n'
                    'int main(void) { printf("%d\\n", f()); return 0; }\n')
    run(["gcc", "-o", tmp_path / "host", host, tmp_path / "data.o"])
    proc = run([tmp_path / "host"], check=False)
    store = wasmtime.Store(wasmtime.Engine(_memory64_config()))
    kind = wasmtime.ValType.i32() if index == "i32" else wasmtime.ValType.i64()
    value = wasmtime.Val.i32(at) if index == "i32" else wasmtime.Val.i64(at)
    imports = [wasmtime.Global(store, wasmtime.GlobalType(kind, False), value)]
    module = wasmtime.Module(store.engine, wat)
    if traps:
        assert proc.returncode != 0 and proc.stdout == ""
        assert proc.stderr == f"wasm trap: {TrapCode.MEMORY_OUT_OF_BOUNDS.message}\n"
        with pytest.raises(wasmtime.Trap, match="out of bounds memory access"):
            wasmtime.Instance(store, module, imports)
    else:
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, "1\n", "")
        wasmtime.Instance(store, module, imports)


def _memory64_config() -> wasmtime.Config:
    config = wasmtime.Config()
    config.wasm_memory64 = True
    return config


@pytest.mark.parametrize(("wat", "words"), [
    ('(module (import "env" "g" (global funcref)))', "imported global env.g of type funcref has no C ABI type"),
    ('(module (import "env" "g" (global i32)) (import "env" "g" (func)))',
     "imported global env.g and an imported func would both be the C symbol 'g'"),
    ('(module (import "env" "g" (global i32)) (func (export "g")))',
     "imported global env.g would be the symbol 'g', which the object defines"),
])
def test_imported_globals_outside_the_c_abi_are_refused(tmp_path: Path, wat: str, words: str) -> None:
    source = tmp_path / "bad.wat"
    source.write_text(wat)
    proc = run([JITDEBUG, "compile", source, "-o", tmp_path / "bad.o"], check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("jitdebug: error: ") and proc.stderr.count("\n") == 1
    assert words in proc.stderr
    assert not (tmp_path / "bad.o").exists()


def test_jitdebug_run_binds_imported_globals_to_a_librarys_c_objects(tmp_path: Path) -> None:
    """``jitdebug run --library`` is the dynamic-linking half of the same ABI: the global imports are the
    library's C objects, read (and written by ``global.set``) at their C type's width."""
    source = tmp_path / "glob.wat"
    source.write_text(MODULE)
    library = tmp_path / "libglob.c"
    library.write_text("#include <stdint.h>\nconst int32_t base = 3;\nint64_t counter = 100;\n"
                       "const double scale = 1.5;\nfloat level = 0.25f;\n")
    run(["gcc", "-shared", "-fPIC", "-o", tmp_path / "libglob.so", library])
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, MODULE), list(_imports(store, 3, 100, 1.5,
                                                                                                  0.25)))
    for name, args in (("z", []), ("peek", [4]), ("ind", [4]), ("bump", [])):
        function = instance.exports(store)[name]
        assert isinstance(function, wasmtime.Func)
        proc = run([JITDEBUG, "run", source, "--library", tmp_path / "libglob.so", "-C", "cache=n", "--invoke",
                    name, *map(str, args)])
        assert proc.stdout == f"{function(store, *args)}\n", name


def test_jitdebug_run_refuses_a_global_import_that_is_code(tmp_path: Path) -> None:
    source = tmp_path / "code.wat"
    source.write_text('(module (import "env" "puts" (global i32)) (func (export "f")))')
    proc = run([JITDEBUG, "run", source, "-C", "cache=n", "--invoke", "f"], check=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("jitdebug: error: ") and "'puts'" in proc.stderr and "not a global" in proc.stderr
