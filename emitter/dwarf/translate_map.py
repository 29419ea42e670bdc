"""Wasm code addresses (offsets from the code section's payload, as wasm32 DWARF writes them) -> native code.

Each compiled function's line entries say which Wasm instruction every native byte implements, so a Wasm
address range maps to the (possibly several) native ranges whose instructions come from it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from ..compiled import CompiledFunction, WasmDwarf, WasmFunctionExtent
from .info import PlacedFunction


@dataclass(frozen=True, slots=True)
class MappedFunction:
    function: CompiledFunction
    #: Offset of the function in the text section.
    native_start: int
    #: The Wasm extent, code-section relative: [start, end).
    start: int
    end: int
    extent: WasmFunctionExtent
    #: Native pieces [begin, end) (function-relative) and the code-relative Wasm address each implements
    #: (None: compiler-made code, attributed to the function's start).
    pieces: tuple[tuple[int, int, int | None], ...]


class AddressMap:
    def __init__(self, placed: Sequence[PlacedFunction], dwarf: WasmDwarf) -> None:
        self.text = placed[0].start.symbol if placed else ".text"
        base = dwarf.code_section_offset
        mapped = []
        for item in placed:
            function = item.function
            extent = dwarf.functions.get(function.wasm_index) if function.wasm_index is not None else None
            if extent is None:
                continue
            lines = function.lines
            pieces = []
            for k, entry in enumerate(lines):
                end = lines[k + 1].code_offset if k + 1 < len(lines) else len(function.code)
                if end > entry.code_offset:
                    wasm = entry.wasm_offset - base if entry.wasm_offset is not None else None
                    pieces.append((entry.code_offset, end, wasm))
            mapped.append(MappedFunction(function, item.start.addend, extent.start - base, extent.end - base,
                                         extent, tuple(pieces)))
        mapped.sort(key=lambda m: m.start)
        self.functions = mapped
        self._starts = [m.start for m in mapped]

    def function_at(self, address: int) -> MappedFunction | None:
        k = bisect.bisect_right(self._starts, address) - 1
        if k >= 0 and address < self.functions[k].end:
            return self.functions[k]
        return None

    def ranges(self, low: int, high: int) -> list[tuple[int, int]]:
        """Native text ranges [start, end) implementing the Wasm range [low, high), sorted and merged."""
        out: list[tuple[int, int]] = []
        k = max(bisect.bisect_right(self._starts, low) - 1, 0)
        for mapped in self.functions[k:]:
            if mapped.start >= high:
                break
            if mapped.end <= low:
                continue
            base = mapped.native_start
            if low <= mapped.start and mapped.end <= high:
                out.append((base, base + len(mapped.function.code)))
                continue
            for begin, end, wasm in mapped.pieces:
                at = mapped.start if wasm is None else wasm
                if low <= at < high:
                    out.append((base + begin, base + end))
        out.sort()
        merged: list[tuple[int, int]] = []
        for begin, end in out:
            if merged and begin <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((begin, end))
        return merged
