"""Wasm exceptions seen from the debugger: read the exception being thrown or caught, and predict the landing pad
that will catch it, the way the personality routine will choose it.

The runtime (``emitter/runtime/jitdebug_eh.h``) throws every Wasm exception through ``jitdebug_throw(tag, values,
count)`` or ``jitdebug_throw_ref(exception)`` (System V arguments: rdi, rsi, rdx), and a landing pad receives the
exception in rax. An exception is an ``_Unwind_Exception`` of class ``JDBGWASM`` followed by the tag pointer, the
payload count and the payload words, last Wasm value first.

The personality searches the frames from the throw outwards; in each Wasm frame, the call site covering the call
(return address - 1) lists its handlers' filters, innermost first; a filter names a tag descriptor (matched by
address) or is a catch-all (matching foreign exceptions too). The first match's landing pad runs, with the stack
pointer the frame had at the call: the debugger's stack pointer of that frame.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

from .adapter import DebuggerAdapter, InferiorReadError, NativeFrame
from .modules import CodeIndex, WasmLocation

THROW = "jitdebug_throw"
THROW_REF = "jitdebug_throw_ref"
THROW_ROUTINES = (THROW, THROW_REF)
EXCEPTION_CLASS = 0x4A4442475741534D  # "JDBGWASM"
#: ``struct jitdebug_exception``: tag, count and payload after the 32-byte ``_Unwind_Exception``.
TAG_OFFSET = 32
VALUES_OFFSET = 48
#: ``struct jitdebug_tag``: parameter count and tag index.
_TAG = struct.Struct("<II")
#: DWARF column of the return address (x86-64).
RETURN_ADDRESS_COLUMN = 16
#: More payload words than this mean the object is not what we think it is.
MAX_PAYLOAD = 1024


def payload_value(value_type: str, word: int) -> str:
    """One payload value as ``i32 -7`` / ``f64 2.5``: integers signed, floats in Python's shortest round-trip
    form (f32 too: the fewest digits that give back the same single); other types as the raw word."""
    match value_type:
        case "i32" | "i64":
            bits = 32 if value_type == "i32" else 64
            value = word & ((1 << bits) - 1)
            return f"{value_type} {value - (1 << bits) if value >> (bits - 1) else value}"
        case "f64":
            return f"f64 {struct.unpack('<d', struct.pack('<Q', word))[0]!r}"
        case "f32":
            raw = struct.pack("<I", word & 0xFFFFFFFF)
            value = struct.unpack("<f", raw)[0]
            if not math.isfinite(value):
                return f"f32 {value!r}"
            text = next(t for digits in range(1, 10) for t in [f"{value:.{digits}g}"]
                        if struct.pack("<f", float(t)) == raw)
            return f"f32 {float(text)!r}"
    return f"{value_type} {word:#x}"


@dataclass(frozen=True, slots=True)
class WasmException:
    """A Wasm exception (``tag`` set) or a foreign one (``tag`` None, e.g. a C++ exception a ``catch_all_ref``
    holds). ``payload`` is in Wasm order, one 64-bit word per value (i32 and f32 in the low half); ``types`` the
    tag's parameter types from the module's metadata (empty when unknown: the words print raw)."""

    tag: int | None
    tag_index: int | None
    tag_name: str | None
    payload: tuple[int, ...]
    types: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.tag is None:
            return "a foreign (non-Wasm) exception"
        name = self.tag_name or f"{self.tag:#x}"
        index = f" (index {self.tag_index})" if self.tag_index is not None else ""
        if len(self.types) == len(self.payload):
            values = ", ".join(payload_value(t, w) for t, w in zip(self.types, self.payload, strict=True))
        else:
            values = ", ".join(f"{w:#x}" for w in self.payload)
        return f"tag {name}{index}, payload [{values}]"


@dataclass(frozen=True, slots=True)
class Handler:
    """The landing pad that will catch an exception: in the Wasm frame ``frame`` (numbered as at the throw), at
    the call ``location``, entered with the stack pointer ``sp``."""

    frame: NativeFrame
    location: WasmLocation
    landing_pad: int

    @property
    def sp(self) -> int:
        return self.frame.sp


def _word(adapter: DebuggerAdapter, address: int) -> int:
    return int.from_bytes(adapter.read_memory(address, 8), "little")


def _exception(adapter: DebuggerAdapter, tag: int, index: CodeIndex, payload: tuple[int, ...]) -> WasmException:
    """The exception of tag descriptor ``tag``: its index (from the descriptor), the symbol naming it in our
    modules and, from that module's tag table, the payload's types."""
    found = next(((m, n) for m in index.modules for n, a in m.tags.items() if a == tag), None)
    name = found[1] if found is not None else None
    types = next((t.params for t in found[0].meta.tags if t.symbol == name), ()) if found is not None else ()
    try:
        _count, tag_index = _TAG.unpack(adapter.read_memory(tag, _TAG.size))
    except InferiorReadError:
        return WasmException(tag, None, name, payload, types)
    return WasmException(tag, tag_index, name, payload, types)


def _payload(adapter: DebuggerAdapter, values: int, count: int) -> tuple[int, ...]:
    if count > MAX_PAYLOAD:
        raise InferiorReadError(f"implausible payload count {count}")
    raw = adapter.read_memory(values, 8 * count) if count else b""
    words = struct.unpack(f"<{count}Q", raw)
    return tuple(reversed(words))


def thrown(adapter: DebuggerAdapter, routine: str, index: CodeIndex) -> WasmException:
    """The exception being thrown, at the first instruction of ``routine`` (one of ``THROW_ROUTINES``)."""
    if routine == THROW:
        return _exception(adapter, adapter.read_register("rdi"), index,
                          _payload(adapter, adapter.read_register("rsi"), adapter.read_register("rdx")))
    return exception_object(adapter, adapter.read_register("rdi"), index)


def exception_object(adapter: DebuggerAdapter, address: int, index: CodeIndex) -> WasmException:
    """The exception whose ``_Unwind_Exception`` is at ``address`` (rax at a landing pad)."""
    if _word(adapter, address) != EXCEPTION_CLASS:
        return WasmException(None, None, None, ())
    tag = _word(adapter, address + TAG_OFFSET)
    return _exception(adapter, tag, index,
                      _payload(adapter, address + VALUES_OFFSET, _word(adapter, address + TAG_OFFSET + 8)))


def frames_at_throw(adapter: DebuggerAdapter, index: CodeIndex) -> list[NativeFrame]:
    """The stack at the first instruction of a throw routine: the Wasm frames above it unwound with the
    metadata's rows (exact there: the return address is on top of the stack), then the debugger's own frames
    further out. Not the debugger's frames throughout: LLDB misplaces a function split by the compiler into hot
    and cold parts (an optimised runtime's ``jitdebug_throw``) and loses its caller."""
    pc, sp = adapter.read_register("pc"), adapter.read_register("sp")
    frames = [NativeFrame(0, pc, sp, True)]
    registers = {6: adapter.read_register("rbp"), 7: sp + 8}
    return_address = _word(adapter, sp)
    while (location := index.locate(return_address - 1)) is not None:
        frames.append(NativeFrame(len(frames), return_address, registers[7], False))
        rows = location.function.meta.unwind_rows
        offset = return_address - 1 - location.function.address
        row = next((r for r in reversed(rows) if r.start <= offset), None)
        if row is None or row.cfa_register not in registers:
            return frames
        cfa = registers[row.cfa_register] + row.cfa_offset
        for register, distance in row.saved:
            if register == RETURN_ADDRESS_COLUMN:
                return_address = _word(adapter, cfa - distance)
            elif register in registers:
                registers[register] = _word(adapter, cfa - distance)
        registers[7] = cfa
    outer = [f for f in adapter.frames() if f.sp >= registers[7] and index.locate(f.pc - 1) is None]
    return frames + [NativeFrame(len(frames) + i, f.pc, f.sp, f.exact) for i, f in enumerate(outer)]


def find_handler(index: CodeIndex, exception: WasmException, frames: list[NativeFrame]) -> Handler | None:
    """The first Wasm frame, from the innermost outwards, whose call site has a handler matching ``exception``.
    Native frames in between are passed over (a C++ frame there could catch it first: then no Wasm pad runs)."""
    for frame in frames:
        if frame.exact:
            continue  # the throw routine itself, or a frame interrupted by a signal: not at a call
        location = index.locate(frame.pc - 1)
        if location is None:
            continue
        offset = frame.pc - 1 - location.function.address
        meta = location.function.meta
        site = next((s for s in meta.call_sites if s.start <= offset < s.end), None)
        if site is None or site.landing_pad is None:
            continue
        for type_filter in site.filters:
            if not 0 < type_filter <= len(meta.catch_types):
                continue
            symbol = meta.catch_types[type_filter - 1]
            if symbol is None or (exception.tag is not None and location.module.tags.get(symbol) == exception.tag):
                return Handler(frame, location, location.function.address + site.landing_pad)
    return None
