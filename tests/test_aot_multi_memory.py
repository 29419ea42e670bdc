"""Several memories and a 64-bit memory in compiled objects, against wasmtime-py: one module with a 32-bit and a
64-bit memory (data segments, loads and stores, ``memory.size/grow/fill/copy/init`` on each, a copy from one into
the other, growth up to each maximum and refused past it) linked with a C host that calls its exports in order.
On x86-64 Linux each memory is reserved and committed as it grows (``aot_memory.py``); a Windows object (run
under Wine) keeps static storage and grows inline. Both print what wasmtime's instance returns for the same calls.
The spec's own files run through the AOT path in ``test_spec_aot.py``."""

from __future__ import annotations

from pathlib import Path

import wasmtime

from tests.tools import ROOT, run
from tests.windows_support import MINGW, run_wine

JITDEBUG = ROOT / ".venv" / "bin" / "jitdebug"

MODULE = r"""
(module
  (memory $a (export "a") 1 3)
  (memory $b (export "b") i64 2 5)
  (data (memory $a) (i32.const 16) "alpha")
  (data (memory $b) (i64.const 65540) "\01\02\03\04\05\06\07\08")
  (data $passive "passive!")
  (func (export "size_a") (result i32) (memory.size $a))
  (func (export "size_b") (result i64) (memory.size $b))
  (func (export "grow_a") (param i32) (result i32) (memory.grow $a (local.get 0)))
  (func (export "grow_b") (param i64) (result i64) (memory.grow $b (local.get 0)))
  (func (export "load_a") (param i32) (result i64) (i64.load $a (local.get 0)))
  (func (export "load_b") (param i64) (result i64) (i64.load $b offset=4 (local.get 0)))
  (func (export "load8_b") (param i64) (result i32) (i32.load8_u $b (local.get 0)))
  (func (export "store_b") (param i64 i64) (i64.store $b offset=8 (local.get 0) (local.get 1)))
  (func (export "store_a") (param i32 i32) (i32.store16 $a (local.get 0) (local.get 1)))
  (func (export "copy_b_to_a") (param i32 i64 i32) (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_a_to_b") (param i64 i32 i32) (memory.copy $b $a (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill_b") (param i64 i32 i64) (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init_b") (param i64 i32 i32) (memory.init $b $passive (local.get 0) (local.get 1) (local.get 2)))
  (func (export "sum_b") (param i64 i64) (result i64) (local $s i64)
    (block $done (loop $next
      (br_if $done (i64.eqz (local.get 1)))
      (local.set $s (i64.add (local.get $s) (i64.load8_u $b (local.get 0))))
      (local.set 0 (i64.add (local.get 0) (i64.const 1)))
      (local.set 1 (i64.sub (local.get 1) (i64.const 1)))
      (br $next)))
    (local.get $s)))
"""

#: (export, C parameter types, C result type).
SIGNATURES = {
    "size_a": ((), "int32_t"), "size_b": ((), "int64_t"), "grow_a": (("int32_t",), "int32_t"),
    "grow_b": (("int64_t",), "int64_t"), "load_a": (("int32_t",), "int64_t"), "load_b": (("int64_t",), "int64_t"),
    "load8_b": (("int64_t",), "int32_t"), "store_b": (("int64_t", "int64_t"), "void"),
    "store_a": (("int32_t", "int32_t"), "void"), "copy_b_to_a": (("int32_t", "int64_t", "int32_t"), "void"),
    "copy_a_to_b": (("int64_t", "int32_t", "int32_t"), "void"), "fill_b": (("int64_t", "int32_t", "int64_t"), "void"),
    "init_b": (("int64_t", "int32_t", "int32_t"), "void"), "sum_b": (("int64_t", "int64_t"), "int64_t"),
}

