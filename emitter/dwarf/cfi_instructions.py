"""DWARF call-frame instructions: a meaning-level vocabulary, the lowering of an ``UnwindProgram`` to it, and the
byte encoder that picks the compact form of each instruction.

The vocabulary holds *meaning* (DWARF 5, 6.4.2): ``DW_CFA_offset(register, offset)`` says "the register is saved
at CFA + offset", whatever its encoding; the encoder chooses ``DW_CFA_offset``, ``DW_CFA_offset_extended`` or
``DW_CFA_offset_extended_sf``, and factors code and data offsets by the architecture's alignment factors.
Registers are DWARF register numbers; offsets and advances are in bytes, unfactored.

The CIE and FDE framing of these instructions (``.eh_frame``, ``.debug_frame``) is in ``cfi.py``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..arch import Arch
from ..encoding import ByteWriter
from ..errors import FormatLimitError
from ..unwind import EpilogueBegin, EpilogueEnd, FrameState, UnwindOp, UnwindProgram


class DW_CFA(enum.IntEnum):
    """Wire opcodes (DWARF 5, table 7.29). The high-two-bit forms carry their operand in the low six bits."""

    advance_loc = 0x40
    offset = 0x80
    restore = 0xC0
    nop = 0x00
    advance_loc1 = 0x02
    advance_loc2 = 0x03
    advance_loc4 = 0x04
    offset_extended = 0x05
    restore_extended = 0x06
    same_value = 0x08
    remember_state = 0x0A
    restore_state = 0x0B
    def_cfa = 0x0C
    def_cfa_register = 0x0D
    def_cfa_offset = 0x0E
    offset_extended_sf = 0x11
    def_cfa_sf = 0x12
    def_cfa_offset_sf = 0x13


# -- vocabulary (class names spelled as the specification spells the instructions) ---------------------------
@dataclass(frozen=True, slots=True)
class DW_CFA_advance_loc:
    """The following instructions apply from ``delta`` code bytes further on (any of the advance_loc forms)."""

    delta: int


@dataclass(frozen=True, slots=True)
class DW_CFA_def_cfa:
    """CFA = ``register`` + ``offset``."""

    register: int
    offset: int


@dataclass(frozen=True, slots=True)
class DW_CFA_def_cfa_register:
    """CFA = ``register`` + the current offset."""

    register: int


@dataclass(frozen=True, slots=True)
class DW_CFA_def_cfa_offset:
    """CFA = the current register + ``offset``."""

    offset: int


@dataclass(frozen=True, slots=True)
class DW_CFA_offset:
    """``register`` is saved at CFA + ``offset`` (``offset`` is negative for a slot below the CFA)."""

    register: int
    offset: int


@dataclass(frozen=True, slots=True)
class DW_CFA_restore:
    """``register`` gets its rule from the CIE's initial instructions again."""

    register: int


@dataclass(frozen=True, slots=True)
class DW_CFA_same_value:
    """``register`` holds the caller's value (used where the CIE's rule says otherwise)."""

    register: int


@dataclass(frozen=True, slots=True)
class DW_CFA_remember_state:
    """Push the current row's rules (the CFA rule included) on the state stack."""


@dataclass(frozen=True, slots=True)
class DW_CFA_restore_state:
    """Pop the rules pushed by the matching ``DW_CFA_remember_state``."""


CallFrameInstruction = (
    DW_CFA_advance_loc
    | DW_CFA_def_cfa
    | DW_CFA_def_cfa_register
    | DW_CFA_def_cfa_offset
    | DW_CFA_offset
    | DW_CFA_restore
    | DW_CFA_same_value
    | DW_CFA_remember_state
    | DW_CFA_restore_state
)


# -- lowering -------------------------------------------------------------------------------------------------
def cie_initial_instructions(arch: Arch) -> list[CallFrameInstruction]:
    """The rule at a function's first instruction, shared by every FDE through the CIE (x86-64: CFA = rsp + 8,
    return address at CFA - 8; AArch64: CFA = sp, return address still in lr)."""
    instructions: list[CallFrameInstruction] = [
        DW_CFA_def_cfa(arch.dwarf_number(arch.stack_pointer), arch.entry_cfa_offset)]
    if arch.entry_return_address_slot is not None:
        instructions.append(DW_CFA_offset(arch.return_address_column, -arch.entry_return_address_slot))
    return instructions


