"""Instruction fusion on the frame-slot operand stack, as baseline compilers (Liftoff, Winch) do it: operands
taken from where they already are, and results put where they go.

A group is up to two operand pushes (``local.get``, ``i32.const``, ``i64.const``), the integer instruction that
consumes them (arithmetic, shift, comparison, ``eqz``), and what consumes its result: a ``local.set`` or
``local.tee``, or, for a comparison, any number of ``i32.eqz`` and a ``br_if`` or ``if``. Instead of storing
each operand to its slot for the consumer to reload, the consumer reads a local or a slot directly and takes a
constant as an immediate; a comparison feeding a branch sets the flags for a ``jcc`` and is never made 0/1::

    local.get $i; i32.const 1; i32.add; local.set $i   ->  mov eax,[i]; add eax,1; mov [i],rax
    local.get $i; local.get $n; i32.lt_s; br_if 0      ->  mov eax,[i]; cmp eax,[n]; jl L
    (x on the stack) i64.const 4; i64.shl               ->  shl qword [x's slot],4

Why a look-ahead here rather than in the handlers: a handler sees one instruction, and the frame-slot invariant
of ``function.py`` (every operand in its slot between instructions) makes it store its result for the next one
to reload. Looking a few instructions ahead removes those stores and reloads without giving up the invariant
between groups.

What keeps the debugging promise exact. A group gets the line-table row of its first instruction only: the
others get no row, so no native address implements them (``dwarf/translate_map.py`` maps a Wasm range to the
rows inside it). Before its last native instruction the group writes nothing a debugger can see in the Wasm
state before its first instruction: no local, no operand slot below that operand depth (slots above it are not
part of that state). Its one visible write, if any, is its last instruction. At every native address inside it
the frame therefore holds exactly the state its row names (locals and producer DWARF's operand-stack
locations read right, ``set var`` of a local before the group reaches the group), and after it the state after
the group. In a module with the producer's DWARF a group also never contains, after its first instruction, an
instruction where a producer line row or address range (inlined call, lexical block, location list entry)
starts or ends (``dwarf/fusion_barriers.py``): those keep their native addresses, so C breakpoints, inlined
frames and variable locations are where they are unfused. Nothing here pushes or pops, so the unwind
information is unchanged. Branches that must move values
(``needs_moves``) are left unfused, as the moves write slots.

``trees.py`` generalises these groups to trees of pure integer operations with their values in scratch
registers, under this same contract; ``FunctionCompiler.run`` asks it first and this module when it declines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..wasm.module import Instr
from ..x64.asm import RAX, RCX, Label, Mem, Operand

if TYPE_CHECKING:
    from .function import FunctionCompiler

CMP = {"eq": "e", "ne": "ne", "lt_s": "l", "lt_u": "b", "gt_s": "g", "gt_u": "a", "le_s": "le", "le_u": "be",
        "ge_s": "ge", "ge_u": "ae"}
INVERSE = {"e": "ne", "ne": "e", "l": "ge", "ge": "l", "g": "le", "le": "g", "b": "ae", "ae": "b", "a": "be",
            "be": "a"}
#: Operations with a read-modify-write memory form taking a sign-extended immediate.
ALU = frozenset(["add", "sub", "and", "or", "xor"])
SHIFTS = {"shl": "shl", "shr_s": "sar", "shr_u": "shr", "rotl": "rol", "rotr": "ror"}
_BINARY = frozenset([*ALU, "mul", *SHIFTS, *CMP])
_BRANCHES = frozenset(["br_if", "if"])
_LEAVES = frozenset(["local.get", "i32.const", "i64.const"])
_CONSUMERS = frozenset([f"{t}.{name}" for t in ("i32", "i64") for name in [*_BINARY, "eqz"]])

#: Instructions that may start a group (``FunctionCompiler.run`` asks ``fuse`` about these only).
FIRST = _LEAVES | frozenset(f"{t}.{name}" for t in ("i32", "i64") for name in [*CMP, "eqz"])

#: An operand: ("slot", operand index) | ("local", local index) | ("const", signed value).
Source = tuple[str, int]


def fuse(c: FunctionCompiler, body: list[Instr], index: int, stop: int) -> int:
    """Compile the group starting at ``body[index]`` (one of ``FIRST``) if there is one and return the number of
    instructions it took (0: no group, nothing emitted). The caller has given ``body[index]`` its row.

    No group reaches a barrier (``FunctionContext.fusion_barriers``) after its first instruction: the look-ahead
    stops before it, so the barrier's instruction gets its own row and native address."""
    barriers = c.ctx.fusion_barriers
    if barriers:
        stop = _barrier_stop(body, index, stop, barriers)
    k = index
    leaves: list[Instr] = []
    while k < stop and body[k].op in _LEAVES and len(leaves) < 2:
        leaves.append(body[k])
        k += 1
    if k >= stop or body[k].op not in _CONSUMERS:
        return 0
    consumer = body[k]
    kind, name = consumer.op.split(".")
    size = 4 if kind == "i32" else 8
    arity = 1 if name == "eqz" else 2
    if len(leaves) > arity:
        return 0  # the first leaf is not the consumer's: it runs alone, the group starts after it
    depth = c.depth
    taken = depth - (arity - len(leaves))  # operand index of the consumer's first operand
    sources = [("slot", taken + j) for j in range(arity - len(leaves))]
    sources += [_source(c, leaf, size) for leaf in leaves]
    users = _flag_users(body, k + 1, stop) if name == "eqz" or name in CMP else 0
    if users:
        jump = body[k + users]
        if not _branchable(c, jump, taken):
            return 0
        if name == "eqz":
            if sources[0][0] == "const":
                return 0
            c.emit_cached(("fuse test", size, _key(c, sources)), lambda: _test(c, size, sources[0]))
            cc = "e"
        else:
            c.emit_cached(("fuse cmp", size, _key(c, sources)), lambda: _compare(c, size, sources))
            cc = CMP[name]
        c.depth = taken
        branch(c, jump, INVERSE[cc] if (users - 1) & 1 else cc)
        return k + users + 1 - index
    if name == "eqz":
        return 0
    sink = body[k + 1] if k + 1 < stop and body[k + 1].op in ("local.set", "local.tee") else None
    if sink is not None and sink.op == "local.tee" and taken < depth:
        sink = None  # slot and local both visible: the tee runs alone, after the group
    if not leaves and sink is None:
        return 0  # nothing to fold: the plain handler's code is this code
    target = c.int_immediate(sink.imm[0]) if sink is not None else -1
    key = ("fuse", consumer.op, sink.op if sink else "", _key(c, sources),
           c.local_offsets[target] if sink is not None else 0, taken, c.operands_base)
    c.emit_cached(key, lambda: _compute(c, name, size, sources, taken, sink, target))
    c.depth = taken if sink is not None and sink.op == "local.set" else taken + 1
    if c.depth > c.max_depth:
        c.max_depth = c.depth
    return k + (2 if sink is not None else 1) - index


