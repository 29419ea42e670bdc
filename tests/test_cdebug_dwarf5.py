"""DWARF 5 producer units (``clang-19 -gdwarf-5`` for wasm32: indexed strings and addresses, ``.debug_rnglists``,
``.debug_loclists``, a version 5 line table numbering files from 0) are translated: gdb and lldb show the same
program as from the DWARF 4 build, which the other tests compare with the native build."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from emitter.aot import compile_file
from tests.test_cdebug_translate import SAMPLES, _line, _normalise, _options
from tests.tools import run
from tests.wasm_clang import wasm_clang


def _program(tmp_path: Path, version: str, optimisation: str) -> Path:
    work = tmp_path / version
    work.mkdir()
    for name in ("shapes.c", "host.c"):
        (work / name).write_text((SAMPLES / name).read_text())
    wasm = work / "shapes.wasm"
    wasm_clang(["--target=wasm32", f"-g{version}", optimisation, "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all",
                "-o", wasm, "shapes.c"], cwd=work)
    sections = run(["llvm-objdump-19", "-h", wasm]).stdout
    assert (".debug_rnglists" in sections or ".debug_loclists" in sections) == (version == "dwarf-5"), sections
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing dropped
        compile_file(wasm, work / "shapes.o")
    assert "No errors." in run(["llvm-dwarfdump-19", "--verify", work / "shapes.o"]).stdout
    run(["clang-19", "-g", "-o", "prog", "host.c", "shapes.o"], cwd=work)
    return work / "prog"


@pytest.mark.parametrize("optimisation", ["-O0", "-O1"])
def test_dwarf5_units_debug_as_dwarf4_ones(tmp_path: Path, optimisation: str) -> None:
    programs = [_program(tmp_path, version, optimisation) for version in ("dwarf-4", "dwarf-5")]
    gdb = [f"break shapes.c:{_line('list')}", f"break shapes.c:{_line('scale')}", "run", "bt", "info args",
           "info locals", "print *p", "print counter", "continue", "bt", "info locals", "finish"]
    lldb = [f"breakpoint set -f shapes.c -l {_line('add')}", "run", "bt", "frame variable", "up", "frame variable"]
    for debugger, commands in (("gdb", gdb), ("lldb", lldb)):
        transcripts = []
        for program in programs:
            args: list[str | Path] = (["gdb", "-nx", "-batch", *_options("-ex", commands), "./prog"]
                                      if debugger == "gdb" else
                                      ["lldb-19", "--no-lldbinit", "-b", *_options("-o", commands), "--", "./prog"])
            transcripts.append(_normalise(run(args, cwd=program.parent, timeout=120).stdout))
        four, five = transcripts
        assert four == five, "\n".join([f"--- {debugger} DWARF 4", *four, "--- DWARF 5", *five])
        assert any("shapes.c:" in line for line in five)
