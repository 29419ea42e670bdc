;; Nested try_table regions: the innermost clause that matches wins; catch_all catches what no typed clause does;
;; a throw in the handler's own function, one several calls away, and a rethrow (throw_ref) across frames.
(module $nested_try
  (tag $a (param i32))
  (tag $b (param i32))
  (tag $c)
  (global $rethrows (mut i32) (i32.const 0))
  (func $throw_a (param i32) local.get 0 throw $a)
  (func $throw_b (param i32) local.get 0 throw $b)
  (func $throw_c throw $c)
  (func $pick (param $which i32) (param $v i32)
    local.get $which i32.eqz
    if local.get $v call $throw_a end
    local.get $which i32.const 1 i32.eq
    if local.get $v call $throw_b end
    local.get $which i32.const 2 i32.eq
    if call $throw_c end)
  (func (export "nested") (param $which i32) (param $v i32) (result i32)
    block $all
      block $got_b (result i32)
        try_table (catch $b $got_b) (catch_all $all)
          block $got_a (result i32)
            try_table (catch $a $got_a)
              local.get $which
              local.get $v
              call $pick
            end
            i32.const 1000
            return
          end
          i32.const 100
          i32.add
          return
        end
        unreachable
      end
      i32.const 200
      i32.add
      return
    end
    i32.const -1)
  (func (export "same_function") (param $v i32) (result i32)
    block $h (result i32)
      try_table (catch $a $h)
        local.get $v
        throw $a
      end
      i32.const 0
      return
    end
    i32.const 1
    i32.add)
  (func $rethrower (param $v i32)
    (local $x exnref)
    block $h (result i32 exnref)
      try_table (catch_ref $a $h)
        local.get $v
        call $throw_a
      end
      return
    end
    local.set $x
    global.get $rethrows
    i32.add
    global.set $rethrows
    local.get $x
    throw_ref)
  (func (export "rethrow_across") (param $v i32) (result i32)
    block $h (result i32)
      try_table (catch $a $h)
        local.get $v
        call $rethrower
      end
      i32.const -1
    end
    global.get $rethrows
    i32.const 1000
    i32.mul
    i32.add)
  (func (export "inner_rethrows_to_outer") (param $v i32) (result i32)
    (local $x exnref)
    block $outer (result i32)
      try_table (catch $a $outer)
        block $inner (result exnref)
          try_table (catch_all_ref $inner)
            local.get $v
            call $throw_a
          end
          i32.const -1
          return
        end
        throw_ref
      end
      i32.const -2
    end)
)
;; (assert_return (invoke "nested" (i32.const 0) (i32.const 5)) (i32.const 105))
;; (assert_return (invoke "nested" (i32.const 1) (i32.const 5)) (i32.const 205))
;; (assert_return (invoke "nested" (i32.const 2) (i32.const 5)) (i32.const -1))
;; (assert_return (invoke "nested" (i32.const 3) (i32.const 5)) (i32.const 1000))
;; (assert_return (invoke "same_function" (i32.const 41)) (i32.const 42))
;; (assert_return (invoke "rethrow_across" (i32.const 7)) (i32.const 7007))
;; (assert_return (invoke "rethrow_across" (i32.const 3)) (i32.const 10010))
;; (assert_return (invoke "inner_rethrows_to_outer" (i32.const 9)) (i32.const 9))
;; (invoke "nested" (i32.const 0) (i32.const -7))
