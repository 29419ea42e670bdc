"""COFF relocatable object writer (x86-64; ARM64 data relocations) for the neutral ``ObjectFile``.

COFF relocations have no addend field: the addend is stored in the relocated bytes ("implicit addend"), and
``REL32`` measures from the end of its 4-byte field where the model's ``PC_RELATIVE`` measures from its start,
so the stored value is ``addend + 4``. Section names longer than 8 bytes (``.debug_info``) go to the string
table as ``/offset``, which GNU and LLVM tools both read.

The header's 16-bit counts have limits: a section with 0xFFFF relocations or more uses the extended form
(``IMAGE_SCN_LNK_NRELOC_OVFL``, NumberOfRelocations 0xFFFF, and a first relocation entry whose VirtualAddress is
the real count, that entry included, as LLVM and MSVC write it); more sections than a short section number can
name (the bigobj format's case), and offsets or values past 32 bits, raise ``FormatLimitError``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..errors import FormatLimitError, SymbolError
from .model import Binding, ObjectFile, RelocKind, Section, SectionKind, Symbol, SymbolKind

IMAGE_FILE_MACHINE_AMD64 = 0x8664
IMAGE_FILE_MACHINE_ARM64 = 0xAA64

IMAGE_SCN_CNT_CODE = 0x20
IMAGE_SCN_CNT_INITIALIZED_DATA = 0x40
IMAGE_SCN_CNT_UNINITIALIZED_DATA = 0x80
IMAGE_SCN_LNK_INFO = 0x200
IMAGE_SCN_LNK_REMOVE = 0x800
IMAGE_SCN_LNK_NRELOC_OVFL = 0x01000000
IMAGE_SCN_MEM_DISCARDABLE = 0x02000000
IMAGE_SCN_MEM_EXECUTE = 0x20000000
IMAGE_SCN_MEM_READ = 0x40000000
IMAGE_SCN_MEM_WRITE = 0x80000000

IMAGE_SYM_UNDEFINED = 0
#: Type field of a function symbol: IMAGE_SYM_DTYPE_FUNCTION (2) in the complex-type nibble.
IMAGE_SYM_TYPE_FUNCTION = 0x20
IMAGE_SYM_CLASS_EXTERNAL = 2
IMAGE_SYM_CLASS_STATIC = 3
IMAGE_SYM_CLASS_WEAK_EXTERNAL = 105
#: A weak external resolves to its default only when no object defines the name (what GNU as and LLVM emit).
IMAGE_WEAK_EXTERN_SEARCH_ALIAS = 3
#: A weak reference: resolves to a definition when another object has one, else to its default, the absolute 0
#: (what gcc emits for a weak declaration; GNU ld handles it, where it does not resolve weak definitions).
IMAGE_WEAK_EXTERN_SEARCH_NOLIBRARY = 1
IMAGE_SYM_ABSOLUTE = 0xFFFF  # -1 as the signed SectionNumber

IMAGE_REL_AMD64_ADDR64 = 0x1
IMAGE_REL_AMD64_ADDR32 = 0x2
IMAGE_REL_AMD64_ADDR32NB = 0x3
IMAGE_REL_AMD64_REL32 = 0x4
IMAGE_REL_AMD64_SECREL = 0xB
IMAGE_REL_ARM64_ADDR32 = 0x1
IMAGE_REL_ARM64_ADDR32NB = 0x2
IMAGE_REL_ARM64_SECREL = 0x8
IMAGE_REL_ARM64_ADDR64 = 0xE
IMAGE_REL_ARM64_REL32 = 0x11

FILE_HEADER_SIZE = 20
SECTION_HEADER_SIZE = 40
RELOCATION_SIZE = 10
SYMBOL_SIZE = 18

#: NumberOfRelocations is 16-bit and its maximum is the overflow marker, so this many relocations already
#: take the extended form.
RELOCATION_COUNT_OVERFLOW = 0xFFFF
#: Section numbers from 0xFF00 up are reserved (IMAGE_SYM_DEBUG, IMAGE_SYM_ABSOLUTE as signed values).
MAX_SECTIONS = 0xFEFF
MAX_U32 = 0xFFFFFFFF

MACHINES = {"x86_64": IMAGE_FILE_MACHINE_AMD64, "aarch64": IMAGE_FILE_MACHINE_ARM64}


@dataclass(frozen=True, slots=True)
class CoffRelocationType:
    """A COFF relocation type and the bias between the model's addend and the implicit addend stored."""

    type: int
    bias: int = 0


