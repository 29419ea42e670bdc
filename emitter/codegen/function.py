"""Single-pass compilation of one Wasm function body to x86-64 (in the spirit of V8 Liftoff / Wasmtime Winch,
minus the register allocator: correctness first).

Every Wasm local and every operand-stack value has a fixed 8-byte frame slot (a v128 two adjacent ones: depths
and arities count 8-byte units, see ``simd.py``): the operand at stack depth ``j`` always lives in slot ``j`` (Wasm
validation makes the depth at each instruction static), so control-flow merges need no reconciliation: a branch
copies its values to the target's slots and jumps. Instructions load operands into scratch registers (rax, rcx,
rdx, r11, xmm0, xmm1: caller-saved in both System V and Win64), compute, and store the result. rbx holds the
linear-memory base in functions that access memory (reloaded after every call); rsi/rdi are used by ``rep
movsb``/``stosb`` and pushed when the ABI says they are callee-saved.

Choices documented here because they are visible to users:
- clz/ctz use ``bsr``/``bsf`` with explicit zero handling (``lzcnt``/``tzcnt`` decode as ``bsr``/``bsf`` on CPUs
  without BMI and would silently give wrong results); popcnt and SSE4.1 ``roundss``/``roundsd`` need
  x86-64-v2.
- Floats follow x86 SSE NaN behaviour, like wasmtime on x86-64 (no canonicalisation; Wasm allows any arithmetic
  NaN); min/max handle NaN and signed zeros explicitly.
- Multiple results (internal convention, never exported to C): the caller passes a pointer to the result area
  as a hidden first integer argument; result ``i`` of ``n`` is stored at ``[ptr + 8*(n-1-i)]`` (the first result
  at the highest address, so the area is exactly the caller's operand slots).
- Trap sites branch to out-of-line stubs ``mov arg0, code; call jitdebug_trap; ud2`` at the end of the function,
  one per site, each with a line-table row naming the trapping instruction.

Compile speed: with fixed slots, most instructions compile to bytes that depend only on the opcode, the
immediates, the operand depth and the frame layout (``STRAIGHT_LINE``), and a module's functions repeat the same
few thousand of them. Each is encoded once per module and its bytes (with its relocations and trap stubs) copied
for every later occurrence; entry sequences and trap stubs likewise (``emit_cached``). The bytes are the same
either way: only the work of encoding them is saved.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..compiled import CallSite
from ..errors import EmitError, UnsupportedError
from ..unwind import UnwindOp, op_parts
from ..wasm.module import BlockType, FuncType, Instr, Module, ValType
from ..x64.asm import (
    R11,
    RAX,
    RBP,
    RBX,
    RCX,
    RDI,
    RDX,
    RSI,
    RSP,
    Assembler,
    Label,
    Mem,
    RipRel,
    Snippet,
)
from . import guards, memories, return_values, tables
from .abi import Abi, ArgLocation
from .branch_table import compile_br_table, emit_jump_tables
from .bulk_memory import emit_overlapping_copy
from .exceptions import HANDLERS as EXCEPTION_HANDLERS
from .exceptions import LEGACY_CLAUSES, ExceptionRegions, compile_deferred_catch_blocks, defer_catch_blocks, drop_caught
from .frame import emit_epilogue
from .fusion import FIRST as FUSION_FIRST
from .fusion import fuse
from .runtime import (
    MEMORY_RECORD_MAXIMUM,
    MEMORY_RECORD_SIZE,
    TABLE_RECORD_BASE,
    TRAP_HOOK,
    VMCTX_INSTANTIATED,
    VMCTX_MEMORY_BASE,
    WASM_PAGE,
    StateSymbols,
    TrapCode,
)
from .simd import (
    SIMD_HANDLERS,
    SIMD_MEMORY_OPS,
    local_offsets,
    pass_vector,
    spill_vector,
    units,
    vector_handlers,
)
from .tables import HANDLERS as TABLE_HANDLERS
from .tailcall import HANDLERS as TAIL_CALL_HANDLERS
from .trap_offsets import NO_PLAN, TrapPlan, trap_plan
from .trees import FIRST as TREE_FIRST
from .trees import TreeGroup, fuse_tree

_FLOAT = (ValType.F32, ValType.F64)
#: Bytes of a value in a register or frame slot; every reference type (funcref, externref, exnref) is a pointer.
_SIZE = {ValType.I32: 4, ValType.I64: 8, ValType.F32: 4, ValType.F64: 8, ValType.FUNCREF: 8,
         ValType.EXTERNREF: 8, ValType.EXNREF: 8}

#: wasmtime 50's x86-64 defaults for a 32-bit memory: 4 GiB reserved, 32 MiB of guard pages after it. Cranelift
#: traps unconditionally on an access whose offset + size exceeds the largest the memory can be (the reservation,
#: or the declared maximum when smaller). It drops the check when no 32-bit address + offset + size can pass the
#: reservation + guard: out of bounds, such an access faults, and wasmtime reports "memory fault at wasm address
#: ...". Otherwise an explicit check against the reservation catches it (a plain "out of bounds memory access"
#: when the access ends past 4 GiB, a fault when it ends inside the reservation but past the memory's current
#: size). Measured with wasmtime-py in tests/test_trap_memory_fault.py.
WASMTIME_RESERVATION = 1 << 32
WASMTIME_GUARD = 32 << 20

#: Opcodes that read the memory base register.
MEMORY_OPS = frozenset(
    [f"{t}.load{s}" for t in ("i32", "i64", "f32", "f64") for s in ("", "8_s", "8_u", "16_s", "16_u", "32_s", "32_u")]
    + [f"{t}.store{s}" for t in ("i32", "i64", "f32", "f64") for s in ("", "8", "16", "32")]
    + ["memory.copy", "memory.fill", "memory.init"]) | SIMD_MEMORY_OPS
#: Opcodes that use rsi/rdi/rcx through ``rep movsb``/``rep stosb``.
STRING_OPS = frozenset(["memory.copy", "memory.fill", "memory.init", "table.init", "table.copy", "table.fill"])

_CATCH_CLAUSES = frozenset({"catch", "catch_all"})
_CMP = {"eq": "e", "ne": "ne", "lt_s": "l", "lt_u": "b", "gt_s": "g", "gt_u": "a", "le_s": "le", "le_u": "be",
        "ge_s": "ge", "ge_u": "ae"}
_ALU = {"add": "add", "sub": "sub", "and": "and", "or": "or", "xor": "xor"}
_SHIFTS = {"shl": "shl", "shr_s": "sar", "shr_u": "shr", "rotl": "rol", "rotr": "ror"}
_FBIN = {"add": "add", "sub": "sub", "mul": "mul", "div": "div"}
_ROUND = {"nearest": 8, "floor": 9, "ceil": 10, "trunc": 11}
_LOADS = {  # op suffix -> (access size, extension): "s"/"u" for narrow loads, "" for full width
    "load": (0, ""), "load8_s": (1, "s"), "load8_u": (1, "u"), "load16_s": (2, "s"), "load16_u": (2, "u"),
    "load32_s": (4, "s"), "load32_u": (4, "u"),
}


def _f32(value: float) -> int:
    return int(struct.unpack("<I", struct.pack("<f", value))[0])


def _f64(value: float) -> int:
    return int(struct.unpack("<Q", struct.pack("<d", value))[0])


#: Float-to-int bounds: (int type, signed, float size) -> (exclusive lower, exclusive upper) bit patterns.
_TRUNC_BOUNDS = {
    (4, True, 4): (_f32(-2147483904.0), _f32(2147483648.0)),
    (4, True, 8): (_f64(-2147483649.0), _f64(2147483648.0)),
    (4, False, 4): (_f32(-1.0), _f32(4294967296.0)),
    (4, False, 8): (_f64(-1.0), _f64(4294967296.0)),
    (8, True, 4): (_f32(-9223373136366403584.0), _f32(9223372036854775808.0)),
    (8, True, 8): (_f64(-9223372036854777856.0), _f64(9223372036854775808.0)),
    (8, False, 4): (_f32(-1.0), _f32(18446744073709551616.0)),
    (8, False, 8): (_f64(-1.0), _f64(18446744073709551616.0)),
}


@dataclass
class Control:
    kind: str  # "func", "block", "loop", "if"
    #: Operand depth below the block's parameters.
    height: int
    params: int
    results: int
    target: Label
    end: Label
    else_label: Label | None = None
    #: The try region in effect for code directly inside this frame (None: exceptions go to the caller).
    scope: TryScope | None = None
    #: Legacy ``try`` only: its own region, the frame slot of the exception its catch blocks hold, and whether
    #: the code being compiled is in a catch block.
    try_scope: TryScope | None = None
    exception_slot: int | None = None
    catching: bool = False
    #: Catch blocks among this frame and those enclosing it: a branch leaves one exactly when the count at its
    #: target's enclosing frame is lower, which a ``br_table`` of thousands of targets asks for each of them.
    catch_blocks: int = 0
    #: The catch block may hold an exception borrowed from an enclosing one (``exceptions.borrowed_check``).
    may_borrow: bool = False
    #: The enclosing frame and this frame's index in the control stack: a deferred catch block rebuilds its
    #: control stack from them (``exceptions.compile_deferred_catch_blocks``) instead of a copy per try, which
    #: made nesting depth quadratic.
    parent: Control | None = None
    level: int = 0
    #: The exception slots of the legacy catch blocks from the function's frame to this one (the code here may
    #: rethrow them), kept per frame so that no instruction walks the control stack.
    held: tuple[int, ...] = ()


if TYPE_CHECKING:
    from ..dwarf.return_types import ReturnPlan
    from .branch_table import JumpTable
    from .exceptions import TryScope


@dataclass
class TrapStub:
    label: Label
    code: TrapCode
    wasm_offset: int
    line: int
    #: A guard site's stub (``guards.py``): the memory of the access, and the body offset of its code (else -1).
    guard: int = -1
    site: int = -1


@dataclass(frozen=True, slots=True)
class Template:
    """A ``STRAIGHT_LINE`` instruction as compiled once: its code, the trap stubs it branches to (each a trap code
    and the offsets of its branches' rel32 displacements from the instruction's start), and the operand depth
    after it."""

    code: Snippet
    traps: tuple[tuple[TrapCode, tuple[int, ...]], ...]
    depth: int
    #: Neither relocations nor trap stubs: replaying is copying the bytes (most instructions).
    plain: bool
    #: Guard sites (``guards.py``): each access's memory and its offset from the instruction's start.
    guards: tuple[tuple[int, int], ...] = ()


@dataclass
class FunctionContext:
    """What a function body needs from the module being compiled."""

    module: Module
    abi: Abi
    symbols: StateSymbols
    function_symbols: list[str]
    signature_ids: list[int]
    instantiate_symbol: str
    line_of: Callable[[int], int] | None = None
    exported: set[int] = field(default_factory=set)
    #: The symbol of each tag's descriptor (tag index space, imports first).
    tag_symbols: list[str] = field(default_factory=list)
    #: ``module.num_imported_functions``, counted once (the defined functions' indices start there).
    imported_functions: int = 0
    #: ``module.num_imported_globals``: those are reached through ``<m>.global_imports``.
    imported_globals: int = 0
    #: The JIT (``compile_module(linkable=True)``): ``ref.func`` of an import reads ``<m>.import_funcrefs``.
    grow_hook: bool = False
    #: What ``memory.grow`` calls (``int32_t (struct jitdebug_memory *, uint32_t)``): the JIT's
    #: ``MEMORY_GROW_HOOK``, an object's ``<m>.memory_grow`` (``aot_memory.py``); None: static storage, inline.
    grow_symbol: str | None = None
    #: Code of straight-line instructions already compiled in this module, by (op, immediates, operand depth,
    #: frame layout): see ``STRAIGHT_LINE``.
    templates: dict[tuple[object, ...], Template] = field(default_factory=dict)
    #: Other position-independent sequences already encoded in this module (``FunctionCompiler.emit_cached``).
    snippets: dict[tuple[object, ...], Snippet] = field(default_factory=dict)
    #: Epilogues with ``ret`` already encoded in this module, by (saved registers, after a call): their code and
    #: unwind records, at offsets from their start (``FunctionCompiler.emit_frame_exit``).
    epilogues: dict[tuple[object, ...], tuple[bytes, tuple[tuple[type[UnwindOp], int, tuple[object, ...]], ...]]] = \
        field(default_factory=dict)
    #: Tree groups already planned (and encoded) in this module, by their window's shape (``trees.py``).
    tree_groups: dict[tuple[object, ...], TreeGroup | None] = field(default_factory=dict)
    #: Whether a tree group's window of this shape grows (``trees._grows``).
    tree_windows: dict[tuple[object, ...], bool] = field(default_factory=dict)
    #: A load's or store's (op, immediates) -> its class in tree groups' keys (``trees._access_class``).
    tree_accesses: dict[tuple[str, tuple[object, ...]], tuple[int, int, int] | None] = field(default_factory=dict)
    #: Each defined global's offset in the globals' storage (8 bytes each, 16 for a v128).
    global_offsets: list[int] = field(default_factory=list)
    #: Whether the module has v128 values at all, and the functions where they occur (``simd.vector_functions``).
    vector_module: bool = False
    vector_functions: frozenset[int] = frozenset()
    #: Per memory (index space), whether it is a 64-bit memory (``memories.py``).
    memory64: tuple[bool, ...] = ()
    #: Per table (index space), whether it is a 64-bit table (``tables.py``).
    table64: tuple[bool, ...] = ()
    #: Whether instruction groups may be fused (``fusion.py``): not when the producer's DWARF cannot be read.
    fusion: bool = True
    #: Module offsets no fused group may contain after its first instruction (``dwarf/fusion_barriers.py``):
    #: where the producer's line rows, inlined-call, block and variable ranges start or end. A fused group
    #: gives its later instructions no native address of their own, so such a row or range would move.
    fusion_barriers: frozenset[int] = frozenset()
    #: ``fusion_barriers`` sorted, made on first use (``trees.rows_in_groups``).
    sorted_barriers: list[int] | None = None
    #: Where the producer's DWARF names operand-stack values (``dwarf/fusion_barriers.FusionLimits.stack``):
    #: sorted [begin, end) module offset ranges; None: anywhere. Groups elsewhere may hold barriers as rows.
    stack_ranges: tuple[tuple[int, int], ...] | None = ()
    #: ``stack_ranges``' begins and the furthest end up to each, made on first use (``trees._stack_limit``).
    stack_index: tuple[list[int], list[int]] | None = None
    #: Loads and stores of 32-bit memories whose offset fits the guard have no compare (``guards.py``).
    guard_regions: bool = False
    #: wasmtime's ``signals-based-traps``: its accesses that would fault in the guard report the fault line
    #: (``memory fault at wasm address ...``); off, every out-of-bounds access is a plain one, as wasmtime's then.
    fault_reports: bool = True
    #: Functions returning an aggregate through memory that also return it in native registers, by Wasm index
    #: (``return_values.py``).
    return_plans: dict[int, ReturnPlan] = field(default_factory=dict)


@dataclass
class FunctionBody:
    """The compiled body (prologue not yet prepended) and what the prologue needs."""

    asm: Assembler
    records: list[UnwindOp]
    lines: list[tuple[int, int, int, bool]]
    saved: list[int]
    slots: int
    outgoing: int
    overflow_stub: int
    locals_base: int
    local_types: list[ValType]
    #: Calls with handlers (body offsets) and the type table of their filters (see ``exceptions.py``).
    call_sites: list[CallSite] = field(default_factory=list)
    catch_types: list[str | None] = field(default_factory=list)
    #: Each local's distance below rbp (``simd.local_offsets``).
    local_offsets: list[int] = field(default_factory=list)
    #: Trap calls reported at another Wasm offset than their row's (body offsets): ``trap_offsets.py``.
    trap_reports: list[tuple[int, int, int]] = field(default_factory=list)
    #: Indices into ``lines`` of the rows that start at a call's return address (``row_after_call``).
    after_calls: list[int] = field(default_factory=list)
    #: (access, stub) body offsets of the accesses without a check (``guards.py``).
    guard_sites: list[tuple[int, int]] = field(default_factory=list)


class FunctionCompiler:
    def __init__(self, ctx: FunctionContext, func_index: int, name: str) -> None:
        self.ctx = ctx
        self.module = ctx.module
        self.abi = ctx.abi
        self.sym = ctx.symbols
        self.index = func_index
        self.name = name
        self.type: FuncType = self.module.func_type(func_index)
        self.function = self.module.functions[func_index - ctx.imported_functions]
        self.local_types = list(self.type.params) + list(self.function.locals)
        #: Whether v128 values occur here (their own handlers for the type-generic instructions, see ``simd.py``).
        self.vector = ctx.vector_module and self.index in ctx.vector_functions
        self.a = Assembler()
        self.records: list[UnwindOp] = []
        #: Line rows as (code offset, line, Wasm offset, prologue end); made ``LineEntry``s once shifted.
        self.lines: list[tuple[int, int, int, bool]] = []
        self.stubs: list[TrapStub] = []
        #: Trap calls whose report names another Wasm offset than their row: (start, end, Wasm offset), and the
        #: traps wasmtime reports at a branch, found when first needed (``trap_offsets.py``).
        self.trap_reports: list[tuple[int, int, int]] = []
        self._trap_plan: TrapPlan | None = None
        self.depth = 0
        self.max_depth = 0
        self.outgoing = self.abi.shadow_space
        self.control: list[Control] = []
        self.jump_tables: list[JumpTable] = []
        self.current: Instr | None = None
        ops = {i.op for i in self.function.body}
        if "unreachable" not in ops:
            self._trap_plan = NO_PLAN  # what ``trap_plan`` answers then, without its scans
        self.uses_memory = bool(ops & MEMORY_OPS)
        self.uses_string = bool(ops & STRING_OPS) or len(self.function.locals) > 8
        saved = [RBX] if self.uses_memory else []
        saved += [r for r in (RSI, RDI) if self.uses_string and r in self.abi.callee_saved]
        self.saved = saved
        self.multi = len(self.type.results) > 1
        self.return_plan = ctx.return_plans.get(func_index)
        #: Whether the frame has the hidden slot: a result pointer, passed (``multi``) or the first parameter.
        self.hidden = self.multi or self.return_plan is not None
        # Windows sets rbp below the pushes (``frame.py``): locals start right under it, arguments sit higher.
        self.locals_base = 0 if self.abi.seh_frames else 8 * len(saved)
        self.incoming_base = 16 + (8 * len(saved) if self.abi.seh_frames else 0)
        #: End offset of the last call emitted (an epilogue right after it needs a ``nop`` on Windows).
        self.call_end = -1
        #: After the last call: its return address, the end of the code after it (the result's store, the
        #: memory-base reload) and whether it has results. That code is the call's bookkeeping: after a call
        #: without results, or whose result is dropped, it joins the next instruction's row, so the return
        #: address starts the next statement's row as natively (``finish`` shows that line; the caller's
        #: ``pc - 1`` is still the call's row in ``bt`` and backtraces).
        self.call_return = (-1, -1, False)
        #: Indices into ``lines`` of the rows ``row_after_call`` started at a return address: the line
        #: translation gives them the row a native return address has when the producer's is line 0.
        self.after_calls: list[int] = []
        #: Whether tree groups here may hold memory accesses and local writes with rows of their own
        #: (``trees.rows_in_groups``); decided at the first group.
        self.rows_in_groups: bool | None = None
        #: Whether the group ``trees.fuse_tree`` last considered has rows inside (the function's, or a group of
        #: a function with producer DWARF clear of its operand-stack locations).
        self.group_rows = False
        self.hidden_slot = len(self.local_types)
        #: Each local's (and then the hidden result pointer's) distance below rbp; a v128 local takes 16 bytes.
        self.local_offsets = local_offsets(self.locals_base, self.local_types)
        self.local_words = units(self.local_types)
        # Each legacy try gets a slot for the exception its catch blocks hold, between the locals and operands.
        self.exceptions = ExceptionRegions(ctx.tag_symbols)
        self.exception_slots_base = self.locals_base + 8 * (self.local_words + self.hidden)
        self.exception_slots = sum(1 for instr in self.function.body if instr.op == "try") if "try" in ops else 0
        self.exception_slots_used = 0
        self.operands_base = self.exception_slots_base + 8 * self.exception_slots

    # -- slots --------------------------------------------------------------------------------------------------
    def local(self, i: int) -> Mem:
        return Mem(RBP, -self.local_offsets[i])

    def slot(self, j: int) -> Mem:
        return Mem(RBP, -(self.operands_base + 8 * (j + 1)))

    def exception_slot(self, k: int) -> Mem:
        return Mem(RBP, -(self.exception_slots_base + 8 * (k + 1)))

    def next_exception_slot(self) -> int:
        self.exception_slots_used += 1
        return self.exception_slots_used - 1

    def push_control(self, kind: str, height: int, params: int, results: int, target: Label, end: Label,
                     else_label: Label | None = None, *, scope: TryScope | None = None) -> Control:
        """Open a block; it inherits the enclosing try region unless it is one (``scope``)."""
        enclosing = self.control[-1]
        frame = Control(kind, height, params, results, target, end, else_label,
                        scope if scope is not None else enclosing.scope, catch_blocks=enclosing.catch_blocks,
                        parent=enclosing, level=len(self.control), held=enclosing.held)
        self.control.append(frame)
        return frame

    def int_immediate(self, value: object) -> int:
        return _int(value)

    def call_runtime(self, symbol: str) -> None:
        """Call a runtime routine that may throw (``jitdebug_throw``...): a call site of the current region."""
        start = self.a.offset
        self.a.call_symbol(symbol)
        self.exceptions.record_call(self.control[-1].scope, start, self.a.offset)

    def push(self, n: int = 1) -> None:
        self.depth += n
        if self.depth > self.max_depth:
            self.max_depth = self.depth

    def error(self, message: str) -> EmitError:
        return EmitError(message, function=self.name, offset=self.a.offset)

    def trap(self, code: TrapCode) -> Label:
        """A fresh out-of-line trap stub for the current instruction."""
        instr = self.current
        offset = instr.offset if instr is not None else self.function.code_offset
        stub = TrapStub(Label(), code, offset, self.line(offset))
        self.stubs.append(stub)
        return stub.label

    def trap_plan(self) -> TrapPlan:
        if self._trap_plan is None:
            self._trap_plan = trap_plan(self.module, self.function.body)
        return self._trap_plan

    def branch_trap_stub(self, branch: Instr) -> Label | None:
        """A trap stub named after ``branch`` for its conditional edge into a trapping block that other edges
        reach too (wasmtime's conditional trap there: ``trap_offsets.py``), else None (the edge goes to its
        label)."""
        if branch.offset not in self.trap_plan().stub_edges:
            return None
        stub = TrapStub(Label(), TrapCode.UNREACHABLE, branch.offset, self.line(branch.offset))
        self.stubs.append(stub)
        return stub.label

    def guard_site(self, memory: int) -> None:
        """A guard site at the current code offset (``guards.address``): its stub, at the current instruction."""
        instr = self.current
        offset = instr.offset if instr is not None else self.function.code_offset
        self.stubs.append(TrapStub(Label(), TrapCode.MEMORY_FAULT, offset, self.line(offset), memory, self.a.offset))

    def line(self, wasm_offset: int) -> int:
        line_of = self.ctx.line_of
        return line_of(wasm_offset) if line_of is not None else 0

    def block_arity(self, bt: object) -> tuple[int, int]:
        if not isinstance(bt, BlockType):
            raise self.error(f"bad block type {bt!r}")
        if bt.type_index is not None:
            t = self.module.types[bt.type_index]
            return units(t.params), units(t.results)
        return 0, 0 if bt.result is None else 2 if bt.result is ValType.V128 else 1

    # -- driver -------------------------------------------------------------------------------------------------
    def compile(self) -> FunctionBody:
        self.emit_entry()
        func_end = Label()
        self.control.append(Control("func", 0, 0, units(self.type.results), func_end, func_end))
        self.run(0, len(self.function.body), first=True)
        return self.finish()

    def run(self, start: int, stop: int, *, first: bool = False) -> bool:
        """Compile the body's instructions [start, stop); returns whether the code after them is reachable.
        Legacy catch blocks met on the way are compiled later, out of line (``exceptions.defer_catch_blocks``)."""
        a = self.a
        code = a.code
        body = self.function.body
        dead = 0  # > 0: inside unreachable code, counting the blocks opened there
        unreachable = False
        handlers = _HANDLERS
        lines = self.lines
        line_of = self.ctx.line_of
        templates = self.ctx.templates
        layout: tuple[object, ...] = (self.locals_base, self.operands_base)
        vector_operands: set[int] = set()
        fusion = self.ctx.fusion and not self.vector
        if self.vector:
            # The dispatch hook of v128 values: type-generic instructions get their v128 forms, untyped
            # ``drop``/``select`` of a v128 (as the validator found them) are told apart by their immediates.
            handlers = _VECTOR_HANDLERS
            layout = (self.locals_base, self.operands_base, tuple(self.local_offsets))
            vector_operands = self.module.vector_operands
        index = start
        while index < stop:
            instr = body[index]
            index += 1
            op, imm, offset = instr
            if vector_operands and offset in vector_operands:
                imm = (ValType.V128,)
                instr = Instr(op, imm, offset)
            if op in _CATCH_CLAUSES and not dead:
                index = defer_catch_blocks(self, index - 1)
                continue
            if unreachable:
                if op in ("block", "loop", "if", "try", "try_table"):
                    dead += 1
                    continue
                if op == "end" and dead:
                    dead -= 1
                    continue
                if (op == "else" or op in LEGACY_CLAUSES) and dead:
                    continue
                if op not in ("end", "else") and op not in LEGACY_CLAUSES:
                    continue
                unreachable = False
            self.current = instr
            start = len(code)
            if start == self.call_return[1]:
                start = self.row_after_call(start, op)
            line = line_of(offset) if line_of is not None else 0
            # Instructions that emit no code share their offset with the next one: keep the later row (at the
            # same index, so ``after_calls`` still names it).
            if lines and lines[-1][0] == start:
                first = lines.pop()[3]
            lines.append((start, line, offset, first))
            first = False
            if fusion and (op in TREE_FIRST or op in FUSION_FIRST):
                fused = (op in TREE_FIRST and fuse_tree(self, body, index - 1, stop)) or (
                    op in FUSION_FIRST and fuse(self, body, index - 1, stop))
                if fused:
                    index += fused - 1
                    continue
            if op in STRAIGHT_LINE:
                key = (op, imm, self.depth, layout)
                template = templates.get(key)
                if template is None:
                    templates[key] = self.straight_line(instr, handlers[op])
                elif template.plain:
                    code += template.code.code
                    self.depth = template.depth
                    if template.depth > self.max_depth:
                        self.max_depth = template.depth
                else:
                    self.replay(template, offset, line)
                continue
            handler = handlers.get(op)
            if handler is None:
                raise UnsupportedError(f"instruction {op} is not supported by the x86-64 backend", offset)
            if handler(self, instr):
                unreachable = True
            if not self.control:
                break
        return not unreachable

    def row_after_call(self, start: int, op: str) -> int:
        """Where the row of an instruction right after a call's code starts: at the return address when the call
        has no result or ``op`` drops it (and no other row began there), else at ``start``. A row moved there is
        named in ``after_calls``."""
        returned, after, results = self.call_return
        if self.lines[-1][0] > returned or (results and op != "drop"):
            return start
        self.call_return = (returned, after, False)  # a dropped result: the next instruction's row moves too
        index = len(self.lines) - (self.lines[-1][0] == returned)  # the row about to start there replaces one
        if not self.after_calls or self.after_calls[-1] != index:
            self.after_calls.append(index)
        return returned

    def straight_line(self, instr: Instr, handler: Handler) -> Template:
        """Compile a ``STRAIGHT_LINE`` instruction and keep what replaying it takes."""
        a = self.a
        start, first_relocation, first_stub = len(a.code), len(a.relocations), len(self.stubs)
        handler(self, instr)
        stubs = self.stubs[first_stub:]
        traps = tuple((stub.code, tuple(at - start for at in stub.label.fixups)) for stub in stubs if stub.guard < 0)
        sites = tuple((stub.guard, stub.site - start) for stub in stubs if stub.guard >= 0)
        snippet = a.snippet(start, first_relocation)
        return Template(snippet, traps, self.depth, not traps and not sites and not snippet.relocations, sites)

    def replay(self, template: Template, wasm_offset: int, line: int) -> None:
        """Emit the instruction ``template`` holds again, with trap stubs of its own."""
        a = self.a
        start = len(a.code)
        a.replay(template.code)
        for code, fixups in template.traps:
            label = Label()
            label.fixups = [start + at for at in fixups]
            self.stubs.append(TrapStub(label, code, wasm_offset, line))
        for memory, at in template.guards:
            self.stubs.append(TrapStub(Label(), TrapCode.MEMORY_FAULT, wasm_offset, line, memory, start + at))
        self.depth = template.depth
        if self.depth > self.max_depth:
            self.max_depth = self.depth

    def emit_cached(self, key: tuple[object, ...], emit: Callable[[], None]) -> None:
        """Emit what ``emit`` emits, encoded once per module under ``key``, which must determine it: the code must
        be position-independent (no label bound outside it is used)."""
        snippet = self.ctx.snippets.get(key)
        if snippet is None:
            a = self.a
            start, first_relocation = len(a.code), len(a.relocations)
            emit()
            self.ctx.snippets[key] = a.snippet(start, first_relocation)
        else:
            self.a.replay(snippet)

    def emit_entry(self) -> None:
        """Spill the parameters to their slots, zero the declared locals, run lazy instantiation for exports and
        load the memory base: code after the prologue proper (``PrologueEnd`` precedes it)."""
        self.emit_cached(("entry", self.function.type_index, len(self.function.locals), self.locals_base,
                          self.incoming_base, tuple(self.local_types) if self.vector else None, self.hidden),
                         self.emit_spills)
        if self.index in self.ctx.exported:
            self.emit_cached(("instantiate",), self.emit_instantiate_check)
            self.call_end = self.a.offset
        if self.uses_memory:
            self.load_memory_base()

    def emit_spills(self) -> None:
        """The parameters to their slots, the declared locals zeroed."""
        a = self.a
        locations, _ = self.abi.assign(self.type.params, self.multi)
        if self.hidden:  # with a return plan, the first parameter: kept whatever its local holds later
            a.mov(8, self.local(self.hidden_slot), self.abi.int_args[0])
        for i, (t, loc) in enumerate(zip(self.type.params, locations, strict=True)):
            if t is ValType.V128:
                spill_vector(self, self.local(i), loc)
            elif loc.kind == "gpr":
                a.mov(8, self.local(i), loc.register)
            elif loc.kind == "xmm":
                a.movss_store(8, self.local(i), loc.register)  # whole: see ``_signed32``
            else:
                a.mov(8, RAX, Mem(RBP, self.incoming_base + loc.stack_offset))
                a.mov(8, self.local(i), RAX)
        n_params = len(self.type.params)
        n_locals = len(self.function.locals)
        words = self.local_words - units(self.type.params)
        if n_locals > 8:
            last = n_params + n_locals - 1
            a.lea(8, RDI, self.local(last))
            a.mov_imm(4, RCX, 8 * words)
            a.alu("xor", 4, RAX, RAX)
            a.rep_stosb()
        elif n_locals:
            a.alu("xor", 4, RAX, RAX)
            for i in range(n_params, n_params + n_locals):
                a.mov(8, self.local(i), RAX)
                if self.local_types[i] is ValType.V128:
                    a.mov(8, Mem(RBP, 8 - self.local_offsets[i]), RAX)

    def emit_instantiate_check(self) -> None:
        """Exports instantiate the module on first entry (ending with the call: see ``call_end``)."""
        a = self.a
        done = Label()
        a.alu("cmp", 1, RipRel(self.sym.vmctx, VMCTX_INSTANTIATED), 0, imm=True)
        a.jcc("ne", done)
        a.call_symbol(self.ctx.instantiate_symbol)
        a.bind(done)

    def load_memory_base(self) -> None:
        if self.uses_memory:
            self.emit_cached(("memory base",), lambda: self.a.mov(8, RBX, RipRel(self.sym.vmctx, VMCTX_MEMORY_BASE)))

    def finish(self) -> FunctionBody:
        a = self.a
        # The stack-overflow stub is reached from the prologue before ``sub rsp``: realign for the call.
        overflow = a.offset
        entry_offset = self.function.code_offset
        self.lines.append((overflow, self.line(entry_offset), entry_offset, False))
        self.emit_cached(("overflow stub",), self.emit_overflow_stub)
        self.emit_trap_stubs(0)
        # Exception handling comes last, after everything the non-throwing path runs: legacy catch blocks (and
        # the trap stubs of their code), then the landing pads.
        emitted = len(self.stubs)
        compile_deferred_catch_blocks(self)
        self.emit_trap_stubs(emitted)
        call_sites = self.exceptions.emit_pads(self)
        emit_jump_tables(self)
        guard_sites = [(stub.site, stub.label.position) for stub in self.stubs
                       if stub.guard >= 0 and stub.label.position is not None]
        return FunctionBody(a, self.records, self.lines, self.saved, self.operands_slots(), self.outgoing,
                            overflow, self.locals_base, self.local_types, call_sites, self.exceptions.types,
                            self.local_offsets, self.trap_reports, self.after_calls, guard_sites)

    def operands_slots(self) -> int:
        return self.local_words + self.hidden + self.exception_slots + self.max_depth

    def emit_overflow_stub(self) -> None:
        a = self.a
        a.alu("and", 8, RSP, -16, imm=True)
        if self.abi.shadow_space:
            a.alu("sub", 8, RSP, self.abi.shadow_space, imm=True)
        self.emit_trap_call(TrapCode.STACK_OVERFLOW)

    def emit_trap_stubs(self, first: int) -> None:
        a = self.a
        for stub in self.stubs[first:]:
            a.bind(stub.label)
            self.lines.append((a.offset, stub.line, stub.wasm_offset, False))
            if stub.guard >= 0:
                self.emit_cached(("guard stub", stub.guard), functools.partial(guards.emit_stub, self, stub.guard))
            else:
                self.emit_cached(("trap stub", stub.code), functools.partial(self.emit_trap_stub, stub.code))

    def emit_trap_stub(self, code: TrapCode) -> None:
        if code is TrapCode.MEMORY_FAULT:
            # rax holds the access's effective address and rdx the memory's record (``address``): keep both for
            # the trap's report (the address, and the size of the memory it missed).
            self.a.mov(8, RipRel(self.sym.fault_address), RAX)
            self.a.mov(8, RipRel(self.sym.fault_address, 8), RDX)
        self.emit_trap_call(code)

    def emit_trap_call(self, code: TrapCode) -> None:
        self.a.mov_imm(4, self.abi.int_args[0], int(code))
        self.a.call_symbol(TRAP_HOOK)
        self.a.ud2()

    # -- branches -----------------------------------------------------------------------------------------------
    def move_values(self, src: int, dst: int, n: int) -> None:
        if src == dst:
            return
        for i in range(n):
            self.a.mov(8, RAX, self.slot(src + i))
            self.a.mov(8, self.slot(dst + i), RAX)

    def leave_catch_blocks(self, depth: int) -> None:
        """Release the exceptions of the legacy catch blocks a branch to label ``depth`` leaves."""
        if not self.leaves_catch_block(depth):
            return
        for k in range(depth + 1):
            frame = self.control[-1 - k]
            if frame.catching:
                drop_caught(self, frame)

    def leaves_catch_block(self, depth: int) -> bool:
        control = self.control
        outside = control[-2 - depth].catch_blocks if depth + 1 < len(control) else 0
        return control[-1].catch_blocks > outside

    def branch(self, depth: int) -> None:
        """Copy the label's values into place and jump (``br``); the outermost label returns."""
        frame = self.control[-1 - depth]
        self.leave_catch_blocks(depth)
        if frame.kind == "func":
            self.emit_return()
            return
        n = frame.params if frame.kind == "loop" else frame.results
        self.move_values(self.depth - n, frame.height, n)
        self.a.jmp(frame.target)

    def needs_moves(self, depth: int) -> bool:
        frame = self.control[-1 - depth]
        if frame.kind == "func" or self.leaves_catch_block(depth):
            return True
        n = frame.params if frame.kind == "loop" else frame.results
        return n > 0 and self.depth - n != frame.height

    def emit_return(self) -> None:
        a = self.a
        results = self.type.results
        if self.multi:
            n = units(results)
            a.mov(8, RCX, self.local(self.hidden_slot))
            for i in range(n):
                a.mov(8, RAX, self.slot(self.depth - n + i))
                a.mov(8, Mem(RCX, 8 * (n - 1 - i)), RAX)
        elif results:
            self.emit_cached(("result", results[0], self.operands_base + 8 * self.depth), self.emit_result)
        elif self.return_plan is not None:
            return_values.emit_result_registers(self, self.return_plan)
        self.emit_frame_exit()

    def emit_result(self) -> None:
        """The single result, from the top operand slot to its return register."""
        t = self.type.results[0]
        if t is ValType.V128:
            self.a.movdqu_load(0, self.slot(self.depth - 1))
        elif t in _FLOAT:
            self.a.movss_load(_SIZE[t], 0, self.slot(self.depth - 1))
        else:
            self.a.mov(_SIZE[t], RAX, self.slot(self.depth - 1))

    def emit_frame_exit(self, jump: Callable[[], None] | None = None) -> None:
        """The epilogue: ``ret``, or the tail call's jump that ``jump`` emits (``tailcall.py``). An epilogue with
        ``ret`` depends only on the saved registers and on whether a call ends just before it: encoded once per
        module, its unwind records kept relative to its start."""
        a = self.a
        after_call = a.offset == self.call_end
        if jump is not None:
            emit_epilogue(a, self.saved, self.records, seh=self.abi.seh_frames, after_call=after_call, jump=jump)
            return
        key = (tuple(self.saved), after_call)
        epilogues = self.ctx.epilogues
        known = epilogues.get(key)
        start = len(a.code)
        if known is None:
            first = len(self.records)
            emit_epilogue(a, self.saved, self.records, seh=self.abi.seh_frames, after_call=after_call)
            epilogues[key] = (bytes(a.code[start:]), tuple((kind, offset - start, rest) for kind, offset, rest
                                                           in map(op_parts, self.records[first:])))
            return
        code, records = known
        a.code += code
        self.records += [kind(offset + start, *rest) for kind, offset, rest in records]  # type: ignore[arg-type]

    # -- calls --------------------------------------------------------------------------------------------------
    def emit_call(self, ftype: FuncType, symbol: str | None) -> None:
        """Call ``symbol`` (or the code pointer in r11 when None) with the arguments on top of the stack."""
        a = self.a
        params, results = ftype.params, ftype.results
        base = self.depth - units(params)
        multi = len(results) > 1
        locations, stack_bytes = self.abi.assign(params, multi)
        self.outgoing = max(self.outgoing, self.abi.shadow_space + stack_bytes)
        if multi or ValType.V128 in params:
            self.emit_arguments(params, locations, base)
        else:  # plain moves from the operand slots: encoded once per module and frame layout
            self.emit_cached(("arguments", params, self.operands_base + 8 * base),
                             functools.partial(self.emit_arguments, params, locations, base))
        if multi:
            self.depth = base
            self.push(units(results))
            a.lea(8, self.abi.int_args[0], self.slot(base + units(results) - 1))
        start = a.offset
        if symbol is None:
            a.call_indirect(R11)
        else:
            a.call_symbol(symbol)
        self.call_end = a.offset
        self.exceptions.record_call(self.control[-1].scope, start, a.offset)
        self.depth = base
        if len(results) == 1:
            self.emit_cached(("call result", results[0], self.operands_base + 8 * base),
                             functools.partial(self.emit_call_result, results[0], base))
        self.push(units(results))
        self.load_memory_base()
        self.call_return = (self.call_end, a.offset, bool(results))

    def emit_call_result(self, t: ValType, base: int) -> None:
        """A call's single result, from its return register to the operand slot ``base``."""
        if t is ValType.V128:
            self.a.movdqu_store(self.slot(base + 1), 0)
        elif t in _FLOAT:
            self.a.movss_store(8, self.slot(base), 0)
        else:
            self.a.mov(8, self.slot(base), RAX)  # whole (see ``_signed32``); an i32's upper half is not read

    def emit_arguments(self, params: tuple[ValType, ...], locations: list[ArgLocation], base: int) -> None:
        """A call's arguments, from the operand slots from ``base`` up to their locations."""
        a = self.a
        at = base
        for t, loc in zip(params, locations, strict=True):
            src = self.slot(at)
            at += 1
            if t is ValType.V128:
                at += 1
                pass_vector(self, self.slot(at - 1), loc)
            elif loc.kind == "stack":
                a.mov(8, RAX, src)
                a.mov(8, Mem(RSP, loc.stack_offset), RAX)
            elif loc.kind == "gpr":
                a.mov(_SIZE[t], loc.register, src)
            else:
                a.movss_load(_SIZE[t], loc.register, src)

    def indirect_target(self, type_index: int, table: int) -> None:
        """Pop the table index and load the code pointer of its entry into r11, trapping on an index out of
        bounds, a null entry or a signature other than ``type_index``'s."""
        a = self.a
        self.depth -= 1
        tables.indirect_index(self, table, self.slot(self.depth))
        a.mov(8, RCX, Mem(RCX, TABLE_RECORD_BASE))
        a.mov(8, R11, Mem(RCX, 0, RAX, 8))
        a.test(8, R11, R11)
        a.jcc("e", self.trap(TrapCode.INDIRECT_CALL_TO_NULL))
        # A 64-bit compare: the JIT's canonical ids are 63-bit hashes (``emitter/jit/types.py``).
        a.mov_imm(8, RCX, self.ctx.signature_ids[type_index])
        a.alu("cmp", 8, Mem(R11, 8), RCX)
        a.jcc("ne", self.trap(TrapCode.BAD_SIGNATURE))
        a.mov(8, R11, Mem(R11, 0))

    # -- memory -------------------------------------------------------------------------------------------------
    def wasmtime_maximum(self, memory: int = 0) -> int:
        """The largest a 32-bit memory can be for wasmtime: the reservation, or the declared maximum below it."""
        limits = memories.memory_limits(self.module)
        maximum = limits[memory].maximum if memory < len(limits) else None
        return WASMTIME_RESERVATION if maximum is None else min(WASMTIME_RESERVATION, maximum * WASM_PAGE)

    def address(self, slot: Mem | int, offset: int, size: int, memory: int = 0) -> Mem:
        """Bounds-checked effective address of a ``size``-byte access to a 32-bit memory: rax = zero-extended
        address + offset (33-bit arithmetic in 64-bit registers); traps unless rax + size <= the current memory
        size. The base is rbx for memory 0, rcx (loaded from the record) for another. 64-bit memories:
        ``memories.address``. A ``MEMORY_FAULT`` trap leaves rax and rdx (the memory's record) for its report."""
        if memories.is64(self, memory):
            return memories.address(self, slot, offset, size, memory)
        if self.ctx.guard_regions and guards.elides(self, memory, offset + size):
            return guards.address(self, slot, offset, memory)
        a = self.a
        a.mov(4, RAX, slot)
        if offset:
            if offset < 1 << 31:
                a.alu("add", 8, RAX, offset, imm=True)
            else:
                a.mov_imm(8, RCX, offset)
                a.alu("add", 8, RAX, RCX)
        a.lea(8, RCX, Mem(RAX, size))
        # Which report an out-of-bounds access gets is wasmtime's (see WASMTIME_GUARD): with the memory fault
        # line when wasmtime's access would have faulted, without when its own bounds check caught it. Every
        # 32-bit memory has the same reservation and guard in wasmtime, whichever its index.
        reach = offset + size
        code = TrapCode.MEMORY_FAULT if self.ctx.fault_reports else TrapCode.MEMORY_OUT_OF_BOUNDS
        if reach > self.wasmtime_maximum(memory):
            code = TrapCode.MEMORY_OUT_OF_BOUNDS
        elif 0xFFFFFFFF + reach > WASMTIME_RESERVATION + WASMTIME_GUARD:
            a.mov_imm(8, RDX, WASMTIME_RESERVATION)
            a.alu("cmp", 8, RCX, RDX)
            a.jcc("a", self.trap(TrapCode.MEMORY_OUT_OF_BOUNDS))
        a.mov(8, RDX, self.memory_record(memory))
        a.alu("cmp", 8, RCX, Mem(RDX, MEMORY_RECORD_SIZE))
        a.jcc("a", self.trap(code))
        return Mem(memories.base(self, memory, RDX, RCX), 0, RAX, 1)

    def memory_record(self, memory: int) -> RipRel:
        """The word holding the address of memory ``memory``'s record (``runtime.py``): load it into a register,
        then the size is at ``MEMORY_RECORD_SIZE`` from it (``memories.record``)."""
        return memories.record(self, memory)

    def check_range(self, start: int, length: int, limit: RipRel | Mem, code: TrapCode) -> None:
        """Trap unless register ``start`` + register ``length`` (both zero-extended u32) <= the u64 at ``limit``
        (clobbers rdx)."""
        a = self.a
        a.lea(8, RDX, Mem(start, 0, length, 1))
        a.alu("cmp", 8, RDX, limit)
        a.jcc("a", self.trap(code))


