"""Golden bytes of CIEs and FDEs, derived by hand from the DWARF 5 and LSB specifications (one comment per
byte), so that a change of layout, padding or instruction form is seen here first. GNU as and llvm-mc check the
same encoder on many more inputs in test_cfi_oracles.py."""

from __future__ import annotations

from emitter.arch import AARCH64, X86_64
from emitter.dwarf.cfi import FrameDescription, add_personality_pointer, build_debug_frame, build_eh_frame
from emitter.encoding import SymbolAddress
from emitter.obj.model import ObjectFile, Relocation, RelocKind
from emitter.unwind import UnwindProgram


def frame_pointer_function() -> FrameDescription:
    """push rbp; mov rbp, rsp; body; a mid-function epilogue (pop rbp; ret); more body: 0x20 bytes at .text+0x10."""
    program = (UnwindProgram("fp", X86_64).push(1, "rbp").set_frame_pointer(4, "rbp")
               .epilogue_begin(0x1C).pop(0x1D, "rbp").epilogue_end(0x1E))
    return FrameDescription(SymbolAddress(".text", 0x10), 0x20, program)


X86_64_ZR_CIE = bytes([
    0x14, 0x00, 0x00, 0x00,  # length 20
    0x00, 0x00, 0x00, 0x00,  # CIE id 0 (.eh_frame)
    0x01,                    # version 1
    0x7A, 0x52, 0x00,        # augmentation "zR"
    0x01,                    # code alignment factor 1
    0x78,                    # data alignment factor -8 (sleb)
    0x10,                    # return-address column 16 (rip), a byte in version 1
    0x01,                    # augmentation data length 1
    0x1B,                    # R: FDE pointers DW_EH_PE_pcrel | DW_EH_PE_sdata4
    0x0C, 0x07, 0x08,        # DW_CFA_def_cfa rsp(7), 8
    0x90, 0x01,              # DW_CFA_offset r16, 1 * -8
    0x00, 0x00,              # DW_CFA_nop x2: pad to 4
])

FRAME_POINTER_INSTRUCTIONS = bytes([
    0x41,                    # DW_CFA_advance_loc 1 (after push rbp)
    0x0E, 0x10,              # DW_CFA_def_cfa_offset 16
    0x86, 0x02,              # DW_CFA_offset rbp(6), 2 * -8
    0x43,                    # DW_CFA_advance_loc 3 (after mov rbp, rsp)
    0x0D, 0x06,              # DW_CFA_def_cfa_register rbp
    0x58,                    # DW_CFA_advance_loc 0x18 (to the epilogue at 0x1c)
    0x0A,                    # DW_CFA_remember_state
    0x41,                    # DW_CFA_advance_loc 1 (after pop rbp)
    0x0C, 0x07, 0x08,        # DW_CFA_def_cfa rsp, 8
    0xC6,                    # DW_CFA_restore rbp
    0x41,                    # DW_CFA_advance_loc 1 (after ret)
    0x0B,                    # DW_CFA_restore_state: the body's rule again
])


def test_x86_64_eh_frame_zr() -> None:
    section = build_eh_frame([frame_pointer_function()], X86_64, terminate=False)
    assert bytes(section.data) == X86_64_ZR_CIE + bytes([
        0x24, 0x00, 0x00, 0x00,  # length 36
        0x1C, 0x00, 0x00, 0x00,  # CIE pointer: 0x1c bytes back from this field to the CIE
        0x00, 0x00, 0x00, 0x00,  # pc_begin (PC32 relocation against .text + 0x10)
        0x20, 0x00, 0x00, 0x00,  # pc_range 0x20, a plain 4-byte value
        0x00,                    # augmentation data length 0 (no LSDA)
    ]) + FRAME_POINTER_INSTRUCTIONS + bytes(6)  # DW_CFA_nop x6: the last entry ends on an 8-byte boundary
    assert section.relocations == [Relocation(0x20, RelocKind.PC_RELATIVE, 4, ".text", 0x10)]


def test_eh_frame_terminator_only_when_asked() -> None:
    relocatable = build_eh_frame([frame_pointer_function()], X86_64, terminate=False)
    in_memory = build_eh_frame([frame_pointer_function()], X86_64, terminate=True)
    assert bytes(in_memory.data) == bytes(relocatable.data) + bytes([
        0x00, 0x00, 0x00, 0x00,  # zero length: the end marker libgcc's __register_frame looks for
    ])


