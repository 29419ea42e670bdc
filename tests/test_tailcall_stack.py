"""Tail calls are real: an endless loop of ``return_call`` runs in constant stack, natively on Linux and under
Wine, and the system unwinder walks from inside it to ``main`` through the frames that are really there.

The Wasm loops never end by themselves; a C host import, ``probe``, called on every iteration, compares its own
frame address with the one of the first iteration (any growth of the stack moves it), checks that the arguments
passed on the stack by the tail calls arrived intact, counts the frames the platform's unwinder walks to ``main``
(libgcc's ``_Unwind_Backtrace`` with our ``.eh_frame``; ``RtlVirtualUnwind`` with our ``.pdata``/``.xdata``)
at the first and the last iteration, and ends the process after a million iterations. Without tail calls the
loop would overflow the stack (a trap) long before.

``spin`` calls itself; ``ping`` and ``pong`` call each other, ``ping`` through the table
(``return_call_indirect``), with eight i64 parameters, so some travel on the stack on both platforms (System V
passes six in registers, Windows four). A tail call needing more stack arguments than its caller received
cannot reuse the caller's area and is compiled as a call and a return (``emitter/codegen/tailcall.py``): checked
against wasmtime here, with its results and traps.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime

from emitter.aot import compile_file
from emitter.errors import TrapError
from emitter.jit import compile_wasm
from emitter.wasm.listing import render_listing
from emitter.wasm.load import load_module
from tests.tools import run

from .windows_support import MINGW, run_wine

ITERATIONS = 1_000_000
EIGHT = " ".join(["i64"] * 8)

WAT = f"""(module $tailloop
  (import "env" "probe" (func $probe (param i64 i64)))
  (type $step (func (param {EIGHT}) (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $ping $pong)
  (func $spin (export "spin") (param $n i64) (result i64)
    (call $probe (local.get $n) (i64.const 8))
    (return_call $spin (i64.add (local.get $n) (i64.const 1))))
  (func $ping (param {EIGHT}) (result i64)
    (call $probe (local.get 0) (i64.add (local.get 6) (local.get 7)))
    (return_call_indirect (type $step)
      (i64.add (local.get 0) (i64.const 1)) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
      (local.get 5) (local.get 6) (local.get 7) (i32.const 1)))
  (func $pong (param {EIGHT}) (result i64)
    (return_call $ping (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)
      (local.get 7) (local.get 6)))
  (func (export "ping_pong") (result i64)
    (call $ping (i64.const 0) (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5)
      (i64.const 3) (i64.const 5)))
)"""

HOST = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
#else
#include <unwind.h>
#endif
int64_t spin(int64_t);
int64_t ping_pong(void);
int main(int argc, char **argv);

static void *first_frame;
static int64_t iterations;
static int first_depth;

#ifdef _WIN32
/* Frames from here (this function included) to main, walked by RtlVirtualUnwind; -1 if it fails to reach main. */
static __attribute__((noinline)) int frames_to_main(void) {
    CONTEXT context;
    RtlCaptureContext(&context);
    DWORD64 base;
    PRUNTIME_FUNCTION main_entry = RtlLookupFunctionEntry((DWORD64)&main, &base, NULL);
    for (int depth = 0; depth < 64; depth++) {
        PRUNTIME_FUNCTION entry = RtlLookupFunctionEntry(context.Rip, &base, NULL);
        if (!entry) return -1;
        if (entry == main_entry) return depth;
        void *data;
        DWORD64 frame;
        RtlVirtualUnwind(UNW_FLAG_NHANDLER, base, context.Rip, entry, &context, &data, &frame, NULL);
    }
    return -1;
}
#else
struct walk { int depth; int found; };
static _Unwind_Reason_Code step(struct _Unwind_Context *context, void *argument) {
    struct walk *walk = argument;
    void *function = _Unwind_FindEnclosingFunction((void *)(_Unwind_GetIP(context) - 1));
    if (function == (void *)&main) { walk->found = 1; return _URC_END_OF_STACK; }
    walk->depth++;
    return walk->depth > 64 ? _URC_END_OF_STACK : _URC_NO_REASON;
}
/* Frames from here (this function included) to main, walked by _Unwind_Backtrace; -1 if it fails to reach main. */
static __attribute__((noinline)) int frames_to_main(void) {
    struct walk walk = {0, 0};
    _Unwind_Backtrace(step, &walk);
    return walk.found ? walk.depth : -1;
}
#endif

void probe(int64_t n, int64_t check) {
    void *here = __builtin_frame_address(0);
    if (check != 8) { printf("argument lost at iteration %lld: %lld\n", (long long)n, (long long)check); exit(3); }
    if (n == 0) {
        first_frame = here;
        first_depth = frames_to_main();
        return;
    }
    if (here != first_frame) {
        printf("the stack moved at iteration %lld: %p -> %p\n", (long long)n, first_frame, here);
        exit(4);
    }
    if (n == iterations) {
        int depth = frames_to_main();
        printf("constant stack over %lld iterations, %d frames to main at the first and %d at the last\n",
               (long long)n, first_depth, depth);
        fflush(stdout);
        exit(0);
    }
}

int main(int argc, char **argv) {
    iterations = atoll(argv[2]);
    if (strcmp(argv[1], "spin") == 0) spin(0);
    else ping_pong();
    printf("the loop returned\n");
    return 1;
}
"""


def _expect_constant(output: str, frames: int) -> None:
    """The loop ran its million iterations on one frame, and the unwinder reached main from the probe through
    ``frames`` frames (the probe and the Wasm frames really there) at the first and the last iteration."""
    assert output.strip() == (f"constant stack over {ITERATIONS} iterations, {frames} frames to main at the "
                              f"first and {frames} at the last"), output


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("tailcall")
    (work / "loop.wat").write_text(WAT)
    (work / "host.c").write_text(HOST)
    return work


# Frames below main, the walker and probe included: then spin (the loop's single live frame); or ping (or pong),
# then ping_pong, which called ping with an ordinary call.
@pytest.mark.parametrize(("mode", "frames"), [("spin", 3), ("ping_pong", 4)])
def test_endless_tail_calls_run_in_constant_stack_on_linux(sources: Path, mode: str, frames: int) -> None:
    exe = sources / "linux"
    if not exe.exists():
        compile_file(sources / "loop.wat", sources / "loop.o")
        run(["gcc", "-O1", "-o", exe, sources / "host.c", sources / "loop.o"])
    _expect_constant(run([exe, mode, str(ITERATIONS)]).stdout, frames)


@pytest.mark.parametrize(("mode", "frames"), [("spin", 3), ("ping_pong", 4)])
def test_endless_tail_calls_run_in_constant_stack_on_windows(sources: Path, mode: str, frames: int) -> None:
    exe = sources / "windows.exe"
    if not exe.exists():
        compile_file(sources / "loop.wat", sources / "loop.obj", target="x86_64-windows")
        run([f"{MINGW}-gcc", "-O1", "-static", "-o", exe, sources / "host.c", sources / "loop.obj"])
    _expect_constant(run_wine(exe, mode, str(ITERATIONS)), frames)


FALLBACK = f"""(module
  (type $many (func (param {EIGHT}) (result i64)))
  (table 1 funcref)
  (elem (i32.const 0) $sum8)
  (func $sum8 (param {EIGHT}) (result i64)
    (i64.add (i64.add (i64.add (local.get 0) (local.get 1)) (i64.add (local.get 2) (local.get 3)))
             (i64.add (i64.mul (local.get 4) (local.get 5)) (i64.sub (local.get 6) (local.get 7)))))
  (func (export "direct") (param $x i64) (result i64)
    (return_call $sum8 (local.get $x) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5) (i64.const 6)
      (i64.const 70) (local.get $x)))
  (func (export "indirect") (param $x i64) (param $slot i32) (result i64)
    (return_call_indirect (type $many) (local.get $x) (i64.const 2) (i64.const 3) (i64.const 4) (i64.const 5)
      (i64.const 6) (i64.const 70) (i64.const 1) (local.get $slot)))
  (func $pair (param f64 i32) (result f64 i32) (local.get 0) (local.get 1))
  (func $swap (param i32 f64) (result f64 i32) (return_call $pair (local.get 1) (local.get 0)))
  (func (export "multi") (param i32 f64) (result f64)
    (call $swap (local.get 0) (local.get 1))
    (f64.convert_i32_s)
    (f64.add))
)"""


def test_tail_calls_needing_more_stack_arguments_match_wasmtime(tmp_path: Path) -> None:
    """The call-and-return fallback (more stack arguments than the caller received), a tail call between
    functions with several results (the hidden result pointer passed on), and a trapping indirect tail call."""
    path = tmp_path / "fallback.wat"
    path.write_text(FALLBACK)
    store = wasmtime.Store()
    reference = wasmtime.Instance(store, wasmtime.Module(store.engine, FALLBACK), []).exports(store)
    with compile_wasm(path).instantiate() as instance:
        calls = [("direct", (5,)), ("direct", (-9,)), ("indirect", (11, 0)), ("multi", (4, 2.5)),
                 ("multi", (-3, 0.25))]
        for name, args in calls:
            assert instance.exports[name](*args) == reference[name](store, *args), (name, args)
        with pytest.raises(TrapError, match="undefined element"):
            instance.exports["indirect"](1, 1)
        with pytest.raises(wasmtime.Trap, match="undefined element"):
            reference["indirect"](store, 1, 1)


def test_the_listing_spells_tail_calls_as_the_text_format_does(sources: Path) -> None:
    """The listing (what the line table, ``list`` and ``wasm disas`` show) names the callee as ``call`` does and
    the type as ``call_indirect`` does (``$step`` is type 0: explicit types come before the import's inline one)."""
    _, module = load_module(sources / "loop.wat")
    lines = [line.split(":", 1)[1].strip() for line in render_listing(module, "tailloop").text.splitlines()
             if line.strip().startswith("0x") and "return_call" in line]
    assert lines == ["return_call $spin", "return_call_indirect (type 0)", "return_call $ping"], lines
