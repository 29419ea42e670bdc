"""The DWARF 5 line table (``.debug_line``): code address -> source line, one sequence per function.

The header parameters are LLVM's (``line_base`` -5, ``line_range`` 14, ``opcode_base`` 13), so our tables look
like the ones every consumer is tested on. File 0 is the primary source file, as DWARF 5 requires, and the only
one: like LLVM, each sequence selects it with ``DW_LNS_set_file 0`` (the register starts at 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import sub

from ..compiled import EPILOGUE_BEGIN, IS_STATEMENT, PROLOGUE_END, LineEntry, LineTable
from ..encoding import Address, ByteWriter, sleb128, uleb128
from .constants import (
    DW_FORM_line_strp,
    DW_FORM_udata,
    DW_LNCT_directory_index,
    DW_LNCT_path,
    DW_LNE_end_sequence,
    DW_LNE_set_address,
    DW_LNS_advance_line,
    DW_LNS_advance_pc,
    DW_LNS_const_add_pc,
    DW_LNS_negate_stmt,
    DW_LNS_set_column,
    DW_LNS_set_epilogue_begin,
    DW_LNS_set_file,
    DW_LNS_set_prologue_end,
)
from .strings import StringSection

LINE_BASE = -5
LINE_RANGE = 14
OPCODE_BASE = 13
#: Operand counts of the standard opcodes 1..12 (DW_LNS_copy .. DW_LNS_set_isa).
STANDARD_OPCODE_LENGTHS = (0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1)
#: What ``DW_LNS_const_add_pc`` adds: the address advance of special opcode 255.
CONST_ADD_PC = (255 - OPCODE_BASE) // LINE_RANGE
DWARF_VERSION = 5
#: The file index of the primary source file (DWARF 5 numbers files from 0).
PRIMARY_FILE = 0


@dataclass(frozen=True, slots=True)
class LineSequence:
    """The rows of one contiguous piece of code (a function): ``entries`` sorted by code offset, every offset
    below ``size``; the sequence ends at ``start + size``."""

    start: Address
    size: int
    entries: Sequence[LineEntry]


def build_debug_line(sequences: Sequence[LineSequence], *, source_file: str, source_dir: str,
                     line_strings: StringSection, address_size: int = 8) -> ByteWriter:
    """Encode one line-number program (one compile unit) for ``sequences``. Paths go to ``line_strings``
    (``.debug_line_str``)."""
    out = ByteWriter()
    out.u32(0)  # unit_length, patched at the end
    start = out.offset
    out.u16(DWARF_VERSION)
    out.u8(address_size)
    out.u8(0)  # segment_selector_size
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
    # Directories: entry 0 is the compilation directory.
    out.u8(1)
    out.uleb(DW_LNCT_path)
    out.uleb(DW_FORM_line_strp)
    out.uleb(1)
    line_strings.reference(out, source_dir)
    # Files: entry 0 is the primary source file, in directory 0.
    out.u8(2)
    out.uleb(DW_LNCT_path)
    out.uleb(DW_FORM_line_strp)
    out.uleb(DW_LNCT_directory_index)
    out.uleb(DW_FORM_udata)
    out.uleb(1)
    line_strings.reference(out, source_file)
    out.uleb(0)
    out.patch(header_length_at, out.offset - header_start, 4)
    _encode_sequences(out, sequences, address_size)
    out.patch(0, out.offset - start, 4)
    return out


class _RowEncodings(dict[tuple[int, int, int, int, int, int], bytes]):
    """The opcodes of a row, by its change from the previous row: ``(line delta, address delta, flags, previous
    flags, column, previous column)``. A module's rows repeat a few such changes, so each distinct one is encoded
    once and the row loop becomes lookups in C."""

    __slots__ = ()

    def __missing__(self, key: tuple[int, int, int, int, int, int]) -> bytes:
        line_delta, address_delta, flags, previous_flags, column, previous_column = key
        data = bytearray()
        if column != previous_column:
            data.append(DW_LNS_set_column)
            data += uleb128(column)
        if flags & IS_STATEMENT != previous_flags & IS_STATEMENT:
            data.append(DW_LNS_negate_stmt)
        if flags & PROLOGUE_END:
            data.append(DW_LNS_set_prologue_end)
        if flags & EPILOGUE_BEGIN:
            data.append(DW_LNS_set_epilogue_begin)
        # Advance line and address (never backwards) and append a row in the fewest bytes: a special opcode,
        # else DW_LNS_const_add_pc plus one, else DW_LNS_advance_pc plus one.
        if not LINE_BASE <= line_delta < LINE_BASE + LINE_RANGE:
            data.append(DW_LNS_advance_line)
            data += sleb128(line_delta)
            line_delta = 0
        special = line_delta - LINE_BASE + OPCODE_BASE + LINE_RANGE * address_delta
        if special <= 255:
            data.append(special)
        elif special - LINE_RANGE * CONST_ADD_PC <= 255:
            data.append(DW_LNS_const_add_pc)
            data.append(special - LINE_RANGE * CONST_ADD_PC)
        else:
            data.append(DW_LNS_advance_pc)
            data += uleb128(address_delta)
            data.append(line_delta - LINE_BASE + OPCODE_BASE)
        encoded = self[key] = bytes(data)
        return encoded


def _encode_sequences(out: ByteWriter, sequences: Sequence[LineSequence], address_size: int) -> None:
    """One sequence per function. A row's opcodes depend only on its change from the previous row (each sequence
    starts from line 1, address 0, column 0, is_stmt): the changes of every row of the module are computed column
    by column and looked up, in C, and each sequence takes its slice."""
    tables = [LineTable.of(sequence.entries) for sequence in sequences]
    starts = list(accumulate(map(len, tables), initial=0))
    code_offsets, lines, columns, _, flags = LineTable.concatenated(tables).column_lists()
    previous_lines, previous_code_offsets = [1, *lines][:-1], [0, *code_offsets][:-1]
    previous_columns, previous_flags = [0, *columns][:-1], [IS_STATEMENT, *flags][:-1]
    for first in starts[:-1]:
        if first < len(lines):
            previous_lines[first], previous_code_offsets[first] = 1, 0
            previous_columns[first], previous_flags[first] = 0, IS_STATEMENT
    rows = list(map(_RowEncodings().__getitem__, zip(
        map(sub, lines, previous_lines), map(sub, code_offsets, previous_code_offsets), flags, previous_flags,
        columns, previous_columns, strict=True)))
    set_address = bytes((0, 1 + address_size, DW_LNE_set_address))
    set_file = bytes((DW_LNS_set_file, *uleb128(PRIMARY_FILE)))
    end_sequence = bytes((0, 1, DW_LNE_end_sequence))
    data = out.data
    for sequence, first, end in zip(sequences, starts, starts[1:], strict=False):
        data += set_address
        out.address(sequence.start, address_size)
        data += set_file
        data += b"".join(rows[first:end])
        address = code_offsets[end - 1] if end > first else 0
        if sequence.size > address:
            data.append(DW_LNS_advance_pc)
            data += uleb128(sequence.size - address)
        data += end_sequence
