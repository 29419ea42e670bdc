"""Benchmark: a Wasm exception thrown and caught across 100 Wasm frames (AOT, through the system unwinder and our
personality) against a C++ exception thrown and caught across 100 C++ frames (g++ -O2), in the same process.

    .venv/bin/python scripts/bench_eh.py [--depth 100] [--iterations 3000]

Prints the time per throw of each and their ratio (the target is at most 1.5). Both throws go through libgcc's
two-phase ``_Unwind_RaiseException``; the frames in between have no handlers (no personality call) in both.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emitter.aot import compile_file  # noqa: E402

WAT = """(module $bench
  (tag $e (param i32))
  (func $down (param i32)
    local.get 0
    i32.eqz
    if
      i32.const 1
      throw $e
    end
    local.get 0
    i32.const 1
    i32.sub
    call $down)
  (func (export "throw_catch") (param $depth i32) (result i32)
    block $h (result i32)
      try_table (catch $e $h)
        local.get $depth
        call $down
      end
      i32.const -1
    end))
"""

HOST = r"""
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include "bench.h"

extern "C" void jitdebug_trap(int32_t code) { std::printf("trap %d\n", code); std::exit(2); }

static volatile int sink;

// One real frame per level: the increment after the call keeps g++ from turning the recursion into a loop.
__attribute__((noinline)) static void down(int n) {
    if (n == 0)
        throw 1;
    down(n - 1);
    sink = sink + 1;
}

__attribute__((noinline)) static int cxx_throw_catch(int depth) {
    try {
        down(depth);
    } catch (int value) {
        return value;
    }
    return -1;
}

template <typename F> static double per_call_ns(F f, int iterations) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < iterations; i++)
        if (f() != 1)
            std::exit(3);
    std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    return took.count() / iterations;
}

int main(int argc, char **argv) {
    int depth = std::atoi(argv[1]), iterations = std::atoi(argv[2]);
    // Warm both paths (FDE lookup caches, allocator), then take the best of three rounds of each.
    per_call_ns([&] { return wasm_throw_catch(depth); }, 100);
    per_call_ns([&] { return cxx_throw_catch(depth); }, 100);
    double wasm = 1e300, cxx = 1e300;
    for (int round = 0; round < 3; round++) {
        double w = per_call_ns([&] { return wasm_throw_catch(depth); }, iterations);
        double c = per_call_ns([&] { return cxx_throw_catch(depth); }, iterations);
        wasm = w < wasm ? w : wasm;
        cxx = c < cxx ? c : cxx;
    }
    std::printf("wasm throw+catch across %d frames: %.0f ns\n", depth, wasm);
    std::printf("c++  throw+catch across %d frames: %.0f ns\n", depth, cxx);
    std::printf("ratio wasm/c++: %.2f\n", wasm / cxx);
    return 0;
}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=100)
    parser.add_argument("--iterations", type=int, default=3000)
    args = parser.parse_args()
    runtime = ROOT / "emitter" / "runtime"
    with tempfile.TemporaryDirectory(prefix="bench-eh-") as work:
        directory = Path(work)
        source = directory / "bench.wat"
        source.write_text(WAT)
        compile_file(source, directory / "bench.o", header=directory / "bench.h", export_prefix="wasm_")
        (directory / "host.cpp").write_text(HOST)
        subprocess.run(["gcc", "-O2", "-c", "-o", str(directory / "eh.o"), str(runtime / "jitdebug_eh.c")],
                       check=True)
        subprocess.run(["g++", "-O2", "-I", str(directory), "-o", str(directory / "bench"),
                        str(directory / "host.cpp"), str(directory / "bench.o"), str(directory / "eh.o")],
                       check=True)
        result = subprocess.run([str(directory / "bench"), str(args.depth), str(args.iterations)], check=True,
                                capture_output=True, text=True)
    print(result.stdout, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
