"""Prebuilt Rust WASI programs (vendored from sightglass, see ``tests/data/wasi/rust/ORIGIN.md``) under
``jitdebug run`` and under wasmtime-py's WASI: the same stdout, stderr and exit code. Each reads its input from the
preopened current directory and imports sightglass's ``bench.start``/``bench.end``, given here by a small C
library (``--library``), to wasmtime as functions doing nothing. The outputs are also the ones sightglass records
for these programs (blake3 on its small workload)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.tools import ENV, ROOT, run
from tests.wasi_support import CORPUS, jitdebug_command, oracle_command

RUST = CORPUS / "rust"
EXPECTED = {
    "blake3-scalar": ("", '[blake3] hashing ./small.input\n[blake3] input size = 4096\n[blake3] returned '
                      'Hash("ef89f54ce0c07e93d1b9cf7c9d102edea3539e56ee41f550be7ab88f3dfb6221")\n'),
    "blind-sig": ("835F2D15A3D17F41D69F7CC87CE0DDCFFE36D8D7DF81621C60DF3E8749E50086\n", ""),
    "regex": ("", "[regex] matching default.input\n[regex] found 5 emails\n[regex] found 55 URIs\n"
              "[regex] found 0 IPs\n"),
}


@pytest.fixture(scope="module")
def bench_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("bench")
    (directory / "bench.c").write_text("void start(void) {}\nvoid end(void) {}\n")
    run(["gcc", "-shared", "-fPIC", "-o", directory / "libbench.so", directory / "bench.c"])
    return directory / "libbench.so"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rust_program_runs_as_under_wasmtime(name: str, bench_library: Path, tmp_path: Path) -> None:
    outcomes = {}
    for side, command in (("jitdebug", [*jitdebug_command(), f"--library={bench_library}"]),
                          ("wasmtime", [*oracle_command(), "--bench"])):
        work = tmp_path / side
        shutil.copytree(RUST / name, work)
        argv = [*command, "benchmark.wasm", "--dir=.", "--env=WASM_BENCH_USE_SMALL_WORKLOAD=1"]
        proc = subprocess.run(argv, cwd=work, capture_output=True, text=True, timeout=600,
                              env={**ENV, "PYTHONPATH": str(ROOT)})
        outcomes[side] = (proc.returncode, proc.stdout, proc.stderr)
    assert outcomes["jitdebug"] == outcomes["wasmtime"]
    code, stdout, stderr = outcomes["jitdebug"]
    first_line, expected_stderr = EXPECTED[name]
    assert code == 0
    assert stdout.startswith(first_line) and stderr == expected_stderr
