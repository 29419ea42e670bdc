"""A minimal ELF64 little-endian reader: section headers and ``.symtab``, enough to find our metadata section and
place function symbols. Stdlib only (it runs inside the debuggers' Python); bounds-checked, because JIT images
come from inferior memory that may be corrupt."""

from __future__ import annotations

import struct
from dataclasses import dataclass

_EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
_SHDR = struct.Struct("<IIQQQQIIQQ")
_SYM = struct.Struct("<IBBHQQ")

SHT_SYMTAB = 2
SHT_NOBITS = 8
STT_FUNC = 2


class ElfError(ValueError):
    """Not a readable ELF64 little-endian file."""


@dataclass(frozen=True, slots=True)
class ElfSection:
    name: str
    type: int
    address: int
    offset: int
    size: int
    link: int


@dataclass(frozen=True, slots=True)
class ElfSymbol:
    name: str
    value: int
    size: int
    type: int
    section_index: int


EHDR_SIZE = _EHDR.size


def headers_end(header: bytes, size: int) -> int:
    """Where the ELF and program headers of an image of ``size`` bytes end, from its first ``EHDR_SIZE`` bytes:
    the end of the program header table when it follows the ELF header within the image, else of the ELF header."""
    if len(header) < _EHDR.size:
        return len(header)
    fields = _EHDR.unpack_from(header)
    phoff, phentsize, phnum = fields[5], fields[9], fields[10]
    end = phoff + phentsize * phnum
    return end if phoff == _EHDR.size and end <= size else _EHDR.size


class ElfFile:
    """Sections (by index and name) and symbols of one ELF64 image held in memory."""

    def __init__(self, data: bytes) -> None:
        if len(data) < _EHDR.size or data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise ElfError("not an ELF64 little-endian file")
        fields = _EHDR.unpack_from(data)
        self.data = data
        shoff, shentsize, shnum, shstrndx = fields[6], fields[11], fields[12], fields[13]
        if shnum and (shentsize != _SHDR.size or shoff + shnum * shentsize > len(data)):
            raise ElfError("section header table outside the file")
        raw = [_SHDR.unpack_from(data, shoff + i * shentsize) for i in range(shnum)]
        if shnum and shstrndx >= shnum:
            raise ElfError("bad section name table index")
        names = self._strings(raw[shstrndx][4], raw[shstrndx][5]) if shnum else b""
        self.sections = [ElfSection(_cstr(names, h[0]), h[1], h[3], h[4], h[5], h[6]) for h in raw]
        self._by_name = {s.name: s for s in self.sections}

    def _strings(self, offset: int, size: int) -> bytes:
        if offset + size > len(self.data):
            raise ElfError("string table outside the file")
        return self.data[offset : offset + size]

    def section(self, name: str) -> ElfSection | None:
        return self._by_name.get(name)

    def contents(self, section: ElfSection) -> bytes:
        if section.type == SHT_NOBITS:
            return b""
        if section.offset + section.size > len(self.data):
            raise ElfError(f"section {section.name} outside the file")
        return self.data[section.offset : section.offset + section.size]

    def symbols(self) -> list[ElfSymbol]:
        """``.symtab`` entries in table order (linkers keep each input object's locals together, in input order)."""
        table = next((s for s in self.sections if s.type == SHT_SYMTAB), None)
        if table is None or table.link >= len(self.sections):
            return []
        names = self.contents(self.sections[table.link])
        raw = self.contents(table)
        out = []
        for at in range(_SYM.size, len(raw) - _SYM.size + 1, _SYM.size):
            name, info, _other, shndx, value, size = _SYM.unpack_from(raw, at)
            out.append(ElfSymbol(_cstr(names, name), value, size, info & 0xF, shndx))
        return out


def _cstr(table: bytes, offset: int) -> str:
    end = table.find(b"\0", offset)
    return table[offset : end if end >= 0 else len(table)].decode(errors="replace")
