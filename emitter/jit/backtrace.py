"""Wasm backtraces of JIT code, in wasmtime's text format, from the native return addresses of a trap.

The native trace comes from the system unwinder (the frames are registered with it), so it walks exactly what
a debugger or a C++ exception would. Each native pc inside a compiled Wasm function becomes one Wasm frame; the
runtime's own frames (veneers, host adapters, the shim) are not Wasm and are left out, as wasmtime leaves out
its trampolines.
"""

from __future__ import annotations

import bisect
import os
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..codegen.runtime import TrapCode
from ..compiled import CompiledFunction
from ..wasm.demangle import demangle
from .loader import LoadedModule

if TYPE_CHECKING:
    # Imported when a trap is reported with details (``_symbols``): the producer DWARF reader it needs loads a C
    # extension, one more shared object for a debugger to read at the start of every program.
    from ..dwarf.symbolize import Symbol, Symbolizer

#: wasmtime's default ``wasm_backtrace_max_frames``: deeper stacks print their innermost frames only.
MAX_FRAMES = 20
#: What wasmtime prints under the frames when one of them is in a module with DWARF it did not read (it reads
#: it only with ``WASMTIME_BACKTRACE_DETAILS=1``, and then names files and lines instead: ``WasmFrame.symbols``).
DETAILS_NOTE = ("note: using the `WASMTIME_BACKTRACE_DETAILS=1` environment variable may show more debugging "
                "information")


def trap_message(code: int) -> str:
    """The text wasmtime prints for a trap; ``code`` is what compiled code passed to ``jitdebug_trap``."""
    try:
        return TrapCode(code).caused_by
    except ValueError:
        return f"wasm trap: trap code {code}"


def memory_fault(effective_address: int, memory_size: int) -> str:
    """wasmtime's first cause of an out-of-bounds load or store: the first byte that faulted (an access that
    straddles the end faults at the end)."""
    return (f"memory fault at wasm address {max(effective_address, memory_size):#x} in linear memory of size "
            f"{memory_size:#x}")


@dataclass(frozen=True, slots=True)
class WasmFrame:
    module: str
    function_index: int | None
    function_name: str | None
    #: Module offset of the instruction executing in this frame (the call, or the trapping instruction).
    module_offset: int | None
    #: The frame's module has a ``.debug_info`` section (wasmtime's note on backtrace details).
    has_debug_info: bool = False
    #: The source-level frames at ``module_offset``, innermost first, from the module's DWARF: read only with
    #: ``WASMTIME_BACKTRACE_DETAILS=1`` (``details_enabled``), as wasmtime reads them.
    symbols: tuple[Symbol, ...] = ()

    def render(self, index: int) -> str:
        """wasmtime's lines for the frame: ``module!function`` without symbols; with them each symbol's
        (demangled) name, the first one's after the offset and the others' on lines of their own, each followed
        by ``at FILE:LINE:COL`` when the DWARF names a file (as much of it as it knows), and no module name."""
        module = self.module or "<unknown>"
        name = self.function_name or f"<wasm function {self.function_index}>"
        head = f"{index:>5}: " if self.module_offset is None else f"{index:>5}: {self.module_offset:>#8x} - "
        if not self.symbols:
            return f"{head}{module}!{name}"
        parts = [head]
        for position, symbol in enumerate(self.symbols):
            if position:
                parts.append("\n                - ")
            if symbol.name is not None:
                parts.append(demangle(symbol.name, bare_types=True))
            else:
                parts.append(name if position == 0 else "<inlined function>")
            if symbol.file is not None:
                parts.append(f"\n                    at {symbol.file}")
                if symbol.line is not None:
                    parts.append(f":{symbol.line}")
                    if symbol.column is not None:
                        parts.append(f":{symbol.column}")
        return "".join(parts)


