"""Real C programs (wasi-libc linked, built at test time) debugged through the translation, AOT with the WASI
runtime, against the same C built natively: at every marked line, gdb and lldb print the same frame and values.

At -O0 the oracle is gcc and the transcripts must be equal. At -O1 the oracle is clang-19 (the same optimiser
upstream of the back ends) and the property is the one that matters: every value both builds show is the same
(a debugger never shows a wrong value), and most are shown. The one documented difference is left out of the
expressions: a pointer stored *in* linear memory is its 4-byte Wasm address (README, "Pointers")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emitter.aot import compile_file
from tests.test_cdebug_translate import ROOT
from tests.tools import run
from tests.wasm_clang import wasm_clang

PROGRAMS_DIR = ROOT / "samples" / "cdebug" / "programs"

#: Per program: the markers stopped at and the expressions printed there.
STOPS: dict[str, list[tuple[str, list[str]]]] = {
    "tape.c": [("get", ["tape.pos", "tape.cap", "value", "current->pos", "*greeting"]),
               ("grow", ["t->cap", "t->pos", "by"]),
               ("loop", ["step", "total", "t.pos", "t.cap", "argc", "current->cap"])],
    "matrix.c": [("init", ["i", "j", "n", "A[0][0]", "A[i][j]"]),
                 ("factor", ["k", "i", "factor", "A[i][k]", "A[k][k]", "A[1]"]),
                 ("trace", ["trace", "A[1][1]", "A"])],
    "words.c": [("found", ["k", "e->count", "word", "*word", "distinct", "e->next == 0"]),
                ("new", ["k", "distinct", "e->count", "word"]),
                ("done", ["distinct", "text"])],
    "sort.c": [("compare", ["x->key", "y->key", "*x", "*y", "x->tag"]),
               ("swap", ["i", "j", "pivot", "v[i]", "v[j]", "lo", "hi", "*v@6"]),
               ("sorted", ["records", "values", "records[3].weight"])],
    "calc.c": [("fib", ["n"]), ("factorial", ["result", "n"]),
               ("mul", ["e", "e.left", "e.op", "e.right"]), ("value", ["value", "e"])],
}


#: -O1 values where the producer's DWARF itself differs from the native build's: clang's Wasm back end moves the
#: loop counter's increment ahead of the loop body's last statement and describes ``step`` by the local that
#: already holds step + 1 there (``llvm-dwarfdump``: line 30 at 0x120, ``step`` in local 7 from 0x10e, the
#: increment at 0x10b). The translation shows what the producer describes.
PRODUCER_DIFFERENCES = {("tape.c", "loop", "step")}


def _marker(source: str, marker: str) -> int:
    lines = (PROGRAMS_DIR / source).read_text().splitlines()
    return next(number for number, text in enumerate(lines, 1) if f"/* @{marker} */" in text)


@pytest.fixture(scope="module")
def wasi_runtime(tmp_path_factory: pytest.TempPathFactory) -> Path:
    library = tmp_path_factory.mktemp("runtime") / "libjitdebug_wasi.a"
    run([*_jitdebug(), "runtime", "wasi", "-o", library], cwd=ROOT)
    return library


def _jitdebug() -> list[str | Path]:
    import sys

    return [sys.executable, "-m", "emitter.cli"]


def _builds(tmp_path: Path, source: str, optimisation: str, runtime: Path) -> tuple[Path, Path]:
    (tmp_path / source).write_text((PROGRAMS_DIR / source).read_text())
    wasm = tmp_path / "prog.wasm"
    wasm_clang(["--target=wasm32-wasi", "-g", optimisation, "-o", wasm, source], cwd=tmp_path)
    compile_file(wasm, tmp_path / "prog.o")
    for side in ("wasm", "native"):
        (tmp_path / side).mkdir()
    run(["gcc", "-g", "-o", "wasm/prog", "prog.o", runtime], cwd=tmp_path)
    native = ["gcc", "-g", "-O0"] if optimisation == "-O0" else ["clang-19", "-g", optimisation]
    run([*native, "-o", "native/prog", source], cwd=tmp_path)
    return tmp_path / "wasm" / "prog", tmp_path / "native" / "prog"


def _normalise(line: str) -> str:
    line = re.sub(r"0x[0-9a-f]+( <[^>]*>)?", "ADDR", line)
    line = line.replace("__main_argc_argv", "main")  # clang's Wasm name of main(argc, argv)
    # lldb prints by-value aggregate arguments in the frame line, pointer members (the documented difference)
    # included; gdb prints them as "...": their members are compared as expressions.
    line = re.sub(r"(\w)=\([^()]*\)", r"\1=(...)", line)
    return re.sub(r"(\.c:\d+):\d+", r"\1", line)  # columns: gcc and clang place them differently


_GDB_DRIVER = """
import gdb

