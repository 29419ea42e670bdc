"""Pointers are pointers: a C pointer held in linear memory (a struct member, an array element, a pointer's
pointee) prints as the pointer it is and is followed, in gdb and lldb with the plugin, as in the same C program
built natively by gcc; a write through a pointer variable lands in linear memory and the program reads it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emitter.aot import compile_file
from tests.test_cdebug_translate import SAMPLES
from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

GDB_PLUGIN = ROOT / "gdbplugin" / "jitdebug_gdb.py"
LLDB_PLUGIN = ROOT / "lldbplugin" / "jitdebug_lldb.py"


def _line(marker: str) -> int:
    lines = (SAMPLES / "pointers.c").read_text().splitlines()
    return next(number for number, text in enumerate(lines, 1) if f"/* @{marker} */" in text)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The Wasm build (clang-19 wasm32, translated, linked with the host) and the native gcc build (once: the
    debuggers only read them)."""
    tmp_path = tmp_path_factory.mktemp("pointers")
    for name in ("pointers.c", "host.c"):
        (tmp_path / name).write_text((SAMPLES / name).read_text())
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all",
                "-o", "prog.wasm", "pointers.c"], cwd=tmp_path)
    compile_file(tmp_path / "prog.wasm", tmp_path / "prog.o")
    (tmp_path / "wasm").mkdir()
    (tmp_path / "native").mkdir()
    run(["gcc", "-g", "-O0", "-o", "wasm/prog", "host.c", "prog.o"], cwd=tmp_path)
    run(["gcc", "-g", "-O0", "-o", "native/prog", "host.c", "pointers.c"], cwd=tmp_path)
    return tmp_path / "wasm" / "prog", tmp_path / "native" / "prog"


def _normalise(line: str) -> str:
    """Addresses aside: native data has symbols (``<chain+24>``), linear memory has none."""
    return re.sub(r"0x[0-9a-f]{4,}( <[^>]*>)?", "ADDR", line)


def _gdb(program: Path, commands: list[str], plugin: bool, check: bool = True) -> list[str]:
    options = ["-ex", f"source {GDB_PLUGIN}"] if plugin else []
    for command in commands:
        options += ["-ex", command]
    out = run(["gdb", "-nx", "-batch", *options, "./prog"], cwd=program.parent, timeout=120, check=check)
    if not check:
        assert "$wasm_ptr: int is no Wasm32 pointer in linear memory" in out.stderr, out.stderr
    return [_normalise(line) for line in out.stdout.splitlines() if line.startswith(("$", "Value returned"))]


def test_pointers_in_linear_memory_print_as_natively_in_gdb(builds: tuple[Path, Path]) -> None:
    wasm, native = builds
    commands = [f"break pointers.c:{_line('walk')}", "run", "print *t", "print *head", "print t->nodes",
                "print words", "print chain[2]", "print head->label", "print head->next == 0",
                "print *names", "print names[1]",
                "print chain[2].next == 0",
                # Written through pointer variables into linear memory, and read by the program.
                "set var head->value = 7", "print chain[0]", "set var *q = 1", "print cells",
                # A pointer in linear memory assigned: its 4 bytes.
                "set var chain[1].next = 0", "set var table.nodes[2] = table.nodes[0]", "print chain[1]",
                "print table.nodes[2] == table.nodes[0]", "finish"]
    wasm_lines, native_lines = _gdb(wasm, commands, True), _gdb(native, commands, False)
    assert wasm_lines == native_lines, "\n".join(["--- wasm", *wasm_lines, "--- native", *native_lines])
    text = "\n".join(wasm_lines)
    assert "$1 = {count = 6, cells = ADDR, nodes = {ADDR, ADDR, ADDR, 0x0}, name = \"tb\\000\\000\\000\\000\\000\", " \
        "names = ADDR}" in text
    assert '$2 = {value = 3, next = ADDR, label = ADDR "first"}' in text
    assert '$4 = {ADDR "alpha", ADDR "beta", 0x0}' in text
    assert '$5 = {value = 300, next = 0x0, label = ADDR "beta"}' in text
    assert '$8 = ADDR "alpha"' in text and '$9 = ADDR "beta"' in text
    assert "$7 = 0" in text and "$10 = 1" in text
    assert "$11 = {value = 7, next = ADDR, label = ADDR \"first\"}" in text
    assert "$12 = {10, 20, 1, 40, 50, 60}" in text
    assert '$13 = {value = 30, next = 0x0, label = ADDR "second"}' in text and "$14 = 1" in text
    assert "Value returned is $15 = 335" in text  # 3 + 30 + 300 summed before the stop, + the new cells[2], + 1


