"""The native body pass (``emitter/wasm/_bodies.c``) against its model, the Python decoder and validator: on every
module of the spec suite's groups (valid, malformed and invalid ones), on generated bodies of random instructions
(most of them ill-typed, to exercise every typing rule and the unreachable stack) and on mutated modules, decoding
and validating with the pass gives exactly what the model gives: the same module, or the same error, message and
offset. And the pass takes the common path: it types every body of the real modules it was written for."""

from __future__ import annotations

import pytest
import wasmtime
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emitter.encoding import uleb128
from emitter.errors import WasmError
from emitter.wasm.decoder import decode
from emitter.wasm.features import DEFAULT, Features
from emitter.wasm.module import Module
from emitter.wasm.opcodes import MISC_OPCODES, OPCODES
from emitter.wasm.validate import validate
from tests.spec.convert import converted
from tests.spec.groups import GROUPS
from tests.test_wasm_fuzz import mutated
from tests.tools import ROOT

Outcome = tuple[str, object]


def _outcome(data: bytes, features: Features, native: bool) -> Outcome:
    try:
        module = decode(data, features, native=native)
        validate(module, features)
    except WasmError as error:
        return type(error).__name__, (error.message, error.offset)
    return "valid", module


def _same(data: bytes, features: Features = DEFAULT) -> Outcome:
    ours = _outcome(data, features, True)
    model = _outcome(data, features, False)
    assert ours == model
    return ours


def _spec_modules() -> list[tuple[str, Features]]:
    return [(str(wast.relative_to(ROOT)), group.features) for group in GROUPS for wast in group.files()]


@pytest.mark.parametrize(("wast", "features"), _spec_modules(), ids=lambda value: str(value).rsplit("/", 1)[-1]
                         if isinstance(value, str) else "")
def test_spec_modules_decode_and_validate_as_the_model_does(wast: str, features: Features) -> None:
    group = next(g for g in GROUPS if g.features == features and (ROOT / wast) in g.files())
    entry = converted(ROOT / wast, group.converter)
    for path in sorted(entry.glob("*.wasm")):
        _same(path.read_bytes(), features)


def test_the_pass_types_every_body_of_the_modules_it_is_for() -> None:
    """Row 3's generated module and the large real modules: every body decoded and typed natively (else the
    model would quietly do the work, and the pass would be dead code)."""
    from scripts.bench_debuggers import deep_module

    modules = [deep_module(50)] + [(ROOT / "tests/data/sightglass_large" / name).read_bytes()
                                   for name in ("hashset.wasm", "tinygo-json.wasm", "tinygo-regex.wasm")]
    for data in modules:
        outcome = _same(data)
        assert outcome[0] == "valid"
        module = outcome[1]
        assert isinstance(module, Module) and module.functions
        assert all(f.prevalidated for f in module.functions)


# Generated bodies: random instructions of the core set, nested properly, in a module with two memories' worth of
# context (one memory, a table, globals of each kind, functions of several types, a passive data segment).
_TYPES = ["i32", "i64", "f32", "f64"]
_MODULE = """(module
  (type $t0 (func)) (type $t1 (func (param i32) (result i32))) (type $t2 (func (param i64 f32) (result f64)))
  (type $t3 (func (param i32 i32) (result i32 i64)))
  (import "env" "f" (func $imp (type $t1)))
  (table 2 funcref) (memory 1)
  (global $gi (mut i32) (i32.const 0)) (global $gl i64 (i64.const 0)) (global $gf (mut f32) (f32.const 0))
  (global $gd (mut f64) (f64.const 0))
  (func $a (type $t2) (local i32 i64 f32 f64) unreachable)
  (func $b (type $t3) (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0)) unreachable)
  (data "xy")
)"""
#: Simple instructions: (bytes) — numeric, parametric, locals, globals, calls, memory, branches.
_SIMPLE = [bytes([code]) for code in [*range(0x45, 0xC5), 0x00, 0x01, 0x0F, 0x1A, 0x1B, 0x3F, 0x40]]
_SIMPLE += [bytes([0xFC, sub]) for sub in range(8)]
_IMMEDIATE = st.integers(0, 6).map(lambda n: uleb128(n))


