"""Every line row kept: a breakpoint on any line of the test programs resolves, in gdb and lldb, to the same
functions (inlined copies included) and lines as in the same C built natively by clang-19 at the same
optimisation level (the same optimiser, so the same inlining), at -O0, -O1 and -O2.

The -O1 case is the regression test for rows dropped when a function's producer rows start after its
``DW_AT_low_pc`` (clang starts them after the locals' declarations): such functions had no rows at all, so a
breakpoint on their lines went to another function (gdb) or stayed pending (lldb).

Compared: the set of (function, line) a breakpoint resolves to. How many copies of an inlined function a
breakpoint on a line *without* code (a blank line before a function) keeps is a gdb heuristic on native
prologue shapes, which differ between our code and clang's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emitter.aot import compile_file
from tests.test_cdebug_translate import SAMPLES, _options
from tests.tools import run
from tests.wasm_clang import wasm_clang


def _builds(tmp_path: Path, optimisation: str) -> tuple[Path, Path]:
    for name in ("shapes.c", "host.c"):
        (tmp_path / name).write_text((SAMPLES / name).read_text())
    wasm = tmp_path / "shapes.wasm"
    wasm_clang(["--target=wasm32", "-g", optimisation, "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all",
                "-o", wasm, "shapes.c"], cwd=tmp_path)
    compile_file(wasm, tmp_path / "shapes.o")
    (tmp_path / "wasm").mkdir()
    (tmp_path / "native").mkdir()
    wasm_program = tmp_path / "wasm" / "prog"
    native_program = tmp_path / "native" / "prog"
    run(["clang-19", "-g", "-O0", "-o", wasm_program, "host.c", "shapes.o"], cwd=tmp_path)
    run(["clang-19", "-g", optimisation, "-o", native_program, "host.c", "shapes.c"], cwd=tmp_path)
    return wasm_program, native_program


def _lines(source: str, directory: Path) -> range:
    return range(1, len((directory / source).read_text().splitlines()) + 2)


def _gdb_locations(program: Path, source: str, directory: Path = SAMPLES) -> dict[int, list[str]]:
    """Per breakpoint (one per line of ``directory / source``), the ``function:line`` gdb resolved it to."""
    commands = [f"break {source}:{line}" for line in _lines(source, directory)] + ["info breakpoints"]
    out = run(["gdb", "-nx", "-batch", *_options("-ex", commands), "./prog"], cwd=program.parent, timeout=120).stdout
    by_breakpoint: dict[int, list[str]] = {}
    current = 0
    for text in out.splitlines():
        header = re.match(r"^(\d+)\s+breakpoint\s+keep\s+y\s+(<MULTIPLE>|0x[0-9a-f]+ in (\S+) at \S+:(\d+))", text)
        location = re.match(r"^(\d+)\.\d+\s+y\s+0x[0-9a-f]+ in (\S+) at \S+:(\d+)", text)
        if header:
            current = int(header.group(1))
            by_breakpoint[current] = [] if header.group(3) is None else [f"{header.group(3)}:{header.group(4)}"]
        elif location:
            by_breakpoint[int(location.group(1))].append(f"{location.group(2)}:{location.group(3)}")
    return {number: sorted(set(where)) for number, where in by_breakpoint.items()}


def _lldb_locations(program: Path, source: str, directory: Path = SAMPLES) -> dict[int, list[str]]:
    """As ``_gdb_locations``, in lldb (an inlined copy named by its function)."""
    commands = [f"breakpoint set -f {source} -l {line}" for line in _lines(source, directory)] + ["breakpoint list"]
    out = run(["lldb-19", "--no-lldbinit", "-b", *_options("-o", commands), "--", "./prog"], cwd=program.parent,
              timeout=120).stdout
    by_breakpoint: dict[int, list[str]] = {}
    for text in out.splitlines():
        header = re.match(r"^(\d+): file = ", text)
        location = re.match(r"^\s+(\d+)(?:\.\d+)?: where = prog`(\S+)(?: \+ \d+)? "
                            r"(?:\[inlined\] (\S+)(?: \+ \d+)? )?at \S+?:(\d+)", text)
        if header:
            by_breakpoint[int(header.group(1))] = []
        elif location:
            function = location.group(3) or location.group(2)
            by_breakpoint[int(location.group(1))].append(f"{function}:{location.group(4)}")
    return {number: sorted(set(where)) for number, where in by_breakpoint.items()}


@pytest.mark.parametrize("optimisation", ["-O0", "-O1", "-O2"])
def test_line_breakpoints_resolve_as_natively(tmp_path: Path, optimisation: str) -> None:
    wasm, native = _builds(tmp_path, optimisation)
    for reader in (_gdb_locations, _lldb_locations):
        ours, theirs = reader(wasm, "shapes.c"), reader(native, "shapes.c")
        differences = {line: (ours.get(line), theirs.get(line)) for line in set(ours) | set(theirs)
                       if ours.get(line) != theirs.get(line)}
        assert not differences, f"{reader.__name__}: breakpoint -> (wasm, native) {differences}"
        assert sum(len(where) for where in ours.values()) >= 10
