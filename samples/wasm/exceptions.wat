;; The standard exception-handling form: try_table with every catch clause kind, throw_ref and exnref.
(module $exceptions
  (tag $e (param i32))
  (tag $empty)
  (func $thrower (export "thrower") (param $v i32)
    local.get $v
    throw $e)
  (func $catcher (export "catcher") (param $v i32) (result i32)
    block $caught (result i32)
      try_table (catch $e $caught)
        local.get $v
        call $thrower
      end
      i32.const 0
    end)
  (func $refs (export "refs") (param $v i32) (result i32)
    (local $x exnref)
    block $all (result exnref)
      block $with_ref (result i32 exnref)
        block $none
          try_table (catch_all $none) (catch_ref $e $with_ref) (catch_all_ref $all)
            throw $empty
          end
          unreachable
        end
        i32.const 2
        return
      end
      local.set $x
      return
    end
    throw_ref)
)