#: The longest look-ahead searched for a barrier: two leaves, a comparison, a run of ``i32.eqz`` and a branch.
#: A longer run of ``i32.eqz`` is then not fused with its branch (it still fuses without it).
_LOOKAHEAD = 16


def _barrier_stop(body: list[Instr], index: int, stop: int, barriers: frozenset[int]) -> int:
    """``stop``, or the index of the first instruction after ``body[index]`` at a barrier if that is before it."""
    limit = min(stop, index + _LOOKAHEAD)
    for k in range(index + 1, limit):
        if body[k].offset in barriers:
            return k
    return limit


def _source(c: FunctionCompiler, leaf: Instr, size: int) -> Source:
    value = c.int_immediate(leaf.imm[0])
    if leaf.op == "local.get":
        return ("local", value)
    bits = 8 * size
    value &= (1 << bits) - 1
    return ("const", value - (1 << bits) if value >> (bits - 1) else value)


def _key(c: FunctionCompiler, sources: list[Source]) -> tuple[object, ...]:
    """What the operands' code depends on: their frame offsets and the constants."""
    return tuple((kind, c.local_offsets[v] if kind == "local" else c.slot(v).disp if kind == "slot" else v)
                 for kind, v in sources)


def _mem(c: FunctionCompiler, source: Source) -> Mem:
    return c.local(source[1]) if source[0] == "local" else c.slot(source[1])


def _operand(c: FunctionCompiler, source: Source, size: int) -> tuple[Operand | int, bool]:
    """``source`` as a second operand: memory, or an immediate (the flag says so) when it fits a sign-extended
    imm32; a wider constant goes through rcx."""
    if source[0] != "const":
        return _mem(c, source), False
    value = source[1]
    if size == 4 or -(1 << 31) <= value < 1 << 31:
        return value, True
    c.a.mov_imm(8, RCX, value)
    return RCX, False