def test_x86_64_debug_frame_v4() -> None:
    section = build_debug_frame([frame_pointer_function()], X86_64)
    assert bytes(section.data) == bytes([
        0x14, 0x00, 0x00, 0x00,  # length 20
        0xFF, 0xFF, 0xFF, 0xFF,  # CIE id 0xffffffff (.debug_frame)
        0x04,                    # version 4
        0x00,                    # augmentation ""
        0x08,                    # address_size 8
        0x00,                    # segment_selector_size 0
        0x01,                    # code alignment factor 1
        0x78,                    # data alignment factor -8
        0x10,                    # return-address register 16 (uleb in version 4)
        0x0C, 0x07, 0x08,        # DW_CFA_def_cfa rsp, 8
        0x90, 0x01,              # DW_CFA_offset r16, 1 * -8
        0x00, 0x00, 0x00, 0x00,  # DW_CFA_nop x4: pad to the address size
        0x2C, 0x00, 0x00, 0x00,  # length 44
        0x00, 0x00, 0x00, 0x00,  # CIE pointer: section offset 0 (relocation against .debug_frame)
        0x00, 0x00, 0x00, 0x00,  # initial_location, low half (64-bit absolute relocation against .text + 0x10)
        0x00, 0x00, 0x00, 0x00,  # initial_location, high half
        0x20, 0x00, 0x00, 0x00,  # address_range 0x20, low half
        0x00, 0x00, 0x00, 0x00,  # address_range, high half
    ]) + FRAME_POINTER_INSTRUCTIONS + bytes(7)  # DW_CFA_nop x7: pad to 8
    assert section.relocations == [
        Relocation(0x1C, RelocKind.SECTION_OFFSET, 4, ".debug_frame", 0),
        Relocation(0x20, RelocKind.ABSOLUTE, 8, ".text", 0x10),
    ]


def test_debug_frame_absolute_address_needs_no_relocation() -> None:
    """An in-memory image may give real addresses: they are written as they are."""
    fde = FrameDescription(0x7F00_1234_0000, 8, UnwindProgram("leaf", X86_64))
    section = build_debug_frame([fde], X86_64)
    assert bytes(section.data[0x20:0x28]) == (0x7F00_1234_0000).to_bytes(8, "little")
    assert [r.symbol for r in section.relocations] == [".debug_frame"]


def test_zplr_cie_and_fde_with_lsda() -> None:
    leaf = FrameDescription(SymbolAddress(".text", 0), 8, UnwindProgram("catches", X86_64),
                            lsda=SymbolAddress(".gcc_except_table", 4))
    section = build_eh_frame([leaf], X86_64, personality="wasm_personality", terminate=False)
    assert bytes(section.data) == bytes([
        0x1C, 0x00, 0x00, 0x00,  # length 28
        0x00, 0x00, 0x00, 0x00,  # CIE id 0
        0x01,                    # version 1
        0x7A, 0x50, 0x4C, 0x52, 0x00,  # augmentation "zPLR"
        0x01,                    # code alignment factor 1
        0x78,                    # data alignment factor -8
        0x10,                    # return-address column 16
        0x07,                    # augmentation data length 7
        0x9B,                    # P: DW_EH_PE_indirect | pcrel | sdata4
        0x00, 0x00, 0x00, 0x00,  # P: PC32 relocation against DW.ref.wasm_personality
        0x1B,                    # L: LSDA pointers pcrel | sdata4
        0x1B,                    # R: FDE pointers pcrel | sdata4
        0x0C, 0x07, 0x08,        # DW_CFA_def_cfa rsp, 8
        0x90, 0x01,              # DW_CFA_offset r16, 1 * -8
        0x00, 0x00,              # DW_CFA_nop x2: pad to 4
        0x14, 0x00, 0x00, 0x00,  # length 20
        0x24, 0x00, 0x00, 0x00,  # CIE pointer: 0x24 bytes back
        0x00, 0x00, 0x00, 0x00,  # pc_begin (PC32 against .text)
        0x08, 0x00, 0x00, 0x00,  # pc_range 8
        0x04,                    # augmentation data length 4
        0x00, 0x00, 0x00, 0x00,  # LSDA pointer (PC32 against .gcc_except_table + 4)
        0x00, 0x00, 0x00,        # DW_CFA_nop x3: end on an 8-byte boundary
    ])
    assert section.relocations == [
        Relocation(0x13, RelocKind.PC_RELATIVE, 4, "DW.ref.wasm_personality", 0),
        Relocation(0x28, RelocKind.PC_RELATIVE, 4, ".text", 0),
        Relocation(0x31, RelocKind.PC_RELATIVE, 4, ".gcc_except_table", 4),
    ]


