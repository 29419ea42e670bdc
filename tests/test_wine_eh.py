"""Wasm exceptions on Windows, under Wine: the exception corpus (``samples/exceptions``) compiled with
``--target x86_64-windows``, linked by mingw gcc with the exception runtime (``emitter/runtime``: jitdebug_eh.c
and the SEH entry jitdebug_eh_seh.c) and the corpus's generated C host, run under Wine and compared call by call
with wasmtime (``wasm_exceptions``; wabt's spectest-interp for the legacy form, which wasmtime 50 does not run);
and C++ interop: a C++ exception thrown by an import passes through Wasm frames (running their ``catch_all``
handlers) and is caught by the C++ host with its own type.

Every throw goes through mingw libgcc's ``_Unwind_RaiseException`` (``RaiseException(STATUS_GCC_THROW)``), the
Windows dispatcher, our ``UNWIND_INFO`` handler entries (``jitdebug_personality_seh0`` with the LSDA inline) and
``_GCC_specific_handler``: if any of them is wrong, a handler does not run and the transcript differs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import wasmtime

from emitter.cli import main
from emitter.codegen.exceptions import EXCEPTION_TAG_OFFSET, EXCEPTION_VALUES_OFFSET
from emitter.codegen.win64 import WIN64
from emitter.wasm.load import load_module
from samples.exceptions.harness import load_program, oracle_transcript, programs, render_host

from .test_eh_cxx import HOST as CXX_HOST
from .test_eh_cxx import WAT as CXX_WAT
from .tools import run
from .windows_support import EH_RUNTIME as RUNTIME
from .windows_support import MINGW, eh_runtime_objects, lld_link, run_wine

PROGRAMS = programs()
PREFIX = "wasm_"
TARGET = "x86_64-windows"


@pytest.fixture(scope="session")
def runtime_objects(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return eh_runtime_objects(tmp_path_factory.mktemp("eh_runtime_win"))


def test_mingw_runtime_layout_matches_the_win64_compiler(tmp_path: Path) -> None:
    """mingw's SEH ``_Unwind_Exception`` is larger than Linux's: the payload offset the Win64 compiler uses is
    the runtime's struct layout as mingw gcc lays it out."""
    values = EXCEPTION_VALUES_OFFSET - EXCEPTION_TAG_OFFSET + WIN64.unwind_exception_size
    source = tmp_path / "layout.c"
    source.write_text(f"""#include <stddef.h>
#include "jitdebug_eh.h"
_Static_assert(sizeof(struct _Unwind_Exception) == {WIN64.unwind_exception_size}, "header");
_Static_assert(offsetof(struct jitdebug_exception, values) == {values}, "values");
""")
    run([f"{MINGW}-gcc", "-std=c11", "-fsyntax-only", "-I", RUNTIME, source])


def test_functions_with_handlers_name_the_seh_personality_with_the_lsda_inline(tmp_path: Path) -> None:
    """llvm-readobj decodes the handler entries: exactly the functions with try regions have EHANDLER|UHANDLER
    and jitdebug_personality_seh0, and the handler data relocations point at the module's tag descriptors."""
    path = next(p for p in PROGRAMS if p.stem == "nested_try")
    obj = tmp_path / "nested_try.obj"
    assert main(["compile", str(path), "-o", str(obj), "--target", TARGET]) == 0
    unwind = run(["llvm-readobj-19", "--unwind", obj]).stdout
    entries = re.findall(r"StartAddress: (\S+).*?Flags \[ \((0x[0-9A-F]+)\)(.*?)(?=RuntimeFunction \{|\Z)", unwind,
                         re.S)
    handled = {name for name, flags, body in entries if int(flags, 16) & 3 == 3
               and "Handler: jitdebug_personality_seh0" in body}
    assert all(int(flags, 16) & 3 in (0, 3) for _, flags, _ in entries), unwind
    # try_table/try functions have a handler; functions that only throw have none (an exception passes them).
    assert {"nested", "same_function", "rethrower"} <= handled and not {"throw_a", "pick"} & handled, unwind
    relocs = run([f"{MINGW}-objdump", "-r", "-j", ".xdata", obj]).stdout
    assert re.search(r"IMAGE_REL_AMD64_REL32\s+\S*tag", relocs), relocs


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_exception_corpus_under_wine_matches_the_oracle(path: Path, tmp_path: Path,
                                                        runtime_objects: list[Path]) -> None:
    program = load_program(path)
    expected = oracle_transcript(program, tmp_path)
    assert len(expected) == len(program.calls), f"the oracle did not run every call: {expected}"
    wasm, _ = load_module(path)
    obj, header = tmp_path / f"{program.name}.obj", tmp_path / f"{program.name}.h"
    assert main(["compile", str(path), "-o", str(obj), "--target", TARGET, "--header", str(header),
                 "--export-prefix", PREFIX]) == 0
    host = tmp_path / "host.c"
    host.write_text(render_host(program, wasm, header.name, export_prefix=PREFIX))
    exe = tmp_path / "host.exe"
    run([f"{MINGW}-gcc", "-std=c11", "-O1", "-I", RUNTIME, "-o", exe, host, obj, *runtime_objects], cwd=tmp_path)
    got = run_wine(exe, check=False, timeout=30).splitlines()
    diff = "\n".join(f"  oracle: {w}\n  wine:   {g}" for w, g in zip(expected, got, strict=False) if w != g)
    assert got == expected, f"{program.name}: Wine differs from the oracle\n{diff}\n  got {got}"