def _h_nop(c: FunctionCompiler, i: Instr) -> bool:
    return False


def _h_unreachable(c: FunctionCompiler, i: Instr) -> bool:
    start = c.a.offset
    c.emit_trap_call(TrapCode.UNREACHABLE)
    reported = c.trap_plan().moved.get(i.offset)
    if reported is not None:  # wasmtime's conditional trap at the branch before it
        c.trap_reports.append((start, c.a.offset, reported))
    return True


def _h_block(c: FunctionCompiler, i: Instr) -> bool:
    params, results = c.block_arity(i.imm[0])
    end = Label()
    target = end
    if i.op == "loop":
        target = Label()
        c.a.bind(target)
    c.push_control(i.op, c.depth - params, params, results, target, end)
    return False


def _h_if(c: FunctionCompiler, i: Instr) -> bool:
    params, results = c.block_arity(i.imm[0])
    c.depth -= 1
    else_label = Label()
    c.a.alu("cmp", 4, c.slot(c.depth), 0, imm=True)
    c.a.jcc("e", c.branch_trap_stub(i) or else_label)
    end = Label()
    c.push_control("if", c.depth - params, params, results, end, end, else_label)
    return False


def _h_else(c: FunctionCompiler, i: Instr) -> bool:
    frame = c.control[-1]
    c.a.jmp(frame.end)
    if frame.else_label is not None:
        c.a.bind(frame.else_label)
        frame.else_label = None
    c.depth = frame.height + frame.params
    return False


