"""Row 4 of ``./dev bench``: glibc ``backtrace()`` through a deep Wasm stack against the same through gcc -O2 C
frames, in one process. A small C library (built here with ``gcc -O2``) provides both the C recursion and the
probe that the deepest frame calls: the probe runs ``backtrace()`` repeatedly and times it with the monotonic
clock, so only the unwinding is measured. The Wasm recursion is our JIT code calling the probe as a native
import. The same library gives the debugger rows their breakpoint, ``bench_stop``.

``python -m scripts.bench_backtrace --depth N --runs R`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import ctypes
import hashlib
import subprocess
import tempfile
from pathlib import Path

from emitter.jit.api import NativeFunction, compile_wasm
from scripts.bench_common import ROOT, answer

PROBE_SOURCE = r"""
#include <execinfo.h>
#include <time.h>
#include <valgrind/callgrind.h>

#define CAPACITY 8192
static void *addresses[CAPACITY];
static int repetitions = 1;
static int frames;
static double seconds;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void set_repetitions(int count) { repetitions = count; }
int last_frames(void) { return frames; }
double last_seconds(void) { return seconds; }

/* Called at the bottom of either recursion: unwind the whole stack `repetitions` times. */
__attribute__((noinline)) int probe(int value) {
    double start = now();
    for (int i = 0; i < repetitions; i++)
        frames = backtrace(addresses, CAPACITY);
    seconds = now() - start;
    return value;
}

/* The debugger rows' breakpoint: a native function the deepest Wasm frame reaches through its import. */
__attribute__((noinline)) void bench_stop(void) { __asm__ volatile("" ::: "memory"); }

/* Row 8c: callgrind (started with --collect-atstart=no) counts only what `work` runs. No-ops without valgrind. */
void bench_measured(void (*work)(void)) {
    CALLGRIND_TOGGLE_COLLECT;
    work();
    CALLGRIND_TOGGLE_COLLECT;
}

/* Called through a volatile pointer so that -O2 keeps one real frame per level (no loop, no sibling call). */
int c_chain(int depth);
static int (*volatile next_level)(int) = c_chain;

__attribute__((noinline)) int c_chain(int depth) {
    if (depth <= 1)
        return probe(depth);
    return next_level(depth - 1) + 1;
}
"""


def chain_wat(depth: int) -> str:
    """``run(n)``: n nested Wasm frames of ``$chain``, the deepest calling the probe."""
    return f"""(module $backtrace
  (import "env" "probe" (func $probe (param i32) (result i32)))
  (func $chain (export "run") (param i32) (result i32)
    (if (result i32) (i32.le_s (local.get 0) (i32.const 1))
      (then (call $probe (local.get 0)))
      (else (i32.add (call $chain (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))
;; depth {depth}
"""


def probe_library(build: Path) -> Path:
    """The probe library, built once per source text with gcc -O2 in ``build`` (made if missing)."""
    build.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(PROBE_SOURCE.encode()).hexdigest()[:12]
    library = build / f"libbenchprobe-{digest}.so"
    if not library.exists():
        source = build / f"benchprobe-{digest}.c"
        source.write_text(PROBE_SOURCE)
        subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return library


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repetitions", type=int, default=50)
    args = parser.parse_args()
    probe = ctypes.CDLL(str(probe_library(ROOT / "build" / "bench")), mode=ctypes.RTLD_GLOBAL)
    probe.last_seconds.restype = ctypes.c_double
    probe.c_chain.argtypes = [ctypes.c_int]
    probe.set_repetitions(args.repetitions)
    probe_address = ctypes.cast(probe.probe, ctypes.c_void_p).value or 0
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "backtrace.wat"
        source.write_text(chain_wat(args.depth))
        module = compile_wasm(source, listing_dir=scratch)
        with module.instantiate({"probe": NativeFunction(probe_address)}) as instance:
            run = instance.exports["run"]
            per_frame: dict[str, list[float]] = {"wasm": [], "c": []}
            frames: dict[str, int] = {}
            for _ in range(args.runs):
                for side, call in (("wasm", lambda: run(args.depth)), ("c", lambda: probe.c_chain(args.depth))):
                    call()
                    frames[side] = probe.last_frames()
                    per_frame[side].append(probe.last_seconds() / args.repetitions / frames[side])
    answer({"depth": args.depth, "repetitions": args.repetitions, "frames": frames, "per_frame": per_frame})


if __name__ == "__main__":
    main()
