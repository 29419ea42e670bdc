"""Rows 1 and 1b of ``./dev bench``: object emission (CompiledModule -> ELF object: lowering, DWARF, ELF) of a
generated module against GNU ``as`` assembling the equivalent ``.s`` (the same code bytes, ``.cfi_*``, ``.loc``
and relocations, from ``scripts.bench_compile.assembly_for``), and the compile throughput (Wasm ->
CompiledModule) that feeds it. Runs as a child of ``scripts.bench`` so that its peak RSS is its own.

``python -m scripts.bench_emit --functions N --runs R`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

from emitter.codegen.compiler import compile_module
from emitter.compiled import CompiledModule
from emitter.lower import write_object
from emitter.wasm.listing import render_listing
from emitter.wasm.load import load_bytes
from scripts.bench_common import alternate, answer, child_peak_rss, peak_rss, reset_peak_rss, timed
from scripts.bench_compile import assembly_for, generate_module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    wasm = generate_module(args.functions)
    compiled: list[CompiledModule] = []

    def front_end() -> None:
        module = load_bytes(wasm)
        compiled.append(compile_module(module, module_name="bench", listing=render_listing(module, "bench")))

    start = time.process_time()
    compile_seconds = timed(front_end)
    compile_cpu = time.process_time() - start
    module = compiled.pop()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        source = work / "bench.s"
        source.write_text(assembly_for(module))
        reset_peak_rss()
        resident = peak_rss()
        ours, gnu = alternate(lambda: write_object(module, work / "ours.o"),
                              lambda: subprocess.run(["as", "--64", "-o", str(work / "as.o"), str(source)],
                                                     check=True),
                              args.runs)
        emit_peak = peak_rss()
        answer({
            "functions": args.functions, "wasm_bytes": len(wasm),
            "code_bytes": sum(len(f.code) for f in module.functions),
            "compile_seconds": compile_seconds, "compile_cpu_seconds": compile_cpu,
            "ours": ours, "as": gnu, "source_bytes": source.stat().st_size,
            "ours_object_bytes": (work / "ours.o").stat().st_size, "as_object_bytes": (work / "as.o").stat().st_size,
            "rss_before_emit": resident, "peak_rss_emit": emit_peak,
            "as_peak_rss": child_peak_rss(["as", "--64", "-o", str(work / "as.o"), str(source)]),
        })


if __name__ == "__main__":
    main()
