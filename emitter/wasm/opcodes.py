"""The instruction table: opcode byte(s) → text name, immediate kind and, where it is fixed, the operand-stack
signature the validator checks. Instructions whose typing depends on their immediates or on the context
(control, calls, locals, references, ...) have ``signature`` ``None``: the validator types them by name."""

from __future__ import annotations

from emitter.wasm.module import ValType
from emitter.wasm.opinfo import OpInfo
from emitter.wasm.simd_opcodes import SIMD_OPCODES

#: The prefix byte of the "miscellaneous" opcodes (saturating truncation, bulk memory, tables).
MISC_PREFIX = 0xFC

#: Prefixes and opcodes of proposals this backend does not compile, by name for the error message.
UNSUPPORTED_PREFIXES = {0xFB: "garbage collection", 0xFE: "threads (atomics)"}
UNSUPPORTED_OPCODES = {
    0x14: "typed function references (call_ref)",
    0x15: "typed function references (return_call_ref)",
    0xD3: "garbage collection (ref.eq)",
    0xD4: "typed function references (ref.as_non_null)",
    0xD5: "typed function references (br_on_null)",
    0xD6: "typed function references (br_on_non_null)",
}


_TYPES = {"i": ValType.I32, "I": ValType.I64, "f": ValType.F32, "F": ValType.F64}


def _sig(spec: str) -> tuple[tuple[ValType, ...], tuple[ValType, ...]]:
    """``"iI:f"`` → params (i32, i64), results (f32)."""
    params, results = spec.split(":")
    return tuple(_TYPES[c] for c in params), tuple(_TYPES[c] for c in results)


OPCODES: dict[int, OpInfo] = {}
MISC_OPCODES: dict[int, OpInfo] = {}


def _add(table: dict[int, OpInfo], code: int, name: str, immediate: str = "none", sig: str | None = None,
         natural_align: int = 0) -> None:
    table[code] = OpInfo(name, immediate, _sig(sig) if sig is not None else None, natural_align)


# Control, exceptions (both the standard ``try_table`` form and the legacy ``try`` form), parametric.
for _code, _name, _imm in [
    (0x00, "unreachable", "none"), (0x01, "nop", "none"), (0x02, "block", "block"), (0x03, "loop", "block"),
    (0x04, "if", "block"), (0x05, "else", "none"), (0x06, "try", "block"), (0x07, "catch", "tag"),
    (0x08, "throw", "tag"), (0x09, "rethrow", "label"), (0x0A, "throw_ref", "none"), (0x0B, "end", "none"),
    (0x0C, "br", "label"), (0x0D, "br_if", "label"), (0x0E, "br_table", "br_table"), (0x0F, "return", "none"),
    (0x10, "call", "func"), (0x11, "call_indirect", "call_indirect"),
    (0x12, "return_call", "func"), (0x13, "return_call_indirect", "call_indirect"), (0x18, "delegate", "label"),
    (0x19, "catch_all", "none"), (0x1A, "drop", "none"), (0x1B, "select", "none"),
    (0x1C, "select", "select_types"), (0x1F, "try_table", "try_table"),
    (0x20, "local.get", "local"), (0x21, "local.set", "local"), (0x22, "local.tee", "local"),
    (0x23, "global.get", "global"), (0x24, "global.set", "global"), (0x25, "table.get", "table"),
    (0x26, "table.set", "table"), (0x3F, "memory.size", "memory"), (0x40, "memory.grow", "memory"),
    (0xD0, "ref.null", "reftype"), (0xD1, "ref.is_null", "none"), (0xD2, "ref.func", "func"),
]:
    _add(OPCODES, _code, _name, _imm)
_add(OPCODES, 0x41, "i32.const", "i32", ":i")
_add(OPCODES, 0x42, "i64.const", "i64", ":I")
_add(OPCODES, 0x43, "f32.const", "f32", ":f")
_add(OPCODES, 0x44, "f64.const", "f64", ":F")

# Memory: (opcode, name, value type letter, log2 access size).
for _code, _name, _t, _align in [
    (0x28, "i32.load", "i", 2), (0x29, "i64.load", "I", 3), (0x2A, "f32.load", "f", 2), (0x2B, "f64.load", "F", 3),
    (0x2C, "i32.load8_s", "i", 0), (0x2D, "i32.load8_u", "i", 0), (0x2E, "i32.load16_s", "i", 1),
    (0x2F, "i32.load16_u", "i", 1), (0x30, "i64.load8_s", "I", 0), (0x31, "i64.load8_u", "I", 0),
    (0x32, "i64.load16_s", "I", 1), (0x33, "i64.load16_u", "I", 1), (0x34, "i64.load32_s", "I", 2),
    (0x35, "i64.load32_u", "I", 2),
]:
    _add(OPCODES, _code, _name, "memarg", f"i:{_t}", _align)
for _code, _name, _t, _align in [
    (0x36, "i32.store", "i", 2), (0x37, "i64.store", "I", 3), (0x38, "f32.store", "f", 2),
    (0x39, "f64.store", "F", 3), (0x3A, "i32.store8", "i", 0), (0x3B, "i32.store16", "i", 1),
    (0x3C, "i64.store8", "I", 0), (0x3D, "i64.store16", "I", 1), (0x3E, "i64.store32", "I", 2),
]:
    _add(OPCODES, _code, _name, "memarg", f"i{_t}:", _align)


