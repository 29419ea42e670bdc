;; The legacy exception-handling form (try/catch/catch_all/rethrow/delegate), as clang++ -fwasm-exceptions emits.
(module $legacy
  (tag $e (param i32))
  (tag $e2)
  (func $thrower (export "thrower") (param i32)
    local.get 0
    throw $e)
  (func $handler (export "handler") (param $v i32) (result i32)
    try (result i32)
      local.get $v
      call $thrower
      i32.const 0
    catch $e
      i32.const 1
      i32.add
    catch_all
      i32.const -1
    end)
  (func $rethrower (export "rethrower")
    try
      throw $e2
    catch_all
      try
        rethrow 1
      delegate 0
    end)
)