def test_personality_pointer_word() -> None:
    obj = ObjectFile()
    symbol = add_personality_pointer(obj, "wasm_personality", X86_64)
    assert add_personality_pointer(obj, "wasm_personality", X86_64) == symbol
    section = obj.sections[symbol.section or ""]
    assert (symbol.name, symbol.size, bytes(section.data)) == ("DW.ref.wasm_personality", 8, bytes(8))
    assert section.relocations == [Relocation(0, RelocKind.ABSOLUTE, 8, "wasm_personality", 0)]
    assert not obj.symbols["wasm_personality"].defined


def test_aarch64_cie_and_fde() -> None:
    """stp x29, x30, [sp, #-16]! (as two pushes at one offset); mov x29, sp; with GCC's factors 4 and -8."""
    program = UnwindProgram("a64", AARCH64).push(4, "x30").push(4, "x29").set_frame_pointer(8, "x29")
    section = build_eh_frame([FrameDescription(SymbolAddress(".text", 0), 16, program)], AARCH64, terminate=False)
    assert bytes(section.data) == bytes([
        0x10, 0x00, 0x00, 0x00,  # length 16
        0x00, 0x00, 0x00, 0x00,  # CIE id 0
        0x01,                    # version 1
        0x7A, 0x52, 0x00,        # augmentation "zR"
        0x04,                    # code alignment factor 4
        0x78,                    # data alignment factor -8
        0x1E,                    # return-address column 30 (x30)
        0x01,                    # augmentation data length 1
        0x1B,                    # R: pcrel | sdata4
        0x0C, 0x1F, 0x00,        # DW_CFA_def_cfa sp(31), 0
        0x18, 0x00, 0x00, 0x00,  # length 24
        0x18, 0x00, 0x00, 0x00,  # CIE pointer: 0x18 bytes back
        0x00, 0x00, 0x00, 0x00,  # pc_begin (PREL32 against .text)
        0x10, 0x00, 0x00, 0x00,  # pc_range 16
        0x00,                    # augmentation data length 0
        0x41,                    # DW_CFA_advance_loc 1 * 4 (after stp)
        0x0E, 0x10,              # DW_CFA_def_cfa_offset 16
        0x9E, 0x01,              # DW_CFA_offset x30, 1 * -8
        0x9D, 0x02,              # DW_CFA_offset x29, 2 * -8
        0x41,                    # DW_CFA_advance_loc 1 * 4 (after mov x29, sp)
        0x0D, 0x1D,              # DW_CFA_def_cfa_register x29
        0x00,                    # DW_CFA_nop: end on an 8-byte boundary
    ])
    assert section.relocations == [Relocation(0x1C, RelocKind.PC_RELATIVE, 4, ".text", 0)]


def test_compact_forms() -> None:
    """advance_loc1/2/4, offset_extended for a register above 63 and restore_extended: AArch64 v8 (72)."""
    program = (UnwindProgram("forms", AARCH64).alloc(4 * 0x40, 32).save(4 * 0x140, "v8", 16)
               .epilogue_begin(4 * 0x10140).restore(4 * 0x10141, "v8").epilogue_end(4 * 0x10142))
    section = build_eh_frame([FrameDescription(SymbolAddress(".text", 0), 4 * 0x10143, program)], AARCH64,
                             terminate=False)
    assert bytes(section.data[0x25:]) == bytes([
        0x02, 0x40,              # DW_CFA_advance_loc1 0x40 * 4
        0x0E, 0x20,              # DW_CFA_def_cfa_offset 32
        0x03, 0x00, 0x01,        # DW_CFA_advance_loc2 0x100 * 4
        0x05, 0x48, 0x02,        # DW_CFA_offset_extended v8(72), 2 * -8
        0x04, 0x00, 0x00, 0x01, 0x00,  # DW_CFA_advance_loc4 0x10000 * 4
        0x0A,                    # DW_CFA_remember_state
        0x41,                    # DW_CFA_advance_loc 1 * 4
        0x06, 0x48,              # DW_CFA_restore_extended v8
        0x41,                    # DW_CFA_advance_loc 1 * 4
        0x0B,                    # DW_CFA_restore_state
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  # DW_CFA_nop x6: end on an 8-byte boundary
    ])
