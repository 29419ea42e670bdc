"""The cost of translating a module's producer DWARF, for modules given on the command line:

    .venv/bin/python -m scripts.bench_translate [--runs N] MODULE.wasm...

prints, per module, the CPU seconds (``time.process_time``, best of the runs) of lowering the compiled module to an
object without debug information, with it, and of the producer-DWARF translation alone inside the latter (the
difference is the rest of the debug information: the plugins' metadata, ``.debug_frame``). The compile itself is
not timed: it runs once, before, and in parallel where the module is large.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import emitter.lower
from emitter.aot import load_module, render_listing
from emitter.codegen.compiler import compile_module
from emitter.lower import lower_module


def _measure(path: Path, runs: int) -> tuple[float, float, float]:
    _, module = load_module(path)
    compiled = compile_module(module, module_name=path.stem, listing=render_listing(module, path.stem))
    translating = [0.0]
    original: Callable[..., Any] = emitter.lower._translated_debug_sections

    def timed(*args: Any) -> Any:
        start = time.process_time()
        try:
            return original(*args)
        finally:
            translating[0] += time.process_time() - start

    best = [float("inf")] * 3
    emitter.lower._translated_debug_sections = timed  # type: ignore[assignment]
    try:
        for _ in range(max(runs, 1)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                start = time.process_time()
                lower_module(compiled, debug_info=False)
                without = time.process_time() - start
                translating[0] = 0.0
                start = time.process_time()
                lower_module(compiled, debug_info=True)
                with_debug = time.process_time() - start
            best = [min(best[0], without), min(best[1], with_debug), min(best[2], translating[0])]
    finally:
        emitter.lower._translated_debug_sections = original  # type: ignore[assignment]
    return best[0], best[1], best[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("modules", nargs="+", type=Path)
    arguments = parser.parse_args()
    for path in arguments.modules:
        without, with_debug, translating = _measure(path, arguments.runs)
        print(f"{path.name}: {path.stat().st_size / 1e6:.2f} MB; lower without debug info {without:.2f} s, with "
              f"{with_debug:.2f} s, of which the DWARF translation {translating:.2f} s (CPU, best of "
              f"{arguments.runs})", flush=True)


if __name__ == "__main__":
    main()
