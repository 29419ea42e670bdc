;; Control flow: nested blocks, loops, if/else, br_table, multi-value blocks, calls, select.
(module $control
  (type $pair (func (param i32 i32) (result i32 i32)))
  (import "env" "log" (func $log (param i32)))
  (global $depth (mut i32) (i32.const 0))
  (func $swap (type $pair) local.get 1 local.get 0)
  (func $classify (export "classify") (param $x i32) (result i32)
    (local $acc i64) (local $f f32) (local $d f64)
    block $out (result i32)
      block $b2
        block $b1
          block $b0
            local.get $x
            br_table $b0 $b1 $b2
          end
          i32.const 10
          return
        end
        i32.const 20
        br $out
      end
      i32.const 30
    end)
  (func $loops (export "loops") (param $n i32) (result i32)
    (local $i i32)
    loop $again
      local.get $i
      i32.const 1
      i32.add
      local.tee $i
      local.get $n
      i32.lt_s
      br_if $again
    end
    local.get $i
    if (result i32)
      i32.const 1 i32.const 2
      call $swap
      i32.sub
    else
      i32.const -1
    end
    global.get $depth
    i32.const 5
    select
    call $log
    i32.const 3 i32.const 4
    block (type $pair) i32.add i32.const 0 end
    i32.add
    i32.const 0x7fffffff i32.add
    i64.const -9223372036854775808 i32.wrap_i64 i32.add
    nop
    unreachable)
)
