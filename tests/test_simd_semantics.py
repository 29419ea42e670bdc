"""The SIMD lowering against wasmtime, bit for bit (NaN payloads and signs included): every SIMD instruction that
takes and gives values (not memory) on lane edge cases: integer limits, shift counts past the lane width, ±0, ±inf,
quiet and signalling NaNs with payloads, conversion boundaries. Ours is called through the JIT's Python API
(v128 arguments as 16 bytes, a v128 result as 16 bytes); wasmtime-py cannot pass v128 across its API, so the same
module has a scalar twin of each function for it, returning one 64-bit half."""

from __future__ import annotations

import random
import struct

import wasmtime

from emitter.jit import compile_wasm, lanes
from emitter.wasm.simd_opcodes import SIMD_OPCODES

_F32 = [0.0, -0.0, 1.0, -1.0, 0.5, -1.5, 2.5, -2.5, 3e9, -3e9, 2.0**31, -(2.0**31), 4294967296.0, 2147483520.0,
        1e-45, 3.4e38, float("inf"), float("-inf")]
_F32_BITS = [struct.unpack("<I", struct.pack("<f", v))[0] for v in _F32] + [0x7FC00000, 0xFFC00000, 0x7FA00001,
                                                                              0x7F800001, 0xFFF00000]
_F64 = [0.0, -0.0, 1.0, -1.0, 0.5, -1.5, 2.5, 2147483647.5, -2147483648.5, 4294967295.5, 4294967296.0, 1e300,
        5e-324, float("inf"), float("-inf")]
_F64_BITS = [struct.unpack("<Q", struct.pack("<d", v))[0] for v in _F64] + [0x7FF8000000000000, 0xFFF8000000000000,
                                                                              0x7FF4000000000001, 0x7FF0000000000001]
_INT_LANES = {8: [0, 1, 0x7F, 0x80, 0xFF, 0xFE, 0x55], 16: [0, 1, 0x7FFF, 0x8000, 0xFFFF, 0x00FF, 0x1234],
              32: [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x0000FFFF, 0x12345678],
              64: [0, 1, 2**63 - 1, 2**63, 2**64 - 1, 0xFFFFFFFF, 0x123456789ABCDEF0]}
_SHIFTS = [0, 1, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, -1]


