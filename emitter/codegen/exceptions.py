"""Wasm exception handling in the baseline compiler: try regions, landing pads and the LSDA model.

Design note
===========

Why the system unwinder
    Exceptions, traps and foreign (C++) exceptions unwind through Wasm frames with the platform's own machinery
    (libgcc's ``_Unwind_RaiseException`` on Linux; ``RaiseException`` dispatch through the same GCC-style
    personality on Windows), at zero cost on the path that does not throw, and debuggers already understand
    the landing pads. Nothing is registered or pushed on entry to a try region: a try region is a range of call
    sites in the function's LSDA, and its handlers are landing pads placed after the function body.

Personality and exception objects (the C runtime ``emitter/runtime/jitdebug_eh.c``, linked by AOT hosts and
built into the JIT's native shim)
    A Wasm exception is an ``_Unwind_Exception`` of class ``"JDBGWASM"`` followed by its tag pointer, the count
    of payload words and the payload (one 64-bit word per value, last value first: the operand stack's order in
    memory, so ``throw`` passes its operand slots as they are). ``jitdebug_throw(tag, values, count)`` builds it
    and calls ``_Unwind_RaiseException``; ``jitdebug_throw_ref(exn)`` raises an existing one again (``throw_ref``,
    legacy ``rethrow``); ``jitdebug_exception_drop(exn)`` releases one through its own cleanup
    (``_Unwind_DeleteException``, so a caught C++ exception is destroyed by the C++ runtime).

    We use our own personality, ``jitdebug_personality_v0``, rather than the C++ ABI (``__cxa_throw`` with a
    ``type_info`` per tag and ``__gxx_personality_v0``), because: Wasm code then needs no C++ runtime; an
    exception nobody catches makes ``_Unwind_RaiseException`` *return*, so ``jitdebug_throw`` can stop the
    Wasm execution cleanly as the trap "thrown Wasm exception" (wasmtime's behaviour) with the throwing frames
    still on the stack for the backtrace, where ``__cxa_throw`` would call ``std::terminate``; and call sites
    outside try regions need no LSDA records (an exception passes them), where the C++ personality terminates.
    The personality never stops a forced unwind (``_UA_FORCE_UNWIND``: thread cancellation, ``longjmp_unwind``):
    Wasm frames have no cleanups.

LSDA (``emitter/dwarf/lsda.py``)
    GCC's format, unchanged, so the usual readers decode it: call-site records for the calls inside try regions
    (the IP looked up is the return address - 1), action chains of type filters (innermost handler first,
    across nested try regions and ``delegate``), and a type table whose entries point at *tag descriptors*
    (``struct jitdebug_tag``: one per tag a module defines, identity by address; an imported tag is a descriptor
    the host defines under the import's field name, an exported one is a global symbol ``prefix + name``).
    A null entry is a catch-all. Functions with handlers have an FDE under a ``zPLR`` CIE naming
    ``jitdebug_personality_v0`` through ``DW.ref.jitdebug_personality_v0``; other functions stay under ``zR``.

Matching
    ``catch $t``/``catch_ref $t`` match Wasm exceptions whose tag is ``$t``. ``catch_all``/``catch_all_ref``
    (and legacy ``catch_all``) match *every* exception, foreign ones included, as Wasm's JS API lets
    ``catch_all`` catch JavaScript exceptions: a C++ exception thrown by an import runs the Wasm ``catch_all``
    handlers it passes. ``catch_all`` then releases it (its destructor runs); ``catch_all_ref`` keeps it as an
    ``exnref`` and ``throw_ref`` raises the *same* C++ exception again, which a C++ host then catches with its
    original type. (A C++ exception caught by Wasm was never ``__cxa_begin_catch``-ed, so
    ``std::uncaught_exceptions()`` stays one too high until it is thrown again.) A Wasm exception reaching C++
    is foreign there: ``catch (...)`` catches it, and ``__cxa_end_catch`` releases it through our cleanup.

Landing pads
    The personality passes the exception in rax and the matched type filter in rdx
    (``__builtin_eh_return_data_regno(0/1)``). One pad per try region that has calls; it compares rdx with the
    filters of its chain in order and jumps to the matched clause's stub, which copies the payload from the
    exception into the target label's operand slots (and the ``exnref`` for the ``_ref`` forms), releases the
    exception when no reference is kept, reloads the memory base and branches like ``br``. Legacy
    ``catch``/``catch_all`` blocks are compiled inline where they appear (reached only from pads); the caught
    exception stays in a frame slot of its ``try`` for ``rethrow`` and is released when the block is left
    normally or by a branch. The unwinder has already restored rsp, rbp and the callee-saved registers of the
    frame at the call.

Zero cost
    ``try``/``try_table`` emit no instruction: the body compiles to the same bytes as the same body in a
    ``block`` (tested byte for byte). Legacy ``try`` adds one frame slot per ``try`` for the caught exception
    (the frame size changes, the instruction count does not).

What is not released
    An exception kept as an ``exnref`` that is never thrown again, and the exception of a legacy catch block left
    by an exception, are never released (the baseline compiler has no reference tracking).

Rethrown and caught again in the same function
    A legacy ``rethrow`` raises the very exception its catch block holds; a handler of the same function inside
    that block (a nested legacy ``catch``, or a ``try_table`` clause) may catch it. The block still owns it: it
    may rethrow it again, and releases it when it is left. So such handlers compare the caught exception with
    the ones the enclosing catch blocks hold (static: the blocks around the try) and, when it is one of them,
    do not release it; a legacy block keeps it with the low bit set (exceptions are at least 8-aligned), which
    its release and its ``rethrow`` look at. Only handlers nested in catch blocks pay those compares, on the
    path that caught an exception. Not handled: a ``catch_ref``/``catch_all_ref`` clause catching it gets an
    ``exnref`` that is left dangling once the block is left and releases the exception.

Observability (for ``wasm catch throw|catch``)
    Every throw goes through ``jitdebug_throw``/``jitdebug_throw_ref`` (documented symbols to break on); every
    landing pad is a ``CallSite.landing_pad`` in the ``.jitdebug.wasm`` metadata and has a line-table row naming
    the Wasm ``try_table``/``catch`` instruction that it implements.

Windows (the same semantics; what the SEH side needs to do)
    The compiler output is unchanged: the same call sites, filters, landing pads (rax = exception, rdx =
    selector) and calls to ``jitdebug_throw``. The personality is reached through an SEH language handler:
    functions that have an LSDA get ``UNWIND_INFO`` flags ``UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER``, the handler
    RVA of ``jitdebug_personality_seh0``, and this same LSDA inline as the handler data (GCC's layout:
    ``_Unwind_GetLanguageSpecificData`` returns ``DISPATCHER_CONTEXT.HandlerData``). ``jitdebug_personality_seh0``
    is the runtime's wrapper to add under ``#ifdef _WIN32``, built the way libgcc builds
    ``__gxx_personality_seh0``::

        EXCEPTION_DISPOSITION jitdebug_personality_seh0(PEXCEPTION_RECORD record, void *frame, PCONTEXT context,
                                                        PDISPATCHER_CONTEXT dispatcher) {
            return _GCC_specific_handler(record, frame, context, dispatcher, jitdebug_personality_v0);
        }

    Throwing stays ``_Unwind_RaiseException``: mingw's libgcc raises ``STATUS_GCC_THROW``, which
    ``_GCC_specific_handler`` turns into the same two phases (foreign SEH exceptions run no Wasm handler, and a
    C++ exception from mingw g++ is caught by ``catch_all`` exactly as on Linux). The LSDA's type entries stay
    ``DW_EH_PE_pcrel|sdata4`` (COFF ``IMAGE_REL_AMD64_REL32``); the personality reads them from memory. In a JIT,
    every RVA must be 32-bit from the image base: place a ``jmp`` thunk to the personality inside the region.
    Trap reports: PE has no ``__start_``/``__stop_`` symbols; group the ``jitdebug_frames`` records with the
    ``$a``/``$m``/``$z`` section-name ordering (``jitdebug_frames$a`` start marker, ``$z`` end marker).

Trap reports (``emitter/codegen/frametable.py``)
    Each module links a frame table into ``jitdebug_frames``; ``jitdebug_trap_report`` (C runtime) walks the
    stack with ``_Unwind_Backtrace`` and prints wasmtime's report, for AOT hosts' trap hooks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..compiled import CallSite
from ..errors import EmitError
from ..wasm.module import Catch, FuncType, Instr, Module
from ..x64.asm import RAX, RCX, RDX, Label, Mem, RipRel
from .runtime import TrapCode

if TYPE_CHECKING:
    from .function import Control, FunctionCompiler

#: The runtime routines generated code calls (``emitter/runtime/jitdebug_eh.h``).
THROW = "jitdebug_throw"
THROW_REF = "jitdebug_throw_ref"
DROP = "jitdebug_exception_drop"
PERSONALITY = "jitdebug_personality_v0"
#: ``struct jitdebug_exception``: the tag pointer and the payload after the 32-byte ``_Unwind_Exception``.
EXCEPTION_TAG_OFFSET = 32
EXCEPTION_VALUES_OFFSET = 48
#: Tag descriptors are 8 bytes: parameter count and tag index (``struct jitdebug_tag``).
TAG_DESCRIPTOR_SIZE = 8

#: Instructions that continue or end a legacy try: in dead code they are skipped with the try they belong to.
LEGACY_CLAUSES = frozenset({"catch", "catch_all", "delegate"})


def tag_type(module: Module, tag: int) -> FuncType:
    return module.types[module.tags[tag]]


@dataclass(eq=False)
class Clause:
    """One handler of a try region, with everything its stub needs about the branch target."""

    #: The tag index, or None for the catch-all forms.
    tag: int | None
    #: "catch", "catch_ref", "catch_all", "catch_all_ref" (try_table), or "legacy" (a legacy catch block).
    kind: str
    #: Wasm offset of the instruction that declares the clause (line rows of the stub).
    wasm_offset: int
    #: try_table: the target label, its operand height, and whether it is the function (the branch returns).
    target: Label | None = None
    height: int = 0
    returns: bool = False
    #: Legacy: the entry of the catch block (compiled out of line, ``defer_catch_blocks``); pads jump there.
    entry: Label | None = None
    #: Bound when the stub is emitted (once, shared by every pad whose chain contains the clause).
    stub: Label = field(default_factory=Label)
    emitted: bool = False
    #: Frame slots of the exceptions that the legacy catch blocks around the try hold (``borrowed_check``).
    held: tuple[int, ...] = ()


@dataclass(eq=False)
class TryScope:
    """A try region: its own clauses, then (``outer``) where an exception it does not catch goes next: the
    enclosing region, or a ``delegate`` target; None means the caller."""

    clauses: list[Clause]
    outer: TryScope | None
    wasm_offset: int
    pad: Label = field(default_factory=Label)
    #: Call sites whose innermost region this is: (start, end) body offsets.
    calls: list[tuple[int, int]] = field(default_factory=list)

    def chain(self) -> Iterator[Clause]:
        scope: TryScope | None = self
        while scope is not None:
            yield from scope.clauses
            scope = scope.outer


class ExceptionRegions:
    """The try regions of one function as it is compiled, and their pads and call sites once it is done."""

    # No reference back to the compiler (it is passed in where needed): a cycle would keep every function's
    # compile-time objects alive until the collector's next pass, hundreds of thousands for a large module.
    def __init__(self, tag_symbols: list[str]) -> None:
        self.tag_symbols = tag_symbols
        self.scopes: list[TryScope] = []
        self.types: list[str | None] = []
        self.deferred: list[DeferredCatch] = []

    # -- compile time -------------------------------------------------------------------------------------------
    def open(self, clauses: list[Clause], outer: TryScope | None, wasm_offset: int) -> TryScope:
        scope = TryScope(clauses, outer, wasm_offset)
        self.scopes.append(scope)
        return scope

    @staticmethod
    def record_call(scope: TryScope | None, start: int, end: int) -> None:
        """A call at [start, end) of the body: an exception escaping it goes to ``scope``, the current region."""
        if scope is not None:
            scope.calls.append((start, end))

    # -- after the body -----------------------------------------------------------------------------------------
    def _filter(self, clause: Clause) -> int:
        symbol = None if clause.tag is None else self.tag_symbols[clause.tag]
        if symbol not in self.types:
            self.types.append(symbol)
        return self.types.index(symbol) + 1

    def emit_pads(self, c: FunctionCompiler) -> list[CallSite]:
        """Emit every landing pad and clause stub after the body; return the call sites (body offsets)."""
        sites: list[CallSite] = []
        for scope in self.scopes:
            if not scope.calls:
                continue
            chain: list[tuple[int, Clause]] = []
            for clause in scope.chain():
                type_filter = self._filter(clause)
                if all(type_filter != f for f, _ in chain):
                    chain.append((type_filter, clause))
            if not chain:
                continue  # nothing catches here: no record, the exception passes these calls
            self._emit_pad(c, scope, chain)
            filters = tuple(f for f, _ in chain)
            sites += [CallSite(start, end, scope.pad.position, filters=filters) for start, end in scope.calls]
        for scope in self.scopes:
            for clause in scope.clauses:
                if clause.stub.fixups and not clause.emitted:
                    self._emit_stub(c, clause)
        sites.sort(key=lambda s: s.start)
        return sites

    @staticmethod
    def _emit_pad(c: FunctionCompiler, scope: TryScope, chain: list[tuple[int, Clause]]) -> None:
        a = c.a
        a.bind(scope.pad)
        c.lines.append((a.offset, c.line(scope.wasm_offset), scope.wasm_offset, False))
        for type_filter, clause in chain:
            a.alu("cmp", 4, RDX, type_filter, imm=True)
            a.jcc("e", clause.entry if clause.entry is not None else clause.stub)
        a.ud2()  # the personality lands here only with a filter of this chain

    @staticmethod
    def _emit_stub(c: FunctionCompiler, clause: Clause) -> None:
        """try_table clause: payload (and exnref) to the target's slots, release, branch."""
        a = c.a
        clause.emitted = True
        a.bind(clause.stub)
        c.lines.append((a.offset, c.line(clause.wasm_offset), clause.wasm_offset, False))
        count = 0
        if clause.kind in ("catch", "catch_ref") and clause.tag is not None:
            count = copy_payload(c, clause.tag, clause.height)
        if clause.kind.endswith("_ref"):
            a.mov(8, c.slot(clause.height + count), RAX)
        else:
            kept = Label()
            borrowed_check(c, clause.held, kept)
            a.mov(8, c.abi.int_args[0], RAX)
            a.call_symbol(DROP)
            a.bind(kept)
            c.call_end = a.offset
        c.load_memory_base()
        results = count + (1 if clause.kind.endswith("_ref") else 0)
        if clause.returns:
            c.depth = clause.height + results
            c.emit_return()
        elif clause.target is not None:
            a.jmp(clause.target)
        else:
            raise EmitError("catch clause without a target", function=c.name, offset=a.offset)


