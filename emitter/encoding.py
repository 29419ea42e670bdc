"""A growable byte buffer with the primitive encodings every format needs (LEB128, fixed-width little endian),
and addresses that are either constants or ``symbol + addend`` so encoders can emit relocations without knowing
the container (after gimli's ``write::Address``)."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from .obj.model import Relocation, RelocKind


@dataclass(frozen=True, slots=True)
class SymbolAddress:
    symbol: str
    addend: int = 0


Address = int | SymbolAddress


#: Single-byte LEB128 encodings, shared: most values written are small.
_ULEB_BYTE = [bytes((value,)) for value in range(0x80)]
_SLEB_BYTE = {value: bytes((value & 0x7F,)) for value in range(-0x40, 0x40)}


def uleb128(value: int) -> bytes:
    if 0 <= value < 0x80:
        return _ULEB_BYTE[value]
    if value < 0:
        raise ValueError(f"uleb128 of negative value {value}")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def sleb128(value: int) -> bytes:
    if -0x40 <= value < 0x40:
        return _SLEB_BYTE[value]
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        done = (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40)
        out.append(byte if done else byte | 0x80)
        if done:
            return bytes(out)


_FIXED = {size: struct.Struct(form).pack for size, form in ((1, "<B"), (2, "<H"), (4, "<I"), (8, "<Q"))}
_FIXED_SIGNED = {size: struct.Struct(form).pack for size, form in ((1, "<b"), (2, "<h"), (4, "<i"), (8, "<q"))}
_FIXED_INTO = {size: struct.Struct(form).pack_into for size, form in ((1, "<B"), (2, "<H"), (4, "<I"), (8, "<Q"))}
_ZEROS = {size: bytes(size) for size in _FIXED}


@dataclass
class ByteWriter:
    data: bytearray = field(default_factory=bytearray)
    relocations: list[Relocation] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.data)

    @property
    def offset(self) -> int:
        return len(self.data)

    def bytes(self, data: bytes) -> None:
        self.data += data

    def u8(self, value: int) -> None:
        self.data.append(value)

    def u(self, value: int, size: int) -> None:
        self.data += _FIXED[size](value)

    def s(self, value: int, size: int) -> None:
        self.data += _FIXED_SIGNED[size](value)

    def u16(self, value: int) -> None:
        self.u(value, 2)

    def u32(self, value: int) -> None:
        self.u(value, 4)

    def u64(self, value: int) -> None:
        self.u(value, 8)

    def uleb(self, value: int) -> None:
        self.data += uleb128(value)

    def sleb(self, value: int) -> None:
        self.data += sleb128(value)

    def cstr(self, text: str) -> None:
        self.data += text.encode() + b"\0"

    def patch(self, at: int, value: int, size: int) -> None:
        """Overwrite a placeholder (lengths written first and patched once known)."""
        _FIXED_INTO[size](self.data, at, value)

    def align(self, alignment: int, fill: int = 0) -> None:
        self.data += bytes([fill]) * (-len(self.data) % alignment)

    def address(self, address: Address, size: int, kind: RelocKind = RelocKind.ABSOLUTE) -> None:
        """Write an address: a constant as is, a symbol as a zero field plus a relocation (RELA addend)."""
        if isinstance(address, SymbolAddress):
            self.relocations.append(Relocation(len(self.data), kind, size, address.symbol, address.addend))
            self.data += _ZEROS[size]
        elif kind is RelocKind.ABSOLUTE:
            self.u(address, size)
        else:
            raise ValueError(f"a {kind.value} reference needs a symbol")

    def section_offset(self, section: str, offset: int, size: int = 4) -> None:
        """A DWARF reference into another section (``DW_FORM_sec_offset``, ``DW_FORM_strp``, ...)."""
        self.address(SymbolAddress(section, offset), size, RelocKind.SECTION_OFFSET)
