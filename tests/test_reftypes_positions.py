"""Every value type through every position a value type can take: parameters, results, call results, locals,
globals, tables (reference types), block/loop/if parameters and results, branches out of blocks, typed
``select``, several results, ``call_indirect``, and exception payloads (a tag's parameter caught by ``catch``).

Each position is one exported function that makes a distinguishable value of the type, carries it through that
position and observes it as a number (numbers as themselves; a funcref by calling it; an exnref by rethrowing it
and catching its payload; an externref, which Wasm code cannot make non-null, by ``ref.is_null``). wasmtime-py with
exceptions enabled runs the same module as the oracle, and ``jitdebug compile`` must take every module too (no
traceback, as for the 132 generated modules that died on ``exnref``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import wasmtime

from emitter.jit import compile_wasm
from tests.tools import ROOT, run


@dataclass(frozen=True)
class Kind:
    name: str
    #: An expression that makes a value of the type, distinguishable from the type's other values.
    make: str
    #: Instructions turning the value on the stack into the observed number (type ``observed``).
    observe: str
    observed: str
    reference: bool = False


KINDS = [
    Kind("i32", "(i32.const -123456)", "", "i32"),
    Kind("i64", "(i64.const 0x123456789abcdef)", "", "i64"),
    Kind("f32", "(f32.const -2.75)", "", "f32"),
    Kind("f64", "(f64.const 1.0e300)", "", "f64"),
    Kind("funcref", "(ref.func $target)",
         "(local.set $f) (table.set $observe (i32.const 0) (local.get $f)) "
         "(call_indirect $observe (type $give) (i32.const 0))", "i32", True),
    Kind("externref", "(ref.null extern)", "(ref.is_null)", "i32", True),
    Kind("exnref", "(call $make_exn)",
         "(local.set $e) (block $h (result i32) (try_table (catch $payload $h) (throw_ref (local.get $e))) "
         "(unreachable))", "i32", True),
]

#: Position name -> the body carrying a value of type T from ``(MAKE)`` to the stack, where ``OBSERVE`` takes it.
POSITIONS = {
    "argument_and_result": "(call $id MAKE)",
    "local": "(local.set $l MAKE) (local.get $l)",
    "local_tee": "(local.tee $l MAKE)",
    "global": "(global.set $g MAKE) (global.get $g)",
    "block_result": "(block (result T) MAKE)",
    "block_param": "MAKE (block (param T) (result T))",
    "loop_param": "MAKE (loop (param T) (result T))",
    "if_result": "(if (result T) (i32.const 1) (then MAKE) (else (unreachable)))",
    "br_out": "(block $b (result T) MAKE (br $b) (unreachable))",
    "br_if_out": "(block $b (result T) MAKE (i32.const 1) (br_if $b) (unreachable))",
    "select": "(select (result T) MAKE (call $other) (i32.const 1))",
    "select_other": "(select (result T) (call $other) MAKE (i32.const 0))",
    "several_results": "(call $pair MAKE) (drop)",
    "several_results_first": "(call $pair_swapped MAKE) (local.set $l) (drop) (local.get $l)",
    "call_indirect": "(call_indirect $funcs (type $id_type) MAKE (i32.const 0))",
    "tag_payload": "(block $h (result T) (try_table (catch $carry $h) (throw $carry MAKE)) (unreachable))",
    "tag_payload_ref": "(block $h (result T exnref) (try_table (catch_ref $carry $h) (throw $carry MAKE)) "
                       "(unreachable)) (drop)",
    "table": "(table.set $t (i32.const 1) MAKE) (table.get $t (i32.const 1))",
    "table_fill_grow": "(drop (table.grow $t (call $other) (i32.const 2))) (table.fill $t (i32.const 1) MAKE "
                       "(i32.const 3)) (table.get $t (i32.const 3))",
}
REFERENCE_ONLY = {"table", "table_fill_grow"}


def module_text(kind: Kind) -> str:
    t = kind.name
    other = {"i32": "(i32.const 5)", "i64": "(i64.const 5)", "f32": "(f32.const 5)", "f64": "(f64.const 5)",
             "funcref": "(ref.func $other_target)", "externref": "(ref.null extern)",
             "exnref": "(ref.null exn)"}[t]
    null = {"funcref": "(ref.null func)", "externref": "(ref.null extern)", "exnref": "(ref.null exn)"}
    initial = null.get(t, other)
    exports = []
    for position, body in POSITIONS.items():
        if position in REFERENCE_ONLY and not kind.reference:
            continue
        code = body.replace("MAKE", kind.make).replace("(result T)", f"(result {t})").replace(
            "(param T)", f"(param {t})").replace("(result T exnref)", f"(result {t} exnref)")
        exports.append(f'(func (export "{position}") (result {kind.observed})'
                       f" (local $l {t}) (local $e exnref) (local $f funcref)\n    {code}\n    {kind.observe})")
    table = f"(table $t 4 {t})" if kind.reference else ""
    return f"""(module
  (type $give (func (result i32)))
  (type $id_type (func (param {t}) (result {t})))
  (tag $payload (param i32))
  (tag $carry (param {t}))
  (table $observe 1 funcref)
  (table $funcs 1 funcref)
  (elem (table $funcs) (i32.const 0) func $id)
  (elem declare func $target $other_target)
  {table}
  (global $g (mut {t}) {initial})
  (func $target (result i32) (i32.const 4242))
  (func $other_target (result i32) (i32.const 99))
  (func $make_exn (result exnref)
    (block $h (result exnref) (try_table (catch_all_ref $h) (throw $payload (i32.const 31337))) (unreachable)))
  (func $id (param {t}) (result {t}) (local.get 0))
  (func $other (result {t}) {other})
  (func $pair (param {t}) (result {t} i32) (local.get 0) (i32.const 1))
  (func $pair_swapped (param {t}) (result i32 {t}) (i32.const 1) (local.get 0))
  {chr(10).join('  ' + e for e in exports)}
)
"""


def _oracle(wasm: bytes) -> dict[str, object]:
    config = wasmtime.Config()
    config.wasm_exceptions = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, wasm), [])
    results: dict[str, object] = {}
    for name, export in instance.exports(store).items():
        assert isinstance(export, wasmtime.Func)
        results[name] = export(store)
    return results


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_value_type_in_every_position_matches_wasmtime(kind: Kind, tmp_path: Path) -> None:
    text = module_text(kind)
    source = tmp_path / f"{kind.name}.wat"
    source.write_text(text)
    expected = _oracle(bytes(wasmtime.wat2wasm(text)))
    assert len(expected) >= len(POSITIONS) - len(REFERENCE_ONLY)
    with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as instance:
        got = {name: instance.exports[name]() for name in expected}
    assert got == expected
    # The AOT compiler takes the same module (the positions are all inside the module, behind C-ABI exports).
    proc = run([ROOT / ".venv" / "bin" / "jitdebug", "compile", source, "-o", tmp_path / "m.o", "--header",
                tmp_path / "m.h"], check=False)
    assert (proc.returncode, proc.stderr) == (0, "")


def test_exports_with_reference_types_leave_the_rest_of_the_module_usable(tmp_path: Path) -> None:
    """Generated modules export every function: one whose type has no C form must not stop the others (JIT and
    header); calling it is the one-line error."""
    source = tmp_path / "m.wat"
    source.write_text('(module (func (export "r") (param exnref externref) (result funcref) (ref.null func))'
                      ' (func (export "n") (result i32) (i32.const 7)))')
    jitdebug = ROOT / ".venv" / "bin" / "jitdebug"
    assert run([jitdebug, "run", source, "--invoke", "n"]).stdout == "7\n"
    refused = run([jitdebug, "run", source, "--invoke", "r"], check=False)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr == ("jitdebug: error: export 'r' has type (func (param exnref externref) (result "
                              "funcref)), which the JIT's C ABI cannot call (i32, i64, f32, f64 and at most one "
                              "result)\n")
    run([jitdebug, "compile", source, "-o", tmp_path / "m.o", "--header", tmp_path / "m.h"])
    header = (tmp_path / "m.h").read_text()
    assert "int32_t n(void);" in header
    assert "/* export 'r' is not declared: exnref, externref, funcref has no C ABI type */" in header
