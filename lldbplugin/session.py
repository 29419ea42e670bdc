"""The core session plus LLDB's glue: one session per debugger, an index refreshed whenever the inferior ran,
and the breakpoint that watches JIT (un)registrations to resolve pending Wasm breakpoints."""

from __future__ import annotations

import lldb

from emitter.debugcore.jit import REGISTER_SYMBOL
from emitter.debugcore.session import CommandError, Session
from emitter.debugcore.watch import Watchpoints

from .adapter import BREAKPOINT_NAME, LldbAdapter

#: ``breakpoint list`` name of the hook on ``__jit_debug_register_code`` (it never stops).
JIT_HOOK_NAME = "jitdebug_jit_hook"
#: Resolved by LLDB in the plugin's script dictionary (``__lldb_init_module`` puts the package there).
JIT_CALLBACK = f"{__name__}.on_jit_registration"
STOP_HOOK = f"{__name__}.WasmStopHook"


class LldbSession(Session):
    adapter: LldbAdapter

    def __init__(self, adapter: LldbAdapter) -> None:
        super().__init__(adapter)
        self._seen_stop: tuple[int, int] | None = None
        self._stop_hook = False
        self.watches = Watchpoints(self, adapter)

    def refresh(self) -> None:
        """Forget the index when the inferior ran since it was built (LLDB has no stop event for scripts)."""
        stop = self.adapter.stop_id()
        if stop != self._seen_stop:
            self._seen_stop = stop
            self.invalidate()

    def ensure_jit_hook(self) -> None:
        """A breakpoint by name on the registration function, once per target: LLDB keeps it pending until the
        library defining it loads (a JIT runtime is often a shared object opened at run time)."""
        target = self.adapter.target
        found = lldb.SBBreakpointList(target)
        target.FindBreakpointsByName(JIT_HOOK_NAME, found)
        if found.GetSize():
            return
        hook = target.BreakpointCreateByName(REGISTER_SYMBOL)
        hook.AddName(JIT_HOOK_NAME)
        hook.AddName(BREAKPOINT_NAME)
        hook.SetScriptCallbackFunction(JIT_CALLBACK)

    def add_breakpoint(self, text: str) -> str:
        self.ensure_jit_hook()
        return super().add_breakpoint(text)

    def add_catchpoint(self, kind: str) -> str:
        """Catchpoints report through a stop hook (output at the stop, like GDB's stop event)."""
        message = super().add_catchpoint(kind)
        self.ensure_stop_hook()
        return message

    def watch(self, argument: str) -> str:
        """``wasm watch``: watchpoint stops are reported by the stop hook too."""
        message = self.watches.command(argument)
        self.ensure_stop_hook()
        # The JIT hook deletes the watchpoints of an instance that is freed.
        self.ensure_jit_hook()
        return message

    def ensure_stop_hook(self) -> None:
        if not self._stop_hook:
            result = lldb.SBCommandReturnObject()
            self.adapter.debugger.GetCommandInterpreter().HandleCommand(f"target stop-hook add -P {STOP_HOOK}",
                                                                         result)
            if not result.Succeeded():
                raise CommandError(f"cannot add the stop hook: {result.GetError().strip()}")
            self._stop_hook = True


_SESSIONS: dict[int, LldbSession] = {}


def session_for(debugger: lldb.SBDebugger) -> LldbSession:
    """LLDB finds commands and callbacks by name, not by object: they reach their debugger's session here."""
    key = debugger.GetID()
    if key not in _SESSIONS:
        _SESSIONS[key] = LldbSession(LldbAdapter(debugger))
    return _SESSIONS[key]


def on_jit_registration(frame: lldb.SBFrame, _location: lldb.SBBreakpointLocation, _internal_dict: dict) -> bool:
    """The JIT registered or unregistered an image: re-resolve the Wasm breakpoints, print what got placed, and
    let the program go on (False: do not stop)."""
    debugger = frame.GetThread().GetProcess().GetTarget().GetDebugger()
    session = session_for(debugger)
    messages = session.jit_event() + session.watches.follow_registrations() + session.watches.rearm()
    if messages:
        debugger.GetOutputFile().Write(("\n".join(messages) + "\n").encode())
    return False


def on_hook(frame: lldb.SBFrame, _location: lldb.SBBreakpointLocation, extra_args: lldb.SBStructuredData,
            _internal_dict: dict) -> bool:
    """A hook of the session (``LldbAdapter.add_hook``) was hit: its callback decides whether to stop."""
    thread = frame.GetThread()
    session = session_for(thread.GetProcess().GetTarget().GetDebugger())
    callback = session.adapter.hooks.get(extra_args.GetValueForKey("hook").GetIntegerValue())
    if callback is None:
        return False
    session.adapter.stopped_thread = thread
    try:
        return callback()
    finally:
        session.adapter.stopped_thread = None


def on_base_moved(frame: lldb.SBFrame, watchpoint: lldb.SBWatchpoint, _internal_dict: dict) -> bool:
    """The program wrote an instance's memory-base word (its memory moved): re-arm that instance's Wasm
    watchpoints before it runs on, and do not stop (False)."""
    thread = frame.GetThread()
    session = session_for(thread.GetProcess().GetTarget().GetDebugger())
    moved = session.adapter.base_watches.get(watchpoint.GetID())
    if moved is None:
        return False
    session.adapter.stopped_thread = thread
    try:
        session.invalidate()
        moved()
    finally:
        session.adapter.stopped_thread = None
    return False


class WasmStopHook:
    """``target stop-hook add -P``: prints what the Wasm catchpoints say about each stop."""

    def __init__(self, target: lldb.SBTarget, _extra_args: lldb.SBStructuredData, _internal_dict: dict) -> None:
        self.debugger = target.GetDebugger()

    def handle_stop(self, _exe_ctx: lldb.SBExecutionContext, stream: lldb.SBStream) -> bool:
        session = session_for(self.debugger)
        session.refresh()
        reports = [*session.watches.rearm(), session.watches.stop_report(), session.stop_report()]
        for report in reports:
            if report is not None:
                stream.Print(report + "\n")
        # A read watchpoint hit by a write (x86 watches reads only with writes): not a stop the user asked for.
        return not (session.watches.spurious and all(r is None for r in reports))
