"""Values across the embedding API: several results as a tuple, funcref and externref in arguments, results,
globals and tables, f32/f64 bit-exact (signalling NaNs) through the bits form, exports of globals and tables
readable and writable from Python; wasmtime-py 50 is the oracle where it can say the same."""

from __future__ import annotations

import struct

import pytest
import wasmtime

from emitter.errors import JitdebugError, TrapError, UnsupportedError
from emitter.jit import Func, FuncType, Global, GlobalType, Linker, Table, TableType, ValType, compile_wasm
from emitter.wasm.load import wat_to_wasm

I32, I64, F32, F64 = ValType.I32, ValType.I64, ValType.F32, ValType.F64
FUNCREF, EXTERNREF = ValType.FUNCREF, ValType.EXTERNREF

PROGRAM = """(module
  (import "host" "pair" (func $pair (param i32) (result i32 i64)))
  (table $t (export "table") 2 10 funcref)
  (table $e (export "externs") 1 externref)
  (global $g (export "counter") (mut i64) (i64.const 1))
  (global $f (export "pi") f64 (f64.const 3.25))
  (global $r (export "ref") (mut funcref) (ref.null func))
  (func $swap (export "swap") (param i32 f32 i64 f64) (result f64 i64 f32 i32)
    (local.get 3) (local.get 2) (local.get 1) (local.get 0))
  (func (export "via_host") (param i32) (result i64 i32)
    (call $pair (local.get 0)) (local.set 0 (i32.wrap_i64)) (i64.extend_i32_u) (local.get 0))
  (func (export "f32") (param f32) (result f32) (local.get 0))
  (func (export "f64") (param f64) (result f64) (local.get 0))
  (func (export "funcref") (param funcref) (result funcref) (local.get 0))
  (func (export "externref") (param externref) (result externref) (local.get 0))
  (func (export "is_null") (param externref) (result i32) (ref.is_null (local.get 0)))
  (func (export "stash") (param externref) (table.set $e (i32.const 0) (local.get 0)))
  (func (export "table_grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "call") (param i32) (result f64 i64 f32 i32)
    (call_indirect $t (type 1) (i32.const 1) (f32.const 2) (i64.const 3) (f64.const 4) (local.get 0)))
  (func (export "bump") (result i64) (global.set $g (i64.add (global.get $g) (i64.const 1))) (global.get $g)))"""


def _wasmtime() -> tuple[wasmtime.Store, dict[str, object]]:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_func("host", "pair", wasmtime.FuncType([wasmtime.ValType.i32()],
                                                         [wasmtime.ValType.i32(), wasmtime.ValType.i64()]),
                       lambda x: (x + 1, -x))
    instance = linker.instantiate(store, wasmtime.Module(engine, PROGRAM))
    return store, dict(instance.exports(store))


@pytest.fixture
def ours():  # type: ignore[no-untyped-def]
    linker = Linker()
    linker.define("host", "pair", Func(FuncType((I32,), (I32, I64)), lambda x: (x + 1, -x)))
    instance = linker.instantiate(compile_wasm(wat_to_wasm(PROGRAM), module_name="values"))
    yield instance
    instance.free()


def test_several_results_are_a_tuple_as_in_wasmtime(ours) -> None:  # type: ignore[no-untyped-def]
    store, theirs = _wasmtime()
    for name, args in [("swap", (-7, 1.5, 1 << 40, -0.25)), ("via_host", (41,)), ("via_host", (-3,))]:
        assert ours.exports[name](*args) == tuple(theirs[name](store, *args)), name  # type: ignore[operator]


def test_float_bits_survive_signalling_nans_both_ways(ours) -> None:  # type: ignore[no-untyped-def]
    for bits in (0x7FA00001, 0xFF800001, 0x7FC00000, 0x00000001, 0x80000000):
        assert ours.exports["f32"].call_bits(bits) == (bits,)
    for bits in (0x7FF0000000000001, 0xFFF4000000000000, 0x8000000000000000):
        assert ours.exports["f64"].call_bits(bits) == (bits,)
    # A host function with ``bits=True`` sees and returns the exact pattern too.
    seen: list[int] = []

    def echo(x: int) -> int:
        seen.append(x)
        return x ^ 1

    module = compile_wasm(wat_to_wasm('(module (import "h" "f" (func $f (param f32) (result f32)))'
                                      ' (func (export "g") (param f32) (result f32) (call $f (local.get 0))))'),
                          debug_info=False)
    linker = Linker()
    linker.define("h", "f", Func(FuncType((F32,), (F32,)), echo, bits=True))
    instance = linker.instantiate(module)
    assert instance.exports["g"].call_bits(0x7FA00000) == (0x7FA00001,) and seen == [0x7FA00000]
    # The float form goes through a Python float, which cannot hold a signalling NaN: documented, not hidden.
    assert struct.pack("<f", instance.exports["g"](1.5)) == struct.pack("<I", struct.unpack("<I", struct.pack(
        "<f", 1.5))[0] ^ 1)
    instance.free()


