"""64-bit tables (memory64's table64) in generated code: every table instruction with i64 indices, sizes and
lengths, ``call_indirect``/``return_call_indirect`` through a 64-bit table, an element segment at an i64 offset,
and ``table.copy`` between a 32- and a 64-bit table (its length at the narrower type). Indices at and past 2^32
and near 2^64 must trap as out of bounds, never wrap to an entry: the same calls through the AOT object (linked
with the corpus's C host; an ELF object natively, a COFF object under Wine), the JIT and wasmtime give the same
transcript."""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime

from emitter.errors import TrapError
from emitter.jit import LinkError, Table, TableType, ValType, compile_wasm
from samples.corpus.harness import _from_python, _to_python, format_value, load_program, render_host, run_oracle
from tests.tools import ROOT, run
from tests.windows_support import MINGW, wine_process

JITDEBUG = ROOT / ".venv" / "bin" / "jitdebug"

PROGRAM = """(module
  (type $unop (func (param i32) (result i32)))
  (table $t64 i64 4 8 funcref)
  (table $t32 3 funcref)
  (func $neg (type $unop) (i32.sub (i32.const 0) (local.get 0)))
  (func $dbl (type $unop) (i32.add (local.get 0) (local.get 0)))
  (func $inc (type $unop) (i32.add (local.get 0) (i32.const 1)))
  (elem (table $t64) (i64.const 1) func $neg $dbl)
  (elem (table $t32) (i32.const 0) func $inc)
  (elem $passive func $inc $dbl $neg)
  (func (export "call64") (param i64 i32) (result i32)
    (call_indirect $t64 (type $unop) (local.get 1) (local.get 0)))
  (func (export "tail64") (param i64 i32) (result i32)
    (return_call_indirect $t64 (type $unop) (local.get 1) (local.get 0)))
  (func (export "call32") (param i32 i32) (result i32)
    (call_indirect $t32 (type $unop) (local.get 1) (local.get 0)))
  (func (export "size64") (result i64) (table.size $t64))
  (func (export "grow64") (param i64) (result i64) (table.grow $t64 (ref.func $inc) (local.get 0)))
  (func (export "isnull64") (param i64) (result i32) (ref.is_null (table.get $t64 (local.get 0))))
  (func (export "set64") (param i64 i64) (table.set $t64 (local.get 0) (table.get $t64 (local.get 1))))
  (func (export "fill64") (param i64 i64) (table.fill $t64 (local.get 0) (ref.null func) (local.get 1)))
  (func (export "copy64_32") (param i64 i32 i32) (table.copy $t64 $t32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy32_64") (param i32 i64 i32) (table.copy $t32 $t64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy64") (param i64 i64 i64) (table.copy $t64 $t64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init64") (param i64 i32 i32) (table.init $t64 $passive (local.get 0) (local.get 1) (local.get 2)))
  (func $cf (export "callfn") (param i32) (result i32) (local.get 0))
  (elem declare func $cf)
)
;; (assert_return (invoke "call64" (i64.const 1) (i32.const 5)) (i32.const -5))
;; (assert_return (invoke "call64" (i64.const 2) (i32.const 5)) (i32.const 10))
;; (assert_trap (invoke "call64" (i64.const 0) (i32.const 5)) "uninitialized element")
;; (assert_trap (invoke "call64" (i64.const 4) (i32.const 5)) "undefined element")
;; (assert_trap (invoke "call64" (i64.const 4294967297) (i32.const 5)) "undefined element")
;; (assert_trap (invoke "call64" (i64.const -1) (i32.const 5)) "undefined element")
;; (assert_return (invoke "tail64" (i64.const 2) (i32.const 7)) (i32.const 14))
;; (assert_trap (invoke "tail64" (i64.const 4294967298) (i32.const 7)) "undefined element")
;; (assert_return (invoke "size64") (i64.const 4))
;; (assert_return (invoke "grow64" (i64.const -1)) (i64.const -1))
;; (assert_return (invoke "grow64" (i64.const 4294967296)) (i64.const -1))
;; (assert_return (invoke "grow64" (i64.const 5)) (i64.const -1))
;; (assert_return (invoke "grow64" (i64.const 2)) (i64.const 4))
;; (assert_return (invoke "size64") (i64.const 6))
;; (assert_return (invoke "call64" (i64.const 5) (i32.const 5)) (i32.const 6))
;; (assert_return (invoke "isnull64" (i64.const 0)) (i32.const 1))
;; (assert_return (invoke "isnull64" (i64.const 5)) (i32.const 0))
;; (assert_trap (invoke "isnull64" (i64.const 4294967296)) "out of bounds table access")
;; (assert_return (invoke "set64" (i64.const 0) (i64.const 2)))
;; (assert_return (invoke "call64" (i64.const 0) (i32.const 3)) (i32.const 6))
;; (assert_trap (invoke "set64" (i64.const 6) (i64.const 2)) "out of bounds table access")
;; (assert_trap (invoke "fill64" (i64.const -1) (i64.const 2)) "out of bounds table access")
;; (assert_trap (invoke "fill64" (i64.const 1) (i64.const -1)) "out of bounds table access")
;; (assert_trap (invoke "fill64" (i64.const 5) (i64.const 2)) "out of bounds table access")
;; (assert_return (invoke "fill64" (i64.const 5) (i64.const 1)))
;; (assert_return (invoke "isnull64" (i64.const 5)) (i32.const 1))
;; (assert_return (invoke "copy64_32" (i64.const 3) (i32.const 0) (i32.const 1)))
;; (assert_return (invoke "call64" (i64.const 3) (i32.const 3)) (i32.const 4))
;; (assert_trap (invoke "copy64_32" (i64.const -1) (i32.const 0) (i32.const 1)) "out of bounds table access")
;; (assert_trap (invoke "copy64_32" (i64.const 4294967296) (i32.const 0) (i32.const 0)) "out of bounds table access")
;; (assert_return (invoke "copy32_64" (i32.const 1) (i64.const 1) (i32.const 2)))
;; (assert_return (invoke "call32" (i32.const 2) (i32.const 3)) (i32.const 6))
;; (assert_trap (invoke "copy32_64" (i32.const 0) (i64.const -2) (i32.const 1)) "out of bounds table access")
;; (assert_trap (invoke "copy64" (i64.const 0) (i64.const 1) (i64.const -1)) "out of bounds table access")
;; (assert_trap (invoke "copy64" (i64.const -4) (i64.const 1) (i64.const 5)) "out of bounds table access")
;; (assert_return (invoke "copy64" (i64.const 4) (i64.const 0) (i64.const 2)))
;; (assert_return (invoke "call64" (i64.const 5) (i32.const 3)) (i32.const -3))
;; (assert_return (invoke "init64" (i64.const 0) (i32.const 0) (i32.const 3)))
;; (assert_return (invoke "call64" (i64.const 0) (i32.const 3)) (i32.const 4))
;; (assert_return (invoke "call64" (i64.const 2) (i32.const 3)) (i32.const -3))
;; (assert_trap (invoke "init64" (i64.const -1) (i32.const 0) (i32.const 2)) "out of bounds table access")
;; (assert_trap (invoke "init64" (i64.const 4294967296) (i32.const 0) (i32.const 0)) "out of bounds table access")
;; (assert_trap (invoke "init64" (i64.const 5) (i32.const 0) (i32.const 2)) "out of bounds table access")
"""