#: The calls, in order: the state each leaves is what the next sees.
CALLS: list[tuple[str, tuple[int, ...]]] = [
    ("size_a", ()), ("size_b", ()), ("load_a", (16,)), ("load_b", (65536,)), ("load8_b", (65543,)),
    ("store_b", (131000, 0x1122334455667788)), ("load_b", (131004,)), ("store_a", (65534, 0xBEEF)),
    ("load_a", (65528,)),
    ("copy_b_to_a", (100, 65540, 8)), ("load_a", (100,)), ("copy_a_to_b", (200, 16, 5)), ("sum_b", (200, 5)),
    ("fill_b", (1000, 0x7F, 300)), ("sum_b", (990, 320)), ("init_b", (131064, 0, 8)), ("load_b", (131060,)),
    ("grow_a", (1,)), ("size_a", ()), ("grow_a", (2,)), ("grow_a", (1,)), ("size_a", ()), ("load_a", (196600,)),
    ("grow_b", (3,)), ("size_b", ()), ("grow_b", (1,)), ("grow_b", (0,)), ("size_b", ()),
    ("store_b", (327672 - 16, -1)), ("load_b", (327672 - 12,)), ("sum_b", (131072, 65536 * 3)),
    ("grow_b", (1 << 40,)), ("size_b", ()),
]


def _c_literal(value: int, c_type: str) -> str:
    return f"(int32_t){value & 0xFFFFFFFF}u" if c_type == "int32_t" else f"(int64_t){value & (2**64 - 1)}ull"


def _host() -> str:
    lines = ["#include <stdint.h>", "#include <stdio.h>"]
    for name, (params, result) in SIGNATURES.items():
        lines.append(f'extern {result} {name}({", ".join(params) or "void"}) __asm__("wasm_{name}");')
    lines.append("int main(void) {")
    for name, args in CALLS:
        params, result = SIGNATURES[name]
        call = f"{name}({', '.join(_c_literal(a, t) for a, t in zip(args, params, strict=True))})"
        if result == "void":
            lines.append(f'    {call}; printf("{name} done\\n");')
        elif result == "int32_t":
            lines.append(f'    printf("{name} %d\\n", (int){call});')
        else:
            lines.append(f'    printf("{name} %lld\\n", (long long){call});')
    lines += ["    return 0;", "}"]
    return "\n".join(lines) + "\n"


def _signed(value: int, c_type: str) -> int:
    bits = 32 if c_type == "int32_t" else 64
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _oracle() -> str:
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, MODULE), [])
    exports = instance.exports(store)
    out = []
    for name, args in CALLS:
        func = exports[name]
        assert isinstance(func, wasmtime.Func)
        params, result = SIGNATURES[name]
        value = func(store, *(_signed(a, t) for a, t in zip(args, params, strict=True)))
        out.append(f"{name} done" if result == "void" else f"{name} {value}")
    return "\n".join(out) + "\n"


def _build(tmp_path: Path, target: str) -> tuple[Path, Path]:
    source = tmp_path / "mems.wat"
    source.write_text(MODULE)
    obj = tmp_path / ("mems.obj" if target == "x86_64-windows" else "mems.o")
    run([JITDEBUG, "compile", source, "-o", obj, "--target", target, "--export-prefix", "wasm_"])
    host = tmp_path / "host.c"
    host.write_text(_host())
    return obj, host


def test_two_memories_one_64_bit_in_a_linux_object_match_wasmtime(tmp_path: Path) -> None:
    obj, host = _build(tmp_path, "x86_64-linux")
    exe = tmp_path / "host"
    run(["gcc", "-std=c11", "-Wall", "-Werror", "-o", exe, host, obj])
    expected = _oracle()
    assert "grow_b -1" in expected and "grow_a -1" in expected  # the calls reach both maxima
    assert run([exe]).stdout == expected


def test_two_memories_one_64_bit_in_a_windows_object_match_wasmtime(tmp_path: Path) -> None:
    obj, host = _build(tmp_path, "x86_64-windows")
    exe = tmp_path / "host.exe"
    run([f"{MINGW}-gcc", "-std=c11", "-Wall", "-Werror", "-o", exe, host, obj])
    assert run_wine(exe) == _oracle()
