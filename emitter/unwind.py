"""The abstract unwind program: what a function's prologue and epilogues do to the stack, at exact code offsets.

One vocabulary for every encoding: ``dwarf/cfi.py`` lowers it to DWARF call-frame instructions, ``seh/`` to
Windows ``UNWIND_INFO``. Each operation carries ``offset``, the code offset just *after* the instruction it
describes: the effect is visible to an unwinder stopped at ``offset`` and later.

Stack picture (x86-64; addresses grow upward, the stack grows down)::

      |  caller's frame        |
      +------------------------+ <- CFA (the caller's rsp before its ``call``)
      |  return address        |    CFA - 8          entry: cfa_minus_sp = 8
      +------------------------+ <- rsp at entry
      |  saved rbp             |    CFA - 16         PushRegister("rbp")      cfa_minus_sp = 16
      +------------------------+ <- rbp              SetFramePointer("rbp", 0) cfa_minus_fp = 16
      |  saved rbx, r12, ...   |    CFA - 24, ...    PushRegister(...)
      +------------------------+
      |  locals, spills        |                     StackAlloc(size)
      |  [xmm saves]           |                     SaveVector(reg, sp_offset)  (slot = rsp + sp_offset)
      +------------------------+ <- rsp after the prologue

All distances are measured *downward from the CFA* (``cfa_minus_sp``, ``cfa_minus_fp``, a saved register's
``cfa_minus_slot``), so they are positive and independent of where the CFA rule is currently based.

Epilogues are bracketed by ``EpilogueBegin``/``EpilogueEnd``: the state at ``EpilogueEnd`` returns to the state
at ``EpilogueBegin`` (the code after a mid-function epilogue is still the body). ``PrologueEnd`` marks the end
of the prologue for encodings that need its size (Windows).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from .arch import X86_64, Arch
from .errors import UnwindError
from .picklable import by_fields


@by_fields
@dataclass(frozen=True, slots=True)
class PushRegister:
    """``push reg``: sp -= 8 and ``reg`` is saved in the new top slot."""

    offset: int
    register: str


@by_fields
@dataclass(frozen=True, slots=True)
class SetFramePointer:
    """``lea fp, [sp + sp_offset]`` (``mov rbp, rsp`` when 0): the CFA is now tracked through ``register``."""

    offset: int
    register: str
    sp_offset: int = 0


@by_fields
@dataclass(frozen=True, slots=True)
class StackAlloc:
    """``sub rsp, size`` (possibly through a stack probe)."""

    offset: int
    size: int


@by_fields
@dataclass(frozen=True, slots=True)
class SaveRegister:
    """``mov [sp + sp_offset], reg``: a general register saved without a push."""

    offset: int
    register: str
    sp_offset: int


@by_fields
@dataclass(frozen=True, slots=True)
class SaveVector:
    """``movaps [sp + sp_offset], xmmN``: a 16-byte vector register save."""

    offset: int
    register: str
    sp_offset: int


@by_fields
@dataclass(frozen=True, slots=True)
class PrologueEnd:
    offset: int


@by_fields
@dataclass(frozen=True, slots=True)
class EpilogueBegin:
    offset: int


@by_fields
@dataclass(frozen=True, slots=True)
class StackFree:
    """``add rsp, size`` in an epilogue."""

    offset: int
    size: int


@by_fields
@dataclass(frozen=True, slots=True)
class ResetStackFromFramePointer:
    """``mov rsp, fp`` / ``lea rsp, [fp + fp_offset]`` in an epilogue."""

    offset: int
    fp_offset: int = 0


@by_fields
@dataclass(frozen=True, slots=True)
class RestoreRegister:
    """``mov reg, [slot]`` in an epilogue: ``reg`` holds the caller's value again."""

    offset: int
    register: str


@by_fields
@dataclass(frozen=True, slots=True)
class PopRegister:
    """``pop reg`` in an epilogue (restores ``reg`` from the top slot, sp += 8)."""

    offset: int
    register: str


@by_fields
@dataclass(frozen=True, slots=True)
class EpilogueEnd:
    """After the epilogue's last instruction (``ret``): the body's state applies again."""

    offset: int


