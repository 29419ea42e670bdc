"""PE32+ DLL writer: links one COFF ``ObjectFile`` (from ``lower_coff``) into a loadable x86-64 DLL.

What the image holds:

* ``.text`` (code, then one ``jmp [rip + IAT slot]`` thunk per imported function), ``.rdata`` (read-only data and
  ``.xdata``), ``.pdata`` (the exception directory), ``.data``/``.bss``, ``.edata`` (exports: every global defined
  symbol, by name), ``.idata`` (imports), ``.reloc`` (DIR64 base relocations, so the DLL loads at any address).
* Imports: an undefined symbol that names a C runtime function (``CRT_IMPORTS``: the default trap hook's
  ``write`` and ``abort``, the usual libc routines a host import may be bound to) is imported from ``msvcrt.dll``,
  under its name there (``write`` is ``_write``); every other one by name from ``import_module`` — by default the
  executable that loads the DLL, which must export them (``__declspec(dllexport)``) and be named accordingly.
  ``write_dll`` links a copy of the stack probe (``emitter/seh/stack_probe.py``) into the DLL when the code calls
  it.
* DWARF (``debug_info``): each ``.debug_*`` section of the object becomes an image section of the same name after
  the loaded ones, as GNU ld places them (mingw gdb and llvm-dwarfdump read them there): discardable, names longer
  than 8 bytes as ``/offset`` into a string table at the end of the file (``PointerToSymbolTable``, no symbols).
  Their addresses are absolute at the preferred base, without base relocations (debuggers add the load bias);
  cross-section references are offsets within the target section.

Limits: export ordinals are 16-bit (at most 65535 exports), a PE image spans at most 2 GiB (RVAs and the 32-bit
displacements between them), and a relocated field must hold its value; past any of them ``FormatLimitError``
names what overflowed.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..atomic import write_atomic
from ..compiled import CompiledModule
from ..errors import FormatLimitError, SymbolError
from ..lower_coff import lower_module_coff
from ..seh.stack_probe import with_stack_probe
from .coff import IMAGE_FILE_MACHINE_AMD64, StringTable
from .model import Binding, ObjectFile, Relocation, RelocKind, Section, SectionKind

DEFAULT_IMPORT_MODULE = "host.exe"
#: The C runtime every mingw program loads (a DLL imports from it without the host's help).
CRT_MODULE = "msvcrt.dll"
#: C runtime functions imported from ``CRT_MODULE``: symbol -> the name msvcrt.dll exports it under (the POSIX
#: names are the underscored ones there). The default trap hook needs ``write`` and ``abort``; the rest are the
#: standard C functions a Wasm import is commonly bound to, which a host would otherwise have to re-export.
CRT_IMPORTS: dict[str, str] = {
    "abort": "abort", "exit": "exit", "_exit": "_exit", "write": "_write", "read": "_read",
    "malloc": "malloc", "calloc": "calloc", "realloc": "realloc", "free": "free",
    "memcpy": "memcpy", "memmove": "memmove", "memset": "memset", "memcmp": "memcmp",
    "strlen": "strlen", "strcmp": "strcmp", "putchar": "putchar", "puts": "puts", "printf": "printf",
    "fwrite": "fwrite", "fflush": "fflush",
}
IMAGE_BASE = 0x180000000
SECTION_ALIGNMENT = 0x1000
FILE_ALIGNMENT = 0x200
IMAGE_REL_BASED_DIR64 = 10
IMPORT_DESCRIPTOR_SIZE = 20
IMAGE_FILE_EXECUTABLE_IMAGE = 0x0002
IMAGE_FILE_LARGE_ADDRESS_AWARE = 0x0020
IMAGE_FILE_DLL = 0x2000
IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA = 0x0020
IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE = 0x0040
IMAGE_DLLCHARACTERISTICS_NX_COMPAT = 0x0100
IMAGE_SUBSYSTEM_WINDOWS_CUI = 3
#: Ordinals are 16-bit and start at the export directory's Base, 1.
MAX_EXPORTS = 0xFFFF
#: The loader maps images of at most 2 GiB: every RVA and every rip-relative distance then fits 32 bits.
MAX_IMAGE_SIZE = 0x80000000
DIRECTORY_EXPORT, DIRECTORY_IMPORT, DIRECTORY_EXCEPTION, DIRECTORY_BASERELOC, DIRECTORY_IAT = 0, 1, 3, 5, 12

#: Which image section each object section kind goes to, in image order.
_IMAGE_SECTIONS = {SectionKind.TEXT: ".text", SectionKind.RODATA: ".rdata", SectionKind.EXCEPT_TABLE: ".rdata",
                   SectionKind.DATA: ".data", SectionKind.BSS: ".bss"}
_ORDER = [".text", ".rdata", ".pdata", ".data", ".bss", ".edata", ".idata", ".reloc"]
_READ_DATA = 0x40000040
#: IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_DISCARDABLE | IMAGE_SCN_MEM_READ
_DISCARDABLE = 0x42000040
_FLAGS = {".text": 0x60000020, ".rdata": _READ_DATA, ".pdata": _READ_DATA, ".data": 0xC0000040,
          ".bss": 0xC0000080, ".edata": _READ_DATA, ".idata": 0xC0000040, ".reloc": _DISCARDABLE}

@dataclass
class _ImageSection:
    name: str
    data: bytearray = field(default_factory=bytearray)
    bss: int = 0
    rva: int = 0
    flags: int = 0

    @property
    def virtual_size(self) -> int:
        return len(self.data) + self.bss


def _align(value: int, alignment: int) -> int:
    return value + (-value % alignment)


def link_dll(obj: ObjectFile, *, dll_name: str, import_module: str = DEFAULT_IMPORT_MODULE,
             image_base: int = IMAGE_BASE) -> bytes:
    """Link ``obj`` into a DLL image named ``dll_name`` (the export directory's name)."""
    if obj.arch != "x86_64":
        raise FormatLimitError(f"the PE writer links x86-64 objects only, not {obj.arch}")
    sections = {name: _ImageSection(name, flags=_FLAGS[name]) for name in _ORDER}
    debug = [s.name for s in obj.sections.values() if s.kind is SectionKind.DEBUG]
    for name in debug:
        sections[name] = _ImageSection(name, flags=_DISCARDABLE)
    placement: dict[str, tuple[str, int]] = {}  # object section -> (image section, offset)

    def place(section: Section, target: str) -> None:
        image = sections[target]
        if section.kind is SectionKind.BSS:
            image.bss = _align(image.bss, max(section.align, 1))
            placement[section.name] = (target, image.bss)
            image.bss += section.bss_size
            return
        image.data += bytes(-len(image.data) % max(section.align, 1))
        placement[section.name] = (target, len(image.data))
        image.data += section.data

    for section in obj.sections.values():
        if section.kind is SectionKind.UNWIND:
            place(section, ".pdata" if section.name == ".pdata" else ".rdata")
        elif section.kind is SectionKind.DEBUG:
            place(section, section.name)
        elif section.kind in _IMAGE_SECTIONS:
            place(section, _IMAGE_SECTIONS[section.kind])
        elif section.kind is not SectionKind.NOTE:
            raise FormatLimitError(f"section {section.name} ({section.kind.value}) has no place in a DLL")

    undefined = sorted({r.symbol for s in obj.sections.values() for r in s.relocations
                        if r.symbol not in obj.sections
                        and (r.symbol not in obj.symbols or not obj.symbols[r.symbol].defined)})
    imports: dict[str, list[tuple[str, str]]] = {}  # module -> (symbol, imported name)
    for name in undefined:
        module = CRT_MODULE if name in CRT_IMPORTS else import_module
        imports.setdefault(module, []).append((name, CRT_IMPORTS.get(name, name)))
    thunks: dict[str, int] = {}
    text = sections[".text"]
    for name in undefined:
        text.data += b"\xcc" * (-len(text.data) % 8)
        thunks[name] = len(text.data)
        text.data += b"\xff\x25\0\0\0\0\xcc\xcc"

    # Addresses: headers, then each non-empty image section at the next page.
    headers_size = _align(0x40 + 4 + 20 + 240 + 40 * len(sections), FILE_ALIGNMENT)
    exports = sorted(s.name for s in obj.symbols.values() if s.defined and s.binding is Binding.GLOBAL)
    if len(exports) > MAX_EXPORTS:
        raise FormatLimitError(f"{len(exports)} exports: a DLL's 16-bit ordinals number at most {MAX_EXPORTS}")
    rva = _align(headers_size, SECTION_ALIGNMENT)
    # .edata and .idata sizes depend only on names: build them once their own RVA is known.
    # Sections must follow each other without gaps: empty ones get no address and no header.
    for name in _ORDER[:5]:
        if sections[name].virtual_size:
            sections[name].rva = rva
            rva = _align(rva + sections[name].virtual_size, SECTION_ALIGNMENT)

    def section_rva(name: str) -> int:
        if name in placement:
            target, offset = placement[name]
            return sections[target].rva + offset
        raise SymbolError(f"unknown section {name!r}", function=name)

    def symbol_rva(name: str) -> int:
        if name in obj.sections:
            return section_rva(name)
        if name in thunks:
            return sections[".text"].rva + thunks[name]
        symbol = obj.symbols[name]
        if symbol.section is None:
            raise SymbolError(f"undefined symbol {name!r}", function=name)
        return section_rva(symbol.section) + symbol.value

    sections[".edata"].rva = rva
    sections[".edata"].data = _export_directory(dll_name, [(n, symbol_rva(n)) for n in exports], rva)
    rva = _align(rva + max(len(sections[".edata"].data), 1), SECTION_ALIGNMENT)
    sections[".idata"].rva = rva
    idata, iat_offsets, iat_span = _import_directory(imports, rva)
    sections[".idata"].data = idata
    rva = _align(rva + len(idata), SECTION_ALIGNMENT)
    for name, offset in thunks.items():
        place_rva = sections[".text"].rva + offset + 2
        text.data[offset + 2:offset + 6] = struct.pack("<i", rva_of_iat(sections, iat_offsets, name) - (place_rva + 4))

    # Base relocations: every absolute 64-bit word in a loaded section (debug sections are not relocated by the
    # loader: debuggers apply the load bias themselves).
    dir64 = sorted(sections[placement[s.name][0]].rva + placement[s.name][1] + r.offset
                   for s in obj.sections.values() if s.name in placement and s.kind is not SectionKind.DEBUG
                   for r in s.relocations if (r.kind, r.size) == (RelocKind.ABSOLUTE, 8))
    sections[".reloc"].rva = rva
    sections[".reloc"].data = _base_relocations(dir64)
    rva = _align(rva + len(sections[".reloc"].data), SECTION_ALIGNMENT)
    for name in debug:
        sections[name].rva = rva
        rva = _align(rva + max(sections[name].virtual_size, 1), SECTION_ALIGNMENT)
    size_of_image = rva
    if size_of_image > MAX_IMAGE_SIZE:
        raise FormatLimitError(f"the DLL image would span {size_of_image:#x} bytes, more than the 2 GiB a PE image "
                               "may")

    def section_offset(name: str) -> int:
        """DWARF's section offsets: where ``name`` lies inside its image section."""
        if name in placement:
            return placement[name][1]
        symbol = obj.symbols.get(name)
        if symbol is None or symbol.section is None:
            raise SymbolError(f"section offset of undefined symbol {name!r}", function=name)
        return placement[symbol.section][1] + symbol.value

    for section in obj.sections.values():
        if section.name not in placement:
            continue
        target, base_offset = placement[section.name]
        image = sections[target]
        for reloc in section.relocations:
            at = base_offset + reloc.offset
            place_rva = image.rva + at
            match (reloc.kind, reloc.size):
                case (RelocKind.SECTION_OFFSET, 4):
                    fmt, value = "<I", section_offset(reloc.symbol) + reloc.addend
                case (RelocKind.ABSOLUTE, 8):
                    fmt, value = "<Q", image_base + symbol_rva(reloc.symbol) + reloc.addend
                case (RelocKind.PC_RELATIVE | RelocKind.CALL, 4):
                    fmt, value = "<i", symbol_rva(reloc.symbol) + reloc.addend - place_rva
                case (RelocKind.IMAGE_RELATIVE, 4):
                    fmt, value = "<I", symbol_rva(reloc.symbol) + reloc.addend
                case _:
                    raise FormatLimitError(f"a {reloc.size}-byte {reloc.kind.value} relocation cannot be linked "
                                           "into a relocatable DLL", function=reloc.symbol, offset=reloc.offset)
            image.data[at:at + reloc.size] = _relocated_field(fmt, value, reloc, section.name)

    present = [s for s in sections.values() if s.virtual_size]
    directories = [(0, 0)] * 16
    directories[DIRECTORY_EXPORT] = (sections[".edata"].rva, len(sections[".edata"].data))
    if undefined:
        directories[DIRECTORY_IMPORT] = (sections[".idata"].rva, IMPORT_DESCRIPTOR_SIZE * (len(imports) + 1))
        directories[DIRECTORY_IAT] = (sections[".idata"].rva + iat_span[0], iat_span[1])
    if sections[".pdata"].data:
        directories[DIRECTORY_EXCEPTION] = (sections[".pdata"].rva, len(sections[".pdata"].data))
    if dir64:
        directories[DIRECTORY_BASERELOC] = (sections[".reloc"].rva, len(sections[".reloc"].data))
    return _encode(present, directories, headers_size, size_of_image, image_base)


def _relocated_field(fmt: str, value: int, reloc: Relocation, section: str) -> bytes:
    """The linked value of ``reloc``; one that its field cannot hold is an error naming the relocation."""
    try:
        return struct.pack(fmt, value)
    except struct.error:
        raise FormatLimitError(f"the {reloc.kind.value} relocation in {section} resolves to {value:#x}, which its "
                               f"{reloc.size}-byte field cannot hold", function=reloc.symbol,
                               offset=reloc.offset) from None


def rva_of_iat(sections: dict[str, _ImageSection], iat_offsets: dict[str, int], name: str) -> int:
    return sections[".idata"].rva + iat_offsets[name]


def _export_directory(dll_name: str, exports: Sequence[tuple[str, int]], rva: int) -> bytearray:
    """IMAGE_EXPORT_DIRECTORY, then the address, name-pointer and ordinal tables, then the strings. Names are
    sorted: GetProcAddress searches them by bisection."""
    count = len(exports)
    functions_at = 40
    names_at = functions_at + 4 * count
    ordinals_at = names_at + 4 * count
    strings_at = ordinals_at + 2 * count
    strings = bytearray(dll_name.encode() + b"\0")
    name_rvas = []
    for name, _ in exports:
        name_rvas.append(rva + strings_at + len(strings))
        strings += name.encode() + b"\0"
    out = bytearray(struct.pack("<IIHHIIIIIII", 0, 0, 0, 0, rva + strings_at, 1, count, count,
                                rva + functions_at, rva + names_at, rva + ordinals_at))
    out += b"".join(struct.pack("<I", address) for _, address in exports)
    out += b"".join(struct.pack("<I", name_rva) for name_rva in name_rvas)
    out += b"".join(struct.pack("<H", index) for index in range(count))
    out += strings
    return out


def _import_directory(imports: dict[str, list[tuple[str, str]]], rva: int) -> tuple[bytearray, dict[str, int],
                                                                                  tuple[int, int]]:
    """One IMAGE_IMPORT_DESCRIPTOR per module (+ terminator), the lookup tables, the IATs (one block per module,
    contiguous), hint/name entries, the module names. ``imports`` maps a module to its (symbol, imported name)
    pairs. Returns the bytes, each symbol's IAT slot offset, and the IATs' (offset, size)."""
    if not imports:
        return bytearray(), {}, (0, 0)
    modules = sorted(imports)
    lookup_at = IMPORT_DESCRIPTOR_SIZE * (len(modules) + 1)
    table_size = sum(8 * (len(imports[m]) + 1) for m in modules)
    iat_at = lookup_at + table_size
    strings_at = iat_at + table_size
    strings = bytearray()
    descriptors = bytearray()
    table = bytearray()
    slots: dict[str, int] = {}
    for module in modules:
        block_at = len(table)
        for symbol, name in imports[module]:
            slots[symbol] = iat_at + len(table)
            table += struct.pack("<Q", rva + strings_at + len(strings))
            strings += struct.pack("<H", 0) + name.encode() + b"\0"
            strings += bytes(len(strings) % 2)
        table += bytes(8)
        name_rva = rva + strings_at + len(strings)
        strings += module.encode() + b"\0"
        strings += bytes(len(strings) % 2)
        descriptors += struct.pack("<IIIII", rva + lookup_at + block_at, 0, 0, name_rva, rva + iat_at + block_at)
    out = descriptors + bytes(IMPORT_DESCRIPTOR_SIZE) + table + table + strings
    return out, slots, (iat_at, table_size)


def _base_relocations(places: Sequence[int]) -> bytearray:
    out = bytearray()
    pages: dict[int, list[int]] = {}
    for place in sorted(places):
        pages.setdefault(place & ~0xFFF, []).append(place & 0xFFF)
    for page, offsets in pages.items():
        entries = [IMAGE_REL_BASED_DIR64 << 12 | offset for offset in offsets]
        if len(entries) % 2:
            entries.append(0)  # IMAGE_REL_BASED_ABSOLUTE: padding to a 4-byte block size
        out += struct.pack("<II", page, 8 + 2 * len(entries)) + b"".join(struct.pack("<H", e) for e in entries)
    return out


def _encode(sections: Sequence[_ImageSection], directories: Sequence[tuple[int, int]], headers_size: int,
            size_of_image: int, image_base: int) -> bytes:
    # DOS header: only e_magic and e_lfanew matter to the loader.
    out = bytearray(b"MZ" + bytes(0x3A) + struct.pack("<I", 0x40))
    out += b"PE\0\0"
    out += struct.pack("<HHIIIHH", IMAGE_FILE_MACHINE_AMD64, len(sections), 0, 0, 0, 240,
                       IMAGE_FILE_EXECUTABLE_IMAGE | IMAGE_FILE_LARGE_ADDRESS_AWARE | IMAGE_FILE_DLL)
    code = sum(_align(len(s.data), FILE_ALIGNMENT) for s in sections if s.name == ".text")
    initialized = sum(_align(len(s.data), FILE_ALIGNMENT) for s in sections if s.name not in (".text", ".bss"))
    uninitialized = sum(s.bss for s in sections)
    text_rva = next((s.rva for s in sections if s.name == ".text"), 0)
    out += struct.pack("<HBBIIIIIQIIHHHHHHIIIIHHQQQQII", 0x20B, 14, 0, code, initialized, uninitialized, 0,
                       text_rva, image_base, SECTION_ALIGNMENT, FILE_ALIGNMENT, 6, 0, 0, 0, 6, 0, 0,
                       size_of_image, headers_size, 0, IMAGE_SUBSYSTEM_WINDOWS_CUI,
                       IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA | IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE
                       | IMAGE_DLLCHARACTERISTICS_NX_COMPAT, 0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
    for address, size in directories:
        out += struct.pack("<II", address, size)
    raw = headers_size
    bodies = []
    strings = StringTable()
    for section in sections:
        size = _align(len(section.data), FILE_ALIGNMENT)
        out += strings.short_name(section.name, section=True)
        out += struct.pack("<IIIIIIHHI", section.virtual_size, section.rva, size, raw if size else 0, 0, 0, 0, 0,
                           section.flags)
        bodies.append(bytes(section.data) + bytes(size - len(section.data)))
        raw += size
    out += bytes(headers_size - len(out))
    for body in bodies:
        out += body
    if strings.offsets:
        # Long section names need the string table, found after the (empty) symbol table.
        out[0x40 + 4 + 8:0x40 + 4 + 12] = struct.pack("<I", len(out))
        out += strings.encode()
    return bytes(out)


def write_dll(module: CompiledModule, path: str | os.PathLike[str], *, dll_name: str | None = None,
              import_module: str = DEFAULT_IMPORT_MODULE, debug_info: bool = True) -> None:
    """Write ``module`` as a DLL at ``path`` (exports: the module's global symbols), with its DWARF unless
    ``debug_info`` is False; nothing is written on error. ``dll_name`` is the name the export directory records
    (what dumpers and the loader show), by default the file name of ``path``: a caller writing through a
    temporary file passes the final one."""
    obj, _ = lower_module_coff(with_stack_probe(module), debug_info=debug_info)
    name = os.path.basename(path) if dll_name is None else dll_name
    write_atomic(path, link_dll(obj, dll_name=name, import_module=import_module))

