"""Tail calls (``return_call``, ``return_call_indirect``): the caller's frame is torn down and the callee entered
with a jump, so it returns straight to the caller's caller and an endless chain of tail calls runs in constant
stack.

Every Wasm function uses the platform C convention (``abi.py``), so a tail call can only reuse what the C caller
gave: its registers and its incoming stack-argument area. The arguments are written there — register arguments
into their registers, stack arguments into the caller's own incoming area at ``[rbp + incoming_base + offset]``,
which is free because the prologue copied every parameter into its local slot — then the epilogue runs as for
``return`` (``frame.emit_epilogue``) and ends in the jump instead of ``ret``. A function with several results
passes its own hidden result pointer on: validation makes the callee's results the caller's.

Unwind information: after the epilogue's pops the stack is exactly the one at ``ret`` (rsp at the return
address), so the usual epilogue ops describe the teardown and the jump, with ``EpilogueEnd`` after the jump. On
Windows the jump is one the unwinder counts as the end of an epilogue (Microsoft's x64 epilogue rules, and
Wine's ``is_inside_epilog``): ``jmp rel32`` to a symbol outside the function, or ``rex.W jmp rax`` (``48 ff
e0``) for an indirect callee, whose address is moved to rax (volatile, never an argument register) after the
arguments are in place. ``seh/lower.py`` checks those bytes and gives the jump a leaf range of its own (see
``_isolate_tail_jumps`` there for why).

A backtrace after a tail call shows the frames that are really there, as with native tail calls: the callee
sits directly above the caller's caller.

Where the callee needs more stack-argument bytes than the caller received (more than six integer or eight float
parameters on System V, more than four parameters on Windows, and more of them than the caller has), the C
convention leaves no room to write them: that tail call is compiled as a call followed by a return (the stack
grows by one frame per such call). The callee's exceptions still pass the caller's handlers by, as the proposal
says (the call is recorded outside every try region).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..wasm.module import FuncType, Instr, ValType
from ..x64.asm import R11, RAX, RBP, Mem
from .simd import units

if TYPE_CHECKING:
    from .function import FunctionCompiler

_FLOAT = (ValType.F32, ValType.F64)
_SIZE = {ValType.I32: 4, ValType.I64: 8, ValType.F32: 4, ValType.F64: 8}


def fits(c: FunctionCompiler, ftype: FuncType) -> bool:
    """Whether the callee's stack arguments fit in the area the caller itself received (and no v128 goes by
    reference: Win64 would pass a pointer into the frame being torn down)."""
    if c.abi.vector_by_reference and ValType.V128 in ftype.params:
        return False
    _, needed = c.abi.assign(ftype.params, len(ftype.results) > 1)
    _, received = c.abi.assign(c.type.params, c.multi)
    return needed <= received


def emit_tail_call(c: FunctionCompiler, ftype: FuncType, symbol: str | None) -> None:
    """Tear the frame down and jump to ``symbol`` (or the code pointer in r11 when None) with the arguments on
    top of the operand stack."""
    a = c.a
    params = ftype.params
    base = c.depth - units(params)
    locations, _ = c.abi.assign(params, len(ftype.results) > 1)
    # Each argument's operand unit (a v128 takes two: its bytes start at the second one's slot).
    at = [base + units(params[:i]) for i in range(len(params))]
    for i, (t, loc) in enumerate(zip(params, locations, strict=True)):
        if loc.kind == "stack":
            for word in range(2 if t is ValType.V128 else 1):
                a.mov(8, RAX, c.slot(at[i] + 1 - word) if t is ValType.V128 else c.slot(at[i]))
                a.mov(8, Mem(RBP, c.incoming_base + loc.stack_offset + 8 * word), RAX)
    for i, (t, loc) in enumerate(zip(params, locations, strict=True)):
        if t is ValType.V128 and loc.kind == "xmm":
            a.movdqu_load(loc.register, c.slot(at[i] + 1))
        elif loc.kind == "gpr":
            a.mov(_SIZE.get(t, 8), loc.register, c.slot(at[i]))
        elif loc.kind == "xmm":
            a.movss_load(_SIZE[t], loc.register, c.slot(at[i]))
    if len(ftype.results) > 1:
        a.mov(8, c.abi.int_args[0], c.local(c.hidden_slot))
    c.depth = base
    if symbol is None:
        a.mov(8, RAX, R11)

    def jump() -> None:
        if symbol is None:
            a.rex_jmp(RAX)
        else:
            a.jmp_symbol(symbol)

    c.emit_frame_exit(jump)


def _call_then_return(c: FunctionCompiler, ftype: FuncType, symbol: str | None) -> None:
    """The fallback (see the module docstring): a call outside every try region, then ``return``."""
    frame = c.control[-1]
    scope, frame.scope = frame.scope, None
    try:
        c.emit_call(ftype, symbol)
    finally:
        frame.scope = scope
    c.emit_return()


def _h_return_call(c: FunctionCompiler, i: Instr) -> bool:
    index = c.int_immediate(i.imm[0])
    ftype = c.module.func_type(index)
    c.leave_catch_blocks(len(c.control) - 1)
    if fits(c, ftype):
        emit_tail_call(c, ftype, c.ctx.function_symbols[index])
    else:
        _call_then_return(c, ftype, c.ctx.function_symbols[index])
    return True


def _h_return_call_indirect(c: FunctionCompiler, i: Instr) -> bool:
    type_index, table = c.int_immediate(i.imm[0]), c.int_immediate(i.imm[1])
    ftype = c.module.types[type_index]
    c.leave_catch_blocks(len(c.control) - 1)
    c.indirect_target(type_index, table)
    if fits(c, ftype):
        emit_tail_call(c, ftype, None)
    else:
        _call_then_return(c, ftype, None)
    return True


HANDLERS = {
    "return_call": _h_return_call,
    "return_call_indirect": _h_return_call_indirect,
}
