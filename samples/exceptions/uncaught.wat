;; Exceptions nobody catches end the call at the host boundary ("thrown Wasm exception"), including those a
;; handler declined, and leave the instance usable; throw_ref of a null exnref traps.
(module $uncaught
  (tag $e (param i32))
  (tag $f)
  (global $counter (mut i32) (i32.const 0))
  (func $thrower (param i32) local.get 0 throw $e)
  (func (export "direct") (param i32) (result i32)
    local.get 0
    call $thrower
    i32.const 0)
  (func (export "declined") (param i32) (result i32)
    block $h
      try_table (catch $f $h)
        global.get $counter
        i32.const 1
        i32.add
        global.set $counter
        local.get 0
        call $thrower
      end
    end
    i32.const -1)
  (func (export "null_ref") (result i32)
    ref.null exn
    throw_ref)
  (func (export "counter") (result i32) global.get $counter)
)
;; (assert_trap (invoke "direct" (i32.const 1)) "thrown Wasm exception")
;; (assert_trap (invoke "declined" (i32.const 1)) "thrown Wasm exception")
;; (assert_trap (invoke "null_ref") "null reference")
;; (assert_return (invoke "counter") (i32.const 1))
