"""Table storage: zero-filled static storage (``.bss``) filled by the active element segments at instantiation, so
an object pays nothing for a large table, and a documented cap instead of a runaway allocation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import wasmtime

from emitter.codegen.runtime import TABLE_CAP_ENTRIES
from emitter.errors import TrapError
from emitter.jit import compile_wasm
from samples.corpus.harness import _from_python, _to_python, format_value, load_program, render_host, run_oracle
from tests.tools import ROOT, run

JITDEBUG = ROOT / ".venv" / "bin" / "jitdebug"
ENTRIES = 3_000_000
LAST = ENTRIES - 1

#: call_indirect through a table of three million entries: segments at both ends, one at a computed offset, a
#: later segment overwriting an earlier one with a null, table.grow/size and every indirect-call trap.
PROGRAM = f"""
(module
  (type $binop (func (param i32 i32) (result i32)))
  (type $unop (func (param i32) (result i32)))
  (table $t {ENTRIES} {ENTRIES + 10} funcref)
  (global $middle i32 (i32.const 1500000))
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $neg (type $unop) (i32.sub (i32.const 0) (local.get 0)))
  (elem (i32.const 0) $add $sub $neg $add)
  (elem (i32.const 3) funcref (ref.null func))
  (elem (global.get $middle) $sub $neg)
  (elem (i32.const {LAST - 1}) $neg $sub)
  (func (export "binop") (param i32 i32 i32) (result i32)
    (call_indirect (type $binop) (local.get 1) (local.get 2) (local.get 0)))
  (func (export "unop") (param i32 i32) (result i32)
    (call_indirect (type $unop) (local.get 1) (local.get 0)))
  (func (export "grow") (param i32) (result i32) (table.grow $t (ref.func $add) (local.get 0)))
  (func (export "size") (result i32) (table.size $t))
)
;; (assert_return (invoke "binop" (i32.const 0) (i32.const 5) (i32.const 3)) (i32.const 8))
;; (assert_return (invoke "binop" (i32.const 1) (i32.const 5) (i32.const 3)) (i32.const 2))
;; (assert_trap (invoke "binop" (i32.const 2) (i32.const 5) (i32.const 3)) "indirect call type mismatch")
;; (assert_trap (invoke "binop" (i32.const 3) (i32.const 5) (i32.const 3)) "uninitialized element")
;; (assert_trap (invoke "binop" (i32.const 4) (i32.const 5) (i32.const 3)) "uninitialized element")
;; (assert_return (invoke "binop" (i32.const 1500000) (i32.const 9) (i32.const 4)) (i32.const 5))
;; (assert_return (invoke "unop" (i32.const 1500001) (i32.const 6)) (i32.const -6))
;; (assert_trap (invoke "binop" (i32.const 2999997) (i32.const 1) (i32.const 1)) "uninitialized element")
;; (assert_return (invoke "unop" (i32.const {LAST - 1}) (i32.const 7)) (i32.const -7))
;; (assert_return (invoke "binop" (i32.const {LAST}) (i32.const 7) (i32.const 2)) (i32.const 5))
;; (assert_trap (invoke "binop" (i32.const {ENTRIES}) (i32.const 1) (i32.const 1)) "undefined element")
;; (assert_return (invoke "size") (i32.const {ENTRIES}))
;; (assert_return (invoke "grow" (i32.const 2)) (i32.const {ENTRIES}))
;; (assert_return (invoke "binop" (i32.const {ENTRIES + 1}) (i32.const 7) (i32.const 2)) (i32.const 9))
;; (assert_return (invoke "grow" (i32.const 9)) (i32.const -1))
;; (assert_return (invoke "size") (i32.const {ENTRIES + 2}))
"""


def _bss_size(obj: Path) -> int:
    """The ``.bss`` size readelf reports (NOBITS: no bytes in the file)."""
    sections = run(["readelf", "-SW", obj]).stdout
    match = re.search(r"\]\s+\.bss\s+NOBITS\s+\S+\s+\S+\s+([0-9a-f]+)", sections)
    assert match, sections
    return int(match.group(1), 16)


def test_huge_table_costs_the_object_nothing(tmp_path: Path) -> None:
    """Nine million entries, filled at both ends: the object stays a few KiB (it was 72 MB of zeros) and the
    storage is in ``.bss``, on Linux and Windows alike."""
    source = tmp_path / "big.wat"
    source.write_text("""(module (type $t (func (result i32))) (table 9000000 funcref)
      (func $a (result i32) (i32.const 7)) (elem (i32.const 0) $a) (elem (i32.const 8999999) $a)
      (func (export "go") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))""")
    elf, coff = tmp_path / "big.o", tmp_path / "big.obj"
    run([JITDEBUG, "compile", source, "-o", elf])
    run([JITDEBUG, "compile", source, "-o", coff, "--target", "x86_64-windows"])
    assert elf.stat().st_size < 64 * 1024
    assert coff.stat().st_size < 64 * 1024
    assert _bss_size(elf) >= 8 * 9_000_000
    headers = run(["x86_64-w64-mingw32-objdump", "-h", coff]).stdout
    bss = re.search(r"\.bss\s+([0-9a-f]+)", headers)
    assert bss and int(bss.group(1), 16) >= 8 * 9_000_000, headers
    # And the JIT maps it and finds the last entry, filled at instantiation.
    proc = run([JITDEBUG, "run", source, "--invoke", "go", "8999999"])
    assert proc.stdout == "7\n"


@pytest.mark.parametrize("entries", [TABLE_CAP_ENTRIES + 1, 20_000_000, 200_000_000])
def test_table_over_the_cap_is_a_one_line_error(tmp_path: Path, entries: int) -> None:
    """Over the cap: exit 2, one line naming the table and the cap, no output (not a MemoryError traceback)."""
    source = tmp_path / "huge.wat"
    source.write_text(f'(module (table {entries} funcref) (func (export "f")))')
    out = tmp_path / "out"
    out.mkdir()
    proc = run([JITDEBUG, "compile", source, "-o", out / "m.o", "--header", out / "m.h"], check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"table 0 of {entries} entries" in proc.stderr and f"{TABLE_CAP_ENTRIES}" in proc.stderr
    assert proc.stdout == "" and list(out.iterdir()) == []


def test_call_indirect_on_a_bss_table_matches_wasmtime(tmp_path: Path) -> None:
    """The same calls through the AOT object (linked with the corpus's C host) and the JIT as in wasmtime."""
    source = tmp_path / "big_table.wat"
    source.write_text(PROGRAM)
    program = load_program(source)
    wasm = bytes(wasmtime.wat2wasm(PROGRAM))
    expected, failures = run_oracle(program, wasm)
    assert not failures, "\n".join(failures)

    obj, header = tmp_path / "m.o", tmp_path / "m.h"
    run([JITDEBUG, "compile", source, "-o", obj, "--header", header, "--export-prefix", "wasm_"])
    assert obj.stat().st_size < 64 * 1024
    host = tmp_path / "host.c"
    host.write_text(render_host(program, wasm, header.name, export_prefix="wasm_"))
    exe = tmp_path / "host"
    run(["gcc", "-std=c11", "-Wall", "-Werror", "-O1", "-o", exe, host, obj, "-lm"], cwd=tmp_path)
    assert run([exe], cwd=tmp_path).stdout.splitlines() == expected

    got = []
    with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as instance:
        for index, call in enumerate(program.calls):
            try:
                result = instance.exports[call.export](*[_to_python(a) for a in call.args])
            except TrapError as trap:
                got.append(f"{index} {call.export} trap: {trap.trap_message.removeprefix('wasm trap: ')}")
                continue
            got.append(f"{index} {call.export} -> {format_value('i32', _from_python('i32', result))}")
    assert got == expected
