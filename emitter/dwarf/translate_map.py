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
    #: The pieces sorted by the Wasm address they implement (None counting as ``start``): ``keys`` those
    #: addresses, ``spans`` their native [begin, end), ``run_ends[k]`` the index past the run of pieces from
    #: ``k`` on that follow each other natively too (the body is emitted in Wasm order, so runs are long).
    keys: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]
    run_ends: tuple[int, ...]


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
            ordered = sorted((start if wasm is None else wasm, begin, end) for begin, end, wasm in pieces)
            mapped.append(MappedFunction(function, item.start.addend, start, extent.end - base, extent,
                                         tuple(pieces), tuple(key for key, _, _ in ordered),
                                         tuple((begin, end) for _, begin, end in ordered), _run_ends(ordered)))
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

        The work is proportional to the native runs written, not to the function's size: a function with N
        lexical blocks asks N times (quadratic when every call scanned the function's pieces)."""
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
            at = bisect.bisect_left(mapped.keys, low)
            stop = bisect.bisect_left(mapped.keys, high, at)
            while at < stop:
                last = min(mapped.run_ends[at], stop) - 1
                out.append((base + mapped.spans[at][0], base + mapped.spans[last][1]))
                at = last + 1
        out.sort()
        merged: list[tuple[int, int]] = []
        for begin, end in out:
            if merged and begin <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((begin, end))
        return merged


def _run_ends(ordered: Sequence[tuple[int, int, int]]) -> tuple[int, ...]:
    """For each piece (in Wasm order), the index past the run of pieces from it on that are natively adjacent."""
    ends = [0] * len(ordered)
    end = len(ordered)
    for k in range(len(ordered) - 1, -1, -1):
        if k + 1 < len(ordered) and ordered[k + 1][1] != ordered[k][2]:
            end = k + 1
        ends[k] = end
    return tuple(ends)
