"""The run-time frame table: what the exception runtime needs to turn native return addresses into Wasm frames in
an AOT program (``jitdebug_trap_report`` in ``emitter/runtime/jitdebug_eh.c``), without DWARF or our metadata.

Each module contributes one record to the read-only section ``jitdebug_frames``; the name is a C identifier, so
the linker brackets all records of a program with ``__start_jitdebug_frames``/``__stop_jitdebug_frames``.
Pointers are 32-bit offsets from the field that holds them (``rel32``: resolved at link time, no dynamic
relocation in a PIE). Little endian, records 8-byte aligned (zero padding between records is skipped)::

    record    u32 magic "JDFT"  u32 version (1)  u32 record size  u32 function count
              rel32 module name (C string; empty when the module has no name)
              rel32 <m>.fault_address (the faulting address, then a pointer to the record of the memory it missed,
              whose second word is the memory size)  rel32 <m>.vmctx  u32 flags (bit 0: the module has a
              ``.debug_info`` section: the report ends its frames with wasmtime's note on
              ``WASMTIME_BACKTRACE_DETAILS``; 0 in tables of earlier compilers, which the runtime reads alike)
              function*
    function  rel32 code start  u32 code size  u32 Wasm function index  rel32 display name (C string)
              u32 map count  rel32 map: (u32 code offset, u32 Wasm module offset) pairs, sorted by code offset

Names are wasmtime's: the ``name`` section's function name, else ``<wasm function N>``.
"""

from __future__ import annotations

import bisect
import struct
import sys
from array import array

from ..compiled import CompiledFunction, DataBlob, LineTable
from ..obj.model import Relocation, RelocKind
from ..wasm.module import Module
from ..wasm.names import display_name
from .runtime import StateSymbols

SECTION = "jitdebug_frames"
MAGIC = 0x5446444A  # "JDFT"
VERSION = 1
FLAG_DEBUG_INFO = 1
_HEADER = 32
_FUNCTION = 24


def frame_table(module: Module, sym: StateSymbols, functions: list[CompiledFunction]) -> list[DataBlob]:
    """The frame table record of a module (its Wasm functions, in ``functions`` order) and the blobs it points
    into: ``<m>.frame_table`` in ``jitdebug_frames``, ``<m>.frame_names`` and ``<m>.frame_maps``."""
    wasm = [f for f in functions if f.wasm_index is not None]
    names = bytearray()
    maps = bytearray()
    table = bytearray(_HEADER + _FUNCTION * len(wasm))
    relocations: list[Relocation] = []

    def rel32(at: int, symbol: str, offset: int = 0) -> None:
        relocations.append(Relocation(at, RelocKind.PC_RELATIVE, 4, symbol, offset))

    def name(text: str) -> int:
        at = len(names)
        names.extend(text.encode() + b"\0")
        return at

    struct.pack_into("<IIII", table, 0, MAGIC, VERSION, len(table), len(wasm))
    struct.pack_into("<I", table, 28, FLAG_DEBUG_INFO if module.custom_sections.get(".debug_info") else 0)
    rel32(16, sym.frame_names, name(module.module_name or ""))
    rel32(20, sym.fault_address)
    rel32(24, sym.vmctx)
    for k, function in enumerate(wasm):
        at = _HEADER + _FUNCTION * k
        index = function.wasm_index if function.wasm_index is not None else 0
        pairs = LineTable.of(function.lines).wasm_pairs()
        if function.trap_offsets:
            pairs = _with_trap_offsets(pairs, function.trap_offsets)
        if sys.byteorder == "big":
            pairs.byteswap()
        struct.pack_into("<xxxxIIxxxxI", table, at, len(function.code), index, len(pairs) // 2)
        rel32(at, function.name)
        rel32(at + 12, sym.frame_names, name(display_name(module, index, trap_report=True)))
        rel32(at + 20, sym.frame_maps, len(maps))
        maps += pairs
    return [
        DataBlob(sym.frame_table, len(table), bytes(table), writable=False, align=8,
                 relocations=tuple(relocations), section=SECTION),
        DataBlob(sym.frame_names, len(names), bytes(names), writable=False, align=1),
        DataBlob(sym.frame_maps, max(len(maps), 8), bytes(maps) or bytes(8), writable=False, align=4),
    ]


def _with_trap_offsets(pairs: array[int], overrides: tuple[tuple[int, int, int], ...]) -> array[int]:
    """The address map with each trap reported elsewhere covering its code range: ``(start, offset)`` and, at
    its end, the offset the rows name there again."""
    merged = dict(zip(pairs[0::2], pairs[1::2], strict=True))
    codes = sorted(merged)
    for start, end, reported in overrides:
        before = bisect.bisect_right(codes, end) - 1
        if end not in merged and before >= 0:
            merged[end] = merged[codes[before]]
        for code in [c for c in merged if start < c < end]:
            del merged[code]
        merged[start] = reported
        codes = sorted(merged)
    out = array("I")
    for code in codes:
        out.extend((code, merged[code]))
    return out