@st.composite
def _instruction(draw: st.DrawFn, depth: int) -> bytes:
    kind = draw(st.sampled_from(["simple"] * 6 + ["const", "local", "global", "call", "memory", "branch",
                                                   "block", "bulk"]))
    match kind:
        case "simple":
            return draw(st.sampled_from(_SIMPLE))
        case "const":
            code = draw(st.sampled_from([0x41, 0x42, 0x43, 0x44]))
            if code == 0x41:
                return bytes([code]) + draw(st.sampled_from([b"\x00", b"\x7f", b"\xff\x00", b"\x80\x80\x80\x80\x78",
                                                             b"\x80\x80\x80\x80\x08"]))
            if code == 0x42:
                return bytes([code]) + draw(st.sampled_from([b"\x01", b"\x40", b"\xff" * 9 + b"\x7f"]))
            return bytes([code]) + draw(st.binary(min_size=4 if code == 0x43 else 8, max_size=4 if code == 0x43 else 8))
        case "local":
            return bytes([draw(st.sampled_from([0x20, 0x21, 0x22]))]) + draw(_IMMEDIATE)
        case "global":
            return bytes([draw(st.sampled_from([0x23, 0x24]))]) + draw(st.integers(0, 4).map(uleb128))
        case "call":
            if draw(st.booleans()):
                return b"\x10" + draw(st.integers(0, 3).map(uleb128))
            return b"\x11" + draw(st.integers(0, 4).map(uleb128)) + draw(st.sampled_from([b"\x00", b"\x01"]))
        case "memory":
            code = draw(st.sampled_from([*range(0x28, 0x3F)]))
            return bytes([code]) + uleb128(draw(st.integers(0, 4))) + uleb128(draw(st.sampled_from([0, 8, 2**31])))
        case "bulk":
            sub = draw(st.sampled_from([8, 9, 10, 11]))
            imm = {8: uleb128(draw(st.integers(0, 1))) + b"\x00", 9: uleb128(draw(st.integers(0, 1))),
                   10: b"\x00\x00", 11: b"\x00"}[sub]
            return bytes([0xFC, sub]) + imm
        case "branch":
            code = draw(st.sampled_from([0x0C, 0x0D, 0x0E]))
            label = st.integers(0, depth + 1).map(uleb128)
            if code == 0x0E:
                targets = draw(st.lists(label, max_size=4))
                return b"\x0e" + uleb128(len(targets)) + b"".join(targets) + draw(label)
            return bytes([code]) + draw(label)
        case _:
            code = draw(st.sampled_from([0x02, 0x03, 0x04]))
            block_type = draw(st.sampled_from([b"\x40", b"\x7f", b"\x7e", b"\x7d", b"\x7c", b"\x00", b"\x01", b"\x02",
                                               b"\x03", b"\x09"]))
            inner = b"".join(draw(st.lists(_instruction(depth + 1), max_size=5))) if depth < 3 else b""
            otherwise = b""
            if code == 0x04 and draw(st.booleans()):
                otherwise = b"\x05" + (b"".join(draw(st.lists(_instruction(depth + 1), max_size=4)))
                                       if depth < 3 else b"")
            return bytes([code]) + block_type + inner + otherwise + b"\x0b"


def _sections(data: bytes) -> list[tuple[int, bytes]]:
    """A module's sections: (id, payload)."""
    sections, at = [], 8
    while at < len(data):
        section_id, size, shift = data[at], 0, 0
        at += 1
        while True:
            size |= (data[at] & 0x7F) << shift
            shift += 7
            at += 1
            if data[at - 1] < 0x80:
                break
        sections.append((section_id, data[at:at + size]))
        at += size
    return sections


_BASE = bytes(wasmtime.wat2wasm(_MODULE))
_BASE_MODULE = decode(_BASE)


def _with_body(body: bytes) -> bytes:
    """``_MODULE`` with the body of ``$a`` replaced (its locals kept)."""
    first, *others = _BASE_MODULE.functions
    code = _BASE[first.locals_offset:first.code_offset] + body + b"\x0b"
    payload = uleb128(len(_BASE_MODULE.functions)) + uleb128(len(code)) + code + b"".join(
        _BASE[f.body_offset:f.end_offset] for f in others)
    out = bytearray(_BASE[:8])
    for section_id, old in _sections(_BASE):
        new = payload if section_id == 10 else old
        out += bytes([section_id]) + uleb128(len(new)) + new
    return bytes(out)


