"""An in-memory ``DebuggerAdapter`` for unit tests of the core (and of future plugins' shared logic)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .adapter import InferiorReadError, NativeFrame


@dataclass
class MockAdapter:
    #: Mapped regions: start address -> bytes (writable through ``write``).
    memory: dict[int, bytearray] = field(default_factory=dict)
    symbols: dict[str, int] = field(default_factory=dict)
    registers: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    native_frames: list[NativeFrame] = field(default_factory=list)
    breakpoints: dict[int, int] = field(default_factory=dict)
    #: Hook number -> (address or function name, callback).
    hooks: dict[int, tuple[int | str, Callable[[], bool]]] = field(default_factory=dict)
    #: Stop point number -> (address, stack pointer).
    stop_points: dict[int, tuple[int, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: ``step_instruction``/``next_instruction`` take the next (pc, sp) from here (a scripted execution).
    trace: list[tuple[int, int]] = field(default_factory=list)
    #: Pcs where a step ends "for another reason" (a signal): the step methods return False there.
    interrupt_at: set[int] = field(default_factory=set)
    _next_breakpoint: int = 1

    def map(self, address: int, data: bytes) -> None:
        self.memory[address] = bytearray(data)

    def write(self, address: int, data: bytes) -> None:
        for start, region in self.memory.items():
            if start <= address and address + len(data) <= start + len(region):
                region[address - start : address - start + len(data)] = data
                return
        raise InferiorReadError(f"cannot write {address:#x}")

    def read_memory(self, address: int, size: int) -> bytes:
        for start, region in self.memory.items():
            if start <= address and address + size <= start + len(region):
                return bytes(region[address - start : address - start + size])
        raise InferiorReadError(f"cannot access memory at {address:#x}")

    def read_register(self, name: str) -> int:
        if name not in self.registers:
            raise InferiorReadError(f"no register {name}")
        return self.registers[name]

    def symbol_address(self, name: str) -> int | None:
        return self.symbols.get(name)

    def object_files(self) -> list[str]:
        return list(self.files)

    def frames(self, limit: int | None = None) -> list[NativeFrame]:
        return self.native_frames[:limit]

    def set_breakpoint(self, address: int) -> int:
        number = self._next_breakpoint
        self._next_breakpoint += 1
        self.breakpoints[number] = address
        return number

    def delete_breakpoint(self, number: int) -> None:
        self.breakpoints.pop(number, None)
        self.hooks.pop(number, None)
        self.stop_points.pop(number, None)

    def add_hook(self, where: int | str, callback: Callable[[], bool]) -> int | None:
        if isinstance(where, str) and where not in self.symbols:
            return None
        number = self._next_breakpoint
        self._next_breakpoint += 1
        self.hooks[number] = (where, callback)
        return number

    def add_stop_point(self, address: int, sp: int) -> int:
        number = self._next_breakpoint
        self._next_breakpoint += 1
        self.stop_points[number] = (address, sp)
        return number

    def _advance(self) -> bool:
        if not self.trace:
            raise InferiorReadError("the scripted execution ended")
        self.registers["pc"], self.registers["sp"] = self.trace.pop(0)
        return self.registers["pc"] not in self.interrupt_at

    def step_instruction(self) -> bool:
        return self._advance()

    def run_to(self, address: int) -> bool:
        while self._advance():
            if self.registers["pc"] == address:
                return True
        return False

    def finish(self) -> bool:
        return self._advance()

    def warning(self, message: str) -> None:
        self.warnings.append(message)
