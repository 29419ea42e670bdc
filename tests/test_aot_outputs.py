"""`jitdebug compile` outputs: the object, the listing its line table names (so debuggers show Wasm
instructions), the C header (checked by gcc and g++ with -Wall -Werror), and all-or-nothing writing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import wasmtime

from emitter.aot import compile_file, listing_path
from emitter.cli import main
from emitter.errors import JitdebugError
from emitter.header import render_header
from emitter.wasm.load import load_bytes
from tests.tools import run

MODULE = """
(module $calc
  (import "env" "host_log" (func $log (param $value i64)))
  (import "env" "host_rand" (func (result f32)))
  (memory 1)
  (func $fac (export "fac") (param $n i64) (result i64)
    (call $log (local.get $n))
    (if (result i64) (i64.le_u (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get $n) (call $fac (i64.sub (local.get $n) (i64.const 1)))))))
  (func (export "mix") (param i32 i64 f32 f64) (result f64)
    (f64.add (f64.promote_f32 (local.get 2)) (local.get 3)))
  (func (export "noop"))
  (func (export "rand2") (result f32) (f32.mul (call 1) (f32.const 2)))
  (func (export "not-an-identifier") (result i32) (i32.const 1))
  (func (export "int") (result i32) (i32.const 2))
)
"""

HOST = r"""
#include <stdio.h>
#include "calc.h"
#include "calc.h" /* twice: the guards hold */
_Static_assert(__builtin_types_compatible_p(__typeof__(&p_fac), int64_t (*)(int64_t)), "fac");
_Static_assert(__builtin_types_compatible_p(__typeof__(&p_mix), double (*)(int32_t, int64_t, float, double)), "mix");
_Static_assert(__builtin_types_compatible_p(__typeof__(&p_noop), void (*)(void)), "noop");
_Static_assert(__builtin_types_compatible_p(__typeof__(&p_rand2), float (*)(void)), "rand2");
_Static_assert(__builtin_types_compatible_p(__typeof__(&host_log), void (*)(int64_t)), "host_log");
static int64_t logged;
void host_log(int64_t value) { logged += value; }
float host_rand(void) { return 0.25f; }
int main(void) {
    void (*hook)(int32_t) = jitdebug_trap; /* -Werror: an incompatible pointer type would fail the build */
    (void)hook;
    p_noop();
    long long fac = (long long)p_fac(5); /* before reading ``logged``: argument order is unspecified */
    printf("%lld %g %g %lld %s\n", fac, p_mix(1, 2, 0.5f, 0.25), p_rand2(), (long long)logged,
           jitdebug_trap_message(JITDEBUG_TRAP_INTEGER_DIVISION_BY_ZERO));
    return 0;
}
"""


@pytest.fixture()
def compiled(tmp_path: Path) -> Path:
    source = tmp_path / "src" / "calc.wat"
    source.parent.mkdir()
    source.write_text(MODULE)
    build = tmp_path / "build"
    build.mkdir()
    assert main(["compile", str(source), "-o", str(build / "calc.o"), "--header", str(build / "calc.h"),
                 "--export-prefix", "p_"]) == 0
    return build


def test_header_compiles_and_links_with_gcc_and_gxx(compiled: Path) -> None:
    header = (compiled / "calc.h").read_text()
    assert "not-an-identifier" in header and "p_not-an-identifier(" not in header
    (compiled / "host.c").write_text(HOST)
    run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-o", "host", "host.c", "calc.o"], cwd=compiled)
    assert run([compiled / "host"]).stdout == "120 0.75 0.5 15 integer divide by zero\n"
    (compiled / "host.cc").write_text('#include "calc.h"\nint main() { return (int)p_fac(1) - 1; }\n'
                                      "extern \"C\" void host_log(int64_t) {}\nextern \"C\" float host_rand() "
                                      "{ return 0; }\n")
    run(["g++", "-std=c++17", "-Wall", "-Werror", "-o", "hostxx", "host.cc", "calc.o"], cwd=compiled)
    run([compiled / "hostxx"])


def test_listing_is_beside_the_object_and_named_by_the_line_table(compiled: Path) -> None:
    listing = compiled / "calc.wat.lst"
    assert listing_path(compiled / "calc.o") == listing
    text = listing.read_text()
    assert "i64.mul" in text
    dump = run(["llvm-dwarfdump-19", "--debug-line", compiled / "calc.o"]).stdout
    assert 'name: "calc.wat.lst"' in dump
    assert f'"{compiled.resolve()}"' in dump


def test_addr2line_maps_code_to_wasm_instructions(compiled: Path) -> None:
    """Every address of ``fac`` that the line table covers maps to a listing line holding a Wasm instruction."""
    (compiled / "host.c").write_text(HOST)
    run(["gcc", "-std=c11", "-o", "host", "host.c", "calc.o"], cwd=compiled)
    symbols = run(["nm", "-S", compiled / "host"]).stdout
    match = re.search(r"^([0-9a-f]+) ([0-9a-f]+) T p_fac$", symbols, re.M)
    assert match, symbols
    start, size = int(match.group(1), 16), int(match.group(2), 16)
    addresses = [f"{a:#x}" for a in range(start, start + size, max(1, size // 40))]
    lines = run(["addr2line", "-e", compiled / "host", *addresses]).stdout.splitlines()
    listing = (compiled / "calc.wat.lst").read_text().splitlines()
    seen = set()
    for location in lines:
        path, _, number = location.rpartition(":")
        assert path == str(compiled.resolve() / "calc.wat.lst"), location
        number = number.split()[0]
        if number != "0":
            seen.add(listing[int(number) - 1].strip())
    assert any("i64.mul" in line for line in seen), seen
    assert any("call" in line for line in seen), seen


def test_module_name_comes_from_name_section_else_file_stem(tmp_path: Path) -> None:
    named = tmp_path / "file.wat"
    named.write_text("(module $inner (func (export \"f\")))")
    unnamed = tmp_path / "plain.wat"
    unnamed.write_text("(module (func (export \"f\")))")
    compile_file(named, tmp_path / "a.o", header=tmp_path / "a.h")
    compile_file(unnamed, tmp_path / "b.o", header=tmp_path / "b.h")
    assert "JITDEBUG_INNER_H" in (tmp_path / "a.h").read_text()
    assert "JITDEBUG_PLAIN_H" in (tmp_path / "b.h").read_text()


def test_failure_writes_nothing_and_keeps_old_outputs(tmp_path: Path) -> None:
    source = tmp_path / "m.wat"
    source.write_text("(module (func (export \"f\") (result i32) (i32.const 1)))")
    (tmp_path / "m.o").write_bytes(b"old object")
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(JitdebugError, match="cannot write"):
        compile_file(source, tmp_path / "m.o", header=tmp_path / "no" / "such" / "dir" / "m.h")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "m.o").read_bytes() == b"old object"


def test_multi_value_export_has_no_c_prototype_and_the_module_still_compiles(tmp_path: Path) -> None:
    """The C ABI has one result: an export with two is not a C symbol (the header says so), the others are."""
    wat = ('(module (func (export "pair") (result i32 i32) (i32.const 1) (i32.const 2))'
           ' (func (export "one") (result i32) (i32.const 1)))')
    module = load_bytes(bytes(wasmtime.wat2wasm(wat)))
    header = render_header(module, module_name="m")
    assert "/* export 'pair' returns 2 values: not a C symbol" in header and "pair(" not in header
    assert "int32_t one(void);" in header
    source = tmp_path / "m.wat"
    source.write_text(wat)
    assert main(["compile", str(source), "-o", str(tmp_path / "m.o")]) == 0
    symbols = run(["nm", tmp_path / "m.o"]).stdout
    assert " T one\n" in symbols and " T pair" not in symbols


def test_windows_target_writes_a_coff_object(tmp_path: Path) -> None:
    source = tmp_path / "m.wat"
    source.write_text(MODULE)
    assert main(["compile", str(source), "-o", str(tmp_path / "m.obj"), "--target", "x86_64-windows"]) == 0
    headers = run(["llvm-readobj-19", "--file-headers", "--symbols", tmp_path / "m.obj"]).stdout
    assert "COFF-x86-64" in headers
    assert "Name: fac" in headers