# Typed generation: expressions of a wanted type built from the opcode table's signatures, statements around
# them (stores, branches out of blocks, loops, br_table, code after ``unreachable``/``br``/``return``), so that
# most bodies are valid; then one instruction swapped for another of the same shape makes a near miss.
_BY_RESULT: dict[int, list[tuple[int, bytes]]] = {}
for _code, _info in {**OPCODES, **{0xFC00 | k: v for k, v in MISC_OPCODES.items()}}.items():
    if _info.signature is not None and _info.immediate == "none" and len(_info.signature[1]) == 1:
        _BY_RESULT.setdefault(_info.signature[1][0].value, []).append(
            (_code, bytes(t.value for t in _info.signature[0])))
_LOCALS = {0x7E: [0, 3], 0x7D: [1, 4], 0x7F: [2], 0x7C: [5]}  # $a's params (i64 f32), then i32 i64 f32 f64
_GLOBALS = {0x7F: 0, 0x7E: 1, 0x7D: 2, 0x7C: 3}
_LOADS = {0x7F: [(0x28, 2), (0x2C, 0), (0x2F, 1)], 0x7E: [(0x29, 3), (0x35, 2)], 0x7D: [(0x2A, 2)],
          0x7C: [(0x2B, 3)]}
_STORES = {0x7F: (0x36, 2), 0x7E: (0x37, 3), 0x7D: (0x38, 2), 0x7C: (0x39, 3)}
_CONSTS = {0x7F: b"\x41\x05", 0x7E: b"\x42\x7f", 0x7D: b"\x43\x00\x00\x80\x3f", 0x7C: b"\x44" + bytes(8)}


def _opcode(code: int) -> bytes:
    return bytes([code]) if code < 0x100 else bytes([0xFC]) + uleb128(code & 0xFF)


@st.composite
def _expr(draw: st.DrawFn, t: int, depth: int) -> bytes:
    choices = ["const", "local", "global"] + (["op"] * 4 + ["load", "block", "if", "select", "call", "tee"]
                                             if depth < 4 else [])
    match draw(st.sampled_from(choices)):
        case "const":
            return _CONSTS[t]
        case "local":
            return b"\x20" + uleb128(draw(st.sampled_from(_LOCALS[t])))
        case "global":
            return b"\x23" + uleb128(_GLOBALS[t])
        case "tee":
            return draw(_expr(t, depth + 1)) + b"\x22" + uleb128(draw(st.sampled_from(_LOCALS[t])))
        case "op":
            code, params = draw(st.sampled_from(_BY_RESULT[t]))
            return b"".join(draw(_expr(p, depth + 1)) for p in params) + _opcode(code)
        case "load":
            code, align = draw(st.sampled_from(_LOADS[t]))
            return draw(_expr(0x7F, depth + 1)) + bytes([code]) + uleb128(draw(st.integers(0, align))) + b"\x10"
        case "block":
            body = draw(_statements(depth + 1, 2))
            if draw(st.booleans()):  # leave through br 0 with the value
                return b"\x02" + bytes([t]) + body + draw(_expr(t, depth + 1)) + b"\x0c\x00" + \
                    draw(_statements(depth + 1, 1)) + b"\x0b"
            return b"\x02" + bytes([t]) + body + draw(_expr(t, depth + 1)) + b"\x0b"
        case "if":
            return (draw(_expr(0x7F, depth + 1)) + b"\x04" + bytes([t]) + draw(_expr(t, depth + 1)) + b"\x05"
                    + draw(_expr(t, depth + 1)) + b"\x0b")
        case "select":
            return draw(_expr(t, depth + 1)) + draw(_expr(t, depth + 1)) + draw(_expr(0x7F, depth + 1)) + b"\x1b"
        case _:
            if t == 0x7F:
                return draw(_expr(0x7F, depth + 1)) + b"\x10\x00"  # $imp: [i32] -> [i32]
            return (draw(_expr(0x7E, depth + 1)) + draw(_expr(0x7D, depth + 1)) + b"\x10\x01"
                    + (b"" if t == 0x7C else b"\x1a" + _CONSTS[t]))  # $a: [i64 f32] -> [f64]


