"""Rows 2 and 8 of ``./dev bench``: the JIT with and without debug information.

``compile``: compile + instantiate (map, relocate, register) a generated module with debug registration (DWARF,
listing, GDB JIT image) against the same without, and against wasmtime-py compiling and instantiating it with
``debug_info=True`` and ``cranelift_opt_level='none'``, alternating the three.

``cost``: one configuration per process (``--debug-info on|off``), so that CPU time and peak RSS are its own:
process CPU seconds of compile + instantiate, peak RSS growth over the process before compiling, the size of the
registered image and of the code.

``throughput``: compile + instantiate with debug information at four sizes (1x to 64x): Wasm bytes per second
and whether the time per byte stays flat as the module grows.

``instructions``: the instructions one JIT load executes (``--debug-info on|off``), counted by callgrind:
deterministic, where the time of a run varies by a third on a shared machine. The process loads the module once
to warm up (imports, first-use work), then again inside the probe library's ``bench_measured``, the only code
callgrind counts.

``python -m scripts.bench_jit compile|cost ...`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import ctypes
import re
import tempfile
import time
from functools import partial
from pathlib import Path

from emitter.jit.api import compile_wasm, flush_debug_info
from scripts.bench_backtrace import probe_library
from scripts.bench_common import ROOT, answer, peak_rss, reset_peak_rss, run_child, timed
from scripts.bench_compile import generate_module


def jit_load(path: Path, scratch: str, debug_info: bool) -> tuple[int, int]:
    """Compile and instantiate ``path`` and register it with the debuggers (registration is otherwise deferred to
    the first call into the module); return (registered image bytes, code bytes)."""
    module = compile_wasm(path, listing_dir=scratch, debug_info=debug_info)
    with module.instantiate() as instance:
        flush_debug_info()
        loaded = instance.loaded
        return loaded.image_size, sum(function.size for function in loaded.functions)


def wasmtime_load(wasm: bytes) -> None:
    import wasmtime  # here: the processes callgrind runs do without its import

    config = wasmtime.Config()
    config.debug_info = True
    config.cranelift_opt_level = "none"
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    wasmtime.Instance(store, wasmtime.Module(engine, wasm), [])


def compare(functions: int, runs: int) -> dict[str, object]:
    wasm = generate_module(functions)
    samples: dict[str, list[float]] = {"debug": [], "plain": [], "wasmtime": []}
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench.wasm"
        path.write_bytes(wasm)
        for run in range(runs):
            # Which side goes first alternates, so that neither always follows wasmtime (whose worker threads
            # may still be winding down) nor always runs on the heap the other left.
            for debug_info in (True, False) if run % 2 == 0 else (False, True):
                samples["debug" if debug_info else "plain"].append(timed(partial(jit_load, path, scratch, debug_info)))
            samples["wasmtime"].append(timed(lambda: wasmtime_load(wasm)))
    return {"functions": functions, "samples": samples}


def throughput(functions: int, runs: int) -> dict[str, object]:
    """JIT compile + instantiate with debug information at 1x, 4x, 16x and 64x ``functions``: seconds per run
    and the module's size, for Wasm bytes per second and its growth with size."""
    sizes: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as scratch:
        for scale in (1, 4, 16, 64):
            wasm = generate_module(functions * scale)
            path = Path(scratch) / f"bench{scale}.wasm"
            path.write_bytes(wasm)
            seconds = [timed(partial(jit_load, path, scratch, True)) for _ in range(runs)]
            sizes.append({"functions": functions * scale, "wasm_bytes": len(wasm), "samples": seconds})
    return {"sizes": sizes}


def cost(functions: int, debug_info: bool) -> dict[str, object]:
    wasm = generate_module(functions)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench.wasm"
        path.write_bytes(wasm)
        reset_peak_rss()
        before = peak_rss()
        start = time.process_time()
        image, code = jit_load(path, scratch, debug_info)
        cpu = time.process_time() - start
        peak = peak_rss()
    return {"functions": functions, "debug_info": debug_info, "cpu_seconds": cpu, "rss_growth": peak - before,
            "image_bytes": image, "code_bytes": code}


def measured_load(functions: int, debug_info: bool) -> dict[str, object]:
    """The process callgrind runs: a warm-up load, then the measured one inside ``bench_measured``."""
    probe = ctypes.CDLL(str(probe_library(ROOT / "build" / "bench")))
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench.wasm"
        path.write_bytes(generate_module(functions))
        jit_load(path, scratch, debug_info)

        def load() -> None:
            jit_load(path, scratch, debug_info)

        probe.bench_measured(ctypes.CFUNCTYPE(None)(load))
    return {"functions": functions, "debug_info": debug_info}


def instructions(functions: int, debug_info: bool) -> int:
    """Instructions of one warm JIT load, counted by callgrind (``measured_load`` in a child under valgrind)."""
    with tempfile.TemporaryDirectory() as scratch:
        counts = Path(scratch) / "callgrind.out"
        run_child("scripts.bench_jit", ["measured", "--functions", str(functions), "--debug-info",
                                        "on" if debug_info else "off"],
                  wrapper=["valgrind", "--tool=callgrind", "--collect-atstart=no", f"--callgrind-out-file={counts}"],
                  timeout=900)
        total = re.search(r"^totals: (\d+)$", counts.read_text(), re.MULTILINE)
    if total is None:
        raise RuntimeError(f"callgrind wrote no total for the measured load of {functions} functions")
    return int(total.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("compile", "cost", "measured", "throughput"))
    parser.add_argument("--functions", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--debug-info", choices=("on", "off"), default="on")
    args = parser.parse_args()
    if args.mode == "compile":
        answer(compare(args.functions, args.runs))
    elif args.mode == "throughput":
        answer(throughput(args.functions, args.runs))
    elif args.mode == "cost":
        answer(cost(args.functions, args.debug_info == "on"))
    else:
        answer(measured_load(args.functions, args.debug_info == "on"))


if __name__ == "__main__":
    main()
