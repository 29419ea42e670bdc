"""Run-time function tables for Windows JIT code: the bytes a host passes to ``RtlAddFunctionTable``.

Layout of the table block, placed by the host at ``table_address``::

    [handler thunks]   one ``jmp [rip+0]; .quad handler`` per distinct handler (16 bytes each); executable
    [UNWIND_INFO ...]  4-byte aligned, one per region (chained regions point back at their primary; indirect
                       regions have none: their RUNTIME_FUNCTION names the primary's)
    [RUNTIME_FUNCTION] sorted by BeginAddress: pass its address, ``count`` and ``base`` to RtlAddFunctionTable

Every address in the table is a 32-bit offset from ``base`` (the handler's too, hence the thunks inside the
region); each one is checked. Windows does not copy the table: keep the block alive until
``RtlDeleteFunctionTable``.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..encoding import ByteWriter
from ..errors import FormatLimitError
from .lower import SehUnwind
from .unwind_info import RuntimeFunction

THUNK_SIZE = 16


@dataclass(frozen=True, slots=True)
class PlacedCode:
    """A function's lowered unwind info and the absolute address its code starts at."""

    unwind: SehUnwind
    address: int


@dataclass(frozen=True, slots=True)
class RuntimeFunctionTable:
    #: Bytes to copy to ``table_address`` (executable memory when there are handler thunks).
    data: bytes
    table_address: int
    base: int
    #: Address and entry count of the RUNTIME_FUNCTION array: RtlAddFunctionTable(functions, count, base).
    functions: int
    count: int
    #: Handler symbol -> address of its thunk inside the block.
    thunks: Mapping[str, int]


def jump_thunk(target: int) -> bytes:
    """``jmp qword ptr [rip + 0]`` followed by the 64-bit target, padded with int3 to 16 bytes."""
    return (b"\xff\x25\x00\x00\x00\x00" + struct.pack("<Q", target)).ljust(THUNK_SIZE, b"\xcc")


def build_runtime_function_table(functions: Sequence[PlacedCode], *, base: int, table_address: int,
                                 handlers: Mapping[str, int] | None = None) -> RuntimeFunctionTable:
    """Build the table block for ``functions`` placed in memory, all within 4 GiB above ``base``.

    ``handlers`` maps each handler symbol named by an ``ExceptionHandler`` to its absolute address.
    """
    handlers = handlers or {}

    def rva(address: int, what: str, function: str | None = None) -> int:
        offset = address - base
        if not 0 <= offset <= 0xFFFFFFFF:
            raise FormatLimitError(f"{what} at {address:#x} is not within 4 GiB above the table base {base:#x}",
                                   function=function)
        return offset

    ordered = sorted(functions, key=lambda placed: placed.address)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.address + before.unwind.code_size > after.address:
            raise FormatLimitError(f"overlaps the next function {after.unwind.function!r}",
                                   function=before.unwind.function, offset=after.address - before.address)
    out = ByteWriter()
    thunks: dict[str, int] = {}
    for placed in ordered:
        handler = placed.unwind.handler
        if handler is not None and handler.relocations:
            raise FormatLimitError("run-time tables take handler data without relocations (resolve them first)",
                                   function=placed.unwind.function)
        if handler is not None and handler.symbol not in thunks:
            if handler.symbol not in handlers:
                raise FormatLimitError(f"no address given for handler {handler.symbol!r}",
                                       function=placed.unwind.function)
            thunks[handler.symbol] = table_address + out.offset
            out.bytes(jump_thunk(handlers[handler.symbol]))
    entries: list[RuntimeFunction] = []
    #: Per indirect entry (``UnwindRegion.indirect``): its index and the index of the primary entry it names.
    indirect: dict[int, int] = {}
    for placed in ordered:
        name = placed.unwind.function
        primary: RuntimeFunction | None = None
        primary_index = len(entries)
        for index, region in enumerate(placed.unwind.regions):
            begin = rva(placed.address + region.start, "code", name)
            end = rva(placed.address + region.end, "code end", name)
            if region.indirect:
                indirect[len(entries)] = primary_index
                entries.append(RuntimeFunction(begin, end, 0))
                continue
            out.align(4)
            info_rva = rva(table_address + out.offset, "unwind info", name)
            entry = RuntimeFunction(begin, end, info_rva)
            handler = placed.unwind.handler
            thunk = None
            if handler is not None and index == 0:
                thunk = rva(thunks[handler.symbol], "handler thunk", name)
            region.info.write(out, handler=thunk, chain=primary if region.info.chained else None, function=name)
            primary = primary or entry
            entries.append(entry)
    out.align(4)
    functions_address = table_address + out.offset
    rva(functions_address + RuntimeFunction.SIZE * len(entries), "function table end")
    for position, entry in enumerate(entries):
        if position in indirect:
            primary_rva = rva(functions_address + RuntimeFunction.SIZE * indirect[position], "function entry")
            entry = RuntimeFunction(entry.begin, entry.end, primary_rva + 1)
        entry.write(out)
    return RuntimeFunctionTable(bytes(out.data), table_address, base, functions_address, len(entries), thunks)