def test_gdb_follows_a_pointer_in_linear_memory_through_wasm_ptr(builds: tuple[Path, Path]) -> None:
    """GDB's C evaluator cannot follow the 4-byte stand-in itself: ``$wasm_ptr(v)`` is the native pointer."""
    wasm, native = builds
    lines = _gdb(wasm, [f"break pointers.c:{_line('walk')}", "run", "print $wasm_ptr(head->next)->value",
                        "print *$wasm_ptr(t->nodes[1])", "print $wasm_ptr(t->cells)[3]",
                        "print *$wasm_ptr(t->names)", "print $wasm_ptr($wasm_ptr(head->next)->next)->value",
                        "print $wasm_ptr(head)->value", "print $wasm_ptr(t->cells) == &cells[0]",
                        # A native pointer stored into linear memory as its offset.
                        "set var chain[1].next = $wasm_offset(&chain[0])", "print $wasm_ptr(chain[1].next)->value",
                        "print chain[1].next == t->nodes[0]", "print $wasm_offset(head) == t->nodes[0]",
                        "print $wasm_ptr(t->count)"], True, check=False)
    natively = _gdb(native, [f"break pointers.c:{_line('walk')}", "run", "print head->next->value",
                             "print *t->nodes[1]", "print t->cells[3]", "print *t->names",
                             "print head->next->next->value", "print head->value"], False)
    assert lines[:6] == natively, (lines, natively)
    assert lines[:3] == ["$1 = 30", '$2 = {value = 30, next = ADDR, label = ADDR "second"}', "$3 = 40"]
    assert lines[3:6] == ['$4 = ADDR "alpha"', "$5 = 300", "$6 = 3"]
    assert lines[6:] == ["$7 = 1", "$8 = 3", "$9 = 1", "$10 = 1"], lines  # and t->count, an int, is refused


def test_a_pointer_in_linear_memory_is_its_offset_without_the_plugin(builds: tuple[Path, Path]) -> None:
    """The stand-in's raw value is the 32-bit offset: true, if not followed, where no printer runs."""
    wasm, _native = builds
    lines = _gdb(wasm, [f"break pointers.c:{_line('walk')}", "run", "print head->next", "print t->names"], False)
    assert len(lines) == 2 and all(re.fullmatch(r"\$\d = [1-9]\d*", line) for line in lines), lines
    typed = run(["gdb", "-nx", "-batch", "-ex", f"break pointers.c:{_line('walk')}", "-ex", "run", "-ex",
                 "whatis head->next", "-ex", "whatis t->names", "./prog"], cwd=wasm.parent).stdout
    # (GDB writes the name in its C++ canonical form where it can parse it.)
    assert "type = __wasm32_ptr<struct node *>" in typed and "type = __wasm32_ptr<char const**>" in typed


def _lldb(program: Path, commands: list[str], plugin: bool) -> list[str]:
    options = ["-o", f"command script import {LLDB_PLUGIN}"] if plugin else []
    for command in commands:
        options += ["-o", command]
    out = run(["lldb-19", "--no-lldbinit", "-b", *options, "--", "./prog"], cwd=program.parent, timeout=120)
    text = out.stdout[out.stdout.index("(lldb) frame variable"):]
    # The stand-in keeps its name where LLDB names a value's type: the pointer type it stands for is inside.
    text = re.sub(r"__wasm32_ptr<(.+?)>(?=\)| \[| \*)", r"\1", text)
    # Up to ``finish``'s return value (then process ids and the caller's source differ).
    if "Return value" in text:
        text = text[:text.index("Return value")] + text[text.index("Return value"):].split("\n")[0]
    lines = [_normalise(line) for line in text.splitlines()]
    return [line for line in lines if not line.startswith(("Process ", "* thread"))]


def test_pointers_in_linear_memory_are_followed_as_natively_in_lldb(builds: tuple[Path, Path]) -> None:
    wasm, native = builds
    commands = [f"breakpoint set -f pointers.c -l {_line('walk')}", "run", "frame variable *t",
                "frame variable *head", "frame variable head->next->value", "frame variable t->nodes[1]->value",
                "frame variable *head->next", "frame variable *t->names",
                "frame variable *names", "frame variable names[1]",
                "frame variable *chain[0].next->next",
                "frame variable head->next->next->label", "frame variable *head->next->next",
                "expression head->value = 7", "expression *q = 1", "frame variable chain[0] cells", "finish"]
    wasm_lines, native_lines = _lldb(wasm, commands, True), _lldb(native, commands, False)
    assert wasm_lines == native_lines, "\n".join(["--- wasm", *wasm_lines, "--- native", *native_lines])
    text = "\n".join(wasm_lines)
    assert "(int) head->next->value = 30" in text
    assert "label = ADDR \"second\"" in text and "next = NULL" in text
    assert "(const char *) *t->names = ADDR \"alpha\"" in text
    assert "(const char *) *names = ADDR \"alpha\"" in text
    # ``v[i]`` on the stand-in is LLDB's bit extraction of the offset: shown as the bit, never as a pointer.
    bit = _lldb(wasm, [f"breakpoint set -f pointers.c -l {_line('walk')}", "run", "frame variable t->cells[3]",
                       "frame variable t->cells[4]"], True)
    assert [line.split(" = ")[-1] for line in bit[1::2]] == ["0", "1"], bit  # 0x430: bit 3 clear, bit 4 set
    assert "(const char *) names[1] = ADDR \"beta\"" in text and "(int) t->nodes[1]->value = 30" in text
    assert "(const char *) head->next->next->label = ADDR \"beta\"" in text
    assert "(int[6]) cells = ([0] = 10, [1] = 20, [2] = 1, [3] = 40, [4] = 50, [5] = 60)" in text
    assert "Return value: (int) $2 = 335" in text