def details_enabled() -> bool:
    """Whether backtraces name source locations: ``WASMTIME_BACKTRACE_DETAILS`` is exactly ``1``, as for
    wasmtime (which reads it when its engine is made; we read it when a backtrace is made)."""
    return os.environ.get("WASMTIME_BACKTRACE_DETAILS") == "1"


#: Each loaded module's symbolizer, made at its first detailed backtrace (decoding its DWARF units takes a while
#: on a large module; a trap report should not pay it twice).
_SYMBOLIZERS: weakref.WeakKeyDictionary[LoadedModule, Symbolizer] = weakref.WeakKeyDictionary()


def _symbols(module: LoadedModule, module_offset: int | None) -> tuple[Symbol, ...]:
    dwarf = module.compiled.wasm_dwarf
    if dwarf is None or module_offset is None:
        return ()
    symbolizer = _SYMBOLIZERS.get(module)
    if symbolizer is None:
        from ..dwarf.symbolize import Symbolizer

        symbolizer = _SYMBOLIZERS[module] = Symbolizer(dwarf.sections, dwarf.code_section_offset)
    return tuple(symbolizer.symbols(module_offset))


def wasm_offset_at(function: CompiledFunction, code_offset: int) -> int | None:
    """The Wasm module offset a trap report names at ``code_offset``: a trap the function reports elsewhere
    (``CompiledFunction.trap_offsets``), else the instruction covering it (the last line entry at or before it
    that names one)."""
    for start, end, reported in function.trap_offsets:
        if start <= code_offset < end:
            return reported
    entries = [e for e in function.lines if e.wasm_offset is not None]
    index = bisect.bisect_right([e.code_offset for e in entries], code_offset) - 1
    return entries[index].wasm_offset if index >= 0 else None


def wasm_frames(return_addresses: Iterable[int],
                modules: Sequence[tuple[LoadedModule, Mapping[int, str | None]]]) -> list[WasmFrame]:
    """Map native return addresses (innermost first) to Wasm frames of any of ``modules`` (each with its display
    names by function index): a call chain may cross modules. A return address points after its call, so the
    instruction is looked up at ``pc - 1``."""
    frames: list[WasmFrame] = []
    details = details_enabled()
    for pc in return_addresses:
        for module, display_names in modules:
            if not module.region.address <= pc - 1 < module.region.address + module.region.size:
                continue
            placed = module.function_at(pc - 1)
            index = placed.function.wasm_index if placed is not None else None
            if placed is None or index is None:
                continue
            function = placed.function
            offset = wasm_offset_at(function, pc - 1 - placed.address)
            frames.append(WasmFrame(module.compiled.wasm_name or "<unknown>", index,
                                    display_names.get(index, function.name), offset,
                                    module.compiled.wasm_has_debug_info,
                                    # only the frames a report shows (a deep recursion has thousands)
                                    _symbols(module, offset) if details and len(frames) < MAX_FRAMES else ()))
            break
    return frames


def format_backtrace(frames: Sequence[WasmFrame], message: str | None, causes: Sequence[str] = ()) -> str:
    """wasmtime's rendering: the (innermost ``MAX_FRAMES``) frames under a heading, then ``Caused by:`` and the
    trap message, numbered after any ``causes`` that precede it. wasmtime's note on
    ``WASMTIME_BACKTRACE_DETAILS`` follows the frames when a frame's module has DWARF and the variable is not
    ``1`` (wasmtime-py's default configuration reads it; ``1`` puts file and line under each frame instead)."""
    lines = ["error while executing at wasm backtrace:"]
    shown = frames[:MAX_FRAMES]
    lines += [frame.render(i) for i, frame in enumerate(shown)]
    if any(frame.has_debug_info for frame in shown) and not details_enabled():
        lines.append(DETAILS_NOTE)
    if message is not None:
        chain = [*causes, message]
        lines += ["", "Caused by:"]
        lines += [f"    {n}: {text}" for n, text in enumerate(chain)] if len(chain) > 1 else [f"    {message}"]
    return "\n".join(lines) + "\n"
