"""Spec values as the converted commands spell them, and the comparison of results with the expected ones.

Every number is its bit pattern (an ``int``): floats are compared bit for bit, so a NaN's payload and the sign
of a zero count, as the spec requires. ``nan:canonical`` is the canonical NaN of either sign (quiet bit only);
``nan:arithmetic`` any NaN with the quiet bit set. References: ``None`` is null; an ``externref`` carries the
host's number (``ref.extern N``); a non-null ``funcref`` is whatever the engine returns (the suite only asks
whether it is null).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

WIDTHS = {"i32": 32, "i64": 64, "f32": 32, "f64": 64}
_FLOAT_LAYOUT = {"f32": (23, 8), "f64": (52, 11)}
#: Lane type -> (lane width in bits, the scalar type its lanes compare as).
_LANES = {"i8": (8, "i8"), "i16": (16, "i16"), "i32": (32, "i32"), "i64": (64, "i64"), "f32": (32, "f32"),
          "f64": (64, "f64")}
REFERENCE_TYPES = frozenset({"funcref", "externref", "exnref", "anyref", "eqref", "i31ref", "structref", "arrayref",
                             "nullref", "nullfuncref", "nullexternref", "nullexnref", "refnull"})


@dataclass(frozen=True, slots=True)
class Value:
    """A Wasm value: ``type`` as the suite spells it, ``bits`` the pattern (numbers, v128 as one 128-bit int) or
    the reference (``None`` for null)."""

    type: str
    bits: Any

    def __str__(self) -> str:
        if self.type in WIDTHS:
            width = WIDTHS[self.type]
            text = f"{self.type}:{self.bits:#0{width // 4 + 2}x}"
            if self.type[0] == "f":
                text += f" ({float_of(self.type, self.bits)!r})"
            return text
        if self.type == "v128":
            return f"v128:{self.bits:#034x}"
        return f"{self.type}:{'null' if self.bits is None else self.bits!r}"


def float_of(value_type: str, bits: int) -> float:
    if value_type == "f32":
        return float(struct.unpack("<f", struct.pack("<I", bits))[0])
    return float(struct.unpack("<d", struct.pack("<Q", bits))[0])


def _number(value_type: str, text: str) -> int:
    return int(text, 10) & ((1 << WIDTHS[value_type]) - 1)


def _lane_bits(lane: str, text: str) -> int:
    width, _ = _LANES[lane]
    return int(text, 10) & ((1 << width) - 1)


def parse(spec: dict[str, Any]) -> Value:
    """An argument (or an exact expected value) from its JSON form."""
    value_type = spec["type"]
    if value_type in WIDTHS:
        return Value(value_type, _number(value_type, spec["value"]))
    if value_type == "v128":
        width, _ = _LANES[spec["lane_type"]]
        bits = 0
        for i, lane in enumerate(spec["value"]):
            bits |= _lane_bits(spec["lane_type"], lane) << (width * i)
        return Value("v128", bits)
    if value_type in REFERENCE_TYPES:
        text = spec.get("value")
        if text is None or text == "null":
            return Value(value_type, None)
        return Value(value_type, int(text, 10))
    raise ValueError(f"value type {value_type!r} the runner does not know")


def _nan_matches(pattern: str, value_type: str, bits: int) -> bool:
    mantissa, exponent = _FLOAT_LAYOUT[value_type]
    exponent_mask = ((1 << exponent) - 1) << mantissa
    quiet = 1 << (mantissa - 1)
    magnitude = bits & ~(1 << (mantissa + exponent))
    if pattern == "nan:canonical":
        return magnitude == exponent_mask | quiet
    if pattern == "nan:arithmetic":
        return magnitude & (exponent_mask | quiet) == exponent_mask | quiet
    raise ValueError(f"NaN pattern {pattern!r} the runner does not know")


def _scalar_matches(value_type: str, text: str, bits: int) -> bool:
    if text.startswith("nan:"):
        return _nan_matches(text, value_type, bits)
    return _number(value_type, text) == bits


def matches(expected: dict[str, Any], actual: Value) -> bool:
    """Whether ``actual`` is what ``expected`` (a JSON expected value) allows."""
    value_type = expected["type"]
    if value_type == "either":
        return any(matches(alternative, actual) for alternative in expected["values"])
    if value_type in WIDTHS:
        return actual.type == value_type and _scalar_matches(value_type, expected["value"], actual.bits)
    if value_type == "v128":
        if actual.type != "v128":
            return False
        width, scalar = _LANES[expected["lane_type"]]
        for i, text in enumerate(expected["value"]):
            lane = (actual.bits >> (width * i)) & ((1 << width) - 1)
            if scalar in _FLOAT_LAYOUT:
                if not _scalar_matches(scalar, text, lane):
                    return False
            elif _lane_bits(expected["lane_type"], text) != lane:
                return False
        return True
    if value_type in REFERENCE_TYPES:
        if actual.type not in REFERENCE_TYPES:
            return False
        text = expected.get("value")
        if text == "null":
            return actual.bits is None
        if text is None:  # any non-null reference of the type
            return actual.bits is not None
        return actual.bits == int(text, 10)
    raise ValueError(f"value type {value_type!r} the runner does not know")


def describe_expected(expected: dict[str, Any]) -> str:
    value_type = expected["type"]
    if value_type == "either":
        return " | ".join(describe_expected(alternative) for alternative in expected["values"])
    text = expected.get("value")
    if value_type in WIDTHS and isinstance(text, str) and not text.startswith("nan:"):
        return str(parse(expected))
    if isinstance(text, list):
        return f"v128 {expected['lane_type']} {' '.join(text)}"
    return f"{value_type}:{text if text is not None else '(non-null)'}"