def _h_end(c: FunctionCompiler, i: Instr) -> bool:
    frame = c.control.pop()
    if frame.else_label is not None:
        c.a.bind(frame.else_label)
    c.a.bind(frame.end)
    # The results may have been stored only by branches (a catch's landing pad): the frame must hold them.
    c.depth = frame.height
    c.push(frame.results)
    if frame.kind == "func":
        c.emit_return()
    return False


def _h_br(c: FunctionCompiler, i: Instr) -> bool:
    c.branch(_int(i.imm[0]))
    return True


def _h_br_if(c: FunctionCompiler, i: Instr) -> bool:
    depth = _int(i.imm[0])
    c.depth -= 1
    c.a.alu("cmp", 4, c.slot(c.depth), 0, imm=True)
    stub = c.branch_trap_stub(i)
    if stub is not None:  # taken, it traps: nothing to move
        c.a.jcc("ne", stub)
    elif c.needs_moves(depth):
        skip = Label()
        c.a.jcc("e", skip)
        c.branch(depth)
        c.a.bind(skip)
    else:
        c.a.jcc("ne", c.control[-1 - depth].target)
    return False


def _h_return(c: FunctionCompiler, i: Instr) -> bool:
    c.leave_catch_blocks(len(c.control) - 1)
    c.emit_return()
    return True


