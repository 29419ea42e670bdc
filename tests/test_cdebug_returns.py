"""Returning from a call whose value is not used (a ``void`` function, a dropped result): ``finish`` stops at the
start of the next statement, as in the same C built natively by gcc, in gdb and lldb, AOT and JIT
(``samples/cdebug/returns.c``), while ``bt`` and ``up`` still show the caller at the call's line and ``next`` over
such a call stops on the next line; at -O0, -O1 and -O2.

Our code reloads the memory base after every call: that reload (and a dropped result's store) is the call's
bookkeeping, so it starts the next instruction's row. The return address then begins the next statement's row,
as natively; before, it was the call's row, and ``finish`` showed ``0x… in main () at returns.c:24`` for gcc's
``main () at returns.c:25``. At -O1 and -O2 clang's Wasm back end gives the instruction after a call line 0 when
it is a rematerialised argument of the next call (``i32.const 7`` for ``twice(7)``): the line translation gives
a row starting at a return address the next row with a line (``translate_line.rows_after_calls``), as the
native code has it; before, ``finish`` out of ``bump(k)`` showed ``0x… in both (k=12) at returns.c:17`` for gcc's
``both (k=k@entry=12) at returns.c:18``.

Optimised builds, compared with what a user would notice where gcc and clang legitimately differ:
- gcc describes parameters with entry values as well (``x=x@entry=6``), clang's Wasm back end does not: the
  value is the same, so ``NAME=NAME@entry=V`` reads ``NAME=V``.
- gcc marks the row of a closing brace that is only a ``ret`` a non-statement, clang (native and Wasm) a
  statement, so ``next`` off a function's last statement stops at its ``}`` in clang's builds and returns to
  the caller in gcc's: the optimised scripts leave a function by ``finish`` (of the frame ``up`` selects too)
  instead, and do not ``finish`` out of ``main`` (ours goes on into wasi-libc's start code).
- At -O2 gcc schedules ``main`` differently (``n = twice(n)`` returns into the code of line 28, the argument
  of ``both`` kept in a register across the call), so the -O2 script's transcripts are compared with clang-19's
  native -O2 build (the same optimiser), and a shorter one, stopping in the void calls and the call whose
  result is dropped (``bt``, ``up``, ``finish``), which gcc does not reschedule, with gcc's -O2 build.
- Stepping out of a callee by ``step`` passes its closing brace in clang's builds and not in gcc's (above), so
  it is compared with clang-19's native build at each level.
- Everywhere, a value the native code has lost (``<optimized out>``, ``<unavailable>``: its register reused;
  lldb does not evaluate gcc's entry values) may be shown by ours, where the Wasm local still holds it: the
  rest of the line must be equal.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from emitter.aot import compile_file
from tests.cdebug_transcripts import gdb_transcript, jit_debugger, lldb_transcript, run_interleaved
from tests.test_cdebug_translate import SAMPLES
from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

#: ``next`` over a void call; stop in each callee, bt, finish: a dropped result, an assigned one, a void call and a
#: dropped result in a callee, the call of the callee; ``next`` after a finish.
GDB = ["set breakpoint pending on", "break returns.c:24", "break twice", "run", "next", "break returns.c:8",
       "continue", "bt 2", "finish", "continue", "finish", "next", "continue", "bt 2", "finish", "continue", "finish",
       "next", "finish", "kill"]
LLDB = ["breakpoint set -f returns.c -l 24", "breakpoint set -n twice", "run", "thread step-over",
        "breakpoint set -n bump", "continue", "bt 2", "finish", "continue", "finish", "thread step-over", "continue",
        "bt 2", "finish", "continue", "finish", "thread step-over", "finish", "kill"]
#: Optimised builds: the same stops, ``up``/``down`` in a callee (the caller's line), a function left by
#: ``finish``, of the frame ``up`` selected too (see the module's docstring).
GDB_OPTIMISED = ["set breakpoint pending on", "break returns.c:24", "break twice", "run", "next", "break returns.c:8",
                 "continue", "bt 2", "finish", "continue", "finish", "next", "continue", "bt 2", "up", "down",
                 "finish", "continue", "up", "finish", "kill"]
LLDB_OPTIMISED = ["breakpoint set -f returns.c -l 24", "breakpoint set -n twice", "run", "thread step-over",
                  "breakpoint set -n bump", "continue", "bt 2", "finish", "continue", "finish", "thread step-over",
                  "continue", "bt 2", "up", "down", "finish", "continue", "up", "finish", "kill"]

#: The void calls and the dropped result only, each left by ``finish`` (-O2 against gcc, see the docstring).
GDB_VOID_CALLS = ["set breakpoint pending on", "break bump", "run", "bt 2", "finish", "next", "continue", "bt 2", "up",
                  "down", "finish", "break twice", "continue", "up", "down", "finish", "finish", "kill"]
LLDB_VOID_CALLS = ["breakpoint set -n bump", "run", "bt 2", "finish", "thread step-over", "continue", "bt 2", "up",
                   "down", "finish", "breakpoint set -n twice", "continue", "up", "down", "finish", "finish", "kill"]

#: ``step`` through the callees and out of them, back into their callers (compared with clang's native build).
GDB_STEPS = ["set breakpoint pending on", "break bump", "run", *["step"] * 5, "continue", *["step"] * 6, "kill"]
LLDB_STEPS = ["breakpoint set -n bump", "run", *["thread step-in"] * 5, "continue", *["thread step-in"] * 6, "kill"]

Builds = Callable[[str], dict[str, Path]]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """Per optimisation level (made once): the Wasm module, its AOT executable (with the WASI runtime) and the
    native builds by gcc and clang-19 (``native``, ``clang``)."""
    made: dict[str, dict[str, Path]] = {}
    runtime = tmp_path_factory.mktemp("runtime") / "libjitdebug_wasi.a"

    def build(level: str) -> dict[str, Path]:
        if level in made:
            return made[level]
        if not runtime.exists():
            run([sys.executable, "-m", "emitter.cli", "runtime", "wasi", "-o", runtime], cwd=ROOT)
        tmp = tmp_path_factory.mktemp(f"returns{level}")
        (tmp / "returns.c").write_text((SAMPLES / "returns.c").read_text())
        wasm_clang(["--target=wasm32-wasi", "-g", level, "-o", "prog.wasm", "returns.c"], cwd=tmp)
        compile_file(tmp / "prog.wasm", tmp / "prog.o")
        verified = run(["llvm-dwarfdump-19", "--verify", "prog.o"], cwd=tmp).stdout
        assert verified.rstrip().endswith("No errors."), verified
        run(["gcc", "-g", "-o", "aot", "prog.o", runtime], cwd=tmp)
        run(["gcc", "-g", level, "-o", "native", "returns.c"], cwd=tmp)
        run(["clang-19", "-g", level, "-o", "clang", "returns.c"], cwd=tmp)
        made[level] = {"wasm": tmp / "prog.wasm", "aot": tmp / "aot", "native": tmp / "native",
                       "clang": tmp / "clang"}
        return made[level]

    return build


@pytest.fixture(scope="module")
def builds(built: Builds) -> dict[str, Path]:
    return built("-O0")


def _gdb(builds: dict[str, Path], side: str, commands: list[str] = GDB) -> list[str]:
    options = [part for command in commands for part in ("-ex", command)]
    if side == "jit":
        argv = jit_debugger("gdb", ["-batch", *options], [builds["wasm"]])
    else:
        argv = ["gdb", "-nx", "-batch", *options, builds[side]]
    lines = gdb_transcript(run_interleaved(argv, builds["wasm"].parent))
    # Where a breakpoint is set differs by nature (pending under the JIT).
    return [line for line in lines if not re.match(r"Breakpoint \d+ at ", line)]


def _lldb(builds: dict[str, Path], side: str, commands: list[str] = LLDB) -> list[str]:
    script = builds["wasm"].parent / f"commands-{side}.lldb"
    script.write_text("".join(command + "\n" for command in commands))
    if side == "jit":
        argv = jit_debugger("lldb", ["-b", "-o", f"command source -e false {script}", "-k", "quit 0"],
                            [builds["wasm"]])
    else:
        argv = ["lldb-19", "--no-lldbinit", "-b", "-s", script, "--", builds[side]]
    lines = lldb_transcript(run_interleaved(argv, builds["wasm"].parent), values_only=False)
    return [line for line in lines if not line.startswith("Breakpoint ")]  # "where = aot`bump + 159": code size


@pytest.mark.parametrize("side", ["aot", "jit"])
def test_finish_from_a_call_whose_value_is_unused_stops_on_the_next_line_in_gdb(builds: dict[str, Path],
                                                                                side: str) -> None:
    ours, theirs = _gdb(builds, side), _gdb(builds, "native")
    assert ours == theirs, "\n".join(["--- wasm", *ours, "--- native", *theirs])
    text = "\n".join(ours)
    assert "\n25\t  n = n + total;\n" in text  # next over bump(n)
    assert "#1  ADDR in main () at returns.c:26\nmain () at returns.c:27\n27\t  n = twice(n);\n" in text
    assert "ADDR in main () at returns.c:27\n27\t  n = twice(n);\nValue returned is $2 = 12\n28\t" in text
    assert "#1  ADDR in both (k=12) at returns.c:17\nboth (k=12) at returns.c:18\n" in text
    assert "both (k=12) at returns.c:19\n19\t  total -= 1;\nValue returned is $3 = 14\n20\t}\n" in text
    assert "main () at returns.c:29\n" in text


@pytest.mark.parametrize("side", ["aot", "jit"])
def test_finish_from_a_call_whose_value_is_unused_stops_on_the_next_line_in_lldb(builds: dict[str, Path],
                                                                                 side: str) -> None:
    ours, theirs = _lldb(builds, side), _lldb(builds, "native")
    assert ours == theirs, "\n".join(["--- wasm", *ours, "--- native", *theirs])
    text = "\n".join(ours)
    assert "(lldb) thread step-over\n* thread #1, stop reason = step over\nmain at returns.c:25\n" in text
    assert "twice(x=6) at returns.c:12\nmain at returns.c:26\n(lldb) finish\n" in text  # bt 2
    assert "Return value: (int) $0 = 12\nmain at returns.c:27\n" in text
    assert "both(k=12) at returns.c:17\n(lldb) finish\n* thread #1, stop reason = step out\n" \
        "both(k=12) at returns.c:18\n" in text
    assert "Return value: (int) $2 = 14\nboth(k=12) at returns.c:19\n" in text and "main at returns.c:29" in text


def _entry_values(lines: list[str]) -> list[str]:
    """gcc's entry values read as the value (``x=x@entry=6`` -> ``x=6``, ``k@entry=12`` alone -> ``k=12``)."""
    return [re.sub(r"\b(\w+)@entry=", r"\1=", re.sub(r"\b(\w+)=\1@entry=", r"\1=", line))
            if "@entry=" in line else line for line in lines]