def test_funcref_and_externref_cross_the_api_with_identity(ours) -> None:  # type: ignore[no-untyped-def]
    swap = ours.exports["swap"]
    assert ours.exports["funcref"](swap) == swap
    assert ours.exports["funcref"](None) is None
    token = object()
    assert ours.exports["externref"](token) is token
    assert ours.exports["externref"](None) is None
    assert ours.exports["is_null"](None) == 1 and ours.exports["is_null"](token) == 0
    ours.exports["stash"](token)
    assert ours.exports["externs"].get(0) is token
    # A funcref out of a table is callable and is the export.
    table = ours.exports["table"]
    table.set(1, swap)
    assert table.get(1) == swap and table.get(1)(1, 2.0, 3, 4.0) == (4.0, 3, 2.0, 1)
    assert ours.exports["call"](1) == (4.0, 3, 2.0, 1)
    with pytest.raises(TrapError, match="uninitialized element"):
        ours.exports["call"](0)
    with pytest.raises(TypeError):
        table.set(0, token)


def test_exported_globals_and_tables_read_and_write_from_python(ours) -> None:  # type: ignore[no-untyped-def]
    counter, pi, ref = ours.exports["counter"], ours.exports["pi"], ours.exports["ref"]
    assert (counter.value, pi.value, ref.value) == (1, 3.25, None)
    counter.value = -5
    assert ours.exports["bump"]() == -4 and counter.value == -4
    assert pi.bits == struct.unpack("<Q", struct.pack("<d", 3.25))[0]
    with pytest.raises(JitdebugError, match="immutable"):
        pi.value = 1.0
    ref.value = ours.exports["swap"]
    assert ref.value == ours.exports["swap"]
    table = ours.exports["table"]
    assert table.size() == 2 and ours.exports["table_grow"](3) == 2 and table.size() == 5
    assert table.grow(5) == 5 and table.size() == 10 and ours.exports["table_grow"](1) == -1
    with pytest.raises(JitdebugError, match="failed to grow table"):
        table.grow(1)


def test_host_funcref_called_through_a_table_and_a_host_table() -> None:
    """A host ``Func`` placed in a table is called by ``call_indirect``; its exception stops the Wasm code."""
    calls: list[int] = []

    def record(x: int) -> int:
        calls.append(x)
        if x < 0:
            raise ValueError("negative")
        return 2 * x

    host = Func(FuncType((I32,), (I32,)), record)
    table = Table(TableType(FUNCREF, 1), host)
    linker = Linker()
    linker.define("env", "table", table)
    linker.define("env", "gate", Global(GlobalType(FUNCREF, False), host))
    instance = linker.instantiate(compile_wasm(wat_to_wasm("""(module
      (import "env" "table" (table 1 funcref))
      (import "env" "gate" (global $gate funcref))
      (func (export "call") (param i32) (result i32) (call_indirect (param i32) (result i32) (local.get 0)
        (i32.const 0)))
      (func (export "gate") (result funcref) (global.get $gate)))"""), debug_info=False))
    assert instance.exports["call"](21) == 42
    with pytest.raises(ValueError, match="negative"):
        instance.exports["call"](-1)
    assert instance.exports["gate"]() == host and calls == [21, -1]
    instance.free()


def test_a_null_exnref_crosses_the_api_as_none_and_a_caught_exception_is_refused() -> None:
    """The one exception reference Python can hold is the null one (an exception reaches Python as the error it
    raises); a caught exception's reference is refused with a clear error, never shown as a number."""
    instance = Linker().instantiate(compile_wasm(wat_to_wasm("""(module
      (tag $t)
      (func (export "null") (result exnref) (ref.null exn))
      (func (export "is_null") (param exnref) (result i32) (ref.is_null (local.get 0)))
      (func (export "caught") (result exnref)
        (block $h (result exnref) (try_table (catch_all_ref $h) (throw $t)) (unreachable))))"""),
        debug_info=False))
    assert instance.exports["null"]() is None
    assert instance.exports["is_null"](None) == 1
    with pytest.raises(TypeError, match="must be None for exnref"):
        instance.exports["is_null"](0)
    with pytest.raises(UnsupportedError, match="a non-null exnref cannot cross the embedding API"):
        instance.exports["caught"]()
    instance.free()
