"""Every line row kept, on the real programs (``samples/cdebug/programs``, wasi-libc linked): a breakpoint on any
line resolves, in gdb and lldb, to the same functions (an inlined copy counted as its function) as in the same C
built natively by clang-19 at the same optimisation level (the same optimiser, so the same inlining), at -O0, -O1
and -O2. ``test_cdebug_lines.py`` compares lines as well on ``shapes.c``; here the lines a breakpoint moves to
differ where the producers' line tables do, so the functions are compared.

The native build drops unused sections (``-ffunction-sections -Wl,--gc-sections``) as ``wasm-ld`` does by
default: otherwise it keeps out-of-line copies of functions inlined everywhere (``tape_get``), which the Wasm
build does not have, and a line of theirs resolves there natively and to the next line with code in ours.

Where the two back ends write different rows, a breakpoint moves differently, and these are kept apart:
- ``PRODUCER_DIFFERENCES``: lines that clang's Wasm back end gives no row at all (checked with
  ``llvm-dwarfdump-19 --debug-line``), so the debugger moves the breakpoint to the next line with code, which
  may be in another function (``distinct++;`` in ``words.c``'s ``add`` at -O1/-O2: its code carries line 0 or
  24 in the Wasm build, line 25 natively).
- Lines compared by function only, the lines themselves differing by the producer too: at -O0 the x86-64 back
  end gives a loop body's closing brace the back edge's jump, the Wasm back end gives its ``br`` the loop
  header's line (``matrix.c`` 19-20, ``sort.c`` 18); at -O1 lldb moves a breakpoint on ``main``'s first line
  past the prologue, onto the first row of the inlined ``init`` the producer marks (line 10 in the Wasm build,
  8 natively).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from emitter.aot import compile_file
from tests.test_cdebug_lines import _gdb_locations, _lldb_locations
from tests.test_cdebug_programs import PROGRAMS_DIR
from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

PROGRAMS = ("tape.c", "matrix.c", "words.c", "sort.c", "calc.c")

#: (program, level, line) whose line has no row in the producer's (Wasm) line table.
PRODUCER_DIFFERENCES = {("words.c", "-O1", 25), ("words.c", "-O2", 25)}


@pytest.fixture(scope="module")
def wasi_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = tmp_path_factory.mktemp("runtime") / "libjitdebug_wasi.a"
    run([sys.executable, "-m", "emitter.cli", "runtime", "wasi", "-o", library], cwd=ROOT)
    return library


def _producer_lines(wasm: Path, source: str) -> set[int]:
    """The lines of ``source`` that the module's line tables have a row for (llvm-dwarfdump-19)."""
    out = run(["llvm-dwarfdump-19", "--debug-line", wasm]).stdout
    lines: set[int] = set()
    for table in out.split("debug_line[")[1:]:
        files = {int(index) for index, name in re.findall(r'file_names\[\s*(\d+)\]:\n\s+name: "([^"]+)"', table)
                 if name.endswith(source) and (name == source or name.endswith("/" + source))}
        for line, file in re.findall(r"^0x[0-9a-f]+\s+(\d+)\s+\d+\s+(\d+)\s", table, re.M):
            if int(file) in files:
                lines.add(int(line))
    return lines


def _functions(locations: dict[int, list[str]]) -> dict[int, list[str]]:
    """Per breakpoint, the functions it resolved to (clang's Wasm names of ``main`` spelled ``main``)."""
    return {number: sorted({re.sub(r"^(?:__main_argc_argv|__original_main)$", "main", where.rsplit(":", 1)[0])
                            for where in found}) for number, found in locations.items()}


@pytest.mark.parametrize("level", ["-O0", "-O1", "-O2"])
@pytest.mark.parametrize("source", PROGRAMS)
def test_line_breakpoints_resolve_to_the_same_functions_as_natively(tmp_path: Path, source: str, level: str,
                                                                    wasi_runtime: Path) -> None:
    (tmp_path / source).write_text((PROGRAMS_DIR / source).read_text())
    wasm = tmp_path / "prog.wasm"
    wasm_clang(["--target=wasm32-wasi", "-g", level, "-o", wasm, source], cwd=tmp_path)
    compile_file(wasm, tmp_path / "prog.o")
    for side in ("wasm", "native"):
        (tmp_path / side).mkdir()
    run(["gcc", "-g", "-o", "wasm/prog", "prog.o", wasi_runtime], cwd=tmp_path)
    run(["clang-19", "-g", level, "-ffunction-sections", "-Wl,--gc-sections", "-o", "native/prog", source],
        cwd=tmp_path)
    produced = _producer_lines(wasm, source)
    expected = {line for program, at, line in PRODUCER_DIFFERENCES if (program, at) == (source, level)}
    assert not expected & produced, "a listed producer difference has a producer row now"
    for reader in (_gdb_locations, _lldb_locations):
        ours = _functions(reader(tmp_path / "wasm" / "prog", source, PROGRAMS_DIR))
        theirs = _functions(reader(tmp_path / "native" / "prog", source, PROGRAMS_DIR))
        differences = {line: (ours.get(line), theirs.get(line)) for line in set(ours) | set(theirs)
                       if ours.get(line) != theirs.get(line)}
        assert set(differences) <= expected, f"{reader.__name__}: breakpoint -> (wasm, native) {differences}"
        # Not vacuous: breakpoints resolved (lldb keeps fewer of those on lines without code).
        assert sum(len(where) for line, where in ours.items() if line in produced) >= 3
    assert len(produced) >= 3  # matrix.c at -O2 is folded to a constant: its rows are main's 23, 28, 29