def copy_payload(c: FunctionCompiler, tag: int, height: int) -> int:
    """Copy the payload of the exception in rax to operand slots ``height``...; returns the value count."""
    count = len(tag_type(c.module, tag).params)
    values = EXCEPTION_VALUES_OFFSET - EXCEPTION_TAG_OFFSET + c.abi.unwind_exception_size  # after the header
    for i in range(count):
        c.a.mov(8, RCX, Mem(RAX, values + 8 * (count - 1 - i)))
        c.a.mov(8, c.slot(height + i), RCX)
    return count


def held_slots(frame: Control | None) -> tuple[int, ...]:
    """The exception slots of the legacy catch blocks from the function's frame to ``frame`` (the code there may
    rethrow them)."""
    return frame.held if frame is not None else ()


def borrowed_check(c: FunctionCompiler, held: tuple[int, ...], borrowed: Label) -> None:
    """Jump to ``borrowed`` when the exception in rax is one a legacy catch block around this handler holds:
    ``rethrow`` raised it again and a handler of the same function caught it. The catch block still owns it
    (it may ``rethrow`` it once more, and releases it when it is left), so this handler must not release it.
    A held slot may carry the low bit of a borrowed exception (pointers are at least 8-aligned)."""
    a = c.a
    for slot in held:
        a.mov(8, RCX, c.exception_slot(slot))
        a.alu("and", 8, RCX, -2, imm=True)
        a.alu("cmp", 8, RAX, RCX)
        a.jcc("e", borrowed)


