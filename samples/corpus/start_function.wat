;; A start function runs once, before the first export call, after the data segments are in place.
(module
  (import "env" "host_print_i32" (func $print (param i32)))
  (memory 1)
  (data (i32.const 0) "\05")
  (global $g (mut i32) (i32.const 0))
  (func $start
    (call $print (i32.load8_u (i32.const 0)))
    (global.set $g (i32.add (global.get $g) (i32.mul (i32.load8_u (i32.const 0)) (i32.const 10))))
    (i32.store8 (i32.const 1) (i32.const 9)))
  (start $start)
  (func (export "g") (result i32) (global.get $g))
  (func (export "byte1") (result i32) (i32.load8_u (i32.const 1)))
)
;; (assert_return (invoke "g") (i32.const 50))
;; (assert_return (invoke "byte1") (i32.const 9))
;; (assert_return (invoke "g") (i32.const 50))
