;; Catch by tag with a payload of every value type; multi-value handler blocks; catch_ref keeps the payload
;; and the exnref; a catch can branch to a loop (with the payload as the loop's parameter) or to the function.
(module $payload
  (tag $multi (param i32 i64 f32 f64))
  (tag $one (param i64))
  (tag $count (param i32))
  (func $throw_multi (param i32 i64 f32 f64)
    local.get 0 local.get 1 local.get 2 local.get 3
    throw $multi)
  (func $catch_multi (param i32 i64 f32 f64) (result i32 i64 f32 f64)
    block $h (result i32 i64 f32 f64)
      try_table (catch $multi $h)
        local.get 0 local.get 1 local.get 2 local.get 3
        call $throw_multi
      end
      i32.const 0 i64.const 0 f32.const 0 f64.const 0
    end)
  (func (export "get_i32") (param i32 i64 f32 f64) (result i32)
    local.get 0 local.get 1 local.get 2 local.get 3
    call $catch_multi drop drop drop)
  (func (export "get_i64") (param i32 i64 f32 f64) (result i64)
    (local $x i64)
    local.get 0 local.get 1 local.get 2 local.get 3
    call $catch_multi drop drop
    local.set $x
    drop
    local.get $x
    i64.const 3
    i64.mul)
  (func (export "get_f32") (param i32 i64 f32 f64) (result f32)
    (local $x f32)
    local.get 0 local.get 1 local.get 2 local.get 3
    call $catch_multi
    drop
    local.set $x
    drop
    drop
    local.get $x)
  (func (export "get_f64") (param i32 i64 f32 f64) (result f64)
    (local $x f64)
    local.get 0 local.get 1 local.get 2 local.get 3
    call $catch_multi
    local.set $x
    drop
    drop
    drop
    local.get $x)
  (func (export "with_ref") (param $v i64) (result i64)
    block $h (result i64 exnref)
      try_table (catch_ref $one $h)
        local.get $v
        throw $one
      end
      i64.const 0
      return
    end
    drop
    i64.const 1
    i64.add)
  (func (export "to_function") (param $v i64) (result i64)
    try_table (catch $one 0)
      local.get $v
      i64.const 2
      i64.mul
      throw $one
    end
    i64.const -1)
  (func (export "retry") (param $limit i32) (result i32)
    (local $n i32)
    i32.const 0
    loop $again (param i32) (result i32)
      local.set $n
      try_table (catch $count $again)
        local.get $n
        local.get $limit
        i32.lt_u
        if
          local.get $n
          i32.const 1
          i32.add
          throw $count
        end
      end
      local.get $n
    end)
)
;; (assert_return (invoke "get_i32" (i32.const 7) (i64.const 8) (f32.const 1.5) (f64.const 2.25)) (i32.const 7))
;; (invoke "get_i64" (i32.const 7) (i64.const -8) (f32.const 1.5) (f64.const 2.25))
;; (assert_return (invoke "get_f32" (i32.const 7) (i64.const 8) (f32.const -1.5) (f64.const 2.25)) (f32.const -1.5))
;; (assert_return (invoke "get_f64" (i32.const 7) (i64.const 8) (f32.const 1.5) (f64.const -0x1.8p+1000)) (f64.const -0x1.8p+1000))
;; (assert_return (invoke "with_ref" (i64.const 0x7fffffffffffffff)) (i64.const 0x8000000000000000))
;; (assert_return (invoke "to_function" (i64.const 21)) (i64.const 42))
;; (assert_return (invoke "retry" (i32.const 0)) (i32.const 0))
;; (assert_return (invoke "retry" (i32.const 5)) (i32.const 5))
