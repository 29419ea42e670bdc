"""Decoding and validating memory64 and multiple memories (``Features``), against wasmtime's validator with both
proposals on:
64-bit limits, u64 offsets, i64 addresses, sizes and ``memory.grow`` operands, memory indices on every memory
instruction (``memarg`` flag bit 6, ``memory.size/grow/fill/copy/init``) and data segments, and the type rules
that mix them (``memory.copy`` between a 32-bit and a 64-bit memory takes an i32 length). Without the features
(Wasm 2.0, ``decode``'s default) the same modules are malformed or invalid, as the core suite expects; what users'
modules are read with (``DEFAULT``) accepts them, as wasmtime does by default. Their semantics are the spec
groups' (``tests/spec``), through the JIT and, for a sample, through compiled objects (``test_spec_aot.py``)."""

from __future__ import annotations

import pytest
import wasmtime

from emitter.codegen.compiler import compile_module
from emitter.errors import DecodeError, ValidationError
from emitter.wasm.decoder import decode
from emitter.wasm.features import WASM2, Features
from emitter.wasm.listing import render_listing
from emitter.wasm.load import load_bytes
from emitter.wasm.validate import validate

BOTH = Features(memory64=True, multi_memory=True)


def _engine() -> wasmtime.Engine:
    config = wasmtime.Config()
    config.wasm_memory64 = True
    config.wasm_multi_memory = True
    return wasmtime.Engine(config)


VALID = [
    "(module (memory i64 1 65536) (func (param i64) (result i64) (i64.load offset=4294967296 (local.get 0))))",
    "(module (memory i64 1) (func (result i64) (memory.grow (i64.const 1))) (func (result i64) (memory.size)))",
    "(module (memory i64 1) (data (i64.const 8) \"hi\") (func (param i64 i32 i64) (memory.fill (local.get 0) "
    "(local.get 1) (local.get 2))))",
    "(module (memory $a 1) (memory $b i64 1) (func (param i32 i64 i32) "
    "(memory.copy $a $b (local.get 0) (local.get 1) (local.get 2))))",
    "(module (memory 1) (memory $m 2) (data (memory $m) (i32.const 0) \"x\") (func (param i32) (result i32) "
    "(i32.store8 $m offset=3 (local.get 0) (i32.const 7)) (i32.load8_u $m (local.get 0))))",
    "(module (memory 1) (memory 1) (memory 1) (func (result i32) (memory.size 2)) "
    "(func (param i32) (drop (memory.grow 1 (local.get 0)))))",
    "(module (memory 1) (memory i64 1) (data $d \"abc\") (func (param i64 i32 i32) "
    "(memory.init 1 $d (local.get 0) (local.get 1) (local.get 2))))",
]

INVALID = [
    # an i32 address for a 64-bit memory, and the reverse
    ("(module (memory i64 1) (func (param i32) (drop (i32.load (local.get 0)))))", "type mismatch"),
    ("(module (memory 1) (memory i64 1) (func (param i64) (drop (i32.load 0 (local.get 0)))))", "type mismatch"),
    # memory.grow of a 64-bit memory takes and returns i64
    ("(module (memory i64 1) (func (result i32) (memory.grow (i32.const 1))))", "type mismatch"),
    # copy between a 32-bit and a 64-bit memory: the length is i32
    ("(module (memory $a 1) (memory $b i64 1) (func (param i32 i64 i64) "
     "(memory.copy $a $b (local.get 0) (local.get 1) (local.get 2))))", "type mismatch"),
    # a data segment of a 64-bit memory has an i64 offset
    ("(module (memory i64 1) (data (i32.const 0) \"x\"))", "type mismatch"),
    # memory 1 does not exist
    ("(module (memory 1) (func (result i32) (i32.load 1 (i32.const 0))))", "unknown memory 1"),
    ("(module (memory 1) (func (result i32) (memory.size 1)))", "unknown memory 1"),
]