def lower_program(program: UnwindProgram, code_size: int) -> list[CallFrameInstruction]:
    """The FDE instructions that turn the CIE's initial rule into ``program.rows(code_size)``.

    Ops at one code offset are merged and only what changes is emitted (CFA rule first, then saved registers in
    the order the program saved them). An epilogue that ends before the code does becomes
    ``DW_CFA_remember_state`` ... ``DW_CFA_restore_state``; a final epilogue needs neither, since no row
    follows it. Ops at ``code_size`` describe no instruction and emit nothing.

    Raises ``UnwindError`` for an inconsistent program or an op past ``code_size``, ``FormatLimitError`` for a
    register DWARF cannot name; both name the function and the code offset.
    """
    program.validate(code_size)
    states = program.states()
    remembered = _epilogues_ending_inside(states, code_size)
    entry = program.entry_state()
    out: list[CallFrameInstruction] = []
    emitted = entry  # the rule the instructions so far describe, from `location` on
    pending = entry  # the rule after the ops seen so far at `at`
    location = 0
    at = 0

    def advance() -> None:
        nonlocal location
        if at > location:
            out.append(DW_CFA_advance_loc(at - location))
            location = at

    def flush() -> None:
        nonlocal emitted
        if pending is emitted:
            return
        changes = _changes(program, entry, emitted, pending, at)
        if changes:
            advance()
            out.extend(changes)
        emitted = pending

    for index, (op, after) in enumerate(states):
        if op.offset >= code_size:
            break
        if op.offset != at:
            flush()
            at = op.offset
        match op:
            case EpilogueBegin() if index in remembered:
                flush()
                advance()
                out.append(DW_CFA_remember_state())
            case EpilogueEnd():
                # Changes pending at this offset are invisible: from here on the body's rule applies again,
                # and restore_state brings back exactly the rule remembered at the matching begin.
                advance()
                out.append(DW_CFA_restore_state())
                emitted = after
        pending = after
    flush()
    return out


def _epilogues_ending_inside(states: list[tuple[UnwindOp, FrameState]], code_size: int) -> set[int]:
    """Indices of the ``EpilogueBegin`` ops whose matching ``EpilogueEnd`` lies before ``code_size``."""
    open_begins: list[int] = []
    inside: set[int] = set()
    for index, (op, _) in enumerate(states):
        match op:
            case EpilogueBegin():
                open_begins.append(index)
            case EpilogueEnd(offset=offset):
                begin = open_begins.pop()
                if offset < code_size:
                    inside.add(begin)
    return inside


def _changes(program: UnwindProgram, entry: FrameState, before: FrameState, after: FrameState,
             at: int) -> list[CallFrameInstruction]:
    arch = program.arch
    out: list[CallFrameInstruction] = []
    old_register, old_offset = before.cfa_rule(arch)
    new_register, new_offset = after.cfa_rule(arch)
    if old_offset == new_offset and old_register == new_register and before.saved == after.saved:
        return out
    if old_register != new_register and old_offset != new_offset:
        out.append(DW_CFA_def_cfa(_number(program, new_register, at), new_offset))
    elif old_register != new_register:
        out.append(DW_CFA_def_cfa_register(_number(program, new_register, at)))
    elif old_offset != new_offset:
        out.append(DW_CFA_def_cfa_offset(new_offset))
    for name, cfa_minus_slot in after.saved.items():
        if before.saved.get(name) != cfa_minus_slot:
            out.append(DW_CFA_offset(_number(program, name, at), -cfa_minus_slot))
    for name in before.saved:
        if name not in after.saved:
            # DW_CFA_restore means "the CIE's rule": right unless the CIE itself saves the register.
            number = _number(program, name, at)
            out.append(DW_CFA_same_value(number) if name in entry.saved else DW_CFA_restore(number))
    return out


