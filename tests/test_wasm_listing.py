"""The text listing (one instruction per line, the file the DWARF line table names), function names as wasmtime
prints them in backtraces, and loading modules from text and binary files."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import wasmtime

from emitter.errors import DecodeError, ValidationError
from emitter.wasm.decoder import decode
from emitter.wasm.listing import render_listing
from emitter.wasm.load import load_bytes, load_module
from emitter.wasm.names import display_name, function_name, module_display_name
from emitter.wasm.validate import validate
from tests.test_wasm_decoder import SAMPLES, WABT_SAMPLES, objdump_instructions, wabt_assemble
from tests.tools import run

_LISTED = re.compile(r"^  0x([0-9a-f]+): ( *)(\S+)")


@pytest.mark.parametrize("sample", WABT_SAMPLES)
def test_every_instruction_is_listed_once_with_its_offset(sample: str, tmp_path: Path) -> None:
    wasm = wabt_assemble(SAMPLES / f"{sample}.wat", tmp_path)
    module = decode(wasm.read_bytes())
    listing = render_listing(module, sample)
    lines = listing.text.splitlines()
    listed = [(int(m.group(1), 16), m.group(3)) for line in lines if (m := _LISTED.match(line))]
    expected, _ = objdump_instructions(wasm)
    assert listed == expected
    for offset, _ in expected:
        assert lines[listing.line_of(offset) - 1].lstrip().startswith(f"0x{offset:04x}:")
    for func in module.functions:
        header = lines[listing.function_line(func.index) - 1]
        name = module.function_names.get(func.index)
        assert header.startswith(f"(func ${name} (;{func.index};)" if name else f"(func (;{func.index};)")
        assert f"body @{func.body_offset:#x}" in header
    assert lines[0] == f";; module {sample}"


def test_listing_reads_like_wat(tmp_path: Path) -> None:
    module = decode(wabt_assemble(SAMPLES / "control.wat", tmp_path).read_bytes())
    text = render_listing(module, "control").text
    assert '(func $classify (;2;) (export "classify") (param $x i32) (result i32)' in text
    assert "(local $acc i64) (local $f f32) (local $d f64)" in text
    assert '(import "env" "log" (func $log (;0;) (param i32)))' in text
    assert re.search(r"0x[0-9a-f]+: {9}local\.get \$x\n.*: {9}br_table 0 1 2\n.*: {7}end\n", text)
    assert re.search(r": {7}i32\.const 10\n.*: {7}return\n", text)
    assert re.search(r": block \(type 0\) \(param i32 i32\) \(result i32 i32\)\n.*: {3}i32\.add\n", text)
    assert "call $swap" in text and "local.tee $i" in text and "i64.const -9223372036854775808" in text


def test_listing_constants_match_wasm2wat(tmp_path: Path) -> None:
    wat = ("(module (memory 1) (func f32.const 1.5 f32.const -0x1p-149 f32.const nan:0x12345 f32.const -inf "
           "f64.const 0.1 f64.const -nan f64.const 0 i32.const 0 i32.load8_u offset=7 align=1 "
           "i32.const 0 i64.load align=4 unreachable))")
    wasm = wabt_assemble(wat, tmp_path)
    ours = [line.split(": ", 1)[1].strip() for line in render_listing(decode(wasm.read_bytes())).text.splitlines()
            if _LISTED.match(line)]
    theirs = [re.sub(r"\s*\(;.*?;\)", "", line).strip() for line in run(["wasm2wat", wasm]).stdout.splitlines()
              if re.match(r"\s+(f32|f64|i32|i64)\.", line)]
    ours = [line for line in ours if line.split()[0] in {t.split()[0] for t in theirs}]
    assert len(ours) == len(theirs) == 11
    for mine, reference in zip(ours, theirs, strict=True):
        if "0x" in reference and "nan" not in reference:  # wabt writes 0x1.p-149 where we write 0x1p-149
            op, value = reference.split()
            assert mine.split() == [op, mine.split()[1]]
            assert float.fromhex(mine.split()[1]) == float.fromhex(value)
        else:
            assert mine == reference


def test_listing_is_fast_for_ten_thousand_functions() -> None:
    funcs = "\n".join(f"(func $f{i} (param $p i32) (result i32) (local $q i64) local.get $p i32.const {i} i32.add "
                      f"block (result i32) i32.const 1 end i32.mul)" for i in range(10_000))
    data = bytes(wasmtime.wat2wasm(f"(module {funcs})"))
    start = time.perf_counter()
    module = load_bytes(data)
    listing = render_listing(module, "big")
    elapsed = time.perf_counter() - start
    assert listing.text.count("\n  0x") == 10_000 * 8
    assert listing.function_line(9_999) > listing.function_line(0)
    assert elapsed < 15, f"decode + validate + listing took {elapsed:.1f}s"


def test_function_names_follow_wasmtime_backtraces() -> None:
    wat = """(module $demo
      (func $leaf (param i32) (result i32) local.get 0 i32.const 0 i32.div_u)
      (func (param i32) (result i32) local.get 0 call $leaf)
      (func (export "main") (result i32) i32.const 7 call 1))"""
    data = bytes(wasmtime.wat2wasm(wat))
    module = decode(data)
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, data), [])
    with pytest.raises(wasmtime.Trap) as info:
        instance.exports(store)["main"](store)  # type: ignore[operator]
    trap = info.value
    assert trap.frames
    for frame in trap.frames:
        assert f"{module_display_name(module)}!{display_name(module, frame.func_index)}" in str(trap)
        # wasmtime's func_offset counts from just after the body size field.
        func = module.functions[frame.func_index]
        assert frame.module_offset == func.locals_offset + frame.func_offset
    assert [function_name(module, i) for i in range(3)] == ["leaf", "wasm-function[1]", "wasm-function[2]"]
    assert display_name(module, 2) == "<wasm function 2>"
    unnamed = decode(bytes(wasmtime.wat2wasm("(module (func))")))
    assert module_display_name(unnamed) == "<unknown>"


def test_load_module_from_text_and_binary(tmp_path: Path) -> None:
    text = (SAMPLES / "control.wat").read_text()
    (tmp_path / "m.wat").write_text(text)
    data, module = load_module(tmp_path / "m.wat")
    assert data == bytes(wasmtime.wat2wasm(text))
    (tmp_path / "m.wasm").write_bytes(data)
    again, module2 = load_module(str(tmp_path / "m.wasm"))
    assert again == data and module2.function_names == module.function_names
    (tmp_path / "text-without-suffix").write_text(text)
    assert load_module(tmp_path / "text-without-suffix")[0] == data


def test_load_module_errors_are_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wat"
    bad.write_text("(module\n  (func (i32.add oops)))\n")
    with pytest.raises(wasmtime.WasmtimeError) as native:
        wasmtime.wat2wasm(bad.read_text())
    line_col = re.search(r":(\d+:\d+)", str(native.value))
    assert line_col is not None
    with pytest.raises(DecodeError) as info:
        load_module(bad)
    assert str(info.value) == f"{bad}:{line_col.group(1)}: {str(native.value).splitlines()[0]}"
    with pytest.raises(DecodeError, match="cannot read"):
        load_module(tmp_path / "missing.wasm")
    invalid = tmp_path / "invalid.wat"
    invalid.write_text("(module (func (result i32) i64.const 1))")
    with pytest.raises(ValidationError, match="type mismatch"):
        load_module(invalid)
    (tmp_path / "junk.wasm").write_bytes(b"\x7fELF")
    with pytest.raises(DecodeError, match="magic header"):
        load_module(tmp_path / "junk.wasm")
    validate(load_module(SAMPLES / "exceptions.wat")[1])
