"""Helpers of the native-debugging tests (watchpoints, core files, reverse execution, DAP): run ``jitdebug gdb``
and ``jitdebug lldb`` in batch mode on a program, and the Wasm facts the transcripts are checked against, taken
from wabt (``wat2wasm``, ``wasm-objdump -d``) rather than from our own listing."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from tests.tools import ROOT, run

SAMPLES = ROOT / "samples" / "nativedebug"


def jitdebug_env() -> dict[str, str]:
    return {"PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}


def in_gdb(commands: list[str], program: list[str | Path], *, core: Path | None = None, timeout: float = 180) -> str:
    options = [part for command in commands for part in ("-ex", command)]
    argv: list[str | Path] = [sys.executable, "-m", "emitter.cli", "gdb", "-batch", *options]
    if core is not None:
        argv += ["-c", core]
    out = run([*argv, "--", *program], env=jitdebug_env(), timeout=timeout, check=False)
    return out.stdout + out.stderr


def in_lldb(commands: list[str], program: list[str | Path], *, core: Path | None = None, timeout: float = 180) -> str:
    """The commands from a file sourced with ``-e false``: in batch mode a failing ``-o`` command ends the batch,
    and the tests check the errors too."""
    with tempfile.NamedTemporaryFile("w", suffix=".lldb", delete=False) as script:
        script.write("".join(command + "\n" for command in commands))
    try:
        argv: list[str | Path] = [sys.executable, "-m", "emitter.cli", "lldb", "-b", "-o",
                                  f"command source -e false {script.name}", "-k", "quit 0"]
        if core is not None:
            argv += ["-c", core]
        out = run([*argv, "--", *program], env=jitdebug_env(), timeout=timeout, check=False)
    finally:
        os.unlink(script.name)
    return out.stdout + out.stderr


def wasm_instructions(wat: Path, tmp: Path, features: list[str] | None = None) -> list[tuple[int, str]]:
    """(module offset, instruction text) of every instruction, by wabt (``features``: its ``--enable-…`` flags)."""
    wasm = tmp / (wat.stem + ".wasm")
    run(["wat2wasm", "--debug-names", *(features or []), "-o", wasm, wat])
    text = run(["wasm-objdump", "-d", wasm]).stdout
    return [(int(m[1], 16), m[2].strip()) for m in re.finditer(r"^ ([0-9a-f]+):.*\| (.*)$", text, re.MULTILINE)]


def offsets_of(wat: Path, tmp: Path, text: str) -> list[int]:
    """The offsets of the instructions whose opcode is ``text``."""
    return [offset for offset, instruction in wasm_instructions(wat, tmp) if instruction.split()[0] == text]


def wasm_bt_frames(transcript: str) -> list[str]:
    """The frame lines of the last ``wasm bt`` of a transcript (``    N:   0xOFF - module!function  [#K]``)."""
    traces: list[list[str]] = []
    for line in transcript.splitlines():
        found = re.match(r"\s*(\d+): +0x[0-9a-f]+ - \S+  \[#\d+\]$", line)
        if found:
            if int(found[1]) == 0:
                traces.append([])
            traces[-1].append(line.strip())
    return traces[-1] if traces else []
