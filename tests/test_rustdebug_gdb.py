"""A Rust program with DWARF (``samples/rustdebug/shapes.rs``, rustc 1.63 for wasm32-wasi at -O0 and -O1) under
``jitdebug gdb -- jitdebug run``, against the same source built natively by the same rustc under plain gdb 13. What
a user does: breakpoints by Rust path (``shapes::area``, a method ``shapes::Point::manhattan``) and by
``file.rs:line`` (in a generic function too), ``bt`` through ``main``, ``info args``/``info locals``, ``p`` of
integers, floats, references (``*shape``, ``*self``), slices and ``&str`` (read through the linear memory's base:
``&[i32] [3, 1, 4, …]``, ``"point"``), structs, tuples, enums with and without data, ``Option``, a ``Vec``,
expressions (``self.x - other.x``) and ``finish`` with the returned integer: equal to the native build's once
addresses are taken out and Wasm frames' names (``<unknown>!shapes::area::h… [wasm 0x…]``, wasmtime's names) are
read as gdb's. Differences by nature, asserted as such: a function returning an aggregate through memory (the Wasm
ABI's hidden pointer: ``greet`` -> ``String``) shows no returned value after ``finish`` in gdb (natively gdb reads
it through rax; its type is kept, with DW_CC_nocall, which gdb's ``finish`` honours too), and at -O1 a variable the
Wasm build keeps nowhere is ``<optimized out>`` where the native build has it; no value differs.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.cdebug_transcripts import jit_debugger, run_interleaved
from tests.native_debug import jitdebug_env
from tests.rust_wasm import SAMPLES, build
from tests.tools import run

SOURCE = SAMPLES / "shapes.rs"


def line(marker: str) -> int:
    """The line of ``shapes.rs`` that ends with the comment ``// marker``."""
    lines = SOURCE.read_text().splitlines()
    return next(n for n, text in enumerate(lines, 1) if text.rstrip().endswith(f"// {marker}"))


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[int, tuple[Path, Path]]:
    out = tmp_path_factory.mktemp("rust-gdb")
    return {level: (build(SOURCE, out / f"shapes{level}.wasm", wasm=True, opt_level=level),
                    build(SOURCE, out / f"shapes{level}", wasm=False, opt_level=level)) for level in (0, 1)}


def _normalise(text: str) -> list[str]:
    """From the first stop on; addresses out; a Wasm frame's name (wasmtime's: the demangled symbol with its
    hash, ``[wasm 0x…]``) read as gdb names the native frame; frames below ``main`` out (the Wasm build's go on
    into the runtime and the host)."""
    kept: list[str] = []
    below_main = False
    first_stop = re.search(r"\nBreakpoint [\d.]+, ", text)
    assert first_stop is not None, text
    for text_line in text[first_stop.start():].splitlines()[1:]:
        if text_line.startswith("["):  # libthread_db, the inferior's exit
            continue
        text_line = re.sub(r"0x[0-9a-f]+( <[^>]*>)?", "ADDR", text_line)
        text_line = re.sub(r"<unknown>!(\S+?)(?:::h[0-9a-f]{16})? \[wasm ADDR\]", r"\1", text_line)
        if text_line.startswith("#"):
            if below_main:
                continue
            below_main = " shapes::main (" in text_line
        else:
            below_main = False
        kept.append(text_line)
    return kept


def _transcripts(programs: tuple[Path, Path], commands: list[str]) -> tuple[list[str], list[str]]:
    wasm, native = programs
    options = [part for command in commands for part in ("-ex", command)]
    ours = run_interleaved(jit_debugger("gdb", ["-batch", "-ex", "set breakpoint pending on", *options],
                                        [wasm.name]), wasm.parent)
    theirs = run_interleaved(["gdb", "-nx", "-batch", *options, native], native.parent)
    return _normalise(ours), _normalise(theirs)


