"""The Wasm offset a trap report names, shape by shape, equal to wasmtime-py 50's: wasmtime turns a conditional
branch whose successor does nothing but trap into a conditional trap, reported at the ``br_if``/``if`` rather
than at the ``unreachable`` (``emitter/codegen/trap_offsets.py`` states the rule). Shapes: ``unreachable`` after
``br_if`` and ``if`` (plain, fused compare+branch, expression trees, pure code in between, both successors
trapping, inside ``try_table``), the code after a block's ``end`` reached by one branch or by several edges
(each conditional one then traps at its branch, in a stub of its own), and controls where
wasmtime keeps the ``unreachable``'s own offset (a store, a call or a load in between, a loop's end, a merge
reached by a jump), with traps of other kinds next to branches (division by zero after constant folding, every
``call_indirect`` trap, a trap in a tree group). Checked in the JIT and in an AOT program's
``jitdebug_trap_report``; the listing's rows stay on the ``unreachable`` (the debugger's view).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import wasmtime

from emitter.cli import main
from emitter.errors import TrapError
from emitter.jit import compile_wasm
from tests.tools import ROOT, run

RUNTIME = ROOT / "emitter" / "runtime"
SEPARATOR = "-- end of report --"

#: (body, argument): each body is a function ``(param i32) (result i32)`` that traps for its argument.
SHAPES = [
    ("(block (br_if 0 (local.get 0)) unreachable) unreachable", 0),
    ("(block (local.get 0) (br_if 0) (unreachable)) unreachable", 0),
    ("(block (br_if 0 (i32.gt_s (local.get 0) (i32.const 5))) unreachable) unreachable", 0),
    ("(block (br_if 0 (i32.eqz (i32.eqz (local.get 0)))) unreachable) unreachable", 0),
    ("(block (br_if 0 (i32.lt_u (i32.add (local.get 0) (i32.const 3)) (i32.const 2))) unreachable) unreachable", 0),
    ("(block (br_if 0 (i32.eqz (local.get 0))) unreachable) unreachable", 0),
    ("(block (br_if 0 (local.get 0)) nop (drop (i32.const 1)) (local.set 0 (i32.const 1)) unreachable) unreachable",
     0),
    ("(block (br_if 0 (local.get 0)) (drop (f64.div (f64.const 1) (f64.const 0))) unreachable) unreachable", 0),
    ("(block (br_if 0 (local.get 0)) (drop (global.get $c)) unreachable) unreachable", 0),
    ("(block (br_if 0 (local.get 0)) (block (block unreachable))) unreachable", 0),
    ("(block (result i32) (br_if 0 (i32.const 3) (local.get 0)) drop unreachable)", 0),
    ("(block $a (block $b (br_if $b (local.get 0)) (br $a)) unreachable) unreachable", 1),
    ("(block (br_if 0 (local.get 0)) (return (i32.const 1))) unreachable", 1),
    ("(block (br_if 0 (i32.eqz (local.get 0))) (return (i32.const 3))) unreachable", 0),
    ("(block (br_if 0 (local.get 0)) (return (i32.const 1))) (drop (i32.add (local.get 0) (i32.const 4))) unreachable",
     1),
    ("(block (loop (br_if 1 (local.get 0)) unreachable)) i32.const 0", 0),
    ("(block (try_table (br_if 1 (local.get 0)) unreachable)) unreachable", 0),
    ("(if (i32.eqz (local.get 0)) (then unreachable)) i32.const 0", 0),
    ("(if (i32.lt_s (local.get 0) (i32.const 5)) (then nop unreachable)) i32.const 0", 0),
    ("(if (local.get 0) (then nop) (else unreachable)) i32.const 0", 0),
    ("(if (local.get 0) (then unreachable) (else unreachable)) i32.const 0", 0),
    ("(if (local.get 0) (then unreachable) (else unreachable)) i32.const 0", 1),
    ("(if (local.get 0) (then unreachable)) unreachable", 0),
    ("(if (local.get 0) (then unreachable)) unreachable", 1),
    ("(if (local.get 0) (then (return (i32.const 1)))) unreachable", 0),
    ("(if (result i32) (local.get 0) (then (i32.const 1)) (else unreachable))", 0),
    ("(block (if (local.get 0) (then (br 1)) (else unreachable))) unreachable", 0),
    # the code after an end reached by several edges: each conditional edge traps at its branch, the others
    # reach the unreachable's own offset
    ("(block (br_if 0 (local.get 0))) unreachable", 1),
    ("(block (br_if 0 (local.get 0))) unreachable", 0),
    ("(block (br_if 0 (local.get 0)) (br_if 0 (local.get 0)) (return (i32.const 1))) unreachable", 1),
    ("(block (br_if 0 (i32.eqz (local.get 0))) (br_if 0 (local.get 0)) (return (i32.const 1))) unreachable", 1),
    ("(if (local.get 0) (then (br 0))) unreachable", 0),
    ("(if (local.get 0) (then (br 0))) unreachable", 1),
    ("(if (local.get 0) (then nop)) unreachable", 0),
    ("(if (local.get 0) (then nop)) unreachable", 1),
    ("(block (br_if 0 (local.get 0)) (if (local.get 0) (then nop)) unreachable) unreachable", 0),
    ("(block (br_if 0 (i32.gt_s (local.get 0) (i32.const 5))) (br 0)) unreachable", 9),
    ("(block (br_if 0 (i32.gt_s (local.get 0) (i32.const 5))) (br 0)) unreachable", 0),
    ("(if (i32.lt_u (i32.add (local.get 0) (i32.const 1)) (i32.const 3)) (then nop)) unreachable", 5),
    ("(block (result i32) (br_if 0 (i32.const 3) (local.get 0)) drop (i32.const 4)) drop unreachable", 1),
    ("(block (result i32) (br_if 0 (i32.const 3) (local.get 0)) drop (i32.const 4)) drop unreachable", 0),
    # wasmtime keeps the unreachable's own offset:
    ("(block (br_if 0 (local.get 0)) (global.set $g (i32.const 1)) unreachable) unreachable", 0),
    ("(block (br_if 0 (local.get 0)) (call $h) unreachable) unreachable", 0),
    ("(block (br_if 0 (local.get 0)) (drop (global.get $g)) unreachable) unreachable", 0),
    ("(loop (br_if 0 (local.get 0))) unreachable", 0),
    ("(block (br_if 0 (local.get 0)) (br 0)) unreachable", 0),
    ("(block (br_if 0 (local.get 0)) (loop unreachable)) unreachable", 0),
    ("(if (i32.eqz (local.get 0)) (then (call $h) unreachable)) i32.const 0", 0),
    ("(block (block (br_table 0 1 (local.get 0))) unreachable) unreachable", 0),
    ("(block (br_if 0 (local.get 0)) (drop (i32.div_u (i32.const 1) (local.get 0)))) i32.const 0", 0),
    ("(i32.div_u (i32.const 7) (i32.sub (i32.const 3) (i32.const 3)))", 0),
    ("(i32.add (i32.const 1) (i32.rem_s (i32.const 7) (i32.and (local.get 0) (i32.const 0))))", 0),
    ("(block (br_if 0 (local.get 0)) (drop (call_indirect (type $t) (local.get 0)))) i32.const 0", 0),
    ("(block (br_if 0 (local.get 0)) (drop (call_indirect (type $t) (i32.const 9)))) i32.const 0", 0),
    ("(block (br_if 0 (local.get 0)) (drop (call_indirect (type $t) (i32.const 1)))) i32.const 0", 0),
]

WAT = "\n".join([
    "(module",
    "  (global $g (mut i32) (i32.const 0)) (global $c i32 (i32.const 7)) (memory 1)",
    "  (type $t (func (result i32))) (table 2 funcref) (elem (i32.const 1) $h)",
    "  (func $h)",
    *[f'  (func (export "s{k}") (param i32) (result i32) {body})' for k, (body, _) in enumerate(SHAPES)],
    ")"])


def _wasmtime_reports() -> list[str]:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, WAT), [])
    reports = []
    for k, (_, argument) in enumerate(SHAPES):
        function = instance.exports(store)[f"s{k}"]
        assert isinstance(function, wasmtime.Func)
        with pytest.raises(wasmtime.Trap) as trap:
            function(store, argument)
        reports.append(str(trap.value))
    return reports


@pytest.fixture(scope="module")
def expected() -> list[str]:
    return _wasmtime_reports()


def test_jit_trap_offsets_equal_wasmtime(tmp_path: Path, expected: list[str]) -> None:
    source = tmp_path / "shapes.wat"
    source.write_text(WAT)
    got = []
    with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as instance:
        for k, (_, argument) in enumerate(SHAPES):
            with pytest.raises(TrapError) as trap:
                instance.exports[f"s{k}"](argument)
            got.append(trap.value.backtrace.rstrip("\n"))
    mismatches = [f"{SHAPES[k][0]} ({SHAPES[k][1]}):\n  wasmtime {want.splitlines()[1]}\n  jit      "
                  f"{have.splitlines()[1]}" for k, (want, have) in enumerate(zip(expected, got, strict=True))
                  if want.rstrip("\n") != have]
    assert not mismatches, "\n".join(mismatches)


def test_aot_trap_offsets_equal_wasmtime(tmp_path: Path, expected: list[str]) -> None:
    source = tmp_path / "shapes.wat"
    source.write_text(WAT)
    obj, header = tmp_path / "shapes.o", tmp_path / "shapes.h"
    assert main(["compile", str(source), "-o", str(obj), "--header", str(header), "--export-prefix", "w_"]) == 0
    lines = ["#include <setjmp.h>", "#include <stdio.h>", '#include "shapes.h"', '#include "jitdebug_eh.h"',
             "static jmp_buf back;",
             "void jitdebug_trap(int32_t code) {",
             "    char report[16384];",
             "    jitdebug_trap_report(code, report, sizeof report);",
             f'    printf("%s{SEPARATOR}\\n", report);',
             "    longjmp(back, 1);",
             "}",
             "int main(void) {"]
    lines += [f'    if (!setjmp(back)) {{ w_s{k}({argument}); printf("no trap\\n{SEPARATOR}\\n"); }}'
              for k, (_, argument) in enumerate(SHAPES)]
    lines += ["    return 0;", "}"]
    host = tmp_path / "host.c"
    host.write_text("\n".join(lines) + "\n")
    exe = tmp_path / "host"
    run(["gcc", "-O1", "-I", RUNTIME, "-I", tmp_path, "-o", exe, host, obj, RUNTIME / "jitdebug_eh.c"])
    reports = run([exe]).stdout.split(f"{SEPARATOR}\n")[:-1]
    assert [r.rstrip("\n") for r in reports] == [e.rstrip("\n") for e in expected]


def test_listing_rows_stay_on_the_unreachable(tmp_path: Path) -> None:
    """The debugger's view is unchanged: the row under a moved trap's call is the ``unreachable``'s."""
    source = tmp_path / "one.wat"
    source.write_text('(module (func (export "f") (param i32) (block (br_if 0 (local.get 0)) unreachable)))')
    compiled = compile_wasm(source, listing_dir=tmp_path)
    function = next(f for f in compiled.compiled.functions if f.wasm_index == 0)
    ((start, _end, reported),) = function.trap_offsets
    rows = [e for e in function.lines if e.wasm_offset is not None and e.code_offset <= start]
    assert rows[-1].wasm_offset == reported + 2  # br_if 0 is two bytes; the unreachable follows it


