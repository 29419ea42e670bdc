;; The demo module: a recursion that calls the host at a chosen depth, a trap, and some arithmetic.
(module $demo
  (import "host" "host_probe" (func $host_probe (param i32) (result i32)))
  (memory (export "memory") 1)
  (global $calls (mut i32) (i32.const 0))

  ;; Recurse `depth` times, then ask the host; every level adds its depth to the host's answer.
  (func $descend (export "descend") (param $depth i32) (result i32)
    (local $below i32)
    (global.set $calls (i32.add (global.get $calls) (i32.const 1)))
    (if (result i32) (i32.eqz (local.get $depth))
      (then (call $host_probe (global.get $calls)))
      (else
        (local.set $below (call $descend (i32.sub (local.get $depth) (i32.const 1))))
        (i32.add (local.get $below) (local.get $depth)))))

  (func $fib (export "fib") (param $n i32) (result i64)
    (if (result i64) (i32.lt_u (local.get $n) (i32.const 2))
      (then (i64.extend_i32_u (local.get $n)))
      (else (i64.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  (func $leaf (param $x i32) (result i32)
    (i32.div_s (i32.const 100) (local.get $x)))

  (func $middle (export "divide") (param $x i32) (result i32)
    (call $leaf (local.get $x)))
)
