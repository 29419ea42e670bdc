"""C++ through the translation: methods (``this``), C++ references (shown as references, ``@ADDR: value``, and
written through with ``set var``), templates by instantiation name; gdb and lldb print what they print for the
same C++ built natively by clang++-19 (the same producer: g++ types ``this`` as ``const Point *const``).

C++ exceptions thrown through Wasm frames: `tests/test_cdebug_cxx_exceptions.py`.
"""

from __future__ import annotations

import re
from pathlib import Path

from emitter.aot import compile_file
from tests.test_cdebug_translate import SAMPLES, _options
from tests.tools import run
from tests.wasm_clang import wasm_clang


def _builds(tmp_path: Path) -> tuple[Path, Path]:
    for name in ("classes.cpp", "host.c"):
        (tmp_path / name).write_text((SAMPLES / name).read_text())
    wasm = tmp_path / "classes.wasm"
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all", "-o", wasm,
                "classes.cpp"], cwd=tmp_path, cxx=True)
    compile_file(wasm, tmp_path / "classes.o")
    for side in ("wasm", "native"):
        (tmp_path / side).mkdir()
    run(["gcc", "-g", "-c", "-o", "host.o", "host.c"], cwd=tmp_path)
    run(["g++", "-g", "-o", "wasm/prog", "host.o", "classes.o"], cwd=tmp_path)
    run(["clang++-19", "-g", "-O0", "-o", "native/prog", "host.o", "classes.cpp"], cwd=tmp_path)
    return tmp_path / "wasm" / "prog", tmp_path / "native" / "prog"


def _normalise(text: str) -> list[str]:
    text = re.sub(r"0x[0-9a-f]+( <[^>]*>)?", "ADDR", text)
    text = re.sub(r"(\.cpp:\d+):\d+", r"\1", text)
    text = re.sub(r" \+ \d+ at ", " + N at ", text)  # where the breakpoint lands after the prologue
    return [line for line in text.splitlines()
            if not line.startswith(("[", "Using host", "Process ", "(lldb) target create", "Current executable"))
            and not re.match(r"\s*(\d+\s|->|\^)", line)  # lldb's source listing (columns differ)
            and "out = " not in line]  # uninitialised at the breakpoint: whatever the stack held


def test_cxx_methods_references_and_templates_as_natively(tmp_path: Path) -> None:
    programs = _builds(tmp_path)
    gdb = ["break Point::scaled", "break twice<int>", "run", "bt", "print *this", "up", "info args", "print counter",
           "ptype p", "set var counter = 5", "print counter", "continue", "bt", "info args", "finish"]
    lldb = ["breakpoint set -n Point::scaled", "run", "bt 3", "frame variable", "up", "frame variable",
            "expression counter = 5", "frame variable counter"]
    for debugger, commands in (("gdb", gdb), ("lldb", lldb)):
        transcripts = []
        for program in programs:
            args: list[str | Path] = (["gdb", "-nx", "-batch", *_options("-ex", commands), "./prog"]
                                      if debugger == "gdb" else
                                      ["lldb-19", "--no-lldbinit", "-b", *_options("-o", commands), "--", "./prog"])
            transcripts.append(_normalise(run(args, cwd=program.parent, timeout=120).stdout))
        ours, theirs = transcripts
        assert ours == theirs, "\n".join([f"--- {debugger} wasm", *ours, "--- native", *theirs])
    text = "\n".join(ours)
    assert "(int &) counter = ADDR (&counter = 5)" in text or "counter = 5" in text