def exception_pointer(c: FunctionCompiler, frame: Control, register: int) -> None:
    """Load the exception a legacy catch block holds, without its borrowed bit."""
    if frame.exception_slot is None:
        raise EmitError("legacy catch block without an exception slot", function=c.name, offset=c.a.offset)
    c.a.mov(8, register, c.exception_slot(frame.exception_slot))
    if frame.may_borrow:
        c.a.alu("and", 8, register, -2, imm=True)


def drop_caught(c: FunctionCompiler, frame: Control) -> None:
    """Release the exception a legacy catch block holds (the block is being left), unless it only borrows it."""
    if frame.exception_slot is None:
        raise EmitError("legacy catch block without an exception slot", function=c.name, offset=c.a.offset)
    a = c.a
    a.mov(8, c.abi.int_args[0], c.exception_slot(frame.exception_slot))
    kept = Label()
    if frame.may_borrow:
        a.mov(8, RAX, c.abi.int_args[0])  # not rcx: the first argument register on Windows
        a.alu("and", 4, RAX, 1, imm=True)
        a.jcc("ne", kept)
    a.call_symbol(DROP)
    a.bind(kept)
    c.call_end = a.offset
    c.load_memory_base()


# -- instruction handlers ------------------------------------------------------------------------------------------
def _h_try_table(c: FunctionCompiler, i: Instr) -> bool:
    block_type, catches = i.imm
    if not isinstance(catches, tuple):
        raise c.error("bad try_table immediate")
    clauses = []
    for catch in catches:
        if not isinstance(catch, Catch):
            raise c.error("bad try_table clause")
        # Catch labels are relative to the context outside the try_table.
        target = c.control[-1 - catch.label]
        clauses.append(Clause(catch.tag, catch.kind, i.offset, target.target, target.height,
                              target.kind == "func", held=held_slots(c.control[-1])))
    params, results = c.block_arity(block_type)
    scope = c.exceptions.open(clauses, c.control[-1].scope, i.offset)
    end = Label()
    c.push_control("try_table", c.depth - params, params, results, end, end, scope=scope)
    return False