def _h_call(c: FunctionCompiler, i: Instr) -> bool:
    index = _int(i.imm[0])
    c.emit_call(c.module.func_type(index), c.ctx.function_symbols[index])
    return False


def _h_call_indirect(c: FunctionCompiler, i: Instr) -> bool:
    type_index, table = _int(i.imm[0]), _int(i.imm[1])
    c.indirect_target(type_index, table)
    c.emit_call(c.module.types[type_index], None)
    return False


def _h_drop(c: FunctionCompiler, i: Instr) -> bool:
    c.depth -= 1
    return False


def _h_select(c: FunctionCompiler, i: Instr) -> bool:
    a = c.a
    c.depth -= 3
    target = c.slot(c.depth)
    a.mov(4, RCX, c.slot(c.depth + 2))
    a.mov(8, RAX, target)
    a.test(4, RCX, RCX)
    a.cmov("e", 8, RAX, c.slot(c.depth + 1))
    a.mov(8, target, RAX)
    c.push()
    return False


def _h_local_get(c: FunctionCompiler, i: Instr) -> bool:
    c.a.mov(8, RAX, c.local(_int(i.imm[0])))
    c.a.mov(8, c.slot(c.depth), RAX)
    c.push()
    return False


def _h_local_set(c: FunctionCompiler, i: Instr) -> bool:
    c.a.mov(8, RAX, c.slot(c.depth - 1))
    c.a.mov(8, c.local(_int(i.imm[0])), RAX)
    if i.op == "local.set":
        c.depth -= 1
    return False


