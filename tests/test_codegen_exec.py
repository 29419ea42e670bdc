"""Control flow, calls, memory, globals, tables and traps of compiled code against wasmtime (in-process)."""

from __future__ import annotations

import ctypes
import struct

import wasmtime

from emitter.codegen.runtime import MEMORY_RECORD_SIZE, VMCTX_MEMORY, StateSymbols
from tests.codegen_loader import compile_wat, load

PROGRAM = r"""
(module
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (memory 1 3)
  (table 4 8 funcref)
  (global $g (mut i32) (i32.const 100))
  (global $h (mut i64) (i64.const -5))
  (global $k f64 (f64.const 2.5))
  (elem (i32.const 0) $double $square)
  (elem $passive func $double $square $neg)
  (data (i32.const 16) "Hello, Wasm!")
  (data $later "passive bytes")

  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (type $ii) (i32.mul (local.get 0) (local.get 0)))
  (func $neg (type $ii) (i32.sub (i32.const 0) (local.get 0)))
  (func $nothing (type $v))

  (func (export "fib") (param $n i32) (result i64) (local $a i64) (local $b i64) (local $i i32)
    (local.set $b (i64.const 1))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $b (i64.add (local.get $a) (local.tee $a (local.get $b))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $a))

  (func (export "switch") (param i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $d (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 20)))
      (return (i32.const 30)))
    (i32.const 40))

  (func (export "switch_values") (param i32) (result i32)
    (i32.add (i32.const 1000)
      (block $outer (result i32)
        (i32.add (i32.const 7)
          (block $inner (result i32)
            (br_table $inner $outer $inner (i32.const 5) (local.get 0)))))))

  (func $pair (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
  (func (export "swap") (param i32 i32) (result i32)
    (call $pair (local.get 0) (local.get 1))
    (i32.sub))
  (func (export "multi_block") (param i32) (result i32)
    (i32.const 2)
    (block (param i32) (result i32 i32)
      (drop) (local.get 0) (i32.const 3) (br_if 0 (i32.const 1)) (drop) (i32.const 4))
    (i32.mul))
  (func (export "loop_params") (param i32) (result i32)
    (i32.const 0) (local.get 0)
    (loop (param i32 i32) (result i32)
      (local.set 0)
      (i32.add (local.get 0))
      (local.get 0) (i32.const 1) (i32.sub)
      (local.tee 0)
      (local.get 0) (br_if 0)
      (drop)))

  (func (export "if_else") (param i32 i32) (result i32)
    (if (result i32) (local.get 0)
      (then (if (result i32) (local.get 1) (then (i32.const 1)) (else (i32.const 2))))
      (else (i32.const 3))))
  (func (export "early") (param i32) (result i32)
    (if (local.get 0) (then (return (i32.const 99))))
    (i32.const 7))
  (func (export "select") (param i32 i64 i64) (result i64) (select (local.get 1) (local.get 2) (local.get 0)))
  (func (export "fselect") (param i32 f64 f64) (result f64) (select (local.get 1) (local.get 2) (local.get 0)))

  (func (export "many") (param i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64 i32 i64 f32 f64 i32 f64 f64)
                        (result f64)
    (f64.add (f64.convert_i32_s (local.get 0))
    (f64.add (f64.convert_i64_s (local.get 5))
    (f64.add (f64.promote_f32 (local.get 10))
    (f64.add (local.get 11)
    (f64.add (f64.convert_i32_s (local.get 16))
    (f64.add (local.get 17) (f64.mul (local.get 18) (f64.const 3)))))))))
  (func $callee8 (param i64 i64 i64 i64 i64 i64 i64 i64 f32 f32 f32 f32 f32 f32 f32 f32 f32 f32) (result i64)
    (i64.add (local.get 7) (i64.add (local.get 6) (i64.trunc_f32_s (f32.add (local.get 16) (local.get 17))))))
  (func (export "call_many") (param i64) (result i64)
    (call $callee8 (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6)
      (local.get 0) (i64.const 100) (f32.const 1) (f32.const 2) (f32.const 3) (f32.const 4) (f32.const 5)
      (f32.const 6) (f32.const 7) (f32.const 8) (f32.const 9.5) (f32.const 10.25)))

  (func (export "indirect") (param i32 i32) (result i32) (call_indirect (type $ii) (local.get 1) (local.get 0)))
  (func (export "indirect_wrong") (param i32) (call_indirect (type $v) (local.get 0)))
  (func (export "table_ops") (param i32) (result i32)
    (table.init 0 $passive (i32.const 1) (i32.const 1) (i32.const 2))
    (elem.drop $passive)
    (table.set 0 (i32.const 3) (table.get 0 (i32.const 1)))
    (i32.add (table.size 0)
      (call_indirect (type $ii) (local.get 0) (i32.const 3))))
  (func (export "table_grow") (param i32) (result i32)
    (table.grow 0 (ref.func $neg) (local.get 0)))
  (func (export "ref_null") (result i32) (ref.is_null (ref.null func)))

  (func (export "globals") (param i32) (result i64)
    (global.set $g (i32.add (global.get $g) (local.get 0)))
    (global.set $h (i64.mul (global.get $h) (i64.extend_i32_s (global.get $g))))
    (i64.add (global.get $h) (i64.trunc_f64_s (global.get $k))))

  (func (export "load") (param i32) (result i32) (i32.load8_u offset=16 (local.get 0)))
  (func (export "load64") (param i32) (result i64) (i64.load offset=3 (local.get 0)))
  (func (export "store") (param i32 i64) (result i64)
    (i64.store32 offset=1 (local.get 0) (local.get 1))
    (i64.load32_s offset=1 (local.get 0)))
  (func (export "store16") (param i32 i32) (result i32)
    (i32.store16 (local.get 0) (local.get 1))
    (i32.add (i32.load16_s (local.get 0)) (i32.load16_u (local.get 0))))
  (func (export "fmem") (param i32 f32) (result f64)
    (f32.store (local.get 0) (local.get 1))
    (f64.store offset=8 (local.get 0) (f64.promote_f32 (f32.load (local.get 0))))
    (f64.load offset=8 (local.get 0)))
  (func (export "load_far") (param i32) (result i32) (i32.load offset=4294967295 (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "fill_copy") (param i32 i32 i32) (result i64)
    (memory.fill (i32.const 100) (i32.const 0xAB) (i32.const 10))
    (memory.copy (local.get 0) (local.get 1) (local.get 2))
    (i64.load (i32.const 100)))
  (func (export "init") (param i32 i32 i32) (result i64)
    (memory.init $later (i32.const 200) (local.get 0) (local.get 1))
    (if (local.get 2) (then (data.drop $later)))
    (i64.load (i32.const 200)))

  (func (export "unreachable") (param i32) (result i32)
    (if (local.get 0) (then unreachable))
    (i32.const 1))
  (func $deep (export "deep") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.add (i32.const 1) (call $deep (i32.sub (local.get 0) (i32.const 1)))))
      (else (i32.const 0))))
  (func (export "big_frame") (param i32) (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (local $more i64) (local $pad v128_placeholder)
    (local.set 40 (i64.extend_i32_u (local.get 0)))
    (i32.wrap_i64 (i64.add (local.get 40) (local.get 99))))
)
"""