def _number(program: UnwindProgram, register: str, at: int) -> int:
    arch = program.arch
    try:
        return arch.dwarf_number(register)
    except ValueError:
        raise FormatLimitError(f"register {register!r} has no DWARF number on {arch.name}",
                               function=program.function, offset=at) from None


# -- encoding -------------------------------------------------------------------------------------------------
def encode_instructions(instructions: list[CallFrameInstruction], arch: Arch, *, function: str = "<anonymous>",
                        code_offset: int = 0) -> bytes:
    """Encode call-frame instructions in their most compact forms, factoring by ``arch``'s alignment factors.

    ``code_offset`` is where the instructions start (0 for an FDE); errors name ``function`` and the code
    offset reached by the advances so far.
    """
    w = ByteWriter()
    location = code_offset

    def fail(message: str) -> FormatLimitError:
        return FormatLimitError(message, function=function, offset=location)

    def register_operand(register: int) -> int:
        if register < 0:
            raise fail(f"negative DWARF register number {register}")
        return register

    def factored_data(offset: int) -> int:
        if offset % arch.data_alignment_factor:
            raise fail(f"offset {offset} is not a multiple of the data alignment factor "
                       f"{arch.data_alignment_factor}")
        return offset // arch.data_alignment_factor

    for instruction in instructions:
        match instruction:
            case DW_CFA_advance_loc(delta=delta):
                location += delta  # errors name the offset the advance would reach
                if delta < 0 or delta % arch.code_alignment_factor:
                    raise fail(f"code advance {delta} is not a non-negative multiple of the code alignment "
                               f"factor {arch.code_alignment_factor}")
                factored = delta // arch.code_alignment_factor
                if factored < 0x40:
                    w.u8(DW_CFA.advance_loc | factored)
                elif factored <= 0xFF:
                    w.u8(DW_CFA.advance_loc1)
                    w.u8(factored)
                elif factored <= 0xFFFF:
                    w.u8(DW_CFA.advance_loc2)
                    w.u16(factored)
                elif factored <= 0xFFFF_FFFF:
                    w.u8(DW_CFA.advance_loc4)
                    w.u32(factored)
                else:
                    raise fail(f"code advance {delta} does not fit DW_CFA_advance_loc4")
            case DW_CFA_def_cfa(register=register, offset=offset):
                if offset >= 0:
                    w.u8(DW_CFA.def_cfa)
                    w.uleb(register_operand(register))
                    w.uleb(offset)
                else:
                    w.u8(DW_CFA.def_cfa_sf)
                    w.uleb(register_operand(register))
                    w.sleb(factored_data(offset))
            case DW_CFA_def_cfa_register(register=register):
                w.u8(DW_CFA.def_cfa_register)
                w.uleb(register_operand(register))
            case DW_CFA_def_cfa_offset(offset=offset):
                if offset >= 0:
                    w.u8(DW_CFA.def_cfa_offset)
                    w.uleb(offset)
                else:
                    w.u8(DW_CFA.def_cfa_offset_sf)
                    w.sleb(factored_data(offset))
            case DW_CFA_offset(register=register, offset=offset):
                factored = factored_data(offset)
                if factored >= 0 and 0 <= register < 0x40:
                    w.u8(DW_CFA.offset | register)
                    w.uleb(factored)
                elif factored >= 0:
                    w.u8(DW_CFA.offset_extended)
                    w.uleb(register_operand(register))
                    w.uleb(factored)
                else:
                    w.u8(DW_CFA.offset_extended_sf)
                    w.uleb(register_operand(register))
                    w.sleb(factored)
            case DW_CFA_restore(register=register):
                if 0 <= register < 0x40:
                    w.u8(DW_CFA.restore | register)
                else:
                    w.u8(DW_CFA.restore_extended)
                    w.uleb(register_operand(register))
            case DW_CFA_same_value(register=register):
                w.u8(DW_CFA.same_value)
                w.uleb(register_operand(register))
            case DW_CFA_remember_state():
                w.u8(DW_CFA.remember_state)
            case DW_CFA_restore_state():
                w.u8(DW_CFA.restore_state)
    return bytes(w.data)
