"""Foundation acceptance, part 2: GDB and LLDB without plugins show every generated function by name and line,
its parameters and locals with their values, and unwind to ``main`` from every instruction."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from emitter.lower import write_object
from tests.test_foundation_build import CHAIN, DATA, FUNCTIONS, VALUES, Chain, build_chain
from tests.tools import run, tool

GDB = ["gdb", "-batch", "-nx", "-ex", "set disable-randomization off", "-ex", "set debuginfod enabled off"]


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> tuple[Chain, Path]:
    directory = tmp_path_factory.mktemp("foundation-debuggers")
    chain = build_chain(directory)
    obj = directory / "chain.o"
    write_object(chain.module, obj)
    exe = directory / "backtrace"
    run(["gcc", "-g", "-O0", "-fPIE", "-pie", "-o", exe, DATA / "backtrace.c", obj])
    return chain, exe


def _frame_commands(select: str, show: list[str]) -> list[str]:
    commands = []
    for level in range(1, len(CHAIN) + 1):
        commands += [select.format(level), *show]
    return commands


def test_gdb_backtrace_lines_and_locals(program: tuple[Chain, Path]) -> None:
    chain, exe = program
    commands = ["break jd_callback", "run", "bt", *_frame_commands("frame {}", ["info args", "info locals"])]
    proc = run([*GDB, *[a for c in commands for a in ("-ex", c)], exe])
    assert "warning" not in proc.stderr.lower(), proc.stderr
    frames = re.findall(r"^#(\d+)\s+0x[0-9a-f]+ in (\w+) \(([^)]*)\) at (\S+):(\d+)$", proc.stdout, re.M)
    deepest_first = list(reversed(CHAIN))
    assert [f[1] for f in frames[: len(CHAIN) + 1]] == [*deepest_first, "main"], proc.stdout
    for (_, name, args, file, line), expected in zip(frames, deepest_first, strict=False):
        assert file.endswith("chain.s") and int(line) == chain.call_line(expected), (name, file, line)
        assert args == f"x={VALUES[name][0]}"
    # After each "frame N": the source line, then "x = .." (info args) and "y = .." (info locals).
    shown = re.findall(r"^x = (-?\d+)\ny = (-?\d+)$", proc.stdout, re.M)
    assert [(int(x), int(y)) for x, y in shown] == [VALUES[name] for name in deepest_first], proc.stdout


def test_lldb_backtrace_lines_and_variables(program: tuple[Chain, Path]) -> None:
    chain, exe = program
    commands = ["b jd_callback", "run", "bt", *_frame_commands("frame select {}", ["frame variable"])]
    proc = run(["lldb-19", "-b", *[a for c in commands for a in ("-o", c)], "-k", "quit 0", "--", exe])
    backtrace = proc.stdout.split("(lldb) bt\n")[1].split("(lldb)")[0]
    frames = re.findall(r"frame #(\d+): 0x[0-9a-f]+ \w+`(\w+)\(([^)]*)\) at (\S+?):(\d+)", backtrace)
    deepest_first = list(reversed(CHAIN))
    names = [f[1] for f in frames]
    assert names[1 : len(CHAIN) + 2] == [*deepest_first, "main"], proc.stdout
    for (_, name, args, file, line), expected in zip(frames[1:], deepest_first, strict=False):
        assert file == "chain.s" and int(line) == chain.call_line(expected), (name, file, line)
        assert args == f"x={VALUES[name][0]}"
    shown = re.findall(r"^\(\w+\) x = (-?\d+)\n\(\w+\) y = (-?\d+)$", proc.stdout, re.M)
    assert [(int(x), int(y)) for x, y in shown] == [VALUES[name] for name in deepest_first], proc.stdout


# Single-step from the first instruction of jd_entry back to main; after every step print the frames' names.
_GDB_STEP = """
import gdb
gdb.execute("break *jd_entry")
gdb.execute("run")
while True:
    frame = gdb.newest_frame()
    names = []
    while frame is not None:
        names.append(frame.name() or "??")
        frame = frame.older()
    print("STEP %#x %s" % (gdb.newest_frame().pc(), " ".join(names)))
    if names[0] == "main":
        break
    gdb.execute("stepi", to_string=True)
"""

_LLDB_STEP = """
import os, sys
import lldb
debugger = lldb.SBDebugger.Create()
debugger.SetAsync(False)
debugger.HandleCommand("settings set target.skip-prologue false")
target = debugger.CreateTarget(sys.argv[1])
target.BreakpointCreateByName("jd_entry")
process = target.LaunchSimple(None, None, os.getcwd())
thread = process.GetSelectedThread()
while True:
    names = [f.GetFunctionName() or "??" for f in thread]
    print("STEP %#x %s" % (thread.GetFrameAtIndex(0).GetPC(), " ".join(names)), flush=True)
    if names[0] == "main":
        break
    thread.StepInstruction(False)
process.Kill()
"""


def _check_steps(output: str, chain: Chain) -> None:
    steps = re.findall(r"^STEP (0x[0-9a-f]+) (.*)$", output, re.M)
    visited = set()
    total = sum(len(instructions) for instructions in chain.instructions.values())
    for pc, names in steps:
        frames = names.split()
        current = frames[0]
        if current == "main":
            continue
        visited.add(current)
        # Every frame from the current one out must be exactly the call chain, then main.
        mine = frames[: frames.index("main")]
        if current in ("leaf", "jd_callback"):
            assert mine[0] == current, (pc, frames)
            mine = mine[1:]
        assert mine == list(reversed(CHAIN[: len(mine)])) and mine, (pc, frames)
        assert "??" not in frames, (pc, frames)
    assert visited >= set(FUNCTIONS) | {"jd_callback"}, visited
    # Every instruction on the executed path was stepped (the early-return path skips 5 of them).
    assert len(steps) > total - 5


def test_gdb_stepi_through_every_function_unwinds_to_main(program: tuple[Chain, Path], tmp_path: Path) -> None:
    chain, exe = program
    script = tmp_path / "step.py"
    script.write_text(_GDB_STEP)
    proc = run([*GDB, "-x", script, exe])
    assert "warning" not in proc.stderr.lower(), proc.stderr
    _check_steps(proc.stdout, chain)


def test_lldb_stepi_through_every_function_unwinds_to_main(program: tuple[Chain, Path], tmp_path: Path) -> None:
    chain, exe = program
    script = tmp_path / "step.py"
    script.write_text(_LLDB_STEP)
    lldb_path = run(["lldb-19", "-P"]).stdout.strip()
    env = {"PYTHONPATH": lldb_path, "LLDB_DEBUGSERVER_PATH": str(Path(tool("lldb-server-19")).resolve())}
    proc = run([sys.executable, script, exe], cwd=tmp_path, env={**os.environ, **env})
    _check_steps(proc.stdout, chain)