def _equal_but_lost_values(ours: list[str], theirs: list[str]) -> bool:
    """Equal transcripts, but that where the native line shows a value lost (``<optimized out>``,
    ``<unavailable>``), ours may show one."""
    if len(ours) != len(theirs):
        return False
    for mine, native in zip(ours, theirs, strict=True):
        if "<optimized out>" in native or "<unavailable>" in native:
            parts = re.split(r"<optimized out>|<unavailable>", native)
            if not re.fullmatch(r"[^,)]+".join(map(re.escape, parts)), mine):
                return False
        elif mine != native:
            return False
    return True


def _show(ours: list[str], theirs: list[str]) -> str:
    return "\n".join(["--- wasm", *ours, "--- native", *theirs])


@pytest.mark.parametrize("side", ["aot", "jit"])
def test_finish_at_O1_stops_where_gccs_O1_build_does_in_gdb(built: Builds, side: str) -> None:
    builds = built("-O1")
    ours = _entry_values(_gdb(builds, side, GDB_OPTIMISED))
    theirs = _entry_values(_gdb(builds, "native", GDB_OPTIMISED))
    assert _equal_but_lost_values(ours, theirs), _show(ours, theirs)
    text = "\n".join(ours)
    # finish out of bump(k): the next statement's start, not the call's line (the producer's row there is 0)
    assert "#1  ADDR in both (k=12) at returns.c:17\n17\t  bump(k);\n#0  bump (by=12) at returns.c:8\n" \
        "8\t  total += by;\nboth (k=12) at returns.c:18\n18\t  twice(7);\n" in text
    assert "#1  ADDR in both (k=12) at returns.c:18\n18\t  twice(7);\nmain () at returns.c:29\n" in text


