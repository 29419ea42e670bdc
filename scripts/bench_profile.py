"""``./dev bench --profile ROW``: where the time of a row's own side goes, as a pyinstrument call tree.

Profiles our side of a row in this process, without a debugger (the debuggers' share is the difference the row
itself prints): row 3 the inferior of ``bench_inferior.py deep`` (compile, instantiate, call 100 frames deep),
rows 2 and 8 a JIT compile + instantiate, row 1 the AOT emission, row 7 loading the many small modules. The tree
is printed with frames under ``--min-percent`` of the total hidden.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path

from pyinstrument import Profiler

from scripts.bench_compile import generate_module


def _deep(scratch: Path, functions: int) -> Callable[[], None]:
    from scripts.bench_debuggers import deep_module
    from scripts.bench_inferior import deep

    wasm = scratch / "deep.wasm"
    wasm.write_bytes(deep_module(functions))
    return lambda: deep("ours", wasm, lambda: None, 100)


def _jit(scratch: Path, functions: int) -> Callable[[], None]:
    from scripts.bench_jit import jit_load

    wasm = scratch / "bench.wasm"
    wasm.write_bytes(generate_module(functions))
    return lambda: None if jit_load(wasm, str(scratch), True) else None


def _emit(scratch: Path, functions: int) -> Callable[[], None]:
    from emitter.codegen.compiler import compile_module
    from emitter.lower import write_object
    from emitter.wasm.load import load_bytes

    wasm = generate_module(functions)

    def emit() -> None:
        write_object(compile_module(load_bytes(wasm, "bench.wasm")), scratch / "bench.o")

    return emit


def _many(scratch: Path, modules: int) -> Callable[[], None]:
    from scripts.bench_debuggers import chain_module
    from scripts.bench_inferior import many

    for index in range(modules):
        (scratch / f"m{index:05d}.wasm").write_bytes(chain_module(index, 20))
    return lambda: many(scratch, lambda: None, 5)


WORKLOADS: dict[str, tuple[Callable[[Path, int], Callable[[], None]], int]] = {
    "1": (_emit, 10_000), "2": (_jit, 5_000), "3": (_deep, 5_000), "7": (_many, 1_000), "8": (_jit, 10_000),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("row", choices=sorted(WORKLOADS))
    parser.add_argument("--size", type=int, default=None, help="functions (rows 1-3, 8) or modules (row 7)")
    parser.add_argument("--min-percent", type=float, default=2.0)
    args = parser.parse_args(argv)
    make, size = WORKLOADS[args.row]
    with tempfile.TemporaryDirectory() as scratch:
        workload = make(Path(scratch), args.size or size)
        profiler = Profiler(interval=0.001)
        with profiler:
            workload()
    print(profiler.output_text(unicode=True, color=False, show_all=False, time="seconds",
                               flat=False, processor_options={"filter_threshold": args.min_percent / 100}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