def _h_try(c: FunctionCompiler, i: Instr) -> bool:
    params, results = c.block_arity(i.imm[0])
    scope = c.exceptions.open([], c.control[-1].scope, i.offset)
    end = Label()
    frame = c.push_control("try", c.depth - params, params, results, end, end, scope=scope)
    frame.try_scope = scope
    frame.exception_slot = c.next_exception_slot()
    return False


@dataclass(eq=False)
class DeferredCatch:
    """A legacy catch block to compile after the body: its instructions [start, stop) and the try's frame in its
    catch state, whose ``parent`` chain is the control stack to compile it in."""

    clause: Clause
    start: int
    stop: int
    frame: Control


def defer_catch_blocks(c: FunctionCompiler, index: int) -> int:
    """At the first ``catch``/``catch_all`` of a legacy try (instruction ``index``): queue its catch blocks to be
    compiled out of line, so the try body falls through to the code after the try with no jump; returns the
    index of the try's ``end``, which is compiled next."""
    body = c.function.body
    frame = c.control[-1]
    scope = frame.try_scope
    if frame.kind != "try" or scope is None or frame.exception_slot is None:
        raise c.error(f"{body[index].op} outside of a legacy try block")
    blocks: list[tuple[int, int]] = []
    depth = 0
    clause_at = index
    for position in range(index + 1, len(body)):
        op = body[position].op
        if op in ("block", "loop", "if", "try", "try_table"):
            depth += 1
        elif op in ("end", "delegate") and depth:
            depth -= 1
        elif op in ("catch", "catch_all", "end") and not depth:
            blocks.append((clause_at, position))
            if op == "end":
                break
            clause_at = position
    else:
        raise c.error("legacy try without an end")
    held = held_slots(frame.parent)
    catching = dataclasses.replace(frame, catching=True, scope=scope.outer, catch_blocks=frame.catch_blocks + 1,
                                   may_borrow=bool(held), held=held + (frame.exception_slot,))
    for at, stop in blocks:
        instr = body[at]
        tag = c.int_immediate(instr.imm[0]) if instr.op == "catch" else None
        clause = Clause(tag, "legacy", instr.offset, entry=Label(), held=held)
        scope.clauses.append(clause)
        c.exceptions.deferred.append(DeferredCatch(clause, at + 1, stop, catching))
    return blocks[-1][1]


