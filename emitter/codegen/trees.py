"""Expression-tree groups: a register-cached operand stack inside one fusion group.

``fusion.py`` fuses up to two operand pushes, one integer operation and its sink. This module generalises that
group to a tree of pure integer operations (``local.get``, constants, arithmetic, logic, shifts and rotations,
``mul``, comparisons, ``eqz``, sign and zero extension, ``wrap``; and float comparisons other than ``eq``/``ne``,
a float being its bits in a general register as in its slot) of at most ``_LIMIT`` instructions, ending in
a sink: a ``local.set``/``local.tee``, a ``br_if``/``if``, or the operand slot of the tree's result. Within the
group the operand stack is symbolic: a pushed local or constant is not copied anywhere (its reader takes it
from the local's slot or as an immediate), and an operation's result lives in a scratch register (r8-r11, and
rsi/rdi where the calling convention lets a function clobber them: no generated code keeps a value in those
across instructions; rax, rcx and rdx stay the bounds check's, the shifts' and the copies' temporaries). A group
that needs more registers than there are ends before the instruction that would need one more.

The debugging contract is ``fusion.py``'s, unchanged: the group has the row of its first instruction only;
before its last native instruction it writes nothing a debugger can see in the Wasm state before its first
instruction (no local, no operand slot below the depth it started at); its one visible write, if any, is its
last native instruction; no group crosses a producer-DWARF fusion barrier; nothing pushes or pops. Operands
pushed inside the group that remain on the stack after it (at or above the starting depth, so not part of the
state before it) are written to their slots before the visible write. A group whose end would need two visible
writes (a ``local.tee`` of a value that replaced an operand below the starting depth, say) ends before the
instruction that needs the second one.

Memory. In a function that producer DWARF describes, a load may be a group's first instruction only
(``i32.load offset=12; local.set $x`` is one group, the loaded value going straight into the local;
``i32.load; i32.const 1; i32.add; ...`` one tree), and a store is no group's sink: ``wasm watch`` names the Wasm
instruction of an access by the row of the native instruction that made it, and inside a group that row is the
group's first instruction's, not the access's. So the address of a load comes from its operand slot (the previous
group left it there, and the 8-byte store of every slot write makes that reload a store-to-load forward), and its
bounds check is ``FunctionCompiler.address``'s: its trap is today's, at the load's Wasm offset.

Rows inside a group (``rows_in_groups``). Where no producer DWARF describes the function, nothing but our own code
reads an operand slot (the Wasm-level DWARF names locals and parameters only), so a group may go on through loads,
stores and ``local.set``/``local.tee``: each of those starts a row of its own at its first native instruction,
and so does the instruction after a store or a local write. In a function the producer's DWARF describes, the
same holds for a group whose instructions lie outside every range where a location list names an operand-stack
value (``_stack_limit``; none may anywhere when a location outside a list does): there a fusion barrier inside the
group (any instruction but a branch: ``_BARRIER_ROWS``) gets a row of its own too, so the producer's line rows,
inlined calls, blocks and location ranges keep native addresses of their own as unfused (a ``nop`` gives it one
when no code would come between its row and the next).

The contract then holds per row instead of per group:
in each row's native range at most one instruction writes a local or linear memory, and it is the range's last,
so at every address the locals and memory are exactly the state the row names; an access's row is its own (what
``wasm watch`` and a trap report need); a trap stub has its access's row. Before such a row, every local pushed
earlier and still on the stack is read into a register ("pinned"), so that a ``set var`` at the row does not
change a value pushed before it. This is what keeps values in registers between the Wasm instructions of a
loop body (``local.tee`` chains, address arithmetic feeding loads and stores) instead of a store and a reload
through an operand slot for each.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..wasm.module import Instr
from ..x64.asm import R8, R9, R10, R11, RAX, RCX, RDI, RDX, RSI, Assembler, Label, Mem, Operand, Snippet
from . import guards, memories
from .fusion import ALU, CMP, INVERSE, SHIFTS, branch
from .runtime import TrapCode

if TYPE_CHECKING:
    from .function import FunctionCompiler

_COMMUTATIVE = frozenset(["add", "and", "or", "xor", "mul"])
_COMMUTATIVE_OPS = frozenset(f"{t}.{name}" for t in ("i32", "i64") for name in _COMMUTATIVE)
#: Float comparisons a group takes: one ``ucomiss``/``ucomisd`` whose flags answer with one condition code (for
#: ``lt``/``le`` the operands swapped), unordered operands giving false (CF, ZF and PF set: "a" and "ae" false) and
#: the inverse (an ``eqz`` after it) true; ``eq``/``ne`` need two flags and are left to their handlers. Their
#: operands are bits in the group's registers or the locals' and operand slots, moved to xmm0/xmm1 (which hold no
#: value between instructions) for the compare.
_FLOAT_CMP = {f"{t}.{name}": cc for t in ("f32", "f64") for name, cc in (("lt", "a"), ("gt", "a"), ("le", "ae"),
                                                                           ("ge", "ae"))}
_BINARY = frozenset(f"{t}.{name}" for t in ("i32", "i64") for name in [*ALU, "mul", *SHIFTS, *CMP]) | frozenset(
    _FLOAT_CMP)
_UNARY = frozenset(["i32.eqz", "i64.eqz", "i64.extend_i32_u", "i64.extend_i32_s", "i32.wrap_i64",
                    "i32.extend8_s", "i32.extend16_s", "i64.extend8_s", "i64.extend16_s", "i64.extend32_s"])
_LEAVES = frozenset(["local.get", "i32.const", "i64.const"])
#: Integer loads -> (access size, sign extension, result size).
_LOADS = {"i32.load": (4, False, 4), "i64.load": (8, False, 8), "i32.load8_s": (1, True, 4),
          "i32.load8_u": (1, False, 4), "i32.load16_s": (2, True, 4), "i32.load16_u": (2, False, 4),
          "i64.load8_s": (1, True, 8), "i64.load8_u": (1, False, 8), "i64.load16_s": (2, True, 8),
          "i64.load16_u": (2, False, 8), "i64.load32_s": (4, True, 8), "i64.load32_u": (4, False, 8),
          # A float's bits, in a general register (a local or slot holds them so, written whole).
          "f32.load": (4, False, 4), "f64.load": (8, False, 8)}
#: Integer stores -> access size.
_STORES = {"i32.store": 4, "i64.store": 8, "i32.store8": 1, "i32.store16": 2, "i64.store8": 1, "i64.store16": 2,
           "i64.store32": 4, "f32.store": 4, "f64.store": 8}
_BRANCHES = frozenset(["br_if", "if"])
#: What gets a row of its own inside a group where ``rows_in_groups`` holds.
_ROWED = frozenset(_LOADS) | frozenset(_STORES) | frozenset(["local.set", "local.tee"])
_FLAGS = frozenset(f"{t}.{name}" for t in ("i32", "i64") for name in [*CMP, "eqz"]) | frozenset(_FLOAT_CMP)

#: Instructions that may start a tree group.
FIRST = _LEAVES | _BINARY | _UNARY | frozenset(_LOADS)

#: What may follow a group's first instruction in it.
_CONTINUE = (FIRST - frozenset(_LOADS)) | _BRANCHES | frozenset(["local.set", "local.tee"])
_CONTINUE_ROWS = _CONTINUE | _ROWED
#: Where a fusion barrier may lie inside a group with rows (``_stack_limit``): any instruction a group takes but a
#: branch and an ``eqz`` (which may be one of a run inverting the flags a branch sink tests, after the group's
#: code). A barrier's row must have an address no other row has: one that emits no code (a ``local.get``, a
#: constant, a ``wrap``) starts its row at the code of the instructions after it, and a ``nop`` gives it an
#: address of its own where the next row (``_emit``'s ``add_row``) or the group's end would come at the same one.
_BARRIER_ROWS = (_BINARY | _UNARY | _ROWED | _LEAVES) - frozenset(["i32.eqz", "i64.eqz"])

#: The most instructions one group takes (and the look-ahead searched for a barrier). A loop body's statement
#: (matrix's ten products and their sum, a ChaCha quarter round, a SipHash round) should be one group: each
#: group's end writes its register values to their slots and the next group reads them back.
_LIMIT = 256
#: The first window a group's scan reads; it grows by ``_GROWTH`` (up to ``_LIMIT``) only while the plan of the
#: window read so far takes all of it, so that the scans stay linear in the code: a long window yielding a short
#: group would be read again from the group's end (a run of local writes needing more registers than there
#: are would read each instruction up to ``_LIMIT`` times).
_FIRST_WINDOW = 24
_GROWTH = 4

#: A stack entry: ("slot", operand index) | ("local", local index) | ("const", value) | ("reg", register).
Entry = tuple[str, int]


@dataclass
class _Walk:
    """The symbolic operand stack from the group's starting depth ``start``: ``stack`` holds the entries at
    operand indices ``low``, ``low + 1``, ...; operands below ``low`` are in their slots, untouched."""

    start: int
    pool: tuple[int, ...]
    low: int = 0
    stack: list[Entry] = field(default_factory=list)
    free: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.low = self.start
        self.free = list(self.pool)

    def pop(self) -> Entry:
        if self.stack:
            entry = self.stack.pop()
            return entry
        self.low -= 1
        return ("slot", self.low)

    def release(self, entry: Entry) -> None:
        if entry[0] == "reg":
            self.free.append(entry[1])

    def pin(self) -> list[tuple[int, int]] | None:
        """Give every pushed local still on the stack a register of its own (what a row inside the group needs:
        a ``set var`` there must not change a value pushed before it); the (register, local) loads to emit, or
        None when there are not registers enough."""
        loads = []
        for j, entry in enumerate(self.stack):
            if entry[0] == "local":
                if not self.free:
                    return None
                register = self.free.pop()
                self.stack[j] = ("reg", register)
                loads.append((register, entry[1]))
        return loads

    @property
    def depth(self) -> int:
        return self.low + len(self.stack)

    def visible(self) -> int:
        """How many entries left on the stack replace an operand that was there before the group."""
        return max(0, min(self.start - self.low, len(self.stack)))


def _signed(value: int, size: int) -> int:
    bits = 8 * size
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


#: Extensions whose constant operand ``_Emitter.unary`` folds into a differently derived immediate.
_FOLDS = frozenset(["i64.extend_i32_u", "i64.extend_i32_s", "i32.extend8_s", "i32.extend16_s", "i64.extend8_s",
                    "i64.extend16_s", "i64.extend32_s"])

#: ``tree_accesses``'s answer for an access not met before.
_NO_CLASS = (-1, -1, -1)
#: What leaves a value that is not a constant on top of a group's stack (``_Emitter``): a local, or a register.
_NOT_CONSTANT = frozenset(["local.get", *_BINARY, *(_UNARY - {"i32.wrap_i64"}), *_LOADS])

#: Tests set this: every replayed template is checked against the group emitted afresh.
_VERIFY = False


def _fits8(value: int) -> bool:
    return -128 <= value <= 127


def _fits32(value: int) -> bool:
    return -(1 << 31) <= value < 1 << 31


#: ``i64.and`` with this constant keeps the low half: ``mov r32, r/m32`` (no ``movabs`` of the mask).
_LOW32 = 0xFFFFFFFF


def _const_class(value: int) -> tuple[bool, ...]:
    """What of a constant decides the code emitted for it (every choice ``_Emitter`` makes on a constant's value):
    whether it fits a sign-extended imm8 as an i32 and as an i64 (``Assembler.alu``'s short form), an imm32 as an
    i64 (else ``movabs``), whether as a shift count (masked to 5 or 6 bits) it is 1 (the form without an
    immediate), and whether it is the i64 mask 0xFFFFFFFF (an ``and`` with it is a zero extension). Two constants
    of one class give code that differs only in their immediates' bytes."""
    if -128 <= value <= 127:  # most constants: an imm8 in every view
        return (True, True, True, value & 31 == 1, value & 63 == 1)
    s32 = value & 0xFFFFFFFF  # ``_signed`` and ``_fits8``/``_fits32``, inline (a class per constant of a group)
    s64 = value & 0xFFFFFFFFFFFFFFFF
    if s64 >> 63:
        s64 -= 1 << 64
    return (s32 <= 127 or s32 >= 0xFFFFFF80, -128 <= s64 <= 127, -(1 << 31) <= s64 < 1 << 31, value & 31 == 1,
            value & 63 == 1, s64 == _LOW32)


class _Recorder:
    """Where ``_Emitter`` wrote each constant's immediate: (offset from the group's start, width, the constant's
    ordinal among the group's constants, the mask applied to it first or 0)."""

    __slots__ = ("start", "patches", "constants")

    def __init__(self, start: int) -> None:
        self.start = start
        self.patches: list[tuple[int, int, int, int]] = []
        #: The constants' stack entries in push order (told apart by identity: equal values are distinct).
        self.constants: list[Entry] = []

    def note(self, end: int, entry: Entry, width: int, mask: int = 0) -> None:
        """The immediate of ``entry`` is the ``width`` bytes before code offset ``end``."""
        ordinal = next(n for n, known in enumerate(self.constants) if known is entry)
        self.patches.append((end - width - self.start, width, ordinal, mask))


@dataclass(frozen=True, slots=True)
class TreeTemplate:
    """A tree group's code as first emitted, the immediates to patch for another group of its shape, and what
    the group leaves: the condition code for a branch sink's jcc and the operand depth."""

    snippet: Snippet
    patches: tuple[tuple[int, int, int, int], ...]
    cc: str | None
    depth: int
    #: The rows it adds after its first instruction (``_emit``).
    rows: tuple[tuple[int, int], ...] = ()
    #: A group with loads or stores: its accesses' trap stubs, each (the access's index from the group's first
    #: instruction, trap code, offsets of the rel32 displacements that branch to it, guard memory or -1, guard
    #: site offset or -1), offsets from the group's start; replayed as stubs of their own.
    stubs: tuple[tuple[int, TrapCode, tuple[int, ...], int, int], ...] = ()

    def replay(self, a: Assembler, values: list[int]) -> None:
        start = len(a.code)
        if not self.patches and not self.snippet.relocations:
            a.code += self.snippet.code
            return
        a.replay(self.snippet)
        code = a.code
        for at, width, ordinal, mask in self.patches:
            value = values[ordinal]
            if mask:
                value &= mask
            at += start
            code[at:at + width] = (value & _WIDTH_MASKS[width]).to_bytes(width, "little")


_WIDTH_MASKS = {1: 0xFF, 2: 0xFFFF, 4: 0xFFFFFFFF, 8: 0xFFFFFFFFFFFFFFFF}
#: The immediate's width of ``mov_store_imm`` by access size (an 8-byte store takes a sign-extended imm32).
_STORE_IMM = {1: 1, 2: 2, 4: 4, 8: 4}


def _access_class(c: FunctionCompiler, instr: Instr) -> tuple[int, int, int] | None:
    """For a load or store without a compare (``guards.address``), whose static offset enters its code only as
    the access's displacement: (memory, the displacement's width: 0, 1 or 4 bytes, the offset); None for any
    other access (its offset decides its bounds check)."""
    op = instr.op
    offset = instr.imm[1]
    if type(offset) is not int:
        return None
    memory = memories.memarg_memory(instr)
    if memories.is64(c, memory) or not guards.elides(c, memory, offset + (_LOADS[op][0] if op in _LOADS
                                                                            else _STORES[op])):
        return None
    return memory, 0 if offset == 0 else 1 if offset < 128 else 4, offset


def _stub_replays(c: FunctionCompiler, body: list[Instr], index: int, start: int, first_stub: int,
                  count: int) -> tuple[tuple[int, TrapCode, tuple[int, ...], int, int], ...]:
    """The trap stubs a group emitted at code offset ``start`` made (those from ``c.stubs[first_stub]`` on), as
    ``TreeTemplate.stubs`` keeps them."""
    ordinals = {body[k].offset: k - index for k in range(index, min(len(body), index + count + 1))}
    return tuple((ordinals[stub.wasm_offset], stub.code, tuple(at - start for at in stub.label.fixups), stub.guard,
                  stub.site - start if stub.guard >= 0 else -1) for stub in c.stubs[first_stub:])


def _replay_stubs(c: FunctionCompiler, body: list[Instr], index: int, start: int, rows_inside: bool,
                  stubs: tuple[tuple[int, TrapCode, tuple[int, ...], int, int], ...]) -> None:
    """The trap stubs of a group replayed at code offset ``start``: each at its access's Wasm offset, with the
    access's row (``rows_inside``) or the group's (``_Emitter.checked``)."""
    from .function import TrapStub

    line = c.line(body[index].offset)
    for k, code, fixups, guard, site in stubs:
        offset = body[index + k].offset
        label = Label()
        label.fixups = [start + at for at in fixups]
        c.stubs.append(TrapStub(label, code, offset, c.line(offset) if rows_inside else line, guard,
                                start + site if guard >= 0 else -1))



@dataclass(frozen=True, slots=True)
class TreeGroup:
    """The plan of a tree group's key (``fuse_tree``): how many pure instructions it takes, whether the instruction
    after them is its sink, the index of the instruction whose flags a branch sink tests relative to the group's
    first (-1: none), and its code (None for a group with a load)."""

    count: int
    sink: bool
    condition: int
    template: TreeTemplate | None


#: ``tree_groups``'s answer for a key not met before (None is a key without a group).
_UNKNOWN = TreeGroup(-1, False, -1, None)
#: The code of a group with loads or stores met once: kept when met again (most groups of a function compiled
#: without optimisation are met once: their locals are all their own).
_SEEN = TreeGroup(-2, False, -1, None)

#: Operand stack effect of each instruction that may be a group's pure part.
_EFFECT = {op: 1 if op in _LEAVES else -1 if op in _BINARY else 0 for op in FIRST}
#: The same with the instructions that have rows of their own inside a group (``rows_in_groups``).
_EFFECT_ROWS = {**_EFFECT, **{op: -2 for op in _STORES}, "local.set": -1, "local.tee": 0}

_POOLS: dict[frozenset[int], tuple[int, ...]] = {}


def _pool(c: FunctionCompiler) -> tuple[int, ...]:
    saved = c.abi.callee_saved
    pool = _POOLS.get(saved)
    if pool is None:
        pool = _POOLS[saved] = (R8, R9, R10, R11, *(r for r in (RSI, RDI) if r not in saved))
    return pool


def rows_in_groups(c: FunctionCompiler) -> bool:
    """Whether this function's groups may take loads, stores and local writes after their first instruction,
    each with a row of its own: only where no producer DWARF describes the function (no fusion barrier from
    its body's size field to its end), so that nothing but our own code reads an operand slot: the Wasm-level
    DWARF names locals and parameters, never the operand stack."""
    if not c.ctx.fusion_barriers:
        return True
    ordered = c.ctx.sorted_barriers
    if ordered is None:
        ordered = c.ctx.sorted_barriers = sorted(c.ctx.fusion_barriers)
    f = c.function
    at = bisect_left(ordered, f.body_offset)
    return at == len(ordered) or ordered[at] > f.end_offset


def _stack_limit(c: FunctionCompiler, first: int) -> int | None:
    """Where the producer's DWARF next names an operand-stack value after module offset ``first`` (the start of
    the next such range; a large number if none), or None when ``first`` lies in such a range: up to there a
    group may keep operands in registers and hold barriers as rows of their own."""
    ctx = c.ctx
    index = ctx.stack_index
    if index is None:
        ranges = ctx.stack_ranges or ()
        ends, reach = [], 0
        for _, end in ranges:
            reach = max(reach, end)
            ends.append(reach)
        index = ctx.stack_index = ([begin for begin, _ in ranges], ends)
    begins, ends = index
    at = bisect_right(begins, first) - 1  # the ranges beginning at or before ``first``: does any reach past it?
    if at >= 0 and ends[at] > first:
        return None
    return begins[at + 1] if at + 1 < len(begins) else 1 << 62


def fuse_tree(c: FunctionCompiler, body: list[Instr], index: int, stop: int) -> int:
    """Compile the tree group starting at ``body[index]`` (one of ``FIRST``) and return how many instructions it
    took; 0 when there is none of two instructions or more (nothing emitted). The caller gave ``body[index]`` its
    row.

    What ``_plan`` decides is a function of the window it reads (the instructions from ``body[index]`` to the
    first that cannot continue a group, or to ``stop``), of the depth and, for a ``br_if`` ending the window,
    whether its branch moves values; what ``_emit`` emits is a function of the same, a constant entering by its
    encoding class only (``_const_class``). So one scan of the window makes a key, and the group is planned
    and encoded once per module and key (``TreeGroup``): later groups of the key replay its code with their
    constants' immediates patched in. A group with a load or a store is planned once per key with its accesses'
    immediates left out, and encoded from its second occurrence per key with them in (an access without a compare
    by its displacement's width only, the displacement patched like a constant's immediate): later groups replay
    that code and make its trap stubs again, each at its access's Wasm offset and row. With ``rows_in_groups``
    the window goes on through loads, stores and local writes, and the group adds their rows."""
    rows_inside = c.rows_in_groups
    if rows_inside is None:
        rows_inside = c.rows_in_groups = rows_in_groups(c)
    barriers = c.ctx.fusion_barriers or None
    barrier_rows = False
    limit = 1 << 62  # the window ends before this module offset (the next operand-stack location's)
    if not rows_inside and barriers is not None and c.ctx.stack_ranges is not None:
        found = _stack_limit(c, body[index].offset)
        if found is not None:
            rows_inside = barrier_rows = True
            limit = found
    c.group_rows = rows_inside
    if index + 1 >= stop or body[index + 1].op not in (_CONTINUE_ROWS if rows_inside else _CONTINUE):
        return 0  # the common no-group case, decided without a plan
    end = stop
    window = _FIRST_WINDOW
    stop = min(end, index + window + 1)
    start = len(c.a.code)
    shape: list[object] = []
    append = shape.append
    values: list[int] = []
    effect = 0
    folds = loads = False
    effects = _EFFECT_ROWS if rows_inside else _EFFECT
    guard_regions = c.ctx.guard_regions
    accesses = c.ctx.tree_accesses
    memory: frozenset[str] | dict[str, tuple[int, bool, int]] = frozenset() if rows_inside else _LOADS
    k = index
    while True:
        if k >= stop:
            if stop < end and window < _LIMIT and _grows(c, body, index, stop, shape, rows_inside, barrier_rows):
                window = min(_LIMIT, window * _GROWTH)
                stop = min(end, index + window + 1)
                continue
            append(None)  # cut by the limit
            break
        op, imm, offset = body[k]
        if offset >= limit:
            stop = k  # operand slots read by the producer's DWARF from here
            append(None)
            break
        if barriers is not None and k > index and offset in barriers:
            if barrier_rows and op in _BARRIER_ROWS:
                append("|")  # a row of its own (``_plan``, ``_emit``)
            else:
                stop = k  # the group may start at a barrier, never contain one after its first instruction
                append(None)
                break
        pushes = effects.get(op)
        if pushes is None or (k > index and op in memory):
            # The instruction that ends the window: the sink ``_plan`` tries, or where it stops. Of its
            # immediates only a local's index enters the group's code (a branch's label and an ``if``'s type
            # are ``fusion.branch``'s, after the group); a ``br_if`` is a sink only if it moves no values.
            if op == "br_if":
                saved = c.depth
                c.depth += effect - 1
                try:
                    append((op, c.needs_moves(c.int_immediate(imm[0]))))
                finally:
                    c.depth = saved
            elif op == "local.set" or op == "local.tee":
                append((op, imm))
            else:
                append(op)
            break
        effect += pushes
        if op == "i32.const" or op == "i64.const":
            value = imm[0]
            if type(value) is not int:
                value = c.int_immediate(value)  # raises the compiler's error
            values.append(value)
            append((op, (True, True, True, value & 31 == 1, value & 63 == 1) if -128 <= value <= 127
                    else _const_class(value)))
        else:
            if pushes == 0 or pushes == -2:  # the unary operations, loads and stores (``_EFFECT_ROWS``)
                if op in _FOLDS:
                    # Folded only when its operand is a constant: not after what pushes a local or a register.
                    folds = folds or (k > index and body[k - 1].op not in _NOT_CONSTANT)
                elif op in _LOADS or op in _STORES:
                    loads = True
                    if guard_regions:
                        access = accesses.get((op, imm), _NO_CLASS)
                        if access is _NO_CLASS:
                            access = accesses[(op, imm)] = _access_class(c, body[k])
                        if access is not None:
                            append((op, access[:2]))
                            values.append(access[2])  # a displacement only: patched as a constant's immediate
                            k += 1
                            continue
            append((op, imm))
        k += 1
    layout = (c.depth, c.locals_base, c.operands_base, rows_inside,
              barrier_rows and body[index].offset in c.ctx.fusion_barriers)
    full = tuple(shape)
    exact = folds and bool(values)  # an extension of a constant is folded into one immediate: not patched
    code_key: tuple[object, ...] | None = None
    groups = c.ctx.tree_groups
    coded = None
    if loads:
        # A group with a load or a store: its plan is the instructions' operations' alone (and a sink's: a
        # ``br_if``'s moves), not their immediates; its code is also its accesses' offsets', and its trap stubs
        # are replayed as stubs of its own.
        code_key = ("code", full, *layout)
        if exact:
            code_key += (tuple(values),)
        coded = groups.get(code_key)
        if coded is not None and coded.template is not None:
            group: TreeGroup | None = coded  # the plan and the code known
        else:
            key: tuple[object, ...] = (tuple(step[0] if isinstance(step, tuple) and step[0] != "br_if" else step
                                             for step in shape), *layout)
            group = groups.get(key, _UNKNOWN)
    else:
        key = (full, *layout)
        if exact:
            key += (tuple(values),)
        group = groups.get(key, _UNKNOWN)
    patched = bool(values) and not exact
    if group is _UNKNOWN:
        group, cc, depth, rows = _first(c, body, index, stop, patched, rows_inside, code_key is None)
        groups[key] = group
        if group is None:
            return 0
        if code_key is not None:
            groups[code_key] = _SEEN
    else:
        if _VERIFY:
            _verify_plan(c, body, index, stop, group, rows_inside)
        if group is None:
            return 0
        template = group.template
        if template is None:
            assert code_key is not None
            condition = index + group.condition if group.condition >= 0 else -1
            sink = body[index + group.count] if group.sink else None
            if coded is None:
                cc, depth, rows = _emit(c, body, index, group.count, sink, condition, rows_inside)
                groups[code_key] = _SEEN
            else:
                template, cc, depth, rows = _encode(c, body, index, group.count, sink, condition, rows_inside,
                                                    patched)
                groups[code_key] = TreeGroup(group.count, group.sink, group.condition, template)
        else:
            template.replay(c.a, values)
            if template.stubs:
                _replay_stubs(c, body, index, start, rows_inside, template.stubs)
            if _VERIFY:
                condition = index + group.condition if group.condition >= 0 else -1
                sink = body[index + group.count] if group.sink else None
                _verify(c, body, index, group.count, sink, condition, rows_inside, template)
            cc, depth, rows = template.cc, template.depth, template.rows
    if rows:
        _add_rows(c, body, index, start, rows)
    count = group.count
    sink = body[index + count] if group.sink else None
    c.depth = depth
    if depth > c.max_depth:
        c.max_depth = depth
    if sink is not None and sink.op in _BRANCHES:
        assert cc is not None
        branch(c, sink, cc)
    return count + (1 if sink is not None else 0)


def _grows(c: FunctionCompiler, body: list[Instr], index: int, stop: int, shape: list[object], rows_inside: bool,
           barrier_rows: bool) -> bool:
    """Whether the plan of the window ``body[index:stop]`` (read into ``shape``) takes all of it, so that a longer
    window may give a longer group. Known per module and shape: the plan depends on the instructions' operations
    (and a ``br_if``'s moves), never on their immediates (``_plan``)."""
    key = ("grows", tuple(step[0] if isinstance(step, tuple) and step[0] != "br_if" else step for step in shape),
           c.depth, rows_inside, barrier_rows and body[index].offset in c.ctx.fusion_barriers)
    windows = c.ctx.tree_windows
    known = windows.get(key)
    if known is None:
        plan = _plan(c, body, index, stop, rows_inside)
        known = windows[key] = plan is not None and plan[1] is None and plan[0] == stop - index
    return known


def _add_rows(c: FunctionCompiler, body: list[Instr], index: int, start: int,
              rows: tuple[tuple[int, int], ...]) -> None:
    """The rows a group adds inside (``_emit``'s), in the function's line rows; one at the address of the row
    before replaces it (that instruction emitted no code)."""
    lines = c.lines
    for at, k in rows:
        instr = body[index + k]
        first = lines.pop()[3] if lines and lines[-1][0] == start + at else False
        lines.append((start + at, c.line(instr.offset), instr.offset, first))


def _first(c: FunctionCompiler, body: list[Instr], index: int, stop: int, patched: bool, rows_inside: bool,
           keep: bool) -> tuple[TreeGroup | None, str | None, int, tuple[tuple[int, int], ...]]:
    """Plan and emit (but a branch sink's jcc) the group of a key met for the first time; returns what
    ``fuse_tree`` keeps for the key (its code too if ``keep``), and the condition code, depth and rows ``_emit``
    returned."""
    plan = _plan(c, body, index, stop, rows_inside)
    if plan is None:
        return None, None, c.depth, ()
    count, sink, condition = plan
    template: TreeTemplate | None = None
    if keep:
        template, cc, depth, rows = _encode(c, body, index, count, sink, condition, rows_inside, patched)
    else:
        cc, depth, rows = _emit(c, body, index, count, sink, condition, rows_inside)
    group = TreeGroup(count, sink is not None, condition - index if condition >= 0 else -1, template)
    return group, cc, depth, rows


def _encode(c: FunctionCompiler, body: list[Instr], index: int, count: int, sink: Instr | None, condition: int,
            rows_inside: bool, patched: bool) -> tuple[TreeTemplate, str | None, int, tuple[tuple[int, int], ...]]:
    """Emit a planned group (but a branch sink's jcc) and keep its template: where its constants' immediates
    went (``patched``) and the trap stubs its accesses made."""
    a = c.a
    start, first_relocation, first_stub = len(a.code), len(a.relocations), len(c.stubs)
    recorder = _Recorder(start) if patched else None
    cc, depth, rows = _emit(c, body, index, count, sink, condition, rows_inside, recorder)
    stubs = _stub_replays(c, body, index, start, first_stub, count) if len(c.stubs) > first_stub else ()
    template = TreeTemplate(a.snippet(start, first_relocation), () if recorder is None else tuple(recorder.patches),
                            cc, depth, rows, stubs)
    return template, cc, depth, rows


def _verify_plan(c: FunctionCompiler, body: list[Instr], index: int, stop: int, group: TreeGroup | None,
                 rows_inside: bool) -> None:
    plan = _plan(c, body, index, stop, rows_inside)
    known = None if group is None else (group.count, group.sink, group.condition)
    fresh = None if plan is None else (plan[0], plan[1] is not None, plan[2] - index if plan[2] >= 0 else -1)
    if known != fresh:
        raise AssertionError(f"tree plan mismatch at Wasm offset {body[index].offset:#x}: {known} != {fresh}")


def _verify(c: FunctionCompiler, body: list[Instr], index: int, count: int, sink: Instr | None, condition: int,
            rows_inside: bool, template: TreeTemplate) -> None:
    """The replayed (patched) code of the group just emitted must be what emitting it afresh gives."""
    a = c.a
    start = len(a.code) - len(template.snippet.code)
    replayed = bytes(a.code[start:])
    replayed_stubs = len(c.stubs)
    first_stub = replayed_stubs - len(template.stubs)
    scratch = Assembler()
    a_saved, c.a = c.a, scratch
    try:
        cc, depth, rows = _emit(c, body, index, count, sink, condition, rows_inside)
    finally:
        c.a = a_saved
    # The fresh emission's stubs (at offsets from 0) against the replayed ones; only the replayed stay.
    fresh_stubs = [(s.code, s.wasm_offset, s.line, s.guard, s.site, s.label.fixups) for s in c.stubs[replayed_stubs:]]
    del c.stubs[replayed_stubs:]
    stubs = [(s.code, s.wasm_offset, s.line, s.guard, s.site - start if s.guard >= 0 else -1,
              [at - start for at in s.label.fixups]) for s in c.stubs[first_stub:]]
    if (bytes(scratch.code), cc, depth, rows, fresh_stubs) != (replayed, template.cc, template.depth, template.rows,
                                                                stubs):
        raise AssertionError(f"tree template mismatch at Wasm offset {body[index].offset:#x}: "
                             f"{replayed.hex()} {template.cc} {template.depth} {stubs} != "
                             f"{bytes(scratch.code).hex()} {cc} {depth} {fresh_stubs}")


def _step(c: FunctionCompiler, w: _Walk, instr: Instr) -> bool:
    """Simulate one pure instruction or load; False when the group cannot take it (then ``w`` is spoilt)."""
    op = instr.op
    if op == "local.get":
        w.stack.append(("local", c.int_immediate(instr.imm[0])))
        return True
    if op in ("i32.const", "i64.const"):
        w.stack.append(("const", c.int_immediate(instr.imm[0])))
        return True
    if op in _BINARY:
        rhs, lhs = w.pop(), w.pop()
        return _result(w, lhs, rhs, op in _COMMUTATIVE_OPS or op in _FLOAT_CMP)
    if op == "i32.wrap_i64":
        w.stack.append(w.pop())  # the low half of the same value: no code (as ``_Emitter.unary``)
        return True
    if op in _UNARY or op in _LOADS:
        return _result(w, w.pop(), None, False)
    return False


def _result(w: _Walk, lhs: Entry, rhs: Entry | None, commutative: bool) -> bool:
    """Push an operation's result register: the first operand's if it is one (the second's for a commutative
    operation), else a free one."""
    if lhs[0] == "reg":
        if rhs is not None:
            w.release(rhs)
        w.stack.append(lhs)
        return True
    if rhs is not None and rhs[0] == "reg" and commutative:
        w.stack.append(rhs)
        return True
    if not w.free:
        return False
    # A fresh register, taken before the second operand's is given back: the first operand is loaded into it
    # while the second is still to be read.
    w.stack.append(("reg", w.free.pop()))
    if rhs is not None:
        w.release(rhs)
    return True


def _plan(c: FunctionCompiler, body: list[Instr], index: int, stop: int,
          rows_inside: bool) -> tuple[int, Instr | None, int] | None:
    """(instructions taken before the sink, the sink or None, index of the instruction whose value the branch
    sink tests or -1), or None when no group of two instructions or more keeps the contract. With
    ``rows_inside``, loads, stores and local writes after the first instruction are taken too (``_ROWED``)."""
    w = _Walk(c.depth, _pool(c))
    best: tuple[int, Instr | None, int] | None = None
    k = index
    while k < stop:
        instr = body[k]
        op = instr.op
        if rows_inside and k > index and op in _ROWED:
            if w.pin() is None or not _step_rowed(c, w, instr):
                break
            k += 1
            best = (k - index, None, -1)
            continue
        if op in _LOADS and k > index:
            break  # a memory access starts its group (see the module's docstring)
        if rows_inside and k > index and instr.offset in c.ctx.fusion_barriers and w.pin() is None:
            break  # a barrier's row (``fuse_tree`` let only those of ``_BARRIER_ROWS`` in the window)
        if op in FIRST:
            if not _step(c, w, instr):
                break  # ``w`` is spoilt, but only ``best`` is used from here
            k += 1
            if (rows_inside or w.visible() <= 1) and k - index >= 2:
                best = (k - index, None, -1)
            continue
        if k == index:
            return None
        sink = _sink(c, w, body, index, k, rows_inside)
        if sink is not None:
            best = (k - index, instr, sink)
        break
    return best


def _step_rowed(c: FunctionCompiler, w: _Walk, instr: Instr) -> bool:
    """Simulate a load, store or local write inside a group (after ``w.pin()``)."""
    op = instr.op
    if op in _LOADS:
        return _step(c, w, instr)
    if op in _STORES:
        w.release(w.pop())
        w.release(w.pop())
    elif op == "local.set":
        w.release(w.pop())
    else:  # local.tee: the value stays
        w.stack.append(w.pop())
    return True


def _sink(c: FunctionCompiler, w: _Walk, body: list[Instr], index: int, k: int, rows_inside: bool) -> int | None:
    """Whether ``body[k]`` can end the group whose pure part is ``body[index:k]`` (simulated in ``w``): None if
    not, else the index of the instruction producing a branch's condition (-1 for other sinks). With
    ``rows_inside`` no operand slot is visible to a debugger, only locals."""
    instr = body[k]
    op = instr.op
    if op == "local.set":
        w.pop()
        return -1 if w.visible() == 0 else None
    if op == "local.tee":
        return -1 if w.stack and w.low + len(w.stack) - 1 >= w.start and w.visible() == 0 else None
    if op in _BRANCHES:
        condition = w.pop()
        if condition[0] == "const" or (w.visible() != 0 and not rows_inside):
            return None
        if op == "br_if":
            saved = c.depth
            c.depth = w.depth
            try:
                if c.needs_moves(c.int_immediate(instr.imm[0])):
                    return None
            finally:
                c.depth = saved
        # What sets the flags for the jcc: the comparison before the run of i32.eqz in front of the branch (each
        # eqz inverts the condition), or the run's first eqz (a test of its operand); -1: the value is tested.
        m = k - 1
        while m > index and body[m].op == "i32.eqz":
            m -= 1
        if body[m].op in _FLAGS:
            return m
        return m + 1 if m + 1 < k else -1
    return None


# -- emission -----------------------------------------------------------------------------------------------------
class _Emitter:
    def __init__(self, c: FunctionCompiler, w: _Walk, first: Instr, rows_inside: bool = False,
                 recorder: _Recorder | None = None) -> None:
        self.c = c
        self.a = c.a
        self.w = w
        self.first = first
        self.rows_inside = rows_inside
        self.recorder = recorder
        #: The access ``checked`` last made, when its displacement is patched (``note_access``).
        self.access: Entry | None = None

    def note(self, entry: Entry, width: int, mask: int = 0) -> None:
        """The instruction just emitted ends with ``entry``'s immediate, ``width`` bytes (if it is a constant)."""
        if self.recorder is not None and entry[0] == "const":
            self.recorder.note(len(self.a.code), entry, width, mask)

    def note_access(self, after: int = 0) -> None:
        """The access just emitted has its displacement before its last ``after`` bytes (a store's immediate)."""
        access = self.access
        if access is not None and self.recorder is not None:
            self.recorder.note(len(self.a.code) - after, access, 1 if access[1] < 128 else 4)

    def alu_imm(self, name: str, size: int, dst: Operand, entry: Entry, value: int) -> None:
        """``name dst, imm`` of the constant ``entry`` whose value as an operand of ``size`` is ``value``."""
        self.a.alu(name, size, dst, value, imm=True)
        self.note(entry, 1 if _fits8(value) else 4)

    def checked(self, instr: Instr, entry: Entry, size: int) -> Mem:
        """The bounds-checked operand of ``instr``'s access at ``entry``'s address; its trap stubs report
        ``instr``'s Wasm offset (as wasmtime does) and carry the group's row (the same while a load is always
        its group's first instruction)."""
        c = self.c
        current, stubs = c.current, len(c.stubs)
        offset = c.int_immediate(instr.imm[1])
        self.access = None
        if self.recorder is not None and c.ctx.guard_regions and _access_class(c, instr) is not None:
            # Its displacement is patched: ``fuse_tree``'s scan took the offset among the constants, in order.
            access: Entry = ("offset", offset)
            self.recorder.constants.append(access)
            if offset:
                self.access = access
        c.current = instr
        try:
            addr = self.address(entry, offset, size, memories.memarg_memory(instr))
        finally:
            c.current = current
        if not self.rows_inside:  # else the access has its own row, and its stubs its line (``c.trap``)
            line = c.line(self.first.offset)
            for stub in c.stubs[stubs:]:
                stub.line = line
        return addr

    def write_local(self, target: int, value: Entry) -> None:
        a = self.a
        local = self.c.local(target)
        if value[0] == "reg":
            a.mov(8, local, value[1])
        elif value[0] == "const" and -(1 << 31) <= _signed(value[1], 8) < 1 << 31:
            a.mov_store_imm(8, local, _signed(value[1], 8))
            self.note(value, 4)
        else:
            self.load(8, RAX, value)
            a.mov(8, local, RAX)

    def rowed(self, instr: Instr, last: bool) -> None:
        """A load, store or local write inside the group, at its own row (the stack's locals pinned before it).
        As the group's last instruction, the other entries go to their slots first, so that its visible write
        (the store's, the local's) is the last native instruction."""
        op = instr.op
        w = self.w
        if op in _LOADS:
            self.loaded(instr)
            if last:
                self.materialise()
            return
        if op in _STORES:
            value, address = w.pop(), w.pop()
            if last:
                self.materialise()
            width = _STORES[op]
            addr = self.checked(instr, address, width)
            a = self.a
            if value[0] == "reg":
                a.mov(width, addr, value[1])
                self.note_access()
            elif value[0] == "const" and (width < 8 or -(1 << 31) <= _signed(value[1], 8) < 1 << 31):
                a.mov_store_imm(width, addr, _signed(value[1], width))
                self.note_access(_STORE_IMM[width])
                self.note(value, _STORE_IMM[width])
            else:
                self.load(width if width == 8 else 4, RDX, value)
                a.mov(width, addr, RDX)
                self.note_access()
            w.release(value)
            w.release(address)
            return
        target = self.c.int_immediate(instr.imm[0])
        value = w.pop()
        if op == "local.tee":
            w.stack.append(value)  # as ``_step_rowed``: an operand below the group's start comes up as its slot
        if last:
            self.materialise()
        self.write_local(target, value)
        if op == "local.set":
            w.release(value)

    def mem(self, entry: Entry) -> Mem:
        return self.c.local(entry[1]) if entry[0] == "local" else self.c.slot(entry[1])

    def operand(self, entry: Entry, size: int) -> tuple[Operand | int, bool]:
        """``entry`` as a second operand (register, memory, or immediate when it fits; a wide constant in rcx)."""
        kind, value = entry
        if kind == "reg":
            return value, False
        if kind != "const":
            return self.mem(entry), False
        value = _signed(value, size)
        if -(1 << 31) <= value < 1 << 31:
            return value, True
        self.a.mov_imm(8, RCX, value)
        self.note(entry, 8)
        return RCX, False

    def load(self, size: int, dst: int, entry: Entry) -> None:
        kind, value = entry
        if kind == "reg":
            if value != dst or size == 4:
                self.a.mov(size, dst, value)
        elif kind == "const":
            value = _signed(value, size)
            self.a.mov_imm(size, dst, value)
            self.note(entry, 8 if size == 8 and not _fits32(value) else 4)
        else:
            self.a.mov(size, dst, self.mem(entry))

    def store_slot(self, j: int, entry: Entry) -> None:
        """An entry to operand slot ``j``, whole (8 bytes)."""
        a = self.a
        kind, value = entry
        slot = self.c.slot(j)
        if kind == "reg":
            a.mov(8, slot, value)
        elif kind == "const":
            value = _signed(value, 8)
            if -(1 << 31) <= value < 1 << 31:
                a.mov_store_imm(8, slot, value)
                self.note(entry, 4)
            else:
                a.mov_imm(8, RAX, value)
                self.note(entry, 8)
                a.mov(8, slot, RAX)
        elif kind == "local" or value != j:
            a.mov(8, RAX, self.mem(entry))
            a.mov(8, slot, RAX)

    def materialise(self, keep_top_visible: bool = False) -> None:
        """Write the stack's entries to their slots: those at or above the starting depth first (not part of the
        state before the group), then the one below it, if any (the group's visible write: its last)."""
        w = self.w
        entries = list(enumerate(w.stack, w.low))
        for j, entry in entries:
            if j >= w.start:
                self.store_slot(j, entry)
        for j, entry in entries:
            if j < w.start:
                self.store_slot(j, entry)

    def compare(self, size: int, lhs: Entry, rhs: Entry) -> None:
        a = self.a
        if lhs[0] == "reg":
            self.alu_operand("cmp", size, lhs[1], rhs)
            return
        if lhs[0] != "const":
            if rhs[0] == "reg":
                a.alu("cmp", size, self.mem(lhs), rhs[1])
                return
            if rhs[0] == "const" and -(1 << 31) <= _signed(rhs[1], size) < 1 << 31:
                self.alu_imm("cmp", size, self.mem(lhs), rhs, _signed(rhs[1], size))
                return
        self.load(size, RAX, lhs)
        self.alu_operand("cmp", size, RAX, rhs)

    def float_compare(self, size: int, lhs: Entry, rhs: Entry) -> None:
        """``ucomis[sd] lhs, rhs`` on the two entries' bits (never constants: a float has none in a group)."""
        a = self.a
        for xmm, entry in ((0, lhs), (1, rhs)):
            if entry[0] == "reg":
                a.movq_to_xmm(size, xmm, entry[1])
            elif xmm == 0:
                a.movss_load(size, xmm, self.mem(entry))
        a.sse("ucomiss" if size == 4 else "ucomisd", 0, 1 if rhs[0] == "reg" else self.mem(rhs))

    def alu_operand(self, name: str, size: int, dst: Operand, entry: Entry) -> None:
        """``name dst, entry`` with ``entry`` as ``operand`` makes it."""
        src, imm = self.operand(entry, size)
        if imm:
            assert isinstance(src, int)
            self.alu_imm(name, size, dst, entry, src)
        else:
            self.a.alu(name, size, dst, src)

    def test(self, size: int, entry: Entry) -> None:
        if entry[0] == "reg":
            self.a.test(size, entry[1], entry[1])
        else:
            self.a.alu("cmp", size, self.mem(entry), 0, imm=True)

    def binary(self, op: str, flags_only: bool) -> str | None:
        """Emit one binary operation on the two top entries; returns the condition code a comparison leaves in
        the flags when ``flags_only`` (then nothing is pushed)."""
        a = self.a
        w = self.w
        kind, name = op.split(".")
        size = 4 if kind == "i32" or kind == "f32" else 8
        rhs, lhs = w.pop(), w.pop()
        if op in _FLOAT_CMP:
            # a < b is b > a: "a" (above) is false when unordered
            self.float_compare(size, *((rhs, lhs) if name == "lt" or name == "le" else (lhs, rhs)))
            cc = _FLOAT_CMP[op]
            if flags_only:
                w.release(lhs)
                w.release(rhs)
                return cc
            dst = self.destination(lhs, rhs, True)
            a.setcc(cc, dst)
            a.movzx(4, dst, 1, dst)
            return None
        if name in CMP:
            self.compare(size, lhs, rhs)
            if flags_only:
                w.release(lhs)
                w.release(rhs)
                return CMP[name]
            dst = self.destination(lhs, rhs, False)
            a.setcc(CMP[name], dst)
            a.movzx(4, dst, 1, dst)
            return None
        commutative = name in _COMMUTATIVE
        if lhs[0] != "reg" and rhs[0] == "reg" and commutative:
            lhs, rhs = rhs, lhs
        dst = self.destination(lhs, rhs, commutative)
        if name == "and" and size == 8 and rhs[0] == "const" and lhs[0] != "const" and _signed(rhs[1], 8) == _LOW32:
            a.mov(4, dst, lhs[1] if lhs[0] == "reg" else self.mem(lhs))  # the constant's class says so
            return None
        if lhs[0] != "reg":
            self.load(size, dst, lhs)
        if name in SHIFTS:
            if rhs[0] == "const":
                count = rhs[1] & (8 * size - 1)
                a.shift(SHIFTS[name], size, dst, count)
                if count != 1:
                    self.note(rhs, 1, 8 * size - 1)
            else:
                self.load(4, RCX, rhs)
                a.shift(SHIFTS[name], size, dst)
        elif name == "mul":
            if rhs[0] == "const":
                self.load(size, RCX, rhs)
                a.imul(size, dst, RCX)
            else:
                a.imul(size, dst, self.operand(rhs, size)[0])
        else:
            self.alu_operand(name, size, dst, rhs)
        return None

    def destination(self, lhs: Entry, rhs: Entry | None, commutative: bool) -> int:
        """The register the result goes to (as ``_result`` chose it in the plan) and push it."""
        w = self.w
        if lhs[0] == "reg":
            if rhs is not None:
                w.release(rhs)
            w.stack.append(lhs)
            return lhs[1]
        if rhs is not None and rhs[0] == "reg" and commutative:
            w.stack.append(rhs)
            return rhs[1]
        register = w.free.pop()
        w.stack.append(("reg", register))
        if rhs is not None:
            w.release(rhs)
        return register

    def unary(self, instr: Instr, flags_only: bool) -> str | None:
        a = self.a
        op = instr.op
        x = self.w.pop()
        if op in ("i32.eqz", "i64.eqz"):
            size = 4 if op.startswith("i32") else 8
            if x[0] == "const":
                self.load(size, RAX, x)
                x_test: Entry = ("reg", RAX)
            else:
                x_test = x
            self.test(size, x_test)
            if flags_only:
                self.w.release(x)
                return "e"
            dst = self.destination(x, None, False)
            a.setcc("e", dst)
            a.movzx(4, dst, 1, dst)
            return None
        if op == "i32.wrap_i64":
            self.w.stack.append(x)
            return None
        dst = self.destination(x, None, False)
        source: Operand = x[1] if x[0] == "reg" else self.mem(x) if x[0] != "const" else 0
        if x[0] == "const":
            assert self.recorder is None, "a folded constant is not patched: the group's key holds its value"
            value = _signed(x[1], 4 if op.startswith("i64.extend_i32") else 8)
            if op == "i64.extend_i32_u":
                value &= 0xFFFFFFFF
            elif op in ("i32.extend8_s", "i64.extend8_s"):
                value = _signed(value, 1)
            elif op in ("i32.extend16_s", "i64.extend16_s"):
                value = _signed(value, 2)
            elif op == "i64.extend32_s":
                value = _signed(value, 4)
            a.mov_imm(8, dst, value)
            return None
        match op:
            case "i64.extend_i32_u":
                a.mov(4, dst, source)
            case "i64.extend_i32_s" | "i64.extend32_s":
                a.movsx(8, dst, 4, source)
            case "i32.extend8_s" | "i64.extend8_s":
                a.movsx(4 if op.startswith("i32") else 8, dst, 1, source)
            case _:
                a.movsx(4 if op.startswith("i32") else 8, dst, 2, source)
        return None

    def address(self, entry: Entry, offset: int, size: int, memory: int) -> Mem:
        """``FunctionCompiler.address`` on the entry's value (rax, rcx and rdx are the check's)."""
        if entry[0] == "const":
            wide = memories.is64(self.c, memory)
            value = _signed(entry[1], 8)
            self.a.mov_imm(8 if wide else 4, RAX, value)
            self.note(entry, 8 if wide and not _fits32(value) else 4)
            return self.c.address(RAX, offset, size, memory)
        return self.c.address(entry[1] if entry[0] == "reg" else self.mem(entry), offset, size, memory)

    def loaded(self, instr: Instr) -> None:
        width, signed, rsize = _LOADS[instr.op]
        x = self.w.pop()
        addr = self.checked(instr, x, width)
        dst = self.destination(x, None, False)
        if signed:
            self.a.movsx(rsize, dst, width, addr)
        elif width < 4:
            self.a.movzx(4, dst, width, addr)
        else:
            self.a.mov(width, dst, addr)
        self.note_access()


def _emit(c: FunctionCompiler, body: list[Instr], index: int, count: int, sink: Instr | None, condition: int,
          rows_inside: bool, recorder: _Recorder | None = None) -> tuple[str | None, int, tuple[tuple[int, int], ...]]:
    """Emit the group but a branch sink's jcc; returns the condition code of the flags for that jcc (None for
    other sinks), the operand depth after the group and the rows it adds (native offset from the group's start,
    instruction index from ``index``) for its later loads, stores and local writes. A ``recorder`` is told where
    each constant's immediate went."""
    w = _Walk(c.depth, _pool(c))
    e = _Emitter(c, w, body[index], rows_inside, recorder)
    a = c.a
    start = len(a.code)
    rows: list[tuple[int, int]] = []
    cc = None
    k = index
    end = index + count
    written = False  # the instruction before made a visible write: this one starts a row
    barriers = c.ctx.fusion_barriers

    def add_row(k: int) -> None:
        """A row for ``body[k]`` here; if no code came since the row before and that row is a barrier's, a
        ``nop`` first, so that the barrier keeps an address of its own."""
        at = len(a.code) - start
        before, before_k = rows[-1] if rows else (0, 0)
        if at == before and barriers and body[index + before_k].offset in barriers:
            a.nop()
            at += 1
        rows.append((at, k - index))
    materialised = False  # by the last instruction, before its visible write
    while k < end:
        instr = body[k]
        op = instr.op
        flags_only = k == condition
        if written:
            add_row(k)
            written = False
        if rows_inside and k > index and op not in _ROWED and instr.offset in c.ctx.fusion_barriers:
            loads = w.pin()
            assert loads is not None  # as planned
            for register, local in loads:
                a.mov(8, register, c.local(local))
            add_row(k)
        if rows_inside and k > index and op in _ROWED:
            loads = w.pin()
            assert loads is not None  # as planned
            for register, local in loads:
                a.mov(8, register, c.local(local))  # whole, as every local is written
            add_row(k)
            materialised = k == end - 1 and sink is None
            e.rowed(instr, materialised)
            written = op not in _LOADS
        elif op == "local.get":
            w.stack.append(("local", c.int_immediate(instr.imm[0])))
        elif op in ("i32.const", "i64.const"):
            entry = ("const", c.int_immediate(instr.imm[0]))
            w.stack.append(entry)
            if recorder is not None:
                recorder.constants.append(entry)
        elif op in _BINARY:
            cc = e.binary(op, flags_only)
        elif op in _LOADS:
            e.loaded(instr)
        else:
            cc = e.unary(instr, flags_only)
        k += 1
        if flags_only:
            break
    if written and sink is not None:
        add_row(index + count)
    done = tuple(rows)
    if sink is None:
        if not materialised:
            e.materialise()
        if rows and rows[-1][0] == len(a.code) - start and body[index + rows[-1][1]].offset in barriers:
            a.nop()  # a barrier's row with no code after it: the next instruction's row would replace it
    elif sink.op in ("local.set", "local.tee"):
        target = c.int_immediate(sink.imm[0])
        value = w.stack[-1] if sink.op == "local.tee" else w.pop()
        e.materialise()
        e.write_local(target, value)
    else:
        if cc is None:
            # The condition is a value the group made or read (not a comparison's flags): test it.
            test = w.pop()
            w.release(test)
            e.materialise()
            e.test(4, test)
            cc = "ne"
        else:
            e.materialise()  # plain moves: the flags survive
            if (end - 1 - condition) & 1:  # the eqz after the flags' producer, each inverting the condition
                cc = INVERSE[cc]
        return cc, w.depth, done
    return None, w.depth, done
