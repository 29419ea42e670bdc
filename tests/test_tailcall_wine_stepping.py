"""Windows unwind info is exact at every instruction of compiled Wasm, tail calls included: under Wine, a host
single-steps each export (the trap flag and a vectored exception handler) and, at every instruction executed in
the Wasm functions and the host import, walks the stack from the stopped context with RtlVirtualUnwind to
``main``, printing the start of each frame's function. The test names those from the executable's symbols and
checks every walk: only known functions, along the program's call edges, ending in ``main``.

At the instructions of a tail call's epilogue and at its jump the walk goes through the Windows epilogue rules
(Wine's ``is_inside_epilog``: ``lea rsp``/pops, then ``jmp`` out of the function or ``rex.W jmp``), and right
after the jump the callee's frame sits directly above the caller's caller, as after a native tail call. The
module is the one of tests/test_aotdebug_stepping.py's tail calls, plus a mid-function ``return``.
"""

from __future__ import annotations

import bisect
import re

import pytest

from emitter.aot import compile_file
from tests.tools import run

from .windows_support import MINGW, run_wine

WAT = """(module $winsteps
  (import "env" "host_add" (func $host_add (param i32 i32) (result i32)))
  (type $to_i32 (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $tail_leaf)
  (func $early (export "early") (param $x i32) (result i32)
    (if (i32.lt_s (local.get $x) (i32.const 0)) (then (return (i32.const -1))))
    (i32.mul (local.get $x) (i32.const 3)))
  (func $tail_leaf (param $x i32) (result i32) (i32.add (local.get $x) (i32.const 100)))
  (func $tail (export "tail") (param $n i32) (result i32)
    (if (i32.gt_s (local.get $n) (i32.const 0))
      (then (return_call $tail (i32.sub (local.get $n) (i32.const 1)))))
    (return_call_indirect (type $to_i32) (local.get $n) (i32.const 0)))
  (func $tail_host (export "tail_host") (param $x i32) (result i32)
    (return_call $host_add (local.get $x) (i32.const 7)))
)"""

HOST = r"""
#include <windows.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
int32_t early(int32_t), tail(int32_t), tail_host(int32_t);
int main(int argc, char **argv);
__attribute__((noinline)) int32_t host_add(int32_t a, int32_t b) { return a + b; }

static uintptr_t wasm_begin, wasm_end;
static int stepping, entered;
static PRUNTIME_FUNCTION main_entry;

static int in_steppable_code(uintptr_t pc) {
    return (pc >= wasm_begin && pc < wasm_end) || (pc >= (uintptr_t)&host_add && pc < (uintptr_t)&host_add + 32);
}

/* The walk from the stopped context: STEP pc, then each frame's function start, relative to `early`. */
static void walk(const CONTEXT *stopped) {
    CONTEXT context = *stopped;
    printf("STEP %lld", (long long)(stopped->Rip - (uintptr_t)&early));
    for (int depth = 0; depth < 32; depth++) {
        DWORD64 base;
        PRUNTIME_FUNCTION entry = RtlLookupFunctionEntry(context.Rip, &base, NULL);
        if (!entry) { printf(" leaf@%lld", (long long)(context.Rip - (uintptr_t)&early)); break; }
        printf(" %lld", (long long)(base + entry->BeginAddress - (uintptr_t)&early));
        if (entry == main_entry) break;
        void *data;
        DWORD64 frame;
        RtlVirtualUnwind(UNW_FLAG_NHANDLER, base, context.Rip, entry, &context, &data, &frame, NULL);
    }
    printf("\n");
}

static LONG CALLBACK on_step(EXCEPTION_POINTERS *info) {
    if (info->ExceptionRecord->ExceptionCode != EXCEPTION_SINGLE_STEP || !stepping) return EXCEPTION_CONTINUE_SEARCH;
    uintptr_t pc = info->ContextRecord->Rip;
    if (in_steppable_code(pc)) {
        entered = 1;
        walk(info->ContextRecord);
    } else if (entered) {
        stepping = entered = 0;  /* back in the host: stop */
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    info->ContextRecord->EFlags |= 0x100;
    return EXCEPTION_CONTINUE_EXECUTION;
}

static __attribute__((noinline)) int32_t stepped(int32_t (*export)(int32_t), int32_t argument) {
    stepping = 1;
    __asm__ volatile("pushfq; orq $0x100, (%%rsp); popfq" ::: "memory", "cc");
    int32_t result = export(argument);
    stepping = 0;
    return result;
}

int main(int argc, char **argv) {
    wasm_begin = (uintptr_t)&early + strtoull(argv[1], NULL, 16);
    wasm_end = (uintptr_t)&early + strtoull(argv[2], NULL, 16);
    DWORD64 base;
    main_entry = RtlLookupFunctionEntry((DWORD64)&main, &base, NULL);
    printf("unstepped %d\n", early(1));  /* the first export call instantiates the module */
    AddVectoredExceptionHandler(1, on_step);
    int32_t results[4] = {stepped(early, -5), stepped(early, 4), stepped(tail, 3), stepped(tail_host, 5)};
    printf("RESULTS %d %d %d %d\n", results[0], results[1], results[2], results[3]);
    fflush(stdout);
    return 0;
}
"""

