"""Instruction fusion on the frame-slot operand stack: a constant folded into the instruction that consumes it
(``i32.const 1; i32.add`` -> ``add dword [slot], 1``), and a comparison fused with the ``br_if`` or ``if`` that
consumes its result (``i32.lt_s; br_if`` -> ``cmp; jl``), as baseline compilers (Liftoff, Winch) do.

Why a look-ahead here rather than in the handlers: a handler sees one instruction, and the frame-slot invariant
of ``function.py`` (every operand in its slot between instructions) makes it store its result for the next one
to reload. Looking one or two instructions ahead drops that store and reload where the consumer can take the
value as an immediate or from the flags.

What keeps the debugging promise exact. A fused group gets the line-table row of its first instruction only:
the others get no row, so no native address implements them (``dwarf/translate_map.py`` maps a Wasm range to
the rows inside it). The fused code writes no frame slot before its last native instruction and never writes a
local. At every native address inside it the frame therefore holds exactly the Wasm state before the group's
first instruction, which is what its row says (the operand-stack and local locations of producer DWARF stay
right); once its last instruction has run, the state is the one after the group. Nothing here pushes or pops:
the unwind information is unchanged. Branches that need to move values (``needs_moves``) are left unfused, as
the moves write slots.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..wasm.module import Instr
from ..x64.asm import RAX, Label, Mem

if TYPE_CHECKING:
    from .function import FunctionCompiler

_CMP = {"eq": "e", "ne": "ne", "lt_s": "l", "lt_u": "b", "gt_s": "g", "gt_u": "a", "le_s": "le", "le_u": "be",
        "ge_s": "ge", "ge_u": "ae"}
_INVERSE = {"e": "ne", "ne": "e", "l": "ge", "ge": "l", "g": "le", "le": "g", "b": "ae", "ae": "b", "a": "be",
            "be": "a"}
#: Operations with a read-modify-write memory form taking a sign-extended immediate.
_ALU = frozenset(["add", "sub", "and", "or", "xor"])
_SHIFTS = {"shl": "shl", "shr_s": "sar", "shr_u": "shr", "rotl": "rol", "rotr": "ror"}
_BRANCHES = frozenset(["br_if", "if"])

#: Instructions that may start a fused group (``FunctionCompiler.run`` asks ``fuse`` about these only).
FIRST = frozenset(["i32.const", "i64.const", "i32.eqz", "i64.eqz"]
                  + [f"{t}.{name}" for t in ("i32", "i64") for name in _CMP])


def fuse(c: FunctionCompiler, body: list[Instr], index: int, stop: int) -> int:
    """Compile the group starting at ``body[index]`` (one of ``FIRST``) fused, if it is one, and return the number
    of instructions it took (0: not a group, nothing emitted). The caller has given ``body[index]`` its row."""
    if index + 1 >= stop:
        return 0
    op = body[index].op
    size = 4 if op[1] == "3" else 8
    following = body[index + 1]
    if op.endswith("const"):
        value = _signed(c.int_immediate(body[index].imm[0]), size)
        if not -(1 << 31) <= value < 1 << 31:
            return 0
        kind, _, name = following.op.partition(".")
        if kind != op[:3]:
            return 0
        if name in _ALU or name in _SHIFTS:
            _fold(c, following.op, name, size, value)
            return 2
        if name not in _CMP:
            return 0
        # ``x; const k; cmp``: the comparison's lhs is in the slot below where the constant would be.
        lhs = c.slot(c.depth - 1)
        taken = _flag_users(body, index + 2, stop)
        if taken and _branchable(c, body[index + 1 + taken], c.depth - 1):
            c.a.alu("cmp", size, lhs, value, imm=True)
            c.depth -= 1
            _branch(c, body[index + 1 + taken], _condition(_CMP[name], taken - 1))
            return 2 + taken
        c.emit_cached(("fold cmp", name, size, value, c.depth, c.operands_base),
                      lambda: _set(c, lhs, size, value, _CMP[name]))
        return 2
    taken = _flag_users(body, index + 1, stop)
    if not taken:
        return 0
    name = op[4:]
    if name == "eqz":
        after = c.depth - 1
        if not _branchable(c, body[index + taken], after):
            return 0
        c.a.alu("cmp", size, c.slot(after), 0, imm=True)
        cc = "e"
    else:
        after = c.depth - 2
        if not _branchable(c, body[index + taken], after):
            return 0
        c.emit_cached(("cmp flags", size, after, c.operands_base), lambda: _compare_slots(c, size, after))
        cc = _CMP[name]
    c.depth = after
    _branch(c, body[index + taken], _condition(cc, taken - 1))
    return 1 + taken


def _signed(value: int, size: int) -> int:
    bits = 8 * size
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def _flag_users(body: list[Instr], index: int, stop: int) -> int:
    """How many instructions from ``index`` take an i32 condition from the flags: any number of ``i32.eqz``
    (each inverts it) ending with a ``br_if`` or ``if``; 0 when the sequence does not end with one."""
    k = index
    while k < stop and body[k].op == "i32.eqz":
        k += 1
    return k - index + 1 if k < stop and body[k].op in _BRANCHES else 0


def _condition(cc: str, inversions: int) -> str:
    return _INVERSE[cc] if inversions & 1 else cc


def _branchable(c: FunctionCompiler, instr: Instr, depth: int) -> bool:
    """Whether the branch ``instr`` can be a bare ``jcc`` at operand depth ``depth`` (its condition popped)."""
    if instr.op == "if":
        return True
    saved = c.depth
    c.depth = depth
    try:
        return not c.needs_moves(c.int_immediate(instr.imm[0]))
    finally:
        c.depth = saved


def _branch(c: FunctionCompiler, instr: Instr, cc: str) -> None:
    """The flags are set, true meaning ``cc``; ``c.depth`` has the condition popped."""
    a = c.a
    if instr.op == "br_if":
        a.jcc(cc, c.control[-1 - c.int_immediate(instr.imm[0])].target)
        return
    params, results = c.block_arity(instr.imm[0])
    else_label = Label()
    a.jcc(_INVERSE[cc], else_label)
    end = Label()
    c.push_control("if", c.depth - params, params, results, end, end, else_label)


def _fold(c: FunctionCompiler, op: str, name: str, size: int, value: int) -> None:
    """``x; const value; op`` as one read-modify-write of x's slot (the constant's slot is never written)."""
    lhs = c.slot(c.depth - 1)

    def emit() -> None:
        if name in _ALU:
            c.a.alu(name, size, lhs, value, imm=True)
        else:
            c.a.shift(_SHIFTS[name], size, lhs, value & (8 * size - 1))

    c.emit_cached(("fold", op, value, c.depth, c.operands_base), emit)


def _set(c: FunctionCompiler, lhs: Mem, size: int, value: int, cc: str) -> None:
    """``x; const value; cmp`` with its 0/1 result stored over x's slot by the last instruction."""
    a = c.a
    a.alu("cmp", size, lhs, value, imm=True)
    a.setcc(cc, RAX)
    a.movzx(4, RAX, 1, RAX)
    a.mov(4, lhs, RAX)


def _compare_slots(c: FunctionCompiler, size: int, depth: int) -> None:
    c.a.mov(size, RAX, c.slot(depth))
    c.a.alu("cmp", size, RAX, c.slot(depth + 1))
