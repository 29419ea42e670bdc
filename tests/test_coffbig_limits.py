"""The 16- and 32-bit fields of the COFF and PE writers at their limits: the relocation count's overflow marker
at exactly 0xFFFF (decoded by the LLVM and GNU dumpers and applied by lld-link), and a typed
``FormatLimitError`` naming what overflowed wherever the format has no extended form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emitter.errors import FormatLimitError
from emitter.obj.coff import IMAGE_SCN_LNK_NRELOC_OVFL, write_coff
from emitter.obj.model import Binding, ObjectFile, Relocation, RelocKind, SectionKind, Symbol, SymbolKind
from emitter.obj.pe import link_dll

from .tools import run
from .windows_support import MINGW, section_bytes


def _pointer_table(entries: int) -> ObjectFile:
    """``.data`` holding ``entries`` 8-byte pointers to ``target + i`` (one ADDR64 relocation each)."""
    obj = ObjectFile()
    text = obj.section(".text", SectionKind.TEXT, align=16, executable=True)
    text.append(b"\xc3")
    obj.add_symbol(Symbol("target", ".text", 0, 1, SymbolKind.FUNCTION, Binding.GLOBAL))
    data = obj.section(".data", SectionKind.DATA, align=8, writable=True)
    data.append(bytes(8 * entries))
    for index in range(entries):
        data.relocate(Relocation(8 * index, RelocKind.ABSOLUTE, 8, "target", index))
    obj.add_symbol(Symbol("table", ".data", 0, 8 * entries, SymbolKind.OBJECT, Binding.GLOBAL))
    return obj


@pytest.mark.parametrize("entries", [0xFFFE, 0xFFFF])
def test_relocation_count_at_the_16_bit_boundary(entries: int, tmp_path: Path) -> None:
    """0xFFFE fits the header; 0xFFFF is the marker value itself, so it already takes the extended form."""
    path = tmp_path / "table.obj"
    path.write_bytes(write_coff(_pointer_table(entries)))
    headers = run(["llvm-readobj-19", "--sections", path]).stdout
    header = re.search(r"Name: \.data .*?Characteristics \[ \((0x[0-9A-F]+)\)", headers, re.DOTALL)
    assert header, headers
    flags = int(header[1], 16)
    assert bool(flags & IMAGE_SCN_LNK_NRELOC_OVFL) == (entries == 0xFFFF)
    llvm = run(["llvm-readobj-19", "--relocations", path])
    assert llvm.stderr == ""
    addr64 = re.findall(r"^\s+(0x[0-9A-F]+) IMAGE_REL_AMD64_ADDR64 target", llvm.stdout, re.MULTILINE)
    assert [int(offset, 16) for offset in addr64] == [8 * i for i in range(entries)]
    gnu = run([f"{MINGW}-objdump", "-r", "-j", ".data", path]).stdout
    gnu_offsets = re.findall(r"^([0-9a-f]{16}) IMAGE_REL_AMD64_ADDR64 +target$", gnu, re.MULTILINE)
    assert [int(offset, 16) for offset in gnu_offsets] == [8 * i for i in range(entries)]

    # lld-link applies every one: pointer i is target + i.
    image = tmp_path / "table.dll"
    run(["lld-link-19", "-dll", "-noentry", "-machine:x64", "-export:table", f"-out:{image}", path])
    raw = section_bytes(image, ".data", tmp_path)
    pointers = [int.from_bytes(raw[8 * i:8 * i + 8], "little") for i in range(entries)]
    assert pointers == [pointers[0] + i for i in range(entries)]


def test_too_many_coff_sections_is_a_format_limit() -> None:
    obj = ObjectFile()
    for index in range(0xFF00):
        obj.section(f".d{index}", SectionKind.DATA).append(b"\0")
    with pytest.raises(FormatLimitError, match="65280 sections: a COFF object holds at most 65279"):
        write_coff(obj)


def test_coff_addend_too_wide_for_its_field_is_a_format_limit() -> None:
    obj = _pointer_table(1)
    obj.sections[".data"].relocations[0] = Relocation(0, RelocKind.ABSOLUTE, 4, "target", 1 << 32)
    with pytest.raises(FormatLimitError, match=r"function 'target' at code offset 0x0: addend 0x100000000 does not "
                                               r"fit the 4-byte field of a relocation in \.data"):
        write_coff(obj)


def test_more_exports_than_16_bit_ordinals_is_a_format_limit() -> None:
    obj = ObjectFile()
    obj.section(".text", SectionKind.TEXT, align=16).append(b"\xc3" * 0x10000)
    for index in range(0x10000):
        obj.add_symbol(Symbol(f"e{index}", ".text", index, 1, SymbolKind.FUNCTION, Binding.GLOBAL))
    with pytest.raises(FormatLimitError, match="65536 exports: a DLL's 16-bit ordinals number at most 65535"):
        link_dll(obj, dll_name="many.dll")


def test_dll_relocation_out_of_its_field_is_a_format_limit() -> None:
    obj = _pointer_table(1)
    obj.sections[".data"].relocations[0] = Relocation(0, RelocKind.IMAGE_RELATIVE, 4, "target", -0x10000)
    with pytest.raises(FormatLimitError, match=r"function 'target' at code offset 0x0: the image_relative "
                                               r"relocation in \.data resolves to -0x\w+, which its 4-byte field"):
        link_dll(obj, dll_name="table.dll")
