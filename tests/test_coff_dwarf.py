"""DWARF in COFF objects (GNU tools read it from PE files): the sections the ELF lowering builds, with
cross-section references as IMAGE_REL_AMD64_SECREL, verified by llvm-dwarfdump."""

from __future__ import annotations

import re
from pathlib import Path

from emitter.lower_coff import write_object

from .tools import run
from .windows_support import MINGW, assemble, module_of, standard_cases


def test_coff_dwarf_verifies_with_secrel_references(tmp_path: Path) -> None:
    builders = [b for case in standard_cases() for b in case.builders]
    assemble(builders, tmp_path)
    obj = tmp_path / "cases.obj"
    write_object(module_of(builders), obj)
    verify = run(["llvm-dwarfdump-19", "--verify", obj])
    assert "No errors." in verify.stdout
    info = run(["llvm-dwarfdump-19", "--debug-info", obj]).stdout
    assert sorted(re.findall(r'DW_AT_name\s+\("(\w+_\d)"\)', info)) == sorted(b.name for b in builders)
    relocs = run([f"{MINGW}-objdump", "-r", "-j", ".debug_info", obj]).stdout
    assert "IMAGE_REL_AMD64_SECREL" in relocs
    frames = run(["llvm-dwarfdump-19", "--debug-frame", obj]).stdout
    assert frames.count(" FDE ") == len(builders)
