"""v128 values under the real debuggers, no plugin: gdb 13 and lldb-19 stopped in a JIT-compiled Wasm function
(``jitdebug run``) print a v128 parameter or local as its lanes in every shape (the DWARF type is a union of
vector types, as for an XMM register), one shape by member (``p w.f32x4``), and a local's lanes change as the
Wasm code stores into it; with the plugins, ``wasm disas`` prints the SIMD instructions in the text format's
spelling over their SSE code, the same in both. The same module as an AOT object passes ``llvm-dwarfdump
--verify``."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from emitter.cli import main
from emitter.debuggers import inferior
from tests.tools import ROOT, run

MODULE = """\
(module $vectors
  (func $lanes (param $v v128) (param $w v128) (result i32)
    (local $sum v128)
    (local.set $sum (i32x4.add (local.get $v) (local.get $v)))
    (local.set $sum (f32x4.mul (local.get $w) (local.get $w)))
    (i32x4.extract_lane 3 (local.get $sum)))
  (func (export "main") (result i32)
    (call $lanes (v128.const i32x4 1 -2 3 0x7fffffff) (v128.const f32x4 1.5 -2.0 0.25 100))))
"""


def _program(tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    wat = tmp_path / "vectors.wat"
    wat.write_text(MODULE)
    return inferior(["jitdebug", "run", str(wat), "--invoke", "main"])


def test_gdb_prints_v128_lanes(tmp_path: Path) -> None:
    command, env = _program(tmp_path)
    out = run(["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on", "-ex", "break lanes", "-ex", "run",
               "-ex", "p v", "-ex", "p w.f32x4", "-ex", "p/x v.i16x8", "-ex", "ptype v",
               "-ex", "advance 9", "-ex", "p sum.i32x4", "-ex", "advance 13", "-ex", "p sum.f32x4",
               "-ex", "continue", "--args", *command], env=env, timeout=120).stdout
    assert re.search(r"Breakpoint 1, lanes \(v=\.\.\., w=\.\.\.\) at .*vectors\.wat\.lst:\d+", out), out
    assert "i32x4 = {1, -2, 3, 2147483647}" in out, out
    assert "i8x16 = {1, 0, 0, 0, -2, -1, -1, -1, 3, 0, 0, 0, -1, -1, -1, 127}" in out, out
    assert "i64x2 = {-8589934591, 9223372032559808515}" in out, out
    assert "= {1.5, -2, 0.25, 100}\n" in out, out
    assert "= {0x1, 0x0, 0xfffe, 0xffff, 0x3, 0x0, 0xffff, 0x7fff}\n" in out, out
    assert "type = union v128 {" in out and "i32 i32x4 __attribute__ ((vector_size(4)));" in out, out
    assert "= {2, -4, 6, -2}\n" in out, out  # after the first local.set (i32x4.add wraps)
    assert "= {2.25, 4, 0.0625, 10000}\n" in out, out  # after the second
    assert "1176256512\n" in out  # the run's result, 10000.0f's bits
    assert "exited normally" in out
    assert "warning" not in out.lower(), out


def test_lldb_prints_v128_lanes(tmp_path: Path) -> None:
    command, env = _program(tmp_path)
    out = run(["lldb-19", "-b", "-o", "breakpoint set -n lanes", "-o", "run", "-o", "frame variable v",
               "-o", "p w.f32x4", "-o", "thread until 13", "-o", "frame variable sum.f32x4", "-o", "continue",
               "-k", "quit 1", "--", *command], env=env, timeout=120).stdout
    assert re.search(r"lanes\(v=v128 @ 0x[0-9a-f]+, w=v128 @ 0x[0-9a-f]+\) at vectors\.wat\.lst:\d+", out), out
    assert "i32x4 = (1, -2, 3, 2147483647)" in out, out
    assert "i16x8 = (1, 0, -2, -1, 3, 0, -1, 32767)" in out, out
    assert "(float __attribute__((ext_vector_type(4)))) (1.5, -2, 0.25, 100)" in out, out
    assert "sum.f32x4 = (2.25, 4, 0.0625, 10000)" in out, out
    assert "exited with status = 0" in out, out


def test_aot_object_with_v128_variables_verifies(tmp_path: Path) -> None:
    wat = tmp_path / "vectors.wat"
    wat.write_text(MODULE)
    assert main(["compile", str(wat), "-o", str(tmp_path / "vectors.o")]) == 0
    verify = run(["llvm-dwarfdump-19", "--verify", tmp_path / "vectors.o"]).stdout
    assert "No errors." in verify, verify
    dump = run(["llvm-dwarfdump-19", "--debug-info", tmp_path / "vectors.o"]).stdout
    assert re.search(r'DW_TAG_union_type\s+DW_AT_name\s+\("v128"\)\s+DW_AT_byte_size\s+\(0x10\)', dump), dump
    assert dump.count("DW_AT_GNU_vector") == 6, dump


def _disas_rows(out: str) -> list[str]:
    """``wasm disas`` rows without the addresses (the two debuggers' processes map the code elsewhere)."""
    return [re.sub(r"0x[0-9a-f]{6,}", "ADDR", line) for line in out.splitlines()
            if line.startswith(("  wasm 0x", "   0x"))]


def test_wasm_disas_spells_simd_instructions_the_same_in_gdb_and_lldb(tmp_path: Path) -> None:
    wat = tmp_path / "vectors.wat"
    wat.write_text(MODULE)
    program = ["--", sys.executable, "-m", "emitter.cli", "run", str(wat), "--invoke", "main"]
    env = {"PYTHONPATH": str(ROOT)}
    gdb = run([sys.executable, "-m", "emitter.cli", "gdb", "-batch", "-ex", "set breakpoint pending on",
               "-ex", "break lanes", "-ex", "run", "-ex", "wasm disas", *program], env=env, timeout=120).stdout
    lldb = run([sys.executable, "-m", "emitter.cli", "lldb", "-b", "-o", "breakpoint set -n lanes", "-o", "run",
                "-o", "wasm disas", "-k", "quit 1", *program], env=env, timeout=120).stdout
    rows = _disas_rows(gdb)
    assert rows == _disas_rows(lldb), (gdb, lldb)
    text = "\n".join(rows)
    assert re.search(r"  wasm 0x2f  7: 0x002f: i32x4\.add\n(   .*\n)*?   ADDR <\+\d+>:\tpaddd\txmm0, xmm1", text), text
    assert re.search(r"0x0038: f32x4\.mul\n(   .*\n)*?   ADDR <\+\d+>:\tmulps\txmm0, xmm1", text), text
    assert "0x003f: i32x4.extract_lane 3" in text
