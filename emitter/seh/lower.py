"""Lower the abstract unwind program (``emitter/unwind.py``) to Windows x64 unwind info.

Every Windows limit is checked here and raises ``FormatLimitError`` naming the function and the code offset;
nothing is encoded for a program Windows would unwind wrongly at any instruction.

What maps to what:

* ``PushRegister`` → ``UWOP_PUSH_NONVOL``; ``StackAlloc`` → ``UWOP_ALLOC_SMALL``/``UWOP_ALLOC_LARGE``
  (an allocation of a page or more must be the ``sub rsp, rax`` after a ``___chkstk_ms`` probe);
  ``SetFramePointer`` → ``UWOP_SET_FPREG`` (offset a multiple of 16, at most 240, never rax);
  ``SaveRegister``/``SaveVector`` → ``UWOP_SAVE_NONVOL(_FAR)``/``UWOP_SAVE_XMM128(_FAR)``.
* Save offsets are measured from the frame base Windows uses: the frame register minus its offset when one is
  set (i.e. rsp when ``SET_FPREG`` ran), else the final rsp. So without a frame register nothing may move rsp
  after a save, and with one every save must follow ``SET_FPREG`` (Wine computes the base from the frame register
  at every pc of the prologue).
* Epilogues (``EpilogueBegin``..``EpilogueEnd``) are not encoded (version 1) but recognised by Windows from the
  code bytes, so their ops and bytes must be: optional ``mov reg, [slot]`` restores, then at most one
  ``add rsp, imm``/``lea rsp, [fp + disp]``, then pops, then ``ret`` (or a tail call's ``jmp rel32``/``rex.W jmp
  rax``, ``instructions.is_epilogue_end``), contiguous.

When unwind info is chained: the first region is the prologue up to ``PrologueEnd`` (or the first epilogue).
Ops that grow the frame later in the body (a second, shrink-wrapped prologue) start a new region at the offset of
the op before them; that region gets its own ``UNWIND_INFO`` holding only its codes (offsets relative to the
region) with ``UNW_FLAG_CHAININFO`` pointing at the primary region's ``RUNTIME_FUNCTION``. The handler lives on the
primary info, where the unwinder looks for it at the end of a chain. A prologue longer than 255 bytes is an error
(not split into chained pieces): the compiler keeps prologues short.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..arch import X86_64
from ..errors import FormatLimitError
from ..obj.model import Relocation
from ..unwind import (
    EpilogueBegin,
    EpilogueEnd,
    FrameState,
    PopRegister,
    PrologueEnd,
    PushRegister,
    ResetStackFromFramePointer,
    RestoreRegister,
    SaveRegister,
    SaveVector,
    SetFramePointer,
    StackAlloc,
    StackFree,
    UnwindOp,
    UnwindProgram,
)
from . import instructions
from .unwind_info import (
    GPR_NUMBERS,
    MAX_CODE_SLOTS,
    MAX_FRAME_OFFSET,
    MAX_PROLOGUE_SIZE,
    UNW_FLAG_EHANDLER,
    UNW_FLAG_UHANDLER,
    XMM_NUMBERS,
    UnwindCode,
    UnwindInfo,
    alloc,
    push_nonvol,
    save_nonvol,
    save_xmm128,
    set_fpreg,
)


@dataclass(frozen=True, slots=True)
class ExceptionHandler:
    """A language-specific handler: ``symbol`` (an exported routine, or a thunk for run-time tables), the data
    written inline after its RVA (e.g. a GCC LSDA for ``__gxx_personality_seh0``), the phases that call it, and
    relocations within the data (offsets from its start: an LSDA's type-table entries)."""

    symbol: str
    data: bytes = b""
    flags: int = UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER
    relocations: tuple[Relocation, ...] = ()

    def __post_init__(self) -> None:
        if not self.flags or self.flags & ~(UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER):
            raise ValueError(f"handler flags {self.flags:#x} are not a non-empty set of EHANDLER|UHANDLER")


@dataclass(frozen=True, slots=True)
class UnwindRegion:
    """Code offsets [start, end) of the function described by ``info`` (chained unless it is the first).

    ``indirect``: the range shares the first region's description, its ``RUNTIME_FUNCTION`` pointing at the first
    region's (``UnwindData`` = that entry's RVA + 1, which ``RtlLookupFunctionEntry`` follows); ``info`` is then
    the first region's and is not written again. The code after a tail call's jump is such a range."""

    start: int
    end: int
    info: UnwindInfo
    indirect: bool = False


@dataclass(frozen=True, slots=True)
class SehUnwind:
    """A function's Windows unwind description: one region, or a primary region and chained ones."""

    function: str
    code_size: int
    regions: tuple[UnwindRegion, ...]
    handler: ExceptionHandler | None = None


_Step = tuple[UnwindOp, FrameState, FrameState]


@dataclass
class _RegionOps:
    start: int
    steps: list[_Step] = field(default_factory=list)
    prologue_end: int | None = None


def lower_unwind_program(program: UnwindProgram, code: bytes,
                         handler: ExceptionHandler | None = None) -> SehUnwind:
    """Lower ``program`` (describing ``code``) to Windows unwind info, or raise ``FormatLimitError``."""
    return _Lowering(program, code).run(handler)


class _Lowering:
    def __init__(self, program: UnwindProgram, code: bytes) -> None:
        self.program = program
        self.code = code
        self.function = program.function
        self.frame_register: str | None = None
        self.frame_offset = 0
        #: Distance below the CFA of the base that encoded save offsets are measured from, once a save exists.
        self.save_base: int | None = None

    def error(self, message: str, offset: int) -> FormatLimitError:
        return FormatLimitError(message, function=self.function, offset=offset)

    def run(self, handler: ExceptionHandler | None) -> SehUnwind:
        if self.program.arch is not X86_64:
            raise FormatLimitError("Windows x64 unwind info describes x86-64 code only", function=self.function)
        self.program.validate(len(self.code))
        #: [start, end) of each tail call's jump (an epilogue that ends in ``jmp``).
        self.tail_jumps: list[tuple[int, int]] = []
        regions = self._split()
        lowered: list[UnwindRegion] = []
        for index, ops in enumerate(regions):
            end = regions[index + 1].start if index + 1 < len(regions) else len(self.code)
            info = self._encode(ops, chained=index > 0, handler=handler if index == 0 else None)
            lowered.append(UnwindRegion(ops.start, end, info))
        if self.tail_jumps:
            lowered = self._isolate_tail_jumps(lowered)
        return SehUnwind(self.function, len(self.code), tuple(lowered), handler)

    def _isolate_tail_jumps(self, regions: list[UnwindRegion]) -> list[UnwindRegion]:
        """Give each tail call's jump a range of its own, described as a leaf (no codes: the return address is at
        rsp, as it is once the epilogue has popped everything), and the code after it an indirect range back to
        the first region.

        Why: at the jump the frame is gone, and only a leaf's description says so to every unwinder. Windows
        counts ``jmp`` out of the function (and REX.W ``jmp`` through ``ff /4``) as the end of an epilogue and
        emulates it, but not a jump back to the function's own start (a ``return_call`` of itself); Wine 8
        recognises no ``jmp`` at all. Before the jump, in the epilogue, every reading is right: emulated as an
        epilogue, or unwound by the codes, which recover rsp from rbp (set after the pushes on Windows, so
        valid until the last pop) and read the saved registers from their slots, which still hold them."""
        primary = regions[0]
        for start, _ in self.tail_jumps:
            if any(r.info.chained and r.start <= start < r.end for r in regions):
                raise self.error("a tail call's jump after a second prologue region", start)
        out: list[UnwindRegion] = []
        leaf = UnwindInfo(prologue_size=0, codes=())
        for region in regions:
            cursor = region.start
            for start, end in self.tail_jumps:
                if not region.start <= start < region.end or region.info.chained:
                    continue
                if start > cursor:
                    out.append(UnwindRegion(cursor, start, region.info, indirect=bool(out)))
                out.append(UnwindRegion(start, end, leaf))
                cursor = end
            if cursor < region.end:
                out.append(UnwindRegion(cursor, region.end, region.info,
                                        indirect=bool(out) and not region.info.chained))
        if not out or out[0].start != primary.start or out[0].info is not primary.info:
            raise self.error("a tail call's jump at the very start of the function", primary.start)
        return out

    # -- pass 1: split into regions and check epilogues ----------------------------------------------------
    def _split(self) -> list[_RegionOps]:
        region = _RegionOps(0)
        regions = [region]
        in_prologue = True
        epilogue: list[_Step] | None = None
        before = self.program.entry_state()
        previous_offset = 0
        for op, after in self.program.states():
            step = (op, before, after)
            match op:
                case EpilogueBegin():
                    if epilogue is not None:
                        raise self.error("epilogue begins inside another epilogue", op.offset)
                    in_prologue = self._close_prologue(region, in_prologue)
                    epilogue = []
                case EpilogueEnd():
                    if epilogue is None:
                        raise self.error("epilogue end without a begin", op.offset)
                    last = self._check_epilogue(epilogue, op, before)
                    if self.code[last:op.offset] != instructions.RET:
                        self.tail_jumps.append((last, op.offset))
                    epilogue = None
                case _ if epilogue is not None:
                    epilogue.append(step)
                case PrologueEnd():
                    if in_prologue:
                        region.prologue_end = op.offset
                        in_prologue = False
                case StackAlloc() | StackFree() | ResetStackFromFramePointer() if (
                        not in_prologue and before.frame_register is not None):
                    pass  # with a frame register, rsp may move in the body: the unwinder restores it from there
                case PushRegister() | SetFramePointer() | StackAlloc() | SaveRegister() | SaveVector():
                    if not in_prologue:
                        region = _RegionOps(previous_offset)
                        regions.append(region)
                        in_prologue = True
                    region.steps.append(step)
                case StackFree() | ResetStackFromFramePointer() | PopRegister():
                    raise self.error("the frame shrinks outside an epilogue; Windows only recognises "
                                     "add rsp/lea rsp, pops and ret at the end of a function", op.offset)
                case RestoreRegister():
                    pass  # the slot still holds the caller's value: unwinding from it stays right
            before = after
            previous_offset = op.offset
        if epilogue is not None:
            raise self.error("epilogue never ends", previous_offset)
        return regions

    def _close_prologue(self, region: _RegionOps, in_prologue: bool) -> bool:
        if in_prologue and region.prologue_end is None:
            region.prologue_end = region.steps[-1][0].offset if region.steps else region.start
        return False

    def _check_epilogue(self, steps: list[_Step], end: EpilogueEnd, before_ret: FrameState) -> int:
        """Ops first: restores, then one rsp adjustment, then pops. Then the bytes Windows will pattern-match.
        Returns the offset of the final ``ret`` or jump."""
        phase = 0  # 0: restores, 1: rsp adjusted, 2: popping
        shapes: list[tuple[int, list[bytes], str]] = []
        for op, before, _after in steps:
            match op:
                case RestoreRegister():
                    if phase:
                        raise self.error("a register is restored after the epilogue started moving rsp; only "
                                         "pops may follow add rsp/lea rsp", op.offset)
                case StackFree(size=size):
                    if phase:
                        raise self.error("a second rsp adjustment in an epilogue", op.offset)
                    phase = 1
                    shapes.append((op.offset, instructions.add_rsp_forms(size), f"add rsp, {size:#x}"))
                case ResetStackFromFramePointer(fp_offset=displacement):
                    if phase:
                        raise self.error("a second rsp adjustment in an epilogue", op.offset)
                    phase = 1
                    register = before.frame_register or ""
                    shapes.append((op.offset, instructions.lea_rsp_forms(register, displacement),
                                   f"lea rsp, [{register} + {displacement:#x}]"))
                case PopRegister(register=register):
                    if register not in GPR_NUMBERS:
                        raise self.error(f"{register} cannot be popped", op.offset)
                    phase = 2
                    shapes.append((op.offset, instructions.pop_forms(register), f"pop {register}"))
                case _:
                    raise self.error(f"{type(op).__name__} inside an epilogue; Windows epilogues only free the "
                                     "stack, pop and return", op.offset)
        still_saved = sorted(set(before_ret.saved) - {self.program.arch.return_address})
        if before_ret.cfa_minus_sp != self.program.arch.entry_cfa_offset or still_saved:
            raise self.error("the epilogue returns before restoring rsp and every saved register "
                             f"(still saved: {', '.join(still_saved) or 'none'})", end.offset)
        cursor: int | None = None
        for offset, forms, text in shapes:
            form = next((f for f in forms if self.code[max(offset - len(f), 0):offset] == f), None)
            if form is None:
                raise self.error(f"epilogue instruction ending here is not `{text}` in a form the Windows "
                                 "unwinder recognises", offset)
            if cursor is not None and offset - len(form) != cursor:
                raise self.error("an instruction Windows does not expect sits inside the epilogue", cursor)
            cursor = offset
        last = cursor if cursor is not None else end.offset - len(instructions.RET)
        if not instructions.is_epilogue_end(self.code, last, end.offset):
            raise self.error("the epilogue does not end with `ret` (or a tail call's `jmp`) right after its pops",
                             end.offset)
        return last

    # -- pass 2: encode one region -----------------------------------------------------------------------
    def _encode(self, region: _RegionOps, *, chained: bool, handler: ExceptionHandler | None) -> UnwindInfo:
        codes: list[UnwindCode] = []
        saved_before_frame: int | None = None
        for op, _before, after in region.steps:
            at = op.offset - region.start
            match op:
                case PushRegister(register=register):
                    codes.append(push_nonvol(at, self._gpr(register, op.offset)))
                case StackAlloc(size=size):
                    self._check_probe(size, op.offset)
                    if size > 0xFFFFFFF8:
                        raise self.error(f"allocation of {size} bytes does not fit in UWOP_ALLOC_LARGE", op.offset)
                    codes.append(alloc(at, size))
                case SetFramePointer(register=register, sp_offset=sp_offset):
                    codes.append(self._frame_register(register, sp_offset, op.offset, at, chained, saved_before_frame))
                case SaveRegister(register=register) | SaveVector(register=register):
                    if saved_before_frame is None and self.frame_register is None:
                        saved_before_frame = op.offset
                    codes.append(self._save(op, at, after))
            self._check_save_base(after, op.offset)
        if region.prologue_end is None:
            region.prologue_end = region.steps[-1][0].offset if region.steps else region.start
        prologue_size = region.prologue_end - region.start
        if prologue_size > MAX_PROLOGUE_SIZE:
            raise self.error(f"prologue of {prologue_size} bytes; Windows allows at most {MAX_PROLOGUE_SIZE}",
                             region.prologue_end)
        info = UnwindInfo(
            prologue_size=prologue_size,
            codes=tuple(reversed(codes)),
            frame_register=None if self.frame_register is None else GPR_NUMBERS[self.frame_register],
            frame_offset=self.frame_offset,
            handler_flags=handler.flags if handler else 0,
            handler_data=handler.data if handler else b"",
            chained=chained,
        )
        if info.slot_count > MAX_CODE_SLOTS:
            raise self.error(f"{info.slot_count} unwind code slots; UNWIND_INFO holds at most {MAX_CODE_SLOTS}",
                             region.prologue_end)
        return info

    def _gpr(self, register: str, offset: int) -> int:
        if register not in GPR_NUMBERS:
            raise self.error(f"{register} cannot be pushed or saved as a general register", offset)
        return GPR_NUMBERS[register]

    def _check_probe(self, size: int, offset: int) -> None:
        if size >= instructions.PAGE_SIZE and not any(
                self.code[offset - len(form):offset] == form for form in instructions.SUB_RSP_RAX):
            raise self.error(f"allocation of {size} bytes (a page or more) must be `sub rsp, rax` after a "
                             f"{instructions.STACK_PROBE_SYMBOL} probe", offset)

    def _frame_register(self, register: str, sp_offset: int, offset: int, at: int, chained: bool,
                        saved_before: int | None) -> UnwindCode:
        if chained or self.frame_register is not None:
            raise self.error("the frame register can be set once, in the first prologue", offset)
        if register == "rax" or register not in GPR_NUMBERS:
            raise self.error(f"{register} cannot be the Windows frame register", offset)
        if sp_offset % 16 or sp_offset > MAX_FRAME_OFFSET:
            raise self.error(f"frame register offset {sp_offset} is not a multiple of 16 up to "
                             f"{MAX_FRAME_OFFSET}", offset)
        if saved_before is not None:
            raise self.error("a register is saved before the frame register is set; the unwinder measures "
                             "that save from the frame register, which does not hold the frame yet",
                             saved_before)
        self.frame_register = register
        self.frame_offset = sp_offset
        return set_fpreg(at)

    def _base(self, state: FrameState) -> int:
        """Distance below the CFA of the base Windows measures save slots from."""
        if self.frame_register is not None and state.frame_register == self.frame_register:
            return state.cfa_minus_fp + self.frame_offset
        return state.cfa_minus_sp

    def _save(self, op: SaveRegister | SaveVector, at: int, after: FrameState) -> UnwindCode:
        base = self._base(after)
        distance = base - after.saved[op.register]
        if distance < 0:
            raise self.error(f"{op.register} is saved below the frame base", op.offset)
        if distance > 0xFFFFFFFF:
            raise self.error(f"save offset {distance:#x} does not fit in 32 bits", op.offset)
        if self.save_base is None:
            self.save_base = base
        if isinstance(op, SaveVector):
            if op.register not in XMM_NUMBERS:
                raise self.error(f"{op.register} is not an xmm register", op.offset)
            return save_xmm128(at, XMM_NUMBERS[op.register], distance)
        return save_nonvol(at, self._gpr(op.register, op.offset), distance)

    def _check_save_base(self, after: FrameState, offset: int) -> None:
        if self.save_base is not None and self._base(after) != self.save_base:
            raise self.error("rsp moves after a register save; Windows measures save slots from the final rsp "
                             "(allocate first, or set a frame register before saving)", offset)
