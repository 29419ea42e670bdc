"""Values are right or absent: aggregates passed by value (in linear memory through a pointer, per the Wasm C ABI)
print, read and write as in the same C program built natively by gcc, in gdb and lldb."""

from __future__ import annotations

import re
from pathlib import Path

from emitter.aot import compile_file
from tests.test_cdebug_translate import SAMPLES, _options
from tests.tools import run
from tests.wasm_clang import wasm_clang


def _marker(name: str, marker: str) -> int:
    lines = (SAMPLES / name).read_text().splitlines()
    return next(number for number, text in enumerate(lines, 1) if f"/* @{marker} */" in text)


def _builds(tmp_path: Path, source: str) -> tuple[Path, Path]:
    """The Wasm build (clang-19 wasm32, translated, linked with the host) and the native gcc build."""
    for name in (source, "host.c"):
        (tmp_path / name).write_text((SAMPLES / name).read_text())
    wasm = tmp_path / "prog.wasm"
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all",
                "-o", wasm, source], cwd=tmp_path)
    compile_file(wasm, tmp_path / "prog.o")
    (tmp_path / "wasm").mkdir()
    (tmp_path / "native").mkdir()
    run(["gcc", "-g", "-O0", "-o", "wasm/prog", "host.c", "prog.o"], cwd=tmp_path)
    run(["gcc", "-g", "-O0", "-o", "native/prog", "host.c", source], cwd=tmp_path)
    return tmp_path / "wasm" / "prog", tmp_path / "native" / "prog"


def _gdb(program: Path, commands: list[str]) -> list[str]:
    out = run(["gdb", "-nx", "-batch", *_options("-ex", commands), "./prog"], cwd=program.parent, timeout=120)
    return [line for line in out.stdout.splitlines() if line.startswith(("$", "#0", "t = ", "b = ", "Value"))]


def _lldb(program: Path, commands: list[str]) -> list[str]:
    out = run(["lldb-19", "--no-lldbinit", "-b", *_options("-o", commands), "--", "./prog"], cwd=program.parent,
              timeout=120)
    keep = []
    for line in out.stdout.splitlines():
        line = re.sub(r"0x[0-9a-f]+", "ADDR", line)
        line = re.sub(r"(\.c:\d+):\d+", r"\1", line)  # gcc and clang place columns differently
        if line.startswith(("(", "  ")) and not re.match(r"\s+(\d+\s|\^|-> )", line):
            keep.append(line)
    return keep


def test_struct_by_value_prints_and_writes_as_natively_in_gdb(tmp_path: Path) -> None:
    wasm, native = _builds(tmp_path, "byvalue.c")
    commands = ["break sum_triple", "break weigh", "run", "info args", "print t", "print t.c", "print &t.b == &t.a + 1",
                "set var t.c = 5", "print t", "finish", "continue", "info args", "print b.values",
                "print b.wide", "print/c b.tag", "print t", "finish"]
    transcripts = [_gdb(program, commands) for program in (wasm, native)]
    assert transcripts[0] == transcripts[1], "\n".join(["--- wasm", *transcripts[0], "--- native", *transcripts[1]])
    text = "\n".join(transcripts[0])
    assert "t = {a = 71296, b = 8, c = 3}" in text
    assert "$4 = {a = 71296, b = 8, c = 5}" in text  # written to linear memory ...
    assert "Value returned is $5 = 71309" in text  # ... and read by the program
    assert "$6 = {1, 2, 3, 4, 5}" in text and "$7 = 1099511627783" in text


def test_struct_by_value_prints_and_writes_as_natively_in_lldb(tmp_path: Path) -> None:
    wasm, native = _builds(tmp_path, "byvalue.c")
    commands = [f"breakpoint set -f byvalue.c -l {_marker('byvalue.c', 'triple')}",
                f"breakpoint set -f byvalue.c -l {_marker('byvalue.c', 'big')}", "run", "frame variable t",
                "expression t.c = 5", "frame variable t", "continue", "frame variable b t k", "p b.values[4]"]
    transcripts = [_lldb(program, commands) for program in (wasm, native)]
    assert transcripts[0] == transcripts[1], "\n".join(["--- wasm", *transcripts[0], "--- native", *transcripts[1]])
    text = "\n".join(transcripts[0])
    assert "(triple) t = (a = 71296, b = 8, c = 3)" in text
    assert "(triple) t = (a = 71296, b = 8, c = 5)" in text
    assert "wide = 1099511627783" in text and "tag = 'x'" in text
