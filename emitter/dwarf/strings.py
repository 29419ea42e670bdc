"""DWARF string sections (``.debug_str``, ``.debug_line_str``): NUL-terminated strings referenced by offset."""

from __future__ import annotations

from ..encoding import ByteWriter
from ..obj.model import Relocation, RelocKind


class StringSection:
    """Strings of one string section; equal strings share one entry. References to it are SECTION_OFFSET
    relocations against the section's name, so the linker can merge the sections of several objects."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.writer = ByteWriter()
        #: The offset of every string written (read by the translation's DIE writer, ``_translate.write_die``).
        self.offsets: dict[str, int] = {}

    def offset(self, text: str) -> int:
        offset = self.offsets.get(text)
        if offset is None:
            offset = self.writer.offset
            self.writer.cstr(text)
            self.offsets[text] = offset
        return offset

    def reference(self, out: ByteWriter, text: str) -> None:
        """Write a 4-byte ``DW_FORM_strp``/``DW_FORM_line_strp`` reference to ``text`` into ``out``."""
        offset = self.offsets.get(text)
        if offset is None:
            offset = self.offset(text)
        out.relocations.append(Relocation(len(out.data), RelocKind.SECTION_OFFSET, 4, self.name, offset))
        out.data += b"\0\0\0\0"
