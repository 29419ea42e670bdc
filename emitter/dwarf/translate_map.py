"""Wasm code addresses (offsets from the code section's payload, as wasm32 DWARF writes them) -> native code.

Each compiled function's line entries say which Wasm instruction every native byte implements, so a Wasm
address range maps to the (possibly several) native ranges whose instructions come from it.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from ..compiled import NO_WASM_OFFSET, CompiledFunction, LineTable, WasmDwarf, WasmFunctionExtent
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
    #: The pieces cut where the Wasm address they implement (None counting as ``start``) decreases, in native
    #: order: ``segments`` holds each run's first piece index and its addresses, non-decreasing, so the pieces
    #: of a run implementing a Wasm range are one slice of it (found by bisection) and natively contiguous.
    #: The body is emitted in Wasm order and out-of-line code after it in Wasm order too: a function has a
    #: handful of runs, whatever its size.
    segments: tuple[tuple[int, tuple[int, ...]], ...]

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
            table = LineTable.of(function.lines)
            codes = list(table.code_offsets) + [len(function.code)]
            pieces = [(begin, end, None if wasm == NO_WASM_OFFSET else wasm - base)
                      for begin, end, wasm in zip(codes, codes[1:], table.wasm_offsets, strict=False)
                      if end > begin]
            start = extent.start - base
            mapped.append(MappedFunction(function, item.start.addend, start, extent.end - base, extent,
                                         tuple(pieces), _segments(start, pieces)))
        mapped.sort(key=lambda m: m.start)
        self.functions = mapped
        self._starts = [m.start for m in mapped]

    def function_at(self, address: int) -> MappedFunction | None:
        k = bisect.bisect_right(self._starts, address) - 1
        if k >= 0 and address < self.functions[k].end:
            return self.functions[k]
        return None

    def ranges(self, low: int, high: int) -> list[tuple[int, int]]:
        """Native text ranges [start, end) implementing the Wasm range [low, high), sorted and merged.

        Per function, two bisections per run of non-decreasing Wasm addresses: the work does not grow with
        the size of the range or the function (a location list entry over most of a 100,000-piece function
        costs what one over a single instruction does)."""
        out: list[tuple[int, int]] = []
        k = max(bisect.bisect_right(self._starts, low) - 1, 0)
        functions = self.functions
        for index in range(k, len(functions)):
            mapped = functions[index]
            if mapped.start >= high:
                break
            if mapped.end <= low:
                continue
            base = mapped.native_start
            if low <= mapped.start and mapped.end <= high:
                out.append((base, base + len(mapped.function.code)))
                continue
            pieces = mapped.pieces
            for first, keys in mapped.segments:
                at = bisect.bisect_left(keys, low)
                stop = bisect.bisect_left(keys, high, at)
                if at < stop:
                    out.append((base + pieces[first + at][0], base + pieces[first + stop - 1][1]))
        if len(out) > 1:
            out.sort()
        merged: list[tuple[int, int]] = []
        for begin, end in out:
            if merged and begin <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((begin, end))
        return merged


def _segments(start: int, pieces: Sequence[tuple[int, int, int | None]]) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """The runs of natively adjacent ``pieces`` (native order) whose Wasm addresses do not decrease: (first
    index, addresses)."""
    out: list[tuple[int, tuple[int, ...]]] = []
    keys: list[int] = []
    first = 0
    previous_end = 0
    for index, (begin, end, wasm) in enumerate(pieces):
        key = start if wasm is None else wasm
        if keys and (key < keys[-1] or begin != previous_end):
            out.append((first, tuple(keys)))
            keys, first = [], index
        keys.append(key)
        previous_end = end
    if keys:
        out.append((first, tuple(keys)))
    return tuple(out)