# A frame over the probe threshold: 600 i64 locals (4.8 KiB).
PROGRAM = PROGRAM.replace("(local $more i64) (local $pad v128_placeholder)",
                          " ".join(["(local i64)"] * 500))

CALLS: list[tuple[str, tuple[object, ...]]] = [
    ("fib", (0,)), ("fib", (1,)), ("fib", (10,)), ("fib", (90,)),
    *[("switch", (i,)) for i in (0, 1, 2, 3, 4, -1, 100)],
    *[("switch_values", (i,)) for i in (0, 1, 2, 3, 9)],
    ("swap", (10, 3)), ("multi_block", (6,)), ("loop_params", (10,)),
    *[("if_else", (a, b)) for a in (0, 1) for b in (0, 5)],
    ("early", (0,)), ("early", (3,)),
    ("select", (0, 1, 2)), ("select", (7, 1, 2)), ("fselect", (0, 1.5, 2.5)), ("fselect", (1, 1.5, 2.5)),
    ("many", (1, 2, 3.5, 4.5, 5, 6, 7.5, 8.5, 9, 10, 11.5, 12.5, 13, 14, 15.5, 16.5, 17, 18.5, 19.5)),
    ("call_many", (1000,)),
    *[("indirect", (i, 7)) for i in (0, 1, 2, 3, 4, 100, -1)],
    ("indirect_wrong", (0,)), ("indirect_wrong", (2,)), ("indirect_wrong", (9,)),
    ("table_ops", (5,)), ("table_grow", (2,)), ("table_grow", (100,)), ("table_ops", (6,)), ("ref_null", ()),
    ("globals", (1,)), ("globals", (-50,)),
    *[("load", (i,)) for i in (0, 5, 11, 65519, 65520, -1)],
    *[("load64", (i,)) for i in (13, 65525, 65526)],
    ("store", (3, 0x1234567890)), ("store", (65530, -1)), ("store", (65531, 1)),
    ("store16", (40, 0x18765)), ("fmem", (64, 1.25)), ("fmem", (65528, 1.0)),
    ("load_far", (0,)), ("load_far", (1,)),
    ("size", ()), ("grow", (1,)), ("size", ()), ("load", (65520,)), ("grow", (5,)), ("grow", (1,)), ("grow", (0,)),
    ("fill_copy", (103, 16, 5)), ("fill_copy", (14, 16, 12)), ("fill_copy", (18, 16, 12)),
    ("fill_copy", (0, 196600, 10)), ("fill_copy", (196600, 0, 10)),
    ("init", (0, 8, 0)), ("init", (5, 8, 0)), ("init", (6, 8, 0)), ("init", (0, 0, 1)), ("init", (0, 1, 0)),
    ("unreachable", (0,)), ("unreachable", (1,)),
    ("deep", (1000,)), ("deep", (10**6,)), ("deep", (3,)),
    ("big_frame", (77,)),
]


