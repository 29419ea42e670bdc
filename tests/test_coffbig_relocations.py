"""A COFF object past the 16-bit relocation count: the 10,000-function benchmark module compiled for Windows.

Its ``.text`` carries about 150,000 relocations, so the section header says 0xFFFF with
``IMAGE_SCN_LNK_NRELOC_OVFL`` and the first relocation entry holds the real count. Both dumpers (LLVM and GNU)
must decode every relocation, both linkers (lld-link, GNU ld) must apply them, and the linked program must compute
under Wine what wasmtime computes; an export near the end of ``.text`` uses relocations far past the 65,535th.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import wasmtime

from emitter.cli import main
from emitter.codegen.compiler import compile_module
from emitter.lower_coff import object_model
from emitter.obj.coff import IMAGE_SCN_LNK_NRELOC_OVFL, coff_sections
from emitter.wasm.listing import render_listing
from emitter.wasm.load import load_bytes
from scripts.bench_compile import generate_module

from .tools import run
from .windows_support import MINGW, lld_link, run_wine

FUNCTIONS = 10_000
#: (export, arguments): the first and last functions and one in the middle of the relocation table.
CALLS = [("f0", (1, 2)), ("f9999", (0, 20000)), ("f9999", (7, 3)), ("f6600", (0, 100000)), ("f4242", (5, 5))]


@dataclass(frozen=True)
class BigObject:
    wasm: Path
    obj: Path
    header: Path
    #: Section name -> relocation count in our object model (what the file must carry).
    relocations: dict[str, int]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> BigObject:
    work = tmp_path_factory.mktemp("coffbig")
    wasm = work / "gen.wasm"
    wasm.write_bytes(generate_module(FUNCTIONS))
    obj, header = work / "gen.obj", work / "gen.h"
    assert main(["compile", str(wasm), "--target", "x86_64-windows", "-o", str(obj), "--header", str(header)]) == 0
    module = load_bytes(wasm.read_bytes())
    compiled = compile_module(module, module_name="bench", listing=render_listing(module, "bench"),
                              target="x86_64-windows", default_trap_hook=True, c_host=True)
    model = object_model(compiled)
    return BigObject(wasm, obj, header, {s.name: len(s.relocations) for s in coff_sections(model) if s.relocations})


def _readobj_relocations(obj: Path) -> tuple[dict[str, int], str]:
    proc = run(["llvm-readobj-19", "--relocations", obj])
    counts: dict[str, int] = {}
    section = ""
    for line in proc.stdout.splitlines():
        if match := re.match(r"\s+Section \(\d+\) (\S+) \{", line):
            section = match.group(1)
            counts[section] = 0
        elif re.match(r"\s+0x[0-9A-F]+ IMAGE_REL_AMD64_", line):
            counts[section] += 1
    return counts, proc.stderr


def _readobj_flags(obj: Path) -> dict[str, tuple[int, int]]:
    """Section name -> (RelocationCount field, Characteristics) as llvm-readobj prints the headers."""
    text = run(["llvm-readobj-19", "--sections", obj]).stdout
    headers = re.findall(r"Name: (\S+) .*?RelocationCount: (\d+).*?Characteristics \[ \((0x[0-9A-F]+)\)", text,
                         re.DOTALL)
    return {name: (int(count), int(flags, 16)) for name, count, flags in headers}


def _gnu_relocations(obj: Path) -> dict[str, int]:
    text = run([f"{MINGW}-objdump", "-r", obj]).stdout
    counts: dict[str, int] = {}
    section = ""
    for line in text.splitlines():
        if match := re.match(r"RELOCATION RECORDS FOR \[(.+)\]:", line):
            section = match.group(1)
            counts[section] = 0
        elif section and re.match(r"[0-9a-f]{16} ", line):
            counts[section] += 1
    return counts


def test_dumpers_decode_every_relocation_of_an_overflowing_section(big: BigObject) -> None:
    assert max(big.relocations.values()) > 0xFFFF, "the module no longer overflows the 16-bit count"
    llvm, warnings = _readobj_relocations(big.obj)
    assert warnings == ""
    assert llvm == big.relocations
    assert _gnu_relocations(big.obj) == big.relocations
    for name, (field, flags) in _readobj_flags(big.obj).items():
        count = big.relocations.get(name, 0)
        overflow = count >= 0xFFFF
        assert bool(flags & IMAGE_SCN_LNK_NRELOC_OVFL) == overflow, name
        assert field == (0xFFFF if overflow else count), name


HOST = """\
#include <stdio.h>
#include "gen.h"

int main(void) {
%s
    return 0;
}
"""


def test_linked_by_lld_and_gnu_ld_runs_under_wine_like_wasmtime(big: BigObject, tmp_path: Path) -> None:
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    instance = wasmtime.Instance(store, wasmtime.Module(engine, big.wasm.read_bytes()), [])
    expected = []
    for export, args in CALLS:
        function = instance.exports(store)[export]
        assert isinstance(function, wasmtime.Func)
        expected.append(f"{export} {function(store, *args)}")

    calls = "\n".join(f'    printf("{e} %d\\n", (int){e}({a}, {b}));' for e, (a, b) in CALLS)
    source = tmp_path / "host.c"
    source.write_text(HOST % calls)
    (tmp_path / "gen.h").write_bytes(big.header.read_bytes())
    host = tmp_path / "host.o"
    run([f"{MINGW}-gcc", "-std=c11", "-Wall", "-Werror", "-O1", "-c", source, "-o", host], cwd=tmp_path)
    gnu = tmp_path / "gnu.exe"
    run([f"{MINGW}-gcc", "-o", gnu, host, big.obj], cwd=tmp_path)
    lld = lld_link(tmp_path, [host, big.obj], "lld.exe")
    for exe in (gnu, lld):
        assert run_wine(exe).splitlines() == expected, exe.name
