"""The Rust program of ``tests/test_rustdebug_gdb.py`` under ``jitdebug lldb -- jitdebug run``, against its native
build (the same rustc) under plain lldb-19.

lldb-19 has no Rust language plugin: it reads Rust's DWARF through its C++ type system, so natively as here a
reference is a C pointer (``(shapes::Point *) self``, ``p self->x - other->x``), an enum is a struct of all its
variants (``$variants$``, each with the same ``$discr$``), a slice or ``&str`` is its ``{data_ptr, length}``,
``usize`` an unsigned integer of the target's size (4 bytes on wasm32, 8 natively), and a ``&str``'s ``data_ptr``
is read as a C string, past the slice's length to the next zero byte (whatever follows the text in memory, which
differs between the builds). Besides those bytes, what a user sees is the same: breakpoints by Rust path and
``file:line``, ``bt`` (lldb names frames by the mangled symbol demangled, hash included), ``frame variable``,
``p`` of members and expressions, and ``finish`` with the returned integer. (Not ``frame variable shapes``: the
``Empty`` variant's payload bytes are never written, and lldb shows them under the other variants.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cdebug_transcripts import jit_debugger, lldb_transcript, run_interleaved
from tests.rust_wasm import build
from tests.test_rustdebug_gdb import SOURCE, line


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("rust-lldb")
    return build(SOURCE, out / "shapes.wasm", wasm=True), build(SOURCE, out / "shapes", wasm=False)


def _normalise(line_text: str) -> str:
    line_text = re.sub(r"0x[0-9a-f]+", "ADDR", line_text)
    return re.sub(r"::h[0-9a-f]{16}\b", "", line_text)  # the symbol's hash: the target's own


def _str_text(lines: list[str]) -> list[str]:
    """A ``&str``'s C-string reading, which runs past its length into bytes that differ by nature, cut at its
    ``length`` bytes; lldb puts the value in the frame line when it has no summary provider, in braces when it
    has (the plugin's, for the stand-in ``data_ptr``): both shown as the brace form."""
    out: list[str] = []
    for text in lines:
        text = re.sub(r'name=\(data_ptr = "[^"]*", length = 5\)', "name=&str @ ADDR", text)
        if text.startswith('(&str) name = (data_ptr = "'):
            out += ["(&str) name = {", '  data_ptr = ADDR "point…"', "  length = 5", "}"]
            continue
        out.append(re.sub(r'^  data_ptr = ADDR "point[^"]*"$', '  data_ptr = ADDR "point…"', text))
    return out


def test_rust_in_lldb_as_natively(programs: tuple[Path, Path], tmp_path: Path) -> None:
    commands = ["breakpoint set -n shapes::area", f"breakpoint set -f shapes.rs -l {line('sum')}",
                "breakpoint set -n shapes::Point::manhattan", "breakpoint set -n shapes::describe",
                "run", "bt 2", "frame variable", "p *shape", "finish",
                "breakpoint delete 1", "continue", "frame variable", "p *v",
                "up", "frame variable origin corner total_area", "p shapes[1]", "p origin.x + corner.y",
                "breakpoint delete 2", "continue", "frame variable", "p *self", "p self->x - other->x", "finish",
                "continue", "frame variable"]
    script = tmp_path / "commands.lldb"
    script.write_text("".join(command + "\n" for command in commands))
    wasm, native = programs
    jit = jit_debugger("lldb", ["-b", "-o", f"command source -e false {script}", "-k", "quit 0"], [wasm.name])
    ours = _str_text([_normalise(t) for t in lldb_transcript(run_interleaved(jit, wasm.parent), values_only=False)])
    theirs = _str_text([_normalise(t) for t in lldb_transcript(
        run_interleaved(["lldb-19", "--no-lldbinit", "-b", "-s", script, "--", native], native.parent),
        values_only=False)])
    assert ours == theirs, "\n".join(["--- wasm", *ours, "--- native", *theirs])
    for expected in ("shapes::area(shape=ADDR) at shapes.rs:34:11", "shapes::main at shapes.rs:98:23",
                     "(shapes::Shape *) shape = ADDR", "        radius = 5", "Return value: (unsigned long) $0 = 75",
                     f"shapes::sum(values=&[i32] @ ADDR) at shapes.rs:{line('sum')}:9", "  length = 8",
                     "(int) total = 0", "(int) 3", "(shapes::Point) corner = (x = 4, y = 6)",
                     "(unsigned long) total_area = 87", "        __1 = (x = 4, y = 6)", "(int) 7",
                     "(shapes::Point)  (x = 1, y = 2)", "(int) -3",
                     "Return value: (int) $1 = 7", "(shapes::Color) color = Green", "      value = (__0 = 12)",
                     "((i32, bool)) pair = (__0 = 7, __1 = true)"):
        assert expected in ours, expected


def test_rust_function_returning_a_string_shows_it_after_finish(programs: tuple[Path, Path], tmp_path: Path) -> None:
    """``greet`` returns its ``String`` through the Wasm ABI's hidden pointer, and its code also puts the value's
    native address in rax (LLDB reads a value with a zero-sized member, ``PhantomData``, there): ``finish`` shows
    the string's fields as natively."""
    commands = ["breakpoint set -n shapes::greet", "run", "finish", "kill"]
    script = tmp_path / "commands.lldb"
    script.write_text("".join(command + "\n" for command in commands))
    wasm, native = programs
    jit = jit_debugger("lldb", ["-b", "-o", f"command source -e false {script}", "-k", "quit 0"], [wasm.name])
    outputs = [run_interleaved(jit, wasm.parent),
               run_interleaved(["lldb-19", "--no-lldbinit", "-b", "-s", script, "--", native], native.parent)]
    values = []
    for out in outputs:
        lines = out.splitlines()
        start = next(k for k, text in enumerate(lines) if text.startswith("Return value: "))
        end = next(k for k in range(start, len(lines)) if lines[k] == "}")
        values.append([re.sub(r"\$\d+", "$N", text) for text in lines[start:end + 1]])
    ours, theirs = values
    assert ours[0] == theirs[0] == "Return value: (alloc::string::String) $N = {", (ours, theirs)
    # The buffer's pointer: the plugin follows the stand-in to the bytes, which lldb shows as a struct.
    assert any(re.fullmatch(r' +pointer = 0x[0-9a-f]+ "ababab"', text) for text in ours), ours
    assert theirs[4].strip() == 'pointer = (pointer = "ababab")', theirs
    assert ours[:4] == theirs[:4] and ours[-7:] == theirs[-7:], (ours, theirs)
    assert "      cap = 8" in ours and "    len = 6" in ours
