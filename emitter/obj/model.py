"""A format-neutral object: sections with bytes and relocations, and symbols.

Encoders (DWARF, SEH, code generation) produce ``SectionData``-like bytes plus ``Relocation``s that name a symbol;
they never know which container they end up in. Each writer maps the neutral ``RelocKind`` to its own numbers
(``R_X86_64_PC32``, ``IMAGE_REL_AMD64_ADDR32NB``, ...) or, for an in-memory image, applies it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple

from ..errors import SymbolError
from ..picklable import by_fields


class SectionKind(enum.Enum):
    TEXT = "text"
    RODATA = "rodata"
    DATA = "data"
    BSS = "bss"
    UNWIND = "unwind"  # .eh_frame, .pdata, .xdata
    EXCEPT_TABLE = "except_table"  # .gcc_except_table
    DEBUG = "debug"  # .debug_*, not loaded
    NOTE = "note"  # .note.GNU-stack and friends
    LINKER_DIRECTIVE = "linker_directive"  # COFF .drectve


class RelocKind(enum.Enum):
    """What a relocation computes, independent of the container.

    ABSOLUTE: S + A (size 4 or 8).  PC_RELATIVE: S + A - P.  CALL: a pc-relative branch target that may go
    through a PLT.  IMAGE_RELATIVE: S + A - image base (COFF ADDR32NB).  SECTION_OFFSET: offset of S + A within its
    section (DWARF cross-section references: ELF uses an absolute 32-bit reloc against the section, COFF SECREL).
    """

    ABSOLUTE = "absolute"
    PC_RELATIVE = "pc_relative"
    CALL = "call"
    IMAGE_RELATIVE = "image_relative"
    SECTION_OFFSET = "section_offset"


class SymbolKind(enum.Enum):
    FUNCTION = "function"
    OBJECT = "object"
    SECTION = "section"
    NONE = "none"


class Binding(enum.Enum):
    LOCAL = "local"
    GLOBAL = "global"
    WEAK = "weak"


class Relocation(NamedTuple):
    """A reference from ``offset`` in a section to ``symbol`` + ``addend``. A named tuple, not a frozen dataclass:
    a module makes about twenty per function and tuples are built four times faster."""

    offset: int
    kind: RelocKind
    size: int
    symbol: str
    addend: int = 0

    def __reduce__(self) -> tuple[object, ...]:
        # Unpickled by ``tuple.__new__`` itself, not by the Python-level ``__new__`` of a named tuple: a large
        # lowered object in the compile cache has some 100,000 relocations.
        return tuple.__new__, (Relocation, tuple(self))


@by_fields
@dataclass(slots=True)
class Section:
    name: str
    kind: SectionKind
    data: bytearray = field(default_factory=bytearray)
    align: int = 1
    relocations: list[Relocation] = field(default_factory=list)
    #: Only for BSS: the size of the zero-filled area (``data`` stays empty).
    bss_size: int = 0
    writable: bool = False
    executable: bool = False

    @property
    def size(self) -> int:
        return self.bss_size if self.kind is SectionKind.BSS else len(self.data)

    def append(self, data: bytes, align: int = 1) -> int:
        """Append ``data`` at the next multiple of ``align``; return its offset."""
        pad = -len(self.data) % align
        if pad:
            fill = b"\x90" if self.kind is SectionKind.TEXT else b"\x00"
            self.data += fill * pad
        offset = len(self.data)
        self.data += data
        self.align = max(self.align, align)
        return offset

    def relocate(self, relocation: Relocation) -> None:
        self.relocations.append(relocation)


@by_fields
@dataclass(frozen=True, slots=True)
class Symbol:
    name: str
    #: Section name, or None for an undefined symbol.
    section: str | None
    value: int = 0
    size: int = 0
    kind: SymbolKind = SymbolKind.NONE
    binding: Binding = Binding.LOCAL

    @property
    def defined(self) -> bool:
        return self.section is not None


@dataclass
class ObjectFile:
    """Sections in output order, symbols by name. Section names double as their section symbols' names."""

    arch: str = "x86_64"
    sections: dict[str, Section] = field(default_factory=dict)
    symbols: dict[str, Symbol] = field(default_factory=dict)

    def section(self, name: str, kind: SectionKind, **kwargs: object) -> Section:
        """Get the section ``name``, creating it on first use."""
        sec = self.sections.get(name)
        if sec is None:
            sec = Section(name, kind, **kwargs)  # type: ignore[arg-type]
            self.sections[name] = sec
        return sec

    def add_symbol(self, symbol: Symbol) -> Symbol:
        existing = self.symbols.get(symbol.name)
        if existing is not None:
            if existing.defined and symbol.defined:
                raise SymbolError(f"duplicate symbol {symbol.name!r}", function=symbol.name, offset=symbol.value)
            if existing.defined:
                return existing
        if symbol.section is not None and symbol.section not in self.sections:
            raise SymbolError(f"symbol {symbol.name!r} refers to missing section {symbol.section!r}",
                              function=symbol.name, offset=symbol.value)
        self.symbols[symbol.name] = symbol
        return symbol

    def reference(self, name: str) -> None:
        """Make sure ``name`` exists as a symbol (undefined and global if nothing defines it)."""
        if name not in self.symbols and name not in self.sections:
            self.symbols[name] = Symbol(name, None, binding=Binding.GLOBAL)
