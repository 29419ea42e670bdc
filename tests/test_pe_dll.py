"""The PE32+ DLL writer: the image decodes cleanly with llvm-readobj and mingw objdump, and under Wine it loads
with LoadLibrary, its exports resolve through GetProcAddress, its host imports bind to the executable's exports,
and the unwind checks of tests/data/windows/host.cpp pass through it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emitter.compiled import CompiledFunction, CompiledModule, DataBlob
from emitter.obj.model import Relocation, RelocKind
from emitter.obj.pe import write_dll
from emitter.unwind import UnwindProgram

from .tools import run
from .windows_support import (
    MINGW,
    Case,
    assemble,
    compile_host,
    expect_all_passed,
    mingw_link,
    module_of,
    run_wine,
    standard_cases,
)


@pytest.fixture(scope="module")
def dll(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Case], Path]:
    work = tmp_path_factory.mktemp("dll")
    cases = standard_cases()
    builders = [b for case in cases for b in case.builders]
    assemble(builders, work)
    path = work / "cases.dll"
    write_dll(module_of(builders), path, import_module="host.exe")
    return work, cases, path


def test_dll_decodes_with_exports_imports_and_unwind_info(dll: tuple[Path, list[Case], Path]) -> None:
    _, cases, path = dll
    names = sorted(b.name for case in cases for b in case.builders)
    proc = run(["llvm-readobj-19", "--coff-exports", "--coff-imports", "--unwind", "--coff-basereloc", path])
    assert "warning" not in proc.stderr.lower(), proc.stderr
    assert re.findall(r"Name: (\w+)\n\s*RVA:", proc.stdout) == names
    assert "Name: host.exe" in proc.stdout and "Symbol: host_callback" in proc.stdout
    # One RUNTIME_FUNCTION per test function plus the linked-in stack probe, sorted by address.
    starts = [int(x, 16) for x in re.findall(r"StartAddress: .*\(0x([0-9A-F]+)\)", proc.stdout)]
    assert len(starts) == len(names) + 1 and starts == sorted(starts)
    objdump = run([f"{MINGW}-objdump", "-p", path])
    assert objdump.stderr == ""
    assert "DLL Name: host.exe" in objdump.stdout
    assert re.search(r"Entry 3 [0-9a-f]+ [0-9a-f]+ Exception Directory \[\.pdata\]", objdump.stdout)


def test_dll_loads_in_wine_and_unwinds_through_its_functions(dll: tuple[Path, list[Case], Path]) -> None:
    work, cases, _ = dll
    prelude = "static HMODULE dll;\n"
    setup = ('dll = LoadLibraryA("cases.dll");\n'
             '    if (!dll) { printf("LoadLibrary failed: %lu\\n", GetLastError()); exit(6); }')
    objects = compile_host(work, cases, '(uintptr_t)GetProcAddress(dll, "{name}")', prelude, setup)
    expect_all_passed(run_wine(mingw_link(work, objects, "host.exe")), cases)


def test_absolute_pointers_get_dir64_base_relocations(tmp_path: Path) -> None:
    """A data word holding a function's address is relocated by the loader: a DIR64 entry at its RVA."""
    code = b"\xb8\x2a\x00\x00\x00\xc3"
    function = CompiledFunction("answer", code, UnwindProgram("answer"), exports=("answer",))
    table = DataBlob("answer_pointer", 8, bytes(8), exported=True,
                     relocations=(Relocation(0, RelocKind.ABSOLUTE, 8, "answer"),))
    path = tmp_path / "pointer.dll"
    write_dll(CompiledModule("pointer", functions=[function], data=[table]), path)
    proc = run(["llvm-readobj-19", "--coff-exports", "--coff-basereloc", path])
    assert "warning" not in proc.stderr.lower(), proc.stderr
    exports = dict(re.findall(r"Name: (\w+)\n\s*RVA: (0x[0-9A-F]+)", proc.stdout))
    relocs = re.findall(r"Type: DIR64\n\s*Address: (0x[0-9A-F]+)", proc.stdout)
    assert relocs == [exports["answer_pointer"]]
    # The stored pointer is the function's address at the preferred base (first 8 bytes of .data).
    dump = run([f"{MINGW}-objdump", "-s", "-j", ".data", path]).stdout
    row = re.search(r"^ [0-9a-f]+ ([0-9a-f]{8}) ([0-9a-f]{8})", dump, re.M)
    assert row is not None, dump
    assert bytes.fromhex(row.group(1) + row.group(2)) == (0x180000000 + int(exports["answer"], 16)).to_bytes(8,
                                                                                                          "little")
