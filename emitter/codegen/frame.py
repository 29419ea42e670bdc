"""Prologue and epilogue emission with the unwind program recorded at the exact offset after each instruction.

Frame layout (rbp-based; every value slot is 8 bytes)::

      return address                 [rbp + 8]
      saved rbp                      [rbp]
      saved callee-saved registers   [rbp - 8] ...                 (``saved``, push order)
      Wasm locals (params first)     [rbp - locals_base - 8*(i+1)]
      hidden result pointer          (functions with several results)
      operand stack slot j           [rbp - operands_base - 8*(j+1)]
      outgoing stack arguments       [rsp + ...]                   (shadow space first on Win64)

Windows (``Abi.seh_frames``) sets rbp *after* the pushes instead (``push rbp; push saved...; mov rbp, rsp``), so
the locals start at [rbp - 8] and incoming stack arguments sit 8 bytes higher per saved register. That is the
shape Windows x64 unwind info can describe at every pc: ``UWOP_SET_FPREG`` is the last code before the
allocation, so an unwinder in the body recovers rsp from rbp (even where rsp moved, as in the stack-overflow
stub) before it pops the saved registers; the epilogue is ``lea rsp, [rbp + 0]``, pops, ``ret``; an allocation
of a page or more is ``mov eax, N; call ___chkstk_ms; sub rsp, rax``.

The frame size is only known after the body is compiled (the operand stack's maximum depth), so the body is
emitted first and the prologue built afterwards and prepended (``Prologue``); body epilogues do not depend on the
frame size (``lea rsp, [rbp - 8*len(saved)]``), so they are emitted in place (``emit_epilogue``).
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import FormatLimitError
from ..unwind import (
    EpilogueBegin,
    EpilogueEnd,
    FrameState,
    PopRegister,
    PrologueEnd,
    PushRegister,
    ResetStackFromFramePointer,
    SetFramePointer,
    StackAlloc,
    UnwindOp,
    UnwindProgram,
)
from ..x64.asm import GPR_NAMES, RAX, RBP, RSP, Assembler, Label, Mem, RipRel

#: Frames from this size on are allocated a page at a time, touching each page in order (the guard page below
#: the stack only works when it is hit first).
PROBE_THRESHOLD = 4096
PAGE = 4096



def frame_allocation(saved: int, slots: int, outgoing: int) -> int:
    """``sub rsp`` amount keeping rsp 16-byte aligned at calls: return address + rbp + ``saved`` pushes +
    allocation is a multiple of 16."""
    size = 8 * slots + outgoing
    size += -(16 + 8 * saved + size) % 16
    return size


def emit_epilogue(a: Assembler, saved: list[int], records: list[UnwindOp], *, seh: bool = False,
                  after_call: bool = False, jump: Callable[[], None] | None = None) -> None:
    """``lea rsp, [rbp - 8n]`` (or ``mov rsp, rbp``), ``pop`` the saved registers and rbp, ``ret``. With ``seh``
    (Windows layout) ``lea rsp, [rbp + 0]``, preceded by a ``nop`` when the code before ends with a call
    (``after_call``): a return address inside an epilogue makes the Windows unwinder emulate the epilogue instead
    of calling the frame's handler.

    ``jump`` emits a tail call's jump in place of the ``ret`` (``tailcall.py``): after the pops the frame is
    exactly the one at ``ret`` (rsp at the return address), so the same unwind ops describe it, and the epilogue
    ends after the jump."""
    if seh and after_call:
        a.nop()
    records.append(EpilogueBegin(a.offset))
    if seh:
        a.lea(8, RSP, Mem(RBP, 0))
        records.append(ResetStackFromFramePointer(a.offset, 0))
    elif saved:
        a.lea(8, RSP, Mem(RBP, -8 * len(saved)))
        records.append(ResetStackFromFramePointer(a.offset, -8 * len(saved)))
    else:
        a.mov(8, RSP, RBP)
        records.append(ResetStackFromFramePointer(a.offset, 0))
    for reg in reversed(saved):
        a.pop(reg)
        records.append(PopRegister(a.offset, GPR_NAMES[reg]))
    a.pop(RBP)
    records.append(PopRegister(a.offset, "rbp"))
    if jump is None:
        a.ret()
    else:
        jump()
    records.append(EpilogueEnd(a.offset))


class Prologue:
    """Builds ``push rbp; mov rbp, rsp; push saved...; <stack check>; <probe>/sub rsp, N`` into its own
    assembler, and its unwind program (``unwind``, validated); ``overflow_fixup`` is the position of the ``jb``
    displacement to patch once the prologue's final length (and so the stack-overflow stub's position) is known.
    It depends only on its arguments and is never modified, so a module's functions of one frame shape share
    one (``code_for`` gives each function its own bytes)."""

    def __init__(self, saved: list[int], allocation: int, stack_limit: RipRel, function: str, *,
                 seh: bool = False) -> None:
        if allocation >= 1 << 31:
            raise FormatLimitError(f"frame of {allocation} bytes is too large", function=function)
        a = self.asm = Assembler()
        self.records: list[UnwindOp] = []
        a.push(RBP)
        self.records.append(PushRegister(a.offset, "rbp"))
        if not seh:
            a.mov(8, RBP, RSP)
            self.records.append(SetFramePointer(a.offset, "rbp"))
        for reg in saved:
            a.push(reg)
            self.records.append(PushRegister(a.offset, GPR_NAMES[reg]))
        if seh:
            a.mov(8, RBP, RSP)
            self.records.append(SetFramePointer(a.offset, "rbp"))
        # Check the limit before touching the new frame: rsp - N below the limit traps.
        a.lea(8, RAX, Mem(RSP, -allocation))
        a.alu("cmp", 8, RAX, stack_limit)
        a.code += b"\x0f\x82"  # jb rel32 to the overflow stub, patched by ``link``
        self.overflow_fixup = a.offset
        a.code += b"\0\0\0\0"
        if allocation >= PROBE_THRESHOLD and seh:
            # Imported here: the Windows unwind modules are not loaded by a compile for another target.
            from ..seh.instructions import STACK_PROBE_SYMBOL

            a.mov_imm(4, RAX, allocation)
            a.call_symbol(STACK_PROBE_SYMBOL)
            a.alu("sub", 8, RSP, RAX)
            self.records.append(StackAlloc(a.offset, allocation))
        elif allocation >= PROBE_THRESHOLD:
            loop = Label()
            a.bind(loop)
            a.alu("sub", 8, RSP, PAGE, imm=True)
            a.mov_store_imm(4, Mem(RSP, 0), 0)
            a.alu("cmp", 8, RSP, RAX)
            a.jcc("a", loop)
            a.mov(8, RSP, RAX)
            self.records.append(StackAlloc(a.offset, allocation))
        elif allocation:
            a.alu("sub", 8, RSP, allocation, imm=True)
            self.records.append(StackAlloc(a.offset, allocation))
        self.records.append(PrologueEnd(a.offset))
        self.unwind = UnwindProgram(function=function)
        for op in self.records:
            self.unwind.add(op)
        #: The states after the epilogues of the functions with this prologue, per sequence
        #: (``UnwindProgram.extend``): functions repeat the same few.
        self.epilogue_states: dict[object, tuple[list[FrameState], list[FrameState]]] = {}

    def code_for(self, overflow_stub_body_offset: int) -> bytearray:
        """The prologue's bytes with the stack check's branch aimed at the stub at ``overflow_stub_body_offset``
        within the body (which follows the prologue)."""
        code = bytearray(self.asm.code)
        target = len(code) + overflow_stub_body_offset
        at = self.overflow_fixup
        code[at:at + 4] = (target - (at + 4)).to_bytes(4, "little", signed=True)
        return code
