"""``DebuggerAdapter`` over LLDB's SB API, for the selected target, process and thread of one debugger.

Resuming calls (``step_instruction``, ``run_to``, ``finish``) run with the debugger in synchronous mode, so the
core sees the thread stopped again when they return, in batch mode and interactively alike.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import lldb

from emitter.debugcore.adapter import InferiorReadError, NativeFrame

#: Native frames walked at most by one ``wasm bt`` (a corrupt stack must not walk forever).
MAX_FRAMES = 4096
#: Symbols LLDB's Linux unwinder treats as signal trampolines: the frame below one stopped on its exact pc.
_TRAMPOLINES = frozenset({"__restore_rt", "__kernel_rt_sigreturn", "_sigtramp"})
#: Names of our breakpoints in ``breakpoint list`` (``breakpoint delete jitdebug`` removes them all).
BREAKPOINT_NAME = "jitdebug"


class LldbAdapter:
    def __init__(self, debugger: lldb.SBDebugger) -> None:
        self.debugger = debugger
        #: The running ``wasm`` command's result: warnings go there (``warning: ...``) rather than to stderr.
        self.result: lldb.SBCommandReturnObject | None = None

    # -- context ----------------------------------------------------------------------------------------------
    @property
    def target(self) -> lldb.SBTarget:
        return self.debugger.GetSelectedTarget()

    def _process(self) -> lldb.SBProcess | None:
        process = self.target.GetProcess()
        if not process.IsValid() or process.GetState() not in (lldb.eStateStopped, lldb.eStateCrashed,
                                                                lldb.eStateSuspended):
            return None
        return process

    def _thread(self) -> lldb.SBThread:
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
        self.target.BreakpointDelete(number)

    def _resume(self, action: Callable[[lldb.SBThread, lldb.SBError], None]) -> bool:
        """Run one SBThread resuming call synchronously; False when the thread stopped for another reason."""
        thread = self._thread()
        was_async = self.debugger.GetAsync()
        self.debugger.SetAsync(False)
        error = lldb.SBError()
        try:
            action(thread, error)
        finally:
            self.debugger.SetAsync(was_async)
        if error.Fail():
            raise InferiorReadError(error.GetCString() or "the thread could not be resumed")
        process = thread.GetProcess()
        return (process.GetState() == lldb.eStateStopped
                and thread.GetStopReason() in (lldb.eStopReasonPlanComplete, lldb.eStopReasonTrace))

    def step_instruction(self) -> bool:
        return self._resume(lambda thread, error: thread.StepInstruction(False, error))

    def next_instruction(self) -> bool:
        """Over a call, run to its return address; anything else is one step. Not ``StepInstruction(True)``:
        LLDB takes a new symbol (a label inside a function) for a new frame and then steps out of it."""
        target = self.target
        pc = self.read_register("pc")
        instructions = target.ReadInstructions(target.ResolveLoadAddress(pc), 1)
        if instructions.GetSize() == 1:
            instruction = instructions.GetInstructionAtIndex(0)
            if instruction.GetMnemonic(target).startswith("call"):
                return self.run_to(pc + instruction.GetByteSize())
        return self.step_instruction()

    def run_to(self, address: int) -> bool:
        """Until ``address`` is reached in this frame or an outer one: a recursive call reaching it deeper in the
        stack (stack pointer lower than now) does not count."""
        sp = self.read_register("sp")
        while self._resume(lambda thread, error: thread.RunToAddress(address, error)):
            if self.read_register("pc") == address and self.read_register("sp") >= sp:
                return True
        return False

    def finish(self) -> None:
        # LLDB keeps stepping out of frames without line information (``step-out-avoid-nodebug``): our Wasm
        # frames may have none, and ``finish`` must stop in the caller whatever it is.
        setting = "target.process.thread.step-out-avoid-nodebug"
        instance = self.debugger.GetInstanceName()
        previous = lldb.SBDebugger.GetInternalVariableValue(setting, instance)
        lldb.SBDebugger.SetInternalVariable(setting, "false", instance)
        try:
            self._resume(lambda thread, error: thread.StepOut(error))
        finally:
            if previous is not None and previous.GetSize():
                lldb.SBDebugger.SetInternalVariable(setting, previous.GetStringAtIndex(0), instance)

    def warning(self, message: str) -> None:
        if self.result is not None:
            self.result.AppendWarning(message)
        else:
            self.debugger.GetErrorFile().Write(f"warning: {message}\n".encode())