class Stop(gdb.Breakpoint):
    def __init__(self, spec, marker, expressions):
        super().__init__(spec)
        self.marker, self.expressions, self.seen = marker, expressions, False

    def stop(self):
        if self.seen:  # the first hit only (a breakpoint that does not stop is not deleted when temporary)
            return False
        self.seen = True
        print("@" + self.marker)
        print(gdb.execute("bt 1", to_string=True).splitlines()[0])
        for expression in self.expressions:
            try:
                print("= " + gdb.parse_and_eval(expression).format_string())
            except gdb.error as error:
                print("= error: " + str(error))
        return False

for spec, marker, expressions in STOPS:
    Stop(spec, marker, expressions)
gdb.execute("run")
"""


def _gdb(program: Path, source: str) -> dict[str, list[str]]:
    stops = [(f"{source}:{_marker(source, marker)}", marker, expressions) for marker, expressions in STOPS[source]]
    (program.parent / "driver.py").write_text(f"STOPS = {stops!r}\n{_GDB_DRIVER}")
    out = run(["gdb", "-nx", "-batch", "-x", "driver.py", "./prog"], cwd=program.parent, timeout=120).stdout
    return _by_stop(out)


def _lldb(program: Path, source: str) -> dict[str, list[str]]:
    script: list[str] = []
    for number, (marker, expressions) in enumerate(STOPS[source], 1):
        variables = [e for e in expressions if re.fullmatch(r"[\w.\[\]>*-]+", e)]  # frame variable's syntax
        script += [f"breakpoint set -f {source} -l {_marker(source, marker)} --one-shot true -G true",
                   f"breakpoint command add {number}", "frame info", *[f"frame variable {e}" for e in variables],
                   "DONE"]
    (program.parent / "commands.lldb").write_text("\n".join([*script, "run"]) + "\n")
    out = run(["lldb-19", "--no-lldbinit", "-b", "-s", "commands.lldb", "--", "./prog"], cwd=program.parent,
              timeout=120).stdout
    markers = {_marker(source, marker): marker for marker, _ in STOPS[source]}
    stops: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in out.splitlines():
        frame = re.match(r"frame #0: .* at [\w.]+:(\d+)", line)
        if frame:
            current = stops.setdefault(markers.get(int(frame.group(1)), frame.group(1)), [])
            current.append(_normalise(re.sub(r"^frame #0: 0x[0-9a-f]+ ", "", line)))
        elif current is not None and line.startswith("(") and not line.startswith("(lldb)"):
            current.append(_normalise(line))
    return stops


def _by_stop(out: str) -> dict[str, list[str]]:
    """The driver's lines by marker (the program's own output, interleaved, is left out)."""
    stops: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in out.splitlines():
        if re.fullmatch(r"@\w+", line):
            current = stops.setdefault(line[1:], [])
        elif current is not None and line.startswith(("#0", "= ")):
            current.append(_normalise(line.removeprefix("= ")))
    return stops


@pytest.mark.parametrize("source", sorted(STOPS))
def test_real_programs_at_O0_print_as_natively(tmp_path: Path, source: str, wasi_runtime: Path) -> None:
    wasm, native = _builds(tmp_path, source, "-O0", wasi_runtime)
    for reader in (_gdb, _lldb):
        ours, theirs = reader(wasm, source), reader(native, source)
        assert set(ours) == {marker for marker, _ in STOPS[source]}, (reader.__name__, ours)
        assert ours == theirs, f"{reader.__name__}: (wasm, native) " + repr(
            {m: (ours.get(m), theirs.get(m)) for m in set(ours) | set(theirs) if ours.get(m) != theirs.get(m)})


@pytest.mark.parametrize("source", sorted(STOPS))
def test_real_programs_at_O1_never_show_a_wrong_value(tmp_path: Path, source: str, wasi_runtime: Path) -> None:
    wasm, native = _builds(tmp_path, source, "-O1", wasi_runtime)
    ours, theirs = _gdb(wasm, source), _gdb(native, source)
    compared = 0
    for marker in set(ours) & set(theirs):
        frame, *values = ours[marker]
        native_frame, *native_values = theirs[marker]
        if frame.split(" (")[0] != native_frame.split(" (")[0]:
            continue  # the optimisers placed the line's first statement in different functions (inlining)
        for expression, mine, reference in zip(dict(STOPS[source])[marker], values, native_values, strict=True):
            if any(word in text for text in (mine, reference) for word in ("optimized out", "error: ")):
                continue
            if (source, marker, expression) in PRODUCER_DIFFERENCES:
                continue
            assert mine == reference, (marker, expression, ours[marker], theirs[marker])
            compared += 1
    assert compared >= 2, (ours, theirs)
