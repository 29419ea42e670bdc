"""wasmtime's note under the trap backtrace of a module with DWARF: ``note: using the
`WASMTIME_BACKTRACE_DETAILS=1` environment variable may show more debugging information``.

wasmtime-py prints it when a frame's module has a ``.debug_info`` section that it did not read, which is so
unless ``WASMTIME_BACKTRACE_DETAILS=1`` (any other value, or none, leaves it unread). ``jitdebug run`` prints the
same text byte for byte, for C (wasi-libc always brings DWARF) and Rust programs; a module without DWARF gets
no note (``tests/test_trap_backtraces.py`` compares those). With ``WASMTIME_BACKTRACE_DETAILS=1`` neither side
prints the note (both then print file and line under each frame: ``tests/test_trap_backtrace_details.py``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from emitter.jit.backtrace import DETAILS_NOTE
from tests.rust_wasm import SAMPLES, build
from tests.tools import ENV, ROOT
from tests.wasi_support import build_wasi, jitdebug_command, oracle_command

C_PROGRAM = r"""#include <stdio.h>
__attribute__((noinline)) int divide(int a, int b) { return a / b; }
int main(int argc, char **argv) { printf("%d\n", divide(10, 2)); return divide(argc, argc - 1); }
"""


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("note")
    (out / "divide.c").write_text(C_PROGRAM)
    return {"c": build_wasi(out / "divide.c", out / "divide.wasm"),
            "rust": build(SAMPLES / "panics.rs", out / "panics.wasm", wasm=True)}


def _outcome(argv: list[str | Path], details: str | None) -> tuple[int, str, str]:
    env = {**ENV, "PYTHONPATH": str(ROOT)}
    env.pop("WASMTIME_BACKTRACE_DETAILS", None)
    if details is not None:
        env["WASMTIME_BACKTRACE_DETAILS"] = details
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=300, env=env)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("details", [None, "0"])
@pytest.mark.parametrize("language", ["c", "rust"])
def test_note_equals_wasmtime(modules: dict[str, Path], language: str, details: str | None) -> None:
    ours = _outcome([*jitdebug_command(), modules[language]], details)
    oracle = _outcome([*oracle_command(), modules[language]], details)
    assert ours[0] == oracle[0] == 1
    assert ours[1] == oracle[1]
    assert ours[2] + "\n" == oracle[2]  # the oracle prints str(trap), then a newline
    frames, _, cause = ours[2].partition("\n\nCaused by:\n")
    assert frames.endswith(f"\n{DETAILS_NOTE}") and cause


@pytest.mark.parametrize("language", ["c", "rust"])
def test_no_note_with_details(modules: dict[str, Path], language: str) -> None:
    ours = _outcome([*jitdebug_command(), modules[language]], "1")
    oracle = _outcome([*oracle_command(), modules[language]], "1")
    assert ours[0] == oracle[0] == 1
    assert DETAILS_NOTE not in ours[2] and DETAILS_NOTE not in oracle[2]
    assert "error while executing at wasm backtrace:" in ours[2]
