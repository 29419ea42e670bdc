"""LLDB's printers for Wasm32 pointers stored in linear memory (``emitter/debugcore/pointers.py``): a
``__wasm32_ptr<T *>`` (a typedef of the 4-byte offset) shows as the native pointer ``T *`` it stands for (the
summary: ``0x00007f… "text"`` for strings, ``NULL`` for null, as LLDB shows a pointer member), and its synthetic
``$$dereference$$`` child is the pointee, which ``frame variable`` follows for ``*v`` and ``v->field``."""

from __future__ import annotations

import re

import lldb

from emitter.debugcore.pointers import (
    FUNCTION_STAND_IN,
    layers,
    native_address,
    pointer_spelling,
    spell,
    stand_in_name,
    table_function,
)

from .session import session_for

#: The stand-in's type names, for ``type summary add -x`` and ``type synthetic add -x``.
TYPE_PATTERN = "^__wasm32_ptr<.+>$"
DEREFERENCE = "$$dereference$$"
#: The function-pointer stand-in's name (a table index), for ``type summary add -x``.
FUNCTION_TYPE_PATTERN = f"^{FUNCTION_STAND_IN}$"


def _spelling(kind: lldb.SBType) -> str | None:
    """The C pointer type behind a stand-in type (through typedefs of it), or None."""
    for _ in range(16):
        spelling = pointer_spelling(kind.GetName())
        if spelling is not None or not kind.IsTypedefType():
            return spelling
        kind = kind.GetTypedefedType()
    return None


def _lookup(target: lldb.SBTarget, name: str) -> lldb.SBType:
    if name == "void":
        return target.GetBasicType(lldb.eBasicTypeVoid)
    kind = target.FindFirstType(name)
    if not kind.IsValid():
        raise LookupError(name)
    return kind


def native_type(target: lldb.SBTarget, spelling: str) -> lldb.SBType:
    """The native pointer type ``spelling`` names (LookupError when a name in it is not found)."""
    base, levels = layers(spelling)
    kind = _lookup(target, base)
    spelled = base
    last = max(i for i, layer in enumerate(levels) if layer == "*")
    for position, layer in enumerate(levels):
        if layer == "*" and position < last:  # an inner pointer level: a stand-in in linear memory
            kind = _lookup(target, stand_in_name(spell(spelled, layer)))
        elif layer == "*":
            kind = kind.GetPointerType()
        # SBType cannot add a qualifier: ``const char`` is followed as ``char`` (the same bytes, shown alike).
        spelled = spell(spelled, layer)
    return kind


def native_pointer(value: lldb.SBValue) -> lldb.SBValue | None:
    """The native pointer value a stand-in stands for, or None when its memory or type is not found."""
    raw = value.GetNonSyntheticValue()
    spelling = _spelling(raw.GetType())
    if spelling is None:
        return None
    offset = raw.GetValueAsUnsigned()
    holder = raw.GetLoadAddress()
    target = raw.GetTarget()
    session = session_for(target.GetDebugger())
    session.refresh()
    address = native_address(session, offset, None if holder == lldb.LLDB_INVALID_ADDRESS else holder)
    if address is None:
        return None
    try:
        pointer_type = native_type(target, spelling)
    except LookupError:
        return None
    data = lldb.SBData.CreateDataFromUInt64Array(target.GetByteOrder(), target.GetAddressByteSize(), [address])
    return target.CreateValueFromData(raw.GetName() or "pointer", data, pointer_type)


def summary(value: lldb.SBValue, _internal_dict: dict) -> str:
    raw = value.GetNonSyntheticValue()
    if re.search(r":\d+$", raw.GetTypeName() or ""):
        # ``frame variable v[i]`` on a scalar is LLDB's bit extraction, not an element: the bit, as it is.
        return str(raw.GetValueAsUnsigned())
    pointer = native_pointer(value)
    if pointer is None:
        return f"<wasm32 offset {value.GetNonSyntheticValue().GetValueAsUnsigned():#x}>"
    text = pointer.GetSummary()
    if not pointer.GetValueAsUnsigned() and not text and not _is_text(pointer.GetType().GetPointeeType()):
        return "NULL"  # as LLDB shows a null pointer that has no summary of its own
    return f"{pointer.GetValue()} {text}" if text else str(pointer.GetValue())


def _is_text(kind: lldb.SBType) -> bool:
    return kind.GetUnqualifiedType().GetCanonicalType().GetBasicType() in (
        lldb.eBasicTypeChar, lldb.eBasicTypeSignedChar, lldb.eBasicTypeUnsignedChar)


class PointerChildren:
    """No children shown (a pointer is not expanded), but ``$$dereference$$``: the pointee."""

    def __init__(self, value: lldb.SBValue, _internal_dict: dict) -> None:
        self.value = value
        self.pointer: lldb.SBValue | None = None

    def update(self) -> bool:
        self.pointer = native_pointer(self.value)
        return False

    def num_children(self) -> int:
        return 0

    def has_children(self) -> bool:
        return False

    def get_child_index(self, name: str) -> int:
        return 0 if name == DEREFERENCE else -1

    def get_child_at_index(self, index: int) -> lldb.SBValue | None:
        if index != 0 or self.pointer is None or not self.pointer.GetValueAsUnsigned():
            return None
        return self.pointer.Dereference()


def function_pointer(value: lldb.SBValue) -> lldb.SBValue | None:
    """The native function pointer a C function pointer (a table index) names, typed as a pointer to that
    function, or None (null, or no function of the instance at that index)."""
    raw = value.GetNonSyntheticValue()
    holder = raw.GetLoadAddress()
    target = raw.GetTarget()
    session = session_for(target.GetDebugger())
    session.refresh()
    function = table_function(session, raw.GetValueAsUnsigned(),
                              None if holder == lldb.LLDB_INVALID_ADDRESS else holder)
    if function is None:
        return None
    symbol = target.ResolveLoadAddress(function.address).GetFunction()
    if not symbol.IsValid():
        return None
    data = lldb.SBData.CreateDataFromUInt64Array(target.GetByteOrder(), target.GetAddressByteSize(),
                                                 [function.address])
    return target.CreateValueFromData(raw.GetName() or "function", data, symbol.GetType().GetPointerType())


def function_summary(value: lldb.SBValue, _internal_dict: dict) -> str:
    """As LLDB shows a function pointer natively: ``0x… (prog`add at fnptr.c:13)``, ``0x0000000000000000`` for
    null; an index no function of the instance answers to shows as the index it is."""
    index = value.GetNonSyntheticValue().GetValueAsUnsigned()
    if index == 0:
        return f"{0:#0{2 + 2 * value.GetTarget().GetAddressByteSize()}x}"
    pointer = function_pointer(value)
    if pointer is None:
        return f"<wasm32 table index {index}>"
    text = pointer.GetSummary()
    return f"{pointer.GetValue()} {text}" if text else str(pointer.GetValue())


def register(debugger: lldb.SBDebugger) -> None:
    # -v: the summary replaces the offset (the stand-in's raw value) as a pointer's value; -p -r: not for native
    # pointers and references to a stand-in (a ``char **`` variable is the native address of one).
    debugger.HandleCommand(f'type summary add -v -p -r -x "{TYPE_PATTERN}" -F {__name__}.summary')
    debugger.HandleCommand(f'type synthetic add -p -r -x "{TYPE_PATTERN}" -l {__name__}.PointerChildren')
    debugger.HandleCommand(f'type summary add -v -p -r -x "{FUNCTION_TYPE_PATTERN}" -F {__name__}.function_summary')
