"""The differential corpus on Windows: every program in ``samples/corpus`` compiled by
``jitdebug compile --target x86_64-windows``, linked with the same generated C host (samples/corpus/harness.py)
by GNU ld (mingw gcc) and by lld-link, run under Wine, and compared call by call with wasmtime.

One compile, two links and two Wine processes per program; a trap reaches the host's trap hook, which
``longjmp``s to the next call — through the Wasm frames, so that unwinds them with their ``.pdata``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import wasmtime

from emitter.cli import main
from samples.corpus.harness import Call, Program, Value, corpus_programs, load_program, render_host, run_oracle

from .tools import run
from .windows_support import MINGW, lld_link, wine_process

PREFIX = "wasm_"
PROGRAMS = corpus_programs()


def _host_object(program: Program, wasm: bytes, work: Path, *, calls: tuple[Call, ...] | None = None,
                 trap_hook: bool = True) -> tuple[Path, Path]:
    """The Windows object of ``program`` (through the CLI) and its compiled C host."""
    obj = work / f"{program.name}.obj"
    header = work / f"{program.name}.h"
    assert main(["compile", str(program.path), "-o", str(obj), "--target", "x86_64-windows", "--header", str(header),
                 "--export-prefix", PREFIX]) == 0
    source = work / "host.c"
    source.write_text(render_host(program, wasm, header.name, export_prefix=PREFIX, calls=calls,
                                  trap_hook=trap_hook))
    host = work / "host.o"
    run([f"{MINGW}-gcc", "-std=c11", "-Wall", "-Werror", "-O1", "-c", source, "-o", host], cwd=work)
    return obj, host


def _wine(exe: Path) -> tuple[int, list[str], str]:
    proc = wine_process(exe, check=False)
    return proc.returncode, proc.stdout.replace("\r\n", "\n").splitlines(), proc.stderr.replace("\r\n", "\n")


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_corpus_program_under_wine_matches_wasmtime(path: Path, tmp_path: Path) -> None:
    program = load_program(path)
    wasm = bytes(wasmtime.wat2wasm(path.read_text()))
    expected, failures = run_oracle(program, wasm)
    assert not failures, f"{path.name}: the corpus's own assertions fail in wasmtime:\n" + "\n".join(failures)
    obj, host = _host_object(program, wasm, tmp_path)
    gnu = tmp_path / "gnu.exe"
    run([f"{MINGW}-gcc", "-o", gnu, host, obj], cwd=tmp_path)
    lld = lld_link(tmp_path, [host, obj], "lld.exe")
    for exe in (gnu, lld):
        status, got, stderr = _wine(exe)
        mismatches = [f"  wasmtime: {want}\n  wine:     {have}" for want, have in zip(expected, got, strict=False)
                      if want != have]
        assert status == 0 and got == expected, (
            f"{path.name} ({exe.name}): transcript differs from wasmtime\n" + "\n".join(mismatches)
            + f"\n  {len(expected)} lines expected, {len(got)} printed; exit {status}, stderr: {stderr.strip()}")


def test_default_trap_hook_reports_through_the_c_runtime_and_aborts(tmp_path: Path) -> None:
    """Without a host hook the object's own default (write + abort from msvcrt) prints wasmtime's message on
    stderr and ends the process the way abort() does on Windows (exit code 3)."""
    path = next(p for p in PROGRAMS if p.stem == "traps")
    program = load_program(path)
    wasm = bytes(wasmtime.wat2wasm(path.read_text()))
    div = next(c for c in program.calls if c.export == "div_zero" and c.args == (Value("i32", 0),))
    after = next(c for c in program.calls if c.export == "after")
    obj, host = _host_object(program, wasm, tmp_path, calls=(after, div, after), trap_hook=False)
    exe = tmp_path / "default_hook.exe"
    run([f"{MINGW}-gcc", "-o", exe, host, obj], cwd=tmp_path)
    oracle, _ = run_oracle(Program(program.path, program.name, (after, div)), wasm)
    status, got, stderr = _wine(exe)
    assert status == 3 and got == [oracle[0]], (status, got, stderr)
    assert stderr.startswith(f"wasm trap: {oracle[1].split(' trap: ', 1)[1]}\n"), stderr
