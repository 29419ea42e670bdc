"""The line-table encoder against llvm-dwarfdump: generated line maps (every opcode path: special opcodes,
``DW_LNS_const_add_pc``, ``DW_LNS_advance_pc``, line jumps both ways, columns, flags) decode to exactly the rows
we meant. Many generated functions go into one object so one tool run checks them all."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emitter.compiled import CompiledFunction, CompiledModule, LineEntry
from emitter.lower import write_object
from emitter.unwind import UnwindProgram
from tests.tools import run

_ENTRY = st.tuples(st.integers(0, 700), st.integers(0, 5000), st.integers(0, 80), st.booleans(), st.booleans(),
                   st.booleans())


def _function(index: int, size: int, raw: list[tuple[int, int, int, bool, bool, bool]]) -> CompiledFunction:
    lines = [LineEntry(min(offset, size - 1), line, column, is_statement=stmt, prologue_end=prologue,
                       epilogue_begin=epilogue)
             for offset, line, column, stmt, prologue, epilogue in raw]
    lines.sort(key=lambda e: e.code_offset)
    code = bytes([0x90] * (size - 1) + [0xC3])
    return CompiledFunction(f"f{index}", code, UnwindProgram(f"f{index}"), lines=lines, frame_base=None, align=1)


@settings(max_examples=5, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 800), st.lists(_ENTRY, min_size=1, max_size=12)), min_size=1,
                max_size=25))
def test_line_rows_decode_to_our_entries(tmp_path_factory: pytest.TempPathFactory,
                                        functions: list[tuple[int, list[tuple[int, int, int, bool, bool, bool]]]]
                                        ) -> None:
    directory = tmp_path_factory.mktemp("lines")
    module = CompiledModule("lines", [_function(i, size, raw) for i, (size, raw) in enumerate(functions)],
                            source_file="lines.wat", source_dir=str(directory))
    obj = directory / "lines.o"
    write_object(module, obj)
    verify = run(["llvm-dwarfdump-19", "--verify", obj])
    assert "No errors." in verify.stdout, verify.stdout
    rows = []
    for line in run(["llvm-dwarfdump-19", "--debug-line", obj]).stdout.splitlines():
        parts = line.split()  # Address Line Column File ISA Discriminator OpIndex Flags
        if parts and parts[0].startswith("0x") and len(parts[0]) == 18:
            rows.append((int(parts[0], 16), int(parts[1]), int(parts[2]), set(parts[7:])))
    expected = []
    start = 0
    for function in module.functions:
        for entry in function.lines:
            flags = {name for name, on in (("is_stmt", entry.is_statement), ("prologue_end", entry.prologue_end),
                                           ("epilogue_begin", entry.epilogue_begin)) if on}
            expected.append((start + entry.code_offset, entry.line, entry.column, flags))
        last = function.lines[-1]
        start += len(function.code)
        expected.append((start, last.line, last.column, {"end_sequence"} | ({"is_stmt"} if last.is_statement
                                                                            else set())))
    assert rows == expected
