"""Rows 9 and 10 of ``./dev bench``: how fast the code we generate runs, on the sightglass shootout kernels
(``samples/kernels/shootout``, see its ORIGIN.md), built here from their C sources.

Row 9: the JIT (debug information on, as users debug) against wasmtime-py's baseline compiler Winch and its
optimising compiler Cranelift, each timing the region between the kernel's ``bench.start`` and ``bench.end``
imports in the same process, the three alternating run by run. Row 10: ``jitdebug compile`` objects linked with a
small C host against the same C built natively with gcc -O2, each a process timing the same region.

Each kernel's iteration count is scaled at build time (one ``#define`` rewritten: ``KERNELS``) so that a run
takes tens of milliseconds in Winch; ``--quick`` scales them down much further (a smoke test).

    python -m scripts.bench_kernels [--quick] [--runs N] [--cpu] [--only K,...] [--against TREE] [--aot]

prints one JSON object. ``--against TREE`` adds the side ``before``: the JIT of another checkout of the project
(its native parts built), in a child process of its own that compiles each kernel and times it on request, so
that the two code generators alternate with Winch and Cranelift run by run in the same run; the summary (ratios
to Winch per kernel, geometric means) goes to stderr. ``--aot`` measures row 10 alone: the AOT executables and the
native ones (with ``--against``, also the other tree's ``jitdebug compile`` objects as ``aot_before``; the summary
is then the ratios to gcc). ``--cpu``: every side in thread CPU time (the processes read their own thread's clock).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import wasmtime

from scripts.bench_common import ROOT, answer
from tests.wasm_clang import wasm_clang

SOURCES = ROOT / "samples" / "kernels" / "shootout"
#: Kernel -> (the #define scaled, its value for a full run). The sources' values take seconds in Winch.
KERNELS: dict[str, tuple[str, int]] = {
    "base64": ("ITERATIONS", 1000),
    "ctype": ("ITERATIONS", 50),
    "ed25519": ("ITERATIONS", 100),
    "gimli": ("ITERATIONS", 100000),
    "heapsort": ("ITERATIONS", 50),
    "keccak": ("ITERATIONS", 10000),
    "matrix": ("ITERATIONS", 30000),
    "memmove": ("ITERATIONS", 1),
    "minicsv": ("ITERATIONS", 30000),
    "random": ("LENGTH", 2000000),
    "ratelimit": ("ITERATIONS", 1000000),
    "sieve": ("LENGTH", 1000),
    "switch": ("ITERATIONS", 300),
    "xblabla20": ("ITERATIONS", 5000),
    "xchacha20": ("ITERATIONS", 5000),
}
QUICK_KERNELS = ("matrix", "random")
#: The clock of the in-process sides (ours, Winch, Cranelift): wall time, or with ``--cpu`` the thread's CPU time,
#: which a machine loaded by other work disturbs far less (the three sides run in the same thread).
_CLOCK = [time.perf_counter]
QUICK_DIVISOR = 100

_NO_PRINT = "#include <stdio.h>\n#define printf(...) ((void)0)\n#define fprintf(...) ((void)0)\n"
_AOT_HOST = r"""
#include <stdint.h>
#include <stdio.h>
#include <time.h>
static struct timespec t0, t1;
void start(void) { clock_gettime(CLOCK_MONOTONIC, &t0); }
void end(void) { clock_gettime(CLOCK_MONOTONIC, &t1); }
int32_t __main_void(void);
int main(void) {
    __main_void();
    printf("%.9f\n", (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
    return 0;
}
"""
_NATIVE_HOST = _AOT_HOST.replace("void start(void)", "void bench_start(void)").replace(
    "void end(void)", "void bench_end(void)").replace("int32_t __main_void(void);", "int kernel_main(void);").replace(
    "__main_void();", "kernel_main();")


def _scaled_source(name: str, directory: Path, divisor: int) -> Path:
    define, value = KERNELS[name]
    text = (SOURCES / f"{name}.c").read_text()
    scaled, count = re.subn(rf"^#define {define} \d+$", f"#define {define} {max(1, value // divisor)}", text,
                            flags=re.MULTILINE)
    if count != 1:
        raise RuntimeError(f"{name}.c: no single '#define {define}' to scale")
    path = directory / f"{name}.c"
    path.write_text(scaled)
    return path


def build(name: str, directory: Path, divisor: int,
          against: Path | None = None) -> tuple[Path, Path, Path, Path | None]:
    """The kernel's Wasm module, its AOT executable, its native executable, and the AOT executable of the tree
    ``against`` (None without)."""
    source = _scaled_source(name, directory, divisor)
    no_print = directory / "noprint.h"
    no_print.write_text(_NO_PRINT)
    common = ["-O2", "-DNDEBUG", f"-I{SOURCES}", "-include", str(no_print)]
    wasm = directory / f"{name}.wasm"
    wasm_clang(["--target=wasm32-wasi", *common, "-nostartfiles", "-Wl,--no-entry", "-Wl,--export=__main_void",
                "-o", wasm, source])
    host = directory / "aot_host.c"
    clock = "CLOCK_THREAD_CPUTIME_ID" if _CLOCK[0] is time.thread_time else "CLOCK_MONOTONIC"
    host.write_text(_AOT_HOST.replace("CLOCK_MONOTONIC", clock))
    executables = []
    for tree in (ROOT, *([against] if against is not None else [])):
        obj = directory / f"{name}{'' if tree == ROOT else '.before'}.o"
        # The tree's own ``emitter`` first on the path (``-m`` puts the working directory first).
        _check([str(ROOT / ".venv" / "bin" / "python"), "-m", "emitter.cli", "compile", str(wasm), "-o", str(obj)],
               cwd=tree)
        executables.append(obj.with_suffix(".aot"))
        _check(["gcc", "-O2", "-o", str(executables[-1]), str(host), str(obj)])
    native_host = directory / "native_host.c"
    native_host.write_text(_NATIVE_HOST.replace("CLOCK_MONOTONIC", clock))
    kernel_obj = directory / f"{name}.native.o"
    _check(["gcc", "-O2", "-w", *common, "-Dmain=kernel_main", "-c", "-o", str(kernel_obj), str(source)])
    native = directory / f"{name}.native"
    _check(["gcc", "-O2", "-o", str(native), str(native_host), str(kernel_obj)])
    return wasm, executables[0], native, executables[1] if against is not None else None


def _check(argv: list[str], cwd: Path = ROOT) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(cwd)} if cwd != ROOT else None)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _engine(strategy: str) -> wasmtime.Engine:
    config = wasmtime.Config()
    config.parallel_compilation = False
    if strategy == "winch":
        # The Python setter refuses 'winch'; the C API's strategy 2 is Winch.
        wasmtime._ffi.wasmtime_config_strategy_set(config.ptr(), 2)
    return wasmtime.Engine(config)


def _time_wasmtime(engine: wasmtime.Engine, module: wasmtime.Module) -> float:
    store = wasmtime.Store(engine)
    marks: dict[str, float] = {}
    hooks = [wasmtime.Func(store, wasmtime.FuncType([], []),
                           lambda key=key: marks.__setitem__(key, _CLOCK[0]())) for key in ("start", "end")]
    main = wasmtime.Instance(store, module, hooks).exports(store)["__main_void"]
    assert isinstance(main, wasmtime.Func)
    main(store)
    return marks["end"] - marks["start"]


def _time_ours(module: object) -> float:
    from emitter.jit.api import WasmModule

    assert isinstance(module, WasmModule)
    marks: dict[str, float] = {}
    with module.instantiate({key: (lambda key=key: marks.__setitem__(key, _CLOCK[0]()))
                             for key in ("start", "end")}) as instance:
        instance.exports["__main_void"]()
    return marks["end"] - marks["start"]


def _time_process(executable: Path) -> float:
    return float(_check([str(executable)]).strip())


class _OtherTree:
    """The JIT of another checkout in a child process (``--serve``): one JSON request a line, one answer a line."""

    def __init__(self, root: Path) -> None:
        cpu = ["--cpu"] if _CLOCK[0] is time.thread_time else []
        # This file run by path with the other tree first on the path: its code generator, this serving loop.
        self.process = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve", *cpu],
                                        cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, request: dict[str, str]) -> float:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the other tree's worker died (exit {self.process.wait()})")
        return float(json.loads(line))

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def _serve() -> None:
    """The other tree's side of ``--against``: compile a module, time its kernel."""
    from emitter.jit.api import compile_wasm

    module = None
    for line in sys.stdin:
        request = json.loads(line)
        if "compile" in request:
            module = compile_wasm(Path(request["compile"]))
            print(json.dumps(0.0), flush=True)
        else:
            print(json.dumps(_time_ours(module)), flush=True)


def measure(names: list[str], runs: int, divisor: int, directory: Path,
            against: Path | None = None, aot_only: bool = False) -> dict[str, dict[str, list[float]]]:
    from emitter.jit.api import compile_wasm

    winch, cranelift = _engine("winch"), _engine("cranelift")
    other = _OtherTree(against) if against is not None and not aot_only else None
    results: dict[str, dict[str, list[float]]] = {}
    for name in names:
        wasm, aot, native, aot_before = build(name, directory, divisor, against if aot_only else None)
        if aot_only:
            order = ["aot", *(["aot_before"] if aot_before is not None else []), "native"]
        else:
            ours = compile_wasm(wasm, listing_dir=directory)
            if other is not None:
                other.ask({"compile": str(wasm)})
            theirs = {"winch": wasmtime.Module.from_file(winch, str(wasm)),
                      "cranelift": wasmtime.Module.from_file(cranelift, str(wasm))}
            order = ["ours", *(["before"] if other is not None else []), "winch", "cranelift", "aot", "native"]
        samples: dict[str, list[float]] = {k: [] for k in order}
        for run in range(runs):
            # Which side goes first alternates, so that neither gets the machine's quieter moments.
            for side in order if run % 2 == 0 else order[::-1]:
                match side:
                    case "ours":
                        seconds = _time_ours(ours)
                    case "before":
                        assert other is not None
                        seconds = other.ask({"run": name})
                    case "winch" | "cranelift":
                        seconds = _time_wasmtime(winch if side == "winch" else cranelift, theirs[side])
                    case "aot":
                        seconds = _time_process(aot)
                    case "aot_before":
                        assert aot_before is not None
                        seconds = _time_process(aot_before)
                    case _:
                        seconds = _time_process(native)
                samples[side].append(seconds)
        results[name] = samples
    if other is not None:
        other.close()
    return results


def summary(results: dict[str, dict[str, list[float]]], reference: str = "winch") -> str:
    """Per kernel, the medians' ratios to Winch of ours (and of the other tree's, when measured), or with
    ``reference`` "native" those of the AOT sides to gcc; then the geometric means of those ratios."""
    candidates = ("before", "ours") if reference == "winch" else ("aot_before", "aot")
    sides = [side for side in candidates if all(side in samples for samples in results.values())]
    label = "Winch" if reference == "winch" else "gcc -O2"
    lines = ["| kernel | " + " | ".join(f"{side} / {label}" for side in sides) + " |",
             "|---|" + "---|" * len(sides)]
    ratios: dict[str, list[float]] = {side: [] for side in sides}
    for name, samples in results.items():
        winch = statistics.median(samples[reference])
        row = []
        for side in sides:
            ratios[side].append(statistics.median(samples[side]) / winch)
            row.append(f"{ratios[side][-1]:.2f}x")
        lines.append(f"| {name} | " + " | ".join(row) + " |")
    means = [f"**{math.exp(statistics.fmean(map(math.log, ratios[side]))):.2f}x**" for side in sides]
    lines.append("| geometric mean | " + " | ".join(means) + " |")
    return "\n".join(lines)


def geometric_means(results: dict[str, dict[str, list[float]]], side: str) -> list[float]:
    """Run i's geometric mean over the kernels of ``side`` (the ratio of two such means is the geometric mean of
    the per-kernel ratios)."""
    runs = min(len(samples[side]) for samples in results.values())
    return [math.exp(statistics.fmean(math.log(samples[side][i]) for samples in results.values()))
            for i in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cpu", action="store_true", help="time every side in thread CPU time (the AOT and native "
                                                           "processes read their own thread's clock)")
    parser.add_argument("--aot", action="store_true", help="the AOT and native executables only (row 10)")
    parser.add_argument("--only", help="comma-separated kernels (default: all)")
    parser.add_argument("--against", type=Path, help="another checkout whose JIT runs as the side 'before'")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cpu:
        _CLOCK[0] = time.thread_time
    if args.serve:
        _serve()
        return
    names = args.only.split(",") if args.only else list(QUICK_KERNELS if args.quick else KERNELS)
    unknown = [name for name in names if name not in KERNELS]
    if unknown:
        parser.error(f"unknown kernels: {', '.join(unknown)}")
    directory = ROOT / "build" / "bench" / "kernels"
    directory.mkdir(parents=True, exist_ok=True)
    results = measure(names, args.runs, QUICK_DIVISOR if args.quick else 1, directory, args.against, args.aot)
    if args.against is not None:
        print(summary(results, "native" if args.aot else "winch"), file=sys.stderr)
    answer({"results": results})


if __name__ == "__main__":
    main()
