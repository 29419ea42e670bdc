"""The core session plus GDB's glue: the internal breakpoint that watches JIT (un)registrations."""

from __future__ import annotations

import gdb

from emitter.debugcore.jit import REGISTER_SYMBOL
from emitter.debugcore.session import Session
from emitter.debugcore.watch import Watchpoints

from .adapter import GdbAdapter


class JitRegistrationBreakpoint(gdb.Breakpoint):
    """Internal, never stops: each (un)registration re-resolves the Wasm breakpoints."""

    def __init__(self, session: Session) -> None:
        super().__init__(REGISTER_SYMBOL, internal=True)
        self.silent = True
        self.session = session

    def stop(self) -> bool:
        messages = self.session.jit_event()
        if isinstance(self.session, GdbSession):
            messages += self.session.watches.follow_registrations() + self.session.watches.rearm()
        for message in messages:
            gdb.write(message + "\n")
        return False


class GdbSession(Session):
    adapter: GdbAdapter
    #: True while a ``wasm`` command runs (its own stops must not rebuild the index each instruction).
    in_command = False
    jit_hook: JitRegistrationBreakpoint | None = None

    def __init__(self, adapter: GdbAdapter) -> None:
        super().__init__(adapter)
        self.watches = Watchpoints(self, adapter)

    def ensure_jit_hook(self) -> None:
        """Watch registrations once the JIT interface exists (a breakpoint on a missing symbol would fail)."""
        if self.jit_hook is None and self.adapter.symbol_address(REGISTER_SYMBOL) is not None:
            self.jit_hook = JitRegistrationBreakpoint(self)

    def add_breakpoint(self, text: str) -> str:
        self.ensure_jit_hook()
        return super().add_breakpoint(text)

    def watch(self, argument: str) -> str:
        """``wasm watch``; the JIT hook then deletes the watchpoints of an instance that is freed."""
        self.ensure_jit_hook()
        return self.watches.command(argument)
