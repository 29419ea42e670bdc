;; A Wasm exception thrown by an import (the host throws the tag it exports, which this module imports), caught
;; by tag and by catch_all, and one nobody catches (the host boundary reports it as wasmtime does).
(module $host_throw
  (import "host" "host_error" (tag $host_error (param i32)))
  (import "host" "host_throw" (func $host_throw (param i32)))
  (tag $mine (param i32))
  (func (export "by_tag") (param $v i32) (result i32)
    block $h (result i32)
      try_table (catch $mine $h) (catch $host_error $h)
        local.get $v
        call $host_throw
      end
      i32.const -1
    end
    i32.const 1
    i32.add)
  (func (export "by_catch_all") (param $v i32) (result i32)
    block $h
      block $m (result i32)
        try_table (catch $mine $m) (catch_all $h)
          local.get $v
          call $host_throw
        end
        i32.const -1
        return
      end
      return
    end
    i32.const 2)
  (func (export "uncaught") (param $v i32) (result i32)
    local.get $v
    call $host_throw
    i32.const -1)
  (func (export "after") (result i32) i32.const 5)
)
;; (assert_return (invoke "by_tag" (i32.const 41)) (i32.const 42))
;; (assert_return (invoke "by_catch_all" (i32.const 41)) (i32.const 2))
;; (invoke "uncaught" (i32.const 1))
;; (assert_return (invoke "after") (i32.const 5))
