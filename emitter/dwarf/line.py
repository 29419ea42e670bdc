"""The DWARF 5 line table (``.debug_line``): code address -> source line, one sequence per function.

The header parameters are LLVM's (``line_base`` -5, ``line_range`` 14, ``opcode_base`` 13), so our tables look
like the ones every consumer is tested on. File 0 is the primary source file, as DWARF 5 requires, and the only
one: like LLVM, each sequence selects it with ``DW_LNS_set_file 0`` (the register starts at 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from typing import cast

from .. import _rows
from ..compiled import LineEntry, LineTable
from ..encoding import Address, ByteWriter, SymbolAddress, uleb128
from ..errors import EmitError
from ..obj.model import Relocation, RelocKind
from .constants import (
    DW_FORM_line_strp,
    DW_FORM_udata,
    DW_LNCT_directory_index,
    DW_LNCT_path,
    DW_LNE_set_address,
    DW_LNS_set_file,
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


def _encode_sequences(out: ByteWriter, sequences: Sequence[LineSequence], address_size: int) -> None:
    """One sequence per function: its address, the primary file, then the rows' opcodes (the per-row work, in C:
    each row takes a special opcode when one reaches, ``DW_LNS_const_add_pc`` plus one, else
    ``DW_LNS_advance_pc`` plus one) up to the function's end."""
    tables = [LineTable.of(sequence.entries) for sequence in sequences]
    try:
        bodies = _rows.line_sequences(LineTable.concatenated(tables).packed,
                                      list(accumulate(map(len, tables), initial=0)),
                                      [sequence.size for sequence in sequences], LINE_BASE, LINE_RANGE, OPCODE_BASE)
    except ValueError as error:
        raise EmitError(f"line table: {error}") from None
    set_address = bytes((0, 1 + address_size, DW_LNE_set_address))
    set_file = bytes((DW_LNS_set_file, *uleb128(PRIMARY_FILE)))
    starts = [sequence.start for sequence in sequences]
    if not all(isinstance(start, SymbolAddress) for start in starts):
        for start, body in zip(starts, bodies, strict=True):
            out.data += set_address
            out.address(start, address_size)
            out.data += set_file
            out.data += body
        return
    # Every sequence starts at a symbol: its address is a zero field and a relocation, all written at once.
    lead = set_address + bytes(address_size) + set_file
    places = accumulate([len(lead) + len(body) for body in bodies[:-1]], initial=len(out.data) + len(set_address))
    symbolic = cast(list[SymbolAddress], starts)
    out.relocations += map(Relocation, places, repeat(RelocKind.ABSOLUTE), repeat(address_size),
                           [start.symbol for start in symbolic], [start.addend for start in symbolic])
    out.data += lead.join([b"", *bodies])
