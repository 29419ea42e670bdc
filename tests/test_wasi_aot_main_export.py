"""A WASI command that exports ``main`` (every Rust ``wasm32-wasi`` program: ``main.command_export``), compiled
AOT without ``--export-prefix`` and linked with the WASI runtime, runs as ``wasmtime run`` runs it: the object
does not define the C symbol ``main`` (the runtime's ``main`` would never be linked from its library, and the C
runtime would call the Wasm function uninstantiated, trapping without end), as it does not define ``_start``; the
prefixed name stays, and the header says why the bare one is absent (``emitter/wasi/aot.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.rust_wasm import SAMPLES, build
from tests.tools import ROOT, run
from tests.wasi_support import oracle_command, run_program, wasi_runtime_library


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Each Rust sample's module and its AOT executable (no prefix), with the header beside it."""
    out = tmp_path_factory.mktemp("rust-aot")
    library = wasi_runtime_library(out)
    built = {}
    for name in ("shapes", "panics"):
        module = build(SAMPLES / f"{name}.rs", out / f"{name}.wasm", wasm=True)
        obj = out / f"{name}.o"
        run([sys.executable, "-m", "emitter.cli", "compile", module, "-o", obj, "--header", out / f"{name}.h"],
            env={"PYTHONPATH": str(ROOT)})
        executable = out / name
        run(["gcc", "-o", executable, obj, library])
        built[name] = (module, executable)
    return built


def _outcomes(programs: dict[str, tuple[Path, Path]], name: str, tmp_path: Path) -> tuple[tuple[int, str, str], ...]:
    module, executable = programs[name]
    return tuple((p.returncode, p.stdout, p.stderr) for p in (
        run_program([], module, cwd=tmp_path, dirs=[], env=[], args=["x"], executable=executable),
        run_program(oracle_command(), module, cwd=tmp_path, dirs=[], env=[], args=["x"])))


def test_rust_command_runs_like_wasmtime(programs: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    ours, oracle = _outcomes(programs, "shapes", tmp_path)
    assert oracle[0] == 0 and oracle[1]
    assert ours == oracle


def test_rust_panic_reports_once_like_wasmtime(programs: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    ours, oracle = _outcomes(programs, "panics", tmp_path)
    assert oracle[0] == 1 and ours[0] != 0
    assert ours[1] == oracle[1]
    assert ours[2].count("Caused by:") == 1
    assert ours[2] + "\n" == oracle[2]  # the oracle prints str(trap), then a newline; the note included


def test_bare_main_is_not_defined_and_the_prefixed_one_is(programs: dict[str, tuple[Path, Path]],
                                                          tmp_path: Path) -> None:
    module, executable = programs["shapes"]
    symbols = run(["nm", executable.with_suffix(".o")]).stdout.split("\n")
    assert not any(line.endswith(" T main") for line in symbols)
    assert any(line.endswith(" T jitdebug_wasi_start") for line in symbols)
    header = executable.with_suffix(".h").read_text()
    assert "export 'main' is not the C symbol 'main'" in header
    prefixed = tmp_path / "prefixed.o"
    run([sys.executable, "-m", "emitter.cli", "compile", module, "-o", prefixed, "--export-prefix", "r_"],
        env={"PYTHONPATH": str(ROOT)})
    assert any(line.endswith(" T r_main") for line in run(["nm", prefixed]).stdout.split("\n"))