def _run_wasmtime(wat: str) -> list[tuple[str, object]]:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, wasmtime.wat2wasm(wat)), [])
    exports = instance.exports(store)
    out: list[tuple[str, object]] = []
    for name, args in CALLS:
        try:
            out.append(("ok", exports[name](store, *args)))  # type: ignore[operator]
        except wasmtime.Trap as trap:
            out.append(("trap", str(trap).splitlines()[-1].split("wasm trap: ")[-1]))
    return out


def test_program_matches_wasmtime() -> None:
    module, compiled = compile_wat(PROGRAM)
    ours = load(compiled, module)
    expected = _run_wasmtime(PROGRAM)
    got = [ours.call(name, *args) for name, args in CALLS]
    mismatches = [f"{name}{args}: ours {g}, wasmtime {e}"
                  for (name, args), g, e in zip(CALLS, got, expected, strict=True) if g != e]
    assert not mismatches, "\n".join(mismatches)
    assert ("trap", "call stack exhausted") in got and ("trap", "indirect call type mismatch") in got


def test_memory_size_word_tracks_growth() -> None:
    """The current memory size is where the documented vmctx word points (memory 0's record)."""
    module, compiled = compile_wat('(module (memory 2 10) (func (export "g") (param i32) (result i32) '
                                   '(memory.grow (local.get 0))))', name="sizes")
    ours = load(compiled, module)
    vmctx = StateSymbols("sizes").vmctx
    record = ours.read_word(vmctx, VMCTX_MEMORY)
    assert record == ours.symbols[StateSymbols("sizes").memrec0]
    assert ours.read_word(StateSymbols("sizes").memrec0, MEMORY_RECORD_SIZE) == 2 * 65536
    assert ours.call("g", 3) == ("ok", 2)
    assert ours.read_word(StateSymbols("sizes").memrec0, MEMORY_RECORD_SIZE) == 5 * 65536
    assert ours.call("g", 6) == ("ok", -1)


def test_start_function_and_data_run_on_first_export_call() -> None:
    wat = """(module (memory 1) (global $x (mut i32) (i32.const 1)) (data (i32.const 8) "\\2a")
      (func $start (global.set $x (i32.add (global.get $x) (i32.load8_u (i32.const 8)))))
      (start $start)
      (func (export "x") (result i32) (global.get $x)))"""
    module, compiled = compile_wat(wat)
    ours = load(compiled, module)
    assert ours.call("x") == ("ok", 43)
    assert ours.call("x") == ("ok", 43)  # instantiated once


def test_imports_are_c_calls() -> None:
    wat = """(module (import "env" "host_add" (func $add (param i32 f64) (result f64)))
      (table 1 funcref) (elem (i32.const 0) $add)
      (type $t (func (param i32 f64) (result f64)))
      (func (export "direct") (param i32) (result f64) (call $add (local.get 0) (f64.const 0.5)))
      (func (export "via_table") (param i32) (result f64)
        (call_indirect (type $t) (local.get 0) (f64.const 0.25) (i32.const 0))))"""
    module, compiled = compile_wat(wat)
    seen: list[tuple[int, float]] = []

    @ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_int32, ctypes.c_double)
    def host_add(a: int, b: float) -> float:
        seen.append((a, b))
        return a + b

    ours = load(compiled, module, {"host_add": host_add})  # type: ignore[dict-item]
    assert ours.call("direct", 41) == ("ok", 41.5)
    assert ours.call("via_table", -3) == ("ok", -2.75)
    assert seen == [(41, 0.5), (-3, 0.25)]
    assert struct.calcsize("<d") == 8
