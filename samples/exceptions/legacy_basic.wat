;; The legacy form clang++ -fwasm-exceptions emits: try/catch/catch_all, rethrow from a catch block (also from a
;; nested one, by label), delegate to an outer try and to the caller, and branches out of catch blocks.
(module $legacy_basic
  (tag $a (param i32))
  (tag $b (param i32 i64))
  (tag $c)
  (func $throw_a (param i32) local.get 0 throw $a)
  (func $throw_b (param i32 i64) local.get 0 local.get 1 throw $b)
  (func $throw_c throw $c)
  (func (export "catch_tag") (param $which i32) (param $v i32) (result i32)
    try (result i32)
      local.get $which
      i32.eqz
      if
        local.get $v
        call $throw_a
      end
      local.get $which
      i32.const 1
      i32.eq
      if
        local.get $v
        i64.const 1000
        call $throw_b
      end
      local.get $which
      i32.const 2
      i32.eq
      if
        call $throw_c
      end
      i32.const 7
    catch $a
      i32.const 100
      i32.add
    catch $b
      i32.wrap_i64
      i32.add
    catch_all
      i32.const -1
    end)
  (func $rethrows (param $v i32)
    try
      local.get $v
      call $throw_a
    catch $a
      drop
      rethrow 0
    end)
  (func (export "rethrow_across") (param $v i32) (result i32)
    try (result i32)
      local.get $v
      call $rethrows
      i32.const 0
    catch $a
    end)
  (func (export "nested_rethrow") (param $v i32) (result i32)
    try (result i32)
      try
        local.get $v
        call $throw_a
      catch $a
        drop
        try
          call $throw_c
        catch $c
          rethrow 1
        end
      end
      i32.const 0
    catch $a
      i32.const 2
      i32.mul
    catch $c
      i32.const -3
    end)
  (func (export "delegate_outer") (param $v i32) (result i32)
    try (result i32)
      try
        local.get $v
        call $throw_a
      delegate 0
      i32.const 0
    catch $a
      i32.const 3
      i32.mul
    end)
  (func $delegate_caller (param $v i32)
    try
      try
        local.get $v
        call $throw_a
      delegate 1
    catch_all
    end)
  (func (export "delegate_to_caller") (param $v i32) (result i32)
    try (result i32)
      local.get $v
      call $delegate_caller
      i32.const 0
    catch $a
      i32.const 4
      i32.mul
    end)
  (func (export "branch_out") (param $v i32) (result i32)
    block $out (result i32)
      try
        local.get $v
        call $throw_a
      catch $a
        i32.const 5
        i32.add
        br $out
      end
      i32.const -1
    end)
  (func (export "return_out") (param $v i32) (result i32)
    try
      local.get $v
      call $throw_a
    catch $a
      i32.const 6
      i32.add
      return
    end
    i32.const -1)
  (func (export "uncaught") (param $v i32) (result i32)
    try (result i32)
      local.get $v
      call $throw_a
      i32.const 0
    catch $c
      i32.const -1
    end)
)
;; (invoke "catch_tag" (i32.const 0) (i32.const 5))
;; (invoke "catch_tag" (i32.const 1) (i32.const 5))
;; (invoke "catch_tag" (i32.const 2) (i32.const 5))
;; (invoke "catch_tag" (i32.const 3) (i32.const 5))
;; (invoke "rethrow_across" (i32.const 11))
;; (invoke "nested_rethrow" (i32.const 12))
;; (invoke "delegate_outer" (i32.const 13))
;; (invoke "delegate_to_caller" (i32.const 14))
;; (invoke "branch_out" (i32.const 15))
;; (invoke "return_out" (i32.const 16))
;; (invoke "uncaught" (i32.const 17))
;; (invoke "catch_tag" (i32.const 0) (i32.const 6))