#: Neutral relocation (kind, size) -> COFF type, per architecture.
RELOCATION_TYPES: dict[str, dict[tuple[RelocKind, int], CoffRelocationType]] = {
    "x86_64": {
        (RelocKind.ABSOLUTE, 8): CoffRelocationType(IMAGE_REL_AMD64_ADDR64),
        (RelocKind.ABSOLUTE, 4): CoffRelocationType(IMAGE_REL_AMD64_ADDR32),
        (RelocKind.IMAGE_RELATIVE, 4): CoffRelocationType(IMAGE_REL_AMD64_ADDR32NB),
        (RelocKind.PC_RELATIVE, 4): CoffRelocationType(IMAGE_REL_AMD64_REL32, 4),
        (RelocKind.CALL, 4): CoffRelocationType(IMAGE_REL_AMD64_REL32, 4),
        (RelocKind.SECTION_OFFSET, 4): CoffRelocationType(IMAGE_REL_AMD64_SECREL),
    },
    "aarch64": {
        (RelocKind.ABSOLUTE, 8): CoffRelocationType(IMAGE_REL_ARM64_ADDR64),
        (RelocKind.ABSOLUTE, 4): CoffRelocationType(IMAGE_REL_ARM64_ADDR32),
        (RelocKind.IMAGE_RELATIVE, 4): CoffRelocationType(IMAGE_REL_ARM64_ADDR32NB),
        (RelocKind.PC_RELATIVE, 4): CoffRelocationType(IMAGE_REL_ARM64_REL32),
        (RelocKind.SECTION_OFFSET, 4): CoffRelocationType(IMAGE_REL_ARM64_SECREL),
    },
}

_CONTENT_FLAGS = {
    SectionKind.TEXT: IMAGE_SCN_CNT_CODE | IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_MEM_READ,
    SectionKind.RODATA: IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ,
    SectionKind.DATA: IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE,
    SectionKind.BSS: IMAGE_SCN_CNT_UNINITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE,
    SectionKind.UNWIND: IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ,
    SectionKind.EXCEPT_TABLE: IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ,
    SectionKind.DEBUG: IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_DISCARDABLE | IMAGE_SCN_MEM_READ,
    SectionKind.LINKER_DIRECTIVE: IMAGE_SCN_LNK_INFO | IMAGE_SCN_LNK_REMOVE,
}


def section_characteristics(section: Section) -> int:
    """Content and memory flags plus the alignment field (log2(align) + 1 in bits 20..23, at most 8192)."""
    if section.kind is SectionKind.LINKER_DIRECTIVE:
        return _CONTENT_FLAGS[section.kind]
    flags = _CONTENT_FLAGS[section.kind]
    if section.writable and section.kind is not SectionKind.BSS:
        flags |= IMAGE_SCN_MEM_WRITE
    if section.executable:
        flags |= IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_MEM_READ
    align = max(section.align, 1)
    if align & (align - 1) or align > 8192:
        raise FormatLimitError(f"section {section.name} alignment {align} is not a power of two up to 8192")
    return flags | (align.bit_length() << 20)


def relocation_count_field(count: int) -> int:
    """NumberOfRelocations as the section header and its definition record carry it."""
    return min(count, RELOCATION_COUNT_OVERFLOW)


def relocations_overflow(count: int) -> bool:
    """Whether a section of ``count`` relocations needs the extended form (one more entry, holding the count)."""
    return count >= RELOCATION_COUNT_OVERFLOW


def coff_sections(obj: ObjectFile) -> list[Section]:
    """The sections a COFF file carries: ELF notes (``.note.GNU-stack``) have no COFF meaning."""
    return [s for s in obj.sections.values() if s.kind is not SectionKind.NOTE]


class StringTable:
    """The COFF string table: a 4-byte total size, then NUL-terminated names."""

    def __init__(self) -> None:
        self.data = bytearray(4)
        self.offsets: dict[str, int] = {}

    def add(self, text: str) -> int:
        if text not in self.offsets:
            self.offsets[text] = len(self.data)
            self.data += text.encode() + b"\0"
        return self.offsets[text]

    def encode(self) -> bytes:
        return struct.pack("<I", len(self.data)) + bytes(self.data[4:])

    def short_name(self, text: str, *, section: bool) -> bytes:
        """An 8-byte name field: inline when it fits, else ``/decimal`` (sections) or 0 + offset (symbols)."""
        raw = text.encode()
        if len(raw) <= 8:
            return raw.ljust(8, b"\0")
        offset = self.add(text)
        if section:
            name = f"/{offset}".encode()
            if len(name) > 8:
                raise FormatLimitError(f"section name {text!r} lies too far into the string table")
            return name.ljust(8, b"\0")
        return struct.pack("<II", 0, offset)


