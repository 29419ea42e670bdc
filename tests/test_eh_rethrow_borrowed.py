"""A legacy ``rethrow`` caught again inside the catch block that holds the exception: the block keeps owning it
(``emitter/codegen/exceptions.py``, ``borrowed_check``), so the inner handler must not release it and the block
may rethrow it once more. Before, both released it (a double free: glibc aborts, or a SIGSEGV). No oracle runs
these (wasmtime 50 has no legacy form; wabt's interpreter aborts on the first and does not know ``try_table``):
the expected values follow from the proposal's semantics, each case repeated many times so a double release or
a use after release shows."""

from __future__ import annotations

from pathlib import Path

from emitter.jit import compile_wasm

TIMES = 10_000

WAT = """(module
  (tag $e (param i32))
  (func $recatch_then_rethrow (param $v i32)
    try
      local.get $v
      throw $e
    catch $e
      drop
      try
        rethrow 1
      catch_all
      end
      try
        rethrow 1
      catch $e
        drop
      end
      rethrow 0
    end)
  (func (export "rethrow_after_recatch") (param $v i32) (param $times i32) (result i32)
    (local $sum i32)
    loop $again
      try
        local.get $v
        call $recatch_then_rethrow
      catch $e
        local.get $sum
        i32.add
        local.set $sum
      end
      local.get $times
      i32.const 1
      i32.sub
      local.tee $times
      br_if $again
    end
    local.get $sum)
  (func $by_try_table (param $v i32) (result i32)
    try (result i32)
      local.get $v
      throw $e
    catch $e
      block $caught (param i32) (result i32)
        drop
        try_table (catch $e $caught)
          rethrow 2
        end
        i32.const -1
      end
      i32.const 1
      i32.add
    end)
  (func (export "try_table_recatch") (param $v i32) (param $times i32) (result i32)
    (local $sum i32)
    loop $again
      local.get $sum
      local.get $v
      call $by_try_table
      i32.add
      local.set $sum
      local.get $times
      i32.const 1
      i32.sub
      local.tee $times
      br_if $again
    end
    local.get $sum)
)"""


def test_a_block_rethrows_its_exception_again_after_an_inner_catch_took_it(tmp_path: Path) -> None:
    path = tmp_path / "borrowed.wat"
    path.write_text(WAT)
    with compile_wasm(path).instantiate() as instance:
        # Each round: the exception (payload v) is rethrown twice inside its block, caught there both times,
        # rethrown a third time and caught by the caller, which adds its payload.
        assert instance.exports["rethrow_after_recatch"](5, TIMES) == 5 * TIMES
        # A try_table clause inside the block catches the rethrown exception: payload + 1 per round.
        assert instance.exports["try_table_recatch"](7, TIMES) == 8 * TIMES