def _numeric(first: int, prefix: str, names: str, sig: str) -> None:
    for i, name in enumerate(names.split()):
        _add(OPCODES, first + i, f"{prefix}.{name}", "none", sig)


_numeric(0x45, "i32", "eqz", "i:i")
_numeric(0x46, "i32", "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u", "ii:i")
_numeric(0x50, "i64", "eqz", "I:i")
_numeric(0x51, "i64", "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u", "II:i")
_numeric(0x5B, "f32", "eq ne lt gt le ge", "ff:i")
_numeric(0x61, "f64", "eq ne lt gt le ge", "FF:i")
_numeric(0x67, "i32", "clz ctz popcnt", "i:i")
_numeric(0x6A, "i32", "add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr", "ii:i")
_numeric(0x79, "i64", "clz ctz popcnt", "I:I")
_numeric(0x7C, "i64", "add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr", "II:I")
_numeric(0x8B, "f32", "abs neg ceil floor trunc nearest sqrt", "f:f")
_numeric(0x92, "f32", "add sub mul div min max copysign", "ff:f")
_numeric(0x99, "f64", "abs neg ceil floor trunc nearest sqrt", "F:F")
_numeric(0xA0, "f64", "add sub mul div min max copysign", "FF:F")

# Conversions: (opcode, name, signature).
for _code, _name, _s in [
    (0xA7, "i32.wrap_i64", "I:i"), (0xA8, "i32.trunc_f32_s", "f:i"), (0xA9, "i32.trunc_f32_u", "f:i"),
    (0xAA, "i32.trunc_f64_s", "F:i"), (0xAB, "i32.trunc_f64_u", "F:i"), (0xAC, "i64.extend_i32_s", "i:I"),
    (0xAD, "i64.extend_i32_u", "i:I"), (0xAE, "i64.trunc_f32_s", "f:I"), (0xAF, "i64.trunc_f32_u", "f:I"),
    (0xB0, "i64.trunc_f64_s", "F:I"), (0xB1, "i64.trunc_f64_u", "F:I"), (0xB2, "f32.convert_i32_s", "i:f"),
    (0xB3, "f32.convert_i32_u", "i:f"), (0xB4, "f32.convert_i64_s", "I:f"), (0xB5, "f32.convert_i64_u", "I:f"),
    (0xB6, "f32.demote_f64", "F:f"), (0xB7, "f64.convert_i32_s", "i:F"), (0xB8, "f64.convert_i32_u", "i:F"),
    (0xB9, "f64.convert_i64_s", "I:F"), (0xBA, "f64.convert_i64_u", "I:F"), (0xBB, "f64.promote_f32", "f:F"),
    (0xBC, "i32.reinterpret_f32", "f:i"), (0xBD, "i64.reinterpret_f64", "F:I"),
    (0xBE, "f32.reinterpret_i32", "i:f"), (0xBF, "f64.reinterpret_i64", "I:F"),
    (0xC0, "i32.extend8_s", "i:i"), (0xC1, "i32.extend16_s", "i:i"), (0xC2, "i64.extend8_s", "I:I"),
    (0xC3, "i64.extend16_s", "I:I"), (0xC4, "i64.extend32_s", "I:I"),
]:
    _add(OPCODES, _code, _name, "none", _s)

# 0xFC: non-trapping float-to-int, bulk memory and table instructions.
for _code, _name, _s in [
    (0, "i32.trunc_sat_f32_s", "f:i"), (1, "i32.trunc_sat_f32_u", "f:i"), (2, "i32.trunc_sat_f64_s", "F:i"),
    (3, "i32.trunc_sat_f64_u", "F:i"), (4, "i64.trunc_sat_f32_s", "f:I"), (5, "i64.trunc_sat_f32_u", "f:I"),
    (6, "i64.trunc_sat_f64_s", "F:I"), (7, "i64.trunc_sat_f64_u", "F:I"),
]:
    _add(MISC_OPCODES, _code, _name, "none", _s)
for _code, _name, _imm in [
    (8, "memory.init", "memory_init"), (9, "data.drop", "data"), (10, "memory.copy", "memory_copy"),
    (11, "memory.fill", "memory"), (12, "table.init", "table_init"), (13, "elem.drop", "elem"),
    (14, "table.copy", "table_copy"), (15, "table.grow", "table"), (16, "table.size", "table"),
    (17, "table.fill", "table"),
]:
    _add(MISC_OPCODES, _code, _name, _imm)

#: Instructions allowed in constant expressions (extended-const arithmetic included, as engines accept it).
CONST_OPS = frozenset({"i32.const", "i64.const", "f32.const", "f64.const", "v128.const", "ref.null", "ref.func",
                       "global.get", "i32.add", "i32.sub", "i32.mul", "i64.add", "i64.sub", "i64.mul", "end"})

#: Every opcode by text name (the two ``select`` encodings share one, and are told apart by their immediates).
BY_NAME: dict[str, OpInfo] = {info.name: info for table in (OPCODES, MISC_OPCODES, SIMD_OPCODES)
                              for info in table.values()}
