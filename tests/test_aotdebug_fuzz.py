"""`jitdebug compile` on hostile input, widening ``test_cli_errors``'s mutation fuzz: mutations of several seed
modules (valid ones and ones using unsupported features), every truncation of a module, pure garbage with and
without the Wasm header, and mutated WebAssembly text. Each example either compiles (all outputs written) or
fails cleanly (exit 2, one ``jitdebug: error:`` line, nothing written); any other exception fails the test.

Each example runs under a real-time alarm, so a hang fails that example instead of stalling the suite."""

from __future__ import annotations

import contextlib
import io
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
import wasmtime
from hypothesis import given, settings
from hypothesis import strategies as st

from emitter.cli import main

#: Seconds one example may take (a compile of these small modules takes milliseconds).
EXAMPLE_BOUND = 10.0

HEADER = b"\x00asm\x01\x00\x00\x00"

RICH = """(module $rich
  (import "env" "log" (func $log (param i32)))
  (memory 1 2)
  (global $g (mut i64) (i64.const 5))
  (table 3 funcref)
  (elem (i32.const 0) $a $b)
  (data (i32.const 16) "hello")
  (type $t (func (param i32) (result i32)))
  (func $a (type $t) (i32.add (local.get 0) (i32.const 1)))
  (func $b (type $t) (local f64) (local.set 1 (f64.convert_i32_s (local.get 0)))
    (i32.trunc_sat_f64_s (f64.mul (local.get 1) (f64.const 2.5))))
  (func (export "main") (param i32) (result i32) (local i32)
    (block $out
      (loop $l
        (br_if $out (i32.ge_u (local.get 1) (local.get 0)))
        (call $log (local.get 1))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_table $l $out (i32.and (local.get 1) (i32.const 1)))))
    (global.set $g (i64.extend_i32_u (i32.load8_u (i32.const 16))))
    (drop (memory.grow (i32.const 1)))
    (call_indirect (type $t) (local.get 0) (i32.rem_u (local.get 0) (i32.const 2))))
)"""

#: Seeds that use what the AOT compiler does not support, and a SIMD one: mutating them explores the rejection
#: paths and the 0xFD decoding.
UNSUPPORTED = (
    '(module (func (export "v") (result i32) (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4))))',
    '(module (import "env" "g" (global i32)) (func (export "f") (result i32) (global.get 0)))',
    '(module (import "env" "mem" (memory 1)) (func (export "f") (result i32) (i32.load (i32.const 0))))',
    '(module (func (export "pair") (result i32 i32) (i32.const 1) (i32.const 2)))',
)

SEEDS = (bytes(wasmtime.wat2wasm(RICH)), *(bytes(wasmtime.wat2wasm(text)) for text in UNSUPPORTED))


class ExampleTookTooLong(Exception):
    pass


@contextlib.contextmanager
def _time_bound(seconds: float) -> Iterator[None]:
    """Raise ``ExampleTookTooLong`` inside the code under test if it runs longer than ``seconds``."""
    def expire(signum: int, frame: FrameType | None) -> None:
        raise ExampleTookTooLong(f"compile took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _compile_cleanly(data: bytes, name: str = "in.wasm") -> tuple[int, str]:
    """Compile ``data`` in a fresh directory; check the all-or-nothing, one-line-error contract."""
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / name
        source.write_bytes(data)
        out = Path(directory) / "out"
        out.mkdir()
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), _time_bound(EXAMPLE_BOUND):
            try:
                status = main(["compile", str(source), "-o", str(out / "m.o"), "--header", str(out / "m.h")])
            except SystemExit as exit_:
                status = exit_.code if isinstance(exit_.code, int) else -1
        files = sorted(p.name for p in out.iterdir())
    text = stderr.getvalue()
    if status == 0:
        assert (text, files) == ("", ["m.h", "m.o", "m.wat.lst"]), (text, files)
    else:
        assert status == 2, text
        assert text.startswith("jitdebug: error: ") and text.count("\n") == 1, text
        assert files == [], files
    return status, text


_EDITS = st.lists(st.tuples(st.sampled_from(("set", "insert", "delete", "truncate")), st.integers(0, 1 << 16),
                            st.integers(0, 255)), min_size=1, max_size=6)


def _mutate(data: bytes, edits: list[tuple[str, int, int]]) -> bytes:
    out = bytearray(data)
    for kind, position, value in edits:
        if not out:
            break
        where = position % len(out)
        match kind:
            case "set":
                out[where] = value
            case "insert":
                out.insert(where, value)
            case "delete":
                del out[where]
            case _:
                del out[where:]
    return bytes(out)


def test_time_bound_stops_a_hang() -> None:
    """The guard itself: a loop that never ends is cut off and reported."""
    with pytest.raises(ExampleTookTooLong), _time_bound(0.2):
        while True:
            pass


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(range(len(SEEDS))), _EDITS)
def test_mutated_seeds_compile_or_fail_cleanly(seed: int, edits: list[tuple[str, int, int]]) -> None:
    _compile_cleanly(_mutate(SEEDS[seed], edits))


@settings(max_examples=100, deadline=None)
@given(st.booleans(), st.binary(max_size=512))
def test_garbage_compiles_or_fails_cleanly(with_header: bool, payload: bytes) -> None:
    status, text = _compile_cleanly((HEADER if with_header else b"") + payload)
    if status and with_header:
        assert "module offset 0x" in text, text


def test_every_truncation_fails_cleanly() -> None:
    """Every strict prefix of a module: located errors (or, cut at a section boundary, a smaller valid module)."""
    data = SEEDS[0]
    failures = 0
    for cut in range(len(data)):
        status, text = _compile_cleanly(data[:cut])
        if status:
            failures += 1
            assert cut < len(HEADER) or "module offset 0x" in text, (cut, text)
    assert failures >= len(data) - 12  # only a handful of cuts fall on section boundaries


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1 << 16), st.sampled_from("()$\"; \n0-9azAZ.")), min_size=1, max_size=4))
def test_mutated_text_compiles_or_fails_cleanly(edits: list[tuple[int, str]]) -> None:
    text = list(RICH)
    for position, character in edits:
        text[position % len(text)] = character
    status, error = _compile_cleanly("".join(text).encode(), "in.wat")
    if status:
        assert "in.wat" in error, error
