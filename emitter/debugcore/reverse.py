"""``wasm reverse-step``, ``wasm reverse-next`` and ``wasm reverse-finish``: move *back* by Wasm instruction
through a debugger's execution record (GDB's ``record full``; LLDB 19 has no reverse execution).

The mirror of ``stepping.py``: machine instructions are undone one at a time (``reverse-stepi``) until the thread
is at the *first* native instruction of a Wasm instruction, in the frame the step is about:

- started in the middle of a Wasm instruction (after a trap, the hook was called from inside it), the step ends
  at that instruction's start; started at its start, it ends at the start of the Wasm instruction executed before;
- undoing a ``ret`` enters the callee at its end: ``reverse-step`` stops at the start of the callee's last Wasm
  instruction, ``reverse-next`` undoes the whole call (``reverse-finish``, back to the call);
- native code (the trap hook, a host function) is always undone whole;
- undoing a function's first instruction leaves it for the caller's ``call``, where the step ends at the start of
  that call (as GDB's ``reverse-step`` goes back to the calling line);
- ``reverse-finish`` runs back to the call of the current function and ends at the start of the Wasm ``call``.

"The start of a Wasm instruction" is where an execution of it began (the code of one Wasm instruction may be in
pieces, such as a trap's out-of-line call). Frames are told apart by (function, CFA), the CFA from the metadata's
unwind rows, so recursion is exact. The
locals then read as they were at that point of the recording: the debugger restores registers and memory.
"""

from __future__ import annotations

from typing import Protocol

from .format import format_location
from .modules import WasmLocation
from .session import CommandError, Session
from .stepping import MAX_INSTRUCTIONS, ResumingAdapter, _cfa

KINDS = ("reverse-step", "reverse-next", "reverse-finish")
#: Native frames (trap hook, host function, runtime helpers) undone at most to get back into Wasm code.
MAX_NATIVE_FRAMES = 16


class ReversingAdapter(ResumingAdapter, Protocol):
    def reverse_step_instruction(self) -> bool:
        """Undo one machine instruction (``reverse-stepi``); False when the thread stopped for another reason (a
        breakpoint or watchpoint, the start of the record)."""
        ...

    def reverse_finish(self) -> bool:
        """Run back to the call of the selected frame's function (``reverse-finish``); returns as above."""
        ...

    def recording(self) -> bool:
        """Whether an execution record exists that the thread can move back through."""
        ...


Key = tuple[int, int | None, int | None]


def _deeper(key: Key, than: Key | None) -> bool:
    """Whether ``key``'s frame was called (directly or not) from ``than``'s: a smaller CFA."""
    return than is not None and key[1] is not None and than[1] is not None and key[1] < than[1]


class _Back:
    def __init__(self, session: Session, adapter: ReversingAdapter, kind: str) -> None:
        self.session = session
        self.adapter = adapter
        self.kind = kind

    def pc(self) -> int:
        return self.adapter.read_register("pc")

    def undo(self) -> bool | str:
        """One machine instruction back; a stop text when the record ends or something else stopped the thread."""
        before = self.pc()
        if not self.adapter.reverse_step_instruction():
            return self.stopped()
        self.session.invalidate()
        if self.pc() == before:
            return "No more reverse-execution history.\n" + self.stopped()
        return True

    def stopped(self) -> str:
        location = self.session.locate(self.pc())
        return format_location(location) if location is not None else f"Stopped at {self.pc():#x}, outside Wasm code."

    def out_of_native(self) -> WasmLocation | str:
        """Undo native frames (the trap hook, host code) until the thread is back in the Wasm code that called
        them, at its call instruction."""
        for _ in range(MAX_NATIVE_FRAMES):
            location = self.session.locate(self.pc())
            if location is not None:
                return location
            completed = self.adapter.reverse_finish()
            self.session.invalidate()
            # Going back over a function's first instruction passes the breakpoints there (``break
            # jitdebug_trap`` at the trap): a stop at the call site is where this wanted to be all the same.
            if not completed and self.session.locate(self.pc()) is None:
                return self.stopped()
        return f"Still outside Wasm code after undoing {MAX_NATIVE_FRAMES} native frames."

    def run(self) -> str:
        start = self.out_of_native()
        if isinstance(start, str):
            return start
        if self.kind == "reverse-finish":
            name = start.function.qualified_name
            before = self.pc()
            completed = self.adapter.reverse_finish()
            self.session.invalidate()
            if not completed:
                # A breakpoint or watchpoint on the way back (its report is the stop's), or the record's start.
                history = "No more reverse-execution history.\n" if self.pc() == before else ""
                return history + self.stopped()
            back = self.out_of_native()
            if isinstance(back, str):
                return back
            return f"Run back to call of {name}\n" + self.to_instruction_start(back)
        return self.to_instruction_start(start)

    def key(self, location: WasmLocation | None) -> Key | None:
        """A Wasm instruction in a frame: (function, CFA, Wasm offset); None outside Wasm code."""
        if location is None:
            return None
        return location.function.address, _cfa(self.adapter, location), location.wasm_offset

    def to_instruction_start(self, start: WasmLocation) -> str:
        """Undo instructions until the thread is at the beginning of an execution of a Wasm instruction other than
        the one it started in: a pc whose instruction belongs to a Wasm instruction while the instruction executed
        before it, in the same frame or an outer one, does not. Found by undoing one instruction more and, when
        that one is of another Wasm instruction, redoing it (``stepi``): an instruction's code may be in several
        pieces (a trap's out-of-line call), so map entry starts alone do not say where an execution began. What a
        callee executed (native code, or a Wasm callee) belongs to the call: it is undone whole (``reverse-
        finish``), except that ``reverse-step`` enters a Wasm callee and goes on there."""
        # A key's CFA is computed from the registers while the thread is at that instruction.
        here, here_key, first = start, self.key(start), True
        for _ in range(MAX_INSTRUCTIONS):
            outcome = self.undo()
            if isinstance(outcome, str):
                return outcome
            earlier = self.session.locate(self.pc())
            earlier_key = self.key(earlier)
            if earlier is None or earlier_key is None or _deeper(earlier_key, here_key):
                if earlier is not None and earlier_key is not None and self.kind == "reverse-step":
                    here, here_key, first = earlier, earlier_key, True  # into the callee's last instruction
                    continue
                caller = self.back_to_call()
                if isinstance(caller, str):
                    return caller
                here, here_key = caller, self.key(caller)
                continue
            if not first and here_key is not None and here_key[2] is not None and earlier_key != here_key:
                # ``here`` began an execution of its Wasm instruction: go forward to it again.
                if not self.adapter.step_instruction():
                    return self.stopped()
                self.session.invalidate()
                return format_location(here)
            here, here_key, first = earlier, earlier_key, False
        return f"no earlier Wasm instruction within {MAX_INSTRUCTIONS} machine instructions\n" + self.stopped()

    def back_to_call(self) -> WasmLocation | str:
        """The thread is in a callee (native, or Wasm being undone whole): run back to its call."""
        completed = self.adapter.reverse_finish()
        self.session.invalidate()
        caller = self.session.locate(self.pc())
        if caller is not None:
            return caller
        back = self.out_of_native()
        return back if not isinstance(back, str) or completed else self.stopped()


def run(session: Session, adapter: ReversingAdapter, kind: str) -> str:
    if kind not in KINDS:
        raise CommandError(f"unknown reverse step {kind!r}")
    if not adapter.recording():
        raise CommandError(f"wasm {kind}: no execution record to move back through; start one with 'record full' "
                           "before the code to step back over (or run under rr)")
    return _Back(session, adapter, kind).run()
