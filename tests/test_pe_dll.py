"""The PE32+ DLL writer: the image decodes cleanly with llvm-readobj and mingw objdump, and under Wine it loads
with LoadLibrary, its exports resolve through GetProcAddress, its host imports bind to the executable's exports
and its C runtime imports to msvcrt.dll, and the unwind checks of tests/data/windows/host.cpp pass through it.
Its DWARF (the generated listing, or C source translated from a clang-built module) verifies with
llvm-dwarfdump and is read by mingw objdump and by gdb at the same lines as the ELF object's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emitter.aot import compile_file
from emitter.compiled import CompiledFunction, CompiledModule, DataBlob
from emitter.obj.model import Relocation, RelocKind
from emitter.obj.pe import write_dll
from emitter.unwind import UnwindProgram
from tests.wasm_clang import wasm_clang

from .tools import ROOT, run
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
    wine_process,
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


CHAIN = ROOT / "tests" / "data" / "win64" / "chain.wat"
SHAPES = ROOT / "samples" / "cdebug" / "shapes.c"


def _exports(path: Path) -> dict[str, int]:
    """Each export's address at the preferred base, from llvm-readobj."""
    proc = run(["llvm-readobj-19", "--coff-exports", "--file-headers", path])
    base_field = re.search(r"ImageBase: (0x[0-9A-F]+)", proc.stdout)
    assert base_field is not None, proc.stdout
    base = int(base_field.group(1), 16)
    return {name: base + int(rva, 16) for name, rva in re.findall(r"Name: (\w+)\n\s*RVA: (0x[0-9A-F]+)", proc.stdout)}


def _gdb_lines(binary: Path, functions: list[str]) -> dict[str, tuple[str, int, int]]:
    """gdb's ``info line FUNCTION``: (file, line, start address) of each function."""
    commands = [part for name in functions for part in ("-ex", f"info line {name}")]
    out = run(["gdb", "-nx", "-batch", *commands, binary]).stdout
    found = re.findall(r'Line (\d+) of "([^"]+)" starts at address (0x[0-9a-f]+) <(\w+)>', out)
    return {name: (source, int(line), int(address, 16)) for line, source, address, name in found}


def test_dll_imports_the_c_runtime_from_msvcrt_and_the_rest_from_the_host(tmp_path: Path) -> None:
    """The default trap hook's ``write``/``abort`` come from msvcrt.dll (``write`` is ``_write`` there), the Wasm
    import from the host executable; no forwarding exports are needed in the host."""
    dll = tmp_path / "chain.dll"
    compile_file(CHAIN, dll, target="x86_64-windows", dll=True)
    imports = run(["llvm-readobj-19", "--coff-imports", dll]).stdout
    modules = {module: sorted(re.findall(r"Symbol: (\w+)", block))
               for module, block in re.findall(r"Name: (\S+)\n(.*?)(?=\n\s*\}\n|\Z)", imports, re.S)}
    assert modules == {"host.exe": ["host_callback"], "msvcrt.dll": ["_write", "abort"]}, imports


def test_default_trap_hook_in_a_dll_reports_and_aborts_under_wine(tmp_path: Path) -> None:
    """A trap in DLL code with no host hook: the DLL's own hook writes wasmtime's message to stderr through
    msvcrt's ``_write`` and ends the process through its ``abort`` (exit code 3), with a host that exports
    nothing."""
    wat = tmp_path / "boom.wat"
    wat.write_text('(module (func (export "boom") (result i32) unreachable))')
    compile_file(wat, tmp_path / "boom.dll", target="x86_64-windows", dll=True)
    host = tmp_path / "host.c"
    host.write_text("""#include <windows.h>
#include <stdio.h>
int main(void) {
    HMODULE dll = LoadLibraryA("boom.dll");
    if (!dll) { printf("LoadLibrary failed: %lu\\n", GetLastError()); return 6; }
    int (*boom)(void) = (int (*)(void))GetProcAddress(dll, "boom");
    printf("calling\\n");
    fflush(stdout);
    return boom();
}
""")
    exe = tmp_path / "host.exe"
    run([f"{MINGW}-gcc", "-o", exe, host])
    proc = wine_process(exe, cwd=tmp_path, check=False)
    assert proc.stdout.replace("\r\n", "\n") == "calling\n", (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stderr.replace("\r\n", "\n").startswith("wasm trap: wasm `unreachable` instruction executed\n")
    assert proc.returncode == 3, proc.stderr


def test_dll_dwarf_verifies_and_debuggers_find_the_functions_at_their_exports(tmp_path: Path) -> None:
    """The listing DWARF in the image: llvm-dwarfdump --verify is clean, mingw objdump decodes the units, and
    gdb (reading DWARF from the PE file) puts each function's first line at its exported address."""
    dll = tmp_path / "chain.dll"
    compile_file(CHAIN, dll, target="x86_64-windows", dll=True)
    verify = run(["llvm-dwarfdump-19", "--verify", dll])
    assert "No errors." in verify.stdout, verify.stdout
    sections = run(["llvm-readobj-19", "--sections", dll]).stdout
    assert re.findall(r"Name: (\.debug_\w+) \(2F", sections)[:2] == [".debug_abbrev", ".debug_info"], sections
    info = run([f"{MINGW}-objdump", "--dwarf=info", dll])
    assert info.stderr == "", info.stderr
    exports = _exports(dll)
    low_pcs = {name: int(pc, 16) for name, pc in
               re.findall(r"DW_AT_name\s*: (?:\(indirect string, offset: 0x[0-9a-f]+\): )?(chain_\d)\n"
                          r"(?:.*\n)*?\s*<[0-9a-f]+>\s+DW_AT_low_pc\s*: (0x[0-9a-f]+)", info.stdout)}
    functions = ["chain_0", "chain_1", "chain_2"]
    assert low_pcs == {name: exports[name] for name in functions}, info.stdout[:2000]
    lines = _gdb_lines(dll, functions)
    assert {name: (source, address) for name, (source, _, address) in lines.items()} == {
        name: ("chain.wat.lst", exports[name]) for name in functions}


def test_dll_carries_c_source_dwarf_translated_from_the_wasm_module(tmp_path: Path) -> None:
    """A module built by clang with -g: the DLL's DWARF names shapes.c, verifies, and gdb finds every function at
    the same C line as in the ELF object compiled from the same module, at the DLL's exported address."""
    (tmp_path / "shapes.c").write_text(SHAPES.read_text())
    wasm = tmp_path / "shapes.wasm"
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all",
                "-o", wasm, "shapes.c"], cwd=tmp_path)
    dll, elf = tmp_path / "shapes.dll", tmp_path / "shapes.o"
    compile_file(wasm, dll, target="x86_64-windows", dll=True)
    compile_file(wasm, elf)
    verify = run(["llvm-dwarfdump-19", "--verify", dll])
    assert "No errors." in verify.stdout, verify.stdout
    functions = ["scale", "sum_list", "run"]
    in_dll, in_elf = _gdb_lines(dll, functions), _gdb_lines(elf, functions)
    exports = _exports(dll)
    assert {n: (source, line) for n, (source, line, _) in in_dll.items()} == {
        n: (source, line) for n, (source, line, _) in in_elf.items()}
    assert all(source.endswith("shapes.c") for source, _, _ in in_dll.values()), in_dll
    assert {n: address for n, (_, _, address) in in_dll.items()} == {n: exports[n] for n in functions}
