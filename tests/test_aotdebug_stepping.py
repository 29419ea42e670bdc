"""Exact unwind information at every instruction of compiled Wasm: an AOT object (``jitdebug compile``) linked
into a C host by gcc, single-stepped by GDB and by LLDB (no plugin) through every instruction each call executes,
with a backtrace at each stop that must name every frame, follow the program's call edges and end in ``main``.

The functions cover the awkward shapes: a mid-function ``return`` (an epilogue followed by more body), a frame
over 4 KiB (the stack probe loop), a call to a host import (stepping into C and back), a trap (into the host's
trap hook), recursion, tail calls (``return_call`` to itself, ``return_call_indirect`` through a table, a
``return_call`` of the host import: each callee's frame sits right above the caller's caller, as after a native
tail call, and the recursion never deepens the stack), SIMD code (v128 locals, a call with v128 arguments and
result in XMM registers, shuffles and lane operations), and the module's instantiation (run by the first export
called).
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from emitter.cli import main
from tests.tools import run, tool

BIG_LOCALS = 520  # 8 bytes each: the frame passes 4 KiB, so the prologue probes the stack page by page

WAT = f"""(module $steps
  (import "env" "host_add" (func $host_add (param i32 i32) (result i32)))
  (func $early (export "early") (param $x i32) (result i32)
    (if (i32.lt_s (local.get $x) (i32.const 0)) (then (return (i32.const -1))))
    (i32.mul (local.get $x) (i32.const 3)))
  (func $big (export "big") (param $x i32) (result i32) (local {" ".join(["i64"] * BIG_LOCALS)})
    (local.set {BIG_LOCALS} (i64.extend_i32_s (local.get $x)))
    (i32.wrap_i64 (i64.add (local.get {BIG_LOCALS}) (i64.const 1))))
  (func $calls_host (export "calls_host") (param $x i32) (result i32)
    (i32.add (call $host_add (local.get $x) (i32.const 10)) (i32.const 1)))
  (func $fac (export "fac") (param $n i32) (result i32)
    (if (result i32) (i32.le_s (local.get $n) (i32.const 1))
      (then (i32.const 1))
      (else (i32.mul (local.get $n) (call $fac (i32.sub (local.get $n) (i32.const 1)))))))
  (func $traps (export "traps") (param $x i32) (result i32)
    (i32.div_s (i32.const 100) (local.get $x)))
  (type $to_i32 (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $tail_leaf)
  (func $tail_leaf (param $x i32) (result i32) (i32.add (local.get $x) (i32.const 100)))
  (func $tail (export "tail") (param $n i32) (result i32)
    (if (i32.gt_s (local.get $n) (i32.const 0))
      (then (return_call $tail (i32.sub (local.get $n) (i32.const 1)))))
    (return_call_indirect (type $to_i32) (local.get $n) (i32.const 0)))
  (func $tail_host (export "tail_host") (param $x i32) (result i32)
    (return_call $host_add (local.get $x) (i32.const 7)))
  (func $vsum (param $a v128) (param $b v128) (result v128) (i32x4.add (local.get $a) (local.get $b)))
  (func $simd (export "simd") (param $x i32) (result i32) (local $v v128)
    (local.set $v (call $vsum (i32x4.splat (local.get $x)) (v128.const i32x4 1 2 3 4)))
    (i32x4.extract_lane 2 (i32x4.max_s (local.get $v)
      (i8x16.shuffle 12 13 14 15 8 9 10 11 4 5 6 7 0 1 2 3 (local.get $v) (local.get $v)))))
)"""

HOST = r"""
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
int32_t early(int32_t), big(int32_t), calls_host(int32_t), fac(int32_t), traps(int32_t), tail(int32_t),
    tail_host(int32_t), simd(int32_t);
static jmp_buf on_trap;
int32_t host_add(int32_t a, int32_t b) { return a + b; }
void jitdebug_trap(int32_t code) { longjmp(on_trap, (int)code); }
int main(void) {
    printf("%d %d %d %d %d %d %d %d %d\n", early(-5), early(4), big(7), calls_host(5), fac(4), traps(4), tail(3),
           tail_host(5), simd(5));
    int code = setjmp(on_trap);
    if (code == 0) printf("%d\n", traps(0));
    printf("trap %d\n", code);
    return 0;
}
"""

WASM_FUNCTIONS = ("early", "big", "calls_host", "fac", "traps", "tail", "tail_host", "simd", "tail_leaf", "vsum",
                  "steps.instantiate")
EXPORTS = WASM_FUNCTIONS[:8]
HOST_FUNCTIONS = ("host_add", "jitdebug_trap")
TAIL_CALLERS = ("tail", "tail_host")
#: (callee, caller) pairs the program can have on its stack. Tail callees return to main: no edge from their
#: tail caller (``tail`` to itself included), which is not on the stack any more.
CALL_EDGES = {*((e, "main") for e in EXPORTS), *(("steps.instantiate", e) for e in EXPORTS), ("fac", "fac"),
              ("host_add", "calls_host"), ("jitdebug_trap", "traps"), ("tail_leaf", "main"), ("host_add", "main"),
              ("vsum", "simd")}

#: Inside one gdb: stop at each export's first instruction, then stepi until back in main, printing the frame
#: names after every step. ``rep stos`` (zeroing the big frame) is run to its end in one go: a single step
#: stops after each of its iterations. The trap hook longjmps, so from there the program just continues.
GDB_SCRIPT = """
import json, gdb
config = json.load(open(CONFIG))
gdb.execute("set pagination off")
for name in config["exports"]:
    gdb.execute("break *" + name)
gdb.execute("run")
while gdb.selected_inferior().pid:
    frame = gdb.newest_frame()
    names = []
    while frame is not None and len(names) < 64:
        names.append(frame.name() or "??")
        if names[-1] == "main":
            break
        frame = frame.older()
    pc = gdb.newest_frame().pc()
    print("STEP %#x %s" % (pc, " ".join(names)), flush=True)
    if names[0] not in config["step_in"]:
        gdb.execute("continue", to_string=True)
        continue
    instruction = gdb.newest_frame().architecture().disassemble(pc)[0]
    if instruction["asm"].startswith("rep"):
        gdb.execute("advance *%#x" % (pc + instruction["length"]), to_string=True)
    else:
        gdb.execute("stepi", to_string=True)
"""

LLDB_SCRIPT = """
import json, os, sys
import lldb
config = json.load(open(sys.argv[2]))
debugger = lldb.SBDebugger.Create()
debugger.SetAsync(False)
target = debugger.CreateTarget(sys.argv[1])
for name in config["exports"]:
    address = target.FindFunctions(name)[0].GetSymbol().GetStartAddress()
    target.BreakpointCreateBySBAddress(address)
process = target.LaunchSimple(None, None, os.getcwd())
while process.GetState() == lldb.eStateStopped:
    thread = process.GetSelectedThread()
    names = []
    for frame in thread:
        names.append(frame.GetFunctionName() or "??")
        if names[-1] == "main" or len(names) == 64:
            break
    pc = thread.GetFrameAtIndex(0).GetPC()
    print("STEP %#x %s" % (pc, " ".join(names)), flush=True)
    if names[0] not in config["step_in"]:
        process.Continue()
        continue
    instruction = target.ReadInstructions(thread.GetFrameAtIndex(0).GetPCAddress(), 1)[0]
    if instruction.GetMnemonic(target).startswith("rep"):
        thread.RunToAddress(pc + instruction.GetByteSize())
    else:
        thread.StepInstruction(False)
print("EXIT %d" % process.GetExitStatus(), flush=True)
"""


@dataclass(frozen=True, slots=True)
class Built:
    exe: Path
    config: Path
    #: Per Wasm function: the addresses that must be stepped (from objdump).
    must_visit: dict[str, set[int]]
    #: Every instruction of the Wasm functions: address → (address of the next instruction, mnemonic).
    instructions: dict[int, tuple[int, str]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    directory = tmp_path_factory.mktemp("aotdebug-stepping")
    (directory / "steps.wat").write_text(WAT)
    assert main(["compile", str(directory / "steps.wat"), "-o", str(directory / "steps.o")]) == 0
    (directory / "host.c").write_text(HOST)
    exe = directory / "host"
    # Not PIE: the addresses objdump prints are the run-time ones.
    run(["gcc", "-g", "-O0", "-no-pie", "-o", exe, directory / "host.c", directory / "steps.o"], cwd=directory)
    output = run([exe]).stdout
    assert output.startswith("-1 12 8 16 24 25 100 12 8\ntrap "), output
    trap_code = int(output.split("trap ")[1])
    config = directory / "config.json"
    config.write_text(json.dumps({"exports": EXPORTS, "step_in": [*WASM_FUNCTIONS, "host_add"]}))
    # Must be stepped: each function's entry and every ``ret`` (the mid-function one of ``early`` included),
    # every tail call's jump (to a function symbol, or ``rex.W jmp *%rax``), and the call of the trap hook that
    # reported the code the host printed.
    must_visit: dict[str, set[int]] = {}
    instructions: dict[int, tuple[int, str]] = {}
    current, previous, previous_address = "", "", 0
    for line in run(["objdump", "-d", "--no-show-raw-insn", exe]).stdout.splitlines():
        if header := re.match(r"^([0-9a-f]+) <(.+)>:$", line):
            current = header.group(2)
            must_visit[current] = {int(header.group(1), 16)}
        elif current in WASM_FUNCTIONS and (insn := re.match(r"^ +([0-9a-f]+):\s+(\S+)\s*(.*)$", line)):
            address, instruction = int(insn.group(1), 16), f"{insn.group(2)} {insn.group(3)}"
            tail_jump = instruction.startswith("rex.W jmp") or bool(re.match(r"jmp\s+\S+ <[^+>]+>$", instruction))
            returns = instruction.startswith("ret") and current not in TAIL_CALLERS  # theirs follow the jump: dead
            if returns or tail_jump or (
                    instruction.startswith("call") and "<jitdebug_trap>" in instruction
                    and previous == f"mov ${trap_code:#x},%edi"):
                must_visit[current].add(address)
            if previous_address in instructions:
                instructions[previous_address] = (address, instructions[previous_address][1])
            instructions[address] = (0, insn.group(2))
            previous, previous_address = instruction, address
    assert len(must_visit["early"]) == 3 and len(must_visit["traps"]) == 3, must_visit
    # tail: its entry, the jump to itself and the indirect one; tail_host: its entry and the jump to host_add.
    assert len(must_visit["tail"]) == 3 and len(must_visit["tail_host"]) == 2, must_visit
    return Built(exe, config, must_visit, instructions)


def _check_steps(output: str, built: Built) -> None:
    steps = [(int(pc, 16), names.split()) for pc, names in re.findall(r"^STEP (0x[0-9a-f]+) (.*)$", output, re.M)]
    assert len(steps) > 300, output[-3000:]
    visited: dict[str, set[int]] = {}
    for pc, frames in steps:
        assert "??" not in frames and frames[-1] == "main", (hex(pc), frames)
        assert frames[0] in (*WASM_FUNCTIONS, *HOST_FUNCTIONS, "main"), (hex(pc), frames)
        for callee, caller in zip(frames, frames[1:], strict=False):
            assert (callee, caller) in CALL_EDGES, (hex(pc), frames)
        visited.setdefault(frames[0], set()).add(pc)
    # No instruction skipped: within one Wasm frame, each stop follows the previous one or a jump's target.
    for (before, frames_before), (after, frames_after) in zip(steps, steps[1:], strict=False):
        if frames_before[0] in WASM_FUNCTIONS and frames_after == frames_before:
            following, mnemonic = built.instructions[before]
            assert after == following or mnemonic.startswith("j"), (hex(before), hex(after), frames_after)
    for function in WASM_FUNCTIONS:
        missing = built.must_visit[function] - visited.get(function, set())
        assert not missing, f"{function}: never stopped at {sorted(map(hex, missing))}"
    # The trap hook and the import were entered, and fac recursed to its bottom (4 frames deep).
    assert {"host_add", "jitdebug_trap"} <= set(visited)
    assert any(frames.count("fac") == 4 for _, frames in steps)
    # The tail callees ran right above main: the host import reached by ``return_call`` and the table's
    # function reached by ``return_call_indirect``; ``tail`` recursed three times without ever being on the
    # stack twice.
    assert any(frames == ["host_add", "main"] for _, frames in steps)
    assert any(frames == ["tail_leaf", "main"] for _, frames in steps)
    assert all(frames.count("tail") <= 1 for _, frames in steps)
    assert sum(1 for pc, frames in steps if frames == ["tail", "main"] and pc == min(built.must_visit["tail"])) >= 4
    # The SIMD function called its v128 helper, and every packed instruction was a step with the full stack.
    assert any(frames == ["vsum", "simd", "main"] for _, frames in steps)
    packed = [pc for pc, frames in steps if frames[0] == "simd" and built.instructions[pc][1].startswith(
        ("movdqu", "pshufb", "pmaxsd", "pshufd", "pinsrq", "movq"))]
    assert len(packed) >= 8, packed


def test_gdb_stepi_backtrace_reaches_main_everywhere(built: Built, tmp_path: Path) -> None:
    script = tmp_path / "step.py"
    script.write_text(f"CONFIG = {str(built.config)!r}\n" + GDB_SCRIPT)
    proc = run(["gdb", "-nx", "-batch", "-ex", "set debuginfod enabled off", "-x", script, built.exe], timeout=120)
    assert "warning" not in proc.stderr.lower(), proc.stderr
    assert "exited normally" in proc.stdout
    _check_steps(proc.stdout, built)


def test_lldb_stepi_backtrace_reaches_main_everywhere(built: Built, tmp_path: Path) -> None:
    script = tmp_path / "step.py"
    script.write_text(LLDB_SCRIPT)
    env = {"PYTHONPATH": run(["lldb-19", "-P"]).stdout.strip(),
           "LLDB_DEBUGSERVER_PATH": str(Path(tool("lldb-server-19")).resolve())}
    proc = run([sys.executable, script, built.exe, built.config], cwd=tmp_path, env={**os.environ, **env},
               timeout=120)
    assert "EXIT 0" in proc.stdout, proc.stdout[-3000:]
    _check_steps(proc.stdout, built)
