"""Row 14 of ``./dev bench``: what debug information costs on real modules, as a user waits for it.

The issue's figure (debug information at most +30% of the compile without it, on real modules): JIT compile +
instantiate (``compile_wasm`` then ``instantiate``, registration with the debuggers flushed) of a real program,
with debug information against ``debug_info=False``, each run a fresh process (``python -m
scripts.bench_debugcost PATH on|off``, whose own start is not counted), the sides alternating, median of the
runs. Every real program carries producer DWARF (Debian's wasi-libc has it; Rust's std is mostly DWARF), so the
"with" side translates it. The modules:

- 14-c: a small C program with wasi-libc (``bench_cdebug``'s word counter, clang-19 -O1 -g), built now;
- 14-lua: the vendored Lua 5.4.7 interpreter (``tests/data/lua/lua.wasm``, -O0 -g);
- 14-sqlite: SQLite's amalgamation with the project's test program (``tests/sqlite_wasm.py``, -O0 -g), built now;
- 14-rust: ``samples/rustdebug/shapes.rs`` built now by Debian's rustc for wasm32-wasi (``tests/rust_wasm.py``):
  125 KB of code, 7 MB of DWARF, std's mostly.

The figure is wall time (code generation forks onto the cores as it does for a user); the notes add the CPU
time of the process and its workers, steadier on a shared machine. ``--quick`` measures the C and Rust
programs only.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from scripts.bench_common import Row, Side, answer, run_child

#: Runs per side at least: one process per run, so single runs vary with the machine's load.
MIN_RUNS = 5


def load(path: Path, debug_info: bool) -> dict[str, float]:
    """Compile and instantiate ``path`` (a WASI command) in this process: wall and CPU seconds."""
    from emitter.jit import WasiConfig
    from emitter.jit.api import compile_wasm, flush_debug_info

    with tempfile.TemporaryDirectory(prefix="jitdebug-bench-debugcost-") as scratch:
        cpu = _cpu()
        start = time.perf_counter()
        module = compile_wasm(path, listing_dir=scratch, debug_info=debug_info)
        with module.instantiate(wasi=WasiConfig()):
            flush_debug_info()
        wall = time.perf_counter() - start
        return {"wall": wall, "cpu": _cpu() - cpu}


def _cpu() -> float:
    """CPU seconds of this process and of its waited-for children (the compile's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(path: Path, runs: int) -> dict[bool, list[dict[str, float]]]:
    samples: dict[bool, list[dict[str, float]]] = {True: [], False: []}
    for run in range(runs):
        for debug_info in (True, False) if run % 2 == 0 else (False, True):
            samples[debug_info].append(run_child("scripts.bench_debugcost", [str(path), "on" if debug_info else
                                                                             "off"]))
    return samples


def _row(key: str, title: str, path: Path, runs: int) -> Row:
    samples = measure(path, runs)
    row = Row(key, f"{title}: JIT compile + instantiate with debug information vs without",
              Side("with", [s["wall"] for s in samples[True]]), Side("without", [s["wall"] for s in samples[False]]),
              target=1.30)
    cpu_with = Side("with", [s["cpu"] for s in samples[True]])
    cpu_without = Side("without", [s["cpu"] for s in samples[False]])
    row.notes.append(f"CPU (process and compile workers): with {cpu_with.describe()}, without "
                     f"{cpu_without.describe()}, {cpu_with.median / cpu_without.median:.2f}x; "
                     f"module {path.stat().st_size / 1e6:.1f} MB")
    return row


def rows(runs: int, quick: bool) -> list[Row]:
    from scripts.bench_cdebug import WASI_PROGRAM
    from tests.lua_wasm import PREBUILT as LUA_WASM
    from tests.rust_wasm import SAMPLES, build
    from tests.sqlite_wasm import build_wasm as build_sqlite_wasm
    from tests.wasm_clang import wasm_clang

    runs = max(runs, 1 if quick else MIN_RUNS)
    out: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="jitdebug-bench-debugcost-") as name:
        work = Path(name)
        (work / "words.c").write_text(WASI_PROGRAM)
        wasm_clang(["--target=wasm32-wasi", "-g", "-O1", "-o", "words.wasm", "words.c"], cwd=work)
        out.append(_row("14-c", "A C program with wasi-libc (-O1 -g)", work / "words.wasm", runs))
        if not quick:
            out.append(_row("14-lua", "Lua 5.4.7 interpreter (-O0 -g, wasi-libc)", LUA_WASM, runs))
            sqlite = build_sqlite_wasm(work / "catalog.wasm", "-O0")
            out.append(_row("14-sqlite", "SQLite 3.52.0 amalgamation + test program (-O0 -g, wasi-libc)", sqlite,
                            runs))
        source = work / "shapes.rs"
        shutil.copy(SAMPLES / "shapes.rs", source)
        rust = build(source, work / "shapes.wasm", wasm=True)
        out.append(_row("14-rust", "Rust sample shapes.rs (rustc 1.63 -g, std's DWARF)", rust, runs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="one measured load of row 14 (a child process)")
    parser.add_argument("path", type=Path)
    parser.add_argument("debug_info", choices=("on", "off"))
    args = parser.parse_args()
    answer(load(args.path, args.debug_info == "on"))


if __name__ == "__main__":
    sys.exit(main())
