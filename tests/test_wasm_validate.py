"""The validator against two real ones: wasmtime (same verdict, same offending offset: wasmparser reports the
instruction's module offset, as we do) and wabt's ``wasm-validate`` (same verdict)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import wasmtime

from emitter.errors import ValidationError, WasmError
from emitter.wasm.decoder import decode
from emitter.wasm.features import WASM2
from emitter.wasm.validate import validate
from tests.tools import ROOT, run

PRELUDE = """(module (type $v (func)) (type $ii (func (param i32) (result i32)))
 (type $pair (func (param i32 i32) (result i32 i32)))
 (memory 1) (table $f 2 funcref) (table $x 2 externref)
 (global $c i32 (i32.const 1)) (global $m (mut i32) (i32.const 0))
 (tag $e (param i32)) (tag $e0) (data $d "abc") (elem $s func $ok) (func $ok) (func $p (param i32))
"""

#: Function bodies checked against both validators; names starting with "valid" must be accepted.
BODIES = {
    "add_i64": "(func (result i32) i32.const 1 i64.const 2 i32.add)",
    "local_oob": "(func (local i32) local.get 5 drop)",
    "global_immutable": "(func i32.const 1 global.set $c)",
    "br_depth": "(func block br 3 end)",
    "block_empty_result": "(func block (result i32) end drop)",
    "align": "(func i32.const 0 i32.load align=8 drop)",
    "call_oob": "(func call 99)",
    "extra_value": "(func i32.const 1)",
    "if_no_else": "(func (result i32) i32.const 1 if (result i32) i32.const 2 end)",
    "select_ref": "(func ref.null func ref.null func i32.const 1 select drop)",
    "ref_func_undeclared": "(func ref.func $p drop)",
    "call_indirect_extern": "(func i32.const 0 call_indirect $x (type $v))",
    "table_copy_types": "(func i32.const 0 i32.const 0 i32.const 0 table.copy $f $x)",
    "throw_params": "(func f32.const 1 throw $e)",
    "store_missing": "(func i32.const 0 i32.store)",
    "br_table_arity": "(func (result i32) block (result i32) block i32.const 0 i32.const 0 br_table 0 1 end "
                      "i32.const 1 end)",
    "unknown_tag": "(func throw 7)",
    "local_set_type": "(func (local f32) i32.const 1 local.set 0)",
    "return_type": "(func (result i64) i32.const 0 return)",
    "unreachable_then_bad": "(func (result i32) unreachable i64.const 0 i32.add)",
    "table_init_types": "(func i32.const 0 i32.const 0 i32.const 0 table.init $x $s)",
    "memory_init_oob": "(func i32.const 0 i32.const 0 i32.const 0 memory.init 3)",
    "data_drop_oob": "(func data.drop 4)",
    "elem_drop_oob": "(func elem.drop 4)",
    "global_get_oob": "(func global.get 9 drop)",
    "table_get_oob": "(func i32.const 0 table.get 5 drop)",
    "ref_is_null_num": "(func i32.const 0 ref.is_null drop)",
    "memory_grow_type": "(func i64.const 1 memory.grow drop)",
    "multi_value_block_params": "(func (result i32) i32.const 1 block (type $pair) i32.add end)",
    "rethrow_outside_catch": "(func try rethrow 0 end)",
    "catch_outside_try": "(func block nop end)",
    "else_outside_if": "(func block nop end)",
    "legacy_catch_params": "(func (result i32) try (result i32) i32.const 0 catch $e i64.extend_i32_u end)",
    "else_branch_type": "(func (result i32) i32.const 1 if (result i32) i32.const 2 else f32.const 0 end)",
    "valid_loop_label": "(func (result i32) loop (result i32) i32.const 1 br_if 0 i32.const 2 end)",
    "valid_everything": "(func (param $a i32) (result i32) (local $t i64) block $b (result i32) local.get $a "
                        "local.get $a br_if $b local.get $a i32.const 0 select end i32.const 0 "
                        "call_indirect $f (type $ii) local.get $a i32.const 0 i32.const 1 memory.init $d data.drop $d)",
    "valid_unreachable_polymorphic": "(func (result i32 f64) unreachable select br_table 0 0)",
    "valid_multi_value": "(func (result i32) i32.const 1 i32.const 2 block (type $pair) end i32.add)",
    "valid_legacy_exceptions": "(func (result i32) try (result i32) i32.const 0 call $p i32.const 1 "
                               "catch $e catch_all i32.const 2 end try nop catch_all try rethrow 1 delegate 0 "
                               "end)",
    "valid_references": "(func (result funcref) i32.const 0 ref.func $ok table.set $f ref.null extern "
                        "ref.null extern i32.const 0 select (result externref) ref.is_null drop "
                        "i32.const 0 table.get $f)",
}
#: Instructions no text assembler places where they are invalid: patched into the binary (block, nop, end).
PATCHES = {"catch_outside_try": (b"\x02\x40\x01\x0b", b"\x02\x40\x19\x0b"),
           "else_outside_if": (b"\x02\x40\x01\x0b", b"\x02\x40\x05\x0b")}
#: The legacy exception form, which wasmtime does not validate: wabt is the offset oracle for these.
LEGACY = {"rethrow_outside_catch", "catch_outside_try", "legacy_catch_params", "valid_legacy_exceptions"}
#: wasmparser names the instruction after a misplaced ``else``; we name the ``else``.
WASMTIME_NEXT_INSTRUCTION = {"else_outside_if"}
#: wabt 1.0.32 accepts ``call_indirect`` through an externref table; the spec and wasmtime do not.
WABT_GAPS = {"call_indirect_extern"}
_WASMTIME_OFFSET = re.compile(r"\(at offset (0x[0-9a-f]+)\)")


def wasmtime_engine() -> wasmtime.Engine:
    config = wasmtime.Config()
    config.wasm_exceptions = True
    return wasmtime.Engine(config)


def wasmtime_verdict(engine: wasmtime.Engine, data: bytes) -> int | None:
    """None when wasmtime accepts the module, else the offset its error names (-1 when it names none)."""
    try:
        wasmtime.Module.validate(engine, data)
    except wasmtime.WasmtimeError as error:
        found = _WASMTIME_OFFSET.search(str(error))
        return int(found.group(1), 16) if found else -1
    return None


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every body assembled by wabt without checks (so invalid ones assemble), in one directory."""
    out = tmp_path_factory.mktemp("validate")
    paths = {}
    for name, body in BODIES.items():
        wat = out / f"{name}.wat"
        wat.write_text(PRELUDE + body + ")\n")
        paths[name] = out / f"{name}.wasm"
        run(["wat2wasm", "--no-check", "--enable-exceptions", "-o", paths[name], wat])
        if name in PATCHES:
            old, new = PATCHES[name]
            data = paths[name].read_bytes()
            assert data.count(old) == 1
            paths[name].write_bytes(data.replace(old, new))
    return paths


def ours(data: bytes) -> ValidationError | None:
    try:
        validate(decode(data))
    except ValidationError as error:
        return error
    return None


def wabt_verdict(path: Path) -> int | None:
    """None when wasm-validate accepts the module, else the offset it names."""
    proc = run(["wasm-validate", "--enable-exceptions", path], check=False)
    if proc.returncode == 0:
        return None
    found = re.search(r"([0-9a-f]{7}): error", proc.stderr)
    assert found, proc.stderr
    return int(found.group(1), 16)


def wabt_offset_of(data: bytes, offset: int) -> int:
    """wabt names the end of the offending instruction (its start for a function's final ``end``)."""
    for func in decode(data).functions:
        for ins, following in zip(func.body, func.body[1:], strict=False):
            if ins.offset == offset:
                return following.offset
        if func.body[-1].offset == offset:
            return offset
    raise AssertionError(f"no instruction at {offset:#x}")


@pytest.mark.parametrize("name", BODIES)
def test_agrees_with_wasmtime_on_verdict_and_offset(name: str, corpus: dict[str, Path]) -> None:
    data = corpus[name].read_bytes()
    error = ours(data)
    if name in LEGACY:
        expected = wabt_verdict(corpus[name])
        if error is not None:
            assert expected is not None
            assert wabt_offset_of(data, error.offset or 0) == expected, f"ours: {error}; wabt: {expected:#x}"
        assert name.startswith("valid") == (expected is None) == (error is None)
        return
    expected = wasmtime_verdict(wasmtime_engine(), data)
    if name in WASMTIME_NEXT_INSTRUCTION and error is not None and expected is not None:
        assert wabt_offset_of(data, error.offset or 0) == expected
        return
    assert name.startswith("valid") == (expected is None)
    if expected is None:
        assert error is None
    else:
        assert error is not None
        assert error.offset == expected, f"ours: {error}; wasmtime: {expected:#x}"


def test_agrees_with_wasm_validate(corpus: dict[str, Path]) -> None:
    for name, path in corpus.items():
        if name in WABT_GAPS:
            continue
        wabt = run(["wasm-validate", "--enable-exceptions", path], check=False)
        assert (wabt.returncode == 0) == (ours(path.read_bytes()) is None), f"{name}: {wabt.stderr}"


@pytest.mark.parametrize(("wat", "reason"), [
    ('(module (func $a) (export "x" (func $a)) (export "x" (func $a)))', "duplicate export name"),
    ("(module (func $s (param i32)) (start $s))", "start function must have type"),
    ("(module (global i32 (i64.const 0)))", "type mismatch"),
    ("(module (global $g (mut i32) (i32.const 0)) (global i32 (global.get $g)))", "constant expression required"),
    ("(module (global i32 (global.get 1)) (global $g i32 (i32.const 0)))", "unknown global 1"),
    ('(module (global $g (import "m" "g") (mut i32)) (global i32 (global.get $g)))', "constant expression required"),
    ('(module (global (import "m" "g") (mut funcref)) (table 1 funcref) (elem (i32.const 0) funcref (global.get 0)))',
     "constant expression required"),
    ('(module (global (import "m" "g") externref) (table 1 funcref) (elem (i32.const 0) funcref (global.get 0)))',
     "type mismatch"),
    ("(module (table 1 funcref) (elem (i32.const 0) funcref (i32.const 0)))", "type mismatch"),
    ("(module (memory 1) (data (i64.const 0) \"x\"))", "type mismatch"),
    ("(module (memory 2 1))", "size minimum must not be greater than maximum"),
    ("(module (tag (result i32)))", "tag types must have no results"),
    ("(module (func (result i32) block (result i32) try_table (catch_all 0) end i32.const 0 end))",
     "catch_all label expects"),
    ("(module (tag $e (param i64)) (func (result i32) block (result i32) try_table (catch $e 0) end i32.const 0 "
     "end))", "catch label expects"),
])
def test_module_level_rules(wat: str, reason: str, tmp_path: Path) -> None:
    data = bytes(wasmtime.wat2wasm(wat))
    with pytest.raises(ValidationError, match=reason):
        validate(decode(data))
    assert wasmtime_verdict(wasmtime_engine(), data) is not None


def test_constant_expressions_read_earlier_globals_as_wasmtime_does_unless_wasm2_is_asked() -> None:
    data = bytes(wasmtime.wat2wasm("(module (global $g i32 (i32.const 8)) (global i32 (global.get $g)) (memory 1) "
                                   "(data (global.get 1) \"x\"))"))
    assert wasmtime_verdict(wasmtime_engine(), data) is None
    validate(decode(data))
    with pytest.raises(ValidationError, match="unknown global 0"):
        validate(decode(data), WASM2)


@pytest.mark.parametrize("sample", ["control", "tables", "exceptions", "legacy_exceptions"])
def test_samples_are_valid(sample: str, tmp_path: Path) -> None:
    data = bytes(wasmtime.wat2wasm((ROOT / "samples" / "wasm" / f"{sample}.wat").read_text()))
    validate(decode(data))
    if sample == "legacy_exceptions":
        (tmp_path / "m.wasm").write_bytes(data)
        assert wabt_verdict(tmp_path / "m.wasm") is None
    else:
        assert wasmtime_verdict(wasmtime_engine(), data) is None


def test_errors_are_wasm_errors_with_offsets(corpus: dict[str, Path]) -> None:
    error = ours(corpus["add_i64"].read_bytes())
    assert isinstance(error, WasmError)
    assert str(error).startswith(f"module offset {error.offset:#x}: type mismatch")
