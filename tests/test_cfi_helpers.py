"""Shared pieces of the CFI tests (no tests here): a generator of random valid unwind programs, the assembler
source that states the same call-frame instructions as ``.cfi_*`` directives, an object holding our sections,
and three readers of unwind rows (pyelftools, llvm-dwarfdump, the program's own intent) in one normal form."""

from __future__ import annotations

import io
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from elftools.dwarf.callframe import FDE, CallFrameInfo, RegisterRule
from elftools.dwarf.structs import DWARFStructs
from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection
from elftools.elf.sections import SymbolTableSection

from emitter.arch import AARCH64, X86_64, Arch
from emitter.dwarf.cfi import FrameDescription, build_debug_frame, build_eh_frame
from emitter.dwarf.cfi_instructions import (
    CallFrameInstruction,
    DW_CFA_advance_loc,
    DW_CFA_def_cfa,
    DW_CFA_def_cfa_offset,
    DW_CFA_def_cfa_register,
    DW_CFA_offset,
    DW_CFA_remember_state,
    DW_CFA_restore,
    DW_CFA_restore_state,
    DW_CFA_same_value,
    lower_program,
)
from emitter.encoding import SymbolAddress
from emitter.obj.elf import write_relocatable
from emitter.obj.model import ObjectFile, SectionKind, Symbol, SymbolKind
from emitter.unwind import UnwindProgram
from tests.tools import run

#: AArch64 as LLVM describes it (code alignment 1, data alignment -4): the same instructions factored differently,
#: so llvm-mc can be a byte-exact oracle for the encoder; GCC's factors (4, -8) are the project's AArch64.
AARCH64_LLVM_FACTORS = replace(AARCH64, code_alignment_factor=1, data_alignment_factor=-4)


# -- random valid unwind programs -----------------------------------------------------------------------------
class Chooser(Protocol):
    """The few random decisions the generator makes; one driver for hypothesis, one for a seeded batch."""

    def integer(self, low: int, high: int) -> int: ...

    def chance(self, percent: int) -> bool: ...


@dataclass
class SeededChooser:
    rng: random.Random

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent


@dataclass(frozen=True)
class Registers:
    """What the generator may save on an architecture."""

    frame_pointer: str
    callee_saved: tuple[str, ...]
    vectors: tuple[str, ...]
    instruction: int  # 0: variable length (x86-64), else the fixed instruction size


def registers_for(arch: Arch) -> Registers:
    if arch.name == "x86_64":
        return Registers("rbp", ("rbx", "r12", "r13", "r14", "r15", "rsi", "rdi"),
                         tuple(f"xmm{i}" for i in range(6, 16)), 0)
    return Registers("x29", ("x30",) + tuple(f"x{i}" for i in range(19, 29)), tuple(f"v{i}" for i in range(8, 16)),
                     4)


