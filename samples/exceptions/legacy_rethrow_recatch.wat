;; rethrow caught again in the same function: the rethrown exception is the one the enclosing catch block still
;; holds, so the inner catch only borrows it (releasing it twice crashed). The case runs many times over in a
;; loop: a double release would show. (Rethrowing it again after the inner catch, and a try_table catching it,
;; are tests/test_eh_rethrow_borrowed.py: wabt's interpreter, this corpus's legacy oracle, fails on the first.)
(module $legacy_rethrow_recatch
  (tag $e (param i32))
  (tag $f)
  (func $recatch (param $v i32) (result i32)
    try (result i32)
      local.get $v
      throw $e
    catch $e
      try (result i32)
        local.get $v
        i32.eqz
        if
          rethrow 2
        end
        i32.const 42
      catch $e
        i32.const 1000
        i32.add
      end
      i32.add
    end)
  (func (export "recatch") (param $v i32) (param $times i32) (result i32)
    (local $sum i32)
    loop $again
      local.get $sum
      local.get $v
      call $recatch
      i32.add
      local.set $sum
      local.get $times
      i32.const 1
      i32.sub
      local.tee $times
      br_if $again
    end
    local.get $sum)
  (func (export "nested_holders") (param $v i32) (result i32)
    try (result i32)
      local.get $v
      throw $e
    catch $e
      try (result i32)
        throw $f
      catch $f
        try (result i32)
          rethrow 2
        catch $e
        end
      end
      i32.add
    end)
)
;; (invoke "recatch" (i32.const 0) (i32.const 1))
;; (invoke "recatch" (i32.const 3) (i32.const 1))
;; (invoke "recatch" (i32.const 0) (i32.const 10000))
;; (invoke "nested_holders" (i32.const 21))
