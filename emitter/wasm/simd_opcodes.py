"""The fixed-width SIMD instructions (prefix ``0xFD``, Wasm 2.0): sub-opcode → name, immediate kind and operand
signature, as ``opcodes.py`` describes the others.

Immediate kinds of their own: ``v128`` (16 bytes, kept as one unsigned 128-bit little-endian int), ``lane`` (one
lane index byte), ``shuffle`` (16 lane index bytes) and ``memarg_lane`` (a memarg, then a lane index byte).
``lanes`` is the lane count a lane index must stay below (the validator checks it).
"""

from __future__ import annotations

from emitter.wasm.module import ValType
from emitter.wasm.opinfo import OpInfo

#: The prefix byte of the SIMD opcodes.
SIMD_PREFIX = 0xFD

_TYPES = {"i": ValType.I32, "I": ValType.I64, "f": ValType.F32, "F": ValType.F64, "v": ValType.V128}


def _sig(spec: str) -> tuple[tuple[ValType, ...], tuple[ValType, ...]]:
    params, results = spec.split(":")
    return tuple(_TYPES[c] for c in params), tuple(_TYPES[c] for c in results)


SIMD_OPCODES: dict[int, OpInfo] = {}


def _add(code: int, name: str, sig: str, immediate: str = "none", natural_align: int = 0, lanes: int = 0) -> None:
    SIMD_OPCODES[code] = OpInfo(name, immediate, _sig(sig), natural_align, lanes)


# Memory: loads (with their log2 access size), stores, lane accesses.
for _code, _name, _align in [
    (0x00, "v128.load", 4), (0x01, "v128.load8x8_s", 3), (0x02, "v128.load8x8_u", 3), (0x03, "v128.load16x4_s", 3),
    (0x04, "v128.load16x4_u", 3), (0x05, "v128.load32x2_s", 3), (0x06, "v128.load32x2_u", 3),
    (0x07, "v128.load8_splat", 0), (0x08, "v128.load16_splat", 1), (0x09, "v128.load32_splat", 2),
    (0x0A, "v128.load64_splat", 3), (0x5C, "v128.load32_zero", 2), (0x5D, "v128.load64_zero", 3),
]:
    _add(_code, _name, "i:v", "memarg", _align)
