"""Functions the linker discarded (``wasm-ld`` keeps their DWARF with a tombstone ``DW_AT_low_pc``) are not
written into the translated DWARF: they have no code, so a debugger could do nothing with them, and translating
them was part of every WASI program's cost. Types, declarations and whatever a kept DIE refers to stay, and the
result verifies with llvm-dwarfdump-19."""

from __future__ import annotations

import re
from pathlib import Path

from emitter.aot import compile_file
from tests.test_cdebug_translate import ROOT
from tests.tools import run
from tests.wasm_clang import wasm_clang

SAMPLES = ROOT / "samples" / "cdebug"


def _dies(dump: str) -> list[str]:
    """llvm-dwarfdump's DIEs, one text each (the tag line and its attributes)."""
    return re.split(r"\n(?=0x[0-9a-f]+: )", dump)


def _named(dies: list[str], tag: str, name: str) -> list[str]:
    return [die for die in dies if f" {tag}\n" in die and f'DW_AT_name\t("{name}")' in die]


def test_discarded_functions_are_dropped_and_what_kept_dies_name_stays(tmp_path: Path) -> None:
    (tmp_path / "discarded.cpp").write_text((SAMPLES / "discarded.cpp").read_text())
    wasm = tmp_path / "discarded.wasm"
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export=used", "-o", wasm,
                "discarded.cpp"], cwd=tmp_path, cxx=True)
    producer = _dies(run(["llvm-dwarfdump-19", "--debug-info", wasm]).stdout)
    for name in ("discarded_helper", "unused"):  # the premise: the linker discarded both
        [die] = _named(producer, "DW_TAG_subprogram", name)
        assert "DW_AT_low_pc\t(dead code)" in die
    obj = tmp_path / "discarded.o"
    compile_file(wasm, obj)
    verify = run(["llvm-dwarfdump-19", "--verify", obj]).stdout
    assert "No errors." in verify, verify
    dies = _dies(run(["llvm-dwarfdump-19", "--debug-info", obj]).stdout)
    assert not _named(dies, "DW_TAG_subprogram", "discarded_helper")
    assert not _named(dies, "DW_TAG_variable", "total") and not _named(dies, "DW_TAG_variable", "i")
    # `unused` is kept because the unit's Box<Inner> names the type declared in it (no reference dangles).
    [unused] = _named(dies, "DW_TAG_subprogram", "unused")
    assert "DW_AT_low_pc" not in unused
    [inner] = _named(dies, "DW_TAG_structure_type", "Inner")
    [box] = _named(dies, "DW_TAG_structure_type", "Box<Inner>")
    assert dies.index(unused) < dies.index(inner) < dies.index(box)
    [used] = _named(dies, "DW_TAG_subprogram", "used")
    assert "DW_AT_low_pc" in used
    # Types only the discarded code used stay: gdb prints them from the object.
    gdb = run(["gdb", "-nx", "-batch", "-ex", "ptype struct Shared", "-ex", "ptype Box<Inner>", "-ex",
               "info address discarded_helper", "-ex", "break used", obj]).stdout
    assert "type = struct Shared {\n    int a;\n    long b;\n}" in gdb, gdb
    assert "T inner;" in gdb or "Inner inner;" in gdb, gdb
    assert re.search(r"Breakpoint 1 at 0x[0-9a-f]+: file discarded\.cpp, line 22\.", gdb), gdb


def test_a_wasi_program_keeps_no_subprogram_without_code(tmp_path: Path) -> None:
    """wasi-libc's units describe many functions the linker dropped: none is left as a definition without code
    (every subprogram written has code, or is a declaration or an abstract inline instance)."""
    source = tmp_path / "words.c"
    source.write_text((SAMPLES / "programs" / "words.c").read_text())
    wasm = tmp_path / "words.wasm"
    wasm_clang(["--target=wasm32-wasi", "-g", "-O1", "-o", wasm, source], cwd=tmp_path)
    producer = _dies(run(["llvm-dwarfdump-19", "--debug-info", wasm]).stdout)
    dead = [die for die in producer if " DW_TAG_subprogram\n" in die and "DW_AT_low_pc\t(dead code)" in die]
    assert len(dead) > 10
    obj = tmp_path / "words.o"
    compile_file(wasm, obj)
    verify = run(["llvm-dwarfdump-19", "--verify", obj]).stdout
    assert "No errors." in verify, verify
    dies = _dies(run(["llvm-dwarfdump-19", "--debug-info", obj]).stdout)
    subprograms = [die for die in dies if " DW_TAG_subprogram\n" in die]
    without_code = [die for die in subprograms if not re.search(r"DW_AT_(low_pc|ranges|declaration|inline)", die)]
    assert not without_code, without_code[:3]
    defined = {m.group(1) for die in subprograms for m in [re.search(r'DW_AT_name\t\("(\w+)"\)', die)] if m}
    assert {"main", "printf", "malloc"} <= defined
