;; Exceptions across call_indirect: a thrower reached through the table, a catcher reached through the table,
;; and a signature mismatch trap inside a try region (traps are not exceptions: nothing catches them).
(module $indirect
  (type $unary (func (param i32) (result i32)))
  (tag $e (param i32))
  (table 4 funcref)
  (elem (i32.const 0) $thrower $catcher $plain)
  (func $thrower (type $unary) local.get 0 i32.const 3 i32.mul throw $e)
  (func $catcher (type $unary)
    block $h (result i32)
      try_table (result i32) (catch $e $h)
        local.get 0
        call $thrower
      end
    end
    i32.const 1
    i32.add)
  (func $plain (type $unary) local.get 0 i32.const 10 i32.add)
  (func (export "dispatch") (param $slot i32) (param $v i32) (result i32)
    block $h (result i32)
      try_table (catch $e $h)
        local.get $v
        local.get $slot
        call_indirect (type $unary)
        return
      end
      unreachable
    end
    i32.const 1000
    i32.add)
  (func (export "wrong_type") (result i32)
    block $h
      try_table (catch_all $h)
        i64.const 1
        i32.const 0
        call_indirect (param i64) (result i32)
        return
      end
    end
    i32.const -1)
)
;; (assert_return (invoke "dispatch" (i32.const 0) (i32.const 5)) (i32.const 1015))
;; (assert_return (invoke "dispatch" (i32.const 1) (i32.const 5)) (i32.const 16))
;; (assert_return (invoke "dispatch" (i32.const 2) (i32.const 5)) (i32.const 15))
;; (assert_trap (invoke "dispatch" (i32.const 3) (i32.const 5)) "uninitialized element")
;; (assert_trap (invoke "wrong_type") "indirect call type mismatch")
;; (assert_return (invoke "dispatch" (i32.const 0) (i32.const 1)) (i32.const 1003))
