"""A real C code base: the Lua 5.4.7 interpreter (33 C files, 1.4 MB of Wasm with wasi-libc and full DWARF,
vendored prebuilt in ``tests/data/lua/``; sources, licence and build command beside it, ``tests/lua_wasm.py``).

- The prebuilt module is what its sources build: the documented command gives the vendored bytes.
- ``jitdebug run`` runs Lua scripts as wasmtime-py's WASI does: the same stdout, stderr and exit status (a script
  exercising the VM, the string, table, math and utf8 libraries, io and ``os.exit``; an uncaught error).
- ``jitdebug gdb``/``jitdebug lldb -- jitdebug run lua.wasm script`` debug it at source level as gdb and lldb debug
  the same sources built natively by gcc at -O0: a breakpoint by function and by ``file:line``, the whole C
  backtrace through the interpreter (``str_upper`` called by the VM, 22 frames to ``main``), arguments, locals,
  strings through pointers, ``finish`` with the returned value. The transcripts are equal once addresses,
  columns (gcc and clang place them differently) and the Wasm frames' ``[wasm 0x…]`` tags are taken out, and the
  two known differences normalised: clang's Wasm name of ``main`` (``__main_argc_argv``), and a C function
  pointer (``lua_CFunction f``), which the native debuggers name by its function (``<str_upper>``) and the Wasm
  build shows as an address (it holds a table index).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lua_wasm import LUA, PREBUILT, build_native, build_native_cxx, build_wasm, build_wasm_cxx
from tests.tools import ENV, ROOT
from tests.wasi_support import jitdebug_command, oracle_command

SCRIPTS = LUA / "scripts"


def test_prebuilt_lua_is_what_its_sources_build(tmp_path: Path) -> None:
    rebuilt = build_wasm(tmp_path / "lua.wasm")
    assert rebuilt.read_bytes() == PREBUILT.read_bytes(), "tests/data/lua/lua.wasm differs from its build command"
    assert len(rebuilt.read_bytes()) > 1_000_000


@pytest.mark.parametrize("script", ["programs.lua", "error.lua"])
def test_lua_runs_as_under_wasmtime(script: str) -> None:
    outcomes = {}
    for side, command in (("jitdebug", jitdebug_command()), ("wasmtime", oracle_command())):
        proc = subprocess.run([*command, str(PREBUILT), f"--dir={SCRIPTS}::/", "--", f"/{script}"],
                              capture_output=True, text=True, timeout=300, env={**ENV, "PYTHONPATH": str(ROOT)})
        outcomes[side] = (proc.returncode, proc.stdout, proc.stderr)
    assert outcomes["jitdebug"] == outcomes["wasmtime"]
    code, stdout, stderr = outcomes["jitdebug"]
    if script == "programs.lua":
        assert code == 3 and stderr == "to stderr\n"
        assert stdout.startswith("1 1 2 3 5 8 13 21 34") and "(4.5, -2)\ttrue\n" in stdout
    else:
        assert code == 1 and stdout == "before\n"
        assert stderr.startswith("lua: unrecoverable error (status 2): /error.lua:2: deep trouble\n")


def test_lua_built_as_cxx_raises_errors_as_exceptions_through_wasm(tmp_path: Path) -> None:
    """Lua's C++ build throws a C++ exception for every error and coroutine yield, through the interpreter's Wasm
    frames (the VM, luaD_call, the C library functions) to its catch in luaD_rawrunprotected: pcall, xpcall,
    errors from the C libraries, coroutines and an uncaught error print and exit as the g++ build does."""
    wasm = build_wasm_cxx(tmp_path / "lua.wasm")
    native = build_native_cxx(tmp_path / "lua")
    outcomes = {}
    for side, program, argv in (("wasm", wasm, [*jitdebug_command(), wasm, "--dir=.", "--", "exceptions.lua"]),
                                ("native", native, [native, "exceptions.lua"])):
        proc = subprocess.run([str(a) for a in argv], cwd=SCRIPTS, capture_output=True, text=True, timeout=300,
                              env={**ENV, "PYTHONPATH": str(ROOT)})
        # lua.c names itself by argv[0]: the module's path under jitdebug, the executable's natively.
        outcomes[side] = (proc.returncode, proc.stdout, proc.stderr.replace(str(program), "lua"))
    assert outcomes["wasm"] == outcomes["native"]
    code, stdout, stderr = outcomes["wasm"]
    assert code == 1 and stderr.startswith("lua: exceptions.lua:14: final\n")
    assert "false\texceptions.lua:3: boom\n" in stdout and "true\tend!\n" in stdout and "1\t4\t9\n" in stdout


@pytest.fixture(scope="module")
def native_lua(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_native(tmp_path_factory.mktemp("lua-native") / "lua")


#: What a user does in both debuggers: stop at str_upper's entry (by name), bt, its argument; then at a line
#: after its loop, the locals, the input through a pointer and the result buffer, and finish.
GDB = ["set breakpoint pending on", "break str_upper", "break lstrlib.c:145", "run", "bt", "info args",
       "continue", "p l", "p i", "p s", "p *s", "p s[4]", "p p[4]", "p b.n", "finish"]
LLDB = ["breakpoint set -n str_upper", "breakpoint set -f lstrlib.c -l 145", "run", "bt", "frame variable L",
        "continue", "frame variable l i s", "p *s", "p s[4]", "p p[4]", "finish"]


def _normalise(line: str) -> str:
    # lldb's function pointer: (lua`f at x.c:1:2) natively, (JIT(0x...)`f at x.c:1) in the JIT image (lldb's name
    # for an in-memory object; its entry row has no column). The function named must be the same.
    line = re.sub(r"\((?:\w+|JIT\(0x[0-9a-f]+\))`(\w+) at [\w.]+:\d+(?::\d+)?\)", r"<\1>", line)
    line = re.sub(r"0x[0-9a-f]+( <[^>]*>)?", "ADDR", line)
    line = line.replace("lua.wasm!", "").replace("__main_argc_argv", "main")
    line = re.sub(r" \[wasm ADDR\]", "", line)
    return re.sub(r"(\.c:\d+):\d+", r"\1", line)


def _gdb_transcript(out: str) -> list[str]:
    """From the first stop on: the stops, frames up to ``main`` (the Wasm build's go on into wasi-libc's start and
    the host), values, ``finish``."""
    lines = out[out.index("\nBreakpoint 1, "):].splitlines()[1:]
    kept: list[str] = []
    in_main = False
    for line in lines:
        if line.startswith("#"):
            if in_main:
                continue
            in_main = " main (" in _normalise(line)
        elif line.startswith("["):  # libthread_db's messages
            continue
        kept.append(_normalise(line))
    return kept


def _lldb_transcript(out: str) -> list[str]:
    kept: list[str] = []
    in_main = False
    for line in out[out.index("stop reason = breakpoint 1.1"):].splitlines():
        frame = re.match(r"\s*\*? *frame #(\d+): 0x[0-9a-f]+ [^`]+`(.*)", line)
        if frame:
            if frame[1] == "0":
                in_main = False
            if not in_main:
                kept.append(_normalise(frame[2]))
                in_main = frame[2].startswith(("main(", "__main_argc_argv("))
        elif line.startswith(("(", "Return value:", "-> ")) and not line.startswith("(lldb)"):
            kept.append(_normalise(line))
    return kept


def _run(argv: list[str | Path], cwd: Path) -> str:
    """stdout and stderr as the terminal shows them, interleaved."""
    proc = subprocess.run([str(a) for a in argv], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=300, env={**ENV, "PYTHONPATH": str(ROOT)})
    return proc.stdout


def _jit(debugger: str, options: list[str]) -> list[str | Path]:
    return [sys.executable, "-m", "emitter.cli", debugger, *options, "--", "jitdebug", "run", "--dir=scripts::/",
            "lua.wasm", "--", "/upper.lua"]


def test_lua_in_gdb_as_natively(native_lua: Path) -> None:
    options = [part for command in GDB for part in ("-ex", command)]
    ours = _gdb_transcript(_run(_jit("gdb", ["-batch", *options]), LUA))
    theirs = _gdb_transcript(_run(["gdb", "-nx", "-batch", *options[2:], "--args", native_lua, "upper.lua"],
                                  SCRIPTS))
    assert ours == theirs
    assert "#21 ADDR in main (argc=2, argv=ADDR) at src/lua.c:682" in ours
    assert "$3 = ADDR \"hello\"" in ours and "$6 = 79 'O'" in ours
    assert "Value returned is $8 = 1" in ours


def test_lua_in_lldb_as_natively(native_lua: Path, tmp_path: Path) -> None:
    script = tmp_path / "commands.lldb"
    script.write_text("".join(command + "\n" for command in LLDB))
    ours = _lldb_transcript(_run(_jit("lldb", ["-b", "-o", f"command source -e false {script}", "-k", "quit 0"]),
                                 LUA))
    theirs = _lldb_transcript(_run(["lldb-19", "--no-lldbinit", "-b", "-s", script, "--", native_lua, "upper.lua"],
                                   SCRIPTS))
    assert ours == theirs
    assert "precallC(L=ADDR, func=ADDR, nresults=1, f=<str_upper>) at ldo.c:529" in ours
    assert "(const char *) s = ADDR \"hello\"" in ours and "Return value: (int) $0 = 1" in ours