def test_rust_at_o0_in_gdb_as_natively(builds: dict[int, tuple[Path, Path]]) -> None:
    commands = [
        "break shapes::area", f"break shapes.rs:{line('sum')}", f"break shapes.rs:{line('largest')}",
        "break shapes::Point::manhattan", "break shapes::describe",
        "run", "bt", "info args", "p *shape", "p shape", "finish",
        "delete 1", "continue", "bt", "info locals", "p values", "p values.length", "p *v", "up", "info locals",
        "p numbers", "p shapes[1]", "p origin", "p origin.y + corner.x", "ptype origin",
        "delete 2", "continue", "info args", "info locals", "p items", "p best",
        "delete 3", "continue", "bt", "p *self", "p other.y", "p self.x - other.x", "finish",
        "continue", "info args", "p name", "p color", "p size", "p pair", "p pair.0", "finish",
    ]
    ours, theirs = _transcripts(builds[0], commands)
    assert ours == theirs, "\n".join(["--- wasm", *ours, "--- native", *theirs])
    text = "\n".join(ours)
    sum_line, largest_line = line("sum"), line("largest")
    for expected in (
            "#0  shapes::area (shape=ADDR) at shapes.rs:34",
            "$1 = shapes::Shape::Circle{center: shapes::Point {x: 1, y: 2}, radius: 5}",
            "$2 = (*mut shapes::Shape) ADDR",
            "Value returned is $3 = 75",
            f"Breakpoint 2, shapes::sum (values=...) at shapes.rs:{sum_line}",
            "$4 = &[i32] [3, 1, 4, 1, 5, 9, 2, 6]", "$5 = 8", "$6 = 3", "total = 0", "total_area = 87",
            "$8 = shapes::Shape::Rect(shapes::Point {x: 1, y: 2}, shapes::Point {x: 4, y: 6})",
            "$9 = shapes::Point {x: 1, y: 2}", "$10 = 6",
            # Two instantiations, two locations: largest<i32> first.
            f"Breakpoint 3.1, shapes::largest<i32> (items=...) at shapes.rs:{largest_line}",
            "items = &[i32] [3, 1, 4, 1, 5, 9, 2, 6]", "item = 4", "best = 3",
            "#0  shapes::Point::manhattan (self=ADDR, other=ADDR) at shapes.rs:27",
            "$13 = shapes::Point {x: 1, y: 2}", "$15 = -3", "Value returned is $16 = 7",
            "name = \"point\"", "color = shapes::Color::Green", "size = core::option::Option<u32>::Some(12)",
            "pair = (7, true)", "Value returned is $22 = 15"):
        assert expected in ours, expected
    assert "#1  ADDR in shapes::main () at shapes.rs:" in text


def test_rust_variable_written_from_gdb(builds: dict[int, tuple[Path, Path]]) -> None:
    """``set var`` on a Rust local writes linear memory: the function goes on from the new value."""
    commands = [f"break shapes.rs:{line('sum')}", "run", "set var total = 40", "p total", "delete 1", "finish"]
    ours, theirs = _transcripts(builds[0], commands)
    assert ours == theirs, "\n".join(["--- wasm", *ours, "--- native", *theirs])
    assert "$1 = 40" in ours and "Value returned is $2 = 71" in ours  # 40 + 3 + the seven others (28)


def test_rust_function_returning_through_memory_shows_no_value_after_finish(
        builds: dict[int, tuple[Path, Path]]) -> None:
    commands = ["break shapes::greet", "run", "info args", "finish", "next", "p word.vec.len"]
    ours, theirs = _transcripts(builds[0], commands)
    assert any(text.startswith("Value returned is $1 = alloc::string::String {vec: ") for text in theirs)
    # The return type is kept, but DW_CC_nocall (a call from gdb would pass the arguments wrongly) makes gdb's
    # finish show no value.
    assert not any(text.startswith("Value returned is ") for text in ours)
    assert "Value returned has type: alloc::string::String. Cannot determine contents" in ours
    # The string is there all the same, once assigned.
    assert ours[-1] == "$1 = 6" and theirs[-1] == "$2 = 6"