#: Conditions and statements of the generated functions (``test_generated_shapes_equal_wasmtime``).
_CONDITIONS = ["(local.get 0)", "(i32.eqz (local.get 0))", "(i32.gt_s (local.get 0) (i32.const 1))",
               "(i32.and (local.get 0) (i32.const 2))", "(i32.const 0)", "(i32.const 1)",
               "(i32.lt_u (i32.add (local.get 0) (i32.const 1)) (i32.const 3))"]
_SIMPLE = ["nop", "(drop (i32.add (local.get 0) (i32.const 1)))", "(drop (global.get $c))",
           "(drop (global.get $g))", "(drop (i32.load (i32.const 0)))", "(local.set 1 (i32.const 2))",
           "(drop (f64.div (f64.const 1) (f64.const 0)))", "(drop (i32.div_u (i32.const 1) (i32.const 1)))",
           "(drop (select (i32.const 1) (i32.const 2) (local.get 0)))", "(try_table)", "(drop (memory.size))",
           "(drop (i64.extend_i32_u (local.get 1)))", "unreachable", "(global.set $g (i32.const 1))", "(call $h)",
           "(return)"]


def _generated_function(rng: random.Random, depth: int = 0, labels: tuple[str, ...] = ()) -> str:
    """Random nesting of blocks, loops (never a branch target: no endless loop) and ifs with branches, traps and
    the instructions above."""
    out = []
    for _ in range(rng.randint(0, 3)):
        r = rng.random()
        condition = rng.choice(_CONDITIONS)
        forward = [k for k, kind in enumerate(reversed(labels)) if kind != "loop"]
        if depth < 3 and r < 0.2:
            out.append(f"(block {_generated_function(rng, depth + 1, (*labels, 'block'))})")
        elif depth < 3 and r < 0.25:
            out.append(f"(loop {_generated_function(rng, depth + 1, (*labels, 'loop'))})")
        elif depth < 3 and r < 0.4:
            arms = f"(then {_generated_function(rng, depth + 1, (*labels, 'if'))})"
            if rng.random() < 0.5:
                arms += f" (else {_generated_function(rng, depth + 1, (*labels, 'if'))})"
            out.append(f"(if {condition} {arms})")
        elif r < 0.55 and forward:
            out.append(f"(br_if {rng.choice(forward)} {condition})")
        elif r < 0.6 and forward:
            out.append(f"(br {rng.choice(forward)})")
        elif r < 0.65:
            out.append(f"(drop {condition})")
        else:
            out.append(rng.choice(_SIMPLE))
    return " ".join(out)