@pytest.mark.parametrize("wat", VALID)
def test_valid_modules_decode_and_validate_as_wasmtime_says(wat: str) -> None:
    data = bytes(wasmtime.wat2wasm(wat))
    wasmtime.Module.validate(_engine(), data)
    module = decode(data, BOTH)
    validate(module, BOTH)
    render_listing(module, "m")  # the listing spells every instruction
    for target in ("x86_64-linux", "x86_64-windows"):  # objects: reserved memories, static storage
        compile_module(module, module_name="m", target=target)


@pytest.mark.parametrize(("wat", "reason"), INVALID)
def test_invalid_modules_are_rejected_as_wasmtime_rejects_them(wat: str, reason: str) -> None:
    data = bytes(wasmtime.wat2wasm(wat))
    with pytest.raises(wasmtime.WasmtimeError):
        wasmtime.Module.validate(_engine(), data)
    with pytest.raises(ValidationError, match=reason):
        validate(decode(data, BOTH), BOTH)


def test_limits_and_offsets_beyond_the_index_type_are_refused() -> None:
    """A 64-bit memory may have 2^48 pages, a 32-bit one 2^16; a 32-bit memory's offset is a u32."""
    header = b"\0asm\1\0\0\0"
    pages_2_48 = b"\x80\x80\x80\x80\x80\x80\x40"  # LEB128 of 2^48
    fine = header + b"\x05\x09\x01\x04" + pages_2_48
    validate(decode(fine, BOTH), BOTH)
    wasmtime.Module.validate(_engine(), fine)
    one_more = header + b"\x05\x09\x01\x04\x81" + pages_2_48[1:]
    with pytest.raises(ValidationError, match="at most 281474976710656 pages"):
        decode(one_more, BOTH)
    with pytest.raises(wasmtime.WasmtimeError):
        wasmtime.Module.validate(_engine(), one_more)
    with pytest.raises(ValidationError, match="at most 65536 pages"):
        decode(header + b"\x05\x05\x01\x00\x81\x80\x04")
    # i32.load offset=2^32 on a 32-bit memory: the offset's LEB does not fit a u32
    types = b"\x01\x05\x01\x60\x00\x01\x7f"
    funcs = b"\x03\x02\x01\x00"
    memory = b"\x05\x03\x01\x00\x01"
    body = b"\x00\x41\x00\x28\x02\x80\x80\x80\x80\x10\x0b"
    code = b"\x0a" + bytes([len(body) + 2, 1, len(body)]) + body
    with pytest.raises(DecodeError, match="integer too large"):
        decode(header + types + funcs + memory + code, BOTH)


def test_the_listing_names_the_memory_as_the_text_format_does() -> None:
    module = decode(bytes(wasmtime.wat2wasm(VALID[4])), BOTH)
    text = render_listing(module, "m").text
    assert "i32.store8 1 offset=3" in text and "i32.load8_u 1\n" in text, text
    module = decode(bytes(wasmtime.wat2wasm(VALID[0])), BOTH)
    assert "i64.load offset=4294967296" in render_listing(module, "m").text


@pytest.mark.parametrize("wat", VALID)
def test_without_the_features_wasm_2_0_refuses_them(wat: str) -> None:
    """The default reading is Wasm 2.0's: 64-bit limits and memarg memory indices are malformed, a second memory
    is invalid (the core suite's expectations)."""
    with pytest.raises((DecodeError, ValidationError), match="memory64|multiple memories|multi-memory"):
        validate(decode(bytes(wasmtime.wat2wasm(wat))), WASM2)


@pytest.mark.parametrize("wat", VALID)
def test_users_modules_are_read_as_wasmtime_reads_them_by_default(wat: str) -> None:
    """What the CLI and the embedding API load (``DEFAULT``) accepts both, as wasmtime's default ``Config`` does."""
    data = bytes(wasmtime.wat2wasm(wat))
    wasmtime.Module(wasmtime.Engine(), data)
    load_bytes(data)