def write_coff(obj: ObjectFile) -> bytes:
    """Encode ``obj`` as a COFF relocatable object."""
    machine = MACHINES.get(obj.arch)
    if machine is None:
        raise FormatLimitError(f"COFF writer has no machine type for {obj.arch}")
    reloc_types = RELOCATION_TYPES[obj.arch]
    sections = coff_sections(obj)
    if len(sections) > MAX_SECTIONS:
        raise FormatLimitError(f"{len(sections)} sections: a COFF object holds at most {MAX_SECTIONS} "
                               "(more need the bigobj format)")
    number = {s.name: i + 1 for i, s in enumerate(sections)}
    strings = StringTable()
    for section in sections:
        # Section names first: a ``/offset`` name has only 7 digits, symbol names may fill megabytes.
        if len(section.name.encode()) > 8:
            strings.add(section.name)

    # Layout: headers, then each section's bytes and relocations, then the symbol table and string table.
    offset = FILE_HEADER_SIZE + SECTION_HEADER_SIZE * len(sections)
    raw_offset: dict[str, int] = {}
    reloc_offset: dict[str, int] = {}
    for section in sections:
        if section.size > MAX_U32:
            raise FormatLimitError(f"section {section.name} of {section.size} bytes: COFF sizes are 32-bit")
        if section.kind is not SectionKind.BSS and section.data:
            offset += -offset % 4
            raw_offset[section.name] = offset
            offset += len(section.data)
        if section.relocations:
            offset += -offset % 2
            reloc_offset[section.name] = offset
            entries = len(section.relocations) + relocations_overflow(len(section.relocations))
            offset += RELOCATION_SIZE * entries
    symtab_offset = offset + (-offset % 4)
    if symtab_offset > MAX_U32:
        raise FormatLimitError(f"the COFF object would be {symtab_offset} bytes: its file offsets are 32-bit")

    # Symbols: one static section symbol (+ section definition aux record) per section, then the others.
    symbols = bytearray()
    index: dict[str, int] = {}
    count = 0

    def symbol(name: str, value: int, section_number: int, sym_type: int, storage: int, aux: list[bytes]) -> None:
        nonlocal count
        if not 0 <= value <= MAX_U32:
            raise FormatLimitError(f"symbol value {value:#x} does not fit COFF's 32 bits", function=name)
        index.setdefault(name, count)
        symbols.extend(strings.short_name(name, section=False))
        # SectionNumber is signed in the spec, but only 0 and 1..MAX_SECTIONS occur here: write it unsigned.
        symbols.extend(struct.pack("<IHHBB", value, section_number, sym_type, storage, len(aux)))
        for record in aux:
            symbols.extend(record)
        count += 1 + len(aux)

    for section in sections:
        aux = struct.pack("<IHHIHB3x", section.size, relocation_count_field(len(section.relocations)), 0, 0, 0, 0)
        symbol(section.name, 0, number[section.name], 0, IMAGE_SYM_CLASS_STATIC, [aux])
    for sym in sorted(obj.symbols.values(), key=lambda s: (s.binding is not Binding.LOCAL, s.name)):
        if sym.name in number:
            raise SymbolError(f"symbol {sym.name!r} has the name of a section", function=sym.name)
        if sym.binding is Binding.WEAK and sym.defined:
            # A weak definition is a weak external whose default is a global alias of the definition; the alias
            # name carries another symbol of this object so that several objects' defaults never collide.
            default = f".weak.{sym.name}.default.{_anchor(obj)}"
            symbol(default, sym.value, _section_number(sym, number), _type(sym), IMAGE_SYM_CLASS_EXTERNAL, [])
            weak_aux = struct.pack("<II10x", index[default], IMAGE_WEAK_EXTERN_SEARCH_ALIAS)
            symbol(sym.name, 0, IMAGE_SYM_UNDEFINED, _type(sym), IMAGE_SYM_CLASS_WEAK_EXTERNAL, [weak_aux])
            continue
        if sym.binding is Binding.WEAK:
            null = f".weak.{sym.name}.{_anchor(obj)}"
            symbol(null, 0, IMAGE_SYM_ABSOLUTE, 0, IMAGE_SYM_CLASS_EXTERNAL, [])
            weak_aux = struct.pack("<II10x", index[null], IMAGE_WEAK_EXTERN_SEARCH_NOLIBRARY)
            symbol(sym.name, 0, IMAGE_SYM_UNDEFINED, _type(sym), IMAGE_SYM_CLASS_WEAK_EXTERNAL, [weak_aux])
            continue
        symbol(sym.name, sym.value, _section_number(sym, number), _type(sym), _storage(sym), _aux(sym))

    # Relocations, with implicit addends written into a copy of each section's bytes.
    contents: dict[str, bytes] = {}
    relocation_tables: dict[str, bytes] = {}
    for section in sections:
        data = bytearray(section.data)
        table = bytearray()
        if relocations_overflow(len(section.relocations)):
            table += struct.pack("<IIH", len(section.relocations) + 1, 0, 0)
        for reloc in sorted(section.relocations, key=lambda r: r.offset):
            coff_type = reloc_types.get((reloc.kind, reloc.size))
            if coff_type is None:
                raise FormatLimitError(f"no COFF {obj.arch} relocation for a {reloc.size}-byte {reloc.kind.value} "
                                       f"reference in {section.name}", function=reloc.symbol, offset=reloc.offset)
            if reloc.symbol not in index:
                raise SymbolError(f"relocation in {section.name} names unknown symbol {reloc.symbol!r}",
                                  function=reloc.symbol, offset=reloc.offset)
            stored = reloc.addend + coff_type.bias
            if not -(1 << (8 * reloc.size - 1)) <= stored < 1 << 8 * reloc.size:
                raise FormatLimitError(f"addend {reloc.addend:#x} does not fit the {reloc.size}-byte field of a "
                                       f"relocation in {section.name}", function=reloc.symbol, offset=reloc.offset)
            data[reloc.offset:reloc.offset + reloc.size] = stored.to_bytes(reloc.size, "little", signed=stored < 0)
            table += struct.pack("<IIH", reloc.offset, index[reloc.symbol], coff_type.type)
        contents[section.name] = bytes(data)
        relocation_tables[section.name] = bytes(table)

    headers = bytearray()
    for section in sections:
        relocs = len(section.relocations)
        characteristics = section_characteristics(section)
        if relocations_overflow(relocs):
            characteristics |= IMAGE_SCN_LNK_NRELOC_OVFL
        headers += strings.short_name(section.name, section=True)
        headers += struct.pack("<IIIIIIHHI", 0, 0, section.size, raw_offset.get(section.name, 0),
                               reloc_offset.get(section.name, 0), 0, relocation_count_field(relocs), 0,
                               characteristics)

    out = bytearray(struct.pack("<HHIIIHH", machine, len(sections), 0, symtab_offset, count, 0, 0))
    out += headers
    for section in sections:
        if section.name in raw_offset:
            out += bytes(raw_offset[section.name] - len(out))
            out += contents[section.name]
        if section.name in reloc_offset:
            out += bytes(reloc_offset[section.name] - len(out))
            out += relocation_tables[section.name]
    out += bytes(symtab_offset - len(out))
    out += symbols
    out += strings.encode()
    return bytes(out)


