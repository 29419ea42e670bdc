"""Wire the core to GDB: one session, its commands, frame filter and unwinder, and the event hooks that keep
the module index fresh and re-resolve Wasm breakpoints as objfiles and JIT images come and go."""

from __future__ import annotations

import gdb
import gdb.unwinder

from . import commands, frames, pointers, slices
from .adapter import GdbAdapter
from .guards import GuardFaults
from .session import GdbSession


def install() -> GdbSession:
    session = GdbSession(GdbAdapter())
    commands.register(session)
    pointers.register(session)
    slices.register(session)
    frames.WasmFrameFilter(session)
    gdb.unwinder.register_unwinder(None, frames.WasmUnwinder(session), replace=True)
    guard_faults = GuardFaults()

    def on_stop(_event: gdb.StopEvent) -> None:
        session.invalidate()
        if not session.in_command:
            # Build now, outside unwinding, so the fallback unwinder has an index for this stop.
            session.index()
        for report in (*session.watches.rearm(), session.watches.stop_report(), session.stop_report()):
            if report is not None:
                gdb.write(report + "\n")

    def on_new_objfile(event: gdb.NewObjFileEvent) -> None:
        session.invalidate()
        guard_faults.on_new_objfile(event.new_objfile)
        if session.catchpoints:
            session.ensure_throw_hooks()
        if session.breakpoints:
            session.ensure_jit_hook()
            for message in session.jit_event():
                gdb.write(message + "\n")

    gdb.events.stop.connect(on_stop)
    gdb.events.new_objfile.connect(on_new_objfile)
    return session
