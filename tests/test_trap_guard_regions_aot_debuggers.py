"""Guard-region traps of an AOT program under GDB and LLDB (``emitter/codegen/aot_guards.py``): with the plugins a
guard fault goes on into the trap's report without a stop or a signal message (GDB through the object's weak
``jitdebug_guard_armed``/``jitdebug_guard_unhandled``, LLDB's stop hook through the object's ``jitdebug_guards``
record), a breakpoint on the host's trap hook stops with the faulting Wasm frame, and a crash of the host still
stops where it faults. And the object's signal handler, its restorer and its installation have exact call-frame
information: stepped one instruction at a time through them (a guard fault, resumed at its stub; a host fault,
chained to the default action; the first call's ``rt_sigaction``), every backtrace reaches ``main``, through the
signal frame into the interrupted function, in both debuggers, with and without the plugins."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import wasmtime

from tests.native_debug import in_gdb, in_lldb
from tests.test_trap_guard_regions_aot import TRAP_HOOK, compile_object
from tests.tools import ROOT, run

RUNTIME = ROOT / "emitter" / "runtime"
WAT = """(module $m (memory 1)
  (func $leaf (param i32) (result i32) local.get 0 i32.load offset=16)
  (func (export "load") (param i32) (result i32) local.get 0 call $leaf))
"""
HOST = """#include <setjmp.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include "m.h"
#include "jitdebug_eh.h"
#define SEPARATOR "-- end --"
{hook}
int main(int argc, char **argv) {{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (!sigsetjmp(back, 1)) printf("%d\\n", m_load((int32_t)strtoul(argv[1], NULL, 0)));
{crash}
    return 0;
}}
"""


def _wasmtime_report() -> str:
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, WAT), [])
    with pytest.raises(wasmtime.Trap) as trap:
        instance.exports(store)["load"](store, 0xFFF0)  # type: ignore[operator]
    return str(trap.value)


REPORT = _wasmtime_report()
CRASH_LINE = "    if (argc > 2) *(volatile int *)(uintptr_t)argc = 1;  /* the host's own crash */"


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("aot-guards")
    source = directory / "m.wat"
    source.write_text(WAT)
    compile_object(source, directory / "m.o", prefix="m_")
    (directory / "host.c").write_text(HOST.format(hook=TRAP_HOOK, crash=CRASH_LINE))
    exe = directory / "host"
    run(["gcc", "-g", "-O0", "-I", RUNTIME, "-I", directory, "-o", exe, directory / "host.c", directory / "m.o",
         RUNTIME / "jitdebug_eh.c"])
    return exe


def _plugin(debugger: str, commands: list[str], *program: str) -> str:
    flag, batch = ("-ex", "-batch") if debugger == "gdb" else ("-o", "-b")
    arguments = [batch]
    for command in commands:
        arguments += [flag, command]
    result = run([sys.executable, "-m", "emitter.cli", debugger, *arguments, "--", *program], cwd=ROOT, check=False,
                 timeout=300)
    return result.stdout + result.stderr


@pytest.mark.parametrize("debugger", ["gdb", "lldb"])
def test_aot_guard_fault_reaches_the_trap_report_without_a_stop(debugger: str, host: Path) -> None:
    out = _plugin(debugger, ["run"], str(host), "0xfff0")
    assert REPORT in out, out
    assert "SIGSEGV" not in out and "stop reason" not in out and "Program received" not in out, out


@pytest.mark.parametrize("debugger", ["gdb", "lldb"])
def test_aot_breakpoint_on_the_trap_hook_stops_in_the_faulting_frame(debugger: str, host: Path) -> None:
    commands = (["break jitdebug_trap", "run", "bt 2"] if debugger == "gdb"
                else ["breakpoint set -n jitdebug_trap", "run", "bt 2"])
    out = _plugin(debugger, commands, str(host), "0xfff0")
    assert "SIGSEGV" not in out, out
    frames = [line for line in out.splitlines() if "frame #" in line or line.startswith("#")][-2:]
    assert "jitdebug_trap" in frames[0] and "code=12" in frames[0], out
    assert "(param0=65520) at m.wat.lst:5" in frames[1], out


@pytest.mark.parametrize("debugger", ["gdb", "lldb"])
def test_aot_host_crash_still_stops_after_a_guard_trap(debugger: str, host: Path) -> None:
    out = _plugin(debugger, ["run", "bt 1"], str(host), "0xfff0", "crash")
    assert REPORT in out, out
    if debugger == "gdb":
        assert "Program received signal SIGSEGV, Segmentation fault." in out, out
    else:
        assert "stop reason = signal SIGSEGV: address not mapped to object (fault address: 0x3)" in out, out
    line = HOST.format(hook=TRAP_HOOK, crash=CRASH_LINE).splitlines().index(CRASH_LINE) + 1
    assert f"host.c:{line}" in out, out


GDB_STEPPER = """
import gdb
gdb.execute("set pagination off")
gdb.execute("handle SIGSEGV nostop noprint pass")
gdb.execute(f"break {BREAK}")
gdb.execute("run")
steps, bad = 0, []
while gdb.newest_frame().name() in OURS:
    names, frame = [], gdb.newest_frame()
    while frame is not None:
        names.append("<signal>" if frame.type() == gdb.SIGTRAMP_FRAME else frame.name())
        frame = frame.older()
    mark = MARK.replace("m.guard_restorer", "<signal>")
    if mark not in names or names[names.index(mark) + 1:][:1] != [NEXT] or "main" not in names:
        bad.append((hex(gdb.newest_frame().pc()), names))
    steps += 1
    gdb.execute("stepi", to_string=True)
