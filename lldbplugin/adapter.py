"""``DebuggerAdapter`` over LLDB's SB API, for the selected target, process and thread of one debugger.

The adapter never resumes the inferior: stepping is a scripted thread plan (``lldbplugin.stepping``). Breakpoint
callbacks and thread plans run while the process is stopped but its public state may say running: they set
``stopped_thread`` for the adapter to read that thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import lldb

from emitter.debugcore.adapter import InferiorReadError, NativeFrame
from emitter.debugcore.watch import WatchpointError

#: Native frames walked at most by one ``wasm bt`` (a corrupt stack must not walk forever).
MAX_FRAMES = 4096
#: Symbols LLDB's Linux unwinder treats as signal trampolines: the frame below one stopped on its exact pc.
_TRAMPOLINES = frozenset({"__restore_rt", "__kernel_rt_sigreturn", "_sigtramp"})
#: Names of our breakpoints in ``breakpoint list`` (``breakpoint delete jitdebug`` removes them all).
BREAKPOINT_NAME = "jitdebug"
#: The function LLDB calls when a hook is hit, by dotted name in the script dictionary.
HOOK_CALLBACK = "lldbplugin.session.on_hook"
#: The function LLDB calls when the program writes a memory-base word we watch.
BASE_CALLBACK = "lldbplugin.session.on_base_moved"


class LldbAdapter:
    #: LLDB watches an address, not an expression: the core re-arms a watchpoint when the memory moves.
    follows_base_word = False

    def __init__(self, debugger: lldb.SBDebugger) -> None:
        self.debugger = debugger
        #: The running ``wasm`` command's result: warnings go there (``warning: ...``) rather than to stderr.
        self.result: lldb.SBCommandReturnObject | None = None
        #: Hook breakpoint number -> its callback.
        self.hooks: dict[int, Callable[[], bool]] = {}
        #: Memory-base word watchpoint number -> what to call when the program writes the word.
        self.base_watches: dict[int, Callable[[], None]] = {}
        #: The thread a breakpoint callback or a thread plan runs for: its process is stopped, though LLDB's
        #: public state may still say running.
        self.stopped_thread: lldb.SBThread | None = None

    # -- context ----------------------------------------------------------------------------------------------
    @property
    def target(self) -> lldb.SBTarget:
        return self.debugger.GetSelectedTarget()

    def _process(self) -> lldb.SBProcess | None:
        if self.stopped_thread is not None:
            return self.stopped_thread.GetProcess()
        process = self.target.GetProcess()
        if not process.IsValid() or process.GetState() not in (lldb.eStateStopped, lldb.eStateCrashed,
                                                                lldb.eStateSuspended):
            return None
        return process

    def _thread(self) -> lldb.SBThread:
        if self.stopped_thread is not None:
            return self.stopped_thread
        process = self._process()
        thread = process.GetSelectedThread() if process is not None else None
        if thread is None or not thread.IsValid():
            raise InferiorReadError("the program is not being run")
        return thread

    def stop_id(self) -> tuple[int, int]:
        """Changes whenever the inferior ran: the session's index is stale then."""
        process = self.target.GetProcess()
        return (process.GetUniqueID(), process.GetStopID()) if process.IsValid() else (0, 0)

    # -- DebuggerAdapter ----------------------------------------------------------------------------------------
    def read_memory(self, address: int, size: int) -> bytes:
        error = lldb.SBError()
        process = self._process()
        if process is not None:
            data = process.ReadMemory(address, size, error) if size else b""
        else:
            # No process: read the target's files at their link-time addresses, as GDB does.
            where = self.target.ResolveFileAddress(address)
            data = self.target.ReadMemory(where, size, error) if where.IsValid() else None
            if data is not None and len(data) != size:
                data = None
        if data is None or error.Fail():
            raise InferiorReadError(f"cannot access memory at {address:#x}"
                                    + (f": {error.GetCString()}" if error.Fail() else ""))
        return bytes(data)

    def read_register(self, name: str) -> int:
        frame = self._thread().GetFrameAtIndex(0)
        if name == "pc":
            return int(frame.GetPC())
        if name == "sp":
            return int(frame.GetSP())
        value = frame.FindRegister(name)
        if not value.IsValid():
            raise InferiorReadError(f"no register {name}")
        return int(value.GetValueAsUnsigned())

    def symbol_address(self, name: str) -> int | None:
        """The load address when the process runs, else the link-time one (LLDB slides address breakpoints set
        in a file when it loads)."""
        target = self.target
        running = self._process() is not None
        for context in target.FindSymbols(name):
            symbol = context.GetSymbol()
            if not symbol.IsValid() or symbol.GetName() != name:
                continue
            start = symbol.GetStartAddress()
            address = start.GetLoadAddress(target) if running else start.GetFileAddress()
            if address != lldb.LLDB_INVALID_ADDRESS:
                return int(address)
        return None

    def object_files(self) -> list[str]:
        files = []
        for module in self.target.module_iter():
            path = module.GetFileSpec().fullpath
            if path and os.path.isfile(path):
                files.append(path)
        return files

    def frames(self, limit: int | None = None) -> list[NativeFrame]:
        try:
            thread = self._thread()
        except InferiorReadError:
            return []
        out: list[NativeFrame] = []
        exact = True
        for index in range(min(limit or MAX_FRAMES, MAX_FRAMES)):
            frame = thread.GetFrameAtIndex(index)
            if not frame.IsValid():
                break
            out.append(NativeFrame(index, int(frame.GetPC()), int(frame.GetSP()), exact))
            exact = frame.GetSymbol().GetName() in _TRAMPOLINES
        return out

    def set_breakpoint(self, address: int) -> int:
        """Before the program runs ``address`` is a link-time one (see ``symbol_address``): set it section-relative
        so LLDB moves it where the file loads (a raw address in a position-independent executable is unmapped)."""
        target = self.target
        where = target.ResolveFileAddress(address) if self._process() is None else lldb.SBAddress()
        if where.IsValid() and where.GetSection().IsValid():
            breakpoint = target.BreakpointCreateBySBAddress(where)
        else:
            breakpoint = target.BreakpointCreateByAddress(address)
        breakpoint.AddName(BREAKPOINT_NAME)
        return int(breakpoint.GetID())

    def delete_breakpoint(self, number: int) -> None:
        self.hooks.pop(number, None)
        self.target.BreakpointDelete(number)

    def add_hook(self, where: int | str, callback: Callable[[], bool]) -> int | None:
        """By name: ``breakpoint set -K false`` (LLDB skips prologues otherwise), pending until a module defines
        the function. The callback is found again through ``HOOK_CALLBACK`` by the hook's number."""
        if isinstance(where, str):
            result = lldb.SBCommandReturnObject()
            self.debugger.GetCommandInterpreter().HandleCommand(
                f"breakpoint set --name {where} --skip-prologue false --breakpoint-name {BREAKPOINT_NAME}", result)
            if not result.Succeeded():
                return None
            breakpoint = self.target.GetBreakpointAtIndex(self.target.GetNumBreakpoints() - 1)
        else:
            number = self.set_breakpoint(where)
            breakpoint = self.target.FindBreakpointByID(number)
        self.hooks[breakpoint.GetID()] = callback
        extra = lldb.SBStructuredData()
        extra.SetFromJSON(f'{{"hook": {breakpoint.GetID()}}}')
        breakpoint.SetScriptCallbackFunction(HOOK_CALLBACK, extra)
        return int(breakpoint.GetID())

    def add_stop_point(self, address: int, sp: int) -> int:
        """A condition, not a script callback: LLDB cannot add a script callback from inside another one."""
        breakpoint = self.target.BreakpointCreateByAddress(address)
        breakpoint.AddName(BREAKPOINT_NAME)
        breakpoint.SetCondition(f"$sp == {sp}")
        return int(breakpoint.GetID())

    def executing_backwards(self) -> bool:
        """LLDB 19 cannot execute backwards."""
        return False

    def set_watchpoint(self, address: int, length: int, kind: str, base_word: int | None) -> int:
        options = lldb.SBWatchpointOptions()
        options.SetWatchpointTypeRead(kind in ("read", "access"))
        if kind != "read":
            # A write watchpoint reports changes, as GDB's does; an access one every write.
            options.SetWatchpointTypeWrite(lldb.eWatchpointWriteTypeOnModify if kind == "write"
                                           else lldb.eWatchpointWriteTypeAlways)
        error = lldb.SBError()
        watch = self.target.WatchpointCreateByAddress(address, length, options, error)
        if error.Fail() or not watch.IsValid():
            raise WatchpointError(error.GetCString() or f"LLDB cannot watch {length} bytes at {address:#x}")
        return int(watch.GetID())

    def delete_watchpoint(self, number: int) -> None:
        self.base_watches.pop(number, None)
        self.target.DeleteWatchpoint(number)

    def watch_base_word(self, address: int, moved: Callable[[], None]) -> int | None:
        """A write watchpoint on the word with a script callback (``lldbplugin.session.on_base_moved``), which
        calls ``moved`` and does not stop."""
        options = lldb.SBWatchpointOptions()
        options.SetWatchpointTypeWrite(lldb.eWatchpointWriteTypeOnModify)
        error = lldb.SBError()
        watch = self.target.WatchpointCreateByAddress(address, 8, options, error)
        if error.Fail() or not watch.IsValid():
            raise WatchpointError(error.GetCString() or f"LLDB cannot watch the memory base word at {address:#x}")
        number = int(watch.GetID())
        self.base_watches[number] = moved
        result = lldb.SBCommandReturnObject()
        self.debugger.GetCommandInterpreter().HandleCommand(f"watchpoint command add -F {BASE_CALLBACK} {number}",
                                                            result)
        if not result.Succeeded():
            self.target.DeleteWatchpoint(number)
            raise WatchpointError(f"cannot add the watchpoint callback: {result.GetError().strip()}")
        return number

    def hit_watchpoints(self) -> list[int]:
        process = self._process()
        if process is None:
            return []
        return [int(thread.GetStopReasonDataAtIndex(0)) for thread in process
                if thread.GetStopReason() == lldb.eStopReasonWatchpoint]

    def evaluate(self, expression: str) -> int:
        value = self._thread().GetSelectedFrame().EvaluateExpression(expression)
        if not value.IsValid() or value.GetError().Fail():
            raise ValueError(value.GetError().GetCString() or "no value")
        return int(value.GetValueAsUnsigned())

    def warning(self, message: str) -> None:
        if self.result is not None:
            self.result.AppendWarning(message)
        else:
            self.debugger.GetErrorFile().Write(f"warning: {message}\n".encode())
