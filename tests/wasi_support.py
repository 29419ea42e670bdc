"""WASI programs for the tests: C built with clang-19 for wasm32-wasi at test time, and wasmtime-py's WASI as the
oracle, run with the same command line as ``jitdebug run`` (``python -m tests.wasi_support PROG.wasm --dir
HOST::GUEST --env NAME=VALUE -- ARGS``) so both sides see identical arguments, stdio and directories.

The programs are built through ``tests/wasm_clang.py`` (Debian's clang would run ``wasm-opt`` after linking when
it is on PATH).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.tools import ENV, ROOT, run, tool
from tests.wasm_clang import wasm_clang

CORPUS = ROOT / "tests" / "data" / "wasi"


def build_wasi(source: Path, output: Path, *, opt: str = "-O0", extra: tuple[str, ...] = ()) -> Path:
    wasm_clang(["--target=wasm32-wasi", "-g", opt, *extra, "-o", output, source])
    return output


def wasi_runtime_library(directory: Path) -> Path:
    """The AOT WASI runtime as a user gets it: ``jitdebug runtime wasi -o libjitdebug_wasi.a`` (made once per
    directory)."""
    library = directory / "libjitdebug_wasi.a"
    if not library.exists():
        run([sys.executable, "-m", "emitter.cli", "runtime", "wasi", "-o", library], env={"PYTHONPATH": str(ROOT)})
    return library


def build_aot(module: Path, output: Path) -> Path:
    """``jitdebug compile`` the module and link it with the WASI runtime library into an executable."""
    obj = output.with_suffix(".o")
    run([sys.executable, "-m", "emitter.cli", "compile", module, "-o", obj], env={"PYTHONPATH": str(ROOT)})
    run([tool("gcc"), "-g", "-o", output, obj, wasi_runtime_library(output.parent)])
    return output


def oracle_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="wasi_support")
    parser.add_argument("module")
    parser.add_argument("--dir", action="append", default=[])
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--bench", action="store_true", help="define sightglass's bench.start/bench.end as no-ops")
    parser.add_argument("args", nargs="*")
    options = parser.parse_intermixed_args(argv)
    import wasmtime

    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    config = wasmtime.WasiConfig()
    config.argv = [options.module, *options.args]
    config.env = [tuple(spec.split("=", 1)) for spec in options.env]
    config.inherit_stdin()
    config.inherit_stdout()
    config.inherit_stderr()
    for spec in options.dir:
        host, _, guest = spec.partition("::")
        config.preopen_dir(host, guest or host)
    store.set_wasi(config)
    if options.bench:
        for name in ("start", "end"):
            linker.define_func("bench", name, wasmtime.FuncType([], []), lambda: None)
    module = wasmtime.Module.from_file(engine, options.module)
    instance = linker.instantiate(store, module)
    start = instance.exports(store)["_start"]
    assert isinstance(start, wasmtime.Func)
    try:
        start(store)
    except wasmtime.ExitTrap as done:
        return done.code
    except wasmtime.Trap as trap:
        sys.stderr.write(f"{trap}\n")
        return 1
    return 0


def oracle_command() -> list[str]:
    return [sys.executable, "-m", "tests.wasi_support"]


def jitdebug_command() -> list[str]:
    return [sys.executable, "-m", "emitter.cli", "run"]


def run_program(command: list[str], module: Path, *, cwd: Path, dirs: list[str], env: list[str], args: list[str],
                stdin: str = "", executable: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``module`` with ``command`` (JIT or oracle), or its AOT ``executable`` (argv[0] given as the module's
    path, as the others see it)."""
    argv = [*command, str(module)] if executable is None else [str(executable), f"--argv0={module}"]
    argv += [f"--dir={d}" for d in dirs] + [f"--env={e}" for e in env]
    argv += ["--", *args]
    environment = {**ENV, "PYTHONPATH": str(ROOT)}
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, input=stdin, timeout=120,
                          env=environment)


def tree(root: Path) -> dict[str, str]:
    """What a user would see of a directory after a run: each entry's kind and content (symlinks: the target),
    not times."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink():
            found[name] = f"link -> {os.readlink(path)}"
        elif path.is_dir():
            found[name] = "dir"
        else:
            found[name] = f"file {path.stat().st_mode & 0o777:o} {path.read_bytes()!r}"
    return found


def copy_tree(source: Path, destination: Path) -> None:
    shutil.copytree(source, destination, symlinks=True)


if __name__ == "__main__":
    sys.exit(oracle_main(sys.argv[1:]))