def test_cxx_exception_from_an_import_passes_wasm_frames_and_is_caught_by_the_host(
        tmp_path: Path, runtime_objects: list[Path]) -> None:
    """The C++ interop program of the Linux tests (tests/test_eh_cxx.py), built with mingw g++: a typed Wasm
    clause lets the C++ exception pass, ``catch_all_ref`` + ``throw_ref`` re-raise the same object, ``catch_all``
    releases it (its destructor runs), and an uncaught Wasm exception reaches ``catch (...)``."""
    source = tmp_path / "interop.wat"
    source.write_text(CXX_WAT)
    obj, header = tmp_path / "interop.obj", tmp_path / "interop.h"
    assert main(["compile", str(source), "-o", str(obj), "--target", TARGET, "--header", str(header),
                 "--export-prefix", "wasm_"]) == 0
    host = tmp_path / "host.cpp"
    host.write_text(CXX_HOST)
    exe = tmp_path / "host.exe"
    run([f"{MINGW}-g++", "-O2", "-static", "-I", RUNTIME, "-I", tmp_path, "-o", exe, host, obj, *runtime_objects])
    assert run_wine(exe).splitlines() == [
        "typed_only: HostError 11 'host error 11'",
        "catch_all_rethrows: HostError 12 'host error 12'",
        "catch_all_swallows returned 7",
        "wasm_throws: foreign exception, wasm=1",
        "handlers 101 stored 13 live 0 registers kept",
    ]


TRAPPING = """(module $tr
  (func $leaf (result i32) unreachable)
  (func $mid (result i32) call $leaf)
  (func (export "top") (result i32) call $mid))"""

TRAP_HOST = """#include <stdio.h>
#include <stdlib.h>
#include "jitdebug_eh.h"
#include "tr.h"
void jitdebug_trap(int32_t code) {
    char report[4096];
    jitdebug_trap_report(code, report, sizeof report);
    fputs(report, stdout);
    exit(0);
}
int main(void) { return top(); }
"""


def test_trap_report_finds_the_frame_tables_through_grouped_sections(tmp_path: Path,
                                                                     runtime_objects: list[Path]) -> None:
    """PE has no ``__start_``/``__stop_`` symbols: the frame table goes to ``jitdebug_frames$m`` and the runtime's
    markers to ``$a``/``$z``. Linked by GNU ld and by lld-link, ``jitdebug_trap_report`` (mingw libgcc's
    ``_Unwind_Backtrace`` over our ``.pdata``) prints wasmtime's report of the same trap."""
    source = tmp_path / "tr.wat"
    source.write_text(TRAPPING)
    obj = tmp_path / "tr.obj"
    assert main(["compile", str(source), "-o", str(obj), "--target", TARGET, "--header", str(tmp_path / "tr.h")]) == 0
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, TRAPPING), [])
    top = instance.exports(store)["top"]
    assert isinstance(top, wasmtime.Func)
    with pytest.raises(wasmtime.Trap) as trap:
        top(store)
    host = tmp_path / "host.c"
    host.write_text(TRAP_HOST)
    host_obj = tmp_path / "host.o"
    run([f"{MINGW}-gcc", "-std=c11", "-O1", "-I", RUNTIME, "-I", tmp_path, "-c", "-o", host_obj, host])
    gnu = tmp_path / "gnu.exe"
    run([f"{MINGW}-gcc", "-o", gnu, host_obj, obj, *runtime_objects])
    for exe in (gnu, lld_link(tmp_path, [host_obj, obj, *runtime_objects], "lld.exe")):
        assert run_wine(exe, timeout=30).rstrip("\n") == str(trap.value).rstrip("\n"), exe.name