def generate_program(choose: Chooser, arch: Arch, name: str) -> tuple[UnwindProgram, int]:
    """A plausible function: pushes (maybe a frame pointer, maybe with an offset), small or large allocations,
    register and vector saves, a body with mid-function epilogues, a final epilogue; or a frameless leaf.
    Returns the program and its code size."""
    regs = registers_for(arch)
    program = UnwindProgram(name, arch)
    offset = 0

    def step() -> int:
        nonlocal offset
        roll = choose.integer(0, 99)
        if roll < 85:
            units = choose.integer(1, 8)
        elif roll < 98:
            units = choose.integer(60, 300)
        else:
            units = choose.integer(65_000, 70_000)
        offset += units * (regs.instruction or 1)
        return offset

    if choose.chance(10):
        return program, step()  # frameless leaf
    pushed: list[str] = []
    cfa_minus_fp: int | None = None
    if choose.chance(60):
        program.push(step(), regs.frame_pointer)
        pushed.append(regs.frame_pointer)
        if choose.chance(60):
            program.set_frame_pointer(step(), regs.frame_pointer)
            cfa_minus_fp = arch.entry_cfa_offset + 8
    pool = [r for r in regs.callee_saved if r not in pushed]
    for _ in range(choose.integer(0, 4)):
        register = pool.pop(choose.integer(0, len(pool) - 1))
        program.push(step(), register)
        pushed.append(register)
    after_pushes = arch.entry_cfa_offset + 8 * len(pushed)
    allocated = 0
    if choose.chance(70):
        allocated = 8 * (choose.integer(1, 16) if choose.chance(70) else choose.integer(17, 200_000))
        program.alloc(step(), allocated)
        if regs.frame_pointer in pushed and cfa_minus_fp is None and choose.chance(50):
            # Windows-style frame pointer into the allocation: lea fp, [sp + n].
            sp_offset = 8 * choose.integer(0, min(allocated // 8, 30))
            program.set_frame_pointer(step(), regs.frame_pointer, sp_offset)
            cfa_minus_fp = after_pushes + allocated - sp_offset
    saved: list[str] = []
    while pool and 8 * (len(saved) + 1) <= allocated and choose.chance(40):
        register = pool.pop(choose.integer(0, len(pool) - 1))
        program.save(step(), register, 8 * len(saved))
        saved.append(register)
    vectors = list(regs.vectors)
    vector_base = 8 * len(saved) + (-(8 * len(saved)) % 16)
    while vectors and vector_base + 16 <= allocated and choose.chance(30):
        register = vectors.pop(choose.integer(0, len(vectors) - 1))
        program.save(step(), register, vector_base)
        saved.append(register)
        vector_base += 16
    program.prologue_end(offset)

    def epilogue(final: bool) -> None:
        program.epilogue_begin(step())
        for register in reversed(saved):
            if choose.chance(50):
                program.restore(step(), register)
        if allocated:
            if cfa_minus_fp is not None and choose.chance(50):
                program.reset_sp_from_fp(step(), cfa_minus_fp - after_pushes)
            else:
                program.free(step(), allocated)
        for register in reversed(pushed):
            program.pop(step(), register)
        end = step()
        if not final or choose.chance(70):
            program.epilogue_end(end)

    for _ in range(choose.integer(0, 2)):
        step()
        epilogue(final=False)
    epilogue(final=True)
    return program, offset


# -- our sections in an object --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Function:
    program: UnwindProgram
    size: int
    lsda: int | None = None  # offset in .gcc_except_table


def layout(functions: Sequence[Function]) -> list[FrameDescription]:
    """Place the functions one after another in .text (4-byte aligned, as AArch64 code must be)."""
    fdes = []
    at = 0
    for f in functions:
        lsda = SymbolAddress(".gcc_except_table", f.lsda) if f.lsda is not None else None
        fdes.append(FrameDescription(SymbolAddress(".text", at), f.size, f.program, lsda))
        at += f.size + (-f.size % 4)
    return fdes


def text_size(fdes: Sequence[FrameDescription]) -> int:
    last = fdes[-1]
    assert isinstance(last.start, SymbolAddress)
    return last.start.addend + last.size


def write_object(path: Path, fdes: Sequence[FrameDescription], arch: Arch, *, personality: str | None = None,
                 debug_frame: bool = True) -> Path:
    """An ELF relocatable with .text, our .eh_frame (and .debug_frame), written by the project's ELF writer."""
    obj = ObjectFile(arch=arch.name)
    text = obj.section(".text", SectionKind.TEXT, executable=True, align=4)
    text.append(bytes(text_size(fdes)))
    if any(fde.lsda is not None for fde in fdes):
        obj.section(".gcc_except_table", SectionKind.EXCEPT_TABLE).append(bytes(64))
    for fde in fdes:
        assert isinstance(fde.start, SymbolAddress)
        obj.add_symbol(Symbol(fde.program.function, ".text", fde.start.addend, fde.size, SymbolKind.FUNCTION))
    if personality is not None:
        from emitter.dwarf.cfi import add_personality_pointer

        add_personality_pointer(obj, personality, arch)
    sections = [(".eh_frame", SectionKind.UNWIND, build_eh_frame(fdes, arch, personality=personality,
                                                                  terminate=False))]
    if debug_frame:
        sections.append((".debug_frame", SectionKind.DEBUG, build_debug_frame(fdes, arch)))
    for name, kind, writer in sections:
        section = obj.section(name, kind, align=8)
        section.data += writer.data
        section.relocations += writer.relocations
    path.write_bytes(write_relocatable(obj))
    return path


# -- the same instructions as assembler directives ------------------------------------------------------------
def directives(instruction: CallFrameInstruction, arch: Arch) -> str:
    """One instruction as the directive that asks the assembler for it; advances become code bytes."""
    match instruction:
        case DW_CFA_advance_loc(delta=delta):
            return f".skip {delta}"
        case DW_CFA_def_cfa(register=r, offset=o):
            return f".cfi_def_cfa {r}, {o}"
        case DW_CFA_def_cfa_register(register=r):
            return f".cfi_def_cfa_register {r}"
        case DW_CFA_def_cfa_offset(offset=o):
            return f".cfi_def_cfa_offset {o}"
        case DW_CFA_offset(register=r, offset=o):
            return f".cfi_offset {r}, {o}"
        case DW_CFA_restore(register=r):
            return f".cfi_restore {r}"
        case DW_CFA_same_value(register=r):
            return f".cfi_same_value {r}"
        case DW_CFA_remember_state():
            return ".cfi_remember_state"
        case DW_CFA_restore_state():
            return ".cfi_restore_state"
    raise AssertionError(instruction)


def assembler_source(fdes: Sequence[FrameDescription], arch: Arch, *, personality: str | None = None,
                     debug_frame: bool = False) -> str:
    """A ``.s`` file whose functions sit at the same offsets with the same ``.cfi_*`` directives."""
    lines = [".cfi_sections .debug_frame" if debug_frame else "", ".text"]
    at = 0
    for fde in fdes:
        assert isinstance(fde.start, SymbolAddress)
        if fde.start.addend > at:
            lines.append(f".skip {fde.start.addend - at}")
        lines.append(".cfi_startproc")
        if fde.lsda is not None:
            assert isinstance(fde.lsda, SymbolAddress)
            lines.append(f".cfi_personality 0x9b, DW.ref.{personality}")
            lines.append(f".cfi_lsda 0x1b, .gcc_except_table+{fde.lsda.addend}")
        done = 0
        for instruction in lower_program(fde.program, fde.size):
            lines.append(directives(instruction, arch))
            if isinstance(instruction, DW_CFA_advance_loc):
                done += instruction.delta
        if fde.size > done:
            lines.append(f".skip {fde.size - done}")
        lines.append(".cfi_endproc")
        at = fde.start.addend + fde.size
    if any(fde.lsda is not None for fde in fdes):
        lines += ['.section .gcc_except_table,"a",@progbits', ".skip 64"]
    return "\n".join(lines) + "\n"


# -- reading sections back ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    data: bytes
    #: (offset, ELF relocation type, symbol name, addend)
    relocations: tuple[tuple[int, int, str, int], ...]


def read_section(path: Path, name: str) -> Section:
    with path.open("rb") as stream:
        elf = ELFFile(stream)
        section = elf.get_section_by_name(name)
        assert section is not None, f"{path} has no {name}"
        relocations: list[tuple[int, int, str, int]] = []
        rela = elf.get_section_by_name(".rela" + name)
        if rela is not None:
            assert isinstance(rela, RelocationSection)
            symtab = elf.get_section(rela["sh_link"])
            assert isinstance(symtab, SymbolTableSection)
            for reloc in rela.iter_relocations():
                symbol = symtab.get_symbol(reloc["r_info_sym"])
                symbol_name = symbol.name or elf.get_section(symbol["st_shndx"]).name
                relocations.append((reloc["r_offset"], reloc["r_info_type"], symbol_name, reloc["r_addend"]))
        return Section(section.data(), tuple(sorted(relocations)))


def assemble(tmp: Path, source: str, assembler: str, arch: Arch, *, stem: str = "oracle") -> Path:
    """Assemble with GNU as (x86-64 only) or llvm-mc. A source that asks for .debug_frame gets version-4 CIEs
    as ours (GNU as applies its CIE version to .eh_frame too, hence only then)."""
    src = tmp / f"{stem}.s"
    src.write_text(source)
    out = tmp / f"{stem}-{assembler}.o"
    if assembler == "as":
        version = ["--gdwarf-cie-version=4"] if ".cfi_sections .debug_frame" in source else []
        run(["as", *version, "-o", out, src])
    else:
        triple = "x86_64-linux-gnu" if arch.name == "x86_64" else "aarch64-linux-gnu"
        run(["llvm-mc-19", "-filetype=obj", f"-triple={triple}", "-dwarf-version=4", "-o", out, src])
    return out


#: A row in normal form: (code offset, CFA register number, CFA offset, ((register number, CFA-relative), ...)).
NormalRow = tuple[int, int, int, tuple[tuple[int, int], ...]]


def intended_rows(program: UnwindProgram, size: int) -> list[NormalRow]:
    arch = program.arch
    return [(row.start, arch.dwarf_number(row.cfa_register), row.cfa_offset,
             tuple(sorted((arch.dwarf_number(name), -slot) for name, slot in row.saved)))
            for row in program.rows(size)]


def normalise(rows: list[NormalRow], size: int) -> list[NormalRow]:
    """Drop rows outside the function and rows that repeat the previous rule (readers differ in both)."""
    out: list[NormalRow] = []
    for row in rows:
        if row[0] >= size:
            continue
        if out and out[-1][1:] == row[1:]:
            continue
        if out and out[-1][0] == row[0]:
            out[-1] = row
            continue
        out.append(row)
    return out


def pyelftools_rows(fde: FDE) -> list[NormalRow]:
    start = fde.header["initial_location"]
    rows: list[NormalRow] = []
    for line in fde.get_decoded().table:
        saved = tuple(sorted((reg, rule.arg) for reg, rule in line.items()
                             if isinstance(reg, int) and isinstance(rule, RegisterRule)
                             and rule.type == RegisterRule.OFFSET and isinstance(rule.arg, int)))
        rows.append((line["pc"] - start, line["cfa"].reg, line["cfa"].offset, saved))
    return normalise(rows, fde.header["address_range"])


def decode_bytes(data: bytes, *, eh_frame: bool) -> list[FDE]:
    """Decode a section straight from our bytes (no container): pc-relative pointers decode to the field's
    own address, so rows are read relative to each FDE's ``initial_location``."""
    structs = DWARFStructs(little_endian=True, dwarf_format=32, address_size=8)
    cfi = CallFrameInfo(io.BytesIO(data), len(data), 0, structs, for_eh_frame=eh_frame)
    return [entry for entry in cfi.get_entries() if isinstance(entry, FDE)]


def object_fdes(path: Path) -> tuple[list[FDE], list[FDE]]:
    """The FDEs of .eh_frame and .debug_frame, through pyelftools with relocations applied."""
    stream = path.open("rb")
    dwarf = ELFFile(stream).get_dwarf_info(relocate_dwarf_sections=True)
    eh = [e for e in dwarf.EH_CFI_entries() if isinstance(e, FDE)] if dwarf.has_EH_CFI() else []
    debug = [e for e in dwarf.CFI_entries() if isinstance(e, FDE)] if dwarf.has_CFI() else []
    return eh, debug


_LLVM_NAMES: dict[str, Callable[[str], int | None]] = {
    "x86_64": lambda name: X86_64.dwarf_registers.get(name.lower()),
    "aarch64": lambda name: (31 if name == "WSP" else int(name[1:]) if name[0] == "W" else 64 + int(name[1:])
                             if name[0] == "B" else None),
}
_FDE_LINE = re.compile(r"^[0-9a-f]+ [0-9a-f]+ [0-9a-f]+ FDE cie=[0-9a-f]+ pc=([0-9a-f]+)\.\.\.([0-9a-f]+)$")
_ROW_LINE = re.compile(r"^  0x([0-9a-f]+): CFA=([A-Z0-9]+)([+-]\d+)?(?:: (.*))?$")
_RULE = re.compile(r"^([A-Z0-9]+)=\[CFA([+-]\d+)\]$")


def dwarfdump_rows(path: Path, arch: Arch, section: str) -> list[list[NormalRow]]:
    """Per FDE, the rows ``llvm-dwarfdump-19`` prints after its instructions (``section``: eh-frame, debug-frame)."""
    output = run(["llvm-dwarfdump-19", f"--{section}", path]).stdout
    register = _LLVM_NAMES[arch.name]
    tables: list[list[NormalRow]] = []
    bounds: list[tuple[int, int]] = []
    wanted = f".{section.replace('-', '_')} contents:"
    current = ""  # llvm-dwarfdump prints both frame sections for either option
    for line in output.splitlines():
        if line.endswith(" contents:"):
            current = line
        if current != wanted:
            continue
        fde = _FDE_LINE.match(line)
        if fde:
            start, end = int(fde.group(1), 16), int(fde.group(2), 16)
            bounds.append((start, end))
            tables.append([])
            continue
        row = _ROW_LINE.match(line)
        if row and tables:
            start, end = bounds[-1]
            saved = []
            for rule in (row.group(4) or "").split(", "):
                slot = _RULE.match(rule)
                if slot:
                    number = register(slot.group(1))
                    assert number is not None, rule
                    saved.append((number, int(slot.group(2))))
            cfa = register(row.group(2))
            assert cfa is not None, line
            tables[-1].append((int(row.group(1), 16) - start, cfa, int(row.group(3) or 0), tuple(sorted(saved))))
    return [normalise(rows, end - start) for rows, (start, end) in zip(tables, bounds, strict=True)]
