"""The vendored SQLite 3.52.0 amalgamation (``tests/data/sqlite/``, origin and licence in its ``ORIGIN.md``) and the
project's test program on it (``catalog.c``, an in-memory book catalogue): the exact commands that build it for
wasm32-wasi with full DWARF (-O0 and -O1) and natively with gcc, the oracle its debugging is compared with.

The builds are made at test time (clang-19 takes about 4 s at -O0 and 26 s at -O1, gcc 6 s; clang-19's native
-O1 build, the -O1 oracle, 35 s), once per test
session: the first test process to need a build makes it in a directory every pytest-xdist worker of the session
shares, under a lock, and the others use it. ``python -m tests.sqlite_wasm DIR`` writes the three builds into DIR.
"""

from __future__ import annotations

import fcntl
import os
import sys
import tempfile
from pathlib import Path

import pytest

from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

SQLITE = ROOT / "tests" / "data" / "sqlite"

#: The amalgamation, the OS layer that opens no file (fixed clock and randomness) and the program.
SOURCES = ["catalog.c", "port/memvfs.c", "src/sqlite3.c"]

#: SQLite's compile-time options, the same on both sides: no threads (wasi-libc has none), the application's own
#: OS layer (``port/memvfs.c``: the program's databases are all in memory), temporary tables in memory, no
#: loadable extensions (no dlopen), and no localtime conversion (the time zone would be the host's).
CONFIG = ["-DSQLITE_THREADSAFE=0", "-DSQLITE_OS_OTHER=1", "-DSQLITE_OMIT_LOAD_EXTENSION", "-DSQLITE_TEMP_STORE=3",
          "-DSQLITE_OMIT_LOCALTIME", "-Isrc"]

#: What each Wasm build is called and how clang-19 makes it (relative paths and ``-fdebug-compilation-dir=.``:
#: the DWARF names no directory of the machine).
OPT_LEVELS = ("-O0", "-O1")


def wasm_flags(opt: str) -> list[str]:
    """clang-19's flags (after ``--target=wasm32-wasi``) for the build at ``opt``."""
    return ["-g", opt, "-fdebug-compilation-dir=.", *CONFIG]


#: gcc at -O0 with DWARF: the oracle of the debuggers' transcripts and of the program's output.
NATIVE_FLAGS = ["-g", "-O0", *CONFIG]


def build_wasm(output: Path, opt: str = "-O0") -> Path:
    wasm_clang(["--target=wasm32-wasi", *wasm_flags(opt), "-o", output, *SOURCES], cwd=SQLITE)
    return output


def build_native(output: Path) -> Path:
    run(["gcc", *NATIVE_FLAGS, "-o", output, *SOURCES], cwd=SQLITE)
    return output


def build_native_clang(output: Path, opt: str) -> Path:
    """clang-19 for x86-64 at ``opt`` with DWARF: at -O1 the oracle with the same optimiser as the Wasm build
    (gcc's -O1 inlines and keeps other things)."""
    run(["clang-19", "-g", opt, *CONFIG, "-o", output, *SOURCES], cwd=SQLITE)
    return output


def _shared_build(directory: Path, name: str, build: object) -> Path:
    """``directory/name``, built by ``build(path)`` unless another process of this session already did (the
    lock serialises the builders; the file appears whole, renamed into place)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    with open(directory / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            # Built under its own name (the linker writes the output's name into the module), then moved.
            partial = Path(tempfile.mkdtemp(dir=directory)) / name
            build(partial)  # type: ignore[operator]
            os.replace(partial, target)
            partial.parent.rmdir()
    return target


def session_builds(factory: pytest.TempPathFactory) -> Path:
    """The directory of this test session's SQLite builds, shared by its pytest-xdist workers (the parent of the
    workers' base temporary directories is the session's)."""
    base = factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return shared / "sqlite-builds"


def shared_compile_cache(factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a ``jitdebug`` subprocess that shares its compile cache with this session's other
    workers: the module compiles once (13 s of CPU at -O0), not once per worker and test."""
    return {"JITDEBUG_CACHE_DIR": str(session_builds(factory) / "compile-cache")}


def wasm_build(factory: pytest.TempPathFactory, opt: str) -> Path:
    return _shared_build(session_builds(factory), f"catalog{opt}.wasm", lambda path: build_wasm(path, opt))


def native_build(factory: pytest.TempPathFactory) -> Path:
    return _shared_build(session_builds(factory), "catalog", build_native)


def native_clang_build(factory: pytest.TempPathFactory, opt: str) -> Path:
    return _shared_build(session_builds(factory), f"catalog-clang{opt}", lambda path: build_native_clang(path, opt))


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    out.mkdir(parents=True, exist_ok=True)
    for level in OPT_LEVELS:
        build_wasm(out.resolve() / f"catalog{level}.wasm", level)
    build_native(out.resolve() / "catalog")
    sys.stdout.write(f"wrote {', '.join(f'catalog{level}.wasm' for level in OPT_LEVELS)} and catalog in {out}\n")