def _h_global_get(c: FunctionCompiler, i: Instr) -> bool:
    c.a.mov(_global_size(c, i), RAX, _global(c, i))
    c.a.mov(8, c.slot(c.depth), RAX)
    c.push()
    return False


def _h_global_set(c: FunctionCompiler, i: Instr) -> bool:
    c.depth -= 1
    size = _global_size(c, i)
    cell = _global(c, i)
    c.a.mov(size, RAX, c.slot(c.depth))
    c.a.mov(size, cell, RAX)
    return False


def _global_size(c: FunctionCompiler, i: Instr) -> int:
    """Bytes a global.get/set moves: 8, but an imported i32 or f32 global's 4 (an AOT host defines it as a
    4-byte C object, ``aot_globals.py``; the JIT's 8-byte cells hold it in their low half)."""
    index = _int(i.imm[0])
    if index < c.ctx.imported_globals and c.ctx.module.global_type(index).type in (ValType.I32, ValType.F32):
        return 4
    return 8


def _global(c: FunctionCompiler, i: Instr) -> RipRel | Mem:
    """The cell of a global: a defined one in ``<m>.globals``; an imported one through its pointer in
    ``<m>.global_imports``, loaded into rcx (the cell is another module's or the embedding's)."""
    index = _int(i.imm[0])
    imported = c.ctx.imported_globals
    if index < imported:
        c.a.mov(8, RCX, RipRel(c.sym.global_imports, 8 * index))
        return Mem(RCX, 0)
    return RipRel(c.sym.globals, c.ctx.global_offsets[index - imported])