_add(0x0B, "v128.store", "iv:", "memarg", 4)
for _k, _bits in enumerate((8, 16, 32, 64)):
    _add(0x54 + _k, f"v128.load{_bits}_lane", "iv:v", "memarg_lane", _k, 128 // _bits)
    _add(0x58 + _k, f"v128.store{_bits}_lane", "iv:", "memarg_lane", _k, 128 // _bits)

_add(0x0C, "v128.const", ":v", "v128")
_add(0x0D, "i8x16.shuffle", "vv:v", "shuffle", lanes=32)
_add(0x0E, "i8x16.swizzle", "vv:v")
for _k, (_shape, _t) in enumerate([("i8x16", "i"), ("i16x8", "i"), ("i32x4", "i"), ("i64x2", "I"), ("f32x4", "f"),
                                   ("f64x2", "F")]):
    _add(0x0F + _k, f"{_shape}.splat", f"{_t}:v")

# Lane access: (opcode, name, signature, lanes).
for _code, _name, _s, _n in [
    (0x15, "i8x16.extract_lane_s", "v:i", 16), (0x16, "i8x16.extract_lane_u", "v:i", 16),
    (0x17, "i8x16.replace_lane", "vi:v", 16), (0x18, "i16x8.extract_lane_s", "v:i", 8),
    (0x19, "i16x8.extract_lane_u", "v:i", 8), (0x1A, "i16x8.replace_lane", "vi:v", 8),
    (0x1B, "i32x4.extract_lane", "v:i", 4), (0x1C, "i32x4.replace_lane", "vi:v", 4),
    (0x1D, "i64x2.extract_lane", "v:I", 2), (0x1E, "i64x2.replace_lane", "vI:v", 2),
    (0x1F, "f32x4.extract_lane", "v:f", 4), (0x20, "f32x4.replace_lane", "vf:v", 4),
    (0x21, "f64x2.extract_lane", "v:F", 2), (0x22, "f64x2.replace_lane", "vF:v", 2),
]:
    _add(_code, _name, _s, "lane", lanes=_n)


def _group(first: int, shape: str, names: str, sig: str) -> None:
    """Consecutive opcodes ``first``...; ``-`` marks a sub-opcode the proposal leaves unused."""
    for k, name in enumerate(names.split()):
        if name != "-":
            _add(first + k, f"{shape}.{name}", sig)


_INT_CMP = "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u"
_group(0x23, "i8x16", _INT_CMP, "vv:v")
_group(0x2D, "i16x8", _INT_CMP, "vv:v")
_group(0x37, "i32x4", _INT_CMP, "vv:v")
_group(0x41, "f32x4", "eq ne lt gt le ge", "vv:v")
_group(0x47, "f64x2", "eq ne lt gt le ge", "vv:v")
_add(0x4D, "v128.not", "v:v")
_group(0x4E, "v128", "and andnot or xor", "vv:v")
_add(0x52, "v128.bitselect", "vvv:v")
_add(0x53, "v128.any_true", "v:i")
_add(0x5E, "f32x4.demote_f64x2_zero", "v:v")
_add(0x5F, "f64x2.promote_low_f32x4", "v:v")

# Unary v:v, binary vv:v, and the odd ones out (all_true/bitmask v:i, shifts vi:v), per shape.
_UNARY = {"abs", "neg", "popcnt", "ceil", "floor", "trunc", "nearest", "sqrt", "extadd_pairwise_i8x16_s",
          "extadd_pairwise_i8x16_u", "extadd_pairwise_i16x8_s", "extadd_pairwise_i16x8_u", "extend_low_i8x16_s",
          "extend_high_i8x16_s", "extend_low_i8x16_u", "extend_high_i8x16_u", "extend_low_i16x8_s",
          "extend_high_i16x8_s", "extend_low_i16x8_u", "extend_high_i16x8_u", "extend_low_i32x4_s",
          "extend_high_i32x4_s", "extend_low_i32x4_u", "extend_high_i32x4_u", "trunc_sat_f32x4_s",
          "trunc_sat_f32x4_u", "convert_i32x4_s", "convert_i32x4_u", "trunc_sat_f64x2_s_zero",
          "trunc_sat_f64x2_u_zero", "convert_low_i32x4_s", "convert_low_i32x4_u"}
_TO_I32 = {"all_true", "bitmask"}
_SHIFT = {"shl", "shr_s", "shr_u"}


def _mixed(first: int, shape: str, names: str) -> None:
    for k, name in enumerate(names.split()):
        if name == "-":
            continue
        sig = "v:v" if name in _UNARY else "v:i" if name in _TO_I32 else "vi:v" if name in _SHIFT else "vv:v"
        _add(first + k, f"{shape}.{name}", sig)


_mixed(0x60, "i8x16", "abs neg popcnt all_true bitmask narrow_i16x8_s narrow_i16x8_u")
_mixed(0x67, "f32x4", "ceil floor trunc nearest")
_mixed(0x6B, "i8x16", "shl shr_s shr_u add add_sat_s add_sat_u sub sub_sat_s sub_sat_u")
_mixed(0x74, "f64x2", "ceil floor")
_mixed(0x76, "i8x16", "min_s min_u max_s max_u")
_mixed(0x7A, "f64x2", "trunc")
_mixed(0x7B, "i8x16", "avgr_u")
_mixed(0x7C, "i16x8", "extadd_pairwise_i8x16_s extadd_pairwise_i8x16_u")
_mixed(0x7E, "i32x4", "extadd_pairwise_i16x8_s extadd_pairwise_i16x8_u")
_mixed(0x80, "i16x8", "abs neg q15mulr_sat_s all_true bitmask narrow_i32x4_s narrow_i32x4_u extend_low_i8x16_s "
       "extend_high_i8x16_s extend_low_i8x16_u extend_high_i8x16_u shl shr_s shr_u add add_sat_s add_sat_u sub "
       "sub_sat_s sub_sat_u")
_mixed(0x94, "f64x2", "nearest")
_mixed(0x95, "i16x8", "mul min_s min_u max_s max_u - avgr_u extmul_low_i8x16_s extmul_high_i8x16_s "
       "extmul_low_i8x16_u extmul_high_i8x16_u")
_mixed(0xA0, "i32x4", "abs neg - all_true bitmask - - extend_low_i16x8_s extend_high_i16x8_s extend_low_i16x8_u "
       "extend_high_i16x8_u shl shr_s shr_u add - - sub - - - mul min_s min_u max_s max_u dot_i16x8_s - "
       "extmul_low_i16x8_s extmul_high_i16x8_s extmul_low_i16x8_u extmul_high_i16x8_u")
_mixed(0xC0, "i64x2", "abs neg - all_true bitmask - - extend_low_i32x4_s extend_high_i32x4_s extend_low_i32x4_u "
       "extend_high_i32x4_u shl shr_s shr_u add - - sub - - - mul eq ne lt_s gt_s le_s ge_s extmul_low_i32x4_s "
       "extmul_high_i32x4_s extmul_low_i32x4_u extmul_high_i32x4_u")
_mixed(0xE0, "f32x4", "abs neg - sqrt add sub mul div min max pmin pmax")
_mixed(0xEC, "f64x2", "abs neg - sqrt add sub mul div min max pmin pmax")
_mixed(0xF8, "i32x4", "trunc_sat_f32x4_s trunc_sat_f32x4_u")
_mixed(0xFA, "f32x4", "convert_i32x4_s convert_i32x4_u")
_mixed(0xFC, "i32x4", "trunc_sat_f64x2_s_zero trunc_sat_f64x2_u_zero")
_mixed(0xFE, "f64x2", "convert_low_i32x4_s convert_low_i32x4_u")
