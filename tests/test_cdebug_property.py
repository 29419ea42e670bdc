"""Property: for random small C programs (``tests/cprogram_gen.py``), gdb and lldb on the Wasm build (clang-19
wasm32-wasi -O0, translated, AOT with the WASI runtime) stop at the same lines in the same functions, in the same
order, and print the same value for every initialised variable there (scalars of every width, a struct, an array,
through a pointer) as gdb and lldb on the same program built natively by gcc -O0.

A breakpoint is set on every statement line; each line's first three hits are recorded (loop bodies run three
times). The comparison is the whole sequence of stops: a line whose breakpoint resolved elsewhere, a frame
named differently, or one wrong value fails it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emitter.aot import compile_file
from tests.cprogram_gen import generate
from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

SEEDS = range(6)

_DRIVER = """
import gdb, json

stops = []

class Stop(gdb.Breakpoint):
    def __init__(self, line, expressions):
        super().__init__(f"prog.c:{line}")
        self.expressions, self.hits = expressions, 0

    def stop(self):
        self.hits += 1
        if self.hits <= 3:
            frame = gdb.selected_frame()
            values = []
            for expression in self.expressions:
                try:
                    values.append(gdb.parse_and_eval(expression).format_string())
                except gdb.error as error:
                    values.append("error: " + str(error))
            stops.append([frame.find_sal().line, frame.name(), values])
        return False

for line, expressions in LINES:
    Stop(line, expressions)
gdb.execute("run")
with open("stops.json", "w") as out:
    json.dump(stops, out)
"""


_LLDB_DRIVER = """
import json
import lldb

debugger = lldb.debugger
debugger.SetAsync(False)
target = debugger.CreateTarget("./prog")
expressions = {}
for line, wanted in LINES:
    expressions[target.BreakpointCreateByLocation("prog.c", line).GetID()] = wanted
process = target.LaunchSimple(None, None, ".")
stops, hits = [], {}
while process.GetState() == lldb.eStateStopped:
    thread = process.GetSelectedThread()
    if thread.GetStopReason() != lldb.eStopReasonBreakpoint:
        break
    breakpoint = thread.GetStopReasonDataAtIndex(0)
    hits[breakpoint] = hits.get(breakpoint, 0) + 1
    if hits[breakpoint] == 3:
        target.FindBreakpointByID(breakpoint).SetEnabled(False)
    frame = thread.GetFrameAtIndex(0)
    values = [str(frame.GetValueForVariablePath(expression)) for expression in expressions[breakpoint]]
    stops.append([frame.GetLineEntry().GetLine(), frame.GetFunctionName(), values])
    process.Continue()
with open("stops.json", "w") as out:
    json.dump(stops, out)
process.Kill()
"""


@pytest.fixture(scope="module")
def wasi_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import sys

    library = tmp_path_factory.mktemp("runtime") / "libjitdebug_wasi.a"
    run([sys.executable, "-m", "emitter.cli", "runtime", "wasi", "-o", library], cwd=ROOT)
    return library


def _stops(directory: Path, lines: dict[int, list[str]]) -> list[list[object]]:
    (directory / "driver.py").write_text(f"LINES = {sorted(lines.items())!r}\n{_DRIVER}")
    run(["gdb", "-nx", "-batch", "-x", "driver.py", "./prog"], cwd=directory, timeout=180)
    stops: list[list[object]] = json.loads((directory / "stops.json").read_text())
    return stops


def _lldb_stops(directory: Path, lines: dict[int, list[str]]) -> list[list[object]]:
    (directory / "lldb_driver.py").write_text(f"LINES = {sorted(lines.items())!r}\n{_LLDB_DRIVER}")
    run(["lldb-19", "--no-lldbinit", "-b", "-o", "command script import ./lldb_driver.py"], cwd=directory,
        timeout=180)
    stops: list[list[object]] = json.loads((directory / "stops.json").read_text())
    for stop in stops:  # clang's Wasm name of a parameterless main
        stop[1] = "main" if stop[1] == "__original_main" else stop[1]
    return stops


@pytest.mark.parametrize("seed", SEEDS)
def test_random_programs_print_as_natively(tmp_path: Path, seed: int, wasi_runtime: Path) -> None:
    program = generate(seed)
    (tmp_path / "prog.c").write_text(program.source)
    for side in ("wasm", "native"):
        (tmp_path / side).mkdir()
    wasm_clang(["--target=wasm32-wasi", "-g", "-O0", "-o", "prog.wasm", "prog.c"], cwd=tmp_path)
    compile_file(tmp_path / "prog.wasm", tmp_path / "prog.o")
    run(["gcc", "-g", "-o", "wasm/prog", "prog.o", wasi_runtime], cwd=tmp_path)
    run(["gcc", "-g", "-O0", "-o", "native/prog", "prog.c"], cwd=tmp_path)
    # Both see the source as prog.c in their directory's parent: the line table names it relative to the build.
    ours, theirs = _stops(tmp_path / "wasm", program.lines), _stops(tmp_path / "native", program.lines)
    expected_stops = sum(1 for line in program.lines if line)  # every statement line is reached at least once
    assert len(theirs) >= expected_stops // 2, theirs
    assert ours == theirs, "\n".join(f"{a}\n{b}\n" for a, b in zip(ours, theirs, strict=False) if a != b) or (
        len(ours), len(theirs))
    values = [value for _, _, stop_values in ours for value in stop_values]  # type: ignore[union-attr]
    assert values and not any("error" in value or "optimized out" in value for value in values)
    ours, theirs = _lldb_stops(tmp_path / "wasm", program.lines), _lldb_stops(tmp_path / "native", program.lines)
    assert len(ours) == len(stops_seen := theirs) and len(stops_seen) >= expected_stops // 2
    assert ours == theirs, "\n".join(f"{a}\n{b}\n" for a, b in zip(ours, theirs, strict=False) if a != b)
    values = [value for _, _, stop_values in ours for value in stop_values]  # type: ignore[union-attr]
    assert values and not any("error" in value or "unavailable" in value for value in values)