def test_rust_at_o1_in_gdb_values_right_or_optimized_out(builds: dict[int, tuple[Path, Path]]) -> None:
    """``area`` inlined into ``main``: its frame, its lines and ``r`` as natively; its reference argument, which
    the Wasm build's code keeps in no place the translation can name, ``<optimized out>``."""
    commands = ["break shapes::area", f"break shapes.rs:{line('circle')}", "run", "info args", "continue",
                "info args", "info locals", "bt"]
    ours, theirs = _transcripts(builds[1], commands)
    assert len(ours) == len(theirs), "\n".join(["--- wasm", *ours, "--- native", *theirs])
    for mine, native in zip(ours, theirs, strict=True):
        assert mine == native or mine == re.sub(r"\b(\w+)(=| = )ADDR", r"\1\2<optimized out>", native), (mine, native)
    assert "r = 5" in ours and "#1  shapes::main () at shapes.rs:98" in ours


def test_wasm_break_by_rust_path_stops_in_every_instantiation(builds: dict[int, tuple[Path, Path]]) -> None:
    """The plugin's ``wasm break`` takes a Rust path as the source spells it (the demangled symbol without its
    hash): a generic function's instantiations are one Wasm function each, each a location."""
    wasm, _native = builds[0]
    out = run_interleaved(jit_debugger("gdb", ["-batch", "-ex", "wasm break shapes::largest", "-ex", "run",
                                               "-ex", "wasm bt 1", "-ex", "continue", "-ex", "wasm bt 1"],
                                       [wasm.name]), wasm.parent)
    located = re.findall(r"Wasm breakpoint 1 at 0x[0-9a-f]+: <unknown>!shapes::largest::h[0-9a-f]{16}, wasm 0x", out)
    assert len(located) == 2, out
    stops = re.findall(r"^Breakpoint \d+, 0x[0-9a-f]+ in (shapes::largest<\w+>) \(items=\.\.\.\) "
                       r"at shapes\.rs:(\d+)",
                       out, re.M)
    assert stops == [("shapes::largest<i32>", "56"), ("shapes::largest<f64>", "56")], out
    assert len(re.findall(r"^ +0: +0x[0-9a-f]+ - <unknown>!shapes::largest::h[0-9a-f]{16}  \[#0\]", out, re.M)) == 2


def test_rust_aot_executable_in_plain_gdb(builds: dict[int, tuple[Path, Path]], tmp_path: Path) -> None:
    """The AOT object linked with the WASI runtime, under gdb without the plugin: Rust breakpoints, ``bt``,
    values and ``finish`` as above; a slice's ``data_ptr`` is its true value, the offset in linear memory (no
    printer follows it), and subscripting it is an error, not gdb's internal error. rustc's module exports its
    ``main``, whose C symbol would be the executable's ``main``: the exports get a prefix."""
    wasm, _native = builds[0]
    program = tmp_path / "shapes"
    run([sys.executable, "-m", "emitter.cli", "compile", wasm, "--export-prefix", "shapes_", "-o",
         tmp_path / "shapes.o"], env=jitdebug_env())
    run([sys.executable, "-m", "emitter.cli", "runtime", "wasi", "-o", tmp_path / "libjitdebug_wasi.a"],
        env=jitdebug_env())
    run(["cc", "-o", program, tmp_path / "shapes.o", tmp_path / "libjitdebug_wasi.a", "-lm"])
    assert run([program]).stdout.startswith("area 87 sum 31 top 9 widest 7.25 distance 7 described 15 word ababab\n")
    commands = ["break shapes::area", f"break shapes.rs:{line('sum')}", "run", "bt", "p *shape", "finish",
                "delete 1", "continue", "info args", "p values.length", "p values[2]", "p *v"]
    out = run_interleaved(["gdb", "-nx", "-batch", *[part for command in commands for part in ("-ex", command)],
                           program], tmp_path)
    for expected in (r"#0  shapes::area \(shape=0x[0-9a-f]+\) at shapes\.rs:34\n"
                     r"#1  0x[0-9a-f]+ in shapes::main \(\) at shapes\.rs:98\n",
                     r"\$1 = shapes::Shape::Circle\{center: shapes::Point \{x: 1, y: 2\}, radius: 5\}\n",
                     r"Value returned is \$2 = 75\n", r"values = &\[i32\] \{data_ptr: \d+, length: 8\}\n",
                     r"\$3 = 8\nCannot subscript non-array type\n\$4 = 3\n"):
        assert re.search(expected, out), (expected, out)
