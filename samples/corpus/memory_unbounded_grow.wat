;; Growing a memory without a declared maximum.
(module
  (memory 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "poke") (param i32) (result i32)
    (i32.store8 (local.get 0) (i32.const 0x5a)) (i32.load8_u (local.get 0)))
)
;; (assert_return (invoke "grow" (i32.const 15)) (i32.const 1))
;; (assert_return (invoke "size") (i32.const 16))
;; (assert_return (invoke "poke" (i32.const 1048575)) (i32.const 0x5a))
;; (assert_trap (invoke "poke" (i32.const 1048576)) "out of bounds memory access")
;; (assert_return (invoke "grow" (i32.const 0x10000)) (i32.const -1))
;; (assert_return (invoke "size") (i32.const 16))
