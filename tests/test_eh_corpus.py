"""The exception-handling corpus (``samples/exceptions``) compiled AOT, linked with the exception runtime and a
generated C host, and compared call by call with wasmtime (``wasm_exceptions``) or, for the legacy form that
wasmtime 50 does not run, with wabt's ``spectest-interp``.

Every throw here goes through the system unwinder (libgcc's ``_Unwind_RaiseException``), our personality and
the LSDA in ``.gcc_except_table``: if any of them is wrong, a handler does not run and the transcript differs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.cli import main
from emitter.wasm.load import load_module
from samples.exceptions.harness import load_program, oracle_transcript, programs, render_host
from tests.tools import ROOT, run

RUNTIME = ROOT / "emitter" / "runtime"
PROGRAMS = programs()
PREFIX = "wasm_"


@pytest.fixture(scope="session")
def runtime_object(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("eh_runtime") / "jitdebug_eh.o"
    run(["gcc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-O2", "-c", "-o", out, RUNTIME / "jitdebug_eh.c"])
    return out


def test_corpus_covers_the_issue() -> None:
    """Nested try, rethrow across frames, payloads, catch_all, call_indirect, 1,000 frames, a throw from an
    import, uncaught exceptions, and the legacy form: each has its program."""
    names = {p.stem for p in PROGRAMS}
    assert {"nested_try", "payload", "indirect", "deep", "host_throw", "uncaught", "legacy_basic"} <= names
    for path in PROGRAMS:
        assert len(load_program(path).calls) >= 4, path.name


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_program_matches_oracle(path: Path, tmp_path: Path, runtime_object: Path) -> None:
    program = load_program(path)
    expected = oracle_transcript(program, tmp_path)
    assert len(expected) == len(program.calls), f"the oracle did not run every call: {expected}"
    wasm, _ = load_module(path)
    obj, header = tmp_path / f"{program.name}.o", tmp_path / f"{program.name}.h"
    assert main(["compile", str(path), "-o", str(obj), "--header", str(header), "--export-prefix", PREFIX]) == 0
    host = tmp_path / "host.c"
    host.write_text(render_host(program, wasm, header.name, export_prefix=PREFIX))
    exe = tmp_path / "host"
    run(["gcc", "-std=c11", "-O1", "-I", RUNTIME, "-o", exe, host, obj, runtime_object, "-lm"], cwd=tmp_path)
    proc = run([exe], cwd=tmp_path, check=False, timeout=60)
    got = proc.stdout.splitlines()
    diff = "\n".join(f"  oracle: {w}\n  aot:    {g}" for w, g in zip(expected, got, strict=False) if w != g)
    assert proc.returncode == 0 and got == expected, (
        f"{program.name}: AOT differs from the oracle\n{diff}\n  exit {proc.returncode}, stderr: {proc.stderr}")
