"""The differential corpus: every program in ``samples/corpus`` compiled AOT by ``jitdebug compile``, linked
with a generated C host by gcc, run, and compared call by call with wasmtime on the same inputs.

One compile, one link and one process per program; a trap is reported by the host's trap hook, which longjmps
to the next call. The object's own default hook (print, abort) is exercised separately.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
import wasmtime

from emitter.cli import main
from samples.corpus.harness import (
    Call,
    Program,
    Value,
    corpus_programs,
    export_signatures,
    load_program,
    render_host,
    run_oracle,
)
from tests.tools import run

PREFIX = "wasm_"
PROGRAMS = corpus_programs()


def _build(program: Program, wasm: bytes, tmp_path: Path, *, calls: tuple[Call, ...] | None = None,
           trap_hook: bool = True) -> Path:
    obj = tmp_path / f"{program.name}.o"
    header = tmp_path / f"{program.name}.h"
    status = main(["compile", str(program.path), "-o", str(obj), "--header", str(header), "--export-prefix", PREFIX])
    assert status == 0
    host = tmp_path / "host.c"
    host.write_text(render_host(program, wasm, header.name, export_prefix=PREFIX, calls=calls, trap_hook=trap_hook))
    exe = tmp_path / "host"
    run(["gcc", "-std=c11", "-Wall", "-Werror", "-O1", "-o", exe, host, obj, "-lm"], cwd=tmp_path)
    return exe


def _describe(program: Program, expected: list[str], got: list[str]) -> str:
    """Each differing transcript line with the call that produced it (module, function, inputs)."""
    lines = [f"{program.name}: AOT transcript differs from wasmtime"]
    calls = {str(i): c for i, c in enumerate(program.calls)}
    for index in range(max(len(expected), len(got))):
        want = expected[index] if index < len(expected) else "<nothing>"
        have = got[index] if index < len(got) else "<nothing>"
        if want != have:
            call = calls.get(want.split(" ", 1)[0])
            where = ""
            if call is not None:
                args = " ".join(a.text for a in call.args)
                where = f" [line {call.line}: {call.export}({args})]"
            lines.append(f"  wasmtime: {want}\n  aot:      {have}{where}")
    return "\n".join(lines)


def test_corpus_is_broad() -> None:
    """Every export of every corpus module is called at least once (an uncalled export proves nothing)."""
    assert len(PROGRAMS) >= 25
    for path in PROGRAMS:
        program = load_program(path)
        called = {c.export for c in program.calls}
        exported = set(export_signatures(wasmtime.wat2wasm(path.read_text())))
        assert exported <= called, f"{path.name}: never called: {sorted(exported - called)}"


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_corpus_program_matches_wasmtime(path: Path, tmp_path: Path) -> None:
    program = load_program(path)
    wasm = wasmtime.wat2wasm(path.read_text())
    expected, failures = run_oracle(program, wasm)
    assert not failures, f"{path.name}: the corpus's own assertions fail in wasmtime:\n" + "\n".join(failures)
    exe = _build(program, wasm, tmp_path)
    proc = run([exe], cwd=tmp_path, check=False, timeout=60)
    got = proc.stdout.splitlines()
    assert proc.returncode == 0 and got == expected, (
        _describe(program, expected, got) + f"\n  exit {proc.returncode}, stderr: {proc.stderr.strip()}")


def test_default_trap_hook_prints_wasmtime_message_and_aborts(tmp_path: Path) -> None:
    """Without a host hook the object's weak default reports the trap as wasmtime words it and aborts."""
    path = next(p for p in PROGRAMS if p.stem == "traps")
    program = load_program(path)
    wasm = wasmtime.wat2wasm(path.read_text())
    div = next(c for c in program.calls if c.export == "div_zero" and c.args == (Value("i32", 0),))
    after = next(c for c in program.calls if c.export == "after")
    exe = _build(program, wasm, tmp_path, calls=(after, div, after), trap_hook=False)
    proc = run([exe], cwd=tmp_path, check=False)
    oracle, _ = run_oracle(Program(program.path, program.name, (after, div)), wasm)
    message = oracle[1].split(" trap: ", 1)[1]
    assert proc.returncode == -signal.SIGABRT
    assert proc.stdout.splitlines() == [oracle[0]]
    assert proc.stderr == f"wasm trap: {message}\n"
