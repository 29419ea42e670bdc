"""Debugger transcripts of a real C program, its Wasm build under ``jitdebug gdb``/``jitdebug lldb`` against its
native build under plain gdb/lldb-19, reduced to what must be equal (``tests/test_cdebug_lua.py``,
``tests/test_cdebug_sqlite.py``).

Taken out on both sides: addresses, columns (gcc and clang place them differently), the Wasm frames' ``[wasm
0x…]`` tags and module names, the frames below ``main`` (the Wasm build's go on into wasi-libc's start and the
host), the process's name and id, lldb's source listings (their column carets). Normalised: clang's Wasm names of
``main`` (``__main_argc_argv``; gdb names a parameterless one ``__original_main``), and a C function pointer,
which lldb names ``(prog`f at x.c:l:c)`` natively and ``(JIT(0x…)`f at x.c:l)`` in the JIT image (lldb's name for
an in-memory object; its entry row has no column): the function named must be the same.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.tools import ENV, ROOT

_MAIN = re.compile(r"\b(?:__main_argc_argv|__original_main)\b")


def normalise(line: str) -> str:
    line = re.sub(r"\((?:\w+|JIT\(0x[0-9a-f]+\))`(\w+) at [\w.]+:\d+(?::\d+)?\)", r"<\1>", line)
    line = re.sub(r"0x[0-9a-f]+( <[^>]*>)?", "ADDR", line)
    line = re.sub(r"\b[\w.-]+\.wasm!", "", line)
    line = _MAIN.sub("main", line)
    line = re.sub(r" \[wasm ADDR\]", "", line)
    return re.sub(r"(\.c:\d+):\d+", r"\1", line)


def gdb_transcript(out: str) -> list[str]:
    """From the first stop on: the stops, frames up to ``main``, values, ``finish``."""
    lines = out[out.index("\nBreakpoint 1, "):].splitlines()[1:]
    kept: list[str] = []
    in_main = False
    for line in lines:
        if line.startswith("#"):
            if line.startswith("#0 "):
                in_main = False
            if in_main:
                continue
            in_main = " main (" in normalise(line)
        elif line.startswith("["):  # libthread_db's messages
            continue
        kept.append(normalise(line))
    return kept


_LLDB_FRAME = re.compile(r"\s*\*? *frame #(\d+): 0x[0-9a-f]+ [^`]+`(.*)")
#: lldb's lines that differ by nature: the process's id, a source listing line (`->  12  code`, `   12  code`)
#: and the column caret under it.
#: Also lldb's notice that a pending breakpoint resolved in a JIT image registered at run time: a native build has
#: none, and lldb prints it asynchronously, before or after the first stop's report.
_LLDB_SKIPPED = re.compile(r"Process \d+ |(?:->| {3}) *\d+\t|\s+\t *\^$|\d+ locations? added to breakpoint \d+$")


def lldb_transcript(out: str, *, values_only: bool = True) -> list[str]:
    """From the first stop on: frames up to ``main`` and values (``(type) name = …``, ``Return value: …``, source
    lines); with ``values_only`` False, every other line too (echoed commands, struct members, stop reasons),
    but for what differs by nature (``_LLDB_SKIPPED``, the thread's name)."""
    kept: list[str] = []
    in_main = False
    for line in out[out.index("stop reason = breakpoint 1.1"):].splitlines():
        frame = _LLDB_FRAME.match(line)
        if frame:
            if frame[1] == "0":
                in_main = False
            if not in_main:
                kept.append(normalise(frame[2]))
                in_main = re.match(r"main\b", _MAIN.sub("main", frame[2])) is not None
        elif values_only:
            if line.startswith(("(", "Return value:", "-> ")) and not line.startswith("(lldb)"):
                kept.append(normalise(line))
        elif not _LLDB_SKIPPED.match(line) and line.strip():
            kept.append(normalise(re.sub(r"thread #1, name = '[^']*'", "thread #1", line)))
    return kept


def run_interleaved(argv: list[str | Path], cwd: Path, timeout: float = 300,
                    env: dict[str, str] | None = None) -> str:
    """stdout and stderr as the terminal shows them, interleaved (``env``: more environment variables)."""
    proc = subprocess.run([str(a) for a in argv], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=timeout, env={**ENV, "PYTHONPATH": str(ROOT), **(env or {})})
    return proc.stdout


def jit_debugger(debugger: str, options: list[str], run_args: list[str | Path]) -> list[str | Path]:
    """``jitdebug DEBUGGER OPTIONS -- jitdebug run RUN_ARGS``."""
    return [sys.executable, "-m", "emitter.cli", debugger, *options, "--", "jitdebug", "run", *run_args]