def test_generated_shapes_equal_wasmtime(tmp_path: Path) -> None:
    """Random functions (a fixed seed: the same ones every run), each called with 0..3: every trap report (and
    every return) equals wasmtime's. Measured with other seeds on 16,000 functions before: no difference."""
    rng = random.Random(20261207)
    mismatches = []
    for module_number in range(20):
        bodies = [_generated_function(rng) + " unreachable" for _ in range(10)]
        wat = ("(module (memory 1) (global $g (mut i32) (i32.const 0)) (global $c i32 (i32.const 5)) (func $h) "
               + " ".join(f'(func (export "f{k}") (param i32) (local i32) {body})' for k, body in enumerate(bodies))
               + ")")
        engine = wasmtime.Engine()
        module = wasmtime.Module(engine, wat)
        source = tmp_path / f"generated{module_number}.wat"
        source.write_text(wat)
        with compile_wasm(source, listing_dir=tmp_path).instantiate({}) as instance:
            for k, body in enumerate(bodies):
                for argument in range(4):
                    store = wasmtime.Store(engine)
                    function = wasmtime.Instance(store, module, []).exports(store)[f"f{k}"]
                    assert isinstance(function, wasmtime.Func)
                    try:
                        function(store, argument)
                        want = "returned"
                    except wasmtime.Trap as trap:
                        want = str(trap).rstrip("\n")
                    try:
                        instance.exports[f"f{k}"](argument)
                        have = "returned"
                    except TrapError as trap:
                        have = trap.backtrace.rstrip("\n")
                    if want != have:
                        mismatches.append(f"{body} ({argument}): wasmtime {want.splitlines()[:2]}, "
                                          f"jit {have.splitlines()[:2]}")
    assert not mismatches, "\n".join(mismatches[:10])
