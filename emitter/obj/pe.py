"""PE32+ DLL writer: links one COFF ``ObjectFile`` (from ``lower_coff``) into a loadable x86-64 DLL.

What the image holds:

* ``.text`` (code, then one ``jmp [rip + IAT slot]`` thunk per imported function), ``.rdata`` (read-only data and
  ``.xdata``), ``.pdata`` (the exception directory), ``.data``/``.bss``, ``.edata`` (exports: every global defined
  symbol, by name), ``.idata`` (imports), ``.reloc`` (DIR64 base relocations, so the DLL loads at any address).
* Imports: every undefined symbol is imported by name from ``import_module`` — by default the executable that
  loads the DLL, which must export them (``__declspec(dllexport)``) and be named accordingly. ``write_dll`` links
  a copy of the stack probe (``emitter/seh/stack_probe.py``) into the DLL when the code calls it.
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
from .coff import IMAGE_FILE_MACHINE_AMD64
from .model import Binding, ObjectFile, RelocKind, Section, SectionKind

DEFAULT_IMPORT_MODULE = "host.exe"
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
DIRECTORY_EXPORT, DIRECTORY_IMPORT, DIRECTORY_EXCEPTION, DIRECTORY_BASERELOC, DIRECTORY_IAT = 0, 1, 3, 5, 12

#: Which image section each object section kind goes to, in image order.
_IMAGE_SECTIONS = {SectionKind.TEXT: ".text", SectionKind.RODATA: ".rdata", SectionKind.EXCEPT_TABLE: ".rdata",
                   SectionKind.DATA: ".data", SectionKind.BSS: ".bss"}
_ORDER = [".text", ".rdata", ".pdata", ".data", ".bss", ".edata", ".idata", ".reloc"]
_READ_DATA = 0x40000040
_FLAGS = {".text": 0x60000020, ".rdata": _READ_DATA, ".pdata": _READ_DATA, ".data": 0xC0000040,
          ".bss": 0xC0000080, ".edata": _READ_DATA, ".idata": 0xC0000040, ".reloc": 0x42000040}

@dataclass
class _ImageSection:
    name: str
    data: bytearray = field(default_factory=bytearray)
    bss: int = 0
    rva: int = 0

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
    sections = {name: _ImageSection(name) for name in _ORDER}
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
        elif section.kind in _IMAGE_SECTIONS:
            place(section, _IMAGE_SECTIONS[section.kind])
        elif section.kind is not SectionKind.NOTE:
            raise FormatLimitError(f"section {section.name} ({section.kind.value}) has no place in a DLL")

    undefined = sorted({r.symbol for s in obj.sections.values() for r in s.relocations
                        if r.symbol not in obj.sections
                        and (r.symbol not in obj.symbols or not obj.symbols[r.symbol].defined)})
    thunks: dict[str, int] = {}
    text = sections[".text"]
    for name in undefined:
        text.data += b"\xcc" * (-len(text.data) % 8)
        thunks[name] = len(text.data)
        text.data += b"\xff\x25\0\0\0\0\xcc\xcc"

    # Addresses: headers, then each non-empty image section at the next page.
    headers_size = _align(0x40 + 4 + 20 + 240 + 40 * len(_ORDER), FILE_ALIGNMENT)
    exports = sorted(s.name for s in obj.symbols.values() if s.defined and s.binding is Binding.GLOBAL)
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
    idata, iat_offsets, iat_span = _import_directory(import_module, undefined, rva)
    sections[".idata"].data = idata
    rva = _align(rva + len(idata), SECTION_ALIGNMENT)
    for name, offset in thunks.items():
        place_rva = sections[".text"].rva + offset + 2
        text.data[offset + 2:offset + 6] = struct.pack("<i", rva_of_iat(sections, iat_offsets, name) - (place_rva + 4))

    # Apply relocations; absolute 64-bit ones also get a base relocation.
    dir64: list[int] = []
    for section in obj.sections.values():
        if section.name not in placement:
            continue
        target, base_offset = placement[section.name]
        image = sections[target]
        for reloc in section.relocations:
            at = base_offset + reloc.offset
            place_rva = image.rva + at
            value = symbol_rva(reloc.symbol) + reloc.addend
            match (reloc.kind, reloc.size):
                case (RelocKind.ABSOLUTE, 8):
                    image.data[at:at + 8] = struct.pack("<Q", image_base + value)
                    dir64.append(place_rva)
                case (RelocKind.PC_RELATIVE | RelocKind.CALL, 4):
                    image.data[at:at + 4] = struct.pack("<i", value - place_rva)
                case (RelocKind.IMAGE_RELATIVE, 4):
                    image.data[at:at + 4] = struct.pack("<I", value)
                case _:
                    raise FormatLimitError(f"a {reloc.size}-byte {reloc.kind.value} relocation cannot be linked "
                                           "into a relocatable DLL", function=reloc.symbol, offset=reloc.offset)
    sections[".reloc"].rva = rva
    sections[".reloc"].data = _base_relocations(dir64)
    size_of_image = _align(rva + len(sections[".reloc"].data), SECTION_ALIGNMENT)

    present = [s for s in sections.values() if s.virtual_size]
    directories = [(0, 0)] * 16
    directories[DIRECTORY_EXPORT] = (sections[".edata"].rva, len(sections[".edata"].data))
    if undefined:
        directories[DIRECTORY_IMPORT] = (sections[".idata"].rva, IMPORT_DESCRIPTOR_SIZE * 2)
        directories[DIRECTORY_IAT] = (sections[".idata"].rva + iat_span[0], iat_span[1])
    if sections[".pdata"].data:
        directories[DIRECTORY_EXCEPTION] = (sections[".pdata"].rva, len(sections[".pdata"].data))
    if dir64:
        directories[DIRECTORY_BASERELOC] = (sections[".reloc"].rva, len(sections[".reloc"].data))
    return _encode(present, directories, headers_size, size_of_image, image_base)


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


def _import_directory(module: str, names: Sequence[str], rva: int) -> tuple[bytearray, dict[str, int],
                                                                             tuple[int, int]]:
    """One IMAGE_IMPORT_DESCRIPTOR (+ terminator), the lookup table, the IAT, hint/name entries, the module name.
    Returns the bytes, each name's IAT slot offset, and the IAT's (offset, size)."""
    if not names:
        return bytearray(), {}, (0, 0)
    table_size = 8 * (len(names) + 1)
    lookup_at = IMPORT_DESCRIPTOR_SIZE * 2
    iat_at = lookup_at + table_size
    hints_at = iat_at + table_size
    hints = bytearray()
    hint_rvas = []
    for name in names:
        hint_rvas.append(rva + hints_at + len(hints))
        hints += struct.pack("<H", 0) + name.encode() + b"\0"
        hints += bytes(len(hints) % 2)
    module_at = hints_at + len(hints)
    out = bytearray(struct.pack("<IIIII", rva + lookup_at, 0, 0, rva + module_at, rva + iat_at) + bytes(20))
    table = b"".join(struct.pack("<Q", hint) for hint in hint_rvas) + bytes(8)
    out += table + table + hints + module.encode() + b"\0"
    return out, {name: iat_at + 8 * i for i, name in enumerate(names)}, (iat_at, table_size)


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
    for section in sections:
        size = _align(len(section.data), FILE_ALIGNMENT)
        out += section.name.encode().ljust(8, b"\0")
        out += struct.pack("<IIIIIIHHI", section.virtual_size, section.rva, size, raw if size else 0, 0, 0, 0, 0,
                           _FLAGS[section.name])
        bodies.append(bytes(section.data) + bytes(size - len(section.data)))
        raw += size
    out += bytes(headers_size - len(out))
    for body in bodies:
        out += body
    return bytes(out)


def write_dll(module: CompiledModule, path: str | os.PathLike[str], *,
              import_module: str = DEFAULT_IMPORT_MODULE) -> None:
    """Write ``module`` as a DLL at ``path`` (exports: the module's global symbols); nothing is written on error."""
    obj, _ = lower_module_coff(with_stack_probe(module), debug_info=False)
    write_atomic(path, link_dll(obj, dll_name=os.path.basename(path), import_module=import_module))

