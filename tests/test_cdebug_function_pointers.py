"""C function pointers: in Wasm a function pointer is an index into the function table, not an address; with the
plugin gdb and lldb show the function it names (its native address and name), as for the same C program built
natively by gcc, whether the pointer is a local, a struct member or an array element in linear memory; without
the plugin a variable is still the native function pointer (its DWARF location reads the table), one in memory
is its table index (its true value), never the memory base plus the index."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from emitter.aot import compile_file
from tests.test_cdebug_translate import SAMPLES
from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

GDB_PLUGIN = ROOT / "gdbplugin" / "jitdebug_gdb.py"
LLDB_PLUGIN = ROOT / "lldbplugin" / "jitdebug_lldb.py"
SOURCE = "function_pointers.c"


def _line() -> int:
    lines = (SAMPLES / SOURCE).read_text().splitlines()
    return next(number for number, text in enumerate(lines, 1) if "/* @apply */" in text)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The Wasm build (clang-19 wasm32 -O0 -g, translated, linked with the host) and the native gcc build."""
    tmp_path = tmp_path_factory.mktemp("function_pointers")
    for name in (SOURCE, "host.c"):
        (tmp_path / name).write_text((SAMPLES / name).read_text())
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all",
                "-o", "prog.wasm", SOURCE], cwd=tmp_path)
    compile_file(tmp_path / "prog.wasm", tmp_path / "prog.o")
    (tmp_path / "wasm").mkdir()
    (tmp_path / "native").mkdir()
    run(["gcc", "-g", "-O0", "-o", "wasm/prog", "host.c", "prog.o"], cwd=tmp_path)
    run(["gcc", "-g", "-O0", "-o", "native/prog", "host.c", SOURCE], cwd=tmp_path)
    return tmp_path / "wasm" / "prog", tmp_path / "native" / "prog"


GDB_COMMANDS = ["print op", "print none", "print *c", "print c->op", "print c->ops[1]", "info locals"]


def _gdb(program: Path, commands: list[str], plugin: bool) -> list[str]:
    options = ["-ex", f"source {GDB_PLUGIN}"] if plugin else []
    for command in [f"break {SOURCE}:{_line()}", "run", *commands]:
        options += ["-ex", command]
    out = run(["gdb", "-nx", "-batch", *options, "./prog"], cwd=program.parent, timeout=120)
    start = out.stdout.index("$1 = ")
    return [re.sub(r"0x[0-9a-f]{4,}", "ADDR", line) for line in out.stdout[start:].splitlines()]


def test_gdb_prints_the_function_a_function_pointer_names(builds: tuple[Path, Path]) -> None:
    wasm, native = builds
    wasm_lines, native_lines = _gdb(wasm, GDB_COMMANDS, True), _gdb(native, GDB_COMMANDS, False)
    # Natively every top-level pointer has its type in front, ``(binop) 0x… <mul>``: a variable's here too, but
    # spelled without the typedef (``(int (*)(int, int)) 0x0``), and a member's printer cannot add it.
    untyped = [re.sub(r"= \([^=]*?\) (?=ADDR|0x0)", "= ", line) for line in wasm_lines]
    natively = [re.sub(r"= \([^=]*?\) (?=ADDR|0x0)", "= ", line) for line in native_lines]
    assert untyped == natively, "\n".join(["--- wasm", *wasm_lines, "--- native", *native_lines])
    assert wasm_lines[:5] == ["$1 = (int (*)(int, int)) ADDR <add>", "$2 = (int (*)(int, int)) 0x0",
                              "$3 = {base = 1, op = ADDR <mul>, ops = {ADDR <add>, ADDR <mul>}}",
                              "$4 = ADDR <mul>", "$5 = ADDR <mul>"], wasm_lines
    assert "op = ADDR <add>" in wasm_lines and "none = 0x0" in wasm_lines


def test_function_pointer_variables_are_native_without_the_plugin(builds: tuple[Path, Path]) -> None:
    """A variable's location computes the function's code address through the table (DWARF alone): printed,
    typed and called as natively; a function pointer in linear memory is its table index, its true value."""
    wasm, _native = builds
    lines = _gdb(wasm, ["print op", "print none", "print op(2, 3)", "ptype op", "print c->ops", "print c->op",
                        "print current", "print current(3, 4)"], False)
    assert lines == ["$1 = (int (*)(int, int)) ADDR <add>", "$2 = (int (*)(int, int)) 0x0", "$3 = 5",
                     "type = int (*)(int, int)", "$4 = {1, 2}", "$5 = 2",  # add, mul: table entries 1 and 2
                     "$6 = (int (*)(int, int)) ADDR <mul>", "$7 = 12"], lines  # a global in linear memory
    lldb = _lldb(wasm, ["frame variable op none", "expression op(2, 3)"], False)
    assert lldb == ["(int (*)(int, int)) op = ADDR (prog`add at function_pointers.c:13)",
                    "(int (*)(int, int)) none = 0x0000000000000000", "(int) $0 = 5"], lldb


