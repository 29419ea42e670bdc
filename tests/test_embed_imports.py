"""Imports of every kind through the embedding API, by module and field name, with the spec's link-time type
checks; wasmtime-py 50 is the oracle for what links, what it then computes, and the wording of link errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import wasmtime

from emitter.errors import TrapError
from emitter.jit import (
    Func,
    FuncType,
    Global,
    GlobalType,
    Linker,
    LinkError,
    Memory,
    MemoryType,
    Table,
    TableType,
    ValType,
    compile_wasm,
)
from emitter.wasm.load import wat_to_wasm

I32 = ValType.I32

# A host definition on both sides: ours and wasmtime-py's, from one description.
Definition = Callable[[wasmtime.Store], Any]


def _ours(kind: str, spec: tuple[Any, ...]) -> Any:
    if kind == "memory":
        return Memory(MemoryType(*spec))
    if kind == "table":
        return Table(TableType(ValType.FUNCREF if spec[0] == "funcref" else ValType.EXTERNREF, *spec[1:]))
    if kind == "global":
        value_type = {"i32": ValType.I32, "i64": ValType.I64}[spec[0]]
        return Global(GlobalType(value_type, spec[1]), spec[2])
    params = tuple({"i32": ValType.I32, "i64": ValType.I64}[t] for t in spec[0])
    return Func(FuncType(params, ()), lambda *args: None)


def _theirs(store: wasmtime.Store, kind: str, spec: tuple[Any, ...]) -> Any:
    if kind == "memory":
        return wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(*spec)))
    if kind == "table":
        element = wasmtime.ValType.funcref() if spec[0] == "funcref" else wasmtime.ValType.externref()
        return wasmtime.Table(store, wasmtime.TableType(element, wasmtime.Limits(*spec[1:])), None)
    if kind == "global":
        value_type = {"i32": wasmtime.ValType.i32(), "i64": wasmtime.ValType.i64()}[spec[0]]
        return wasmtime.Global(store, wasmtime.GlobalType(value_type, spec[1]),
                               wasmtime.Val.i32(spec[2]) if spec[0] == "i32" else wasmtime.Val.i64(spec[2]))
    params = [{"i32": wasmtime.ValType.i32(), "i64": wasmtime.ValType.i64()}[t] for t in spec[0]]
    return wasmtime.Func(store, wasmtime.FuncType(params, []), lambda *args: None)


# (import declaration, kind of the definition given, its description)
LINK_CASES = [
    ('(memory 1)', "memory", (1, None)),
    ('(memory 2)', "memory", (1, None)),
    ('(memory 1 2)', "memory", (1, None)),
    ('(memory 1 2)', "memory", (1, 2)),
    ('(memory 1 3)', "memory", (2, 2)),
    ('(memory 1 1)', "memory", (1, 2)),
    ('(table 1 funcref)', "table", ("funcref", 1, None)),
    ('(table 1 funcref)', "table", ("externref", 1, None)),
    ('(table 2 funcref)', "table", ("funcref", 1, None)),
    ('(table 0 1 funcref)', "table", ("funcref", 1, None)),
    ('(table 0 2 funcref)', "table", ("funcref", 1, 1)),
    ('(global i32)', "global", ("i32", False, 1)),
    ('(global i32)', "global", ("i32", True, 1)),
    ('(global (mut i32))', "global", ("i32", False, 1)),
    ('(global i64)', "global", ("i32", False, 1)),
    ('(global (mut i64))', "global", ("i64", True, 1)),
    ('(func (param i32))', "func", (("i32",),)),
    ('(func (param i32))', "func", ((),)),
    ('(func (param i32))', "memory", (1, None)),
    ('(global i32)', "memory", (1, None)),
    ('(memory 1)', "func", ((),)),
    ('(table 1 funcref)', "global", ("i32", False, 1)),
]


def _wasmtime_link(declaration: str, kind: str, spec: tuple[Any, ...]) -> str | None:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define(store, "host", "item", _theirs(store, kind, spec))
    try:
        linker.instantiate(store, wasmtime.Module(engine, f'(module (import "host" "item" {declaration}))'))
    except wasmtime.WasmtimeError as error:
        return str(error)
    return None


@pytest.mark.parametrize(("declaration", "kind", "spec"), LINK_CASES)
def test_import_types_are_checked_like_wasmtime(declaration: str, kind: str, spec: tuple[Any, ...]) -> None:
    expected = _wasmtime_link(declaration, kind, spec)
    module = compile_wasm(wat_to_wasm(f'(module (import "host" "item" {declaration}))'), debug_info=False)
    linker = Linker()
    linker.define("host", "item", _ours(kind, spec))
    if expected is None:
        linker.instantiate(module).free()
        return
    with pytest.raises(LinkError) as raised:
        linker.instantiate(module)
    assert str(raised.value) == expected


def test_unknown_import_is_named_as_wasmtime_names_it() -> None:
    module = compile_wasm(wat_to_wasm('(module (import "spectest" "nothing" (func)))'), debug_info=False)
    engine = wasmtime.Engine()
    with pytest.raises(wasmtime.WasmtimeError) as theirs:
        wasmtime.Linker(engine).instantiate(wasmtime.Store(engine), wasmtime.Module(
            engine, '(module (import "spectest" "nothing" (func)))'))
    with pytest.raises(LinkError) as ours:
        Linker().instantiate(module)
    assert str(ours.value) == str(theirs.value) == "unknown import: `spectest::nothing` has not been defined"


EXPORTER = """(module
  (memory (export "mem") 1 4)
  (table (export "tab") 3 funcref)
  (global (export "g") (mut i32) (i32.const 5))
  (global (export "k") i64 (i64.const -9))
  (func $seven (export "seven") (result i32) (i32.const 7))
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (elem (i32.const 0) $seven $add)
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"""

IMPORTER = """(module
  (import "a" "mem" (memory 1))
  (import "a" "tab" (table 1 funcref))
  (import "a" "g" (global $g (mut i32)))
  (import "a" "k" (global $k i64))
  (import "a" "seven" (func $seven (result i32)))
  (type $binary (func (param i32 i32) (result i32)))
  (type $nullary (func (result i32)))
  (global $copy (export "copy") i64 (global.get $k))
  (data (i32.const 16) "\\2a")
  (elem (i32.const 2) $seven)
  (export "seven_again" (func $seven))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "bump") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
  (func (export "call0") (param i32) (result i32) (call_indirect (type $nullary) (local.get 0)))
  (func (export "call2") (param i32 i32 i32) (result i32)
    (call_indirect (type $binary) (local.get 1) (local.get 2) (local.get 0)))
  (func (export "via_import") (result i32) (call $seven)))"""

CALLS: list[tuple[str, str, tuple[int, ...]]] = [
    ("b", "load", (16,)), ("a", "store", (100, 1234)), ("b", "load", (100,)), ("b", "size", ()),
    ("a", "grow", (2,)), ("b", "size", ()), ("b", "bump", ()), ("b", "bump", ()), ("b", "call0", (0,)),
    ("b", "call2", (1, 20, 22)), ("b", "call0", (2,)), ("b", "call0", (1,)), ("b", "call2", (0, 1, 2)),
    ("b", "call0", (9,)), ("b", "via_import", ()), ("b", "seven_again", ()), ("b", "load", (4 * 65536,)),
]


def _wasmtime_pair() -> list[tuple[str, object]]:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    a = linker.instantiate(store, wasmtime.Module(engine, EXPORTER))
    linker.define_instance(store, "a", a)
    b = linker.instantiate(store, wasmtime.Module(engine, IMPORTER))
    instances = {"a": a, "b": b}
    out: list[tuple[str, object]] = []
    for which, name, args in CALLS:
        try:
            out.append(("ok", instances[which].exports(store)[name](store, *args)))
        except wasmtime.Trap as trap:
            out.append(("trap", str(trap).rstrip().splitlines()[-1].split("wasm trap: ")[-1]))
    out.append(("ok", a.exports(store)["g"].value(store)))
    out.append(("ok", b.exports(store)["copy"].value(store)))
    return out


def test_memories_tables_globals_and_functions_of_another_instance_match_wasmtime() -> None:
    linker = Linker()
    a = linker.instantiate(compile_wasm(wat_to_wasm(EXPORTER), module_name="a"))
    linker.define_instance("a", a)
    b = linker.instantiate(compile_wasm(wat_to_wasm(IMPORTER), module_name="b"))
    instances = {"a": a, "b": b}
    got: list[tuple[str, object]] = []
    for which, name, args in CALLS:
        try:
            got.append(("ok", instances[which].exports[name](*args)))
        except TrapError as trap:
            got.append(("trap", trap.backtrace.rstrip().splitlines()[-1].split("wasm trap: ")[-1]))
    got.append(("ok", a.exports["g"].value))
    got.append(("ok", b.exports["copy"].value))
    assert got == _wasmtime_pair()
    # One memory, one table, one global: the very objects, shared.
    assert b.exports.get("seven_again") == a.exports["seven"]
    assert a.exports["mem"] is b.memory(0) and a.exports["tab"] is b.tables[0]
    b.free()
    a.free()


def test_host_memory_table_and_global_are_shared_with_the_instance() -> None:
    memory = Memory(MemoryType(1, 2))
    table = Table(TableType(ValType.FUNCREF, 2))
    counter = Global(GlobalType(I32, True), 40)
    seen: list[int] = []
    log = Func(FuncType((I32,), ()), seen.append)
    module = compile_wasm(wat_to_wasm("""(module
      (import "env" "memory" (memory 1))
      (import "env" "table" (table 2 funcref))
      (import "env" "counter" (global $c (mut i32)))
      (import "env" "log" (func $log (param i32)))
      (type $t (func (param i32)))
      (func (export "run") (param i32)
        (global.set $c (i32.add (global.get $c) (i32.load8_u (local.get 0))))
        (call_indirect (type $t) (global.get $c) (i32.const 0))))"""), debug_info=False)
    linker = Linker()
    for name, item in {"memory": memory, "table": table, "counter": counter, "log": log}.items():
        linker.define("env", name, item)
    instance = linker.instantiate(module)
    memory.write(3, b"\x02")
    table.set(0, log)
    instance.exports["run"](3)
    assert counter.value == 42 and seen == [42]
    assert table.get(0) == log
    instance.free()


def test_a_start_function_trap_and_an_out_of_bounds_segment_fail_instantiation_like_wasmtime() -> None:
    engine = wasmtime.Engine()
    for wat in ['(module (memory 1) (data (i32.const 65535) "ab"))',
                '(module (table 1 funcref) (func $f) (elem (i32.const 1) $f))',
                '(module (func $s unreachable) (start $s))']:
        with pytest.raises(wasmtime.Trap) as theirs:
            wasmtime.Instance(wasmtime.Store(engine), wasmtime.Module(engine, wat), [])
        with pytest.raises(TrapError) as ours:
            Linker().instantiate(compile_wasm(wat_to_wasm(wat), debug_info=False))
        expected = str(theirs.value).rstrip().splitlines()[-1].strip()
        assert ours.value.backtrace.rstrip().splitlines()[-1].strip().endswith(expected), (wat, expected)


def test_segments_before_the_failing_one_stay_written_in_an_imported_memory() -> None:
    """The spec's (and wasmtime's) order: segments are applied one by one; a trap leaves the earlier ones."""
    memory = Memory(MemoryType(1))
    linker = Linker()
    linker.define("env", "memory", memory)
    wat = '(module (import "env" "memory" (memory 1)) (data (i32.const 0) "ok") (data (i32.const 65535) "ab"))'
    with pytest.raises(TrapError):
        linker.instantiate(compile_wasm(wat_to_wasm(wat), debug_info=False))
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    theirs = wasmtime.Memory(store, wasmtime.MemoryType(wasmtime.Limits(1, None)))
    with pytest.raises(wasmtime.Trap):
        wasmtime.Instance(store, wasmtime.Module(engine, wat), [theirs])
    assert memory.read(0, 2) == bytes(theirs.read(store, 0, 2)) == b"ok"


def test_imports_resolve_by_module_and_field_then_by_field() -> None:
    """Two imports of one field name from two modules are two imports; a field-only key still binds."""
    module = compile_wasm(wat_to_wasm("""(module
      (import "a" "f" (func $af (result i32)))
      (import "b" "f" (func $bf (result i32)))
      (import "c" "g" (func $cg (result i32)))
      (func (export "f") (result i32) (i32.add (i32.add (call $af) (call $bf)) (call $cg))))"""),
        debug_info=False)
    instance = module.instantiate({("a", "f"): lambda: 1, ("b", "f"): lambda: 20, "g": lambda: 300})
    # The export named like an import does not capture calls to the import.
    assert instance.exports["f"]() == 321
    instance.free()


def test_an_imported_function_keeps_its_identity_as_a_funcref() -> None:
    """``ref.func`` of an import, an active and a passive element segment and a re-export all give the
    exporter's funcref, and a table of the exporter calls it."""
    linker = Linker()
    a = linker.instantiate(compile_wasm(wat_to_wasm(
        '(module (func (export "f") (result i32) (i32.const 9)) (table (export "t") 4 funcref))'),
        module_name="a", debug_info=False))
    linker.define_instance("a", a)
    b = linker.instantiate(compile_wasm(wat_to_wasm("""(module
      (import "a" "f" (func $f (result i32)))
      (import "a" "t" (table 4 funcref))
      (elem (i32.const 0) $f)
      (elem $passive func $f)
      (export "again" (func $f))
      (func (export "ref") (result funcref) (ref.func $f))
      (func (export "init") (table.init $passive (i32.const 1) (i32.const 0) (i32.const 1))))"""),
        module_name="b", debug_info=False))
    f = a.exports["f"]
    b.exports["init"]()
    table = a.exports["t"]
    assert b.exports["ref"]() == f and b.exports["again"] == f
    assert table.get(0) == f and table.get(1) == f and table.get(1)() == 9
    b.free()
    a.free()
