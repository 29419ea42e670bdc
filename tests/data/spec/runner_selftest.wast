;; The runner's own test: each command is marked with the outcome the runner must report for it.
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "nan") (result f32) (f32.const nan:0x600000))
  (func (export "negzero") (result f64) (f64.const -0))
  (func (export "pair") (result i32 i64) (i32.const 1) (i64.const 2))
  (func (export "snan") (param f32) (result f32) (local.get 0))
)
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))                  ;; pass
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4))                  ;; fail
(assert_return (invoke "add" (i32.const -1) (i32.const 0)) (i32.const 0xffffffff))        ;; pass
(assert_return (invoke "nan") (f32.const nan:arithmetic))                                 ;; pass
(assert_return (invoke "nan") (f32.const nan:canonical))                                  ;; fail
(assert_return (invoke "negzero") (f64.const 0))                                          ;; fail
(assert_return (invoke "negzero") (f64.const -0))                                         ;; pass
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")         ;; pass
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer overflow")               ;; fail
(assert_trap (invoke "add" (i32.const 1) (i32.const 0)) "unreachable")                    ;; fail
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")               ;; pass
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")               ;; fail
(assert_malformed (module quote "(func") "unexpected token")                              ;; skip
(assert_return (invoke "missing"))                                                        ;; fail
(assert_return (invoke "pair") (i32.const 1) (i64.const 2))                               ;; pass
(assert_return (invoke "pair") (i32.const 1) (i64.const 3))                               ;; fail
(assert_return (invoke "snan" (f32.const nan:0x200000)) (f32.const nan:0x200000))         ;; pass
(assert_return (invoke "snan" (f32.const nan:0x200000)) (f32.const nan:arithmetic))       ;; fail