def test_gdb_calls_through_a_function_pointer_in_memory_with_wasm_ptr(builds: tuple[Path, Path]) -> None:
    wasm, _native = builds
    lines = _gdb(wasm, ["print $wasm_ptr(c->op)", "print $wasm_ptr(c->op)(2, 3)", "print $wasm_ptr(c->ops[0])(4, 5)"],
                 True)
    assert lines == ["$1 = (int (*)(int, int)) ADDR <mul>", "$2 = 6", "$3 = 9"], lines


def _lldb(program: Path, commands: list[str], plugin: bool) -> list[str]:
    options = ["-o", f"command script import {LLDB_PLUGIN}"] if plugin else []
    for command in [f"breakpoint set -f {SOURCE} -l {_line()}", "run", *commands]:
        options += ["-o", command]
    out = run(["lldb-19", "--no-lldbinit", "-b", *options, "--", "./prog"], cwd=program.parent, timeout=120)
    text = out.stdout[out.stdout.index("(lldb) frame variable"):]
    return [re.sub(r"0x(?!0{16})[0-9a-f]{16}", "ADDR", line) for line in text.splitlines() if " = " in line]


def test_lldb_shows_the_function_a_function_pointer_names(builds: tuple[Path, Path]) -> None:
    wasm, native = builds
    commands = ["frame variable op none c->op c->ops[0] c->ops[1]"]
    wasm_lines, native_lines = _lldb(wasm, commands, True), _lldb(native, commands, False)
    names = [re.findall(r"prog`(\w+)", line) for line in wasm_lines]
    assert names == [re.findall(r"prog`(\w+)", line) for line in native_lines], (wasm_lines, native_lines)
    assert names == [["add"], [], ["mul"], ["add"], ["mul"]], wasm_lines
    assert "(int (*)(int, int)) none = 0x0000000000000000" in wasm_lines  # natively ``(binop)``
    assert "(binop) c->op = ADDR (prog`mul at function_pointers.c:14)" in wasm_lines


def test_function_pointers_show_their_function_under_the_jit(builds: tuple[Path, Path]) -> None:
    """The JIT's tables are the embedding's (``emitter/jit/externals.py``): resolved the same way."""
    wasm = builds[0].parent.parent / "prog.wasm"
    jitdebug = [sys.executable, "-m", "emitter.cli", "run", "--invoke", "run", str(wasm), "3"]
    commands = ["set breakpoint pending on", f"break {SOURCE}:{_line()}", "run", "print op", "print *c",
                "print $wasm_ptr(c->op)(4, 5)", "print op(2, 3)"]
    gdb = run(["gdb", "-nx", "-batch", "-ex", f"source {GDB_PLUGIN}", *[a for c in commands for a in ("-ex", c)],
               "--args", *jitdebug], cwd=ROOT, timeout=120).stdout
    lines = [re.sub(r"0x[0-9a-f]{4,}", "ADDR", line) for line in gdb.splitlines() if line.startswith("$")]
    assert lines == ["$1 = (int (*)(int, int)) ADDR <add>",
                     "$2 = {base = 1, op = ADDR <mul>, ops = {ADDR <add>, ADDR <mul>}}", "$3 = 20", "$4 = 5"], gdb
    lldb = run(["lldb-19", "--no-lldbinit", "-b", "-o", f"command script import {LLDB_PLUGIN}", "-o",
                f"breakpoint set -f {SOURCE} -l {_line()}", "-o", "run", "-o", "frame variable op c->ops[1]", "--",
                *jitdebug], cwd=ROOT, timeout=120).stdout
    assert re.search(r"\) op = 0x[0-9a-f]{16} \(JIT\(0x[0-9a-f]+\)`add at function_pointers.c:13\)", lldb), lldb
    assert re.search(r"\) c->ops\[1\] = 0x[0-9a-f]{16} \(JIT\(0x[0-9a-f]+\)`mul at function_pointers.c:14\)",
                     lldb), lldb