def enter_control(path: list[Control], top: Control) -> None:
    """Make ``path`` the control stack from the function's frame to ``top``, keeping the frames it already shares
    with it: successive catch blocks are near each other in the tree of frames, so this is cheap where copying
    the stack for each would be quadratic in the nesting depth."""
    added: list[Control] = []
    node: Control | None = top
    while node is not None and not (node.level < len(path) and path[node.level] is node):
        added.append(node)
        node = node.parent
    del path[0 if node is None else node.level + 1:]
    path.extend(reversed(added))


def compile_deferred_catch_blocks(c: FunctionCompiler) -> None:
    """Compile the queued legacy catch blocks (and those nested in them): each is entered from a landing pad
    with the exception in rax, keeps it in its try's slot, takes the payload, and ends by releasing it and
    jumping to the end of the try."""
    a = c.a
    path = list(c.control)
    while c.exceptions.deferred:
        item = c.exceptions.deferred.pop(0)
        frame = item.frame
        enter_control(path, frame)
        c.control = path
        entry, slot = item.clause.entry, frame.exception_slot
        if entry is None or slot is None:
            raise c.error("legacy catch block without an entry")
        a.bind(entry)
        c.lines.append((a.offset, c.line(item.clause.wasm_offset), item.clause.wasm_offset, False))
        if item.clause.held:
            # A rethrown exception of an enclosing catch block is kept with the low bit set: borrowed.
            borrowed, join = Label(), Label()
            borrowed_check(c, item.clause.held, borrowed)
            a.mov(8, c.exception_slot(slot), RAX)
            a.jmp(join)
            a.bind(borrowed)
            a.lea(8, RCX, Mem(RAX, 1))
            a.mov(8, c.exception_slot(slot), RCX)
            a.bind(join)
        else:
            a.mov(8, c.exception_slot(slot), RAX)
        count = copy_payload(c, item.clause.tag, frame.height) if item.clause.tag is not None else 0
        c.load_memory_base()
        c.depth = frame.height + count
        c.push(0)
        if c.run(item.start, item.stop):
            drop_caught(c, frame)
            c.depth = frame.height + frame.results
            a.jmp(frame.end)


