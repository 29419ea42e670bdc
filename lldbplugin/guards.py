"""Guard-region faults pass silently; a real crash still stops.

Loads and stores of 32-bit memories are made without a bounds check where the memory's guard pages catch an access
out of bounds (``emitter/codegen/guards.py``): such an access raises SIGSEGV in Wasm code, which the runtime's
handler (``emitter/runtime/jitdebug_guard.c``) turns into the Wasm trap. LLDB stops at every SIGSEGV by default
and does not pass it on; by hand a user would type ``process handle SIGSEGV -s false -p true -n false`` and then
miss a real crash. The plugin has LLDB pass SIGSEGV and SIGBUS to the program, and a stop hook decides each stop
on one: a fault at a pc in compiled Wasm code of a process whose runtime has the guard handler is a guard trap and
the program goes on at once, silently (into the trap's path: a breakpoint on ``jitdebug_trap`` still stops); any
other fault stops as LLDB would stop without the plugin.
"""

from __future__ import annotations

import lldb

from .session import session_for

#: The runtime's hook called once its handler is installed: a process without it has no guard traps.
ARMED = "jitdebug_guard_armed"
SIGNALS = {"SIGSEGV": 11, "SIGBUS": 7}
HOOK = f"{__name__}.GuardFaultHook"


def install(debugger: lldb.SBDebugger) -> None:
    """Before any target (``lldb -O``) the settings go to LLDB's dummy target, which every new target copies."""
    interpreter = debugger.GetCommandInterpreter()
    for name in SIGNALS:
        result = lldb.SBCommandReturnObject()
        interpreter.HandleCommand(f"process handle {name} --stop true --pass true --notify false", result)
    result = lldb.SBCommandReturnObject()
    interpreter.HandleCommand(f"target stop-hook add -P {HOOK}", result)


class GuardFaultHook:
    """``target stop-hook add -P``: resumes the program at a guard fault (returns False), stops at any other."""

    def __init__(self, target: lldb.SBTarget, _extra_args: lldb.SBStructuredData, _internal_dict: dict) -> None:
        self.target = target

    def handle_stop(self, exe_ctx: lldb.SBExecutionContext, _stream: lldb.SBStream) -> bool:
        thread = exe_ctx.GetThread()
        if (not thread.IsValid() or thread.GetStopReason() != lldb.eStopReasonSignal
                or thread.GetStopReasonDataAtIndex(0) not in SIGNALS.values()):
            return True
        target = exe_ctx.GetTarget()
        if not target.FindFunctions(ARMED).GetSize():
            return True
        session = session_for(target.GetDebugger())
        session.refresh()
        return session.locate(thread.GetFrameAtIndex(0).GetPC()) is None
