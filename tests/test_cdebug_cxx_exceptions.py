"""C++ exceptions thrown through Wasm frames and caught in C++ (``samples/cdebug/exceptions.cpp``): built by
clang++-19 for wasm32-wasi with ``-fwasm-exceptions`` (legacy ``try``/``catch``) and linked with the project's
small C++ exception runtime (``samples/cdebug/wasm_cxx_eh.cpp``: Debian's wasm32 libc++abi has no exception
support), the program prints and exits under ``jitdebug run`` as the same source built natively by g++
(destructors of four frames run on the way, handlers chosen by type, ``catch (...)``, ``throw;``).

In gdb and lldb (``jitdebug gdb|lldb -- jitdebug run``) a breakpoint on the ``throw`` line shows the four
recursive frames and their locals, and one in the handler prints the caught exception through its C++ reference,
as for the native build. Normalised: addresses, columns, the source's directory, and two naming differences of
the Wasm build in gdb (frames are named by the symbol, ``descend(int)``, and a ``main`` without parameters is
clang's ``__original_main``); lldb names them as natively.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import ENV, ROOT, run
from tests.wasm_clang import wasm_clang

SAMPLES = ROOT / "samples" / "cdebug"
SOURCE = SAMPLES / "exceptions.cpp"


def _marker(marker: str) -> int:
    lines = SOURCE.read_text().splitlines()
    return next(number for number, text in enumerate(lines, 1) if f"// @{marker}" in text)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("cxx-eh")
    for name in ("exceptions.cpp", "wasm_cxx_eh.cpp"):
        (directory / name).write_text((SAMPLES / name).read_text())
    wasm = directory / "exceptions.wasm"
    wasm_clang(["--target=wasm32-wasi", "-fwasm-exceptions", "-g", "-O0", "-o", wasm, "exceptions.cpp",
                "wasm_cxx_eh.cpp"], cwd=directory, cxx=True)
    native = directory / "exceptions"
    run(["g++", "-g", "-O0", "-o", native, "exceptions.cpp"], cwd=directory)
    return wasm, native


def _output(argv: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in argv], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=300, env={**ENV, "PYTHONPATH": str(ROOT)})


def test_exceptions_through_wasm_frames_behave_as_natively(builds: tuple[Path, Path]) -> None:
    wasm, native = builds
    ours = _output([sys.executable, "-m", "emitter.cli", "run", wasm], wasm.parent)
    theirs = _output([native], native.parent)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout)
    assert ours.stdout.count("unwound level") == 7 and "caught Error 42 2.50\n" in ours.stdout
    assert "relay saw 42\ncaught again 42\ntotal 92\n" in ours.stdout and ours.returncode == 92 % 7


def _normalise(line: str) -> str:
    line = re.sub(r"exceptions\.wasm!(\S+?)(\([^()]*\))? \[wasm 0x[0-9a-f]+\]", r"\1", line)
    line = line.replace("__original_main", "main")
    line = re.sub(r"0x[0-9a-f]+", "ADDR", line)
    line = re.sub(r"/\S*/exceptions\.cpp", "exceptions.cpp", line)
    return re.sub(r"(\.cpp:\d+):\d+", r"\1", line)


def _gdb_transcript(out: str) -> list[str]:
    """Stops, frames up to ``main``, printed values (the program's own output is left out: stdout is buffered
    differently)."""
    kept: list[str] = []
    in_main = False
    for line in out.splitlines():
        line = _normalise(line)
        if line.startswith("#"):
            if line.startswith("#0"):
                in_main = False
            if in_main:
                continue
            in_main = " main () " in line
        elif not re.match(r"(\$\d+ = |Breakpoint \d+, |\d+\t)", line):
            continue
        kept.append(line)
    return kept


def _lldb_transcript(out: str) -> list[str]:
    kept: list[str] = []
    in_main = False
    for line in out.splitlines():
        frame = re.match(r"\s*\*? *frame #(\d+): 0x[0-9a-f]+ [^`]+`(.*)", line)
        if frame:
            if frame[1] == "0":
                in_main = False
            if not in_main:
                kept.append(_normalise(frame[2]))
                in_main = frame[2].startswith("main ")
        elif line.startswith("(") and not line.startswith("(lldb)"):
            kept.append(_normalise(line))
    return kept


def test_exceptions_in_gdb_as_natively(builds: tuple[Path, Path]) -> None:
    wasm, native = builds
    commands = [f"break exceptions.cpp:{_marker('throw')}", f"break exceptions.cpp:{_marker('caught')}", "run",
                "bt", "p n", "p guard", "delete 1", "continue", "p e", "p e.code", "p e.weight", "p caught", "bt"]
    options = [part for command in commands for part in ("-ex", command)]
    ours = _gdb_transcript(_output([sys.executable, "-m", "emitter.cli", "gdb", "-batch", "-ex",
                                    "set breakpoint pending on", *options, "--", "jitdebug", "run", wasm],
                                   wasm.parent).stdout)
    theirs = _gdb_transcript(_output(["gdb", "-nx", "-batch", *options, native], native.parent).stdout)
    assert ours == theirs
    assert "#3  ADDR in descend (n=3) at exceptions.cpp:19" in ours
    assert "$3 = (const Error &) @ADDR: {code = 42, weight = 2.5}" in ours and "$6 = 0" in ours


def test_exceptions_in_lldb_as_natively(builds: tuple[Path, Path], tmp_path: Path) -> None:
    wasm, native = builds
    script = tmp_path / "commands.lldb"
    script.write_text("\n".join([f"breakpoint set -f exceptions.cpp -l {_marker('throw')}",
                                 f"breakpoint set -f exceptions.cpp -l {_marker('caught')}", "run", "bt",
                                 "frame variable n guard", "breakpoint delete 1", "continue",
                                 "frame variable e caught", "p e.weight", "bt"]) + "\n")
    ours = _lldb_transcript(_output([sys.executable, "-m", "emitter.cli", "lldb", "-b", "-o",
                                     f"command source -e false {script}", "-k", "quit 0", "--", "jitdebug", "run",
                                     wasm], wasm.parent).stdout)
    theirs = _lldb_transcript(_output(["lldb-19", "--no-lldbinit", "-b", "-s", script, "--", native],
                                      native.parent).stdout)
    assert ours == theirs
    assert "descend(n=3) at exceptions.cpp:19" in ours
    assert "(const Error &) e = ADDR (code = 42, weight = 2.5)" in ours and "(int) caught = 0" in ours


def _statement_lines(dump: str) -> set[int]:
    """The lines of exceptions.cpp that have an ``is_stmt`` row in ``llvm-dwarfdump --debug-line`` output."""
    files = {int(m[1]): m[2] for m in re.finditer(r'file_names\[\s*(\d+)\]:\s*\n\s*name: "([^"]+)"', dump)}
    lines: set[int] = set()
    for table in dump.split("debug_line[")[1:]:
        names = {int(m[1]): m[2] for m in re.finditer(r'file_names\[\s*(\d+)\]:\s*\n\s*name: "([^"]+)"', table)}
        for row in re.finditer(r"^0x[0-9a-f]+\s+(\d+)\s+\d+\s+(\d+)\s.*\bis_stmt\b", table, re.MULTILINE):
            if (names or files).get(int(row[2]), "").endswith("exceptions.cpp") and int(row[1]) > 0:
                lines.add(int(row[1]))
    return lines


def test_every_statement_line_of_the_handlers_is_kept(builds: tuple[Path, Path], tmp_path: Path) -> None:
    """A legacy ``try`` block's code for its end comes early in native order; the rows after it (the handlers,
    the following ``try`` blocks) stay statements, so ``break`` on a line in a handler stops there."""
    from emitter.aot import compile_file

    wasm, _ = builds
    compile_file(wasm, tmp_path / "exceptions.o")
    producer = _statement_lines(run(["llvm-dwarfdump-19", "--debug-line", wasm]).stdout)
    translated = _statement_lines(run(["llvm-dwarfdump-19", "--debug-line", tmp_path / "exceptions.o"]).stdout)
    assert _marker("caught") in producer and len(producer) > 30
    assert producer - translated == set()


def test_the_body_is_the_longest_non_decreasing_run_of_pieces() -> None:
    """Pieces ahead of their turn (50, 51) and out-of-line stubs after the body (2) are not the body; the
    compiler's own code (None) is."""
    from emitter.dwarf.translate_line import in_body

    assert in_body([None, 1, 2, 50, 51, 3, 4, 5, 60, 2]) == [True, True, True, False, False, True, True, True,
                                                             True, False]
    assert in_body([]) == [] and in_body([None]) == [True] and in_body([7, 7, 3]) == [True, True, False]
