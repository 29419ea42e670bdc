"""Guard-region traps under GDB and LLDB with the plugins (``gdbplugin/guards.py``, ``lldbplugin/guards.py``): a
load out of bounds faults in the guard pages, and the program goes on into the trap's report without a stop or a
signal message; a breakpoint on the trap hook still stops there, with the faulting Wasm frame at its offset and
line; a real crash of the host (a segfault outside Wasm code, after a guard trap) still stops at the faulting
instruction as without the plugin."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.tools import ROOT, run

WAT = """(module $oob (memory 1)
  (func $leaf (param i32) (result i32) local.get 0 i32.load offset=4)
  (func (export "f") (param i32) (result i32) local.get 0 call $leaf))
"""

#: The trap's last line goes to a file, not stdout: LLDB relays the program's output as it reads it, so a line may
#: come out in two pieces around its own stop report.
CRASH = """import ctypes, pathlib, sys
from emitter.jit import compile_wasm
with compile_wasm(sys.argv[1], listing_dir=sys.argv[2]).instantiate({}) as instance:
    try:
        instance.exports["f"](0xFFFFFFF0)
    except Exception as trap:
        (pathlib.Path(sys.argv[2]) / "trapped.txt").write_text(str(trap).splitlines()[-1])
    ctypes.string_at(16)
"""

REPORT = ("error while executing at wasm backtrace:\n    0:     0x28 - oob!leaf\n    1:     0x30 - oob!<wasm "
          "function 1>\n\nCaused by:\n    0: memory fault at wasm address 0x10002 in linear memory of size "
          "0x10000\n    1: wasm trap: out of bounds memory access\n")

#: Per debugger: batch options, a pending breakpoint on the trap hook, a backtrace of three frames.
COMMANDS = {
    "gdb": (["-batch"], ["-ex", "set breakpoint pending on", "-ex", "break jitdebug_trap"], ["-ex", "bt 3"]),
    "lldb": (["-b"], ["-o", "breakpoint set -n jitdebug_trap"], ["-o", "bt 3"]),
}


def _debug(debugger: str, before: list[str], after: list[str], program: list[str]) -> str:
    """``jitdebug gdb|lldb`` in batch mode: the commands ``before`` the run, the run, the commands ``after``."""
    batch = COMMANDS[debugger][0]
    run_command = ["-ex", "run"] if debugger == "gdb" else ["-o", "run"]
    result = run([sys.executable, "-m", "emitter.cli", debugger, *batch, *before, *run_command, *after, "--",
                  *program], cwd=ROOT, check=False, timeout=300)
    return result.stdout + result.stderr


@pytest.fixture
def module(tmp_path: Path) -> Path:
    source = tmp_path / "oob.wat"
    source.write_text(WAT)
    return source


@pytest.mark.parametrize("debugger", ["gdb", "lldb"])
def test_guard_fault_reaches_the_trap_report_without_a_stop(debugger: str, module: Path) -> None:
    out = _debug(debugger, [], [], ["jitdebug", "run", "-C", "cache=n", str(module), "--invoke", "f", "65534"])
    assert REPORT in out
    # No stop and no message for the fault (other signals, such as a worker process's SIGCHLD, may be noted).
    assert "SIGSEGV" not in out and "stop reason" not in out and "Program received" not in out, out


@pytest.mark.parametrize("debugger", ["gdb", "lldb"])
def test_breakpoint_on_the_trap_hook_stops_in_the_faulting_frame(debugger: str, module: Path) -> None:
    _, pending, backtrace = COMMANDS[debugger]
    out = _debug(debugger, pending, backtrace,
                 ["jitdebug", "run", "-C", "cache=n", str(module), "--invoke", "f", "65534"])
    assert "SIGSEGV" not in out
    frames = [line for line in out.splitlines() if "frame #" in line or line.startswith("#")][-3:]  # bt 3
    assert "jitdebug_trap" in frames[0] and "code=12" in frames[0], out
    if debugger == "gdb":
        assert "oob!leaf [wasm 0x28] (param0=65534) at oob.wat.lst:5" in frames[1], out
        assert "oob!<wasm function 1> [wasm 0x30] (param0=65534) at oob.wat.lst:10" in frames[2], out
    else:
        assert "`leaf(param0=65534) at oob.wat.lst:5" in frames[1], out
        assert "(param0=65534) at oob.wat.lst:10" in frames[2], out


@pytest.mark.parametrize("debugger", ["gdb", "lldb"])
def test_a_host_crash_still_stops_after_a_guard_trap(debugger: str, module: Path, tmp_path: Path) -> None:
    script = tmp_path / "crash.py"
    script.write_text(CRASH)
    _, _, backtrace = COMMANDS[debugger]
    out = _debug(debugger, [], backtrace, [str(script), str(module), str(tmp_path)])
    assert (tmp_path / "trapped.txt").read_text() == "    1: wasm trap: out of bounds memory access", out
    if debugger == "gdb":
        assert "Program received signal SIGSEGV, Segmentation fault." in out, out
        assert "#0  __strlen" in out, out
    else:
        assert "stop reason = signal SIGSEGV: address not mapped to object (fault address: 0x10)" in out, out
        assert "`__strlen" in out, out
