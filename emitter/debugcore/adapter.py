"""The small protocol each debugger plugin implements; the core talks to the debugger only through it."""

from __future__ import annotations

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

    def step_instruction(self) -> bool:
        """Execute one machine instruction, into calls (``stepi``). Returns False when the thread stopped for
        another reason (a signal, a breakpoint, the process ended): stepping ends there."""
        ...

    def next_instruction(self) -> bool:
        """Execute one machine instruction, over calls (``nexti``); returns as ``step_instruction``."""
        ...

    def run_to(self, address: int) -> bool:
        """Continue until the current thread reaches ``address`` or the current frame returns; returns as
        ``step_instruction``."""
        ...

    def finish(self) -> None:
        """Run until the selected frame returns (``finish`` / ``thread step-out``)."""
        ...

    def warning(self, message: str) -> None:
        """Show a warning to the user (one line)."""
        ...