@pytest.mark.parametrize("side", ["aot", "jit"])
def test_finish_at_O1_stops_where_gccs_O1_build_does_in_lldb(built: Builds, side: str) -> None:
    builds = built("-O1")
    ours, theirs = _lldb(builds, side, LLDB_OPTIMISED), _lldb(builds, "native", LLDB_OPTIMISED)
    assert _equal_but_lost_values(ours, theirs), _show(ours, theirs)
    text = "\n".join(ours)
    assert "(lldb) finish\n* thread #1, stop reason = step out\nboth(k=12) at returns.c:18\n" in text
    assert "(lldb) up\nboth(k=12) at returns.c:17\n" in text  # the caller at the call's line (its pc - 1)


@pytest.mark.parametrize("side", ["aot", "jit"])
def test_finish_at_O2_stops_as_in_native_O2_builds_in_gdb(built: Builds, side: str) -> None:
    builds = built("-O2")
    for commands, oracle in ((GDB_OPTIMISED, "clang"), (GDB_VOID_CALLS, "native")):
        ours = _entry_values(_gdb(builds, side, commands))
        theirs = _entry_values(_gdb(builds, oracle, commands))
        assert _equal_but_lost_values(ours, theirs), _show(ours, theirs)
    text = "\n".join(ours)
    assert "#1  ADDR in main () at returns.c:24\nmain () at returns.c:25\n" in text
    assert "8\t  total += by;\nboth (k=12) at returns.c:18\n18\t  twice(7);\n" in text
    assert "Value returned is $1 = 14\nmain () at returns.c:29\n" in text