WASM_FUNCTIONS = ("early", "tail_leaf", "tail", "tail_host")
#: (callee, caller) pairs that may be on the stack: tail callees return to ``stepped`` (their caller's caller).
CALL_EDGES = {("early", "stepped"), ("tail", "stepped"), ("tail_host", "stepped"), ("tail_leaf", "stepped"),
              ("host_add", "stepped"), ("stepped", "main")}


#: The program's output, function names by start (relative to ``early``), each function's instructions.
Stepped = tuple[str, dict[int, str], dict[str, list[tuple[int, str]]]]


@pytest.fixture(scope="module")
def stepped_run(tmp_path_factory: pytest.TempPathFactory) -> Stepped:
    work = tmp_path_factory.mktemp("tailcall_wine")
    (work / "steps.wat").write_text(WAT)
    compile_file(work / "steps.wat", work / "steps.obj", target="x86_64-windows")
    (work / "host.c").write_text(HOST)
    exe = work / "steps.exe"
    run([f"{MINGW}-gcc", "-O1", "-static", "-o", exe, work / "host.c", work / "steps.obj"])
    symbols: dict[str, int] = {}
    text = run([f"{MINGW}-objdump", "-d", "--no-show-raw-insn", exe]).stdout
    instructions: dict[str, list[tuple[int, str]]] = {}
    current = ""
    for line in text.splitlines():
        if header := re.match(r"^([0-9a-f]+) <(.+)>:$", line):
            current = header.group(2)
            symbols[current] = int(header.group(1), 16)
            instructions[current] = []
        elif insn := re.match(r"^ +([0-9a-f]+):\s+(.*)$", line):
            instructions.setdefault(current, []).append((int(insn.group(1), 16), insn.group(2).strip()))
    base = symbols["early"]
    wasm = [symbols[name] for name in WASM_FUNCTIONS]
    end = max(address for name in WASM_FUNCTIONS for address, _ in instructions[name]) + 1
    output = run_wine(exe, f"{min(wasm) - base:x}", f"{end - base:x}", timeout=300)
    assert min(wasm) >= base
    names = {address - base: name for name, address in symbols.items()}
    rebased = {name: [(address - base, text) for address, text in body] for name, body in instructions.items()}
    return output, names, rebased


def test_every_instruction_of_the_tail_calls_unwinds_to_main_under_wine(stepped_run: Stepped) -> None:
    output, names, instructions = stepped_run
    assert "RESULTS -1 12 100 12" in output, output[-3000:]
    starts = sorted(names)

    def function_of(start: str) -> str:
        """The function holding a RUNTIME_FUNCTION's start (a tail call's jump is a range of its own)."""
        if start.startswith("leaf"):
            return start
        return names[starts[bisect.bisect_right(starts, int(start)) - 1]]

    steps = []
    for pc, frames in re.findall(r"^STEP (-?\d+) (.*)$", output, re.M):
        named = [function_of(start) for start in frames.split()]
        assert named[-1] == "main" and named[-2] == "stepped", (pc, named)
        for callee, caller in zip(named, named[1:], strict=False):
            assert (callee, caller) in CALL_EDGES, (pc, named)
        steps.append((int(pc), named))
    assert len(steps) > 100, output[-3000:]
    visited = {pc for pc, _ in steps}
    # Every instruction of the tail callers and of early ran (the dead `ret` after a tail call never does);
    # the tail callees were entered right above `stepped`; `tail` never had two frames.
    for name in ("early", "tail", "tail_host"):
        body = [(pc, text) for pc, text in instructions[name] if not text.startswith(("nop", "ud2", "int3"))]
        jumps = [pc for pc, text in body if text.startswith("rex.W jmp") or re.match(r"jmp\s+\S+ <[^+>]+>$", text)]
        returns = [pc for pc, text in body if text.startswith("ret")]
        assert jumps or name == "early", (name, body)
        for pc in jumps + [body[0][0]] + (returns if name == "early" else []):
            assert pc in visited, (name, hex(pc))
        # Each instruction of the tail calls' epilogues (lea rsp, the pops) stopped too.
        epilogue = [pc for pc, text in body if text.startswith("pop") or (text.startswith("lea")
                                                                        and text.endswith(",%rsp"))]
        before_jumps = [pc for pc in epilogue if any(pc < j for j in jumps)]
        assert len(before_jumps) >= (2 * len(jumps) if jumps else 0), (name, body)
        assert all(pc in visited for pc in before_jumps), (name, [hex(pc) for pc in before_jumps])
    assert any(frames[:2] == ["tail_leaf", "stepped"] for _, frames in steps)
    assert any(frames[:2] == ["host_add", "stepped"] for _, frames in steps)
    assert all(frames.count("tail") <= 1 for _, frames in steps)
