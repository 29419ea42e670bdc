"""DWARF call-frame information sections: ``.eh_frame`` and ``.debug_frame``, CIEs and FDEs around the
instructions that ``cfi_instructions.py`` lowers from each function's ``UnwindProgram``.

Both builders return a ``ByteWriter`` whose relocations name symbols (``.text`` + offset, the LSDA, the
personality pointer), so any container writer can place them. Layout matches GNU ``as`` byte for byte: each CIE
right before the first FDE that uses it, entries padded with ``DW_CFA_nop`` to 4 bytes in ``.eh_frame`` (the
last one to the address size) and to the address size in ``.debug_frame``.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

from ..arch import Arch
from ..encoding import Address, ByteWriter, SymbolAddress
from ..errors import EmitError, FormatLimitError
from ..obj.model import Binding, ObjectFile, Relocation, RelocKind, SectionKind, Symbol, SymbolKind
from ..unwind import UnwindOp, UnwindProgram
from .cfi_instructions import DW_CFA, cie_initial_instructions, encode_instructions, lower_program

# Pointer encodings of .eh_frame (LSB "DWARF Extensions", DW_EH_PE_*).
DW_EH_PE_sdata4 = 0x0B
DW_EH_PE_pcrel = 0x10
DW_EH_PE_indirect = 0x80

#: FDE addresses and the LSDA pointer: 4-byte signed, relative to the field (R_X86_64_PC32, R_AARCH64_PREL32).
FDE_POINTER_ENCODING = DW_EH_PE_pcrel | DW_EH_PE_sdata4
#: The personality routine, read through a pointer-sized data word (``DW.ref.<personality>``) so that the
#: routine may live in a shared library without a text relocation in ``.eh_frame``.
PERSONALITY_ENCODING = DW_EH_PE_indirect | DW_EH_PE_pcrel | DW_EH_PE_sdata4

EH_FRAME_CIE_VERSION = 1
DEBUG_FRAME_CIE_VERSION = 4
DEBUG_FRAME_CIE_ID = 0xFFFF_FFFF

#: Encoded FDE instructions by (unwind-program shape, code size); see ``fde_instructions``.
InstructionCache = dict[tuple[tuple[str, tuple[UnwindOp, ...]], int], bytes]

#: Where the personality pointer word goes in an object (the name GCC uses for local relocated data).
PERSONALITY_POINTER_SECTION = ".data.rel.local"


@dataclass(frozen=True, slots=True)
class FrameDescription:
    """One function's frame: code at ``start`` (typically ``SymbolAddress(".text", function_offset)``) of
    ``size`` bytes, described by ``program``; ``lsda`` points at its language-specific data area, if any."""

    start: Address
    size: int
    program: UnwindProgram
    lsda: Address | None = None
    #: Instructions of a signal frame (a signal's restorer), given as they are: the FDE goes under a CIE with
    #: augmentation ``S``, which tells unwinders that the frame's pc is not a return address (in ``.debug_frame``
    #: a second CIE, whose ``S`` alone GDB reads as in ``.eh_frame``; GDB prefers a ``.debug_frame`` FDE).
    signal_frame: bytes | None = None


def personality_pointer_symbol(personality: str) -> str:
    """The data word a ``zPLR`` CIE points at: ``DW.ref.<personality>`` (as GCC names it)."""
    return f"DW.ref.{personality}"


def add_personality_pointer(obj: ObjectFile, personality: str, arch: Arch) -> Symbol:
    """Define the ``DW.ref.<personality>`` word that ``build_eh_frame(..., personality=...)`` refers to: a local
    pointer-sized object in ``.data.rel.local`` holding the personality's address (an absolute relocation against
    the undefined global ``personality``). Idempotent: returns the existing word when there is one."""
    name = personality_pointer_symbol(personality)
    existing = obj.symbols.get(name)
    if existing is not None and existing.defined:
        return existing
    section = obj.section(PERSONALITY_POINTER_SECTION, SectionKind.DATA, writable=True)
    word = ByteWriter()
    word.address(SymbolAddress(personality), arch.pointer_size, RelocKind.ABSOLUTE)
    offset = section.append(bytes(word.data), align=arch.pointer_size)
    for reloc in word.relocations:
        section.relocate(type(reloc)(offset + reloc.offset, reloc.kind, reloc.size, reloc.symbol, reloc.addend))
    obj.reference(personality)
    return obj.add_symbol(Symbol(name, PERSONALITY_POINTER_SECTION, offset, arch.pointer_size, SymbolKind.OBJECT,
                                 Binding.LOCAL))


def build_eh_frame(fdes: Sequence[FrameDescription], arch: Arch, *, personality: str | None = None,
                   terminate: bool, instructions: Sequence[bytes] | None = None) -> ByteWriter:
    """Encode ``.eh_frame``: version-1 CIEs with augmentation ``zR`` (FDE pointers pc-relative sdata4).

    With ``personality``, FDEs that have an ``lsda`` share a ``zPLR`` CIE whose personality is read indirectly
    through ``DW.ref.<personality>`` (define it with ``add_personality_pointer``); FDEs without an LSDA stay under
    the ``zR`` CIE, so the personality is never called for frames it has nothing to do in. Every FDE under a
    ``z`` CIE carries its augmentation length.

    ``terminate``: append a 4-byte zero entry. An in-memory section handed to libgcc's ``__register_frame`` must
    end with one; a relocatable object must not have it (the linker and crtend.o end the output section, and a
    zero in the middle would hide every FDE linked after it).

    Every ``start`` and ``lsda`` must be a ``SymbolAddress``: pc-relative fields become ``PC_RELATIVE`` size-4
    relocations, so the writer (or an in-memory image's relocator) resolves them where the section lands.

    ``instructions``: each FDE's ``fde_instructions``, when the caller already has them (an object holds both
    ``.eh_frame`` and ``.debug_frame``, and lowering every program once instead of twice saves a quarter of the
    emitter's time).
    """
    if instructions is None:
        instructions = all_fde_instructions(fdes, arch)
    w = ByteWriter()
    cie_offsets: dict[tuple[bool, bool], int] = {}
    # The usual FDE (no LSDA, no signal frame, not the last, at a 4-byte boundary as every entry ends on one) is
    # a packed header, the augmentation length 0 and its instructions padded with DW_CFA_nop: modules repeat a
    # few programs, each padded once. Any other FDE is written field by field (``_eh_frame_fde``), with its
    # checks.
    header = _EH_FDE_HEADER.pack
    padded: dict[bytes, tuple[int, bytes]] = {}
    data, relocations, pc_relative = w.data, w.relocations, RelocKind.PC_RELATIVE
    last = len(fdes) - 1
    for index, (fde, fde_program) in enumerate(zip(fdes, instructions, strict=True)):
        with_lsda = fde.lsda is not None
        if with_lsda and personality is None:
            raise EmitError("an LSDA needs a personality routine", function=fde.program.function, offset=0)
        key = (with_lsda, fde.signal_frame is not None)
        if key not in cie_offsets:
            cie_offsets[key] = w.offset
            _eh_frame_cie(w, arch, personality if with_lsda else None, signal_frame=key[1])
        at, start = len(data), fde.start
        if (key != (False, False) or index == last or at % 4 or not isinstance(start, SymbolAddress)
                or not 0 <= fde.size <= 0xFFFF_FFFF):
            _eh_frame_fde(w, arch, fde, cie_offsets[key], fde_program, last=index == last)
            continue
        entry = padded.get(fde_program)
        if entry is None:
            body = b"\0" + fde_program  # the augmentation length (no LSDA), the instructions
            body += bytes([DW_CFA.nop]) * (-(_EH_FDE_HEADER.size + len(body)) % 4)
            entry = padded[fde_program] = (_EH_FDE_HEADER.size - 4 + len(body), body)
        relocations.append(Relocation(at + 8, pc_relative, 4, start.symbol, start.addend))
        data += header(entry[0], at + 4 - cie_offsets[key], 0, fde.size)
        data += entry[1]
    if terminate:
        w.u32(0)
    return w


def build_debug_frame(fdes: Sequence[FrameDescription], arch: Arch, *,
                      instructions: Sequence[bytes] | None = None) -> ByteWriter:
    """Encode ``.debug_frame``: one version-4 CIE (no augmentation; a second, ``S``, for signal frames), FDEs with
    absolute pointer-sized ``initial_location`` and ``address_range``. The CIE pointer is a ``SECTION_OFFSET``
    relocation against ``.debug_frame`` itself, so the section survives being concatenated by a linker. LSDAs are
    not described here (``.debug_frame`` is for debuggers, not for the exception runtime). ``instructions`` as
    for ``build_eh_frame``."""
    if instructions is None:
        instructions = all_fde_instructions(fdes, arch)
    w = ByteWriter()
    if not fdes:
        return w
    cie_offset = w.offset
    _debug_frame_cie(w, arch)  # ends on an address-size boundary, as every entry does
    signal_cie: int | None = None
    # An FDE is its header (length, CIE pointer, initial_location, address_range) and its instructions padded
    # with DW_CFA_nop to the address size; modules repeat a few programs, each padded once.
    size = arch.pointer_size
    header = struct.Struct(f"<II{_ADDRESS_FORMAT[size] * 2}").pack
    padded: dict[bytes, tuple[int, bytes]] = {}
    data, relocations = w.data, w.relocations
    section_offset, absolute = RelocKind.SECTION_OFFSET, RelocKind.ABSOLUTE
    for fde, fde_program in zip(fdes, instructions, strict=True):
        cie = cie_offset
        if fde.signal_frame is not None:
            if signal_cie is None:
                signal_cie = w.offset
                _debug_frame_cie(w, arch, "S")
            cie = signal_cie
        entry = padded.get(fde_program)
        if entry is None:
            pad = -(8 + 2 * size + len(fde_program)) % size
            entry = padded[fde_program] = (4 + 2 * size + len(fde_program) + pad,
                                           fde_program + bytes([DW_CFA.nop]) * pad)
        at = len(data)
        start = fde.start
        relocations.append(Relocation(at + 4, section_offset, 4, ".debug_frame", cie))
        if isinstance(start, SymbolAddress):
            relocations.append(Relocation(at + 8, absolute, size, start.symbol, start.addend))
            start = 0
        data += header(entry[0], 0, start, fde.size)
        data += entry[1]
    return w


#: An .eh_frame FDE's fixed fields: length, CIE pointer, pc_begin (a pc-relative field), pc_range.
_EH_FDE_HEADER = struct.Struct("<IIiI")
#: struct format of an address-sized field.
_ADDRESS_FORMAT = {4: "I", 8: "Q"}


# -- entries --------------------------------------------------------------------------------------------------
def fde_instructions(fde: FrameDescription, arch: Arch, cache: InstructionCache | None = None) -> bytes:
    """The encoded call-frame instructions of one FDE (the same bytes in ``.eh_frame`` and ``.debug_frame``).

    ``cache`` memoises them per unwind-program shape and code size: the functions of a module share a few
    prologue and epilogue shapes, and the bytes depend on nothing else (errors are raised, never cached)."""
    if fde.signal_frame is not None:
        return fde.signal_frame
    program = fde.program
    function = program.function
    if program.arch != arch:
        raise EmitError(f"unwind program is for {program.arch.name}, the section for {arch.name}",
                        function=function, offset=0)
    if fde.size < 0:
        raise EmitError(f"negative function size {fde.size}", function=function, offset=0)
    if cache is None:
        return encode_instructions(lower_program(program, fde.size), arch, function=function)
    key = (program.shape(), fde.size)
    encoded = cache.get(key)
    if encoded is None:
        encoded = cache[key] = encode_instructions(lower_program(program, fde.size), arch, function=function)
    return encoded


def all_fde_instructions(fdes: Sequence[FrameDescription], arch: Arch) -> list[bytes]:
    """``fde_instructions`` of each FDE, each distinct unwind program lowered once."""
    cache: InstructionCache = {}
    return [fde_instructions(fde, arch, cache) for fde in fdes]


def _begin_entry(w: ByteWriter) -> int:
    """Write the 32-bit length placeholder; return where it is."""
    at = w.offset
    w.u32(0)
    return at


def _end_entry(w: ByteWriter, length_at: int, alignment: int) -> None:
    """Pad with DW_CFA_nop (a no-op inside the entry, so readers need no special case) and patch the length."""
    w.align(alignment, DW_CFA.nop)
    w.patch(length_at, w.offset - length_at - 4, 4)


def _cie_factors(w: ByteWriter, arch: Arch) -> None:
    w.uleb(arch.code_alignment_factor)
    w.sleb(arch.data_alignment_factor)


def _eh_frame_cie(w: ByteWriter, arch: Arch, personality: str | None, *, signal_frame: bool = False) -> None:
    length_at = _begin_entry(w)
    w.u32(0)  # CIE id of .eh_frame
    w.u8(EH_FRAME_CIE_VERSION)
    w.cstr(("zR" if personality is None else "zPLR") + ("S" if signal_frame else ""))
    _cie_factors(w, arch)
    if arch.return_address_column > 0xFF:
        raise FormatLimitError(f"return-address column {arch.return_address_column} does not fit a version-1 CIE")
    w.u8(arch.return_address_column)
    if personality is None:
        w.uleb(1)
    else:
        w.uleb(1 + 4 + 1 + 1)
        w.u8(PERSONALITY_ENCODING)
        w.address(SymbolAddress(personality_pointer_symbol(personality)), 4, RelocKind.PC_RELATIVE)
        w.u8(FDE_POINTER_ENCODING)  # L: the LSDA pointer in each FDE
    w.u8(FDE_POINTER_ENCODING)  # R: the FDE's pc_begin
    w.bytes(encode_instructions(cie_initial_instructions(arch), arch))
    _end_entry(w, length_at, 4)


def _eh_frame_fde(w: ByteWriter, arch: Arch, fde: FrameDescription, cie_offset: int, instructions: bytes, *,
                  last: bool) -> None:
    function = fde.program.function
    length_at = _begin_entry(w)
    w.u32(w.offset - cie_offset)  # distance from this field back to the CIE
    if not isinstance(fde.start, SymbolAddress):
        raise EmitError("an .eh_frame FDE needs a symbolic start address (it is pc-relative)", function=function,
                        offset=0)
    w.address(fde.start, 4, RelocKind.PC_RELATIVE)
    if fde.size > 0xFFFF_FFFF:
        raise FormatLimitError(f"function of {fde.size} bytes does not fit a 4-byte pc_range", function=function,
                               offset=0)
    w.u32(fde.size)  # pc_range: the format part of the encoding only, never pc-relative
    if fde.lsda is None:
        w.uleb(0)
    else:
        if not isinstance(fde.lsda, SymbolAddress):
            raise EmitError("the LSDA pointer needs a symbolic address (it is pc-relative)", function=function,
                            offset=0)
        w.uleb(4)
        w.address(fde.lsda, 4, RelocKind.PC_RELATIVE)
    w.bytes(instructions)
    # The last entry ends on an address-size boundary, as GNU as and LLVM leave it.
    _end_entry(w, length_at, arch.pointer_size if last else 4)


def _debug_frame_cie(w: ByteWriter, arch: Arch, augmentation: str = "") -> None:
    length_at = _begin_entry(w)
    w.u32(DEBUG_FRAME_CIE_ID)
    w.u8(DEBUG_FRAME_CIE_VERSION)
    w.cstr(augmentation)  # none, or "S" (a signal frame: no augmentation data)
    w.u8(arch.pointer_size)  # address_size
    w.u8(0)  # segment_selector_size
    _cie_factors(w, arch)
    w.uleb(arch.return_address_column)
    w.bytes(encode_instructions(cie_initial_instructions(arch), arch))
    _end_entry(w, length_at, arch.pointer_size)
