"""``DebuggerAdapter`` over GDB's Python API."""

from __future__ import annotations

import os

import gdb

from emitter.debugcore.adapter import InferiorReadError, NativeFrame

#: Native frames walked at most by one ``wasm bt`` (a corrupt stack must not walk forever).
MAX_FRAMES = 4096


class GdbAdapter:
    def __init__(self) -> None:
        #: Set by GDB events while one of our resume commands runs: the thread stopped for another reason.
        self._interrupted = False
        gdb.events.stop.connect(self._on_stop)
        gdb.events.exited.connect(self._on_exit)

    def _on_stop(self, event: object) -> None:
        if isinstance(event, (gdb.SignalEvent, gdb.BreakpointEvent)):
            self._interrupted = True

    def _on_exit(self, _event: object) -> None:
        self._interrupted = True

    def _resume(self, command: str) -> bool:
        """Run a resume command quietly (no stop banner per instruction); False when something else stopped it."""
        self._interrupted = False
        quiet = gdb.parameter("suppress-cli-notifications")
        gdb.execute("set suppress-cli-notifications on", to_string=True)
        try:
            gdb.execute(command, to_string=True)
        finally:
            gdb.execute(f"set suppress-cli-notifications {'on' if quiet else 'off'}", to_string=True)
        return not self._interrupted
    def read_memory(self, address: int, size: int) -> bytes:
        try:
            return bytes(gdb.selected_inferior().read_memory(address, size))
        except (gdb.MemoryError, gdb.error, OverflowError, ValueError) as error:
            raise InferiorReadError(str(error)) from None

    def read_register(self, name: str) -> int:
        try:
            return int(gdb.newest_frame().read_register(name)) & 0xFFFF_FFFF_FFFF_FFFF
        except gdb.error as error:
            raise InferiorReadError(str(error)) from None

    def symbol_address(self, name: str) -> int | None:
        quoted = name.replace("'", "")
        try:
            return int(gdb.parse_and_eval(f"(unsigned long)&'{quoted}'"))
        except gdb.error:
            return None

    def object_files(self) -> list[str]:
        files = []
        for objfile in gdb.objfiles():
            name = objfile.filename
            if objfile.is_valid() and objfile.owner is None and name and os.path.isfile(name):
                files.append(name)
        return files

    def frames(self, limit: int | None = None) -> list[NativeFrame]:
        out: list[NativeFrame] = []
        try:
            frame: gdb.Frame | None = gdb.newest_frame()
        except gdb.error:
            return []
        newer_is_signal = True
        while frame is not None and len(out) < min(limit or MAX_FRAMES, MAX_FRAMES):
            try:
                out.append(NativeFrame(frame.level(), frame.pc(), int(frame.read_register("sp")), newer_is_signal))
                newer_is_signal = frame.type() == gdb.SIGTRAMP_FRAME
                frame = frame.older()
            except gdb.error:
                break
        return out

    def set_breakpoint(self, address: int) -> int:
        return int(gdb.Breakpoint(f"*{address:#x}").number)

    def delete_breakpoint(self, number: int) -> None:
        for breakpoint in gdb.breakpoints():
            if breakpoint.number == number:
                breakpoint.delete()

    def step_instruction(self) -> bool:
        return self._resume("stepi")

    def next_instruction(self) -> bool:
        return self._resume("nexti")

    def run_to(self, address: int) -> bool:
        return self._resume(f"advance *{address:#x}")

    def finish(self) -> None:
        self._resume("finish")

    def warning(self, message: str) -> None:
        gdb.write(f"warning: {message}\n", gdb.STDERR)
