;; Exceptions across 1,000 frames: straight through frames with no handler, through frames whose handlers do
;; not match (their personality runs and declines), and caught and rethrown at every level.
(module $deep
  (tag $e (param i32))
  (tag $other)
  (global $seen (mut i32) (i32.const 0))
  (func $plain (param $n i32)
    local.get $n
    i32.eqz
    if
      i32.const 77
      throw $e
    end
    local.get $n
    i32.const 1
    i32.sub
    call $plain)
  (func $declining (param $n i32)
    block $h
      try_table (catch $other $h)
        local.get $n
        i32.eqz
        if
          i32.const 78
          throw $e
        end
        local.get $n
        i32.const 1
        i32.sub
        call $declining
      end
    end)
  (func $rethrowing (param $n i32)
    block $h (result exnref)
      try_table (catch_all_ref $h)
        local.get $n
        i32.eqz
        if
          i32.const 79
          throw $e
        end
        local.get $n
        i32.const 1
        i32.sub
        call $rethrowing
      end
      return
    end
    global.get $seen
    i32.const 1
    i32.add
    global.set $seen
    throw_ref)
  (func (export "through_plain") (param $n i32) (result i32)
    block $h (result i32)
      try_table (catch $e $h)
        local.get $n
        call $plain
      end
      i32.const -1
    end)
  (func (export "through_declining") (param $n i32) (result i32)
    block $h (result i32)
      try_table (catch $e $h)
        local.get $n
        call $declining
      end
      i32.const -1
    end)
  (func (export "through_rethrowing") (param $n i32) (result i32)
    i32.const 0
    global.set $seen
    block $h (result i32)
      try_table (catch $e $h)
        local.get $n
        call $rethrowing
      end
      i32.const -1
    end
    global.get $seen
    i32.const 100000
    i32.mul
    i32.add)
)
;; (assert_return (invoke "through_plain" (i32.const 1000)) (i32.const 77))
;; (assert_return (invoke "through_declining" (i32.const 1000)) (i32.const 78))
;; (assert_return (invoke "through_rethrowing" (i32.const 1000)) (i32.const 100100079))
;; (assert_return (invoke "through_plain" (i32.const 0)) (i32.const 77))
