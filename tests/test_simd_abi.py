"""v128 across the C ABI of ``jitdebug compile``: the generated header declares v128 as ``__m128i``, and C code
calls the exports with ``<emmintrin.h>`` values, natively (System V: vector registers, then 16-byte aligned stack
slots) and under Wine (Win64: a pointer to a copy); a Wasm function calls another with v128 arguments in every
position, stack ones included. The results are wasmtime's (run on the same module through scalar exports). The
lowering uses only xmm0-xmm5 (caller-saved on both ABIs), so no frame saves an XMM register: checked on the code
of a module that uses every SIMD instruction."""

from __future__ import annotations

import re
from pathlib import Path

import capstone
import pytest
import wasmtime

from emitter.cli import main
from emitter.codegen.compiler import compile_module
from emitter.codegen.win64 import WIN64
from emitter.wasm.load import load_bytes
from tests.test_simd_semantics import _module, _ops
from tests.tools import run
from tests.windows_support import MINGW, run_wine

WAT = """(module
  (func $mix (export "mix") (param $a v128) (param $x f64) (param $b v128) (result v128)
    (f64x2.add (local.get $a) (f64x2.mul (f64x2.splat (local.get $x)) (local.get $b))))
  (func $many (export "many") (param v128 v128 v128 v128 v128 v128 v128 v128 i32 v128 v128) (result i32)
    (i32x4.extract_lane 0 (i32x4.add (i32x4.add (local.get 0) (local.get 7))
      (i32x4.add (i32x4.mul (local.get 9) (i32x4.splat (local.get 8))) (local.get 10)))))
  (func (export "inner") (param $k i32) (result i32)
    (call $many (i32x4.splat (local.get $k)) (v128.const i32x4 0 0 0 0) (v128.const i32x4 0 0 0 0)
      (v128.const i32x4 0 0 0 0) (v128.const i32x4 0 0 0 0) (v128.const i32x4 0 0 0 0) (v128.const i32x4 0 0 0 0)
      (v128.const i32x4 100 0 0 0) (i32.const 3) (v128.const i32x4 7 0 0 0) (v128.const i32x4 1000 0 0 0)))
  (func (export "mix_lane") (param f64 f64 f64 f64 f64 i32) (result f64)
    (local v128)
    (local.set 6 (call $mix (f64x2.replace_lane 1 (f64x2.splat (local.get 0)) (local.get 1)) (local.get 2)
                     (f64x2.replace_lane 1 (f64x2.splat (local.get 3)) (local.get 4))))
    (if (result f64) (local.get 5) (then (f64x2.extract_lane 1 (local.get 6)))
      (else (f64x2.extract_lane 0 (local.get 6))))))
"""

HOST = r"""
#include <stdio.h>
#include "simd.h"
int main(void) {
    __m128i a = _mm_castpd_si128(_mm_set_pd(2.0, 1.0)), b = _mm_castpd_si128(_mm_set_pd(20.0, 10.0));
    double out[2];
    _mm_storeu_pd(out, _mm_castsi128_pd(mix(a, 0.5, b)));
    __m128i z = _mm_setzero_si128();
    printf("%g %g %d %d\n", out[0], out[1],
           many(_mm_set1_epi32(3), z, z, z, z, z, z, _mm_set_epi32(0, 0, 0, 100), 3, _mm_set1_epi32(7),
                _mm_set1_epi32(1000)),
           inner(5));
    return 0;
}
"""


def _expected() -> str:
    """The same calls under wasmtime, through the module's scalar exports."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    exports = wasmtime.Instance(store, wasmtime.Module(engine, WAT), []).exports(store)
    low = exports["mix_lane"](store, 1.0, 2.0, 0.5, 10.0, 20.0, 0)
    high = exports["mix_lane"](store, 1.0, 2.0, 0.5, 10.0, 20.0, 1)
    inner = exports["inner"](store, 5)
    return f"{low:g} {high:g} {3 + 100 + 7 * 3 + 1000} {inner}\n"


def _build(tmp_path: Path, target: list[str]) -> Path:
    wat = tmp_path / "simd.wat"
    wat.write_text(WAT)
    obj = tmp_path / ("simd.obj" if target else "simd.o")
    assert main(["compile", str(wat), "-o", str(obj), "--header", str(tmp_path / "simd.h"), *target]) == 0
    (tmp_path / "host.c").write_text(HOST)
    return obj


def test_header_declares_m128i_and_gcc_calls_the_exports(tmp_path: Path) -> None:
    obj = _build(tmp_path, [])
    header = (tmp_path / "simd.h").read_text()
    assert "#include <emmintrin.h>" in header
    assert "__m128i mix(__m128i a, double x, __m128i b);" in header
    run(["gcc", "-O1", "-o", tmp_path / "host", tmp_path / "host.c", obj], cwd=tmp_path)
    assert run([tmp_path / "host"]).stdout == _expected()


def test_mingw_calls_the_exports_by_reference_under_wine(tmp_path: Path) -> None:
    obj = _build(tmp_path, ["--target", "x86_64-windows"])
    exe = tmp_path / "host.exe"
    run([f"{MINGW}-gcc", "-O1", "-o", exe, tmp_path / "host.c", obj], cwd=tmp_path)
    assert run_wine(exe) == _expected()


def test_simd_code_uses_only_caller_saved_vector_registers() -> None:
    """No xmm6-xmm15 (callee-saved on Win64) in the code of every SIMD instruction: frames need no XMM saves."""
    wasm = wasmtime.wat2wasm(_module(_ops()).replace("(module", "(module (memory 1) (func (export \"mem\") "
                                                       "(param i32 v128) (result v128) (v128.store8_lane 1 "
                                                       "(local.get 0) (local.get 1)) (v128.load64_splat "
                                                       "(local.get 0)))", 1))
    module = load_bytes(bytes(wasm))
    compiled = compile_module(module, module_name="simd", target=WIN64.target)
    engine = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    used = set()
    for function in compiled.functions:
        for instruction in engine.disasm(bytes(function.code), 0):
            used.update(re.findall(r"\bxmm\d+\b", instruction.op_str))
    assert {"xmm0", "xmm1", "xmm2", "xmm5"} <= used
    assert used <= {f"xmm{n}" for n in range(6)}, sorted(used)


def test_jitdebug_run_takes_and_prints_v128_as_wasmtime_does(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """``wasmtime run --invoke`` reads a v128 argument as an unsigned 128-bit integer and prints a v128 result
    the same way, in decimal."""
    wat = tmp_path / "add.wat"
    wat.write_text('(module (func (export "add") (param v128 v128) (result v128) '
                   "(i32x4.add (local.get 0) (local.get 1))))")
    a, b = (1 << 96) | 5, (0xFFFFFFFF << 32) | 7  # lane 1 wraps: 0 + 0xffffffff, no carry into lane 2
    assert main(["run", str(wat), "--invoke", "add", str(a), str(b)]) == 0
    assert capsys.readouterr().out == f"{(1 << 96) | (0xFFFFFFFF << 32) | 12}\n"
    for bad in ("-1", str(1 << 128), "1.5"):
        assert main(["run", str(wat), "--invoke", "add", bad, "0"]) == 2
        assert f"argument {bad!r} of 'add' is not a valid v128" in capsys.readouterr().err
