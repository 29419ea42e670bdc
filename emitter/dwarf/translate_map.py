"""Wasm code addresses (offsets from the code section's payload, as wasm32 DWARF writes them) -> native code.

Each compiled function's line entries say which Wasm instruction every native byte implements, so a Wasm
address range maps to the (possibly several) native ranges whose instructions come from it.

The pieces of every function are made once, in C (``_translate.function_pieces``), packed, and the line-table
translation and the range mapping read them as they are (``_translate.line_sequences``, ``range_map``); the
Python tuples (``MappedFunction.pieces``, ``segments``) are made only when asked for, by the models these C
loops are checked against.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Sequence

from ..compiled import CompiledFunction, LineTable, WasmDwarf, WasmFunctionExtent
from ..encoding import ByteWriter
from ..obj.model import Relocation
from . import _translate
from .info import PlacedFunction

#: The Wasm address of a piece of compiler-made code in the packed pieces (a Python None in ``pieces``).
NO_WASM = -(1 << 63)


class MappedFunction:
    __slots__ = ("function", "native_start", "start", "end", "extent", "_packed", "_first", "_count",
                 "_pieces", "_segments", "_after_calls")

    def __init__(self, function: CompiledFunction, native_start: int, start: int, end: int,
                 extent: WasmFunctionExtent, packed: memoryview, first: int, count: int,
                 after_calls: bytes = b"") -> None:
        self.function = function
        #: Offset of the function in the text section.
        self.native_start = native_start
        #: The Wasm extent, code-section relative: [start, end).
        self.start = start
        self.end = end
        self.extent = extent
        self._packed = packed
        self._first = first
        self._count = count
        self._pieces: tuple[tuple[int, int, int | None], ...] | None = None
        self._segments: tuple[tuple[int, tuple[int, ...]], ...] | None = None
        self._after_calls = after_calls

    @property
    def pieces(self) -> tuple[tuple[int, int, int | None], ...]:
        """Native pieces [begin, end) (function-relative) and the code-relative Wasm address each implements
        (None: compiler-made code, attributed to the function's start)."""
        if self._pieces is None:
            values = self._packed[3 * self._first:3 * (self._first + self._count)]
            self._pieces = tuple((values[k], values[k + 1], None if values[k + 2] == NO_WASM else values[k + 2])
                                 for k in range(0, len(values), 3))
        return self._pieces

    @property
    def after_calls(self) -> tuple[bool, ...]:
        """Per piece: whether it starts at a call's return address (``LineEntry.after_call``)."""
        flags = self._after_calls[self._first:self._first + self._count]
        return tuple(map(bool, flags)) if flags else (False,) * self._count

    @property
    def segments(self) -> tuple[tuple[int, tuple[int, ...]], ...]:
        """The pieces cut where the Wasm address they implement (None counting as ``start``) decreases, in native
        order: each run's first piece index and its addresses, non-decreasing, so the pieces of a run
        implementing a Wasm range are one slice of it (found by bisection) and natively contiguous. The body is
        emitted in Wasm order and out-of-line code after it in Wasm order too: a function has a handful of runs,
        whatever its size."""
        if self._segments is None:
            self._segments = _segments(self.start, self.pieces)
        return self._segments


class AddressMap:
    def __init__(self, placed: Sequence[PlacedFunction], dwarf: WasmDwarf) -> None:
        self.text = placed[0].start.symbol if placed else ".text"
        base = dwarf.code_section_offset
        kept = []
        for item in placed:
            function = item.function
            extent = dwarf.functions.get(function.wasm_index) if function.wasm_index is not None else None
            if extent is not None:
                kept.append((item, extent))
        tables = [LineTable.of(item.function.lines).packed for item, _ in kept]
        packed, firsts, after_calls = _translate.function_pieces(tables, [len(item.function.code) for item, _ in kept],
                                                                 base)
        pieces = memoryview(packed).cast("q")
        first = memoryview(firsts).cast("q")
        mapped = [MappedFunction(item.function, item.start.addend, extent.start - base, extent.end - base, extent,
                                 pieces, first[k], first[k + 1] - first[k], after_calls)
                  for k, (item, extent) in enumerate(kept)]
        mapped.sort(key=lambda m: m.start)
        self.functions = mapped
        self._starts = [m.start for m in mapped]
        #: Per function in ``functions`` order: start, end, native start, code size, first piece, piece count
        #: (int64), with ``pieces`` the packed pieces and ``after_calls`` a byte per piece (1: it starts at a
        #: call's return address): what ``_translate.line_sequences`` reads.
        self.packed_functions = array("q", [value for m in mapped for value in (
            m.start, m.end, m.native_start, len(m.function.code), m._first, m._count)]).tobytes()
        self.packed_pieces = packed
        self.packed_after_calls = after_calls
        self._range_map = _translate.range_map(self.packed_functions, packed)

    def function_at(self, address: int) -> MappedFunction | None:
        k = bisect.bisect_right(self._starts, address) - 1
        if k >= 0 and address < self.functions[k].end:
            return self.functions[k]
        return None

    def ranges(self, low: int, high: int) -> list[tuple[int, int]]:
        """Native text ranges [start, end) implementing the Wasm range [low, high), sorted and merged.

        Per function, two bisections per run of natively adjacent pieces whose Wasm addresses do not decrease
        (``MappedFunction.segments``; in C, ``_translate.range_map``): the work does not grow with the size of
        the range or the function (a location list entry over most of a 100,000-piece function costs what one
        over a single instruction does)."""
        return self._range_map.ranges(low, high)


    def native_range_list(self, data: bytes, at: int, base: int) -> list[tuple[int, int]] | None:
        """The native ranges of the DWARF 4 range list at ``at`` (``ranges`` of each entry, sorted), in C
        (``_translate.RangeMap.native_range_list``); None where it leaves the list to the Python
        (``translate._Translator._native_ranges_model``)."""
        return self._range_map.native_range_list(data, at, base)

    def location_list(self, data: bytes, at: int, version: int, addresses: bytes | None, addr_base: int,
                      base: int, translate: Callable[[bytes], ByteWriter], out: bytearray,
                      relocations: list[Relocation], context: tuple[object, ...]) -> int:
        """Translate the producer location list at ``at`` into ``out`` (``.debug_loc``) and ``relocations``, in
        C (``_translate.RangeMap.location_list``; ``translate.location_list_model`` is its Python): how many
        entries were written."""
        return self._range_map.location_list(data, at, version, addresses, addr_base, base, translate, out,
                                             relocations, context)


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
