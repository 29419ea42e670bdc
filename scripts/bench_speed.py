"""Compile speed of this tree against another checkout, in CPU time: the figures of README "Compile speed".

    python -m scripts.bench_speed [--runs N] [--jobs J] [--against TREE] MODULE.wasm ...
    python -m scripts.bench_speed --generated [--runs N] [--against TREE]

Each run is one fresh process per tree and module (the sides alternate, the first side alternating between
runs, so that neither always follows the other on a shared machine), which reports the process CPU seconds of
``compile_wasm`` with debug information (decode, validate, listing, code generation; ``JITDEBUG_COMPILE_JOBS``
is ``--jobs``, 1 by default: the CPU of the whole compile, as in a process a debugger traces) and of
``instantiate`` with the debuggers' registration flushed (lowering, DWARF, relocation, registration). Prints
the median of each, per module and tree. ``--generated`` adds the generated modules of rows 3 (5,000 functions)
and 13 (4,000 functions of row 1's shape). CPU time, not wall time: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.bench_common import ROOT

_CHILD = """
import json, sys, tempfile, time
from pathlib import Path
from emitter.jit.api import compile_wasm, flush_debug_info
from emitter.wasi.config import WasiConfig
path = Path(sys.argv[1])
with tempfile.TemporaryDirectory() as listing_dir:
    start = time.process_time()
    module = compile_wasm(path, listing_dir=listing_dir)
    compiled = time.process_time()
    wanted = {(i.module, i.name) for i in module.module.imports}
    host = {key: (lambda *args: None) for key in wanted if key[0] != "wasi_snapshot_preview1"}
    wasi = WasiConfig(argv=[path.name]) if any(key[0] == "wasi_snapshot_preview1" for key in wanted) else None
    with module.instantiate(host, wasi=wasi):
        flush_debug_info()
    done = time.process_time()
print(json.dumps({"compile": compiled - start, "instantiate": done - compiled}))
"""


def _run(tree: Path, module: Path, jobs: int) -> dict[str, float]:
    python = tree / ".venv" / "bin" / "python"
    env = dict(os.environ, PYTHONPATH=str(tree), JITDEBUG_COMPILE_JOBS=str(jobs), LC_ALL="C")
    done = subprocess.run([str(python if python.exists() else sys.executable), "-c", _CHILD, str(module)],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise RuntimeError(f"{tree}: {module} failed:\n{done.stderr[-3000:]}")
    answer: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return answer


Samples = dict[str, dict[str, dict[str, list[float]]]]


def measure(modules: list[Path], trees: list[Path], runs: int, jobs: int) -> Samples:
    """module -> tree -> phase -> CPU seconds of each run."""
    samples: Samples = {}
    for run in range(runs):
        for module in modules:
            for tree in trees if run % 2 == 0 else trees[::-1]:
                for phase, seconds in _run(tree, module, jobs).items():
                    samples.setdefault(module.name, {}).setdefault(str(tree), {}).setdefault(phase, []).append(seconds)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--against", type=Path, help="another checkout of the project, measured as the side before")
    parser.add_argument("--generated", action="store_true", help="add the generated modules of rows 3 and 13")
    args = parser.parse_args()
    trees = ([args.against.resolve()] if args.against else []) + [ROOT]
    with tempfile.TemporaryDirectory() as scratch:
        modules = list(args.modules)
        if args.generated:
            from scripts.bench_compile import generate_module
            from scripts.bench_debuggers import deep_module

            for name, wasm in (("row3-5000.wasm", deep_module(5000)), ("row13-4000.wasm", generate_module(4000))):
                (Path(scratch) / name).write_bytes(wasm)
                modules.append(Path(scratch) / name)
        start = time.perf_counter()
        samples = measure(modules, trees, args.runs, args.jobs)
    print(f"CPU seconds, median of {args.runs} (JITDEBUG_COMPILE_JOBS={args.jobs}); "
          f"{time.perf_counter() - start:.0f} s in all")
    for module, by_tree in samples.items():
        for phase in ("compile", "instantiate"):
            cells = [f"{'before' if len(trees) > 1 and tree == str(trees[0]) else 'this'} "
                     f"{statistics.median(by_phase[phase]):.3f}" for tree, by_phase in by_tree.items()]
            print(f"{module:32s} {phase:12s} " + "  ".join(cells))


if __name__ == "__main__":
    main()
