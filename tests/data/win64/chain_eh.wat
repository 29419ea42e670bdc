;; The chain of chain.wat with a Wasm handler in the middle (tests/test_win64_wine_unwind.py): chain_1 calls
;; chain_2 inside try_table (catch_all_ref), counts each exception it sees in $handled and raises it again with
;; throw_ref, so a C++ exception thrown by the host import lands on chain_1's landing pad (the unwinder restores
;; chain_1's frame there), is raised again from that frame, and goes on through chain_0 to main.
(module $chain_eh
  (import "env" "host_callback" (func $host_callback (param i64) (result i64)))
  (memory 1)
  (global $handled (mut i32) (i32.const 0))
  (func $chain_0 (export "chain_0") (param $mode i64) (result i64)
    (local i64 i64 i64)
    (if (i64.eq (local.get $mode) (i64.const 2)) (then (return (i64.const 7))))
    (i64.store (i32.const 0) (local.get $mode))
    (memory.copy (i32.const 16) (i32.const 0) (i32.const 8))
    (call $chain_1 (i64.load (i32.const 16))))
  (func $chain_1 (export "chain_1") (param $mode i64) (result i64)
    (block $caught (result exnref)
      (try_table (result i64) (catch_all_ref $caught)
        (call $chain_2 (local.get $mode)))
      (return))
    (global.set $handled (i32.add (global.get $handled) (i32.const 1)))
    (throw_ref))
  (func $chain_2 (export "chain_2") (param $mode i64) (result i64)
    (memory.fill (i32.const 64) (i32.const 0x5a) (i32.const 16))
    (call $host_callback (local.get $mode)))
  (func (export "handled") (result i32) (global.get $handled)))
