"""Debugging real WASI programs: a wasi-libc C program built with ``clang --target=wasm32-wasi -g`` (-O0 and -O1),
under ``jitdebug gdb -- jitdebug run prog.wasm`` and ``jitdebug lldb`` (and gdb on the AOT executable).

Transcripts of what a user does: ``break debugme.c:LINE``, ``run``, ``bt`` from the user's function through
``main``, ``__main_void`` and ``_start`` into the host (the JIT's ``invoke``), locals and struct fields,
``next``/``step``/``finish`` (with the returned value), ``wasm bt``; a breakpoint on the host's
``jitdebug_wasi_fd_write`` showing the Wasm frames above it (through the import's thunk); and ``proc_exit``
ending the debugged process with the program's status (``exit(42 % 5)``: 2).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import ENV, ROOT
from tests.wasi_support import CORPUS, build_aot, build_wasi

SOURCE = CORPUS / "debugme.c"


def _line(text: str) -> int:
    """The line of ``SOURCE`` holding ``text`` (the transcripts name lines by content, not by number)."""
    for number, line in enumerate(SOURCE.read_text().splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {SOURCE}")


IN_SCALE = _line("sum += p->y * factor;")
CALL_SCALE = _line("total += scale(&origin, i);")


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("wasi-debug")
    return {"O0": build_wasi(SOURCE, out / "debugme.wasm", opt="-O0"),
            "O1": build_wasi(SOURCE, out / "debugme1.wasm", opt="-O1")}


def _debug(debugger: str, options: list[str], program: list[str]) -> str:
    proc = subprocess.run([sys.executable, "-m", "emitter.cli", debugger, *options, "--", *program],
                          capture_output=True, text=True, timeout=300, env={**ENV, "PYTHONPATH": str(ROOT)})
    return proc.stdout + proc.stderr


def _frames(transcript: str, names: list[str]) -> None:
    """``names`` appear in this order in the transcript (a backtrace's frames, innermost first)."""
    at = 0
    for name in names:
        found = transcript.find(name, at)
        assert found >= 0, f"{name!r} missing after offset {at} in:\n{transcript}"
        at = found + len(name)


WASM_CHAIN = ["debugme.wasm!main", "debugme.wasm!__main_void", "debugme.wasm!__original_main", "debugme.wasm!_start"]


def test_gdb_session_at_o0(builds: dict[str, Path]) -> None:
    commands = ["set breakpoint pending on", f"break debugme.c:{CALL_SCALE}", "run", "info locals",
                "print origin.y", "step", "next", "info locals", "print *p", "print p->x", "bt", "finish",
                "wasm bt", "delete", "break jitdebug_wasi_fd_write", "continue", "bt", "wasm bt", "delete",
                "continue"]
    out = _debug("gdb", ["-batch", *[a for c in commands for a in ("-ex", c)]], ["jitdebug", "run", str(builds["O0"])])
    assert re.search(rf"Breakpoint 1, __main_argc_argv \(argc=1, argv=.*\) at \S*debugme.c:{CALL_SCALE}", out), out
    assert "origin = {x = 3, y = 4}" in out and "total = 0" in out and "i = 1" in out
    assert "$1 = 4" in out
    # The JIT reserves linear memory apart from the module's sections: no symbol names it (an AOT object's static
    # memory has one, ``<debugme_wasm[memory]+N>``).
    assert re.search(r"scale \(p=0x[0-9a-f]+( <debugme_wasm\[memory\]\+\d+>)?, factor=1\) at \S*debugme.c:11", out), out
    assert f"{IN_SCALE}\t  sum += p->y * factor;" in out
    assert "sum = 3" in out and "$2 = {x = 3, y = 4}" in out and "$3 = 3" in out
    backtrace = out[out.index("#0  debugme.wasm!scale"):]
    _frames(backtrace, ["#0  debugme.wasm!scale", "#1 ", "debugme.wasm!main", f"debugme.c:{CALL_SCALE}",
                        "debugme.wasm!__main_void", "debugme.wasm!__original_main", "debugme.wasm!_start",
                        "in invoke", "_native.c"])
    assert "Value returned is $4 = 7" in out
    wasm_bt = out[out.index("Value returned is $4 = 7"):]
    assert re.search(r"    0: +0x[0-9a-f]+ - debugme.wasm!main  \[#0\]", wasm_bt), wasm_bt
    host = out[out.index("jitdebug_wasi_fd_write (link="):]
    assert re.match(r"jitdebug_wasi_fd_write \(link=0x[0-9a-f]+ <debugme_wasm.wasi_link>, fd=1, ", host), host
    _frames(host, ["#0  jitdebug_wasi_fd_write", "#1 ", "fd_write", "#2 ", "debugme.wasm!__wasi_fd_write",
                   "debugme.wasm!printf", "debugme.wasm!main", *WASM_CHAIN[1:], "in invoke"])
    _frames(host, ["    0: ", "debugme.wasm!__wasi_fd_write  [#2]", "debugme.wasm!main"])
    assert "total 42 from " in out
    assert "[Inferior 1 (process" in out and "exited with code 02]" in out


def test_lldb_session_at_o0(builds: dict[str, Path]) -> None:
    commands = [f"breakpoint set -f debugme.c -l {CALL_SCALE}", "run", "frame variable", "p origin.y", "step",
                "next", "frame variable", "p *p", "bt", "finish", "wasm bt", "breakpoint delete -f",
                "breakpoint set -n jitdebug_wasi_fd_write", "continue", "bt", "wasm bt", "breakpoint delete -f",
                "continue"]
    out = _debug("lldb", ["-b", *[a for c in commands for a in ("-o", c)], "-k", "quit 0"],
                 ["jitdebug", "run", str(builds["O0"])])
    assert re.search(rf"`__main_argc_argv\(argc=1, argv=0x[0-9a-f]+\) at \S*debugme.c:{CALL_SCALE}", out), out
    assert "(point) origin = (x = 3, y = 4)" in out and "(int) total = 0" in out and "(int) i = 1" in out
    assert re.search(r"`scale\(p=0x[0-9a-f]+, factor=1\) at \S*debugme.c:11", out), out
    assert re.search(rf"`scale\(p=0x[0-9a-f]+, factor=1\) at \S*debugme.c:{IN_SCALE}", out), out
    assert "(int) sum = 3" in out and "(x = 3, y = 4)" in out
    backtrace = out[out.index("(lldb) bt"):]
    _frames(backtrace, ["frame #0:", "`scale(", "frame #1:", "`__main_argc_argv(", f"debugme.c:{CALL_SCALE}",
                        "`__main_void", "`__original_main", "`_start", "`invoke("])
    assert "Return value: (int) $" in out and "= 7" in out[out.index("Return value:"):][:40]
    host = out[out.index("stop reason = breakpoint 2.1"):]
    _frames(host, ["`jitdebug_wasi_fd_write(link=", "fd=1", "(lldb) bt", "`jitdebug_wasi_fd_write", "fd_write",
                   "`__wasi_fd_write", "`printf", "`__main_argc_argv", "`__main_void", "`_start", "`invoke("])
    _frames(host, ["(lldb) wasm bt", "debugme.wasm!__wasi_fd_write", "debugme.wasm!main"])
    assert "total 42 from " in out
    assert re.search(r"Process \d+ exited with status = 2", out), out


def test_gdb_at_o1(builds: dict[str, Path]) -> None:
    commands = ["set breakpoint pending on", f"break debugme.c:{IN_SCALE}", "run", "bt 7", "info args", "print *p",
                "finish", "delete", "continue"]
    out = _debug("gdb", ["-batch", *[a for c in commands for a in ("-ex", c)]], ["jitdebug", "run", str(builds["O1"])])
    assert re.search(rf"Breakpoint 1, scale \(p=0x[0-9a-f]+( <\S+>)?, factor=1\) at \S*debugme.c:{IN_SCALE}", out), out
    _frames(out, ["#0  debugme1.wasm!scale", "#1 ", "debugme1.wasm!main", "debugme1.wasm!__main_void",
                  "debugme1.wasm!__original_main", "debugme1.wasm!_start", "in invoke"])
    assert "factor = 1" in out and "= {x = 3, y = 4}" in out
    assert "Value returned is" in out and re.search(r"Value returned is \$\d+ = 7", out), out
    assert "exited with code 02]" in out


def test_lldb_at_o1(builds: dict[str, Path]) -> None:
    commands = [f"breakpoint set -f debugme.c -l {IN_SCALE}", "run", "bt 6", "p *p", "finish",
                "breakpoint delete -f", "continue"]
    out = _debug("lldb", ["-b", *[a for c in commands for a in ("-o", c)], "-k", "quit 0"],
                 ["jitdebug", "run", str(builds["O1"])])
    assert re.search(rf"`scale\(p=0x[0-9a-f]+, factor=1\) at \S*debugme.c:{IN_SCALE}", out), out
    _frames(out, ["frame #0:", "`scale(", "frame #1:", "`__main_argc_argv(", "`__main_void", "`_start"])
    assert "(x = 3, y = 4)" in out
    assert re.search(r"Return value: \(int\) \$\d+ = 7", out), out
    assert re.search(r"Process \d+ exited with status = 2", out), out


def test_gdb_on_the_aot_executable(builds: dict[str, Path], tmp_path: Path) -> None:
    executable = build_aot(builds["O0"], tmp_path / "debugme")
    commands = [f"break debugme.c:{IN_SCALE}", "run", "bt", "print *p", "delete", "break jitdebug_wasi_fd_write",
                "continue", "bt", "delete", "continue"]
    proc = subprocess.run(["gdb", "-nx", "-batch", *[a for c in commands for a in ("-ex", c)], "--args",
                           str(executable)], capture_output=True, text=True, timeout=300, env=ENV)
    out = proc.stdout + proc.stderr
    assert re.search(rf"Breakpoint 1, scale \(p=0x[0-9a-f]+( <\S+>)?, factor=1\) at .*debugme.c:{IN_SCALE}", out), out
    _frames(out, ["#0  scale", "#1 ", "main", "__main_void", "__original_main", "_start", "jitdebug_wasi_start",
                  "in main"])
    assert "= {x = 3, y = 4}" in out
    _frames(out, ["jitdebug_wasi_fd_write (link=", "#1 ", "fd_write", "__wasi_fd_write", "printf", "__main_void",
                  "in main"])
    assert "exited with code 02]" in out