def _vector(rng: random.Random, lane_bits: int, pool: list[int]) -> int:
    out = 0
    for k in range(128 // lane_bits):
        value = rng.choice(pool) if rng.random() < 0.8 else rng.getrandbits(lane_bits)
        out |= value << (k * lane_bits)
    return out


def _vectors(rng: random.Random, n: int) -> list[int]:
    """Vectors of every lane shape, each lane an edge case or random bits."""
    shapes = [(8, _INT_LANES[8]), (16, _INT_LANES[16]), (32, _INT_LANES[32]), (64, _INT_LANES[64]),
              (32, _F32_BITS), (64, _F64_BITS)]
    return [_vector(rng, *shapes[k % len(shapes)]) for k in range(n)]


def _ops() -> list[tuple[str, str]]:
    """(name, operand kinds) of every SIMD instruction without memory or lane immediates taking v128 operands."""
    out = []
    for info in SIMD_OPCODES.values():
        if info.immediate != "none" or info.signature is None:
            continue
        params, results = info.signature
        if any(t.text not in ("v128", "i32") for t in params):
            continue  # the splats: the spec suite's simd_splat.wast covers them
        kinds = "".join(t.text[0] for t in params)  # "vv", "v", "vi" (shifts), "vvv"
        out.append((info.name, kinds + ":" + results[0].text))
    return out


def _module(ops: list[tuple[str, str]]) -> str:
    """Per instruction ``f<n>`` taking and giving v128 (ours) and ``g<n>`` taking each v128 as two i64 and giving
    an i32 result, or the half of a v128 result its last parameter selects (wasmtime's)."""
    funcs = []
    for n, (op, sig) in enumerate(ops):
        kinds, result = sig.split(":")
        wide = " ".join("v128" if kind == "v" else "i32" for kind in kinds)
        direct = f"({op} {' '.join(f'(local.get {k})' for k in range(len(kinds)))})"
        params, operands = [], []
        for kind in kinds:
            if kind == "v":
                params += ["i64", "i64"]
                lo, hi = len(params) - 2, len(params) - 1
                operands.append(f"(i64x2.replace_lane 1 (i64x2.splat (local.get {lo})) (local.get {hi}))")
            else:
                params.append("i32")
                operands.append(f"(local.get {len(params) - 1})")
        body = f"({op} {' '.join(operands)})"
        p = " ".join(params)
        funcs.append(f'(func (export "f{n}") (param {wide}) (result {result}) {direct})')
        if result == "v128":
            half = len(params)
            value = len(params) + 1
            funcs.append(f'(func (export "g{n}") (param {p} i32) (result i64) (local v128) (local.set {value} {body})'
                         f" (if (result i64) (local.get {half}) (then (i64x2.extract_lane 1 (local.get {value})))"
                         f" (else (i64x2.extract_lane 0 (local.get {value})))))")
        else:
            funcs.append(f'(func (export "g{n}") (param {p}) (result {result}) {body})')
    return "(module\n" + "\n".join(funcs) + ")"


def test_every_simd_value_instruction_matches_wasmtime_bit_for_bit(tmp_path: object) -> None:
    from pathlib import Path

    ops = _ops()
    assert len(ops) > 180
    wat = _module(ops)
    path = Path(str(tmp_path)) / "simd.wat"
    path.write_text(wat)
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    theirs = wasmtime.Instance(store, wasmtime.Module(engine, wat), []).exports(store)
    rng = random.Random(128)
    pool = _vectors(rng, 48)
    mismatches: list[str] = []
    checked = 0
    with compile_wasm(path).instantiate({}) as instance:
        ours = instance.exports
        for n, (op, sig) in enumerate(ops):
            kinds, result = sig.split(":")
            for _ in range(40):
                vectors = [rng.choice(pool) for kind in kinds if kind == "v"]
                args: list[int] = []
                mine: list[object] = []
                it = iter(vectors)
                for kind in kinds:
                    if kind == "v":
                        v = next(it)
                        args += [_signed(v & (2**64 - 1)), _signed(v >> 64)]
                        mine += [v.to_bytes(16, "little")]
                    else:
                        count = rng.choice(_SHIFTS)
                        args.append(count)
                        mine.append(count)
                scalar_args = [a for a in args]
                if result == "v128":
                    got = ours[f"f{n}"](*_our_args(kinds, args))
                    expected = (theirs[f"g{n}"](store, *scalar_args, 0) & (2**64 - 1)) | \
                        (theirs[f"g{n}"](store, *scalar_args, 1) & (2**64 - 1)) << 64
                    value = int.from_bytes(got, "little")
                else:
                    value = ours[f"f{n}"](*_our_args(kinds, args)) & 0xFFFFFFFF
                    expected = theirs[f"g{n}"](store, *scalar_args) & 0xFFFFFFFF
                checked += 1
                if value != expected:
                    mismatches.append(f"{op}{tuple(hex(v) for v in vectors)}: ours {value:#x}, wasmtime {expected:#x}")
    assert not mismatches, f"{len(mismatches)} of {checked} differ:\n" + "\n".join(mismatches[:30])
    assert checked > 7000


def _signed(word: int) -> int:
    return word - (1 << 64) if word >> 63 else word


def _our_args(kinds: str, args: list[int]) -> list[object]:
    """The scalar twin's arguments as our export takes them (a v128 as 16 bytes from its two halves)."""
    out: list[object] = []
    at = 0
    for kind in kinds:
        if kind == "v":
            lo, hi = args[at] & (2**64 - 1), args[at + 1] & (2**64 - 1)
            out.append((lo | hi << 64).to_bytes(16, "little"))
            at += 2
        else:
            out.append(args[at])
            at += 1
    return out


def test_v128_crosses_the_python_api_as_bytes_and_lanes(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "api.wat"
    path.write_text('(module (func (export "swap") (param v128 f64 v128) (result v128) '
                    "(f64x2.replace_lane 0 (i8x16.shuffle 16 17 18 19 20 21 22 23 0 1 2 3 4 5 6 7 "
                    "(local.get 0) (local.get 2)) (local.get 1))))")
    with compile_wasm(path).instantiate({}) as instance:
        a = struct.pack("<2d", 1.5, 2.5)
        b = struct.pack("<4i", -1, -2, -3, -4)
        got = instance.exports["swap"](a, 9.25, bytearray(b))
        assert lanes(got, "f64x2")[0] == 9.25
        assert lanes(got, "i32x4")[2:] == (0, 0x3FF80000)
        assert lanes(got, "u8x16")[8:] == tuple(a[:8])
        # An int is taken too (lane 0 in the low bits), and a wrong size is refused.
        assert lanes(instance.exports["swap"](1 << 64, 0.0, 0), "i64x2") == (0, 0)
        for bad in (b"\0" * 15, -1, 1 << 128, 1.5):
            try:
                instance.exports["swap"](bad, 0.0, a)
            except TypeError:
                continue
            raise AssertionError(f"{bad!r} taken as a v128")


def test_v128_through_control_flow_calls_and_globals_matches_wasmtime() -> None:
    """``samples/simd/control.wat``: v128 block/loop parameters, branches carrying v128 values, multi-value
    results mixing v128 and i32 through ``call_indirect``, typed and untyped ``select``, a mutable v128 global
    (two units per v128 everywhere a value moves). Each lane from a fresh wasmtime instance (``run`` updates
    the global)."""
    from tests.tools import ROOT

    path = ROOT / "samples" / "simd" / "control.wat"
    source = path.read_text()
    module = compile_wasm(path)
    engine = wasmtime.Engine()
    theirs_module = wasmtime.Module(engine, source)
    for x in (0, 1, 3, 7):
        theirs = []
        for lane in range(4):
            store = wasmtime.Store(engine)
            exports = wasmtime.Instance(store, theirs_module, []).exports(store)
            theirs.append(exports["run_lane"](store, x, lane) & 0xFFFFFFFF)
        with module.instantiate({}) as instance:
            assert list(lanes(instance.exports["run"](x), "u32x4")) == theirs, x
