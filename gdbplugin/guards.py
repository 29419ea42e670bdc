"""Guard-region faults pass silently; a real crash still stops.

Loads and stores of 32-bit memories are made without a bounds check where the memory's guard pages catch an access
out of bounds (``emitter/codegen/guards.py``): such an access raises SIGSEGV, which the runtime's handler
(``emitter/runtime/jitdebug_guard.c``) turns into the Wasm trap. GDB stops at every SIGSEGV by default, before the
program's handler sees it; a user would have to type ``handle SIGSEGV nostop noprint pass``, and would then miss a
real crash. The plugin does it at the right moments instead, with two internal breakpoints in the runtime (or in
an AOT program, whose objects define both hooks weak and call them from their own handler, ``emitter/codegen/
aot_guards.py``):
``jitdebug_guard_armed`` (the handler is installed, first in the chain) lets SIGSEGV and SIGBUS pass to the
program without a stop or a message; ``jitdebug_guard_unhandled`` (the handler saw a fault that is no guard trap
and is about to pass it on) makes them stop again, so the crash stops as it would without the plugin. Before the
runtime is loaded GDB's own handling applies, unchanged.
"""

from __future__ import annotations

import gdb

ARMED = "jitdebug_guard_armed"
UNHANDLED = "jitdebug_guard_unhandled"
SIGNALS = ("SIGSEGV", "SIGBUS")


class SignalPolicy(gdb.Breakpoint):
    """Internal, never stops: sets how GDB handles the fault signals from here on."""

    def __init__(self, symbol: str, stop_on_fault: bool) -> None:
        super().__init__(symbol, internal=True)
        self.silent = True
        self.handling = "stop print pass" if stop_on_fault else "nostop noprint pass"

    def stop(self) -> bool:
        for name in SIGNALS:
            gdb.execute(f"handle {name} {self.handling}", to_string=True)
        return False


class GuardFaults:
    def __init__(self) -> None:
        self.policies: list[SignalPolicy] = []

    def on_new_objfile(self, objfile: gdb.Objfile) -> None:
        """Once the runtime is loaded (before its handler is installed), watch its two hooks."""
        if self.policies or not objfile.is_valid() or objfile.lookup_global_symbol(ARMED) is None:
            return
        self.policies = [SignalPolicy(ARMED, stop_on_fault=False), SignalPolicy(UNHANDLED, stop_on_fault=True)]