#: Table initialisers (Wasm 3.0's function references: every entry starts as the expression's value), on a 32-
#: and a 64-bit table, overwritten in part by an element segment; growth fills with its own value.
INITIALISERS = """(module
  (type $ft (func (result i32)))
  (func $f (result i32) (i32.const 5))
  (func $g (result i32) (i32.const 6))
  (elem declare func $g)
  (table $t 3 funcref (ref.func $f))
  (table $u i64 2 5 funcref (ref.func $g))
  (table $n 2 externref (ref.null extern))
  (elem (table $t) (i32.const 1) func $g)
  (func (export "t") (param i32) (result i32) (call_indirect $t (type $ft) (local.get 0)))
  (func (export "u") (param i64) (result i32) (call_indirect $u (type $ft) (local.get 0)))
  (func (export "grow") (result i64) (table.grow $u (ref.null func) (i64.const 1)))
  (func (export "n") (param i32) (result i32) (ref.is_null (table.get $n (local.get 0))))
)
;; (assert_return (invoke "t" (i32.const 0)) (i32.const 5))
;; (assert_return (invoke "t" (i32.const 1)) (i32.const 6))
;; (assert_return (invoke "t" (i32.const 2)) (i32.const 5))
;; (assert_trap (invoke "t" (i32.const 3)) "undefined element")
;; (assert_return (invoke "u" (i64.const 0)) (i32.const 6))
;; (assert_return (invoke "u" (i64.const 1)) (i32.const 6))
;; (assert_return (invoke "grow") (i64.const 2))
;; (assert_trap (invoke "u" (i64.const 2)) "uninitialized element")
;; (assert_return (invoke "n" (i32.const 1)) (i32.const 1))
"""


