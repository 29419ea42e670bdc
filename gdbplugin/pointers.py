"""GDB's printer for Wasm32 pointers stored in linear memory (``emitter/debugcore/pointers.py``): a
``__wasm32_ptr<T>`` prints as the native pointer ``T`` it stands for, as GDB prints a pointer (``0x7f… "text"``
for strings, ``0x0`` for null). ``$wasm_ptr(v)`` is that native pointer as a value, for ``*``, ``->`` and ``[]``:
GDB's C evaluator has no hook through which a printer could follow them itself (README, "Pointers")."""

from __future__ import annotations

import re

import gdb
import gdb.printing

from emitter.debugcore.pointers import (
    FUNCTION_STAND_IN,
    layers,
    memory_offset,
    native_address,
    pointer_spelling,
    spell,
    stand_in_name,
    table_function,
)
from emitter.debugcore.session import Session


def _spelling(kind: gdb.Type) -> str | None:
    """The C pointer type behind a stand-in type (through typedefs of it), or None."""
    while True:
        spelling = pointer_spelling(kind.name)
        if spelling is not None or kind.code != gdb.TYPE_CODE_TYPEDEF:
            return spelling
        kind = kind.target()


def native_type(spelling: str) -> gdb.Type:
    """The native pointer type ``spelling`` names (gdb.error when a name in it is not found)."""
    base, levels = layers(spelling)
    kind = gdb.lookup_type(base)
    spelled = base
    last = max(i for i, layer in enumerate(levels) if layer == "*")
    for position, layer in enumerate(levels):
        if layer == "*" and position < last:  # an inner pointer level: a stand-in in linear memory
            kind = _stand_in(spell(spelled, layer))
        elif layer == "*":
            kind = kind.pointer()
        elif layer == "const":
            kind = kind.const()
        else:
            kind = kind.volatile()
        spelled = spell(spelled, layer)
    return kind


def _stand_in(spelling: str) -> gdb.Type:
    """The stand-in type of ``spelling``, under the name GDB gave it: GDB canonicalises names with template
    arguments as C++ (``__wasm32_ptr<const char *>`` is ``__wasm32_ptr<char const*>``) where it can parse them."""
    canonical = re.sub(r"\s*\*", "*", re.sub(r"^(const|volatile) ([\w ]+?)(?=\s*\*|$)", r"\2 \1", spelling))
    for name in dict.fromkeys([spelling, canonical]):
        try:
            return gdb.lookup_type(stand_in_name(name))
        except gdb.error:
            continue
    raise gdb.error(f"no type named {stand_in_name(spelling)}")


def target(session: Session, value: gdb.Value) -> gdb.Value | None:
    """The native pointer a stand-in value stands for, or None (not a stand-in, or its memory not found)."""
    spelling = _spelling(value.type)
    if spelling is None:
        return None
    offset = int(value)
    holder = int(value.address) if value.address is not None else None
    address = native_address(session, offset, holder)
    if address is None:
        return None
    return gdb.Value(address).cast(native_type(spelling))


class PointerPrinter:
    def __init__(self, session: Session, value: gdb.Value) -> None:
        self.session = session
        self.value = value

    def to_string(self) -> str:
        try:
            pointer = target(self.session, self.value)
        except gdb.error:
            pointer = None
        if pointer is None:
            return f"<wasm32 offset {int(self.value):#x}>"
        # As GDB prints a pointer member: the address, and a string's text.
        return pointer.format_string(symbols=False)


def _is_function_pointer(kind: gdb.Type) -> bool:
    """Whether ``kind`` is the function-pointer stand-in (through typedefs of it: ``binop``)."""
    for _ in range(16):
        if kind.name == FUNCTION_STAND_IN:
            return True
        if kind.code != gdb.TYPE_CODE_TYPEDEF:
            return False
        kind = kind.target()
    return False


def function_target(session: Session, value: gdb.Value) -> gdb.Value | None:
    """The native function pointer a C function pointer (a table index) names, typed as a pointer to that
    function (``int (*)(int, int)``), or None (null, or no function of the instance at that index)."""
    holder = int(value.address) if value.address is not None else None
    function = table_function(session, int(value), holder)
    if function is None:
        return None
    block = gdb.block_for_pc(function.address)
    while block is not None and block.function is None:
        block = block.superblock
    if block is None or block.function is None:
        return None
    return gdb.Value(function.address).cast(block.function.type.pointer())


class FunctionPointerPrinter:
    """A C function pointer as GDB prints one natively (``0x… <add>``, ``0x0`` for null); an index no function
    of the instance answers to shows as the index it is."""

    def __init__(self, session: Session, value: gdb.Value) -> None:
        self.session = session
        self.value = value

    def to_string(self) -> str:
        index = int(self.value)
        if index == 0:
            return "0x0"
        try:
            pointer = function_target(self.session, self.value)
        except gdb.error:
            pointer = None
        if pointer is None:
            return f"<wasm32 table index {index}>"
        return pointer.format_string(symbols=True)


class WasmPointer(gdb.Function):
    """$wasm_ptr(V): the native pointer a Wasm32 pointer V stored in linear memory stands for
(memory base + offset), so that *$wasm_ptr(V), $wasm_ptr(V)->field and $wasm_ptr(V)[i] follow it."""

    def __init__(self, session: Session) -> None:
        super().__init__("wasm_ptr")
        self.session = session

    def invoke(self, value: gdb.Value) -> gdb.Value:
        if value.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
            return value  # already native (a pointer variable)
        pointer = function_target(self.session, value) if _is_function_pointer(value.type) \
            else target(self.session, value)
        if pointer is None:
            raise gdb.GdbError(f"$wasm_ptr: {value.type} is no Wasm32 pointer in linear memory")
        return pointer


class WasmOffset(gdb.Function):
    """$wasm_offset(P): the linear-memory offset of the native pointer P, the value to store in a Wasm32 pointer
in linear memory (set var s->next = $wasm_offset(&node)); storing P itself would store its low 4 bytes."""

    def __init__(self, session: Session) -> None:
        super().__init__("wasm_offset")
        self.session = session

    def invoke(self, value: gdb.Value) -> gdb.Value:
        if value.type.strip_typedefs().code != gdb.TYPE_CODE_PTR:
            raise gdb.GdbError(f"$wasm_offset: {value.type} is no native pointer")
        offset = memory_offset(self.session, int(value))
        if offset is None:
            raise gdb.GdbError(f"$wasm_offset: {int(value):#x} is in no Wasm linear memory")
        return gdb.Value(offset).cast(gdb.lookup_type("unsigned int"))


def register(session: Session) -> None:
    def lookup(value: gdb.Value) -> PointerPrinter | FunctionPointerPrinter | None:
        if _is_function_pointer(value.type):
            return FunctionPointerPrinter(session, value)
        return PointerPrinter(session, value) if _spelling(value.type) is not None else None
    gdb.pretty_printers.append(lookup)
    WasmPointer(session)
    WasmOffset(session)
