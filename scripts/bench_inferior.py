"""The program the debugger rows of ``./dev bench`` run, under a debugger or not (``scripts.bench_debuggers``).

    python bench_inferior.py deep ours|cached|wasmtime MODULE.wasm PROBE.so DEPTH
        load the module (our JIT — ``cached``: through the compile cache in ``build/bench/cache`` — or wasmtime-py
        with debug_info=True and cranelift_opt_level='none'), call
        ``run(DEPTH)``: DEPTH nested Wasm frames, the deepest calls the import ``hit``, which calls the native
        ``bench_stop`` (the debuggers' breakpoint), then the program ends.
    python bench_inferior.py many DIRECTORY PROBE.so CHAIN
        load every ``*.wasm`` of DIRECTORY with our JIT (each is registered with the debuggers) and keep them;
        then call the last module's ``run``, whose import ``next`` calls the previous module's, CHAIN modules
        deep, the last one calling ``bench_stop``.
"""

from __future__ import annotations

import ctypes
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
#: The compile cache of the ``cached`` configuration (row 3 warm).
CACHE = Path(__file__).resolve().parent.parent / "build" / "bench" / "cache"


def deep(kind: str, wasm: Path, stop: Callable[[], None], depth: int) -> None:
    if kind in ("ours", "cached"):
        from emitter.jit.api import compile_wasm
        from emitter.jit.cache import CompileCache

        cache = CompileCache(CACHE) if kind == "cached" else None
        with tempfile.TemporaryDirectory() as listing_dir:
            module = compile_wasm(wasm, listing_dir=listing_dir, cache=cache)
            with module.instantiate({"hit": stop}) as instance:
                instance.exports["run"](depth)
        return
    import wasmtime

    config = wasmtime.Config()
    config.debug_info = True
    config.cranelift_opt_level = "none"
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    hit = wasmtime.Func(store, wasmtime.FuncType([], []), stop)
    loaded = wasmtime.Instance(store, wasmtime.Module.from_file(engine, str(wasm)), [hit])
    run = loaded.exports(store)["run"]
    if not isinstance(run, wasmtime.Func):
        raise TypeError("the module's run export is not a function")
    run(store, depth)


def many(directory: Path, stop: Callable[[], None], chain: int) -> None:
    from emitter.jit.api import Instance, compile_wasm

    instances: list[Instance] = []
    with tempfile.TemporaryDirectory() as listing_dir:
        paths = sorted(directory.glob("*.wasm"))
        for index, path in enumerate(paths):
            previous = instances[-1].exports["run"] if index and len(paths) - index < chain else stop
            module = compile_wasm(path, listing_dir=listing_dir)
            instances.append(module.instantiate({"next": previous}))
        instances[-1].exports["run"]()
        from emitter.jit import _native

        print(f"registered images: {len(_native.gdb_entries())} for {len(instances)} modules", file=sys.stderr)
        for instance in instances:
            instance.free()


def breakpoint_function(probe: str) -> Callable[[], None]:
    native = ctypes.CDLL(probe).bench_stop

    def stop() -> None:
        native()

    return stop


def main() -> None:
    mode = sys.argv[1]
    if mode == "deep":
        kind, wasm, probe, depth = sys.argv[2], Path(sys.argv[3]), sys.argv[4], int(sys.argv[5])
        deep(kind, wasm, breakpoint_function(probe), depth)
    else:
        directory, probe, chain = Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
        many(directory, breakpoint_function(probe), chain)


if __name__ == "__main__":
    main()
