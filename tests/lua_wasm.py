"""The vendored Lua 5.4.7 interpreter (``tests/data/lua/``, origin and licence in its ``ORIGIN.md``): the exact
commands that build the prebuilt ``lua.wasm`` (wasm32-wasi, -O0, full DWARF) and the native build its debugging is
compared with, from the same sources and the same configuration header.

``python -m tests.lua_wasm`` rebuilds ``tests/data/lua/lua.wasm``. The build is reproducible (relative paths and
``-fdebug-compilation-dir=.``: the DWARF names no directory of the machine), and a test checks that this command
still gives the vendored bytes, so the prebuilt module is what the sources say it is.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

LUA = ROOT / "tests" / "data" / "lua"
PREBUILT = LUA / "lua.wasm"

#: Every C file of the interpreter (``lua.c`` holds ``main``; there is no ``luac.c`` here).
SOURCES = sorted(path.relative_to(LUA).as_posix() for path in (LUA / "src").glob("*.c"))

#: Lua's configuration for WASI (``port/lua_wasi.h``: errors end the program, no temporary files, no
#: processes), included before every file on both sides so the Wasm and the native build run the same program.
_CONFIG = ["-include", "port/lua_wasi.h"]

#: clang-19 for wasm32-wasi at -O0 with DWARF. wasi-libc's signal and process-clock emulations stand in for
#: ``signal`` (lua.c's Ctrl-C handler) and ``clock`` (os.clock); ``port/include`` only supplies an empty
#: ``setjmp.h`` for ldo.c's unconditional include.
WASM_FLAGS = ["-g", "-O0", "-fdebug-compilation-dir=.", "-D_WASI_EMULATED_SIGNAL",
              "-D_WASI_EMULATED_PROCESS_CLOCKS", "-Iport/include", *_CONFIG]
WASM_LIBS = ["-lm", "-lwasi-emulated-signal", "-lwasi-emulated-process-clocks"]

#: gcc at -O0 with DWARF: the oracle the debuggers' transcripts on the Wasm build are compared with.
NATIVE_FLAGS = ["-g", "-O0", *_CONFIG]


#: The interpreter compiled as C++ (Lua's own option): errors and coroutine yields become C++ exceptions, thrown
#: through the interpreter's Wasm frames with ``-fwasm-exceptions`` and the project's C++ exception runtime
#: (``samples/cdebug/wasm_cxx_eh.cpp``). ``_Noreturn`` is C's; g++ needs it spelled the C++ way.
EH_RUNTIME = ROOT / "samples" / "cdebug" / "wasm_cxx_eh.cpp"
CXX_FLAGS = ["-x", "c++", "-D_Noreturn=[[noreturn]]", "-Wno-deprecated"]


def build_wasm_cxx(output: Path) -> Path:
    wasm_clang(["--target=wasm32-wasi", "-fwasm-exceptions", *CXX_FLAGS, *WASM_FLAGS, "-o", output, *SOURCES,
                "-x", "none", EH_RUNTIME, *WASM_LIBS], cwd=LUA, cxx=True)
    return output


def build_native_cxx(output: Path) -> Path:
    run(["g++", *CXX_FLAGS, *NATIVE_FLAGS, "-o", output, *SOURCES, "-x", "none", "-lm"], cwd=LUA)
    return output


def build_wasm(output: Path) -> Path:
    wasm_clang(["--target=wasm32-wasi", *WASM_FLAGS, "-o", output, *SOURCES, *WASM_LIBS], cwd=LUA)
    return output


def build_native(output: Path) -> Path:
    run(["gcc", *NATIVE_FLAGS, "-o", output, *SOURCES, "-lm"], cwd=LUA)
    return output


if __name__ == "__main__":
    build_wasm(PREBUILT)
    sys.stdout.write(f"wrote {PREBUILT.relative_to(ROOT)}\n")
