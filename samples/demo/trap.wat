;; A module with no imports, for `jitdebug run`: a trap three frames deep.
(module $trapdemo
  (func $leaf (param $x i32) (result i32)
    (i32.div_s (i32.const 100) (local.get $x)))
  (func $middle (param $x i32) (result i32)
    (call $leaf (local.get $x)))
  (func $divide (export "divide") (param $x i32) (result i32)
    (call $middle (local.get $x)))
)