UnwindOp = (
    PushRegister
    | SetFramePointer
    | StackAlloc
    | SaveRegister
    | SaveVector
    | PrologueEnd
    | EpilogueBegin
    | StackFree
    | ResetStackFromFramePointer
    | RestoreRegister
    | PopRegister
    | EpilogueEnd
)


def shifted(op: UnwindOp, delta: int) -> UnwindOp:
    """``op`` moved ``delta`` bytes later in the code (ops recorded from a body's start, placed after a prologue).
    Every op's first field is ``offset``; the others are copied as they are."""
    if not delta:
        return op
    return type(op)(op.offset + delta, *_other_fields(op))  # type: ignore[arg-type]


def op_parts(op: UnwindOp) -> tuple[type[UnwindOp], int, tuple[object, ...]]:
    """``op`` as its type, offset and other fields: ops recorded once and placed many times (an epilogue's) are
    kept so and rebuilt in place as ``kind(offset + delta, *rest)``, without reading their fields again."""
    return type(op), op.offset, _other_fields(op)


def _other_fields(op: UnwindOp) -> tuple[object, ...]:
    """Every field of ``op`` but ``offset``: what the op does, wherever it is."""
    getter = _OTHER_FIELDS.get(type(op))
    if getter is None:
        getter = _OTHER_FIELDS[type(op)] = _fields_getter(tuple(f.name for f in fields(op) if f.name != "offset"))
    return getter(op)


def _fields_getter(names: tuple[str, ...]) -> Callable[[object], tuple[object, ...]]:
    """A function reading ``names`` of an object as a tuple (``operator.attrgetter``: every function's unwind
    ops are read so, when its body is placed after the prologue)."""
    if not names:
        return lambda op: ()
    if len(names) == 1:
        single = operator.attrgetter(names[0])
        return lambda op: (single(op),)
    return operator.attrgetter(*names)


_OTHER_FIELDS: dict[type, Callable[[object], tuple[object, ...]]] = {}


@by_fields
@dataclass(frozen=True, slots=True)
class Row:
    """The unwind rule for code offsets ``[start, end)``: CFA = ``cfa_register`` + ``cfa_offset``, and each saved
    register (the return address included) lives at CFA - n."""

    start: int
    end: int
    cfa_register: str
    cfa_offset: int
    saved: tuple[tuple[str, int], ...]

    def same_rule(self, other: Row) -> bool:
        return (self.cfa_register, self.cfa_offset, self.saved) == (other.cfa_register, other.cfa_offset, other.saved)

    def same_rule_as(self, rule: tuple[str, int, tuple[tuple[str, int], ...]]) -> bool:
        return (self.cfa_register, self.cfa_offset, self.saved) == rule


@by_fields
@dataclass(slots=True)
class FrameState:
    """The evaluator's state; exposed so encoders can walk a program without re-deriving its meaning."""

    cfa_minus_sp: int
    frame_register: str | None = None
    cfa_minus_fp: int = 0
    saved: dict[str, int] = field(default_factory=dict)

    def copy(self) -> FrameState:
        return FrameState(self.cfa_minus_sp, self.frame_register, self.cfa_minus_fp, dict(self.saved))

    def cfa_rule(self, arch: Arch) -> tuple[str, int]:
        if self.frame_register is not None:
            return self.frame_register, self.cfa_minus_fp
        return arch.stack_pointer, self.cfa_minus_sp


@by_fields
@dataclass(slots=True)
class _Evaluation:
    """The program evaluated so far: the state after each of the first ``len(after)`` ops (never mutated once
    stored) and the epilogue stack at that point. Kept up to date by ``add``, so no encoder re-evaluates."""

    after: list[FrameState]
    remembered: list[FrameState]


