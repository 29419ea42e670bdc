"""The native line table of one translated compile unit (DWARF 4, like clang's wasm32 tables): the producer's
file table unchanged (so ``DW_AT_decl_file`` indices stay valid), and for every native function of the unit one
sequence whose rows give each native piece the C file, line and column of the Wasm instruction it implements.

``line_program`` runs the per-row loops in C (``_translate.line_sequences``); the Python functions below
(``producer_sequences``, ``function_rows``, ``build_line_program``) say what each step means and are the model
the C loops are checked against, on real modules and on random rows (``tests/test_cdebug_native_loops.py``)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from ..encoding import ByteWriter, SymbolAddress
from ..obj.model import Relocation, RelocKind
from . import _translate
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
from .producer_reader import LineRow
from .translate_map import AddressMap, MappedFunction

#: Where ``wasm-ld`` moves the rows of a function it discarded (its tombstone ``0xffffffff``, and ``0xfffffffe``
#: as in range lists): such a sequence overlaps no code.
LINE_TOMBSTONE = 0xFFFFFFFE


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


def producer_sequences(rows: Sequence[LineRow], file_shift: int) -> list[ProducerSequence]:
    """The producer's sequences from its line rows, files moved by ``file_shift``; a sequence starting at the
    linker's tombstone or above is a discarded function's and left out. The model of what
    ``_translate.line_sequences`` does first."""
    sequences: list[ProducerSequence] = []
    kept: list[SourceRow] = []
    discarded = False
    for state in rows:
        if state.end_sequence:
            if not discarded:
                sequences.append(ProducerSequence(kept, state.address))
            kept = []
            discarded = False
        elif discarded or not kept and state.address >= LINE_TOMBSTONE:
            discarded = True
        else:
            kept.append(SourceRow(state.address, state.file + file_shift, state.line, state.column,
                                  state.is_stmt, state.prologue_end))
    return sequences


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


def line_program(directories: Sequence[str], files: Sequence[FileEntry], rows: bytes, file_shift: int,
                 address_map: AddressMap) -> ByteWriter:
    """The unit's native line program from its producer rows (``LineProgram.packed_rows``): what
    ``function_rows`` and ``build_line_program`` compute from the rows as objects, in C
    (``_translate.line_sequences``: a large module has millions of rows and pieces). Producer sequences at the
    linker's tombstone (a discarded function's rows) are left out; files move by ``file_shift``."""
    out = _header(directories, files)
    body, addresses = _translate.line_sequences(rows, file_shift, LINE_TOMBSTONE, address_map.packed_functions,
                                                address_map.packed_pieces, address_map.packed_after_calls,
                                                LINE_BASE, LINE_RANGE, OPCODE_BASE)
    base = out.offset
    out.bytes(body)
    text = address_map.text
    out.relocations.extend(Relocation(base + at, RelocKind.ABSOLUTE, 8, text, native_start)
                           for at, native_start in addresses)
    out.patch(0, out.offset - 4, 4)
    return out


def build_line_program(directories: Sequence[str], files: Sequence[FileEntry],
                       functions: Sequence[tuple[MappedFunction, ProducerSequence]], text: str) -> ByteWriter:
    """The line program ``line_program`` writes, from the rows as objects: the model the C loops are checked
    against (``tests/test_cdebug_native_loops.py``)."""
    out = _header(directories, files)
    for mapped, sequence in functions:
        _sequence(out, mapped, sequence, text)
    out.patch(0, out.offset - 4, 4)
    return out


def _header(directories: Sequence[str], files: Sequence[FileEntry]) -> ByteWriter:
    out = ByteWriter()
    out.u32(0)
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
    return out


def _sequence(out: ByteWriter, mapped: MappedFunction, sequence: ProducerSequence, text: str) -> None:
    out.u8(0)
    out.uleb(9)
    out.u8(DW_LNE_set_address)
    out.address(SymbolAddress(text, mapped.native_start), 8)
    address, file, line, column, is_stmt = 0, 1, 1, 0, True
    previous = -1
    # The compiler emits a function's body in Wasm order and its out-of-line paths (trap stubs, landing pads)
    # after it, plus a few pieces inside the body for Wasm addresses ahead (a legacy ``try`` block's code for
    # its end): the body is the longest run of pieces, in native order, whose Wasm addresses never decrease, and
    # the others are out of line. An out-of-line piece whose producer row the body implements too (a trap stub)
    # says where it comes from but is no statement, so no breakpoint lands there; one whose row only it
    # implements keeps the row's statement flag, so every producer statement row is kept. The prologue ends
    # once, at the body's first piece from the row the producer marks (the compiler's own entry code keeps that
    # row's line only).
    body = in_body([wasm for _begin, _end, wasm in mapped.pieces])
    indices = [sequence.row_index(mapped.start if wasm is None else wasm) for _begin, _end, wasm in mapped.pieces]
    rows_after_calls(sequence.rows, indices, body, mapped.after_calls)
    body_rows = {index for index, in_line in zip(indices, body, strict=True) if in_line}
    prologue_done = False
    for (begin, _end, wasm), in_line, index in zip(mapped.pieces, body, indices, strict=True):
        out_of_line = not in_line and index in body_rows
        row = sequence.rows[index]
        ends_prologue = row.prologue_end and wasm is not None and in_line and not prologue_done
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


def rows_after_calls(rows: Sequence[SourceRow], indices: list[int], body: Sequence[bool],
                     after_calls: Sequence[bool]) -> None:
    """Give the pieces that start at a call's return address the row a native build's return address has.

    The compiler starts the row of the instruction after a call without a (kept) result at the return address
    (``FunctionCompiler.row_after_call``), so ``finish``, ``next`` over the call and a step out stop at the next
    statement's start, as natively. Clang's Wasm back end often gives that instruction line 0 (a rematerialised
    argument of the next call: ``i32.const 7`` for ``twice(7)``), where the native x86-64 code carries the next
    line; then a debugger showed the call's line after ``finish`` (gdb: ``0x… in both (k=12) at returns.c:17``).
    So such a body piece, and the body pieces after it whose rows have line 0 too up to the next row with a line,
    take that next row (``indices`` changed in place). The call itself keeps its row, so ``bt`` and ``up``, which
    look up ``pc - 1``, still show the call's line."""
    following: list[int] | None = None
    fill = low = -1
    for k, index in enumerate(indices):
        unlined = body[k] and rows[index].line == 0
        if fill >= 0:
            if unlined and low <= index < fill:
                indices[k] = fill
                continue
            fill = -1
        if not after_calls[k] or not unlined:
            continue
        if following is None:
            following = [-1] * len(rows)
            after = -1
            for r in range(len(rows) - 1, -1, -1):
                following[r] = after
                if rows[r].line != 0:
                    after = r
        if following[index] >= 0:
            fill, low = following[index], index
            indices[k] = fill


def in_body(addresses: Sequence[int | None]) -> list[bool]:
    """Which pieces form the body: a longest subsequence of the Wasm ``addresses`` (native order) that never
    decreases, found in O(n log n) (patience sorting with back links); pieces of the compiler's own code
    (``None``) count as body. Taking the longest run, not "below the highest address seen so far", keeps one
    piece that implements a later address (ahead of its turn) from pushing the rest of the body out of line."""
    tails: list[int] = []  # tails[k]: the smallest last address of a run of length k + 1 so far
    ends: list[int] = []  # ends[k]: the index of that run's last piece
    back = [-1] * len(addresses)
    for index, address in enumerate(addresses):
        if address is None:
            continue
        k = bisect.bisect_right(tails, address)
        back[index] = ends[k - 1] if k else -1
        if k == len(tails):
            tails.append(address)
            ends.append(index)
        else:
            tails[k], ends[k] = address, index
    body = [address is None for address in addresses]
    index = ends[-1] if ends else -1
    while index >= 0:
        body[index] = True
        index = back[index]
    return body


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
