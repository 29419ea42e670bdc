"""The DWARF 5 line table (``.debug_line``): code address -> source line, one sequence per function.

The header parameters are LLVM's (``line_base`` -5, ``line_range`` 14, ``opcode_base`` 13), so our tables look
like the ones every consumer is tested on. File 0 is the primary source file, as DWARF 5 requires, and the only
one: like LLVM, each sequence selects it with ``DW_LNS_set_file 0`` (the register starts at 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    for sequence in sequences:
        _encode_sequence(out, sequence, address_size)
    out.patch(0, out.offset - start, 4)
    return out


def _extended(out: ByteWriter, opcode: int, length: int) -> None:
    out.u8(0)
    out.uleb(1 + length)
    out.u8(opcode)


def _encode_sequence(out: ByteWriter, sequence: LineSequence, address_size: int) -> None:
    _extended(out, DW_LNE_set_address, address_size)
    out.address(sequence.start, address_size)
    out.u8(DW_LNS_set_file)
    out.uleb(PRIMARY_FILE)
    # The row loop writes straight into the buffer, with the constants in locals, and reads the table's columns
    # (no entry objects): it runs for every Wasm instruction of every function.
    data = out.data
    append = data.append
    line_base, line_range, opcode_base = LINE_BASE, LINE_RANGE, OPCODE_BASE
    const_add_pc = CONST_ADD_PC
    address, line, column, is_stmt = 0, 1, 0, IS_STATEMENT
    table = LineTable.of(sequence.entries)
    for code_offset, entry_line, entry_column, flags in zip(table.code_offsets, table.line_numbers, table.columns,
                                                           table.flags, strict=True):
        if entry_column != column:
            append(DW_LNS_set_column)
            data += uleb128(entry_column)
            column = entry_column
        if flags & IS_STATEMENT != is_stmt:
            append(DW_LNS_negate_stmt)
            is_stmt = flags & IS_STATEMENT
        if flags & PROLOGUE_END:
            append(DW_LNS_set_prologue_end)
        if flags & EPILOGUE_BEGIN:
            append(DW_LNS_set_epilogue_begin)
        # Advance line and address (never backwards) and append a row in the fewest bytes: a special opcode,
        # else DW_LNS_const_add_pc plus one, else DW_LNS_advance_pc plus one.
        line_delta = entry_line - line
        line = entry_line
        address_delta = code_offset - address
        address = code_offset
        if not line_base <= line_delta < line_base + line_range:
            append(DW_LNS_advance_line)
            data += sleb128(line_delta)
            line_delta = 0
        special = line_delta - line_base + opcode_base + line_range * address_delta
        if special <= 255:
            append(special)
        elif special - line_range * const_add_pc <= 255:
            append(DW_LNS_const_add_pc)
            append(special - line_range * const_add_pc)
        else:
            append(DW_LNS_advance_pc)
            data += uleb128(address_delta)
            append(line_delta - line_base + opcode_base)
    if sequence.size > address:
        out.u8(DW_LNS_advance_pc)
        out.uleb(sequence.size - address)
    _extended(out, DW_LNE_end_sequence, 0)
