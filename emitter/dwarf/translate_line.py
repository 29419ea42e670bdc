"""The native line table of one translated compile unit (DWARF 4, like clang's wasm32 tables): the producer's
file table unchanged (so ``DW_AT_decl_file`` indices stay valid), and for every native function of the unit one
sequence whose rows give each native piece the C file, line and column of the Wasm instruction it implements."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from ..encoding import ByteWriter, SymbolAddress
from .constants import (
    DW_LNE_end_sequence,
    DW_LNE_set_address,
    DW_LNS_advance_line,
    DW_LNS_advance_pc,
    DW_LNS_const_add_pc,
    DW_LNS_negate_stmt,
    DW_LNS_set_column,
    DW_LNS_set_file,
    DW_LNS_set_prologue_end,
)
from .line import CONST_ADD_PC, LINE_BASE, LINE_RANGE, OPCODE_BASE, STANDARD_OPCODE_LENGTHS
from .translate_map import MappedFunction


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A producer line-table row (address code-section relative)."""

    address: int
    file: int
    line: int
    column: int
    is_stmt: bool
    prologue_end: bool


@dataclass(frozen=True, slots=True)
class FileEntry:
    name: str
    directory: int
    mtime: int
    length: int


class ProducerSequence:
    """The rows of one producer sequence, searchable by address."""

    def __init__(self, rows: Sequence[SourceRow], end: int) -> None:
        self.rows = list(rows)
        self.addresses = [row.address for row in rows]
        self.start = self.addresses[0] if rows else end
        self.end = end

    def row_index(self, address: int) -> int:
        return max(bisect.bisect_right(self.addresses, address) - 1, 0)


def function_rows(sequences: Sequence[ProducerSequence],
                  functions: Sequence[MappedFunction]) -> list[tuple[MappedFunction, ProducerSequence]]:
    """Each native function with the producer rows inside its Wasm extent, in native order.

    A function's rows are those of the sequence overlapping its extent the most (a producer writes one
    sequence per function or per unit; a sequence a linker left at a tombstone address overlaps nothing or
    little), cut to the extent. Matching by overlap keeps a function whose first row lies after its
    ``DW_AT_low_pc`` (clang at -O1 starts the rows at the first instruction, after the locals' declarations).
    Sorted starts and bisection keep this O((rows + functions) log): no sequence is compared with every
    function."""
    starts = [mapped.start for mapped in functions]
    best: dict[int, tuple[int, ProducerSequence, int, int]] = {}
    for sequence in sequences:
        if not sequence.rows:
            continue
        k = max(bisect.bisect_right(starts, sequence.start) - 1, 0)
        while k < len(functions) and functions[k].start < sequence.end:
            mapped = functions[k]
            if mapped.end > sequence.start:
                first = bisect.bisect_left(sequence.addresses, mapped.start)
                last = bisect.bisect_left(sequence.addresses, mapped.end)
                if last > first and (k not in best or last - first > best[k][0]):
                    best[k] = (last - first, sequence, first, last)
            k += 1
    out = [(functions[k], ProducerSequence(sequence.rows[first:last], min(sequence.end, functions[k].end)))
           for k, (_, sequence, first, last) in best.items()]
    out.sort(key=lambda item: item[0].native_start)
    return out


def build_line_program(directories: Sequence[str], files: Sequence[FileEntry],
                       functions: Sequence[tuple[MappedFunction, ProducerSequence]], text: str) -> ByteWriter:
    out = ByteWriter()
    out.u32(0)
    start = out.offset
    out.u16(4)
    header_length_at = out.offset
    out.u32(0)
    header_start = out.offset
    out.u8(1)  # minimum_instruction_length
    out.u8(1)  # maximum_operations_per_instruction
    out.u8(1)  # default_is_stmt
    out.s(LINE_BASE, 1)
    out.u8(LINE_RANGE)
    out.u8(OPCODE_BASE)
    out.bytes(bytes(STANDARD_OPCODE_LENGTHS))
    for directory in directories:
        out.cstr(directory)
    out.u8(0)
    for entry in files:
        out.cstr(entry.name)
        out.uleb(entry.directory)
        out.uleb(entry.mtime)
        out.uleb(entry.length)
    out.u8(0)
    out.patch(header_length_at, out.offset - header_start, 4)
    for mapped, sequence in functions:
        _sequence(out, mapped, sequence, text)
    out.patch(0, out.offset - start, 4)
    return out


def _sequence(out: ByteWriter, mapped: MappedFunction, sequence: ProducerSequence, text: str) -> None:
    out.u8(0)
    out.uleb(9)
    out.u8(DW_LNE_set_address)
    out.address(SymbolAddress(text, mapped.native_start), 8)
    address, file, line, column, is_stmt = 0, 1, 1, 0, True
    previous = -1
    # The compiler emits a function's body in Wasm order and its out-of-line paths (trap stubs, landing pads)
    # after it: a piece whose Wasm address lies before one already seen is out of line. Its rows say where it
    # comes from but are no statements, so no breakpoint lands there. The prologue ends once, at the body's
    # first piece from the row the producer marks (the compiler's own entry code keeps that row's line only).
    highest = -1
    prologue_done = False
    for begin, _end, wasm in mapped.pieces:
        index = sequence.row_index(mapped.start if wasm is None else wasm)
        out_of_line = wasm is not None and wasm < highest
        if wasm is not None:
            highest = max(highest, wasm)
        row = sequence.rows[index]
        ends_prologue = row.prologue_end and wasm is not None and not out_of_line and not prologue_done
        statement = row.is_stmt and not out_of_line
        if index == previous and not ends_prologue and statement == is_stmt:
            continue
        if row.file != file:
            out.u8(DW_LNS_set_file)
            out.uleb(row.file)
            file = row.file
        if row.column != column:
            out.u8(DW_LNS_set_column)
            out.uleb(row.column)
            column = row.column
        if statement != is_stmt:
            out.u8(DW_LNS_negate_stmt)
            is_stmt = statement
        if ends_prologue:
            out.u8(DW_LNS_set_prologue_end)
            prologue_done = True
        _row(out, row.line - line, begin - address)
        address, line, previous = begin, row.line, index
    size = len(mapped.function.code)
    if size > address:
        out.u8(DW_LNS_advance_pc)
        out.uleb(size - address)
    out.u8(0)
    out.uleb(1)
    out.u8(DW_LNE_end_sequence)


def _row(out: ByteWriter, line_delta: int, address_delta: int) -> None:
    if not LINE_BASE <= line_delta < LINE_BASE + LINE_RANGE:
        out.u8(DW_LNS_advance_line)
        out.sleb(line_delta)
        line_delta = 0
    base = line_delta - LINE_BASE + OPCODE_BASE
    if base + LINE_RANGE * address_delta <= 255:
        out.u8(base + LINE_RANGE * address_delta)
    elif base + LINE_RANGE * (address_delta - CONST_ADD_PC) <= 255:
        out.u8(DW_LNS_const_add_pc)
        out.u8(base + LINE_RANGE * (address_delta - CONST_ADD_PC))
    else:
        out.u8(DW_LNS_advance_pc)
        out.uleb(address_delta)
        out.u8(base)
