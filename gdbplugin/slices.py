"""GDB's printer for Rust slices and ``&str`` in a Wasm module: ``{data_ptr, length}`` whose ``data_ptr`` is a
Wasm32 offset (``emitter/dwarf/translate.py``, ``_fat_pointer_marker``). The translation hides them from GDB's
Rust support, which would read the elements at the bare offset; this prints them as that support prints a native
slice: ``&[i32] [3, 1, 4]`` (``[]`` when empty), a ``&str`` as its quoted text, read through the memory base."""

from __future__ import annotations

import gdb

from emitter.debugcore.pointers import FAT_POINTER_MARKER, native_address
from emitter.debugcore.session import Session


def _element_type(kind: gdb.Type) -> gdb.Type | None:
    """The element type a translated fat pointer's marker carries, or None (no such struct)."""
    if kind.code != gdb.TYPE_CODE_STRUCT:
        return None
    for field in kind.fields():
        if field.name == FAT_POINTER_MARKER:
            return field.type
    return None


class SlicePrinter:
    def __init__(self, session: Session, value: gdb.Value, element: gdb.Type) -> None:
        self.session = session
        self.value = value
        self.element = element

    def to_string(self) -> str | gdb.LazyString:
        if self.value.format_string(raw=True) == "...":
            # GDB's summary mode (``print frame-arguments scalars``: ``bt``, stops): a slice is no scalar.
            return "..."
        data = self.value["data_ptr"]
        length = int(self.value["length"])
        holder = int(data.address) if data.address is not None else None
        address = native_address(self.session, int(data), holder)
        name = self.value.type.strip_typedefs().name
        if address is None or self.element.code == gdb.TYPE_CODE_VOID:
            return f"{name} <wasm32 offset {int(data):#x}, length {length}>"
        start = gdb.Value(address).cast(self.element.pointer())
        if name == "&str":
            return start.lazy_string(encoding="UTF-8", length=length)
        if length == 0:
            return f"{name} []"
        elements = start.cast(self.element.array(length - 1).pointer()).dereference()
        return f"{name} {elements.format_string()}"


def register(session: Session) -> None:
    def lookup(value: gdb.Value) -> SlicePrinter | None:
        element = _element_type(value.type.strip_typedefs())
        return SlicePrinter(session, value, element) if element is not None else None
    gdb.pretty_printers.append(lookup)
