"""Wasm32 pointers stored in linear memory, as the debuggers' printers follow them.

The DWARF translation describes a pointer held in linear memory (a struct member, an array element, a pointee
that is itself a pointer) as ``typedef unsigned int __wasm32_ptr<struct node *>``: 4 bytes, its true value (so
comparing, assigning and testing it for null work as on the C offset), named after the C pointer type it stands
for. A printer turns the offset into that native pointer: the linear memory's native base + offset, a null
pointer staying null. Whose memory: the instance whose linear memory holds the stand-in itself, else the one
``wasm memory`` would choose (the innermost Wasm frame's).

The native pointer type is rebuilt from the name: its base type looked up by name, then the qualifiers and
pointer levels of the spelling; a pointer level *inside* it (``char **``: the ``char *`` it points to) is
again 4 bytes in linear memory, so it is the stand-in of that spelling, ``__wasm32_ptr<char *>``.

A C function pointer is no offset: its Wasm value is an index into the function table (``__indirect_function_table``,
table 0), so the translation names its stand-in ``__wasm32_funcptr`` and the printers resolve the index through the
instance's table (vmctx -> table record -> 8-byte funcref -> function descriptor -> code) to the native function,
accepted only when it is the entry of a compiled Wasm function (else the raw index is shown).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..codegen.runtime import TABLE_RECORD_BASE, TABLE_RECORD_SIZE, VMCTX_TABLES
from .adapter import InferiorReadError
from .modules import LoadedFunction, LoadedModule
from .state import instance_for, memory_of

if TYPE_CHECKING:
    from .session import Session

STAND_IN = "__wasm32_ptr"
FUNCTION_STAND_IN = "__wasm32_funcptr"
#: The static member the translation gives a Rust slice or ``&str`` whose ``data_ptr`` is a stand-in, typed as
#: its element (``gdbplugin/slices.py``).
FAT_POINTER_MARKER = "__wasm32_fat_pointer"
_QUALIFIERS = ("const", "volatile")


def pointer_spelling(type_name: str | None) -> str | None:
    """The C pointer type a stand-in's name stands for (``struct node *``), None for any other name."""
    if type_name is None:
        return None
    match = re.fullmatch(rf"{STAND_IN}<(.+)>", type_name.strip())
    return match.group(1) if match and match.group(1).rstrip().endswith(("*", "const", "volatile")) else None


def stand_in_name(spelling: str) -> str:
    return f"{STAND_IN}<{spelling}>"


def spell(inner: str, layer: str) -> str:
    """``inner`` with one more layer, spelled as the translation spells it."""
    if layer == "*":
        return f"{inner}*" if inner.endswith("*") else f"{inner} *"
    return f"{inner} {layer}" if inner.endswith("*") else f"{layer} {inner}"


def layers(spelling: str) -> tuple[str, list[str]]:
    """The base type's name and the layers over it, innermost first: ``const char *`` -> ("char", ["const",
    "*"]); ``struct node *const *`` -> ("struct node", ["*", "const", "*"])."""
    tokens = re.findall(r"\*|[^\s*]+", spelling)
    outer: list[str] = []
    while tokens and tokens[-1] in ("*", *_QUALIFIERS):
        outer.append(tokens.pop())
    inner = [tokens.pop(0) for _ in range(len(tokens)) if tokens and tokens[0] in _QUALIFIERS]
    return " ".join(tokens), [*inner, *reversed(outer)]


def _memories(session: Session) -> Iterator[tuple[LoadedModule, int, int]]:
    """Each instance whose linear memory 0 can be read: the instance, that memory's native base and size."""
    for module in session.modules():
        if module.meta.has_memory and module.vmctx is not None:
            try:
                base, size = memory_of(session, module)
            except (InferiorReadError, ValueError):
                continue
            yield module, base, size


def _containing(session: Session, address: int | None) -> tuple[LoadedModule, int] | None:
    """The instance whose linear memory holds the native ``address``, and that memory's base."""
    if address is not None:
        for module, base, size in _memories(session):
            if base <= address < base + size:
                return module, base
    return None


def memory_offset(session: Session, address: int) -> int | None:
    """The linear-memory offset of the native ``address`` (0 for null), None when no memory holds it."""
    if address == 0:
        return 0
    found = _containing(session, address)
    return None if found is None else address - found[1]


def native_address(session: Session, offset: int, holder: int | None) -> int | None:
    """The native address ``offset`` of a linear memory stands for (0 for null), ``holder`` being the native
    address of the stand-in (None when it is no longer in memory); None when no memory is found."""
    if offset == 0:
        return 0
    found = _containing(session, holder)
    if found is not None:
        return found[1] + offset
    try:
        base, _size = memory_of(session, instance_for(session, None, "print"))
    except (InferiorReadError, ValueError):
        return None
    return base + offset


def _holder_module(session: Session, holder: int | None) -> LoadedModule | None:
    """The instance whose linear memory holds ``holder``, else the one ``wasm memory`` would choose."""
    found = _containing(session, holder)
    if found is not None:
        return found[0]
    try:
        return instance_for(session, None, "print")
    except (InferiorReadError, ValueError):
        return None


def table_function(session: Session, index: int, holder: int | None) -> LoadedFunction | None:
    """The compiled function a C function pointer (``index`` into table 0) names, ``holder`` being the native
    address of the stand-in (None when not in memory); None for null (0, never a function in C), an index past the
    table's size, a null entry, or an entry that is no compiled Wasm function's entry (then nothing is claimed)."""
    module = _holder_module(session, holder)
    if index <= 0 or module is None or module.vmctx is None:
        return None
    read = session.adapter.read_memory
    try:
        record = int.from_bytes(read(module.vmctx + VMCTX_TABLES, 8), "little")
        if not record:
            return None
        words = read(record + TABLE_RECORD_BASE, 16)
        base = int.from_bytes(words[TABLE_RECORD_BASE:TABLE_RECORD_BASE + 8], "little")
        size = int.from_bytes(words[TABLE_RECORD_SIZE:TABLE_RECORD_SIZE + 8], "little")
        if not base or index >= size:
            return None
        descriptor = int.from_bytes(read(base + 8 * index, 8), "little")
        if not descriptor:
            return None
        code = int.from_bytes(read(descriptor, 8), "little")
    except InferiorReadError:
        return None
    location = session.locate(code)
    if location is None or location.function.address != code:
        return None
    return location.function
