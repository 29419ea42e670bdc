"""A breakpoint by function name on Wasm code of a module that is freed and loaded again (its JIT image
unregistered, then a new one registered) must stop in the new code, in plain gdb 13, with the gdb plugin and in
lldb-19: whether set before ``run`` (pending) or after the first load. gdb keeps a freed JIT object file's
breakpoint location, believing its ``int3`` still inserted; a module loaded again at the same address got that
location back and never stopped (``Region.retire`` keeps freed code's addresses reserved under a debugger)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from emitter.debuggers import GDB_PLUGIN, LLDB_PLUGIN
from tests.tools import ROOT, run

WAT = """(module $m
  (func $stop_b (export "stop_b") (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.const 1)))
  (func $outer (export "outer") (param $x i32) (result i32)
    (call $stop_b (i32.mul (local.get $x) (i32.const 2)))))
"""

PROGRAM = """\
import sys
sys.path.insert(0, {root!r})
from emitter.jit import compile_wasm
module = compile_wasm(sys.argv[1])
for load in (1, 2):
    instance = module.instantiate({{}})
    print("load", load, "result", instance.exports["outer"](load), flush=True)
    instance.free()
"""


def program(directory: Path) -> list[str]:
    (directory / "m.wat").write_text(WAT)
    script = directory / "program.py"
    script.write_text(PROGRAM.format(root=str(ROOT)))
    return [str(Path(sys.executable)), str(script), str(directory / "m.wat")]


def check_output(out: str) -> None:
    assert "load 1 result 3" in out and "load 2 result 5" in out, out


def test_plain_gdb_stops_in_a_module_loaded_again(tmp_path: Path) -> None:
    argv = ["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on", "-ex", "break stop_b", "-ex", "run",
            "-ex", "continue", "-ex", "continue"]
    out = run([*argv, "--args", *program(tmp_path)], timeout=300).stdout
    check_output(out)
    assert re.findall(r"Breakpoint 1, stop_b \(x=(\d+)\)", out) == ["2", "4"], out


def test_plain_gdb_breakpoint_set_after_the_first_load(tmp_path: Path) -> None:
    # Stopped in the first load, the breakpoint is deleted and set again: resolved at once, on the loaded code.
    argv = ["gdb", "-nx", "-batch", "-ex", "set breakpoint pending on", "-ex", "break stop_b", "-ex", "run",
            "-ex", "delete", "-ex", "break stop_b", "-ex", "continue", "-ex", "continue"]
    out = run([*argv, "--args", *program(tmp_path)], timeout=300).stdout
    check_output(out)
    assert re.search(r"Breakpoint 1, stop_b \(x=2\)", out), out
    assert re.search(r"Breakpoint 2 at 0x[0-9a-f]+: file m\.wat\.lst", out), out
    assert re.findall(r"Breakpoint 2, stop_b \(x=(\d+)\)", out) == ["4"], out


def test_gdb_plugin_stops_in_a_module_loaded_again(tmp_path: Path) -> None:
    argv = ["gdb", "-nx", "-batch", "-iex", f"source {GDB_PLUGIN}", "-ex", "set breakpoint pending on",
            "-ex", "break stop_b", "-ex", "run", "-ex", "continue", "-ex", "continue"]
    out = run([*argv, "--args", *program(tmp_path)], timeout=300).stdout
    check_output(out)
    assert re.findall(r"Breakpoint 1, stop_b \(x=(\d+)\)", out) == ["2", "4"], out


def test_lldb_stops_in_a_module_loaded_again(tmp_path: Path) -> None:
    for plugin in ([], ["-O", f"command script import {LLDB_PLUGIN}"]):
        argv = ["lldb-19", "-b", *plugin, "-o", "breakpoint set -n stop_b", "-o", "run", "-o", "frame variable",
                "-o", "continue", "-o", "frame variable", "-o", "continue"]
        out = run([*argv, "-k", "quit 1", "--", *program(tmp_path)], timeout=300).stdout
        check_output(out)
        assert len(re.findall(r"stop reason = breakpoint 1\.", out)) == 2, out
        assert re.findall(r"\((?:i32|int)\) x = (\d+)", out) == ["2", "4"], out
        assert "exited with status = 0" in out, out