@st.composite
def _statement(draw: st.DrawFn, depth: int) -> bytes:
    t = draw(st.sampled_from(sorted(_CONSTS)))
    choices = ["drop", "set", "global", "store"] + (["block", "loop", "br_if", "br_table", "dead", "bulk"]
                                                  if depth < 3 else [])
    match draw(st.sampled_from(choices)):
        case "drop":
            return draw(_expr(t, depth)) + b"\x1a"
        case "set":
            return draw(_expr(t, depth)) + b"\x21" + uleb128(draw(st.sampled_from(_LOCALS[t])))
        case "global":
            return draw(_expr(t, depth)) + b"\x24" + uleb128(_GLOBALS[t]) if t != 0x7E else b"\x01"
        case "store":
            code, align = _STORES[t]
            return draw(_expr(0x7F, depth)) + draw(_expr(t, depth)) + bytes([code]) + uleb128(align) + b"\x00"
        case "block":
            return b"\x02\x40" + draw(_statements(depth + 1, 3)) + b"\x0b"
        case "loop":
            return (b"\x03\x40" + draw(_statements(depth + 1, 2)) + draw(_expr(0x7F, depth + 1)) + b"\x0d\x00"
                    + b"\x0b")
        case "br_if":
            return b"\x02\x40" + draw(_expr(0x7F, depth + 1)) + b"\x0d" + uleb128(draw(st.integers(0, depth + 1))) + \
                draw(_statements(depth + 1, 2)) + b"\x0b"
        case "br_table":
            targets = draw(st.lists(st.integers(0, depth + 1), max_size=3))
            return (b"\x02\x40" + draw(_expr(0x7F, depth + 1)) + b"\x0e" + uleb128(len(targets))
                    + b"".join(uleb128(x) for x in targets) + uleb128(draw(st.integers(0, depth + 1)))
                    + draw(_statements(depth + 1, 2)) + b"\x0b")
        case "dead":  # the polymorphic stack: anything typed after these, within the block
            leave = draw(st.sampled_from([b"\x00", b"\x0c\x00", b"\x44" + bytes(8) + b"\x0f"]))
            after = b"".join(draw(st.lists(_instruction(depth + 1), max_size=3)))
            return b"\x02\x40" + leave + after + b"\x0b"
        case _:
            return draw(st.sampled_from([b"\x41\x00\x41\x00\x41\x00\xfc\x0b\x00",
                                         b"\x41\x00\x41\x00\x41\x00\xfc\x0a\x00\x00",
                                         b"\x3f\x00\x40\x00\x1a", b"\xfc\x09\x00"]))


@st.composite
def _statements(draw: st.DrawFn, depth: int, most: int) -> bytes:
    return b"".join(draw(st.lists(_statement(depth), max_size=most)))


@st.composite
def _typed_body(draw: st.DrawFn) -> bytes:
    """Statements, then the function's f64 result."""
    body = bytearray(draw(_statements(0, 4)) + draw(_expr(0x7C, 0)))
    if body and draw(st.integers(0, 3)) == 0:  # a near miss: one byte of the body changed
        body[draw(st.integers(0, len(body) - 1))] = draw(st.sampled_from([0x6A, 0x7C, 0x92, 0xA0, 0x1A, 0x0B, 0x45]))
    return bytes(body)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(_typed_body())
def test_typed_bodies_type_as_the_model_types_them(body: bytes) -> None:
    _same(_with_body(body))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.lists(_instruction(0), max_size=12))
def test_generated_bodies_type_as_the_model_types_them(instructions: list[bytes]) -> None:
    _same(_with_body(b"".join(instructions)))


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.lists(_instruction(0), max_size=8), st.integers(0, 200), st.sampled_from([0x00, 0x0B, 0x80, 0xFF, 0x41]))
def test_generated_bodies_with_a_byte_changed_decode_as_the_model_decodes_them(instructions: list[bytes],
                                                                              where: int, byte: int) -> None:
    data = bytearray(_with_body(b"".join(instructions)))
    data[len(data) - 1 - where % len(data)] = byte
    _same(bytes(data))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(mutated())
def test_mutated_modules_decode_and_validate_as_the_model_does(case: tuple[str, bytes]) -> None:
    _same(case[1])
