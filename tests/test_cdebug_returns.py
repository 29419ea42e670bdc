"""Returning from a call whose value is not used (a ``void`` function, a dropped result): ``finish`` stops at the
start of the next statement, as in the same C built natively by gcc, in gdb and lldb, AOT and JIT
(``samples/cdebug/returns.c``), while ``bt`` still shows the caller at the call's line and ``next`` over such a
call stops on the next line.

Our code reloads the memory base after every call: that reload (and a dropped result's store) is the call's
bookkeeping, so it starts the next instruction's row. The return address then begins the next statement's row,
as natively; before, it was the call's row, and ``finish`` showed ``0x… in main () at returns.c:24`` for gcc's
``main () at returns.c:25``.
"""

from __future__ import annotations

import re
import sys
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


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Wasm module, its AOT executable (with the WASI runtime) and gcc's native build."""
    tmp = tmp_path_factory.mktemp("returns")
    (tmp / "returns.c").write_text((SAMPLES / "returns.c").read_text())
    wasm_clang(["--target=wasm32-wasi", "-g", "-O0", "-o", "prog.wasm", "returns.c"], cwd=tmp)
    compile_file(tmp / "prog.wasm", tmp / "prog.o")
    run([sys.executable, "-m", "emitter.cli", "runtime", "wasi", "-o", tmp / "libjitdebug_wasi.a"], cwd=ROOT)
    run(["gcc", "-g", "-o", "aot", "prog.o", "libjitdebug_wasi.a"], cwd=tmp)
    run(["gcc", "-g", "-O0", "-o", "native", "returns.c"], cwd=tmp)
    return {"wasm": tmp / "prog.wasm", "aot": tmp / "aot", "native": tmp / "native"}


def _gdb(builds: dict[str, Path], side: str) -> list[str]:
    options = [part for command in GDB for part in ("-ex", command)]
    if side == "jit":
        argv = jit_debugger("gdb", ["-batch", *options], [builds["wasm"]])
    else:
        argv = ["gdb", "-nx", "-batch", *options, builds[side]]
    lines = gdb_transcript(run_interleaved(argv, builds["wasm"].parent))
    # Where a breakpoint is set differs by nature (pending under the JIT).
    return [line for line in lines if not re.match(r"Breakpoint \d+ at ", line)]


def _lldb(builds: dict[str, Path], side: str) -> list[str]:
    script = builds["wasm"].parent / "commands.lldb"
    script.write_text("".join(command + "\n" for command in LLDB))
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
