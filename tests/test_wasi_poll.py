"""``poll_oneoff`` on the standard streams, JIT and AOT against wasmtime-py: stdin's read readiness with stdin a
pipe holding data, a pipe closed empty (end of file: readable, no hang-up flag, as wasmtime reports it), a pipe
held open with nothing in it (the clock fires; data written afterwards is read), ``/dev/null`` and a regular file;
stdout and stderr always write-ready, reported alone as wasmtime does when a read is also asked for.
``tests/data/wasi/poll_stdio.c`` prints every event (userdata, error, type, nbytes, flags)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.tools import ENV, ROOT
from tests.wasi_support import CORPUS, build_aot, build_wasi, jitdebug_command, oracle_command

MODES = ["data", "closed-empty", "held-open", "devnull", "file"]


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    where = tmp_path_factory.mktemp("poll_stdio")
    module = build_wasi(CORPUS / "poll_stdio.c", where / "poll_stdio.wasm", extra=("-w",))
    return module, build_aot(module, where / "poll_stdio")


def _run(argv: list[str], mode: str, tmp_path: Path) -> tuple[str, int]:
    env = {**ENV, "PYTHONPATH": str(ROOT)}
    if mode in ("data", "closed-empty"):
        proc = subprocess.run(argv, input="hello\n" if mode == "data" else "", capture_output=True, text=True,
                              env=env, timeout=120)
        return proc.stdout, proc.returncode
    if mode in ("devnull", "file"):
        source = tmp_path / "stdin.txt"
        source.write_text("from a file\n")
        with open(os.devnull if mode == "devnull" else source) as stdin:
            proc = subprocess.run(argv, stdin=stdin, capture_output=True, text=True, env=env, timeout=120)
        return proc.stdout, proc.returncode
    # Held open: write only once the program has seen its clock fire (it flushes every event it prints).
    read_end, write_end = os.pipe()
    with subprocess.Popen(argv, stdin=read_end, stdout=subprocess.PIPE, text=True, env=env) as proc:
        os.close(read_end)
        assert proc.stdout is not None
        lines = []
        while not lines or not lines[-1].startswith("  userdata=2 "):  # the clock's event of the second poll
            line = proc.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        os.write(write_end, b"late\n")
        os.close(write_end)
        rest = proc.stdout.read()
        return "".join(lines) + rest, proc.wait(timeout=120)


@pytest.mark.parametrize("mode", MODES)
def test_poll_on_stdio_as_in_wasmtime(mode: str, programs: tuple[Path, Path], tmp_path: Path) -> None:
    module, executable = programs
    theirs = _run([*oracle_command(), str(module)], mode, tmp_path)
    assert theirs[1] == 0
    assert "stdin and stdout: r=0 events=1\n  userdata=6 " in theirs[0]  # what the test is about: non-vacuous
    assert _run([*jitdebug_command(), str(module)], mode, tmp_path) == theirs
    assert _run([str(executable), f"--argv0={module}"], mode, tmp_path) == theirs
