"""Rust programs with DWARF (``samples/rustdebug/``, built at test time by Debian's rustc for wasm32-wasi:
``tests/rust_wasm.py``): what they are, how they run, and their debug information compiled.

- The modules are Rust with full DWARF: units whose producer is rustc and whose language is Rust.
- ``jitdebug run`` prints and exits as wasmtime-py's WASI does, and as the same program built natively.
- A panic's trap backtrace names the Rust functions as wasmtime's does: demangled, the hash kept
  (``<panics::Grid as panics::Lookup>::at::h…``, ``panics::first_over::{{closure}}::h…``).
- The AOT object's DWARF passes ``llvm-dwarfdump-19 --verify``, the compile printing no warning.

Debugging them in gdb and lldb: ``tests/test_rustdebug_gdb.py``, ``tests/test_rustdebug_lldb.py``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.rust_wasm import SAMPLES, build
from tests.tools import ENV, ROOT, run
from tests.wasi_support import jitdebug_command, oracle_command


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("rust")
    return {name: build(SAMPLES / f"{name}.rs", out / f"{name}.wasm", wasm=True) for name in ("shapes", "panics")}


def _outcome(argv: list[str | Path]) -> tuple[int, str, str]:
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=300,
                          env={**ENV, "PYTHONPATH": str(ROOT)})
    return proc.returncode, proc.stdout, proc.stderr


def test_modules_carry_rust_dwarf(modules: dict[str, Path]) -> None:
    info = run(["llvm-dwarfdump-19", "--debug-info", modules["shapes"]]).stdout
    units = re.findall(r'DW_AT_producer\s+\("([^"]*)"\)\s+DW_AT_language\s+\((\w+)\)\s+DW_AT_name\s+\("([^"]*)"\)',
                       info)
    rust = {name for producer, language, name in units
            if language == "DW_LANG_Rust" and producer.startswith("clang LLVM (rustc version 1.63")}
    assert any(name.startswith("shapes.rs") for name in rust)
    assert any(name.startswith("library/std/src/lib.rs") for name in rust)  # std's own, with DWARF too
    sections = run(["llvm-objdump-19", "-h", modules["shapes"]]).stdout
    assert ".debug_info" in sections and ".debug_line" in sections


def test_shapes_runs_as_under_wasmtime_and_natively(modules: dict[str, Path], tmp_path: Path) -> None:
    ours = _outcome([*jitdebug_command(), modules["shapes"]])
    assert ours == _outcome([*oracle_command(), modules["shapes"]])
    native = build(SAMPLES / "shapes.rs", tmp_path / "shapes", wasm=False)
    assert ours == _outcome([native])
    assert ours[1] == ("area 87 sum 31 top 9 widest 7.25 distance 7 described 15 word ababab\n"
                       "Circle { center: Point { x: 1, y: 2 }, radius: 5 } "
                       "Rect(Point { x: 1, y: 2 }, Point { x: 4, y: 6 }) Blue\n")


def _frames(stderr: str) -> list[str]:
    return re.findall(r"^ +\d+: +0x[0-9a-f]+ - .*$", stderr, re.M)


def test_panic_backtrace_names_rust_functions_as_wasmtime(modules: dict[str, Path]) -> None:
    code, stdout, stderr = _outcome([*jitdebug_command(), modules["panics"]])
    oracle = _outcome([*oracle_command(), modules["panics"]])
    assert (code, stdout) == oracle[:2] == (1, "first row over 3: Some(1)\n")
    assert stderr.startswith("thread 'main' panicked at 'index out of bounds: the len is 6 but the index is 7', "
                             "panics.rs:16:9\n")
    assert _frames(stderr) == _frames(oracle[2])
    names = [frame.split(" - ", 1)[1] for frame in _frames(stderr)]
    for expected in (r"<unknown>!<panics::Grid as panics::Lookup>::at::h[0-9a-f]{16}",
                     r"<unknown>!panics::first_over::\{\{closure\}\}::h[0-9a-f]{16}",
                     r"<unknown>!<alloc::vec::Vec<T,A> as core::ops::index::Index<I>>::index::h[0-9a-f]{16}",
                     r"<unknown>!panics::main::\{\{closure\}\}::h[0-9a-f]{16}",
                     r"<unknown>!panics::main::h[0-9a-f]{16}"):
        assert any(re.fullmatch(expected, name) for name in names), (expected, names)
    assert stderr.endswith("Caused by:\n    wasm trap: wasm `unreachable` instruction executed\n")


def test_aot_object_dwarf_verifies(modules: dict[str, Path], tmp_path: Path) -> None:
    obj = tmp_path / "shapes.o"
    proc = subprocess.run([*jitdebug_command()[:-1], "compile", str(modules["shapes"]), "-o", str(obj)],
                          capture_output=True, text=True, timeout=300, env={**ENV, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    verify = run(["llvm-dwarfdump-19", "--verify", obj], check=False)
    assert verify.returncode == 0 and verify.stdout.rstrip().endswith("No errors."), verify.stdout[-3000:]
