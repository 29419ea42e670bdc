"""The few x86-64 instruction encodings Windows unwinding depends on.

Version-1 unwind info does not describe epilogues: the unwinder recognises them from the bytes at the pc
(``add rsp, imm`` or ``lea rsp, [frame register + disp]``, then 8-byte ``pop``s, then ``ret``, or a tail call's
jump: ``jmp rel32`` out of the function, or a REX.W-prefixed ``jmp`` through ``ff /4``). The lowering checks
epilogues against these forms, and the stack-probe sequence for large allocations is built here.
"""

from __future__ import annotations

import struct

from ..obj.model import Relocation, RelocKind
from .unwind_info import GPR_NUMBERS

#: mingw's stack probe: touches each page below rsp down to rsp - rax and returns with rsp unchanged.
STACK_PROBE_SYMBOL = "___chkstk_ms"
PAGE_SIZE = 4096
RET = b"\xc3"
#: ``jmp rel32`` (its displacement is a relocation to another function's symbol: the compiler emits it only for
#: tail calls, ``codegen/tailcall.py``).
JMP_REL32 = 0xE9
#: ``rex.W jmp rax`` (``48 ff e0``): the indirect tail jump. Windows accepts any REX.W prefix before ``ff /4``;
#: Wine only 0x48, so the target register is one of rax..rdi, and the compiler uses rax.
REX_JMP_RAX = b"\x48\xff\xe0"


def is_epilogue_end(code: bytes, start: int, end: int) -> bool:
    """Whether ``code[start:end]`` is an instruction that ends a Windows epilogue: ``ret`` or a tail jump."""
    instruction = code[start:end]
    return instruction in (RET, REX_JMP_RAX) or (len(instruction) == 5 and instruction[0] == JMP_REL32)
#: ``sub rsp, rax`` (two encodings: 29 /r and 2B /r).
SUB_RSP_RAX = (b"\x48\x29\xc4", b"\x48\x2b\xe0")


def add_rsp_forms(size: int) -> list[bytes]:
    forms = []
    if size <= 0x7F:
        forms.append(b"\x48\x83\xc4" + struct.pack("<b", size))
    if size <= 0x7FFFFFFF:
        forms.append(b"\x48\x81\xc4" + struct.pack("<i", size))
    return forms


def lea_rsp_forms(frame_register: str, displacement: int) -> list[bytes]:
    """``lea rsp, [reg + disp]`` as Windows recognises it: REX.W (+B), no SIB byte, disp8 or disp32."""
    number = GPR_NUMBERS[frame_register]
    if number & 7 == 4:
        return []  # rsp/r12 as a base need a SIB byte, which the epilogue recogniser rejects
    rex = bytes([0x48 | number >> 3])
    forms = []
    if -0x80 <= displacement <= 0x7F:
        forms.append(rex + bytes([0x8D, 0x60 | number & 7]) + struct.pack("<b", displacement))
    if -0x80000000 <= displacement <= 0x7FFFFFFF:
        forms.append(rex + bytes([0x8D, 0xA0 | number & 7]) + struct.pack("<i", displacement))
    return forms


def pop_forms(register: str) -> list[bytes]:
    number = GPR_NUMBERS[register]
    if number < 8:
        return [bytes([0x58 + number])]
    return [bytes([0x41, 0x58 + number - 8])]


def stack_probe_sequence(size: int) -> tuple[bytes, list[Relocation]]:
    """``mov eax, size; call ___chkstk_ms; sub rsp, rax``: how mingw code allocates a page or more.

    The returned relocation (offset relative to the sequence) is the call's target. Describe the allocation with
    ``StackAlloc(offset after the sub, size)``.
    """
    if not 0 < size <= 0xFFFFFFFF:
        raise ValueError(f"stack probe size {size} does not fit in 32 bits")
    code = b"\xb8" + struct.pack("<I", size) + b"\xe8\0\0\0\0" + SUB_RSP_RAX[0]
    return code, [Relocation(6, RelocKind.CALL, 4, STACK_PROBE_SYMBOL, -4)]
