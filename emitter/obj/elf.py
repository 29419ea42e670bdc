"""ELF64 little-endian writer for the neutral ``ObjectFile``.

Products of one layout pass:

* ``write_relocatable``: an ``ET_REL`` object for linkers (relocations kept as ``.rela.<section>``).
* ``write_image``: the in-memory image a JIT hands to GDB and LLDB through the GDB JIT interface. Every
  relocation is applied, every ALLOC section's ``sh_addr`` is its real load address and no relocation section is
  left. It is an ``ET_EXEC`` file with one ``PT_LOAD`` segment exactly covering each ALLOC section: LLDB ignores
  ``sh_addr`` in an ``ET_REL`` file and lays the sections out from 0 itself, and GDB warns "Loadable section ...
  outside of ELF segments" about any ALLOC section that no segment covers. Symbol values are absolute.
* ``prepare_image_part`` + ``write_merged_image``: the same kind of image describing several modules at once
  (the JIT registers modules in batches: a debugger's cost is per image), written from parts relocated at load.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .._rows import apply_relocations
from ..errors import FormatLimitError, SymbolError
from ..gcpause import collector_paused
from .model import Binding, ObjectFile, Relocation, RelocKind, Section, SectionKind, Symbol, SymbolKind

# -- ELF constants (System V gABI, x86-64 and AArch64 psABIs) -------------------------------------------------
ET_REL = 1
ET_EXEC = 2
EM_X86_64 = 62
EM_AARCH64 = 183
EV_CURRENT = 1
ELFCLASS64 = 2
ELFDATA2LSB = 1
ELFOSABI_NONE = 0

SHT_NULL = 0
SHT_PROGBITS = 1
SHT_SYMTAB = 2
SHT_STRTAB = 3
SHT_RELA = 4
SHT_NOBITS = 8
SHT_X86_64_UNWIND = 0x70000001

SHF_WRITE = 0x1
SHF_ALLOC = 0x2
SHF_EXECINSTR = 0x4
SHF_INFO_LINK = 0x40

PT_LOAD = 1
PF_X = 0x1
PF_W = 0x2
PF_R = 0x4

SHN_UNDEF = 0
SHN_LORESERVE = 0xFF00
SHN_ABS = 0xFFF1

STB_LOCAL = 0
STB_GLOBAL = 1
STB_WEAK = 2
STT_NOTYPE = 0
STT_OBJECT = 1
STT_FUNC = 2
STT_SECTION = 3
STT_FILE = 4

R_X86_64_64 = 1
R_X86_64_PC32 = 2
R_X86_64_PLT32 = 4
R_X86_64_32 = 10
R_X86_64_PC64 = 24
R_AARCH64_ABS64 = 257
R_AARCH64_ABS32 = 258
R_AARCH64_PREL64 = 260
R_AARCH64_PREL32 = 261
R_AARCH64_CALL26 = 283

_MACHINES = {"x86_64": EM_X86_64, "aarch64": EM_AARCH64}

#: Neutral relocation (kind, size) -> ELF relocation type, per architecture. SECTION_OFFSET relocations are
#: emitted against the target's section symbol, so the absolute type computes the offset within the section
#: (debug sections are not loaded: their address is 0 in every linked file).
RELOCATION_TYPES: dict[str, dict[tuple[RelocKind, int], int]] = {
    "x86_64": {
        (RelocKind.ABSOLUTE, 8): R_X86_64_64,
        (RelocKind.ABSOLUTE, 4): R_X86_64_32,
        (RelocKind.PC_RELATIVE, 4): R_X86_64_PC32,
        (RelocKind.PC_RELATIVE, 8): R_X86_64_PC64,
        (RelocKind.CALL, 4): R_X86_64_PLT32,
        (RelocKind.SECTION_OFFSET, 4): R_X86_64_32,
        (RelocKind.SECTION_OFFSET, 8): R_X86_64_64,
    },
    "aarch64": {
        (RelocKind.ABSOLUTE, 8): R_AARCH64_ABS64,
        (RelocKind.ABSOLUTE, 4): R_AARCH64_ABS32,
        (RelocKind.PC_RELATIVE, 4): R_AARCH64_PREL32,
        (RelocKind.PC_RELATIVE, 8): R_AARCH64_PREL64,
        (RelocKind.CALL, 4): R_AARCH64_CALL26,
        (RelocKind.SECTION_OFFSET, 4): R_AARCH64_ABS32,
        (RelocKind.SECTION_OFFSET, 8): R_AARCH64_ABS64,
    },
}

_EHDR_SIZE = 64
_SHDR_SIZE = 64
_SYM_SIZE = 24
_RELA_SIZE = 24
_PHDR_SIZE = 56
_pack_rela = struct.Struct("<QQq").pack_into
_pack_u32 = struct.Struct("<I").pack_into
_pack_u64 = struct.Struct("<Q").pack_into
#: Loaded sections whose bytes debuggers read from the process rather than from a JIT image.
_PROCESS_CONTENTS = frozenset({SectionKind.TEXT, SectionKind.RODATA, SectionKind.DATA})

_SYMBOL_TYPES = {
    SymbolKind.FUNCTION: STT_FUNC,
    SymbolKind.OBJECT: STT_OBJECT,
    SymbolKind.SECTION: STT_SECTION,
    SymbolKind.NONE: STT_NOTYPE,
}
_BINDINGS = {Binding.LOCAL: STB_LOCAL, Binding.GLOBAL: STB_GLOBAL, Binding.WEAK: STB_WEAK}


@dataclass(slots=True)
class _OutSection:
    """One section header and its contents, as written."""

    name: str
    sh_type: int
    flags: int
    data: bytes
    align: int
    addr: int = 0
    link: int = 0
    info: int = 0
    entsize: int = 0
    #: NOBITS sections occupy no file bytes but have this size.
    nobits_size: int = 0

    @property
    def size(self) -> int:
        return self.nobits_size if self.sh_type == SHT_NOBITS else len(self.data)


class _StringTable:
    """An ELF string table: offset 0 is the empty string; equal strings share one entry."""

    def __init__(self) -> None:
        self.data = bytearray(b"\0")
        self._offsets: dict[str, int] = {"": 0}

    def add(self, text: str) -> int:
        offset = self._offsets.get(text)
        if offset is None:
            offset = len(self.data)
            self.data += text.encode() + b"\0"
            self._offsets[text] = offset
        return offset


def _section_type_and_flags(section: Section, machine: int) -> tuple[int, int]:
    match section.kind:
        case SectionKind.TEXT:
            sh_type, flags = SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR
        case SectionKind.DATA:
            sh_type, flags = SHT_PROGBITS, SHF_ALLOC | SHF_WRITE
        case SectionKind.BSS:
            sh_type, flags = SHT_NOBITS, SHF_ALLOC | SHF_WRITE
        case SectionKind.RODATA | SectionKind.EXCEPT_TABLE:
            sh_type, flags = SHT_PROGBITS, SHF_ALLOC
        case SectionKind.UNWIND:
            # The x86-64 psABI gives .eh_frame its own type; GNU as still writes PROGBITS, LLVM the psABI type.
            sh_type = SHT_X86_64_UNWIND if machine == EM_X86_64 and section.name == ".eh_frame" else SHT_PROGBITS
            flags = SHF_ALLOC
        case SectionKind.DEBUG | SectionKind.NOTE:
            sh_type, flags = SHT_PROGBITS, 0
        case SectionKind.LINKER_DIRECTIVE:
            raise SymbolError(f"section {section.name!r} is a COFF linker directive; ELF has no such section")
    if section.writable:
        flags |= SHF_WRITE
    if section.executable:
        flags |= SHF_EXECINSTR
    return sh_type, flags


def _symbol_order(obj: ObjectFile) -> list[Symbol]:
    """Locals first, then globals and weaks (ELF requires it: ``sh_info`` of ``.symtab`` is the first non-local)."""
    symbols = [s for s in obj.symbols.values() if s.kind is not SymbolKind.SECTION]
    return ([s for s in symbols if s.binding is Binding.LOCAL]
            + [s for s in symbols if s.binding is not Binding.LOCAL])


class _Layout:
    """The common part of both products: section headers for the neutral sections, the symbol table."""

    def __init__(self, obj: ObjectFile, source_name: str | None) -> None:
        machine = _MACHINES.get(obj.arch)
        if machine is None:
            raise SymbolError(f"no ELF machine for architecture {obj.arch!r}")
        self.obj = obj
        self.machine = machine
        self.shstrtab = _StringTable()
        self.strtab = _StringTable()
        # Header 0 is the null section; the neutral sections follow in the object's order.
        self.sections: list[_OutSection] = [_OutSection("", SHT_NULL, 0, b"", 0)]
        self.index: dict[str, int] = {}
        for section in obj.sections.values():
            sh_type, flags = _section_type_and_flags(section, machine)
            self.index[section.name] = len(self.sections)
            self.sections.append(_OutSection(section.name, sh_type, flags, bytes(section.data), max(section.align, 1),
                                             nobits_size=section.bss_size))
        self.symtab = bytearray(_SYM_SIZE)  # the null symbol
        self.symbol_index: dict[str, int] = {}
        if source_name is not None:
            self._symbol(self.strtab.add(source_name), STB_LOCAL, STT_FILE, SHN_ABS, 0, 0)
        # A section symbol per section, so relocations against a section name have something to point at.
        for name, shndx in self.index.items():
            self.symbol_index[name] = self._symbol(0, STB_LOCAL, STT_SECTION, shndx, 0, 0)
        self.symbols = _symbol_order(obj)
        self.first_global = 0

    def _symbol(self, name: int, bind: int, sym_type: int, shndx: int, value: int, size: int) -> int:
        index = len(self.symtab) // _SYM_SIZE
        self.symtab += struct.pack("<IBBHQQ", name, (bind << 4) | sym_type, 0, shndx, value, size)
        return index

    def write_symbols(self, value_of: Callable[[Symbol], int]) -> None:
        for symbol in self.symbols:
            if symbol.binding is not Binding.LOCAL and not self.first_global:
                self.first_global = len(self.symtab) // _SYM_SIZE
            shndx = self.index[symbol.section] if symbol.section is not None else SHN_UNDEF
            self.symbol_index[symbol.name] = self._symbol(
                self.strtab.add(symbol.name), _BINDINGS[symbol.binding], _SYMBOL_TYPES[symbol.kind], shndx,
                value_of(symbol), symbol.size)
        if not self.first_global:
            self.first_global = len(self.symtab) // _SYM_SIZE

    def add_symbol_tables(self) -> None:
        strtab_index = len(self.sections) + 1
        self.sections.append(_OutSection(".symtab", SHT_SYMTAB, 0, bytes(self.symtab), 8, link=strtab_index,
                                         info=self.first_global, entsize=_SYM_SIZE))
        self.sections.append(_OutSection(".strtab", SHT_STRTAB, 0, bytes(self.strtab.data), 1))

    def encode(self, e_type: int = ET_REL) -> bytes:
        return _encode(self.sections, self.machine, self.shstrtab, e_type)


def _encode(sections: list[_OutSection], machine: int, shstrtab: _StringTable, e_type: int) -> bytes:
    """Lay the sections out after the header, then the section header table; return the file. An ``ET_EXEC``
    image also gets a ``PT_LOAD`` segment per ALLOC section, whose file offset is congruent to its address."""
    shstrndx = len(sections)
    if shstrndx >= SHN_LORESERVE:
        raise FormatLimitError(f"{shstrndx + 1} sections exceed ELF's section index range", function="<image>")
    sections.append(_OutSection(".shstrtab", SHT_STRTAB, 0, b"", 1))
    names = [shstrtab.add(s.name) for s in sections]
    sections[-1].data = bytes(shstrtab.data)
    loaded = [i for i, s in enumerate(sections) if s.flags & SHF_ALLOC] if e_type == ET_EXEC else []
    out = bytearray(_EHDR_SIZE + _PHDR_SIZE * len(loaded))
    offsets = [0]
    is_loaded = set(loaded)
    for index, section in enumerate(sections[1:], 1):
        if index in is_loaded:
            pad = (section.addr - len(out)) % section.align
            if section.sh_type == SHT_NOBITS:
                # Congruent to the address like any segment's offset, but with no bytes to hold: no padding
                # either (a JIT image of many small modules would be mostly zeros).
                offsets.append(len(out) + pad)
                continue
            out += bytes(pad)
        else:
            out += bytes(-len(out) % section.align)
        offsets.append(len(out))
        if section.sh_type != SHT_NOBITS:
            out += section.data
    out += bytes(-len(out) % 8)
    shoff = len(out)
    for name, offset, section in zip(names, offsets, sections, strict=True):
        out += struct.pack("<IIQQQQIIQQ", name, section.sh_type, section.flags, section.addr, offset,
                           section.size, section.link, section.info, section.align, section.entsize)
    phdrs = bytearray()
    for index in loaded:
        section = sections[index]
        flags = PF_R | (PF_W if section.flags & SHF_WRITE else 0) | (PF_X if section.flags & SHF_EXECINSTR else 0)
        filesz = 0 if section.sh_type == SHT_NOBITS else section.size
        phdrs += struct.pack("<IIQQQQQQ", PT_LOAD, flags, offsets[index], section.addr,
                             section.addr, filesz, section.size, section.align)
    out[_EHDR_SIZE : _EHDR_SIZE + len(phdrs)] = phdrs
    ident = b"\x7fELF" + bytes([ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE]) + bytes(8)
    out[:_EHDR_SIZE] = ident + struct.pack("<HHIQQQIHHHHHH", e_type, machine, EV_CURRENT, 0,
                                           _EHDR_SIZE if loaded else 0, shoff, 0, _EHDR_SIZE,
                                           _PHDR_SIZE if loaded else 0, len(loaded), _SHDR_SIZE,
                                           len(sections), shstrndx)
    return bytes(out)


def _target(obj: ObjectFile, section: Section, reloc: Relocation) -> None:
    """Check that a relocation fits its section and names something that exists."""
    if reloc.offset < 0 or reloc.offset + reloc.size > len(section.data):
        raise SymbolError(f"relocation against {reloc.symbol!r} lies outside section {section.name!r}",
                          function=section.name, offset=reloc.offset)
    if reloc.symbol not in obj.symbols and reloc.symbol not in obj.sections:
        raise SymbolError(f"relocation against unknown symbol {reloc.symbol!r}", function=section.name,
                          offset=reloc.offset)


def write_relocatable(obj: ObjectFile, *, source_name: str | None = None) -> bytes:
    """Encode ``obj`` as an ``ET_REL`` object. ``source_name`` becomes the ``STT_FILE`` symbol."""
    layout = _Layout(obj, source_name)
    types = RELOCATION_TYPES[obj.arch]
    layout.write_symbols(lambda symbol: symbol.value)
    symtab_index = len(layout.sections) + len([s for s in obj.sections.values() if s.relocations])
    relas: list[_OutSection] = []
    symbol_index = layout.symbol_index
    # Relocations repeat a few (kind, size, symbol) triples: the r_info word and the addend's adjustment of
    # each are worked out once. Keyed by the kind's identity: an Enum hashes in Python code, and this loop runs
    # once per relocation.
    encodings: dict[tuple[int, int, str], tuple[int, int]] = {}
    for section in obj.sections.values():
        if not section.relocations:
            continue
        data = bytearray(_RELA_SIZE * len(section.relocations))
        at = 0
        size = len(section.data)
        for reloc in section.relocations:
            offset = reloc.offset
            if not 0 <= offset <= size - reloc.size:
                _target(obj, section, reloc)
            encoding = encodings.get((id(reloc.kind), reloc.size, reloc.symbol))
            if encoding is None:
                encoding = _rela_encoding(obj, section, reloc, types, symbol_index)
                encodings[id(reloc.kind), reloc.size, reloc.symbol] = encoding
            _pack_rela(data, at, offset, encoding[0], reloc.addend + encoding[1])
            at += _RELA_SIZE
        relas.append(_OutSection(".rela" + section.name, SHT_RELA, SHF_INFO_LINK, bytes(data), 8,
                                 link=symtab_index, info=layout.index[section.name], entsize=_RELA_SIZE))
    layout.sections += relas
    layout.add_symbol_tables()
    return layout.encode()


def _rela_encoding(obj: ObjectFile, section: Section, reloc: Relocation,
                   types: Mapping[tuple[RelocKind, int], int], symbol_index: Mapping[str, int]) -> tuple[int, int]:
    """The ``r_info`` word of a relocation of ``reloc``'s kind, size and symbol, and what to add to its addend
    (a section offset goes through the section symbol)."""
    if reloc.symbol not in symbol_index:
        _target(obj, section, reloc)
    r_type = types.get((reloc.kind, reloc.size))
    if r_type is None:
        raise FormatLimitError(f"no ELF {obj.arch} relocation for a {reloc.size}-byte {reloc.kind.value} "
                               f"reference to {reloc.symbol!r}", function=section.name, offset=reloc.offset)
    symbol, addend = _relocation_symbol(obj, reloc)
    return (symbol_index[symbol] << 32) | r_type, addend - reloc.addend


def _relocation_symbol(obj: ObjectFile, reloc: Relocation) -> tuple[str, int]:
    """The symbol an ELF relocation names, and its addend. A section offset must go through the section symbol:
    the linker then computes the offset within the output section."""
    if reloc.kind is RelocKind.SECTION_OFFSET and reloc.symbol not in obj.sections:
        symbol = obj.symbols[reloc.symbol]
        if symbol.section is None:
            raise SymbolError(f"section offset of undefined symbol {reloc.symbol!r}", function=reloc.symbol,
                              offset=reloc.offset)
        return symbol.section, symbol.value + reloc.addend
    return reloc.symbol, reloc.addend


def write_image(obj: ObjectFile, section_addresses: dict[str, int], resolve: Callable[[str], int], *,
                process_contents: bool = True, relocated: dict[str, bytes] | None = None) -> bytes:
    """Encode ``obj`` as the in-memory image for the GDB JIT interface.

    ``section_addresses`` gives the load address of every ALLOC section (sections that are not loaded, such as
    ``.debug_*``, may be omitted: their address is 0); ``resolve`` gives the address of each undefined symbol.
    All relocations are applied with these addresses.

    ``process_contents`` False writes the code and data sections as ``SHT_NOBITS`` (address and size, no bytes):
    GDB and LLDB read them from the process, so the image need not carry a second copy. Sections the debuggers
    parse from the image (``.eh_frame``, exception tables, everything not loaded) keep their bytes.
    ``relocated``, when given, receives every section's relocated contents (what a loader copies into place).
    """
    with collector_paused():
        return _write_image(obj, section_addresses, resolve, process_contents, relocated)


def _write_image(obj: ObjectFile, section_addresses: dict[str, int], resolve: Callable[[str], int],
                 process_contents: bool, relocated: dict[str, bytes] | None) -> bytes:
    layout = _Layout(obj, None)
    symbol_address = _relocate(obj, layout, section_addresses, resolve, relocated, None)
    if not process_contents:
        for name, section in obj.sections.items():
            out = layout.sections[layout.index[name]]
            if section.kind in _PROCESS_CONTENTS and out.sh_type == SHT_PROGBITS:
                out.sh_type, out.nobits_size, out.data = SHT_NOBITS, len(out.data), b""
    # Undefined symbols are resolved and mean nothing to a debugger; defined ones get their absolute address.
    layout.symbols = [s for s in layout.symbols if s.defined]
    layout.write_symbols(lambda symbol: symbol_address(symbol.name))
    layout.add_symbol_tables()
    return layout.encode(ET_EXEC)


def relocate(obj: ObjectFile, section_addresses: dict[str, int], resolve: Callable[[str], int]) -> dict[str, bytes]:
    """Every section's contents with its relocations applied for these load addresses (what a loader copies into
    place), for a module loaded without an image (``prepare_image_part`` does the same and keeps the image's)."""
    relocated: dict[str, bytes] = {}
    with collector_paused():
        _relocate(obj, _Layout(obj, None), section_addresses, resolve, relocated, None)
    return relocated


#: (section, target section) -> the places in ``section`` holding a 4-byte and an 8-byte offset into ``target``.
_OffsetFields = dict[tuple[str, str], tuple[list[int], list[int]]]


def _relocate(obj: ObjectFile, layout: _Layout, section_addresses: Mapping[str, int], resolve: Callable[[str], int],
              relocated: dict[str, bytes] | None, offset_fields: _OffsetFields | None) -> Callable[[str], int]:
    """Give the ALLOC sections of ``layout`` their addresses and apply every relocation (a section that is not
    loaded is at address 0, so an address in it is an offset); return the address of a symbol by name.
    ``offset_fields``, when given, receives where one non-loaded section holds an offset into another (DWARF's
    cross-section references): those move when the sections of several modules are concatenated."""
    addresses: dict[str, int] = {}
    unloaded: set[str] = set()
    for name, index in layout.index.items():
        out = layout.sections[index]
        if out.flags & SHF_ALLOC:
            if name not in section_addresses:
                raise SymbolError(f"no load address given for section {name!r}", function=name)
            out.addr = section_addresses[name]
        else:
            unloaded.add(name)
        addresses[name] = out.addr

    # The loop over relocations is apply_relocations (C); it reads each symbol's address (S) and offset within
    # its section from these. Sections and defined symbols cost nothing to place: they are there from the start
    # (a section's name wins over a symbol's). An undefined symbol is resolved, and an unknown one reported, by
    # the Python path at its first relocation, as it always was.
    sections = obj.sections
    defined = [(name, symbol) for name, symbol in obj.symbols.items() if symbol.section in sections]
    targets = {name: addresses[symbol.section] + symbol.value for name, symbol in defined
               if symbol.section in addresses}
    targets.update((name, addresses[name]) for name in sections if name in addresses)

    def symbol_address(name: str) -> int:
        """A section's or a defined symbol's address; an undefined symbol's from ``resolve``."""
        target = targets.get(name)
        if target is not None:
            return target
        if name not in obj.symbols:
            raise KeyError(name)
        return resolve(name)
    section_values = {name: symbol.value for name, symbol in defined}
    section_values.update(dict.fromkeys(sections, 0))
    # Symbol -> the non-loaded section it lies in: a place holding its address or section offset in a non-loaded
    # section is an offset field (see write_merged_image).
    offset_targets: dict[str, str] = {}
    if offset_fields is not None:
        offset_targets = {name: symbol.section for name, symbol in defined
                          if symbol.section in unloaded and name not in sections}
        offset_targets.update((name, name) for name in sections if name in unloaded)
    kinds = (RelocKind.ABSOLUTE, RelocKind.PC_RELATIVE, RelocKind.CALL, RelocKind.SECTION_OFFSET)
    branch26 = obj.arch == "aarch64"
    for name, section in sections.items():
        out = layout.sections[layout.index[name]]
        relocations = section.relocations
        if not relocations:  # as laid out (the plugins' metadata, constants: megabytes not to copy twice)
            if relocated is not None:
                relocated[name] = out.data
            continue
        data = bytearray(out.data)
        base = addresses[name]
        # (target section, field size, places) in order of first use, for a non-loaded section when offset
        # fields are wanted.
        fields: list[tuple[str, int, list[int]]] | None = (
            [] if offset_fields is not None and name in unloaded else None)
        index = 0
        while (index := apply_relocations(data, relocations, index, base, kinds, branch26, targets,
                                          section_values, offset_targets, fields)) < len(relocations):
            # What the C loop leaves: an error to report, a symbol to resolve, a value it does not compute.
            reloc = relocations[index]
            _target(obj, section, reloc)
            target = targets.get(reloc.symbol)
            if target is None:
                target = targets[reloc.symbol] = symbol_address(reloc.symbol)
            offset = _section_offset(obj, reloc) if reloc.kind is RelocKind.SECTION_OFFSET else 0
            _apply(data, reloc, target, base + reloc.offset, offset, obj.arch, name)
            into = offset_targets.get(reloc.symbol)
            if fields is not None and reloc.kind in _OFFSET_KINDS and into is not None:
                _add_offset_field(fields, into, reloc.size, reloc.offset)
            index += 1
        if fields and offset_fields is not None:
            for into, width, places in fields:
                offset_fields.setdefault((name, into), ([], []))[width == 8].extend(places)
        out.data = bytes(data)
        if relocated is not None:
            relocated[name] = out.data
    return symbol_address


def _add_offset_field(fields: list[tuple[str, int, list[int]]], into: str, width: int, place: int) -> None:
    """Record ``place`` as an offset field of ``width`` bytes into ``into`` (as apply_relocations does)."""
    for entry_into, entry_width, places in fields:
        if entry_into == into and entry_width == width:
            places.append(place)
            return
    fields.append((into, width, [place]))


#: Relocations whose value, against a non-loaded section, is an offset within it.
_OFFSET_KINDS = (RelocKind.SECTION_OFFSET, RelocKind.ABSOLUTE)


@dataclass(frozen=True, slots=True)
class ImagePart:
    """One module's share of a JIT image that describes several modules (``write_merged_image``): relocated at
    load time, so that writing an image of many modules is only a concatenation."""

    machine: int
    #: The loaded sections at their addresses, without bytes: debuggers read code and data from the process.
    loaded: tuple[_OutSection, ...]
    #: The non-loaded sections (DWARF, ``.debug_frame``, the plugins' metadata), relocated as if each began at
    #: offset 0 of its merged section.
    unloaded: tuple[_OutSection, ...]
    #: (section, target, 4-byte places, 8-byte places): where ``section`` holds an offset into ``target``.
    offset_fields: tuple[tuple[str, str, tuple[int, ...], tuple[int, ...]], ...]
    #: Defined symbols, locals first: (name, binding, ``st_info``, index into ``loaded``, address, size).
    symbols: tuple[tuple[str, int, int, int, int, int], ...]
    #: Bytes the part adds to an image: sections, headers, symbols and their names.
    size: int


def prepare_image_part(obj: ObjectFile, section_addresses: dict[str, int], resolve: Callable[[str], int], *,
                       relocated: dict[str, bytes] | None = None) -> ImagePart:
    """Relocate ``obj`` for its load addresses (as ``write_image`` does; ``relocated`` receives the sections'
    contents) and keep what an image describing it needs. Its ``.eh_frame`` is left out: a debugger reads one
    ``.eh_frame`` per object file, so images of several modules carry their call frames in ``.debug_frame``."""
    with collector_paused():
        layout = _Layout(obj, None)
        offset_fields: _OffsetFields = {}
        symbol_address = _relocate(obj, layout, section_addresses, resolve, relocated, offset_fields)
        loaded: list[_OutSection] = []
        unloaded: list[_OutSection] = []
        position: dict[str, int] = {}
        for name, section in obj.sections.items():
            out = layout.sections[layout.index[name]]
            if not out.flags & SHF_ALLOC:
                unloaded.append(out)
            elif section.kind is not SectionKind.UNWIND:
                position[name] = len(loaded)
                loaded.append(_OutSection(name, SHT_NOBITS, out.flags, b"", out.align, addr=out.addr,
                                          nobits_size=out.size))
        bindings, types = _BINDINGS, _SYMBOL_TYPES
        symbols = tuple([(s.name, bindings[s.binding], (bindings[s.binding] << 4) | types[s.kind], position[s.section],
                          symbol_address(s.name), s.size)
                         for s in layout.symbols if s.section in position])
        size = (_SHDR_SIZE * len(unloaded) + (_SHDR_SIZE + _PHDR_SIZE) * len(loaded)
                + sum(len(out.data) for out in unloaded) + (_SYM_SIZE + 1) * len(symbols)
                + sum(map(len, [s[0] for s in symbols])))
        return ImagePart(layout.machine, tuple(loaded), tuple(unloaded),
                         tuple((name, into, tuple(places4), tuple(places8))
                               for (name, into), (places4, places8) in offset_fields.items()),
                         symbols, size)


def write_merged_image(parts: Sequence[ImagePart]) -> bytes:
    """One ``ET_EXEC`` image describing every module of ``parts`` (GDB and LLDB load it as one object file).

    Each module's loaded sections are there at their addresses (``SHT_NOBITS``, one ``PT_LOAD`` each); each
    non-loaded section is the concatenation of the modules' in module order, each module's offsets into them
    moved by where its part begins; ``.symtab`` holds every module's locals in module order, then their globals.
    A name can be a global of one module and a local of a later one: that global is written as a local, so the
    n-th definition of a name is always the n-th module defining it (how the plugins place functions).
    """
    if not parts:
        raise SymbolError("a JIT image needs at least one module", function="<image>")
    with collector_paused():
        return _write_merged_image(parts)


_unpack_u32 = struct.Struct("<I").unpack_from
_unpack_u64 = struct.Struct("<Q").unpack_from
_pack_symbol = struct.Struct("<IBBHQQ").pack


def _write_merged_image(parts: Sequence[ImagePart]) -> bytes:
    machine = parts[0].machine
    sections: list[_OutSection] = [_OutSection("", SHT_NULL, 0, b"", 0)]
    first_section: list[int] = []
    for part in parts:
        if part.machine != machine:
            raise SymbolError("modules of different architectures in one JIT image", function="<image>")
        first_section.append(len(sections))
        sections += part.loaded
    # Concatenate the non-loaded sections, then move each module's offsets into them by its part's start. A
    # section nothing moves is joined once (a one-module image's sections are the part's own bytes, not copied).
    pieces: dict[str, list[bytes]] = {}
    sizes: dict[str, int] = {}
    aligns: dict[str, int] = {}
    starts: list[dict[str, int]] = []
    for part in parts:
        start = {}
        for out in part.unloaded:
            if out.name not in pieces:
                pieces[out.name], sizes[out.name], aligns[out.name] = [], 0, out.align
            pad = -sizes[out.name] % out.align
            if pad:
                pieces[out.name].append(bytes(pad))
            start[out.name] = sizes[out.name] + pad
            pieces[out.name].append(out.data)
            sizes[out.name] = start[out.name] + len(out.data)
            aligns[out.name] = max(aligns[out.name], out.align)
        starts.append(start)
    moved: dict[str, bytearray] = {}
    for part, start in zip(parts, starts, strict=True):
        for name, into, places4, places8 in part.offset_fields:
            shift = start[into]
            if not shift:
                continue
            data = moved.get(name)
            if data is None:
                data = moved[name] = bytearray(b"".join(pieces[name]))
            at = start[name]
            for place in places4:
                _pack_u32(data, at + place, _unpack_u32(data, at + place)[0] + shift)
            for place in places8:
                _pack_u64(data, at + place, _unpack_u64(data, at + place)[0] + shift)
    for name, parts_of_name in pieces.items():
        data_of_name = bytes(moved[name]) if name in moved else b"".join(parts_of_name)
        sections.append(_OutSection(name, SHT_PROGBITS, 0, data_of_name, aligns[name]))
    # Locals of every module first (ELF's rule), then the globals; see the docstring for the demoted globals.
    last_local: dict[str, int] = {}
    for number, part in enumerate(parts):
        for symbol in part.symbols:
            if symbol[1] == STB_LOCAL:
                last_local[symbol[0]] = number
    strtab = _StringTable()
    symtab = [bytes(_SYM_SIZE)]
    globals_: list[bytes] = []
    for number, part in enumerate(parts):
        base = first_section[number]
        for name, binding, info, index, value, size in part.symbols:
            if binding != STB_LOCAL and last_local.get(name, -1) > number:
                binding, info = STB_LOCAL, info & 0xF
            entry = _pack_symbol(strtab.add(name), info, 0, base + index, value, size)
            (symtab if binding == STB_LOCAL else globals_).append(entry)
    first_global = len(symtab)
    symtab += globals_
    strtab_index = len(sections) + 1
    sections.append(_OutSection(".symtab", SHT_SYMTAB, 0, b"".join(symtab), 8, link=strtab_index,
                                info=first_global, entsize=_SYM_SIZE))
    sections.append(_OutSection(".strtab", SHT_STRTAB, 0, bytes(strtab.data), 1))
    return _encode(sections, machine, _StringTable(), ET_EXEC)


def _section_offset(obj: ObjectFile, reloc: Relocation) -> int:
    symbol, addend = _relocation_symbol(obj, reloc) if reloc.kind is RelocKind.SECTION_OFFSET else (reloc.symbol, 0)
    return addend if symbol in obj.sections else 0


def _apply(data: bytearray, reloc: Relocation, target: int, place: int, section_offset: int, arch: str,
           section: str) -> None:
    """Compute one relocation the way the linker would and store it, checking that the value fits."""
    value = target + reloc.addend
    signed = False
    match reloc.kind:
        case RelocKind.ABSOLUTE:
            pass
        case RelocKind.PC_RELATIVE | RelocKind.CALL:
            value -= place
            signed = True
        case RelocKind.SECTION_OFFSET:
            value = section_offset
        case RelocKind.IMAGE_RELATIVE:
            raise FormatLimitError(f"image-relative reference to {reloc.symbol!r} in an ELF image",
                                   function=section, offset=reloc.offset)
    if reloc.kind is RelocKind.CALL and arch == "aarch64":
        if value % 4 or not -(1 << 27) <= value < (1 << 27):
            raise FormatLimitError(f"call to {reloc.symbol!r} is out of branch range", function=section,
                                   offset=reloc.offset)
        word = struct.unpack_from("<I", data, reloc.offset)[0]
        struct.pack_into("<I", data, reloc.offset, (word & ~0x03FFFFFF) | ((value >> 2) & 0x03FFFFFF))
        return
    bits = reloc.size * 8
    low = -(1 << (bits - 1)) if signed else 0
    high = (1 << (bits - 1)) if signed else (1 << bits)
    if reloc.size < 8 and not low <= value < high:
        raise FormatLimitError(f"{reloc.kind.value} reference to {reloc.symbol!r} does not fit in {bits} bits",
                               function=section, offset=reloc.offset)
    struct.pack_into({1: "<B", 2: "<H", 4: "<I", 8: "<Q"}[reloc.size], data, reloc.offset, value & ((1 << bits) - 1))
