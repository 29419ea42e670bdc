"""A multi-megabyte real C code base: SQLite 3.52.0's amalgamation (one 9.4 MB, 265,000-line C file) with the
project's test program (``tests/data/sqlite/catalog.c``: an in-memory database, two tables, a prepared insert, a
join with aggregates, a recursive CTE, built-in functions), built at test time for wasm32-wasi at -O0 -g (3.7 MB)
and -O1 -g (4.3 MB), and natively by gcc (``tests/sqlite_wasm.py``; sources, licence and commands beside them).

- ``jitdebug run`` runs it as wasmtime-py's WASI does and as the native build does: the same stdout, stderr and
  exit status, at both levels.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.sqlite_wasm import OPT_LEVELS, native_build, wasm_build
from tests.tools import ENV, ROOT
from tests.wasi_support import jitdebug_command, oracle_command


def _outcome(argv: list[str | Path]) -> tuple[int, str, str]:
    proc = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=600,
                          env={**ENV, "PYTHONPATH": str(ROOT)})
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_sqlite_runs_as_under_wasmtime_and_natively(opt: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    wasm = wasm_build(tmp_path_factory, opt)
    assert wasm.stat().st_size > 3_000_000
    outcomes = {"jitdebug": _outcome([*jitdebug_command(), wasm]), "wasmtime": _outcome([*oracle_command(), wasm]),
                "native": _outcome([native_build(tmp_path_factory)])}
    assert outcomes["jitdebug"] == outcomes["wasmtime"] == outcomes["native"]
    code, stdout, stderr = outcomes["jitdebug"]
    assert code == 0 and stderr == ""
    assert stdout.startswith("SQLite 3.52.0\n\nname | books | pages | mean_year | age_at_last\n")
    assert "Stanislaw Lem | 4 | 1020 | 1970.0 | 65\n" in stdout
    assert "0 1 1 2 3 5 8 13 21 34 55 89 144 233 377 610 987 1597 2584 4181 | 10945\n" in stdout
