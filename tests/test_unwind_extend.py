"""``UnwindProgram.extend`` reuses the evaluated states of an epilogue sequence met before (the compiler's
per-prologue memo): the programs it builds must be the ones ``add`` builds, and every error ``add`` reports must
still be reported. ``LineTable.wasm_pairs`` feeds the frame table's address maps."""

from __future__ import annotations

from array import array

import pytest

from emitter.compiled import NO_WASM_OFFSET, LineEntry, LineTable
from emitter.errors import UnwindError
from emitter.unwind import (
    EpilogueBegin,
    EpilogueEnd,
    PopRegister,
    ResetStackFromFramePointer,
    UnwindOp,
    UnwindProgram,
    shifted,
)


def _prologue() -> UnwindProgram:
    program = UnwindProgram("shape")
    program.push(1, "rbp").set_frame_pointer(4, "rbp").push(5, "rbx").alloc(9, 32).prologue_end(9)
    return program


def _epilogue(at: int) -> list[UnwindOp]:
    """``lea rsp, [rbp - 8]; pop rbx; pop rbp; ret`` at body offset ``at``."""
    return [EpilogueBegin(at), ResetStackFromFramePointer(at + 4, -8), PopRegister(at + 5, "rbx"),
            PopRegister(at + 6, "rbp"), EpilogueEnd(at + 7)]


def _by_add(records: list[UnwindOp], shift: int) -> UnwindProgram:
    program = _prologue().renamed("f")
    for op in records:
        program.add(shifted(op, shift))
    return program


@pytest.mark.parametrize("records, shift, size", [
    (_epilogue(3), 9, 19),
    (_epilogue(3) + _epilogue(20), 9, 36),
    (_epilogue(0) + _epilogue(7) + _epilogue(40), 12, 59),
])
def test_extend_builds_the_program_add_builds(records: list[UnwindOp], shift: int, size: int) -> None:
    prologue, memo = _prologue(), {}
    first = prologue.renamed("first").extend(records, shift, memo)
    # The second function with this shape reuses the states; it sits elsewhere in its code.
    moved = [shifted(op, 5) for op in records]
    second = prologue.renamed("second").extend(moved, shift, memo)
    assert len(memo) == 1
    for program, expected in ((first, _by_add(records, shift)), (second, _by_add(moved, shift))):
        assert program.ops == expected.ops
        assert program.states() == expected.states()
        assert program.rows(size + 5) == expected.rows(size + 5)
        # The program can go on being built: the epilogue stack is where ``add`` leaves it.
        program.epilogue_begin(size + 5)
        expected.epilogue_begin(size + 5)
        assert program.states() == expected.states()


def test_a_reused_sequence_still_checks_its_offsets() -> None:
    prologue, memo = _prologue(), {}
    prologue.renamed("first").extend(_epilogue(3), 9, memo)
    backwards = _epilogue(3)
    backwards[2] = PopRegister(1, "rbx")  # before the op ahead of it
    with pytest.raises(UnwindError) as reused:
        prologue.renamed("f").extend(backwards, 9, memo)
    with pytest.raises(UnwindError) as added:
        _by_add(backwards, 9)
    assert str(reused.value) == str(added.value)
    assert "offset goes backwards" in str(reused.value)


def test_a_different_sequence_is_evaluated_not_reused() -> None:
    prologue, memo = _prologue(), {}
    prologue.renamed("first").extend(_epilogue(3), 9, memo)
    wrong = _epilogue(3)
    wrong[2] = PopRegister(8, "r12")  # same kinds and length, a register never pushed
    with pytest.raises(UnwindError, match="pops r12, which was never pushed"):
        prologue.renamed("second").extend(wrong, 9, memo)


def _model_pairs(entries: list[LineEntry]) -> list[int]:
    return [value for entry in entries if entry.wasm_offset is not None
            for value in (entry.code_offset, entry.wasm_offset)]


@pytest.mark.parametrize("wasm_offsets", [
    [None, 10, 12, 15],        # the compiler's tables: only the function's start has no Wasm offset
    [10, None, 12, None, 15],  # compiler-made code in between
    [None],
    [7, 8],
    [],
])
def test_wasm_pairs(wasm_offsets: list[int | None]) -> None:
    entries = [LineEntry(4 * i, 100 + i, wasm_offset=w) for i, w in enumerate(wasm_offsets)]
    assert list(LineTable(entries).wasm_pairs()) == _model_pairs(entries)
    assert NO_WASM_OFFSET not in LineTable(entries).wasm_pairs()


def test_wasm_pairs_refuses_what_32_bits_cannot_hold() -> None:
    with pytest.raises(OverflowError):
        LineTable([LineEntry(1 << 32, 1, wasm_offset=3)]).wasm_pairs()
    assert LineTable([LineEntry((1 << 32) - 1, 1, wasm_offset=3)]).wasm_pairs() == array("I", [(1 << 32) - 1, 3])
