"""The ELF writer: relocatable objects (x86-64, AArch64) and the in-memory JIT image, read back by readelf,
llvm-readobj, objdump, pyelftools, GDB and LLDB."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from elftools.elf.elffile import ELFFile

from emitter.errors import FormatLimitError, SymbolError
from emitter.lower import lower_module
from emitter.obj.elf import write_image, write_relocatable
from emitter.obj.model import Binding, ObjectFile, Relocation, RelocKind, SectionKind, Symbol, SymbolKind
from tests.test_foundation_build import FUNCTIONS, build_chain, elf_section
from tests.tools import run


def _sample(arch: str = "x86_64") -> ObjectFile:
    obj = ObjectFile(arch=arch)
    text = obj.section(".text", SectionKind.TEXT)
    text.append(bytes(64), 16)
    obj.section(".data", SectionKind.DATA).append(bytes(16), 8)
    obj.section(".rodata", SectionKind.RODATA).append(b"hello\0", 1)
    obj.section(".bss", SectionKind.BSS).bss_size = 32
    obj.section(".eh_frame", SectionKind.UNWIND).append(bytes(8), 8)
    obj.section(".debug_str", SectionKind.DEBUG).append(b"name\0", 1)
    obj.section(".debug_info", SectionKind.DEBUG).append(bytes(16), 1)
    obj.section(".note.GNU-stack", SectionKind.NOTE)
    obj.add_symbol(Symbol("local_fn", ".text", 0, 32, SymbolKind.FUNCTION, Binding.LOCAL))
    obj.add_symbol(Symbol("global_fn", ".text", 32, 32, SymbolKind.FUNCTION, Binding.GLOBAL))
    obj.add_symbol(Symbol("table", ".data", 0, 16, SymbolKind.OBJECT, Binding.GLOBAL))
    obj.add_symbol(Symbol("message", ".rodata", 0, 6, SymbolKind.OBJECT, Binding.LOCAL))
    obj.add_symbol(Symbol("counter", ".bss", 0, 32, SymbolKind.OBJECT, Binding.LOCAL))
    text.relocate(Relocation(1, RelocKind.CALL, 4, "external_fn", -4))
    text.relocate(Relocation(8, RelocKind.PC_RELATIVE, 4, "message", -4))
    text.relocate(Relocation(16, RelocKind.ABSOLUTE, 8, "table", 8))
    text.relocate(Relocation(24, RelocKind.ABSOLUTE, 4, "counter", 0))
    obj.sections[".data"].relocate(Relocation(0, RelocKind.ABSOLUTE, 8, "global_fn", 0))
    obj.sections[".eh_frame"].relocate(Relocation(0, RelocKind.PC_RELATIVE, 4, ".text", 0))
    obj.sections[".debug_info"].relocate(Relocation(0, RelocKind.SECTION_OFFSET, 4, ".debug_str", 0))
    obj.sections[".debug_info"].relocate(Relocation(4, RelocKind.SECTION_OFFSET, 4, "message", 2))
    obj.sections[".debug_info"].relocate(Relocation(8, RelocKind.ABSOLUTE, 8, ".text", 32))
    obj.reference("external_fn")
    return obj


def test_x86_64_relocatable_sections_symbols_and_relocations(tmp_path: Path) -> None:
    path = tmp_path / "sample.o"
    path.write_bytes(write_relocatable(_sample(), source_name="sample.wat"))
    proc = run(["readelf", "-W", "-S", "-s", "-r", path])
    assert "warning" not in (proc.stdout + proc.stderr).lower(), proc.stdout + proc.stderr
    sections = {m.group(1): (m.group(2), m.group(3).strip())
                for m in re.finditer(r"^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+(?:\S+\s+){4}(\S*)\s+\d+\s+\d+\s+\d+$",
                                     proc.stdout, re.M)}
    assert sections[".text"] == ("PROGBITS", "AX")
    assert sections[".data"] == ("PROGBITS", "WA")
    assert sections[".rodata"] == ("PROGBITS", "A")
    assert sections[".bss"] == ("NOBITS", "WA")
    assert sections[".eh_frame"] == ("X86_64_UNWIND", "A")
    assert sections[".debug_info"] == ("PROGBITS", "")
    assert sections[".note.GNU-stack"] == ("PROGBITS", "")
    for rela in (".rela.text", ".rela.data", ".rela.eh_frame", ".rela.debug_info"):
        assert sections[rela] == ("RELA", "I")
    relocations = re.findall(r"^[0-9a-f]{16}\s+[0-9a-f]+\s+(R_X86_64_\w+)\s+[0-9a-f]+\s+(.*)$", proc.stdout, re.M)
    assert relocations == [
        ("R_X86_64_PLT32", "external_fn - 4"), ("R_X86_64_PC32", "message - 4"), ("R_X86_64_64", "table + 8"),
        ("R_X86_64_32", "counter + 0"), ("R_X86_64_64", "global_fn + 0"), ("R_X86_64_PC32", ".text + 0"),
        ("R_X86_64_32", ".debug_str + 0"), ("R_X86_64_32", ".rodata + 2"), ("R_X86_64_64", ".text + 20")]
    with path.open("rb") as stream:
        symtab = elf_section(ELFFile(stream), ".symtab")
        symbols = list(symtab.iter_symbols())
        bindings = [s["st_info"]["bind"] for s in symbols]
        first_global = bindings.index("STB_GLOBAL")
        assert symtab["sh_info"] == first_global and "STB_LOCAL" not in bindings[first_global:]
        assert symbols[1]["st_info"]["type"] == "STT_FILE" and symbols[1].name == "sample.wat"
        assert {s.name for s in symbols[first_global:]} == {"global_fn", "table", "external_fn"}


def test_relocatable_links_and_the_linker_applies_every_relocation(tmp_path: Path) -> None:
    path = tmp_path / "sample.o"
    path.write_bytes(write_relocatable(_sample(), source_name="sample.wat"))
    exe = tmp_path / "sample"
    run(["ld.lld-19", "-static", "-e", "global_fn", "--defsym", "external_fn=0x201000", "-o", exe, path])
    symbols = {line.split()[2]: int(line.split()[0], 16) for line in run(["nm", exe]).stdout.splitlines()}
    with exe.open("rb") as stream:
        elf = ELFFile(stream)
        data = elf_section(elf, ".data")
        # The data word holds global_fn's address (R_X86_64_64 against a global function).
        assert int.from_bytes(data.data()[:8], "little") == symbols["global_fn"]
        text = elf_section(elf, ".text")
        code = text.data()
        call = int.from_bytes(code[1:5], "little", signed=True)
        assert text["sh_addr"] + 5 + call == 0x201000


def test_aarch64_relocatable_uses_the_aarch64_relocations(tmp_path: Path) -> None:
    path = tmp_path / "sample.o"
    path.write_bytes(write_relocatable(_sample("aarch64")))
    proc = run(["llvm-readobj-19", "--file-headers", "--relocations", path])
    assert "Machine: EM_AARCH64" in proc.stdout
    types = re.findall(r"0x[0-9A-F]+ (R_AARCH64_\w+) ", proc.stdout)
    assert types == ["R_AARCH64_CALL26", "R_AARCH64_PREL32", "R_AARCH64_ABS64", "R_AARCH64_ABS32",
                     "R_AARCH64_ABS64", "R_AARCH64_PREL32", "R_AARCH64_ABS32", "R_AARCH64_ABS32",
                     "R_AARCH64_ABS64"]


def test_unrepresentable_relocation_is_a_typed_error() -> None:
    obj = _sample()
    obj.sections[".text"].relocate(Relocation(40, RelocKind.IMAGE_RELATIVE, 4, "table"))
    with pytest.raises(FormatLimitError, match="image_relative") as caught:
        write_relocatable(obj)
    assert caught.value.function == ".text" and caught.value.offset == 40


TEXT = 0x7F1234560000
EH_FRAME = 0x7F1234570000
CALLBACK = 0x7F1234580000


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("image")
    obj = lower_module(build_chain(directory).module)
    path = directory / "image.elf"
    path.write_bytes(write_image(obj, {".text": TEXT, ".eh_frame": EH_FRAME}, {"jd_callback": CALLBACK}.__getitem__))
    return path


def test_image_has_real_addresses_and_no_relocations(image: Path) -> None:
    proc = run(["readelf", "-W", "-a", "-wF", image])
    assert "warning" not in (proc.stdout + proc.stderr).lower(), proc.stdout + proc.stderr
    assert "RELA" not in proc.stdout
    with image.open("rb") as stream:
        elf = ELFFile(stream)
        for section in elf.iter_sections():
            if section["sh_flags"] & 0x2:  # SHF_ALLOC
                assert section["sh_addr"] in (TEXT, EH_FRAME), section.name
                assert any(segment.section_in_segment(section) for segment in elf.iter_segments())
        symbols = {s.name: s["st_value"] for s in elf_section(elf, ".symtab").iter_symbols()}
        assert "jd_callback" not in symbols
        dwarf = elf.get_dwarf_info()
        top = next(dwarf.iter_CUs()).get_top_DIE()
        assert top.attributes["DW_AT_low_pc"].value == TEXT
        lows = {d.attributes["DW_AT_name"].value.decode(): d.attributes["DW_AT_low_pc"].value
                for d in top.iter_children() if d.tag == "DW_TAG_subprogram"}
        assert lows == {name: symbols[name] for name in FUNCTIONS}
        entries: list[Any] = dwarf.EH_CFI_entries()
        pcs = sorted(e.header["initial_location"] for e in entries if "initial_location" in e.header)
        assert pcs == sorted(lows.values())
    verify = run(["llvm-dwarfdump-19", "--verify", image])
    assert "No errors." in verify.stdout


def test_image_code_relocations_are_applied(image: Path) -> None:
    text = run(["objdump", "-d", image]).stdout
    assert re.search(rf"call\s+{CALLBACK:x}\b", text), text
    pushes = re.search(r"^([0-9a-f]+) <pushes_func>:", text, re.M)
    assert pushes and re.search(rf"call\s+{pushes.group(1).lstrip('0')} <pushes_func>", text)


def test_gdb_and_lldb_load_the_image_at_its_addresses(image: Path) -> None:
    address = TEXT + 0x105  # inside deepest
    gdb = run(["gdb", "-batch", "-nx", "-ex", f"add-symbol-file {image}", "-ex", f"info symbol {address:#x}",
               "-ex", f"info line *{address:#x}", "-ex", f"info scope *{address:#x}"])
    assert "warning" not in (gdb.stdout + gdb.stderr).lower(), gdb.stdout + gdb.stderr
    assert "deepest + 5 in section .text" in gdb.stdout
    assert re.search(r'Line \d+ of ".*chain\.s" starts at address', gdb.stdout)
    assert "Symbol x is a variable at frame base reg $rbp offset 0+-4" in gdb.stdout
    lldb = run(["lldb-19", "-b", "-o", f"target create {image}", "-o", f"image lookup -v -a {address:#x}"])
    assert re.search(r"Summary: image\.elf`deepest \+ 5 at chain\.s:\d+", lldb.stdout), lldb.stdout
    assert re.search(r'name = "y", type = "i32", .*location = DW_OP_fbreg -8', lldb.stdout), lldb.stdout


def test_image_errors_name_the_section_and_offset() -> None:
    obj = _sample()
    with pytest.raises(SymbolError, match="no load address given for section '.data'"):
        write_image(obj, {".text": TEXT, ".rodata": TEXT + 0x1000, ".eh_frame": EH_FRAME}, lambda name: 0)
    addresses = {".text": TEXT, ".data": TEXT + 0x1000, ".rodata": TEXT + 0x2000, ".bss": TEXT + 0x3000,
                 ".eh_frame": EH_FRAME}
    with pytest.raises(FormatLimitError, match="does not fit in 32 bits") as caught:
        write_image(obj, addresses, lambda name: 0x1000)  # the callee is far more than 2 GiB away
    assert caught.value.function == ".text" and caught.value.offset == 1
    with pytest.raises(FormatLimitError, match="'counter' does not fit in 32 bits") as caught:
        write_image(obj, addresses, lambda name: TEXT + 0x100000)
    assert caught.value.offset == 24
    # With the 32-bit absolute target below 4 GiB, everything fits.
    image = write_image(obj, {**addresses, ".bss": 0x10000}, lambda name: TEXT + 0x100000)
    assert io.BytesIO(image).read(4) == b"\x7fELF"