def _section_number(sym: Symbol, number: dict[str, int]) -> int:
    return IMAGE_SYM_UNDEFINED if sym.section is None else number[sym.section]


def _type(sym: Symbol) -> int:
    return IMAGE_SYM_TYPE_FUNCTION if sym.kind is SymbolKind.FUNCTION else 0


def _storage(sym: Symbol) -> int:
    match sym.binding:
        case Binding.LOCAL if sym.defined:
            return IMAGE_SYM_CLASS_STATIC
        case Binding.GLOBAL | Binding.LOCAL:
            return IMAGE_SYM_CLASS_EXTERNAL
        case Binding.WEAK:  # written as weak externals before this is asked
            raise SymbolError(f"weak symbol {sym.name!r} has no COFF storage class", function=sym.name)


def _anchor(obj: ObjectFile) -> str:
    """A name this object defines besides its weak symbols (a global one when there is one), as LLVM picks."""
    defined = [s for s in obj.symbols.values() if s.defined and s.binding is not Binding.WEAK]
    if not defined:
        return "object"
    return min(defined, key=lambda s: (s.binding is not Binding.GLOBAL, s.name)).name


def _aux(sym: Symbol) -> list[bytes]:
    """A function definition record carrying the function's size (TotalSize) for defined functions."""
    if sym.kind is SymbolKind.FUNCTION and sym.defined and sym.binding is not Binding.LOCAL:
        return [struct.pack("<IIII2x", 0, sym.size, 0, 0)]
    return []
