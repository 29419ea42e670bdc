"""Trap backtraces with ``WASMTIME_BACKTRACE_DETAILS=1``: wasmtime then reads the module's DWARF and prints, for
each frame it finds there, the source function (demangled, without the module name) and ``at FILE:LINE:COL``
under it, one such pair per inlined subroutine, innermost first (``                - outer`` for the ones around
it). ``jitdebug run`` and the Python API print the same text from the same DWARF (``emitter/dwarf/symbolize.py``),
compared byte for byte with wasmtime-py 50 on C programs at -O0 and -O2 (inlined functions, a static function, a
wasi-libc frame) and a Rust program (legacy-mangled linkage names, std's frames), and on a hand-made module whose
code section holds a function the DWARF does not cover.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import wasmtime

from emitter.errors import TrapError
from emitter.jit import compile_wasm
from tests.rust_wasm import SAMPLES, build
from tests.tools import ENV, ROOT
from tests.wasi_support import build_wasi, jitdebug_command, oracle_command
from tests.wasm_clang import wasm_clang

C_PROGRAM = r"""#include <stdio.h>
#include <stdlib.h>
static inline __attribute__((always_inline)) int divide(int a, int b) { return a / b; }
static __attribute__((noinline)) int scale(int a, int b) {
  int x = a * 3;
  return divide(x, b) + 1;
}
__attribute__((noinline)) int walk(int depth, int b) {
  if (depth == 0)
    return scale(depth + 7, b);
  return walk(depth - 1, b) + 1;
}
int main(int argc, char **argv) {
  printf("%d\n", walk(2, 1));
  if (argc > 1)
    abort();
  return walk(3, argc - 1);
}
"""

#: A freestanding module (no wasi-libc), for the Python API.
LIBRARY_C = r"""__attribute__((export_name("run"))) int run(int a, int b) {
  int q = a / b;
  return q + 1;
}
"""


def _outcome(argv: list[str | Path]) -> tuple[int, str, str]:
    env = {**ENV, "PYTHONPATH": str(ROOT), "WASMTIME_BACKTRACE_DETAILS": "1"}
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=300, env=env)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("details")
    (out / "walk.c").write_text(C_PROGRAM)
    return {"c-O0": build_wasi(out / "walk.c", out / "walk0.wasm"),
            "c-O2": build_wasi(out / "walk.c", out / "walk2.wasm", opt="-O2"),
            "rust": build(SAMPLES / "panics.rs", out / "panics.wasm", wasm=True)}


@pytest.mark.parametrize(("program", "args"), [("c-O0", []), ("c-O0", ["abort"]), ("c-O2", []),
                                               ("c-O2", ["abort"]), ("rust", [])])
def test_run_details_equal_wasmtime(programs: dict[str, Path], program: str, args: list[str]) -> None:
    ours = _outcome([*jitdebug_command(), programs[program], *args])
    oracle = _outcome([*oracle_command(), programs[program], *args])
    assert ours[0] == oracle[0] == 1
    assert ours[2] + "\n" == oracle[2]  # the oracle prints str(trap), then a newline
    assert "\n                    at " in ours[2]


def test_api_details_equal_wasmtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python API's ``TrapError`` text, with and without the variable, against wasmtime-py's ``str(trap)``
    (wasmtime reads the variable when its engine is made)."""
    (tmp_path / "lib.c").write_text(LIBRARY_C)
    module = tmp_path / "lib.wasm"
    wasm_clang(["--target=wasm32", "-g", "-O1", "-nostdlib", "-Wl,--no-entry", "-o", module, tmp_path / "lib.c"])
    for details in ("1", "0"):
        monkeypatch.setenv("WASMTIME_BACKTRACE_DETAILS", details)
        engine = wasmtime.Engine()
        store = wasmtime.Store(engine)
        instance = wasmtime.Instance(store, wasmtime.Module.from_file(engine, str(module)), [])
        with pytest.raises(wasmtime.Trap) as expected:
            instance.exports(store)["run"](store, 1, 0)
        with compile_wasm(module, listing_dir=tmp_path).instantiate({}) as ours_instance:
            with pytest.raises(TrapError) as ours:
                ours_instance.exports["run"](1, 0)
        assert ours.value.backtrace.rstrip("\n") == str(expected.value).rstrip("\n")
        assert ("lib.c:2:" in str(expected.value)) == (details == "1")
