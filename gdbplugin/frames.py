"""What plain ``bt`` shows for Wasm frames (a frame decorator), and a fallback unwinder for Wasm code that has
no CFI registered. Our images always carry CFI, so the unwinder declines them; it serves images written without
(it reads the unwind rows of ``.jitdebug.wasm``). Both reject non-Wasm pcs with a range check first."""

from __future__ import annotations

from collections.abc import Iterator

import gdb
import gdb.unwinder
from gdb.FrameDecorator import FrameDecorator
from gdb.unwinder import Unwinder

from emitter.debugcore.session import Session

_DWARF_REGISTERS = ["rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp"] + [f"r{i}" for i in range(8, 16)] + ["rip"]


class WasmFrameDecorator(FrameDecorator):
    def __init__(self, frame: FrameDecorator, label: str) -> None:
        super().__init__(frame)
        self._label = label

    def function(self) -> str:
        return self._label


class WasmFrameFilter:
    """Names JIT and AOT Wasm frames ``module!function [wasm 0xOFFSET]``."""

    def __init__(self, session: Session) -> None:
        self.name = "jitdebug-wasm"
        self.priority = 100
        self.enabled = True
        self.session = session
        # The stubs describe GDB 14's DAP decorators too; GDB 13 passes plain FrameDecorators.
        gdb.frame_filters[self.name] = self  # type: ignore[assignment]

    def filter(self, frames: Iterator[FrameDecorator]) -> Iterator[FrameDecorator]:
        return map(self._decorate, frames)

    def _decorate(self, decorator: FrameDecorator) -> FrameDecorator:
        frame = decorator.inferior_frame()
        newer = frame.newer()
        exact = newer is None or newer.type() == gdb.SIGTRAMP_FRAME
        location = self.session.locate(frame.pc() if exact else frame.pc() - 1)
        if location is None:
            return decorator
        offset = location.wasm_offset or 0
        name = location.function.qualified_name
        if frame.type() == gdb.INLINE_FRAME and frame.name():
            # A C function inlined into the Wasm function: its frame shares the Wasm function's native code, so
            # it is named by the inlined function gdb read from the DWARF (as natively), not by the code's symbol.
            name = f"{location.function.module.display_name}!{frame.name()}"
        return WasmFrameDecorator(decorator, f"{name} [wasm {offset:#x}]")


class WasmUnwinder(Unwinder):
    def __init__(self, session: Session) -> None:
        super().__init__("jitdebug-wasm")
        self.session = session

    def __call__(self, pending_frame: gdb.PendingFrame) -> gdb.UnwindInfo | None:
        # Only an index built outside unwinding is used: building one reads symbols, which needs frames.
        index = self.session.built_index()
        if index is None:
            return None
        pc = int(pending_frame.read_register("rip"))
        if not index.low <= pc < index.high:
            return None
        location = index.locate(pc if pending_frame.level() == 0 else pc - 1)
        if location is None or location.module.has_cfi:
            return None
        rows = location.function.meta.unwind_rows
        row = next((r for r in reversed(rows) if r.start <= pc - location.function.address), None)
        if row is None:
            return None
        cfa = int(pending_frame.read_register(_DWARF_REGISTERS[row.cfa_register])) + row.cfa_offset
        info = pending_frame.create_unwind_info(gdb.unwinder.FrameId(cfa, location.function.address))
        pointer = gdb.lookup_type("unsigned long")
        for register, distance in row.saved:
            value = gdb.selected_inferior().read_memory(cfa - distance, 8)
            info.add_saved_register(_DWARF_REGISTERS[register], gdb.Value(bytes(value), pointer))
        info.add_saved_register("rsp", gdb.Value(cfa).cast(pointer))
        return info