def _h_const(c: FunctionCompiler, i: Instr) -> bool:
    value = _int(i.imm[0])
    dst = c.slot(c.depth)
    if i.op in ("i32.const", "f32.const"):
        c.a.mov_store_imm(8, dst, _signed32(value))
    else:
        value &= 0xFFFFFFFFFFFFFFFF
        signed = value - (1 << 64) if value >> 63 else value
        if -(1 << 31) <= signed < 1 << 31:
            c.a.mov_store_imm(8, dst, signed)
        else:
            c.a.mov_imm(8, RAX, signed)
            c.a.mov(8, dst, RAX)
    c.push()
    return False


def _signed32(value: int) -> int:
    """An i32 constant as the sign-extended imm32 of an 8-byte store: slots and locals are always written whole
    (a 4-byte store followed by the 8-byte load of the next ``local.get``/``local.set`` would stall the load:
    no store-to-load forwarding from a narrower store); i32 readers read the low half only."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >> 31 else value


def _int(value: object) -> int:
    if not isinstance(value, int):
        raise EmitError(f"expected an integer immediate, got {value!r}")
    return value


# -- integer arithmetic ---------------------------------------------------------------------------------------
def _int_binary(c: FunctionCompiler, i: Instr) -> bool:
    a = c.a
    type_name, name = i.op.split(".")
    size = 4 if type_name == "i32" else 8
    c.depth -= 1
    lhs, rhs = c.slot(c.depth - 1), c.slot(c.depth)
    if name in _ALU:
        a.mov(size, RAX, lhs)
        a.alu(_ALU[name], size, RAX, rhs)
        a.mov(8, lhs, RAX)
    elif name == "mul":
        a.mov(size, RAX, lhs)
        a.imul(size, RAX, rhs)
        a.mov(8, lhs, RAX)
    elif name in _SHIFTS:
        a.mov(size, RAX, lhs)
        a.mov(4, RCX, rhs)
        a.shift(_SHIFTS[name], size, RAX)
        a.mov(8, lhs, RAX)
    elif name in _CMP:
        a.mov(size, RAX, lhs)
        a.alu("cmp", size, RAX, rhs)
        a.setcc(_CMP[name], RAX)
        a.movzx(4, RAX, 1, RAX)
        a.mov(8, lhs, RAX)
    else:
        _divide(c, name, size, lhs, rhs)
    return False


def _divide(c: FunctionCompiler, name: str, size: int, lhs: Mem, rhs: Mem) -> None:
    a = c.a
    a.mov(size, RAX, lhs)
    a.mov(size, RCX, rhs)
    a.test(size, RCX, RCX)
    a.jcc("e", c.trap(TrapCode.INTEGER_DIVISION_BY_ZERO))
    result = RDX if name.startswith("rem") else RAX
    if name.endswith("_u"):
        a.alu("xor", 4, RDX, RDX)
        a.unary("div", size, RCX)
    else:
        divide = Label()
        done = Label()
        a.alu("cmp", size, RCX, -1, imm=True)
        a.jcc("ne", divide)
        if name == "div_s":
            # x / -1 overflows only for INT_MIN; otherwise it is -x.
            a.unary("neg", size, RAX)
            a.jcc("o", c.trap(TrapCode.INTEGER_OVERFLOW))
        else:
            a.alu("xor", 4, RDX, RDX)  # x % -1 == 0 (idiv would fault on INT_MIN)
        a.jmp(done)
        a.bind(divide)
        if size == 4:
            a.cdq()
        else:
            a.cqo()
        a.unary("idiv", size, RCX)
        a.bind(done)
    a.mov(8, lhs, result)


def _int_unary(c: FunctionCompiler, i: Instr) -> bool:
    a = c.a
    type_name, name = i.op.split(".")
    size = 4 if type_name == "i32" else 8
    slot = c.slot(c.depth - 1)
    match name:
        case "eqz":
            a.alu("cmp", size, slot, 0, imm=True)
            a.setcc("e", RAX)
            a.movzx(4, RAX, 1, RAX)
            a.mov(8, slot, RAX)
        case "clz":
            a.bsr(size, RAX, slot)
            a.mov_imm(4, RCX, 2 * size * 8 - 1)
            a.cmov("e", size, RAX, RCX)
            a.alu("xor", size, RAX, size * 8 - 1, imm=True)
            a.mov(8, slot, RAX)
        case "ctz":
            a.bsf(size, RAX, slot)
            a.mov_imm(4, RCX, size * 8)
            a.cmov("e", size, RAX, RCX)
            a.mov(8, slot, RAX)
        case "popcnt":
            a.popcnt(size, RAX, slot)
            a.mov(8, slot, RAX)
        case "extend8_s" | "extend16_s":
            a.movsx(size, RAX, 1 if name == "extend8_s" else 2, slot)
            a.mov(8, slot, RAX)
        case "extend32_s":
            a.movsx(8, RAX, 4, slot)
            a.mov(8, slot, RAX)
        case _:
            raise c.error(f"no integer unary operator {i.op}")
    return False


def _convert_int(c: FunctionCompiler, i: Instr) -> bool:
    a = c.a
    slot = c.slot(c.depth - 1)
    match i.op:
        case "i32.wrap_i64":
            pass  # the low 4 bytes of the slot already hold the result
        case "i64.extend_i32_s":
            a.movsx(8, RAX, 4, slot)
            a.mov(8, slot, RAX)
        case "i64.extend_i32_u":
            a.mov(4, RAX, slot)
            a.mov(8, slot, RAX)
        case _:
            pass  # reinterpretations: same bits
    return False


# -- floats -------------------------------------------------------------------------------------------------------
def _fsize(op: str) -> int:
    return 4 if op.startswith("f32") else 8


def _sfx(size: int) -> str:
    return "ss" if size == 4 else "sd"


def _float_binary(c: FunctionCompiler, i: Instr) -> bool:
    a = c.a
    size = _fsize(i.op)
    name = i.op.split(".")[1]
    c.depth -= 1
    lhs, rhs = c.slot(c.depth - 1), c.slot(c.depth)
    if name in _FBIN:
        a.movss_load(size, 0, lhs)
        a.sse(_FBIN[name] + _sfx(size), 0, rhs)
        a.movss_store(8, lhs, 0)  # an f32 with the xmm register's next 4 bytes: slots are written whole
    elif name in ("min", "max"):
        sfx = _sfx(size)
        a.movss_load(size, 0, lhs)
        a.movss_load(size, 1, rhs)
        nan, ordinary, done = Label(), Label(), Label()
        a.sse("ucomi" + sfx, 0, 1)
        a.jcc("p", nan)
        a.jcc("ne", ordinary)
        # Equal: only ±0 differ; min ORs the sign bits (-0 wins), max ANDs them (+0 wins).
        a.sse(("orp" if name == "min" else "andp") + sfx[1], 0, 1)
        a.jmp(done)
        a.bind(nan)
        # A NaN operand gives a NaN: x86 returns the first operand's, so put rhs first as wasmtime does.
        a.sse("add" + sfx, 1, 0)
        a.sse("movaps", 0, 1)
        a.jmp(done)
        a.bind(ordinary)
        a.sse(name + sfx, 0, 1)
        a.bind(done)
        a.movss_store(8, lhs, 0)
    elif name == "copysign":
        if size == 4:
            a.mov(4, RAX, lhs)
            a.alu("and", 4, RAX, 0x7FFFFFFF, imm=True)
            a.mov(4, RCX, rhs)
            a.alu("and", 4, RCX, -0x80000000, imm=True)
            a.alu("or", 4, RAX, RCX)
        else:
            a.mov(8, RAX, lhs)
            a.bt("btr", 8, RAX, 63)
            a.mov(8, RCX, rhs)
            a.shift("shr", 8, RCX, 63)
            a.shift("shl", 8, RCX, 63)
            a.alu("or", 8, RAX, RCX)
        a.mov(8, lhs, RAX)
    else:
        # Comparisons: unordered operands make eq/lt/gt/le/ge false and ne true.
        a.movss_load(size, 0, lhs)
        a.movss_load(size, 1, rhs)
        ucomi = "ucomi" + _sfx(size)
        match name:
            case "eq" | "ne":
                a.sse(ucomi, 0, 1)
                a.setcc("e" if name == "eq" else "ne", RAX)
                a.setcc("np" if name == "eq" else "p", RCX)
                a.alu("and" if name == "eq" else "or", 1, RAX, RCX)
            case "gt" | "ge":
                a.sse(ucomi, 0, 1)
                a.setcc("a" if name == "gt" else "ae", RAX)
            case "lt" | "le":
                a.sse(ucomi, 1, 0)
                a.setcc("a" if name == "lt" else "ae", RAX)
        a.movzx(4, RAX, 1, RAX)
        a.mov(8, lhs, RAX)
    return False


def _float_unary(c: FunctionCompiler, i: Instr) -> bool:
    a = c.a
    size = _fsize(i.op)
    name = i.op.split(".")[1]
    slot = c.slot(c.depth - 1)
    match name:
        case "abs":
            if size == 4:
                a.mov(4, RAX, slot)
                a.alu("and", 4, RAX, 0x7FFFFFFF, imm=True)
                a.mov(8, slot, RAX)
            else:
                a.bt("btr", 8, slot, 63)
        case "neg":
            if size == 4:
                a.mov(4, RAX, slot)
                a.alu("xor", 4, RAX, -0x80000000, imm=True)
                a.mov(8, slot, RAX)
            else:
                a.bt("btc", 8, slot, 63)
        case "sqrt":
            a.sse("sqrt" + _sfx(size), 0, slot)
            a.movss_store(8, slot, 0)
        case _:
            a.round(size, 0, slot, _ROUND[name])
            a.movss_store(8, slot, 0)
    return False


def _convert_float(c: FunctionCompiler, i: Instr) -> bool:
    a = c.a
    slot = c.slot(c.depth - 1)
    dst_type, rest = i.op.split(".")
    fsize = 4 if dst_type == "f32" else 8
    match rest:
        case "demote_f64":
            a.sse("cvtsd2ss", 0, slot)
        case "promote_f32":
            a.sse("cvtss2sd", 0, slot)
        case "convert_i32_s":
            a.cvtsi2f(fsize, 0, 4, slot)
        case "convert_i64_s":
            a.cvtsi2f(fsize, 0, 8, slot)
        case "convert_i32_u":
            a.mov(4, RAX, slot)
            a.cvtsi2f(fsize, 0, 8, RAX)
        case "convert_i64_u":
            # Values with the top bit set: halve (keeping the low bit for correct rounding), convert, double.
            big, done = Label(), Label()
            a.mov(8, RAX, slot)
            a.test(8, RAX, RAX)
            a.jcc("s", big)
            a.cvtsi2f(fsize, 0, 8, RAX)
            a.jmp(done)
            a.bind(big)
            a.mov(8, RCX, RAX)
            a.shift("shr", 8, RCX, 1)
            a.alu("and", 4, RAX, 1, imm=True)
            a.alu("or", 8, RCX, RAX)
            a.cvtsi2f(fsize, 0, 8, RCX)
            a.sse("add" + _sfx(fsize), 0, 0)
            a.bind(done)
        case _:
            return False  # reinterpret: same bits
    a.movss_store(8, slot, 0)
    return False


def _truncate(c: FunctionCompiler, i: Instr) -> bool:
    """Float to integer: trapping (``trunc``) or saturating (``trunc_sat``)."""
    a = c.a
    slot = c.slot(c.depth - 1)
    dst_type, rest = i.op.split(".")
    isize = 4 if dst_type == "i32" else 8
    fsize = 4 if rest.endswith(("f32_s", "f32_u")) else 8
    signed = rest.endswith("_s")
    saturating = rest.startswith("trunc_sat")
    sfx = _sfx(fsize)
    lower, upper = _TRUNC_BOUNDS[(isize, signed, fsize)]
    done = Label()
    a.movss_load(fsize, 0, slot)

    def bound(bits: int) -> None:
        a.mov_imm(8, RCX, bits)
        a.movq_to_xmm(fsize, 1, RCX)
        a.sse("ucomi" + sfx, 0, 1)

    if saturating:
        minimum = (-(1 << (8 * isize - 1))) if signed else 0
        maximum = ((1 << (8 * isize - 1)) - 1) if signed else (1 << (8 * isize)) - 1
        a.alu("xor", 4, RAX, RAX)
        a.sse("ucomi" + sfx, 0, 0)
        a.jcc("p", done)
        a.mov_imm(8, RAX, minimum)
        bound(lower)
        a.jcc("be", done)
        a.mov_imm(8, RAX, maximum - (1 << 64) if maximum >= 1 << 63 else maximum)
        bound(upper)
        a.jcc("ae", done)
    else:
        a.sse("ucomi" + sfx, 0, 0)
        a.jcc("p", c.trap(TrapCode.BAD_CONVERSION_TO_INTEGER))
        bound(lower)
        a.jcc("be", c.trap(TrapCode.INTEGER_OVERFLOW))
        bound(upper)
        a.jcc("ae", c.trap(TrapCode.INTEGER_OVERFLOW))
    if isize == 8 and not signed:
        # [2^63, 2^64): subtract 2^63 before converting, then set the top bit.
        small = Label()
        a.mov_imm(8, RCX, _f32(9223372036854775808.0) if fsize == 4 else _f64(9223372036854775808.0))
        a.movq_to_xmm(fsize, 1, RCX)
        a.sse("ucomi" + sfx, 0, 1)
        a.jcc("b", small)
        a.sse("sub" + sfx, 0, 1)
        a.cvttf2si(8, RAX, fsize, 0)
        a.bt("btc", 8, RAX, 63)
        a.jmp(done)
        a.bind(small)
        a.cvttf2si(8, RAX, fsize, 0)
    else:
        a.cvttf2si(8 if not signed else isize, RAX, fsize, 0)
    a.bind(done)
    a.mov(8, slot, RAX)  # whole (an i32 result: its upper half is not read)
    return False


# -- memory -------------------------------------------------------------------------------------------------------
def _load(c: FunctionCompiler, i: Instr) -> bool:
    a = c.a
    type_name, name = i.op.split(".")
    width, ext = _LOADS[name]
    tsize = 4 if type_name in ("i32", "f32") else 8
    size = width or tsize
    slot = c.slot(c.depth - 1)
    addr = c.address(slot, _int(i.imm[1]), size, memories.memarg_memory(i))
    if ext == "s":
        a.movsx(tsize, RAX, size, addr)
    elif ext == "u" and size < 4:
        a.movzx(4, RAX, size, addr)
    else:
        a.mov(size, RAX, addr)
    a.mov(8, slot, RAX)
    return False


def _store(c: FunctionCompiler, i: Instr) -> bool:
    a = c.a
    type_name, name = i.op.split(".")
    width = {"store": 0, "store8": 1, "store16": 2, "store32": 4}[name]
    size = width or (4 if type_name in ("i32", "f32") else 8)
    c.depth -= 2
    addr = c.address(c.slot(c.depth), _int(i.imm[1]), size, memories.memarg_memory(i))
    a.mov(size, RDX, c.slot(c.depth + 1))
    a.mov(size, addr, RDX)
    return False


def _h_memory_size(c: FunctionCompiler, i: Instr) -> bool:
    if memories.general(c, _int(i.imm[0])):
        return memories.memory_size(c, _int(i.imm[0]))
    c.a.mov(8, RCX, c.memory_record(0))
    c.a.mov(8, RAX, Mem(RCX, MEMORY_RECORD_SIZE))
    c.a.shift("shr", 8, RAX, 16)
    c.a.mov(8, c.slot(c.depth), RAX)
    c.push()
    return False


def _h_memory_grow(c: FunctionCompiler, i: Instr) -> bool:
    if memories.general(c, _int(i.imm[0])):
        return memories.memory_grow(c, _int(i.imm[0]))
    if c.ctx.grow_symbol is not None:
        # A reserved memory: the runtime makes the new pages accessible; no exception passes it.
        a = c.a
        slot = c.slot(c.depth - 1)
        a.mov(8, c.abi.int_args[0], c.memory_record(0))
        a.mov(4, c.abi.int_args[1], slot)
        a.call_symbol(c.ctx.grow_symbol)
        c.call_end = a.offset
        a.mov(4, slot, RAX)
        return False
    return _grow_inline(c)


def _grow_inline(c: FunctionCompiler) -> bool:
    """An object's static memory: grow up to the record's maximum; the storage beyond the current size is already
    zero (never touched: accesses past the size trap), so growing is storing the new size."""
    a = c.a
    slot = c.slot(c.depth - 1)
    fail, done = Label(), Label()
    a.mov(8, RDX, c.memory_record(0))
    a.mov(4, RAX, slot)
    a.mov(8, RCX, Mem(RDX, MEMORY_RECORD_SIZE))
    a.shift("shl", 8, RAX, 16)
    a.alu("add", 8, RAX, RCX)
    a.alu("cmp", 8, RAX, Mem(RDX, MEMORY_RECORD_MAXIMUM))
    a.jcc("a", fail)
    a.mov(8, Mem(RDX, MEMORY_RECORD_SIZE), RAX)
    a.shift("shr", 8, RCX, 16)
    a.mov(4, slot, RCX)
    a.jmp(done)
    a.bind(fail)
    a.mov_store_imm(4, slot, -1)
    a.bind(done)
    return False


def _h_memory_fill(c: FunctionCompiler, i: Instr) -> bool:
    if memories.general(c, _int(i.imm[0])):
        return memories.memory_fill(c, _int(i.imm[0]))
    a = c.a
    c.depth -= 3
    dst, value, length = c.slot(c.depth), c.slot(c.depth + 1), c.slot(c.depth + 2)
    a.mov(4, RDI, dst)
    a.mov(4, RCX, length)
    a.mov(8, RAX, c.memory_record(0))
    c.check_range(RDI, RCX, Mem(RAX, MEMORY_RECORD_SIZE), TrapCode.MEMORY_OUT_OF_BOUNDS)
    a.mov(4, RAX, value)
    a.alu("add", 8, RDI, RBX)
    a.rep_stosb()
    return False


def _h_memory_copy(c: FunctionCompiler, i: Instr) -> bool:
    if memories.general(c, _int(i.imm[0])) or memories.general(c, _int(i.imm[1])):
        return memories.memory_copy(c, _int(i.imm[0]), _int(i.imm[1]))
    a = c.a
    c.depth -= 3
    dst, src, length = c.slot(c.depth), c.slot(c.depth + 1), c.slot(c.depth + 2)
    size = Mem(RAX, MEMORY_RECORD_SIZE)
    a.mov(8, RAX, c.memory_record(0))
    a.mov(4, RDI, dst)
    a.mov(4, RSI, src)
    a.mov(4, RCX, length)
    c.check_range(RDI, RCX, size, TrapCode.MEMORY_OUT_OF_BOUNDS)
    c.check_range(RSI, RCX, size, TrapCode.MEMORY_OUT_OF_BOUNDS)
    _memmove(c)
    return False


def _memmove(c: FunctionCompiler) -> None:
    """Copy rcx bytes from memory offset rsi to rdi (memmove semantics: backwards when dst > src)."""
    a = c.a
    a.alu("add", 8, RDI, RBX)
    a.alu("add", 8, RSI, RBX)
    emit_overlapping_copy(a)


def _h_memory_init(c: FunctionCompiler, i: Instr) -> bool:
    a = c.a
    segment = _int(i.imm[0])
    if memories.general(c, _int(i.imm[1])):
        return memories.memory_init(c, segment, _int(i.imm[1]))
    c.depth -= 3
    dst, src, length = c.slot(c.depth), c.slot(c.depth + 1), c.slot(c.depth + 2)
    a.mov(4, RDI, dst)
    a.mov(4, RSI, src)
    a.mov(4, RCX, length)
    a.mov(8, RAX, c.memory_record(0))
    c.check_range(RDI, RCX, Mem(RAX, MEMORY_RECORD_SIZE), TrapCode.MEMORY_OUT_OF_BOUNDS)
    c.check_range(RSI, RCX, RipRel(c.sym.data_lengths, 8 * segment), TrapCode.MEMORY_OUT_OF_BOUNDS)
    a.alu("add", 8, RDI, RBX)
    a.lea(8, RAX, RipRel(c.sym.indexed("data", segment)))
    a.alu("add", 8, RSI, RAX)
    a.rep_movsb()
    return False


def _h_data_drop(c: FunctionCompiler, i: Instr) -> bool:
    c.a.mov_store_imm(8, RipRel(c.sym.data_lengths, 8 * _int(i.imm[0])), 0)
    return False


# -- references and tables ----------------------------------------------------------------------------------------
def _h_ref_null(c: FunctionCompiler, i: Instr) -> bool:
    c.a.mov_store_imm(8, c.slot(c.depth), 0)
    c.push()
    return False


def _h_ref_func(c: FunctionCompiler, i: Instr) -> bool:
    index = _int(i.imm[0])
    if c.ctx.grow_hook and index < c.ctx.imported_functions:
        # The JIT: an imported function's funcref is the one it was imported as (another instance's
        # descriptor, written into ``<m>.import_funcrefs`` at instantiation), so funcrefs keep their identity.
        c.a.mov(8, RAX, RipRel(c.sym.import_funcrefs, 8 * index))
    else:
        c.a.lea(8, RAX, RipRel(c.sym.funcs, 16 * index))
    c.a.mov(8, c.slot(c.depth), RAX)
    c.push()
    return False


def _h_ref_is_null(c: FunctionCompiler, i: Instr) -> bool:
    slot = c.slot(c.depth - 1)
    c.a.alu("cmp", 8, slot, 0, imm=True)
    c.a.setcc("e", RAX)
    c.a.movzx(4, RAX, 1, RAX)
    c.a.mov(8, slot, RAX)
    return False


Handler = Callable[[FunctionCompiler, Instr], bool]


def _build_handlers() -> dict[str, Handler]:
    h: dict[str, Handler] = {
        "nop": _h_nop, "unreachable": _h_unreachable, "block": _h_block, "loop": _h_block, "if": _h_if,
        "else": _h_else, "end": _h_end, "br": _h_br, "br_if": _h_br_if, "br_table": compile_br_table,
        "return": _h_return, "call": _h_call, "call_indirect": _h_call_indirect, "drop": _h_drop,
        "select": _h_select, "local.get": _h_local_get, "local.set": _h_local_set, "local.tee": _h_local_set,
        "global.get": _h_global_get, "global.set": _h_global_set, "memory.size": _h_memory_size,
        "memory.grow": _h_memory_grow, "memory.fill": _h_memory_fill, "memory.copy": _h_memory_copy,
        "memory.init": _h_memory_init, "data.drop": _h_data_drop, "ref.null": _h_ref_null,
        "ref.func": _h_ref_func, "ref.is_null": _h_ref_is_null,
    }
    for op in ("i32.const", "i64.const", "f32.const", "f64.const"):
        h[op] = _h_const
    for t in ("i32", "i64"):
        for name in list(_ALU) + ["mul"] + list(_SHIFTS) + list(_CMP) + ["div_s", "div_u", "rem_s", "rem_u"]:
            h[f"{t}.{name}"] = _int_binary
        for name in ("eqz", "clz", "ctz", "popcnt", "extend8_s", "extend16_s"):
            h[f"{t}.{name}"] = _int_unary
        for suffix in _LOADS:
            if t == "i32" and suffix.startswith("load32"):
                continue
            h[f"{t}.{suffix}"] = _load
        for suffix in ("store", "store8", "store16", "store32"):
            if t == "i32" and suffix == "store32":
                continue
            h[f"{t}.{suffix}"] = _store
        for src in ("f32", "f64"):
            for sign in ("s", "u"):
                h[f"{t}.trunc_{src}_{sign}"] = _truncate
                h[f"{t}.trunc_sat_{src}_{sign}"] = _truncate
    h["i64.extend32_s"] = _int_unary
    for op in ("i32.wrap_i64", "i64.extend_i32_s", "i64.extend_i32_u", "i32.reinterpret_f32",
               "i64.reinterpret_f64"):
        h[op] = _convert_int
    for t in ("f32", "f64"):
        for name in ("add", "sub", "mul", "div", "min", "max", "copysign", "eq", "ne", "lt", "gt", "le", "ge"):
            h[f"{t}.{name}"] = _float_binary
        for name in ("abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest"):
            h[f"{t}.{name}"] = _float_unary
        for name in ("convert_i32_s", "convert_i32_u", "convert_i64_s", "convert_i64_u"):
            h[f"{t}.{name}"] = _convert_float
        h[f"{t}.load"] = _load
        h[f"{t}.store"] = _store
    h["f32.demote_f64"] = _convert_float
    h["f64.promote_f32"] = _convert_float
    h["f32.reinterpret_i32"] = _convert_float
    h["f64.reinterpret_i64"] = _convert_float
    h.update(EXCEPTION_HANDLERS)
    h.update(TAIL_CALL_HANDLERS)
    h.update(TABLE_HANDLERS)
    h.update(SIMD_HANDLERS)
    return h


_HANDLERS = _build_handlers()
#: The handlers of functions with v128 values (``FunctionCompiler.vector``).
_VECTOR_HANDLERS = vector_handlers(_HANDLERS)

#: Instructions whose code depends only on the opcode, the immediates, the operand depth and the frame layout, and
#: that neither call nor branch out of themselves nor record unwind ops: their relocations and trap stubs are
#: captured with their code. The module's functions repeat the same few thousand of these, so each is compiled
#: once per module and replayed (``FunctionCompiler.run``).
STRAIGHT_LINE = frozenset(
    ["local.get", "local.set", "local.tee", "global.get", "global.set", "drop", "select",
     "ref.null", "ref.is_null", "ref.func", "i32.const", "i64.const", "f32.const", "f64.const",
     "i32.wrap_i64", "i64.extend_i32_s", "i64.extend_i32_u", "i32.reinterpret_f32", "i64.reinterpret_f64",
     "f32.demote_f64", "f64.promote_f32", "f32.reinterpret_i32", "f64.reinterpret_i64", "i64.extend32_s",
     "memory.size", "memory.grow", "memory.fill", "memory.copy", "memory.init", "data.drop",
     "table.get", "table.set", "table.size", "table.grow", "table.fill", "table.init", "table.copy", "elem.drop"]
    + [f"{t}.{name}" for t in ("i32", "i64")
       for name in [*_ALU, "mul", *_SHIFTS, *_CMP, "div_s", "div_u", "rem_s", "rem_u",
                    "eqz", "clz", "ctz", "popcnt", "extend8_s", "extend16_s",
                    *(f"trunc_{sat}f{size}_{sign}" for sat in ("", "sat_") for size in (32, 64) for sign in "su")]]
    + [f"{t}.{name}" for t in ("f32", "f64")
       for name in ("add", "sub", "mul", "div", "min", "max", "copysign", "eq", "ne", "lt", "gt", "le", "ge",
                    "abs", "neg", "sqrt", "ceil", "floor", "trunc", "nearest",
                    "convert_i32_s", "convert_i32_u", "convert_i64_s", "convert_i64_u")]
    + [op for op, handler in _HANDLERS.items() if handler in (_load, _store)]
    + list(SIMD_HANDLERS))
