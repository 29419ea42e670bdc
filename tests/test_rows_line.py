"""The C row encoder of the DWARF line program (``emitter._rows.line_sequences`` under ``build_debug_line``)
against llvm-dwarfdump: random line tables, with repeated code offsets, long address and line jumps (values of 2**28
and more), wide columns and every flag, decode to exactly the rows we meant; each generated batch of sequences is
one object and one tool run. Invalid rows are typed errors, not garbage opcodes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emitter import _rows
from emitter.compiled import LineEntry, LineTable
from emitter.dwarf.line import LINE_BASE, LINE_RANGE, OPCODE_BASE, LineSequence, build_debug_line
from emitter.dwarf.strings import StringSection
from emitter.errors import EmitError
from emitter.obj.elf import write_relocatable
from emitter.obj.model import ObjectFile, SectionKind
from tests.tools import run

#: Address and line steps: small ones take special opcodes, middling ones DW_LNS_const_add_pc, and large ones
#: DW_LNS_advance_pc / DW_LNS_advance_line with multi-byte operands.
_STEP = st.one_of(st.integers(0, 40), st.integers(0, 600), st.integers(2**28, 2**33))
_LINE = st.one_of(st.integers(0, 30), st.integers(0, 2**32 - 1))
_COLUMN = st.one_of(st.just(0), st.integers(0, 2**16 - 1))  # llvm-dwarfdump keeps 16 bits of a column
_ROW = st.tuples(_STEP, _LINE, _COLUMN, st.booleans(), st.booleans(), st.booleans())
_SEQUENCE = st.tuples(st.lists(_ROW, max_size=12), st.integers(0, 700))


def _sequence(start: int, rows: list[tuple[int, int, int, bool, bool, bool]], tail: int) -> LineSequence:
    entries = []
    code_offset = 0
    for step, line, column, statement, prologue, epilogue in rows:
        code_offset += step
        entries.append(LineEntry(code_offset, line, column, None, statement, prologue, epilogue))
    return LineSequence(start, code_offset + tail, LineTable(entries))


def _dump(directory: Path, sequences: list[LineSequence]) -> str:
    """llvm-dwarfdump's rows of the line program of ``sequences`` in an object holding just that program."""
    line_strings = StringSection(".debug_line_str")
    program = build_debug_line(sequences, source_file="rows.wat", source_dir=str(directory),
                               line_strings=line_strings)
    obj = ObjectFile()
    obj.section(".debug_line", SectionKind.DEBUG, data=program.data, relocations=program.relocations)
    obj.section(".debug_line_str", SectionKind.DEBUG, data=line_strings.writer.data)
    path = directory / "rows.o"
    path.write_bytes(write_relocatable(obj))
    return run(["llvm-dwarfdump-19", "--debug-line", path]).stdout


def _expected(sequences: list[LineSequence]) -> list[tuple[int, int, int, set[str]]]:
    rows = []
    for sequence in sequences:
        assert isinstance(sequence.start, int)
        for entry in sequence.entries:
            flags = {name for name, on in (("is_stmt", entry.is_statement), ("prologue_end", entry.prologue_end),
                                           ("epilogue_begin", entry.epilogue_begin)) if on}
            rows.append((sequence.start + entry.code_offset, entry.line, entry.column, flags))
        last = sequence.entries[-1] if sequence.entries else LineEntry(0, 1)
        rows.append((sequence.start + sequence.size, last.line, last.column,
                     {"end_sequence"} | ({"is_stmt"} if last.is_statement else set())))
    return rows


@settings(max_examples=12, deadline=None)
@given(st.lists(_SEQUENCE, min_size=1, max_size=30))
def test_line_programs_decode_to_our_rows(tmp_path_factory: pytest.TempPathFactory,
                                          generated: list[tuple[list[tuple[int, int, int, bool, bool, bool]], int]]
                                          ) -> None:
    sequences = []
    start = 0x1000
    for rows, tail in generated:
        sequences.append(_sequence(start, rows, tail))
        start += sequences[-1].size + 16
    decoded = []
    for line in _dump(tmp_path_factory.mktemp("rows"), sequences).splitlines():
        parts = line.split()  # Address Line Column File ISA Discriminator OpIndex Flags
        if parts and parts[0].startswith("0x") and len(parts[0]) == 18:
            decoded.append((int(parts[0], 16), int(parts[1]), int(parts[2]), set(parts[7:])))
    assert decoded == _expected(sequences)


@pytest.mark.parametrize(("entries", "message"), [
    ([LineEntry(8, 1), LineEntry(4, 2)], "code offset below the previous row's"),
    ([LineEntry(-1, 1)], "code offset below the previous row's"),
    ([LineEntry(0, -3)], "negative line"),
    ([LineEntry(0, 1, -1)], "negative column"),
])
def test_invalid_rows_are_typed_errors(entries: list[LineEntry], message: str) -> None:
    sequences = [LineSequence(0, 16, [LineEntry(0, 1)]), LineSequence(16, 16, entries)]
    with pytest.raises(EmitError, match=f"{message}.* in sequence 1"):
        build_debug_line(sequences, source_file="a.wat", source_dir=".", line_strings=StringSection(".s"))


def test_malformed_packed_input_is_rejected() -> None:
    packed = LineTable([LineEntry(0, 1), LineEntry(4, 2)]).packed
    header = (LINE_BASE, LINE_RANGE, OPCODE_BASE)
    with pytest.raises(ValueError, match="not a multiple of 40"):
        _rows.line_sequences(packed[:-8], [0, 1], [8], *header)
    with pytest.raises(ValueError, match="does not fit"):
        _rows.line_sequences(packed, [0, 3], [8], *header)
    with pytest.raises(ValueError, match="negative code size"):
        _rows.line_sequences(packed, [0, 2], [-8], *header)
    with pytest.raises(ValueError, match="2 code sizes for 1 functions"):
        _rows.line_sequences(packed, [0, 2], [8, 8], *header)
    with pytest.raises(OverflowError):
        _rows.line_sequences(packed, [0, 2], [2**64], *header)