@dataclass
class UnwindProgram:
    """A function's unwind operations in code order. Build with the methods; each validates as it is added."""

    function: str = "<anonymous>"
    arch: Arch = X86_64
    ops: list[UnwindOp] = field(default_factory=list)
    _evaluation: _Evaluation | None = field(default=None, repr=False, compare=False)

    # -- pickling (the compile cache) -----------------------------------------------------------------------
    def __reduce__(self) -> tuple[object, ...]:
        """Pickled with the ops as plain tuples, turned back into ops only when ``ops`` is first read: a warm
        start that finds the lowered object in the cache never reads them (a large module has some 100,000)."""
        packed = tuple([(type(op), *[getattr(op, name) for name in type(op).__slots__]) for op in self.ops])
        return _unpickled_program, (self.function, self.arch, packed, self._evaluation)

    if not TYPE_CHECKING:  # (for the type checker, a misspelt attribute stays an error)
        def __getattr__(self, name: str) -> object:
            # Only reached for an attribute the instance lacks: ``ops`` of an unpickled program not read yet.
            packed = self.__dict__.pop("_packed", None) if name == "ops" else None
            if packed is None:
                raise AttributeError(name)
            self.ops = [cls(*values) for cls, *values in packed]
            return self.ops

    # -- building -------------------------------------------------------------------------------------------
    def add(self, op: UnwindOp) -> UnwindProgram:
        ops = self.ops
        if op.offset < 0:
            raise self._error("negative code offset", op.offset)
        if ops and op.offset < ops[-1].offset:
            raise self._error(f"offset goes backwards (previous op at {ops[-1].offset:#x})", op.offset)
        # Evaluate as we go so a bad op is reported where it is added, naming its offset; on error the
        # program is left unchanged (``_step`` touches the epilogue stack only once the op is known good).
        evaluation = self._evaluate(len(ops))
        after = evaluation.after
        state = (after[-1] if after else self.entry_state()).copy()
        state = self._step(op, state, evaluation.remembered)
        ops.append(op)
        after.append(state)
        return self

    def extend(self, ops: Sequence[UnwindOp], delta: int,
               memo: dict[object, tuple[list[FrameState], list[FrameState]]]) -> UnwindProgram:
        """``add(shifted(op, delta))`` for each of ``ops``, evaluating each sequence once per ``memo``.

        The states an op sequence leads to depend on the state it starts from and on what the ops do, not on
        their offsets: ``memo`` keeps them per sequence, and must only be shared by programs at the same state
        when extended (the copies of one prologue's program, each extended once). Offsets are still checked
        for every program; any error is found and reported by ``add``."""
        key = (len(self.ops), tuple([(type(op), *_other_fields(op)) for op in ops]))
        known = memo.get(key)
        own = self.ops
        if known is not None:
            moved: list[UnwindOp] = [kind(op.offset + delta, *rest)  # type: ignore[operator]
                                     for op, (kind, *rest) in zip(ops, key[1], strict=True)]
            previous = own[-1].offset if own else 0
            for op in moved:
                if op.offset < previous:
                    break
                previous = op.offset
            else:
                evaluation = self._evaluate(len(own))
                own += moved
                evaluation.after += known[0]
                evaluation.remembered[:] = known[1]
                return self
        start = len(own)
        for op in ops:
            self.add(shifted(op, delta))
        evaluation = self._evaluate(len(own))
        memo[key] = (evaluation.after[start:], list(evaluation.remembered))
        return self

    def push(self, offset: int, register: str) -> UnwindProgram:
        return self.add(PushRegister(offset, register))

    def set_frame_pointer(self, offset: int, register: str, sp_offset: int = 0) -> UnwindProgram:
        return self.add(SetFramePointer(offset, register, sp_offset))

    def alloc(self, offset: int, size: int) -> UnwindProgram:
        return self.add(StackAlloc(offset, size))

    def save(self, offset: int, register: str, sp_offset: int) -> UnwindProgram:
        if register in self.arch.vector_registers:
            return self.add(SaveVector(offset, register, sp_offset))
        return self.add(SaveRegister(offset, register, sp_offset))

    def prologue_end(self, offset: int) -> UnwindProgram:
        return self.add(PrologueEnd(offset))

    def epilogue_begin(self, offset: int) -> UnwindProgram:
        return self.add(EpilogueBegin(offset))

    def free(self, offset: int, size: int) -> UnwindProgram:
        return self.add(StackFree(offset, size))

    def reset_sp_from_fp(self, offset: int, fp_offset: int = 0) -> UnwindProgram:
        return self.add(ResetStackFromFramePointer(offset, fp_offset))

    def restore(self, offset: int, register: str) -> UnwindProgram:
        return self.add(RestoreRegister(offset, register))

    def pop(self, offset: int, register: str) -> UnwindProgram:
        return self.add(PopRegister(offset, register))

    def epilogue_end(self, offset: int) -> UnwindProgram:
        return self.add(EpilogueEnd(offset))

    def renamed(self, function: str) -> UnwindProgram:
        """A copy of the program so far for another function: functions with the same prologue start with the
        same ops, so the compiler evaluates a prologue once and extends a copy per function. The evaluated states
        are shared (they are never mutated once stored)."""
        evaluation = self._evaluate(len(self.ops))
        copy = UnwindProgram(function, self.arch, list(self.ops))
        copy._evaluation = _Evaluation(list(evaluation.after), list(evaluation.remembered))
        return copy

    # -- meaning --------------------------------------------------------------------------------------------
    def entry_state(self) -> FrameState:
        saved = {}
        if self.arch.entry_return_address_slot is not None:
            saved[self.arch.return_address] = self.arch.entry_return_address_slot
        return FrameState(self.arch.entry_cfa_offset, saved=saved)

    def _error(self, message: str, offset: int) -> UnwindError:
        return UnwindError(message, function=self.function, offset=offset)

    def _evaluate(self, count: int) -> _Evaluation:
        """Evaluate the first ``count`` ops (those not evaluated yet). Raises ``UnwindError`` at the first
        inconsistent op."""
        evaluation = self._evaluation
        if evaluation is None or len(evaluation.after) > len(self.ops):
            evaluation = self._evaluation = _Evaluation([], [])
        after = evaluation.after
        while len(after) < count:
            state = (after[-1] if after else self.entry_state()).copy()
            after.append(self._step(self.ops[len(after)], state, evaluation.remembered))
        return evaluation

    def _step(self, op: UnwindOp, state: FrameState, remembered: list[FrameState]) -> FrameState:
        """Apply one op to ``state`` (mutated and returned; an epilogue end returns the remembered state)."""
        word = self.arch.pointer_size
        match op:
            case PushRegister(register=reg):
                self._check_register(reg, op.offset)
                state.cfa_minus_sp += word
                state.saved[reg] = state.cfa_minus_sp
            case SetFramePointer(register=reg, sp_offset=sp_off):
                self._check_register(reg, op.offset)
                if sp_off < 0 or sp_off % word:
                    raise self._error(f"frame pointer offset {sp_off} is not a non-negative multiple of {word}",
                                      op.offset)
                if sp_off > state.cfa_minus_sp:
                    raise self._error("frame pointer set above the CFA", op.offset)
                state.frame_register = reg
                state.cfa_minus_fp = state.cfa_minus_sp - sp_off
            case StackAlloc(size=size) | StackFree(size=size):
                if size <= 0 or size % word:
                    raise self._error(f"stack size {size} is not a positive multiple of {word}", op.offset)
                if isinstance(op, StackAlloc):
                    state.cfa_minus_sp += size
                else:
                    if state.cfa_minus_sp - size < self.arch.entry_cfa_offset:
                        raise self._error(f"frees {size} bytes that were never allocated", op.offset)
                    state.cfa_minus_sp -= size
            case SaveRegister(register=reg, sp_offset=sp_off) | SaveVector(register=reg, sp_offset=sp_off):
                self._check_register(reg, op.offset)
                vector = isinstance(op, SaveVector)
                if vector != (reg in self.arch.vector_registers):
                    raise self._error(f"{reg} saved with the wrong kind of save", op.offset)
                align = 16 if vector else word
                width = 16 if vector else word
                if sp_off < 0 or sp_off % align:
                    raise self._error(f"save slot sp+{sp_off} is misaligned", op.offset)
                if sp_off + width > state.cfa_minus_sp:
                    raise self._error(f"save slot sp+{sp_off} is outside the frame", op.offset)
                state.saved[reg] = state.cfa_minus_sp - sp_off
            case PrologueEnd():
                pass
            case EpilogueBegin():
                remembered.append(state.copy())
            case ResetStackFromFramePointer(fp_offset=fp_off):
                if state.frame_register is None:
                    raise self._error("resets the stack pointer from a frame pointer that was never set",
                                      op.offset)
                state.cfa_minus_sp = state.cfa_minus_fp - fp_off
            case RestoreRegister(register=reg):
                if reg not in state.saved:
                    raise self._error(f"restores {reg}, which was never saved", op.offset)
                del state.saved[reg]
            case PopRegister(register=reg):
                if reg not in state.saved:
                    raise self._error(f"pops {reg}, which was never pushed", op.offset)
                if state.saved[reg] != state.cfa_minus_sp:
                    raise self._error(f"pops {reg}, but its slot is not on top of the stack", op.offset)
                del state.saved[reg]
                state.cfa_minus_sp -= word
                if reg == state.frame_register:
                    state.frame_register = None
                    state.cfa_minus_fp = 0
            case EpilogueEnd():
                if not remembered:
                    raise self._error("epilogue end without a matching begin", op.offset)
                return remembered.pop()
        return state

    def _check_register(self, reg: str, offset: int) -> None:
        # The return address may be saved only where it starts in a register (AArch64 lr); on x86-64 the call
        # already put it in a slot.
        in_slot_at_entry = reg == self.arch.return_address and self.arch.entry_return_address_slot is not None
        if reg not in self.arch.dwarf_registers or reg == self.arch.stack_pointer or in_slot_at_entry:
            raise self._error(f"{reg!r} is not a register that can be saved on {self.arch.name}", offset)

    def validate(self, code_size: int) -> None:
        """Check the whole program against the code it describes."""
        ops = self.ops
        count = len(ops)
        if ops and ops[-1].offset > code_size:
            # Offsets never decrease: the ops past the code are a suffix. Ops before it are checked first.
            count = next(index for index, op in enumerate(ops) if op.offset > code_size)
        self._evaluate(count)
        if count < len(ops):
            raise self._error(f"unwind op past the end of the code ({code_size:#x} bytes)", ops[count].offset)

    def states(self) -> list[tuple[UnwindOp, FrameState]]:
        """Each op paired with the frame state after it (for encoders that walk ops: DWARF CFI, SEH). The states
        are the program's own record: read them, never modify them."""
        return list(zip(self.ops, self._evaluate(len(self.ops)).after, strict=True))

    def rows(self, code_size: int) -> list[Row]:
        """The unwind table this program means: one row per maximal range of identical rules."""
        self.validate(code_size)
        arch = self.arch
        rows: list[Row] = []
        start = 0
        state = self.entry_state()
        # The rule of ``state``, computed once per state change rather than once per op.
        rule: tuple[str, int, tuple[tuple[str, int], ...]] | None = None
        for op, after in zip(self.ops, self._evaluate(len(self.ops)).after, strict=True):
            end = op.offset
            if end > start:
                if rule is None:
                    rule = (*state.cfa_rule(arch), tuple(sorted(state.saved.items())))
                if rows and rows[-1].end == start and rows[-1].same_rule_as(rule):
                    rows[-1] = Row(rows[-1].start, end, *rule)
                else:
                    rows.append(Row(start, end, *rule))
                start = end
            state, rule = after, None
        if code_size > start:
            if rule is None:
                rule = (*state.cfa_rule(arch), tuple(sorted(state.saved.items())))
            if rows and rows[-1].end == start and rows[-1].same_rule_as(rule):
                rows[-1] = Row(rows[-1].start, code_size, *rule)
            else:
                rows.append(Row(start, code_size, *rule))
        return rows

    def shape(self) -> tuple[str, tuple[UnwindOp, ...]]:
        """What the program means, without its function's name, as a hashable key: a module's functions share a
        handful of prologue and epilogue shapes, so encoders memoise their output per shape and code size."""
        return self.arch.name, tuple(self.ops)

    def rule_at(self, code_offset: int, code_size: int) -> Row:
        for row in self.rows(code_size):
            if row.start <= code_offset < row.end:
                return row
        raise self._error("no unwind row covers this offset", code_offset)


def _unpickled_program(function: str, arch: Arch, packed: tuple[tuple[object, ...], ...],
                       evaluation: _Evaluation | None) -> UnwindProgram:
    program = UnwindProgram.__new__(UnwindProgram)
    program.__dict__.update(function=function, arch=arch, _evaluation=evaluation, _packed=packed)
    return program