print("RESULT", steps, bad, gdb.newest_frame().name())
"""

LLDB_STEPPER = """
import lldb, os

def __lldb_init_module(debugger, _dict):
    debugger.SetAsync(False)
    result = lldb.SBCommandReturnObject()
    debugger.GetCommandInterpreter().HandleCommand("process handle SIGSEGV -s false -p true -n false", result)
    target = debugger.GetSelectedTarget()
    target.BreakpointCreateByName(BREAK)
    process = target.LaunchSimple(ARGUMENTS, None, os.getcwd())
    steps, bad = 0, []
    thread = process.GetSelectedThread()
    while thread.GetFrameAtIndex(0).GetSymbol().GetName() in OURS:
        names = [thread.GetFrameAtIndex(k).GetSymbol().GetName() for k in range(thread.GetNumFrames())]
        if MARK not in names or names[names.index(MARK) + 1:][:1] != [NEXT] or "main" not in names:
            bad.append((hex(thread.GetFrameAtIndex(0).GetPC()), names))
        steps += 1
        thread.StepInstruction(False)
    print("RESULT", steps, bad, thread.GetFrameAtIndex(0).GetSymbol().GetName())
    process.Kill()
"""

#: The program's arguments, where stepping starts, the functions stepped through, and the frame that must follow
#: the mark in every backtrace (the restorer, GDB's ``<signal handler called>``: the function the signal
#: interrupted), where the thread goes on after them (a guard fault: the stub in the same function; a host fault:
#: the faulting instruction again; the installation: back in the instantiation).
HANDLER = ("m.guard_handler", "m.guard_restorer", "jitdebug_guard_unhandled")
CASES = {"guard_fault": (["0xfff0"], "m.guard_handler", HANDLER, "m.guard_restorer", "leaf"),
         "host_fault": (["0x10", "crash"], "m.guard_handler", HANDLER, "m.guard_restorer", "main"),
         "install": (["0x10"], "m.guard_install", ("m.guard_install", "jitdebug_guard_armed"), "m.guard_install",
                     "m.instantiate")}


@pytest.mark.parametrize("plugins", [False, True], ids=["plain", "plugins"])
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("debugger", ["gdb", "lldb"])
def test_every_instruction_of_the_handler_and_its_installation_unwinds(debugger: str, case: str, plugins: bool,
                                                                       host: Path, tmp_path: Path) -> None:
    arguments, start, ours, mark, after = CASES[case]
    launcher = [sys.executable, "-m", "emitter.cli", debugger] if plugins else [debugger if debugger == "gdb"
                                                                                 else "lldb-19"]
    settings = f"BREAK = {start!r}\nOURS = {ours!r}\nMARK = {mark!r}\nNEXT = {after!r}\nARGUMENTS = {arguments!r}\n"
    if debugger == "gdb":
        script = tmp_path / "step.py"
        script.write_text(settings + GDB_STEPPER)
        options = ["-batch", "-x", script, "--"] if plugins else ["-nx", "-batch", "-x", script, "--args"]
        out = run([*launcher, *options, host, *arguments], cwd=ROOT, check=False).stdout
    else:
        script = tmp_path / "step_lldb.py"
        script.write_text(settings + LLDB_STEPPER)
        out = run([*launcher, "-b", "-o", f"command script import {script}", "--", host], cwd=ROOT,
                  check=False).stdout
    line = next((line for line in out.splitlines() if line.startswith("RESULT")), out)
    steps, bad, now = line.removeprefix("RESULT ").split(" ", 1)[0], line.split(" [", 1)[-1], line.rsplit(" ", 1)[-1]
    assert int(steps) > 20 and bad.startswith("]"), line
    assert now == after, line


def test_a_guard_traps_core_file_shows_the_faulting_wasm_frame(host: Path, tmp_path: Path) -> None:
    """With the core runtime linked, the trap the handler resumed writes its core from the stub's frame, as an
    explicit check's: gdb and lldb open it at the faulting access, and the 4 GiB reservation is not in it."""
    directory = host.parent
    program = tmp_path / "host-core"
    run(["gcc", "-g", "-O0", "-I", RUNTIME, "-I", directory, "-o", program, directory / "host.c", directory / "m.o",
         RUNTIME / "jitdebug_eh.c", RUNTIME / "jitdebug_core.c"])
    core = tmp_path / "guard.core"
    result = run([program, "0xfff0"], env={"JITDEBUG_COREDUMP": str(core)})
    assert result.stdout.startswith(REPORT) and f"core dumped at {core}\n" in result.stderr, result
    assert core.stat().st_size < 1 << 20
    gdb = in_gdb(["bt"], [program], core=core)
    offset = re.search(r"(0x[0-9a-f]+) - m!leaf", REPORT)
    assert offset is not None
    assert re.search(rf"#\d+ .*m!leaf \[wasm {offset[1]}\] \(param0=65520\) at m\.wat\.lst:5", gdb), gdb
    assert re.search(r"#\d+ .* main \(.*\) at .*host\.c:\d+", gdb), gdb
    lldb = in_lldb(["bt"], [program], core=core)
    assert "`leaf(param0=65520) at m.wat.lst:5" in lldb, lldb
