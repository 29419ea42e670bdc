"""Rust test programs built at test time, for wasm32-wasi and natively by the same compiler.

Debian's ``rustc`` (1.63, ``/usr/bin/rustc``) with ``libstd-rust-dev-wasm32`` is the Rust toolchain that can target
Wasm here (the set-up installs both, and ``lld-14``): the standard library for ``wasm32-wasi``, built with debug
information, so a ``-g`` program carries full DWARF for its own code and for std's (``DW_LANG_Rust``, producer
``clang LLVM (rustc version 1.63.0)``). A rustup toolchain earlier on PATH has no wasm32 standard library, so the
path is spelled out. Its rlibs hold a ``lib.rmeta`` member that ``wasm-ld-19`` rejects ("neither Wasm object file
nor LLVM bitcode") and the linker of its own release, ``wasm-ld-14``, skips; the native build links with ``cc``.
The same compiler builds the program natively, so the debuggers' transcripts can be compared line for line.
"""

from __future__ import annotations

from pathlib import Path

from tests.tools import ROOT, run, tool

RUSTC = "/usr/bin/rustc"
SAMPLES = ROOT / "samples" / "rustdebug"


def build(source: Path, out: Path, *, wasm: bool, opt_level: int = 0, extra: tuple[str, ...] = ()) -> Path:
    """``source`` compiled with debug information at ``opt_level`` to ``out``: a WASI command module with
    ``wasm``, else a native executable; ``extra``: more ``rustc`` options."""
    if not Path(RUSTC).is_file():
        raise AssertionError(f"required tool {RUSTC} (Debian's rustc) is not installed (run the README set-up)")
    target = ["--target", "wasm32-wasi", "-C", f"linker={tool('wasm-ld-14')}"] if wasm else []
    run([RUSTC, *target, "-g", "-C", f"opt-level={opt_level}", "--edition", "2021", "-A", "dead_code", *extra,
         "-o", out, source.name], cwd=source.parent)
    return out
