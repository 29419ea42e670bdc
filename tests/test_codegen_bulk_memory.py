"""``memory.copy`` in both directions, every overlap and every length class (16-byte steps, an 8-byte step, single
bytes), against wasmtime: the whole memory is compared after each copy."""

from __future__ import annotations

import wasmtime
from hypothesis import given, settings
from hypothesis import strategies as st

from emitter.jit import compile_wasm

PAGE = 65536
WAT = """
(module (memory (export "mem") 1 1)
  (func (export "init") (local $i i32)
    (loop $l
      (i32.store8 (local.get $i) (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.const 3)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 65536)))))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "sum") (param $at i32) (param $n i32) (result i64) (local $acc i64)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 31)) (i64.load8_u (local.get $at))))
      (local.set $at (i32.add (local.get $at) (i32.const 1)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $acc)))
"""


def _instances(tmp_path_factory):
    directory = tmp_path_factory.mktemp("bulk")
    path = directory / "bulk.wasm"
    path.write_bytes(wasmtime.wat2wasm(WAT))
    ours = compile_wasm(path, listing_dir=directory).instantiate()
    store = wasmtime.Store()
    theirs = wasmtime.Instance(store, wasmtime.Module(store.engine, path.read_bytes()), []).exports(store)
    return ours, store, theirs


def test_overlapping_copies_match_wasmtime(tmp_path_factory) -> None:
    ours, store, theirs = _instances(tmp_path_factory)

    @settings(max_examples=300, deadline=None)
    @given(src=st.integers(0, 400), distance=st.integers(-40, 40), length=st.integers(0, 100))
    def check(src: int, distance: int, length: int) -> None:
        dst = max(0, src + distance)
        for side in (lambda *a: ours.exports["init"](*a), lambda *a: theirs["init"](store, *a)):
            side()
        ours.exports["copy"](dst, src, length)
        theirs["copy"](store, dst, src, length)
        window = (0, 600)
        assert ours.exports["sum"](*window) == theirs["sum"](store, *window), (dst, src, length)

    with ours:
        check()
        # A large overlapping copy each way, compared over the whole page.
        for dst, src, length in ((1000, 0, 60000), (0, 1000, 60000), (3, 0, PAGE - 3), (0, 5, PAGE - 5)):
            ours.exports["init"]()
            theirs["init"](store)
            ours.exports["copy"](dst, src, length)
            theirs["copy"](store, dst, src, length)
            assert ours.exports["sum"](0, PAGE) == theirs["sum"](store, 0, PAGE), (dst, src, length)
