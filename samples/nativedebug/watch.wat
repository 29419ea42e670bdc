(module $watchme
  ;; For the native-debugging tests (watchpoints, core files, reverse execution): recursions whose innermost
  ;; frame writes and reads linear memory, a mutable and an immutable global.
  (memory (export "memory") 1)
  (global $counter (mut i32) (i32.const 5))
  (global $scale f64 (f64.const 2.5))
  ;; descend(d): d + 1 frames; the innermost stores 1234 at address 64, copies it to 68 and returns it.
  (func $descend (export "descend") (param $depth i32) (result i32)
    (local $twice i32)
    (local.set $twice (i32.add (local.get $depth) (local.get $depth)))
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (if (result i32) (i32.eqz (local.get $depth))
      (then
        (i32.store (i32.const 64) (i32.const 1234))
        (i32.store (i32.const 68) (i32.load (i32.const 64)))
        (i32.load (i32.const 64)))
      (else (i32.add (call $descend (i32.sub (local.get $depth) (i32.const 1)))
                     (local.get $twice)))))
  ;; fall(d): d + 1 frames; the innermost sums 0..9 into $acc, stores it at address 128, then divides by
  ;; $i - 10 = 0: a trap.
  (func $fall (export "fall") (param $depth i32) (result i32)
    (local $i i32) (local $acc i32)
    (global.set $counter (local.get $depth))
    (if (i32.eqz (local.get $depth))
      (then
        (loop $again
          (local.set $acc (i32.add (local.get $acc) (local.get $i)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $again (i32.lt_u (local.get $i) (i32.const 10))))
        (i32.store (i32.const 128) (local.get $acc))
        (return (i32.div_u (local.get $acc) (i32.sub (local.get $i) (i32.const 10))))))
    (i32.add (call $fall (i32.sub (local.get $depth) (i32.const 1))) (local.get $depth))))