def _h_delegate(c: FunctionCompiler, i: Instr) -> bool:
    """Legacy ``delegate L``: exceptions of the try body go to the handlers in effect inside label L (counted
    outside the try), skipping this try's own; then the try ends like a block."""
    frame = c.control.pop()
    scope = frame.try_scope
    if frame.kind != "try" or scope is None:
        raise c.error("delegate outside of a legacy try block")
    scope.outer = c.control[-1 - c.int_immediate(i.imm[0])].scope
    c.a.bind(frame.end)
    c.depth = frame.height + frame.results
    return False


def _h_throw(c: FunctionCompiler, i: Instr) -> bool:
    tag = c.int_immediate(i.imm[0])
    count = len(tag_type(c.module, tag).params)
    a = c.a
    base = c.depth - count
    args = c.abi.int_args
    a.lea(8, args[0], RipRel(c.ctx.tag_symbols[tag]))
    a.lea(8, args[1], c.slot(base + count - 1) if count else c.slot(base))
    a.mov_imm(4, args[2], count)
    c.call_runtime(THROW)
    c.depth = base
    return True


def _h_throw_ref(c: FunctionCompiler, i: Instr) -> bool:
    a = c.a
    c.depth -= 1
    arg0 = c.abi.int_args[0]
    a.mov(8, arg0, c.slot(c.depth))
    a.test(8, arg0, arg0)
    a.jcc("e", c.trap(TrapCode.NULL_REFERENCE))
    c.call_runtime(THROW_REF)
    return True


def _h_rethrow(c: FunctionCompiler, i: Instr) -> bool:
    frame = c.control[-1 - c.int_immediate(i.imm[0])]
    if frame.exception_slot is None or not frame.catching:
        raise c.error("rethrow target is not a legacy catch block")
    exception_pointer(c, frame, c.abi.int_args[0])
    c.call_runtime(THROW_REF)
    return True


HANDLERS = {
    "try_table": _h_try_table,
    "try": _h_try,
    "delegate": _h_delegate,
    "throw": _h_throw,
    "throw_ref": _h_throw_ref,
    "rethrow": _h_rethrow,
}
