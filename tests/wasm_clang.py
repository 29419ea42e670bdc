"""Wasm test programs built by clang-19 the same way whatever else the machine has installed.

Debian's clang-19 runs Binaryen's ``wasm-opt`` after every wasm link at -O1 and above whenever ``wasm-opt`` is on
PATH (the ``binaryen`` package puts it there, and the set-up installs it for the generated-input tests): names
stripped, DWARF left stale. ``clang-19 --no-wasm-opt`` is no way out (it exits 0 and writes nothing). So every
Wasm build of the tests runs clang with a PATH holding only a directory with ``wasm-ld``: clang finds the linker
beside itself, and looks ``wasm-opt`` up on PATH only. ``tests/test_wasm_clang.py`` proves it with ``wasm-opt``
present and checks that no test calls clang for wasm another way.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.tools import ENV, run, tool

_BIN = Path(tempfile.gettempdir()) / "jitdebug-wasm-bin"


def wasm_build_env(bin_dir: Path = _BIN) -> dict[str, str]:
    """An environment whose PATH has only ``wasm-ld``/``wasm-ld-19`` (no binaryen)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    linker = tool("wasm-ld-19")
    for name in ("wasm-ld", "wasm-ld-19"):
        link = bin_dir / name
        if not link.is_symlink():
            try:
                link.symlink_to(linker)
            except FileExistsError:  # another worker made it first
                pass
    return {**ENV, "PATH": str(bin_dir)}


def wasm_clang(args: list[str | Path], *, cwd: Path | None = None, cxx: bool = False) -> str:
    """``clang-19 ARGS`` (``clang++-19`` with ``cxx``) for a wasm target, with the PATH above; its stdout."""
    return run([tool("clang++-19" if cxx else "clang-19"), *args], cwd=cwd, env=wasm_build_env()).stdout
