"""``DebuggerAdapter`` over GDB's Python API."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import gdb

from emitter.debugcore.adapter import InferiorReadError, NativeFrame
from emitter.debugcore.watch import WatchpointError

#: Native frames walked at most by one ``wasm bt`` (a corrupt stack must not walk forever).
MAX_FRAMES = 4096


class Hook(gdb.Breakpoint):
    """An internal breakpoint whose callback decides whether the thread stops."""

    def __init__(self, spec: str, callback: Callable[[], bool]) -> None:
        super().__init__(spec, internal=True)
        self.silent = True
        self.callback = callback
        #: The callback's last answer: a stop this hook asked for ends a step like any breakpoint.
        self.stopped = False

    def stop(self) -> bool:
        self.stopped = self.callback()
        return self.stopped


#: GDB's watchpoint class per ``wasm watch`` kind, and the breakpoint type a hardware one gets.
_WATCH_CLASSES = {"write": (gdb.WP_WRITE, gdb.BP_HARDWARE_WATCHPOINT), "read": (gdb.WP_READ, gdb.BP_READ_WATCHPOINT),
                  "access": (gdb.WP_ACCESS, gdb.BP_ACCESS_WATCHPOINT)}
_SCALARS = {1: "unsigned char", 2: "unsigned short", 4: "unsigned int", 8: "unsigned long"}


@contextmanager
def _in_c() -> Iterator[None]:
    """GDB parses an expression in the language of the selected frame (Rust's parser rejects the C casts the
    plugin spells); a watchpoint keeps the language it was made in."""
    language = str(gdb.parameter("language"))
    if language == "c":
        yield
        return
    gdb.execute("set language c", to_string=True)
    try:
        yield
    finally:
        gdb.execute(f"set language {language}", to_string=True)


class GdbAdapter:
    #: A watch expression through the vmctx word makes GDB re-arm the watchpoint when the memory moves.
    follows_base_word = True

    def __init__(self) -> None:
        #: Set by GDB events while one of our resume commands runs: the thread stopped for another reason.
        self._interrupted = False
        self._hooks: dict[int, Hook] = {}
        #: The breakpoints (watchpoints included) that caused the last stop.
        self._hits: list[int] = []
        gdb.events.stop.connect(self._on_stop)
        gdb.events.exited.connect(self._on_exit)

    def _on_stop(self, event: object) -> None:
        self._hits = [b.number for b in event.breakpoints] if isinstance(event, gdb.BreakpointEvent) else []
        if isinstance(event, gdb.SignalEvent):
            self._interrupted = True
        elif isinstance(event, gdb.BreakpointEvent):
            # A hook that let the thread go on (or was only stepped onto) does not end a step.
            self._interrupted = any(not isinstance(b, Hook) or b.stopped for b in event.breakpoints)

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
            with _in_c():
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
        return int(gdb.Breakpoint(self._location_spec(address)).number)

    def _location_spec(self, address: int) -> str:
        """Before the program runs, addresses are link-time ones, and GDB does not move ``*ADDRESS`` when a
        position-independent executable loads. It re-evaluates an expression though: name the address as
        ``symbol + offset`` (checked to evaluate back to it: a local name may repeat across objects)."""
        if gdb.selected_inferior().pid:
            return f"*{address:#x}"
        found = re.match(r"(.+?)(?: \+ (\d+))? in section ", gdb.execute(f"info symbol {address:#x}", to_string=True))
        if found is None or "'" in found[1]:
            return f"*{address:#x}"
        name, offset = found[1], int(found[2] or 0)
        if self.symbol_address(name) != address - offset:
            return f"*{address:#x}"
        return f"*'{name}'+{offset}" if offset else f"*'{name}'"

    def delete_breakpoint(self, number: int) -> None:
        hook = self._hooks.pop(number, None)
        if hook is not None:  # internal breakpoints are not in gdb.breakpoints()
            hook.delete()
            return
        for breakpoint in gdb.breakpoints():
            if breakpoint.number == number:
                breakpoint.delete()

    def add_hook(self, where: int | str, callback: Callable[[], bool]) -> int | None:
        address = where if isinstance(where, int) else self.symbol_address(where)
        if address is None:
            return None
        hook = Hook(self._location_spec(address), callback)
        self._hooks[hook.number] = hook
        return int(hook.number)

    def add_stop_point(self, address: int, sp: int) -> int:
        number = self.add_hook(address, lambda: self.read_register("sp") == sp)
        if number is None:
            raise InferiorReadError(f"cannot place a breakpoint at {address:#x}")
        return number

    def step_instruction(self) -> bool:
        return self._resume("stepi")

    def run_to(self, address: int) -> bool:
        return self._resume(f"advance *{address:#x}")

    def finish(self) -> bool:
        return self._resume("finish")

    def reverse_step_instruction(self) -> bool:
        return self._resume("reverse-stepi")

    def reverse_finish(self) -> bool:
        return self._resume("reverse-finish")

    def recording(self) -> bool:
        return gdb.current_recording() is not None

    def executing_backwards(self) -> bool:
        return str(gdb.parameter("exec-direction")) == "reverse"

    def set_watchpoint(self, address: int, length: int, kind: str, base_word: int | None) -> int:
        pointer = f"{_SCALARS[length]} *" if length in _SCALARS else f"unsigned char (*)[{length}]"
        if base_word is not None:
            base = int.from_bytes(self.read_memory(base_word, 8), "little")
            where = f"(*(unsigned long *){base_word:#x} + {address - base:#x})"
        else:
            where = f"{address:#x}"
        watch_class, hardware_type = _WATCH_CLASSES[kind]
        recording = self.recording()
        if recording:
            if kind != "write":
                raise WatchpointError(f"GDB checks only write watchpoints along an execution record ('record full'),"
                                      f" not {kind} ones")
            # GDB 13 misses hardware watchpoints when it replays a record backwards; a software one is checked
            # as the record is walked, which steps every instruction anyway (no cost of its own there).
            hardware_type = gdb.BP_WATCHPOINT
            gdb.execute("set can-use-hw-watchpoints 0", to_string=True)
        try:
            with _in_c():
                watch = gdb.Breakpoint(f"*({pointer}){where}", gdb.BP_WATCHPOINT, watch_class)
        except gdb.error as error:
            raise WatchpointError(str(error)) from None
        finally:
            if recording:
                gdb.execute("set can-use-hw-watchpoints 1", to_string=True)
        if watch.type != hardware_type:
            # GDB made a software watchpoint (no debug register could take it): that single-steps everything.
            watch.delete()
            raise WatchpointError("GDB cannot make it a hardware watchpoint (can-use-hw-watchpoints is off, or "
                                  "no debug register is free)")
        watch.silent = True
        return int(watch.number)

    def delete_watchpoint(self, number: int) -> None:
        self.delete_breakpoint(number)

    def watch_base_word(self, address: int, moved: Callable[[], None]) -> int | None:
        return None  # write watchpoints follow the word in their expression; see ``follows_base_word``

    def hit_watchpoints(self) -> list[int]:
        return list(self._hits)

    def evaluate(self, expression: str) -> int:
        try:
            return int(gdb.parse_and_eval(expression))
        except (gdb.error, gdb.MemoryError) as error:
            raise ValueError(str(error)) from None

    def warning(self, message: str) -> None:
        gdb.write(f"warning: {message}\n", gdb.STDERR)
