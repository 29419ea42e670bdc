"""``jitdebug compile --dll`` is reproducible: the export directory names the final DLL, never the temporary file
it was written through, so rebuilding gives the same bytes and the dumpers show ``NAME.dll``.

The DWARF records the listing's absolute directory (so debuggers find it from anywhere): builds into two
directories differ exactly there, and nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

import wasmtime

from emitter.cli import main

from .tools import ROOT, run
from .windows_support import MINGW

SOURCE = ROOT / "samples" / "corpus" / "calls.wat"


def _build(directory: Path) -> bytes:
    directory.mkdir(exist_ok=True)
    dll = directory / "calls.dll"
    assert main(["compile", str(SOURCE), "--target", "x86_64-windows", "--dll", "-o", str(dll)]) == 0
    return dll.read_bytes()


def test_rebuilding_a_dll_gives_the_same_bytes(tmp_path: Path) -> None:
    first = _build(tmp_path / "one")
    assert _build(tmp_path / "one") == first
    # Same-length directory names keep every offset, so only the recorded directory may differ.
    other = _build(tmp_path / "two")
    assert other.replace(str(tmp_path / "two").encode(), str(tmp_path / "one").encode()) == first
    assert b".calls.dll." not in first


def test_dumpers_show_the_final_dll_name(tmp_path: Path) -> None:
    _build(tmp_path / "out")
    dll = tmp_path / "out" / "calls.dll"
    llvm = run(["llvm-objdump-19", "-p", dll]).stdout
    assert re.search(r"^ DLL name: calls\.dll$", llvm, re.MULTILINE), llvm
    gnu = run([f"{MINGW}-objdump", "-p", dll]).stdout
    assert re.search(r"^Name \s+[0-9a-f]+ calls\.dll$", gnu, re.MULTILINE), gnu
    exports = run(["llvm-readobj-19", "--coff-exports", dll]).stdout
    module = wasmtime.Module(wasmtime.Engine(), bytes(wasmtime.wat2wasm(SOURCE.read_text())))
    accessors = ["jitdebug_memory_base", "jitdebug_memory_size"]  # every AOT output has them (README)
    assert re.findall(r"Name: (\w+)", exports) == sorted([e.name for e in module.exports] + accessors)
