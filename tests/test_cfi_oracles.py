"""Differential tests of the CFI encoder against the assemblers: the same functions, at the same offsets, with
the same call-frame rules written as ``.cfi_*`` directives; GNU as and llvm-mc must give byte-identical
``.eh_frame``/``.debug_frame`` sections with the same relocations (offset, type, symbol, addend)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from emitter.arch import X86_64, Arch
from emitter.dwarf.cfi import FrameDescription
from emitter.encoding import SymbolAddress
from emitter.unwind import UnwindProgram
from tests.test_cfi_helpers import (
    AARCH64_LLVM_FACTORS,
    Function,
    SeededChooser,
    assemble,
    assembler_source,
    generate_program,
    layout,
    read_section,
    write_object,
)

BATCH = 1000


def batch(arch: Arch, seed: int, count: int = BATCH, lsda_every: int = 0) -> list[FrameDescription]:
    choose = SeededChooser(random.Random(seed))
    functions = []
    for index in range(count):
        program, size = generate_program(choose, arch, f"f{index}")
        lsda = 4 * (index % 16) if lsda_every and index % lsda_every == 0 else None
        functions.append(Function(program, size, lsda))
    return layout(functions)


def assert_same_sections(ours: Path, oracle: Path, names: list[str]) -> None:
    for name in names:
        mine, theirs = read_section(ours, name), read_section(oracle, name)
        if mine.data != theirs.data:
            at = next((i for i, (a, b) in enumerate(zip(mine.data, theirs.data, strict=False)) if a != b),
                      min(len(mine.data), len(theirs.data)))
            raise AssertionError(f"{name} differs from {oracle.name} at {at:#x} (sizes {len(mine.data)} vs "
                                 f"{len(theirs.data)}):\n ours   {mine.data[at - 16:at + 16].hex()}\n"
                                 f" theirs {theirs.data[at - 16:at + 16].hex()}")
        assert mine.relocations == theirs.relocations, name


def test_hand_written_x86_64_function_matches_gnu_as_and_llvm_mc(tmp_path: Path) -> None:
    """A GCC-shaped function with real instructions and the directives a compiler writes next to them."""
    source = """
        .text
        f:
        .cfi_startproc
        push %rbp
        .cfi_def_cfa_offset 16
        .cfi_offset %rbp, -16
        mov %rsp, %rbp
        .cfi_def_cfa_register %rbp
        push %rbx
        .cfi_offset %rbx, -24
        sub $0x10008, %rsp
        movaps %xmm6, (%rsp)
        .cfi_offset %xmm6, -65568
        test %rdi, %rdi
        jz 1f
        .cfi_remember_state
        add $0x10008, %rsp
        pop %rbx
        .cfi_restore %rbx
        pop %rbp
        .cfi_def_cfa %rsp, 8
        .cfi_restore %rbp
        ret
        .cfi_restore_state
        1: call *%rax
        nop
        .cfi_endproc
    """
    program = (UnwindProgram("f", X86_64).push(1, "rbp").set_frame_pointer(4, "rbp").push(5, "rbx")
               .alloc(12, 0x10008).save(16, "xmm6", 0).prologue_end(16)
               .epilogue_begin(21).free(28, 0x10008).pop(29, "rbx").pop(30, "rbp").epilogue_end(31))
    fdes = [FrameDescription(SymbolAddress(".text", 0), 34, program)]
    ours = write_object(tmp_path / "ours.o", fdes, X86_64, debug_frame=False)
    for assembler in ("as", "llvm-mc"):
        oracle = assemble(tmp_path, source, assembler, X86_64, stem="f")
        assert read_section(oracle, ".text").data[33:] == b"\x90"  # the instruction sizes add up as assumed
        assert_same_sections(ours, oracle, [".eh_frame"])


def test_hand_written_aarch64_function_matches_llvm_mc(tmp_path: Path) -> None:
    source = """
        .text
        f:
        .cfi_startproc
        stp x29, x30, [sp, #-32]!
        .cfi_def_cfa_offset 32
        .cfi_offset w30, -24
        .cfi_offset w29, -32
        mov x29, sp
        .cfi_def_cfa_register w29
        str d8, [sp, #16]
        .cfi_offset b8, -16
        cbz x0, 1f
        .cfi_remember_state
        ldr d8, [sp, #16]
        .cfi_restore b8
        ldp x29, x30, [sp], #32
        .cfi_def_cfa wsp, 0
        .cfi_restore w30
        .cfi_restore w29
        ret
        .cfi_restore_state
        1: bl g
        nop
        .cfi_endproc
    """
    arch = AARCH64_LLVM_FACTORS
    program = (UnwindProgram("f", arch).alloc(4, 16).push(4, "x30").push(4, "x29").set_frame_pointer(8, "x29")
               .save(12, "v8", 16).epilogue_begin(16).restore(20, "v8").pop(24, "x29").pop(24, "x30").free(24, 16)
               .epilogue_end(28))
    fdes = [FrameDescription(SymbolAddress(".text", 0), 36, program)]
    ours = write_object(tmp_path / "ours.o", fdes, arch, debug_frame=False)
    oracle = assemble(tmp_path, source, "llvm-mc", arch, stem="f")
    assert len(read_section(oracle, ".text").data) == 36
    assert_same_sections(ours, oracle, [".eh_frame"])


@pytest.mark.parametrize(("arch", "assemblers"), [(X86_64, ["as", "llvm-mc"]), (AARCH64_LLVM_FACTORS, ["llvm-mc"])],
                         ids=["x86_64", "aarch64"])
def test_batch_matches_assemblers(tmp_path: Path, arch: Arch, assemblers: list[str]) -> None:
    """A thousand generated functions in one object: .eh_frame and .debug_frame byte-identical to the
    assemblers' (AArch64 with LLVM's alignment factors, which llvm-mc always uses)."""
    fdes = batch(arch, seed=2024)
    ours = write_object(tmp_path / "ours.o", fdes, arch)
    for assembler in assemblers:
        eh = assemble(tmp_path, assembler_source(fdes, arch), assembler, arch, stem="eh")
        assert_same_sections(ours, eh, [".eh_frame"])
        debug = assemble(tmp_path, assembler_source(fdes, arch, debug_frame=True), assembler, arch, stem="debug")
        assert_same_sections(ours, debug, [".debug_frame"])


def test_personality_and_lsda_match_gnu_as(tmp_path: Path) -> None:
    """Functions with an LSDA under a zPLR CIE, the others under zR, each CIE before its first FDE: as GNU as
    lays them out (llvm-mc groups FDEs by CIE, so it is no oracle for mixed sections)."""
    fdes = batch(X86_64, seed=99, count=200, lsda_every=3)
    ours = write_object(tmp_path / "ours.o", fdes, X86_64, personality="pers", debug_frame=False)
    oracle = assemble(tmp_path, assembler_source(fdes, X86_64, personality="pers"), "as", X86_64)
    assert_same_sections(ours, oracle, [".eh_frame"])
