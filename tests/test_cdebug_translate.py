"""Source-level debugging of C compiled to Wasm: clang-19 writes DWARF for wasm32, the backend translates it into
the native object's DWARF. The oracle is the same C program built natively by clang-19: gdb and lldb-19, given
the same commands, must print the same transcript (frames, C lines, locals, structs through pointers, stepping),
apart from machine addresses and the one documented difference (a pointer stored *in* linear memory shows as its
32-bit offset). llvm-dwarfdump-19 --verify must accept the translated DWARF."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from emitter.aot import compile_file
from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

SAMPLES = ROOT / "samples" / "cdebug"


def _line(marker: str) -> int:
    """The line of ``shapes.c`` carrying ``/* @marker */``."""
    lines = (SAMPLES / "shapes.c").read_text().splitlines()
    return next(number for number, text in enumerate(lines, 1) if f"/* @{marker} */" in text)


def _wasm(tmp_path: Path, optimisation: str) -> Path:
    """Both builds compile the sources copied to ``tmp_path`` by relative name, so they name the same files."""
    for name in ("shapes.c", "host.c"):
        (tmp_path / name).write_text((SAMPLES / name).read_text())
    wasm = tmp_path / f"shapes{optimisation}.wasm"
    wasm_clang(["--target=wasm32", "-g", optimisation, "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all",
                "-o", wasm, "shapes.c"], cwd=tmp_path)
    return wasm


def _programs(tmp_path: Path, optimisation: str = "-O0") -> tuple[Path, Path]:
    """The Wasm build (AOT object linked with the host) and the native build, both named ``prog`` so the
    debuggers print the same module name."""
    wasm = _wasm(tmp_path, optimisation)
    (tmp_path / "wasm").mkdir()
    (tmp_path / "native").mkdir()
    obj = tmp_path / "shapes.o"
    compile_file(wasm, obj)
    wasm_program = tmp_path / "wasm" / "prog"
    native_program = tmp_path / "native" / "prog"
    run(["clang-19", "-g", "-O0", "-o", wasm_program, "host.c", obj], cwd=tmp_path)
    run(["clang-19", "-g", optimisation, "-o", native_program, "host.c", "shapes.c"], cwd=tmp_path)
    return wasm_program, native_program


def _options(flag: str, commands: list[str]) -> list[str]:
    return [part for command in commands for part in (flag, command)]


def _normalise(text: str) -> list[str]:
    text = re.sub(r"0x[0-9a-f]+( <[^>]*>)?", "ADDR", text)
    # The documented difference: a pointer member in linear memory is its 32-bit offset.
    text = re.sub(r"next = (ADDR|\d+)", "next = PTR", text)
    text = re.sub(r"`(\w+) \+ \d+", r"`\1 + N", text)
    keep = []
    for line in text.splitlines():
        if line.startswith(("Process ", "[Thread", "Using host", "[Inferior", "Current executable")):
            continue
        keep.append(line.replace(" (struct node *) ", " "))
    return keep


def test_translated_dwarf_verifies_and_names_the_c_source(tmp_path: Path) -> None:
    obj = tmp_path / "shapes.o"
    compile_file(_wasm(tmp_path, "-O0"), obj)
    verify = run(["llvm-dwarfdump-19", "--verify", obj])
    assert "No errors." in verify.stdout, verify.stdout
    info = run(["llvm-dwarfdump-19", "--debug-info", obj]).stdout
    for function in ("scale", "sum_list", "run", "add"):
        assert f'DW_AT_name\t("{function}")' in info
    lines = run(["llvm-dwarfdump-19", "--debug-line", obj]).stdout
    assert '"shapes.c"' in lines
    # Every row of the native table lies in the functions' code and names lines of the C file.
    rows = [int(m.group(1)) for m in re.finditer(r"^0x[0-9a-f]+\s+(\d+)\s", lines, re.M)]
    assert rows and max(rows) <= len((SAMPLES / "shapes.c").read_text().splitlines())
    assert _line("list") in rows and _line("scale") in rows


def test_gdb_shows_the_c_program_as_for_a_native_build(tmp_path: Path) -> None:
    programs = _programs(tmp_path)
    commands = [f"break shapes.c:{_line('list')}", "run", "bt", "info locals", "info args", "print *head",
                "print head->value", "next", "next", "info locals", f"break shapes.c:{_line('scale')}",
                "delete 1", "run", "bt", "info args", "print *p", "print p->y", "up", "info locals", "print pt",
                "print *q", "print counter", "down", "step", "bt", "info locals", "finish", "next", "next"]
    transcripts = []
    for program in programs:
        args: list[str | Path] = ["gdb", "-nx", "-batch", *_options("-ex", commands), "./prog"]
        transcripts.append(_normalise(run(args, cwd=program.parent, timeout=120).stdout))
    wasm, native = transcripts
    assert wasm == native, "\n".join(["--- wasm", *wasm, "--- native", *native])
    text = "\n".join(wasm)
    assert f"sum_list (head=ADDR) at shapes.c:{_line('list')}" in text
    assert f"in run (n=3) at shapes.c:{_line('loop')}" in text
    assert "= {x = 6, y = 4}" in text  # *p at the first stop in scale: x already scaled
    assert f"add (a=4, b=2) at shapes.c:{_line('add')}" in text


def test_lldb_shows_the_c_program_as_for_a_native_build(tmp_path: Path) -> None:
    programs = _programs(tmp_path)
    # (``p *head`` is left out: LLDB prints a struct on one line when no member is a pointer, as with the
    # stand-in for pointers in linear memory.)
    commands = [f"breakpoint set -f shapes.c -l {_line('list')}", "run", "bt 3", "frame variable", "p head->value",
                "next", "next", "frame variable total", f"breakpoint set -f shapes.c -l {_line('scale')}",
                "breakpoint delete 1", "process kill", "run", "bt 3", "frame variable", "p *p", "up",
                "frame variable", "p *q", "down", "thread step-in", "bt 2", "frame variable"]
    transcripts = []
    for program in programs:
        args: list[str | Path] = ["lldb-19", "--no-lldbinit", "-b", *_options("-o", commands), "--", "./prog"]
        transcripts.append(_normalise(run(args, cwd=program.parent, timeout=120).stdout))
    wasm, native = transcripts
    assert wasm == native, "\n".join(["--- wasm", *wasm, "--- native", *native])
    text = "\n".join(wasm)
    assert f"prog`sum_list(head=ADDR) at shapes.c:{_line('list')}" in text
    assert "(int) total = 10" in text
    assert "x = 6, y = 4" in text
    assert "(int *) q = ADDR" in text


def test_jit_frames_show_c_functions_and_variables_in_gdb(tmp_path: Path) -> None:
    wasm = _wasm(tmp_path, "-O0")
    jitdebug = [sys.executable, "-m", "emitter.cli", "run", "--invoke", "run", str(wasm), "3"]
    commands = ["set breakpoint pending on", f"break shapes.c:{_line('scale')}", "run", "bt 3", "print *p", "up",
                "info locals"]
    args: list[str | Path] = ["gdb", "-nx", "-batch", *_options("-ex", commands), "--args", *jitdebug]
    out = run(args, cwd=ROOT, timeout=120).stdout
    # The pointer is into linear memory: the JIT reserves it apart from the module's symbols (an object's static
    # storage has one, and gdb then names it as ``<shapes.memory+N>``).
    assert re.search(rf"#0  scale \(p=0x[0-9a-f]+( <[^>]*>)?, k=2\) at .*shapes.c:{_line('scale')}", out), out
    assert re.search(rf"#1  0x[0-9a-f]+ in run \(n=3\) at .*shapes.c:{_line('loop')}", out), out
    assert "$1 = {x = 6, y = 4}" in out
    assert "pt = {x = 6, y = 4}" in out and "total = 0" in out


def test_optimised_code_shows_inlined_c_frames(tmp_path: Path) -> None:
    wasm_program, _ = _programs(tmp_path, "-O1")
    out = run(["gdb", "-nx", "-batch", "-ex", f"break shapes.c:{_line('add')}", "-ex", "run", "-ex", "bt",
               "-ex", "info args", wasm_program], cwd=tmp_path, timeout=120).stdout
    frames = [line for line in out.splitlines() if line.startswith("#")]
    # add and scale are inlined into run: three C frames in one native frame, then the host.
    assert re.match(rf"#0  add \(a=4, b=2\) at shapes.c:{_line('add')}", frames[0]), out
    assert re.match(rf"#1  scale \(.*\) at shapes.c:{_line('scale')}", frames[1]), out
    assert re.match(rf"#2  run \(.*\) at shapes.c:{_line('loop')}", frames[2]), out
    assert "in main () at" in frames[3]
    obj = tmp_path / "shapes.o"
    assert "No errors." in run(["llvm-dwarfdump-19", "--verify", obj]).stdout
