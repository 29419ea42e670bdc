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

import subprocess
from pathlib import Path

import pytest

from tests.cdebug_transcripts import gdb_transcript, jit_debugger, lldb_transcript, run_interleaved
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


def _jit(debugger: str, options: list[str]) -> list[str | Path]:
    return jit_debugger(debugger, options, ["--dir=scripts::/", "lua.wasm", "--", "/upper.lua"])


def test_lua_in_gdb_as_natively(native_lua: Path) -> None:
    options = [part for command in GDB for part in ("-ex", command)]
    ours = gdb_transcript(run_interleaved(_jit("gdb", ["-batch", *options]), LUA))
    native = ["gdb", "-nx", "-batch", *options[2:], "--args", native_lua, "upper.lua"]
    theirs = gdb_transcript(run_interleaved(native, SCRIPTS))
    assert ours == theirs
    assert "#21 ADDR in main (argc=2, argv=ADDR) at src/lua.c:682" in ours
    assert "$3 = ADDR \"hello\"" in ours and "$6 = 79 'O'" in ours
    assert "Value returned is $8 = 1" in ours


def test_lua_in_lldb_as_natively(native_lua: Path, tmp_path: Path) -> None:
    script = tmp_path / "commands.lldb"
    script.write_text("".join(command + "\n" for command in LLDB))
    jit = _jit("lldb", ["-b", "-o", f"command source -e false {script}", "-k", "quit 0"])
    ours = lldb_transcript(run_interleaved(jit, LUA))
    native = ["lldb-19", "--no-lldbinit", "-b", "-s", script, "--", native_lua, "upper.lua"]
    theirs = lldb_transcript(run_interleaved(native, SCRIPTS))
    assert ours == theirs
    assert "precallC(L=ADDR, func=ADDR, nresults=1, f=<str_upper>) at ldo.c:529" in ours
    assert "(const char *) s = ADDR \"hello\"" in ours and "Return value: (int) $0 = 1" in ours
