"""The linear memories in the Wasm-level DWARF (modules without the producer's DWARF): one variable per memory,
``memory0``, ``memory1``, … (by memory index, imports first), an array of bytes at the memory's current native
base, so that a debugger without the plugins shows memory N's bytes by Wasm address: ``p memory1[16]``,
``x/4xb &memory1[16]`` (gdb), ``frame variable memory1[16]``, ``memory read &memory1[16]`` (lldb).

The location reads the base through the instance, as the code does, so it follows a memory that moves: memory
0's is vmctx word 0 (``DW_OP_addr <m>.vmctx; DW_OP_deref``), another memory's the first word of its record,
which ``<m>.memories`` word N points to (``DW_OP_addr <m>.memories; DW_OP_plus_uconst 8N; DW_OP_deref;
DW_OP_deref``; an imported memory's record is the exporter's). ``memoryN_size`` (u64) is the record's second
word, the current size in bytes, and the array's ``DW_AT_count`` refers to it, so the bounds follow
``memory.grow``: gdb reads it at each use; lldb-19 makes the array incomplete (``unsigned char[]``), which it
indexes all the same. A ``DW_AT_count`` expression would be gdb's alone: lldb-19 takes its
length for the count. See the README ("DWARF names each memory").

Why ``memoryN`` and not the export name: it is the same for every module (export names are any UTF-8 text,
often absent, and may repeat a function's name), it is what ``wasm memory -m N`` and ``wasm watch -m N`` call
the memory, and it is a C identifier both debuggers' expression parsers accept.

A name the module already gives to something else wins: memory N's two variables are left out when
``memoryN`` or ``memoryN_size`` is a function's name (its symbol, name-section name or export alias), a
global's, an export's (but a memory's export, which names a memory as ``memoryN`` does), a data symbol's, or
(modules with the producer's DWARF, ``memory_unit.py``) a name in the producer's DWARF. The program's own
symbol is then what both debuggers show, never shadowed; the pair goes together (the array's bound is the size
variable). ``wasm memory -m N`` still shows such a memory.
"""

from __future__ import annotations

from collections.abc import Collection

from ..compiled import CompiledModule
from ..encoding import ByteWriter, SymbolAddress, uleb128
from .constants import (
    DW_AT_count,
    DW_AT_type,
    DW_CHILDREN_no,
    DW_CHILDREN_yes,
    DW_FORM_ref4,
    DW_OP_addr,
    DW_OP_deref,
    DW_OP_plus_uconst,
    DW_TAG_array_type,
    DW_TAG_subrange_type,
)

#: Abbreviation codes of the memory arrays (the variables use the plain variable abbreviation).
ABBREV_MEMORY_ARRAY = 20
ABBREV_MEMORY_SUBRANGE = 21
ABBREVIATIONS: list[tuple[int, int, int, list[tuple[int, int]]]] = [
    (ABBREV_MEMORY_ARRAY, DW_TAG_array_type, DW_CHILDREN_yes, [(DW_AT_type, DW_FORM_ref4)]),
    (ABBREV_MEMORY_SUBRANGE, DW_TAG_subrange_type, DW_CHILDREN_no, [(DW_AT_count, DW_FORM_ref4)]),
]
#: The element type's name (an unsigned byte, as ``wasm memory`` shows them).
BYTE_TYPE = "u8"
#: The sizes' type.
SIZE_TYPE = "u64"
#: ``struct jitdebug_memory``'s size word (``emitter/codegen/runtime.py``; not imported: codegen imports dwarf).
_RECORD_SIZE = 8
_VMCTX_MEMORY = 8


def memory_name(index: int) -> str:
    return f"memory{index}"


def module_names(module: CompiledModule) -> set[str]:
    """Every name the module gives a function, global, export or data symbol (what a debugger could already
    know by that name)."""
    names = set(module.export_names) | {g.name for g in module.globals} | set(module.import_symbols)
    names.update(blob.name for blob in module.data)
    for function in module.functions:
        names.add(function.name)
        names.update(function.exports)
        if function.display_name is not None:
            names.add(function.display_name)
    return names


def described_memories(count: int, taken: Collection[str]) -> list[int]:
    """The indices of the memories whose variables are written: those neither of whose names is ``taken``."""
    return [index for index in range(count) if memory_name(index) not in taken and size_name(index) not in taken]


#: A DWARF expression: opcodes as bytes, and the symbols whose address ``DW_OP_addr`` pushes.
_Expression = list[bytes | SymbolAddress]


def _record(prefix: str, index: int) -> _Expression:
    """Pushes the address of memory ``index``'s record."""
    if index == 0:
        return [SymbolAddress(f"{prefix}.vmctx"), bytes([DW_OP_plus_uconst, _VMCTX_MEMORY, DW_OP_deref])]
    return [SymbolAddress(f"{prefix}.memories"), bytes([DW_OP_plus_uconst]) + uleb128(8 * index) + bytes([DW_OP_deref])]


def base_expression(prefix: str, index: int) -> _Expression:
    """Pushes memory ``index``'s native base: vmctx word 0 for memory 0 (the word the code and the C variables'
    DWARF read), the record's first word for another."""
    if index == 0:
        return [SymbolAddress(f"{prefix}.vmctx"), bytes([DW_OP_deref])]
    return [*_record(prefix, index), bytes([DW_OP_deref])]


def size_location(prefix: str, index: int) -> _Expression:
    """Pushes the address of memory ``index``'s current size in bytes (the record's second word)."""
    return [*_record(prefix, index), bytes([DW_OP_plus_uconst, _RECORD_SIZE])]


def size_name(index: int) -> str:
    return f"memory{index}_size"


def write_expression(info: ByteWriter, expression: _Expression, address_size: int) -> None:
    """``expression`` as an exprloc (its length, then the operations; ``DW_OP_addr`` operands relocated)."""
    info.uleb(sum(1 + address_size if isinstance(part, SymbolAddress) else len(part) for part in expression))
    for part in expression:
        if isinstance(part, SymbolAddress):
            info.u8(DW_OP_addr)
            info.address(part, address_size)
        else:
            info.bytes(part)


def write_memory_types(info: ByteWriter, count: int, byte_type: int, sizes: list[int]) -> list[int]:
    """One array type per memory, its count the variable at ``sizes[index]``: their offsets, by memory index."""
    offsets = []
    for index in range(count):
        offsets.append(info.offset)
        info.uleb(ABBREV_MEMORY_ARRAY)
        info.u32(byte_type)
        info.uleb(ABBREV_MEMORY_SUBRANGE)
        info.u32(sizes[index])
        info.u8(0)  # end of the array's children
    return offsets