@pytest.mark.parametrize("side", ["aot", "jit"])
def test_finish_at_O2_stops_as_in_native_O2_builds_in_lldb(built: Builds, side: str) -> None:
    builds = built("-O2")
    for commands, oracle in ((LLDB_OPTIMISED, "clang"), (LLDB_VOID_CALLS, "native")):
        ours, theirs = _lldb(builds, side, commands), _lldb(builds, oracle, commands)
        assert _equal_but_lost_values(ours, theirs), _show(ours, theirs)
    assert "(lldb) finish\n* thread #1, stop reason = step out\nboth(k=12) at returns.c:18\n" in "\n".join(ours)


@pytest.mark.parametrize("level", ["-O0", "-O1", "-O2"])
def test_step_out_of_a_call_stops_as_in_clangs_native_build(built: Builds, level: str) -> None:
    """``step`` through ``bump`` and ``twice`` and out of them: the caller's next statement, then into the next
    call, in gdb and lldb (AOT), as in clang-19's native build at the same level."""
    builds = built(level)
    ours = _entry_values(_gdb(builds, "aot", GDB_STEPS))
    theirs = _entry_values(_gdb(builds, "clang", GDB_STEPS))
    assert _equal_but_lost_values(ours, theirs), _show(ours, theirs)
    assert "\nboth (k=12) at returns.c:18\n18\t  twice(7);\ntwice (x=7) at returns.c:12\n" in "\n".join(ours)
    ours, theirs = _lldb(builds, "aot", LLDB_STEPS), _lldb(builds, "clang", LLDB_STEPS)
    assert _equal_but_lost_values(ours, theirs), _show(ours, theirs)
    assert "stop reason = step in\nboth(k=12) at returns.c:18\n" in "\n".join(ours)