def _load(c: FunctionCompiler, source: Source, size: int) -> None:
    if source[0] == "const":
        c.a.mov_imm(size, RAX, source[1])
    else:
        c.a.mov(size, RAX, _mem(c, source))


def _test(c: FunctionCompiler, size: int, source: Source) -> None:
    c.a.alu("cmp", size, _mem(c, source), 0, imm=True)


def _compare(c: FunctionCompiler, size: int, sources: list[Source]) -> None:
    """Set the flags from ``lhs cmp rhs``; writes nothing but rax/rcx."""
    lhs, rhs = sources
    if lhs[0] != "const" and rhs[0] == "const" and (size == 4 or -(1 << 31) <= rhs[1] < 1 << 31):
        c.a.alu("cmp", size, _mem(c, lhs), rhs[1], imm=True)
        return
    _load(c, lhs, size)
    src, imm = _operand(c, rhs, size)
    c.a.alu("cmp", size, RAX, src, imm=imm)


def _compute(c: FunctionCompiler, name: str, size: int, sources: list[Source], taken: int, sink: Instr | None,
             target: int) -> None:
    a = c.a
    lhs, rhs = sources
    result = c.slot(taken)
    rmw = name in ALU or name in SHIFTS
    if sink is None and size == 8 and lhs == ("slot", taken) and rhs[0] == "const" and rmw:
        if -(1 << 31) <= rhs[1] < 1 << 31 or name in SHIFTS:
            # One read-modify-write of the operand's slot: the group's only write, and its last instruction (an
            # i64's: an i32's 4-byte write would stall the next 8-byte read of the slot, see ``_signed32``).
            if name in ALU:
                a.alu(name, size, result, rhs[1], imm=True)
            else:
                a.shift(SHIFTS[name], size, result, rhs[1] & (8 * size - 1))
            return
    if name in CMP:
        _compare(c, size, sources)
        a.setcc(CMP[name], RAX)
        a.movzx(4, RAX, 1, RAX)
    else:
        _load(c, lhs, size)
        if name in SHIFTS:
            if rhs[0] == "const":
                a.shift(SHIFTS[name], size, RAX, rhs[1] & (8 * size - 1))
            else:
                a.mov(4, RCX, _mem(c, rhs))
                a.shift(SHIFTS[name], size, RAX)
        elif name == "mul":
            if rhs[0] == "const":
                a.mov_imm(size, RCX, rhs[1])
                a.imul(size, RAX, RCX)
            else:
                a.imul(size, RAX, _mem(c, rhs))
        else:
            src, imm = _operand(c, rhs, size)
            a.alu(name, size, RAX, src, imm=imm)
    # rax holds the whole result (a 32-bit operation clears the upper half): one 8-byte store, last unless
    # a tee's local follows it (then the slot, above the operands the group started with, is not yet visible).
    if sink is None:
        a.mov(8, result, RAX)
        return
    if sink.op == "local.tee":
        a.mov(8, result, RAX)
    a.mov(8, c.local(target), RAX)


def _flag_users(body: list[Instr], index: int, stop: int) -> int:
    """How many instructions from ``index`` take an i32 condition from the flags: any number of ``i32.eqz``
    (each inverts it) ending with a ``br_if`` or ``if``; 0 when the run does not end with one."""
    k = index
    while k < stop and body[k].op == "i32.eqz":
        k += 1
    return k - index + 1 if k < stop and body[k].op in _BRANCHES else 0


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


def branch(c: FunctionCompiler, instr: Instr, cc: str) -> None:
    """A ``br_if`` or ``if`` on the flags (true meaning ``cc``), ``c.depth`` with the condition popped; shared
    with the expression trees (``trees.py``)."""
    a = c.a
    if instr.op == "br_if":
        a.jcc(cc, c.branch_trap_stub(instr) or c.control[-1 - c.int_immediate(instr.imm[0])].target)
        return
    params, results = c.block_arity(instr.imm[0])
    else_label = Label()
    a.jcc(INVERSE[cc], c.branch_trap_stub(instr) or else_label)
    end = Label()
    c.push_control("if", c.depth - params, params, results, end, end, else_label)
