"""``wasm step``, ``wasm next`` and ``wasm finish``: move by Wasm instruction using the code -> Wasm map.

A ``StepPlan`` is the debugger-independent half: made where the step starts, it decides at each stop, from pc
and sp alone, whether the step is done (``Stop``), must run to a return address (``RunTo``) or goes on one
instruction. GDB drives it with ``run`` (a loop of ``stepi`` and ``advance``); LLDB from a scripted thread plan.

A stop is at the first native instruction of a Wasm instruction (a map entry's start), in a different Wasm
instruction or a different frame than where we started. A frame is (function, CFA), the CFA computed from the
metadata's unwind rows, so recursion is told apart. ``step`` steps into calls: into Wasm it stops at the callee's
first instruction after the prologue; native callees (runtime helpers, host imports) run to their return, and so
do all calls for ``next``.

Exceptions: when the step enters a throw routine (the Wasm ``throw``), or the session's throw hook sees a throw
deeper down, the plan computes the landing pad that will catch it; if that pad is in the starting frame or an
outer one, the step waits there and ends with ``Stopped at landing pad ... in frame #N`` (N numbered as when the
step began).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from .adapter import DebuggerAdapter, InferiorReadError, NativeFrame, ResumingAdapter
from .exceptions import Handler, WasmException, find_handler
from .format import format_location
from .modules import WasmLocation
from .session import CommandError, Session

#: DWARF register numbers (x86-64) the unwind rows use as CFA base, by the names debuggers know.
_DWARF_REGISTER_NAMES = {6: "rbp", 7: "rsp"}
MAX_INSTRUCTIONS = 200_000
KINDS = ("step", "next", "finish")


@dataclass(frozen=True, slots=True)
class Stop:
    text: str


@dataclass(frozen=True, slots=True)
class RunTo:
    """Run until the thread is at ``address`` with a stack pointer of at least ``sp``: back from a callee (a
    deeper recursive activation reaching the same address does not count), or at an awaited landing pad."""

    address: int
    sp: int


Action = Stop | RunTo | None


def _cfa(adapter: DebuggerAdapter, location: WasmLocation) -> int | None:
    rows = location.function.meta.unwind_rows
    i = bisect.bisect_right([r.start for r in rows], location.pc - location.function.address) - 1
    if i < 0 or rows[i].cfa_register not in _DWARF_REGISTER_NAMES:
        return None
    return adapter.read_register(_DWARF_REGISTER_NAMES[rows[i].cfa_register]) + rows[i].cfa_offset


def current_location(session: Session) -> WasmLocation:
    location = session.locate(session.adapter.read_register("pc"))
    if location is None:
        raise CommandError("not stopped in Wasm code")
    return location


class StepPlan:
    """One ``wasm step|next|finish`` from the current stop of the current thread."""

    def __init__(self, session: Session, kind: str) -> None:
        if kind not in KINDS:
            raise CommandError(f"unknown step kind {kind!r}")
        self.session = session
        self.kind = kind
        adapter = session.adapter
        self.start = current_location(session)
        self.start_cfa = _cfa(adapter, self.start)
        self.start_key = (self.start.function.address, self.start_cfa, self.start.wasm_offset)
        self.start_sp = adapter.read_register("sp")
        self.previous_sp = self.start_sp
        self.instructions = 0
        #: The landing pad this step waits for, once a throw it will catch happened, with the step-relative
        #: number of its frame.
        self.landing: tuple[Handler, int] | None = None
        #: The text of the finished step, set by whoever ends it.
        self.result: str | None = None

    # -- per stop -------------------------------------------------------------------------------------------------
    def after_instruction(self, pc: int, sp: int) -> Action:
        """The thread executed one instruction (into calls) and is at ``pc`` with ``sp``."""
        self.instructions += 1
        if self.instructions > MAX_INSTRUCTIONS:
            self.session.adapter.warning(f"no new Wasm instruction after {MAX_INSTRUCTIONS} machine instructions; "
                                         "stopped")
            return Stop(self.where())
        session = self.session
        if self.at_landing_pad():
            return Stop(self.interrupted())
        location = session.locate(pc)
        previous_sp, self.previous_sp = self.previous_sp, sp
        entered = location is None or (self.kind == "next" and pc == location.function.address)
        if entered and sp == previous_sp - 8:
            # A call to run over (a native callee, or any for ``next``): the return address is on top of the stack.
            return_address = int.from_bytes(session.adapter.read_memory(sp, 8), "little")
            if session.locate(return_address) is not None:
                routine = session.throw_routine_at(pc)
                if routine is not None:
                    session.observe_throw(routine)
                if self.landing is not None:
                    return RunTo(self.landing[0].landing_pad, self.landing[0].sp)
                return RunTo(return_address, sp + 8)
        if location is None:
            if self.landing is not None:
                # A throw this step follows is in flight (its hook saw it; LLDB does not stop a single step on
                # a breakpoint whose callback declines, so the step may not have seen the routine's entry).
                return RunTo(self.landing[0].landing_pad, self.landing[0].sp)
            return Stop(f"Left Wasm code at {pc:#x}.")
        return self.stop_at(location, pc)

    def stop_at(self, location: WasmLocation, pc: int) -> Action:
        """Stop if ``pc`` starts a Wasm instruction other than the starting one (or in another frame)."""
        entry = location.entry
        if entry is None or entry.wasm_offset is None or not location.function.is_entry_start(pc):
            return None
        if (location.function.address, _cfa(self.session.adapter, location), entry.wasm_offset) != self.start_key:
            return Stop(format_location(location))
        return None

    def after_run_to(self, action: RunTo, pc: int, sp: int) -> Action:
        """A ``RunTo`` completed: at the awaited landing pad, the step is done; back from a callee, it stops if the
        return address starts another Wasm instruction, else goes on (it runs again if a deeper activation got
        there)."""
        self.previous_sp = sp
        if self.at_landing_pad():
            return Stop(self.interrupted())
        if pc == action.address and sp < action.sp:
            return action
        # The return address may itself start the next Wasm instruction (after a call whose value is unused).
        location = self.session.locate(pc)
        return self.stop_at(location, pc) if location is not None else None

    def after_finish(self) -> str:
        returned = f"Run till exit from {self.start.function.qualified_name}"
        pc = self.session.adapter.read_register("pc")
        location = self.session.locate(pc)
        where = format_location(location) if location is not None else f"Returned to {pc:#x}."
        return f"{returned}\n{where}"

    def at_landing_pad(self) -> bool:
        if self.landing is None:
            return False
        handler = self.landing[0]
        adapter = self.session.adapter
        return adapter.read_register("pc") == handler.landing_pad and adapter.read_register("sp") == handler.sp

    def interrupted(self) -> str:
        """The text when the thread stopped for another reason than the step: at the landing pad the step waits
        for, or anywhere else (a breakpoint, a signal, the end of the program)."""
        if self.landing is not None and self.at_landing_pad():
            handler, number = self.landing
            location = self.session.locate(handler.landing_pad)
            if location is not None:
                return (f"Stopped at landing pad of {location.function.qualified_name} in frame #{number} "
                        f"(exception caught)\n{format_location(location)}")
        return self.where()

    def where(self) -> str:
        """Where the thread is after stepping ended early (a signal, a breakpoint) or went on too long."""
        try:
            pc = self.session.adapter.read_register("pc")
        except InferiorReadError:
            return "The program is no longer running."
        location = self.session.locate(pc)
        return format_location(location) if location is not None else f"Stopped at {pc:#x}, outside Wasm code."

    # -- exceptions -----------------------------------------------------------------------------------------------
    def exception_thrown(self, exception: WasmException, frames: list[NativeFrame]) -> Handler | None:
        """A throw happened during the step (``frames``: the stack at the throw): the handler to wait for when it
        is in the starting frame or an outer one, else None (a callee catches it, or nothing in Wasm does)."""
        handler = find_handler(self.session.index(), exception, frames)
        if handler is None or handler.sp < self.start_sp:
            return None
        # The starting frame at the throw: the Wasm frame of the starting function whose stack pointer (at its
        # call) is where the step began.
        start = next((f for f in frames if f.sp == self.start_sp and not f.exact
                      and self.start.function.address <= f.pc - 1 < self.start.function.end), None)
        self.landing = (handler, handler.frame.number - (start.number if start is not None else 0))
        return handler


def run(session: Session, adapter: ResumingAdapter, kind: str) -> str:
    """Drive a ``StepPlan`` with a debugger's own resume commands (``stepi``, ``advance``, ``finish``)."""
    plan = StepPlan(session, kind)
    with session.stepping(plan):
        if kind == "finish":
            completed = adapter.finish()
            session.invalidate()
            return plan.after_finish() if completed else plan.interrupted()
        action: Action = None
        for _ in range(MAX_INSTRUCTIONS + 1):
            completed = adapter.run_to(action.address) if isinstance(action, RunTo) else adapter.step_instruction()
            session.invalidate()
            if not completed:
                return plan.interrupted()
            pc, sp = adapter.read_register("pc"), adapter.read_register("sp")
            action = plan.after_run_to(action, pc, sp) if isinstance(action, RunTo) else plan.after_instruction(pc, sp)
            if isinstance(action, Stop):
                return action.text
    return plan.where()
