"""Benchmark row 9, the WASI host functions: a C printf loop (``tests/data/wasi/printf_loop.c``, wasi-libc) run
by our JIT and by wasmtime-py, its stdout to a file. Only ``_start`` is timed, on an instance made before it
(the module compiled once per side; our instantiation lowers and registers debug information): the row measures
the path of every ``fd_write`` from Wasm code into the host and the kernel, and the Wasm code, not our compiler.
Unbuffered (one ``fd_write`` per line: the host-call cost) and buffered (wasi-libc's stdio buffer: the cost of
formatting in Wasm code).

    python -m scripts.bench_wasi --lines 200000 --runs 5     (prints one JSON object)
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from scripts.bench_common import ROOT, answer, timed
from tests.wasm_clang import wasm_clang

SOURCE = ROOT / "tests" / "data" / "wasi" / "printf_loop.c"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    import wasmtime

    from emitter.jit import compile_wasm
    from emitter.wasi.config import WasiConfig

    with tempfile.TemporaryDirectory(prefix="jitdebug-bench-wasi-") as work:
        directory = Path(work)
        program = directory / "printf_loop.wasm"
        wasm_clang(["--target=wasm32-wasi", "-O2", "-o", program, SOURCE])
        ours_module = compile_wasm(program, listing_dir=directory)
        engine = wasmtime.Engine()
        theirs_module = wasmtime.Module.from_file(engine, str(program))
        result: dict[str, object] = {"lines": args.lines}
        for mode, extra in (("unbuffered", ["unbuffered"]), ("buffered", [])):
            argv_words = ["printf_loop", str(args.lines), *extra]
            ours_out, theirs_out = directory / f"ours-{mode}.txt", directory / f"theirs-{mode}.txt"

            def ours(argv_words: list[str] = argv_words, out: Path = ours_out) -> float:
                with ours_module.instantiate(wasi=WasiConfig(argv=argv_words, stdout_file=out)) as instance:
                    start = instance.exports["_start"]
                    return timed(start)

            def theirs(argv_words: list[str] = argv_words, out: Path = theirs_out) -> float:
                store = wasmtime.Store(engine)
                linker = wasmtime.Linker(engine)
                linker.define_wasi()
                config = wasmtime.WasiConfig()
                config.argv = argv_words
                config.stdout_file = str(out)
                store.set_wasi(config)
                start = linker.instantiate(store, theirs_module).exports(store)["_start"]
                assert isinstance(start, wasmtime.Func)
                return timed(lambda: start(store))

            ours(), theirs()  # warm-up, and the outputs checked once
            same = ours_out.read_bytes() == theirs_out.read_bytes()
            lines = ours_out.read_bytes().count(b"\n")
            ours_samples: list[float] = []
            theirs_samples: list[float] = []
            for _ in range(args.runs):  # alternating: a change of the machine's load weighs on both sides
                ours_samples.append(ours())
                theirs_samples.append(theirs())
            result[mode] = {"ours": ours_samples, "wasmtime": theirs_samples, "same_output": same,
                            "lines_written": lines}
    answer(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
