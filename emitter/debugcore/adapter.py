"""The small protocol each debugger plugin implements; the core talks to the debugger only through it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class InferiorReadError(Exception):
    """Memory of the inferior could not be read (unmapped address, no process)."""


@dataclass(frozen=True, slots=True)
class NativeFrame:
    """One frame as the debugger unwinds it: its number (``#N`` in ``bt``), pc and stack pointer. ``exact`` is
    True when pc is the instruction itself (innermost frame, or interrupted by a signal) rather than a return
    address."""

    number: int
    pc: int
    sp: int
    exact: bool


class DebuggerAdapter(Protocol):
    def read_memory(self, address: int, size: int) -> bytes:
        """``size`` bytes at ``address``; raises ``InferiorReadError`` when unreadable."""
        ...

    def read_register(self, name: str) -> int:
        """A register of the innermost frame of the current thread; ``"pc"`` and ``"sp"`` are understood.
        Raises ``InferiorReadError`` when there is no process."""
        ...

    def symbol_address(self, name: str) -> int | None:
        """The run-time address of a symbol (function or data) of the inferior, None when unknown."""
        ...

    def object_files(self) -> list[str]:
        """Paths of the on-disk ELF files loaded in the inferior (executable, shared libraries)."""
        ...

    def frames(self, limit: int | None = None) -> list[NativeFrame]:
        """The current thread's frames, innermost first, at most ``limit``."""
        ...

    def set_breakpoint(self, address: int) -> int:
        """A user-visible breakpoint at ``address``; returns the debugger's breakpoint number."""
        ...

    def delete_breakpoint(self, number: int) -> None: ...

    def add_hook(self, where: int | str, callback: Callable[[], bool]) -> int | None:
        """An internal breakpoint at an address, or at the *first* instruction of a function (no prologue
        skipping: the hook reads the arguments). Each hit calls ``callback`` with the thread stopped there; the
        thread stays stopped only if it returns True (it may read memory and registers and add stop points, but
        not resume, print or add hooks).
        Returns a number for ``delete_breakpoint``, or None when the function is not known yet (try again when
        objects load)."""
        ...

    def add_stop_point(self, address: int, sp: int) -> int:
        """An internal breakpoint at ``address`` that stops the thread only when its stack pointer is ``sp`` (one
        frame, not a deeper recursive one). Hook callbacks may call this (it runs no Python callback itself)."""
        ...

    def warning(self, message: str) -> None:
        """Show a warning to the user (one line)."""
        ...


class ResumingAdapter(DebuggerAdapter, Protocol):
    """A debugger without scripted thread plans (GDB): the core's loop moves the thread itself."""

    def step_instruction(self) -> bool:
        """Execute one machine instruction, into calls (``stepi``). Returns False when the thread stopped for
        another reason (a signal, a breakpoint, the process ended): stepping ends there."""
        ...

    def run_to(self, address: int) -> bool:
        """Continue until the current thread reaches ``address`` or the current frame returns; returns as
        ``step_instruction``."""
        ...

    def finish(self) -> bool:
        """Run until the selected frame returns (``finish``); returns as ``step_instruction``."""
        ...