def _jit_transcript(source: Path, tmp_path: Path) -> list[str]:
    program = load_program(source)
    got = []
    with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as instance:
        for index, call in enumerate(program.calls):
            export = instance.exports[call.export]
            try:
                result = export(*[_to_python(a) for a in call.args])
            except TrapError as trap:
                got.append(f"{index} {call.export} trap: {trap.trap_message.removeprefix('wasm trap: ')}")
                continue
            results = export.type.results
            shown = format_value(results[0].text, _from_python(results[0].text, result)) if results else ""
            got.append(f"{index} {call.export} -> {shown}".rstrip())
    return got


@pytest.mark.parametrize("text", [PROGRAM, INITIALISERS], ids=["instructions", "initialisers"])
def test_table64_instructions_match_wasmtime_through_aot_and_jit(text: str, tmp_path: Path) -> None:
    source = tmp_path / "table64.wat"
    source.write_text(text)
    program = load_program(source)
    wasm = bytes(wasmtime.wat2wasm(text))
    expected, failures = run_oracle(program, wasm)
    assert not failures, "\n".join(failures)

    obj, header = tmp_path / "m.o", tmp_path / "m.h"
    run([JITDEBUG, "compile", source, "-o", obj, "--header", header, "--export-prefix", "wasm_"])
    host = tmp_path / "host.c"
    host.write_text(render_host(program, wasm, header.name, export_prefix="wasm_"))
    exe = tmp_path / "host"
    run(["gcc", "-std=c11", "-Wall", "-Werror", "-O1", "-o", exe, host, obj, "-lm"], cwd=tmp_path)
    assert run([exe], cwd=tmp_path).stdout.splitlines() == expected

    assert _jit_transcript(source, tmp_path) == expected


@pytest.mark.parametrize("text", [PROGRAM, INITIALISERS], ids=["instructions", "initialisers"])
def test_table64_instructions_in_a_windows_object_match_wasmtime(text: str, tmp_path: Path) -> None:
    """The Win64 convention passes the i64 indices in other registers and on the stack: the same transcript."""
    source = tmp_path / "table64.wat"
    source.write_text(text)
    program = load_program(source)
    wasm = bytes(wasmtime.wat2wasm(text))
    expected, failures = run_oracle(program, wasm)
    assert not failures, "\n".join(failures)
    obj, header = tmp_path / "m.obj", tmp_path / "m.h"
    run([JITDEBUG, "compile", source, "-o", obj, "--target", "x86_64-windows", "--header", header,
         "--export-prefix", "wasm_"])
    host = tmp_path / "host.c"
    host.write_text(render_host(program, wasm, header.name, export_prefix="wasm_"))
    exe = tmp_path / "host.exe"
    run([f"{MINGW}-gcc", "-std=c11", "-Wall", "-Werror", "-O1", "-o", exe, host, obj], cwd=tmp_path)
    proc = wine_process(exe, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.replace("\r\n", "\n").splitlines() == expected


def test_a_table_import_links_only_to_a_table_of_its_index_type(tmp_path: Path) -> None:
    """A 32-bit table import refuses a 64-bit table and the other way round, with wasmtime's message; the same
    index type links, and the importer's i64 ``table.size`` sees the exporter's table."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    exporter = wasmtime.Instance(store, wasmtime.Module(
        engine, '(module (table (export "t64") i64 2 funcref) (table (export "t32") 2 funcref))'), [])
    for wat_type, ours, theirs in (("i64 1 funcref", Table(TableType(ValType.FUNCREF, 2)), "t32"),
                                   ("1 funcref", Table(TableType(ValType.FUNCREF, 2, is_64=True)), "t64")):
        importer = f'(module (import "m" "t" (table {wat_type})) (func (export "size") (result i64) (i64.const 0)))'
        with pytest.raises(wasmtime.WasmtimeError) as refused:
            wasmtime.Instance(store, wasmtime.Module(engine, importer), [exporter.exports(store)[theirs]])
        with pytest.raises(LinkError) as ours_refused:
            compile_wasm(bytes(wasmtime.wat2wasm(importer)),
                         listing_dir=tmp_path).instantiate({("m", "t"): ours})
        assert str(ours_refused.value).replace("m::t", "") == str(refused.value).replace("m::t", "")
    grown = Table(TableType(ValType.FUNCREF, 5, is_64=True))
    importer = '(module (import "m" "t" (table i64 1 funcref)) (func (export "size") (result i64) (table.size 0)))'
    with compile_wasm(bytes(wasmtime.wat2wasm(importer)), listing_dir=tmp_path).instantiate({("m", "t"): grown}) as i:
        assert i.exports["size"]() == 5
