"""Bad input to the CFI lowering: a typed error that names the function and the code offset, never bad bytes."""

from __future__ import annotations

import pytest

from emitter.arch import AARCH64, X86_64
from emitter.dwarf.cfi import FrameDescription, build_debug_frame, build_eh_frame
from emitter.dwarf.cfi_instructions import DW_CFA_advance_loc, DW_CFA_offset, encode_instructions, lower_program
from emitter.encoding import SymbolAddress
from emitter.errors import EmitError, FormatLimitError, UnwindError
from emitter.unwind import PopRegister, PushRegister, UnwindProgram


def test_pop_of_a_register_never_pushed() -> None:
    with pytest.raises(UnwindError, match=r"function 'f' at code offset 0x5: pops rbx, which was never pushed"):
        UnwindProgram("f").push(1, "rbp").pop(5, "rbx")
    # A program assembled from raw ops is checked when lowered.
    raw = UnwindProgram("g", X86_64, [PushRegister(1, "rbp"), PopRegister(7, "r12")])
    with pytest.raises(UnwindError, match=r"function 'g' at code offset 0x7: pops r12"):
        lower_program(raw, 16)


def test_op_past_the_end_of_the_code() -> None:
    program = UnwindProgram("short").push(1, "rbp").pop(9, "rbp")
    fde = FrameDescription(SymbolAddress(".text", 0), 8, program)
    for build in (lambda: build_eh_frame([fde], X86_64, terminate=True), lambda: build_debug_frame([fde], X86_64)):
        with pytest.raises(UnwindError, match=r"function 'short' at code offset 0x9: unwind op past the end"):
            build()


def test_misaligned_allocation() -> None:
    with pytest.raises(UnwindError, match=r"function 'm' at code offset 0x4: stack size 12"):
        UnwindProgram("m").alloc(4, 12)


def test_aarch64_offset_between_instructions() -> None:
    program = UnwindProgram("odd", AARCH64).push(6, "x29")
    with pytest.raises(FormatLimitError, match=r"function 'odd' at code offset 0x6: code advance 6"):
        build_eh_frame([FrameDescription(SymbolAddress(".text", 0), 8, program)], AARCH64, terminate=False)


def test_unfactorable_slot() -> None:
    with pytest.raises(FormatLimitError, match=r"function 'x' at code offset 0x3: offset -12 is not a multiple"):
        encode_instructions([DW_CFA_advance_loc(3), DW_CFA_offset(3, -12)], X86_64, function="x")


def test_program_for_another_architecture() -> None:
    fde = FrameDescription(SymbolAddress(".text", 0), 4, UnwindProgram("a", AARCH64))
    with pytest.raises(EmitError, match=r"function 'a' at code offset 0x0: unwind program is for aarch64"):
        build_eh_frame([fde], X86_64, terminate=False)


def test_lsda_without_personality() -> None:
    fde = FrameDescription(SymbolAddress(".text", 0), 4, UnwindProgram("l"), lsda=SymbolAddress(".lsda", 0))
    with pytest.raises(EmitError, match=r"function 'l' at code offset 0x0: an LSDA needs a personality"):
        build_eh_frame([fde], X86_64, terminate=False)


def test_eh_frame_needs_a_symbolic_start() -> None:
    fde = FrameDescription(0x401000, 4, UnwindProgram("abs"))
    with pytest.raises(EmitError, match=r"function 'abs' at code offset 0x0: an .eh_frame FDE needs a symbolic"):
        build_eh_frame([fde], X86_64, terminate=False)
