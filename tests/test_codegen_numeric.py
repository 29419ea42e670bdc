"""Numeric semantics of compiled code against wasmtime: every numeric instruction on edge-case operands
(signed limits, shift counts past the width, ±0, NaN, ±inf, conversion boundaries), run in-process."""

from __future__ import annotations

import itertools
import math
import struct

import wasmtime

from tests.codegen_loader import compile_wat, load

I32 = [0, 1, -1, 2, 7, -7, 31, 32, 33, -(2**31), 2**31 - 1, 0x12345678]
I64 = [0, 1, -1, 7, -7, 63, 64, 65, -(2**63), 2**63 - 1, 0x123456789ABCDEF, 2**32]
_F = [0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 1.0, -1.0, -0.9, 3e9, -3e9, 2.0**31, -(2.0**31), 4.3e9, 1e20,
      2.0**63, -(2.0**63), 2.0**64, math.inf, -math.inf, math.nan, -math.nan, 1e-40, 123456.789]
F32 = [struct.unpack("<f", struct.pack("<f", v))[0] for v in _F] + [2147483520.0, -2147483904.0]
F64 = _F + [2147483647.5, -2147483648.5, 4294967295.5, 9223372036854774784.0, 18446744073709549568.0]
VALUES = {"i32": I32, "i64": I64, "f32": F32, "f64": F64}

BINARY_INT = "add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr eq ne lt_s lt_u gt_s gt_u " \
             "le_s le_u ge_s ge_u"
UNARY_INT = "eqz clz ctz popcnt extend8_s extend16_s"
BINARY_FLOAT = "add sub mul div min max copysign eq ne lt gt le ge"
UNARY_FLOAT = "abs neg ceil floor trunc nearest sqrt"
COMPARES = {"eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u", "lt", "gt", "le", "ge", "eqz"}
CONVERSIONS = [
    ("i32.wrap_i64", "i64", "i32"), ("i64.extend_i32_s", "i32", "i64"), ("i64.extend_i32_u", "i32", "i64"),
    ("i64.extend8_s", "i64", "i64"), ("i64.extend16_s", "i64", "i64"), ("i64.extend32_s", "i64", "i64"),
    ("f32.demote_f64", "f64", "f32"), ("f64.promote_f32", "f32", "f64"),
    ("i32.reinterpret_f32", "f32", "i32"), ("i64.reinterpret_f64", "f64", "i64"),
    ("f32.reinterpret_i32", "i32", "f32"), ("f64.reinterpret_i64", "i64", "f64"),
] + [(f"{f}.convert_{i}_{s}", i, f) for f in ("f32", "f64") for i in ("i32", "i64") for s in "su"] \
  + [(f"{i}.trunc{sat}_{f}_{s}", f, i) for i in ("i32", "i64") for f in ("f32", "f64") for s in "su"
     for sat in ("", "_sat")]


def _ops() -> list[tuple[str, list[str], str]]:
    ops: list[tuple[str, list[str], str]] = []
    for t in ("i32", "i64"):
        ops += [(f"{t}.{n}", [t, t], "i32" if n in COMPARES else t) for n in BINARY_INT.split()]
        ops += [(f"{t}.{n}", [t], "i32" if n in COMPARES else t) for n in UNARY_INT.split()]
    for t in ("f32", "f64"):
        ops += [(f"{t}.{n}", [t, t], "i32" if n in COMPARES else t) for n in BINARY_FLOAT.split()]
        ops += [(f"{t}.{n}", [t], t) for n in UNARY_FLOAT.split()]
    ops += [(op, [src], dst) for op, src, dst in CONVERSIONS]
    return ops


def _bits(t: str, value: object) -> object:
    if value is None:
        return None
    if t == "f32":
        return struct.pack("<f", value)  # type: ignore[arg-type]
    if t == "f64":
        return struct.pack("<d", value)  # type: ignore[arg-type]
    return int(value) & ((1 << (32 if t == "i32" else 64)) - 1)  # type: ignore[call-overload]


def test_numeric_instructions_match_wasmtime() -> None:
    ops = _ops()
    funcs = []
    for n, (op, params, result) in enumerate(ops):
        args = " ".join(f"(local.get {i})" for i in range(len(params)))
        funcs.append(f'(func (export "f{n}") (param {" ".join(params)}) (result {result}) ({op} {args}))')
    wat = "(module " + "\n".join(funcs) + ")"
    module, compiled = compile_wat(wat)
    ours = load(compiled, module)
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, wasmtime.wat2wasm(wat)), [])
    exports = instance.exports(store)
    mismatches = []
    checked = 0
    for n, (op, params, result) in enumerate(ops):
        if len(params) == 2:
            values = VALUES[params[0]]
            pairs = list(itertools.product(values, values))
        else:
            pairs = [(v,) for v in VALUES[params[0]]]
        func = exports[f"f{n}"]
        for args in pairs:
            try:
                expected: tuple[str, object] = ("ok", _bits(result, func(store, *args)))
            except wasmtime.Trap as trap:
                expected = ("trap", str(trap).splitlines()[-1].split("wasm trap: ")[-1])
            kind, value = ours.call(f"f{n}", *args)
            got = (kind, _bits(result, value) if kind == "ok" else value)
            checked += 1
            if got != expected:
                mismatches.append(f"{op}{args}: ours {got}, wasmtime {expected}")
    assert not mismatches, f"{len(mismatches)} of {checked} differ:\n" + "\n".join(mismatches[:40])
    assert checked > 10000
