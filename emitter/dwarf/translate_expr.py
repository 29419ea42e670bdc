"""Rewrite a wasm32 DWARF expression into an x86-64 one for code from our baseline compiler.

In the producer's expressions every address is an offset into linear memory and values live in Wasm locals,
globals and operand-stack entries (``DW_OP_WASM_location kind index``). Natively:

- a Wasm local or operand-stack entry is an 8-byte frame slot at ``rbp + offset`` (``DW_OP_breg6``), a defined
  global 8 bytes in the module's globals blob (``DW_OP_addr``, relocated);
- a linear-memory address becomes native by adding the memory base, read from the vmctx blob's first word
  (``DW_OP_addr vmctx; DW_OP_deref``, or ``DW_OP_fbreg 0`` inside a function, whose native frame base is that
  memory base): at every ``DW_OP_deref*`` and at the end of a memory location;
- ``DW_OP_fbreg k`` becomes the producer's frame base value (a linear address, e.g. a Wasm local holding
  clang's shadow-stack pointer) plus ``k``.

A C pointer is a 32-bit linear-memory offset, which no debugger can dereference; ``pointer_value`` turns the
location of a pointer-typed variable into the native pointer value (memory base + offset, null kept null) so
``print *p`` works in GDB and LLDB alike.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..codegen.runtime import TABLE_RECORD_BASE, VMCTX_TABLES
from ..encoding import ByteWriter, SymbolAddress, uleb128

DW_OP_addr = 0x03
DW_OP_deref = 0x06
DW_OP_constu = 0x10
DW_OP_consts = 0x11
DW_OP_dup = 0x12
DW_OP_plus = 0x22
DW_OP_plus_uconst = 0x23
DW_OP_shl = 0x24
DW_OP_lit3 = 0x33
DW_OP_bra = 0x28
DW_OP_skip = 0x2F
DW_OP_breg6 = 0x76
DW_OP_fbreg = 0x91
DW_OP_piece = 0x93
DW_OP_deref_size = 0x94
DW_OP_bit_piece = 0x9D
DW_OP_implicit_value = 0x9E
DW_OP_stack_value = 0x9F
DW_OP_WASM_location = 0xED

#: Operand shapes of the operations a wasm32 producer may write: "u1"/"s2"/... fixed, "u"/"s" LEB128, "b" a
#: uleb-sized block, "a" an address (4 bytes in wasm32). Operations without an entry take no operand.
_OPERANDS: dict[int, tuple[str, ...]] = {
    DW_OP_addr: ("u4",), 0x08: ("u1",), 0x09: ("s1",), 0x0A: ("u2",), 0x0B: ("s2",), 0x0C: ("u4",),
    0x0D: ("s4",), 0x0E: ("u8",), 0x0F: ("s8",), DW_OP_constu: ("u",), 0x11: ("s",), 0x15: ("u1",), 0x23: ("u",),
    DW_OP_bra: ("s2",), DW_OP_skip: ("s2",), 0x90: ("u",), 0x91: ("s",), 0x92: ("u", "s"), DW_OP_piece: ("u",),
    DW_OP_deref_size: ("u1",), 0x95: ("u1",), 0x98: ("u2",), 0x99: ("u4",), 0x9A: ("u4",),
    DW_OP_bit_piece: ("u", "u"), DW_OP_implicit_value: ("b",), 0xA0: ("u4", "s"), 0xA1: ("u",), 0xA2: ("u",),
    0xA3: ("b",), 0xA5: ("u", "u"), 0xA6: ("u1", "u"), 0xA8: ("u",), 0xA9: ("u",), 0xF3: ("b",),
    **{op: ("s",) for op in range(0x70, 0x90)},
}
#: Operations copied unchanged: constants, stack and arithmetic operations, ``DW_OP_nop``.
_PORTABLE = frozenset([*range(0x08, 0x28), *range(0x29, 0x2F), *range(0x30, 0x50), 0x96])


class Untranslatable(Exception):
    """The expression uses something with no native counterpart (registers of another machine, entry values,
    branches); the attribute is dropped and the debuggers show the variable as optimised out."""


@dataclass(frozen=True, slots=True)
class FrameContext:
    """Where the function's Wasm state lives natively."""

    #: Per Wasm local (params first): the rbp offset of its slot and its value's byte size.
    locals: tuple[tuple[int, int], ...]
    #: rbp offset of operand-stack value 0 (value j is 8*j below), None if unknown.
    operand_stack: int | None
    globals_symbol: str
    vmctx_symbol: str
    #: By Wasm global index: (offset in the globals' blob, value size), None for an imported global.
    globals: tuple[tuple[int, int] | None, ...] = ()


class _Op(NamedTuple):
    code: int
    args: tuple[int, ...]
    raw: bytes


@functools.lru_cache(maxsize=8192)
def _decode(expression: bytes) -> tuple[_Op, ...]:
    """The operations of ``expression``, decoded once per distinct expression (a module's variables share a few
    thousand: ``DW_OP_fbreg k``, a Wasm local and ``DW_OP_stack_value``); callers never change the result."""
    ops: list[_Op] = []
    at = 0
    while at < len(expression):
        start = at
        code = expression[at]
        at += 1
        args: list[int] = []
        if code == DW_OP_WASM_location:
            kind = expression[at]
            at += 1
            if kind == 3:
                args = [kind, int.from_bytes(expression[at:at + 4], "little")]
                at += 4
            else:
                index, at = _uleb(expression, at)
                args = [kind, index]
        else:
            for shape in _OPERANDS.get(code, ()):
                if shape in ("u", "s", "b"):
                    value, at = (_sleb if shape == "s" else _uleb)(expression, at)
                    args.append(value)
                    if shape == "b":
                        at += value
                else:
                    size = int(shape[1:])
                    args.append(int.from_bytes(expression[at:at + size], "little", signed=shape[0] == "s"))
                    at += size
        if at > len(expression):
            raise Untranslatable(f"truncated operation {code:#x}")
        ops.append(_Op(code, tuple(args), expression[start:at]))
    return tuple(ops)


def _uleb(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data):
            raise Untranslatable("truncated LEB128")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def _sleb(data: bytes, at: int) -> tuple[int, int]:
    value, end = _uleb(data, at)
    bits = 7 * (end - at)
    return (value - (1 << bits) if value >> (bits - 1) & 1 else value), end


class ExpressionTranslator:
    """Translates the expressions of one function (``frame``), or of the unit's globals (``frame`` None).

    Within a function the native ``DW_AT_frame_base`` is the memory base itself, so variables reach linear
    memory through ``DW_OP_fbreg 0`` rather than ``DW_OP_addr``: LLDB files a local whose location names a
    ``DW_OP_addr`` among the statics and leaves it out of ``frame variable``."""

    def __init__(self, frame: FrameContext | None, vmctx_symbol: str, globals_symbol: str,
                 wasm_frame_base: bytes | None = None,
                 global_layout: tuple[tuple[int, int] | None, ...] = ()) -> None:
        self.frame = frame
        self.vmctx = vmctx_symbol
        self.globals = globals_symbol
        self.global_layout = frame.globals if frame is not None else global_layout
        #: Translations made, by (expression, what it locates: 0 a variable, 1 a pointer's value, 2 a function
        #: pointer's): a function's variables and their location-list entries repeat a few expressions (a Wasm
        #: local, ``DW_OP_fbreg k``). Callers only read what they get.
        self._translated: dict[tuple[bytes, int], ByteWriter] = {}
        self._indexed_address: Callable[[int], int] | None = None
        #: The producer's frame base, as native ops pushing its (linear) value; None when it has none.
        self.wasm_frame_base: ByteWriter | None = None
        if wasm_frame_base is not None:
            ops = list(_decode(wasm_frame_base))
            if ops and ops[-1].code == DW_OP_stack_value:
                ops = ops[:-1]
            if len(ops) != 1 or ops[0].code != DW_OP_WASM_location:
                raise Untranslatable("frame base is not a Wasm local or global")
            value = ByteWriter()
            self._values(value, ops)
            self.wasm_frame_base = value

    @property
    def indexed_address(self) -> Callable[[int], int] | None:
        """DWARF 5: the address at an index of the unit's ``.debug_addr`` table (``DW_OP_addrx``/``constx``)."""
        return self._indexed_address

    @indexed_address.setter
    def indexed_address(self, lookup: Callable[[int], int] | None) -> None:
        if lookup is not self._indexed_address:
            self._translated.clear()  # another unit's table: what was translated through the old one is not
        self._indexed_address = lookup

    # -- pieces of output ---------------------------------------------------------------------------------------
    def memory_base(self, out: ByteWriter) -> None:
        """Push the native address of linear memory's byte 0."""
        if self.frame is not None:
            out.u8(DW_OP_fbreg)
            out.sleb(0)
            return
        out.u8(DW_OP_addr)
        out.address(SymbolAddress(self.vmctx), 8)
        out.u8(DW_OP_deref)

    def _to_native(self, out: ByteWriter) -> None:
        self.memory_base(out)
        out.u8(DW_OP_plus)

    def _wasm_slot(self, out: ByteWriter, kind: int, index: int) -> int:
        """Push the native address of a Wasm local, global or operand-stack value; returns its value size."""
        if kind in (1, 3):
            placed = self.global_layout[index] if index < len(self.global_layout) else None
            if placed is None:
                raise Untranslatable(f"Wasm global {index} is imported or unknown")
            out.u8(DW_OP_addr)
            out.address(SymbolAddress(self.globals, placed[0]), 8)
            return placed[1]
        frame = self.frame
        if frame is None:
            raise Untranslatable("a Wasm local outside a function")
        if kind == 0 and index < len(frame.locals):
            offset, size = frame.locals[index]
        elif kind == 2 and frame.operand_stack is not None:
            offset, size = frame.operand_stack - 8 * index, 8
        else:
            raise Untranslatable(f"no native slot for Wasm location {kind}:{index}")
        out.u8(DW_OP_breg6)
        out.sleb(offset)
        return size

    def _values(self, out: ByteWriter, ops: Sequence[_Op]) -> None:
        """Ops computing values on the DWARF stack; addresses pushed stay linear."""
        for op in ops:
            match op.code:
                case 0xED:
                    size = self._wasm_slot(out, op.args[0], op.args[1])
                    if size > 8:  # a v128 does not fit the DWARF stack's 8-byte values
                        raise Untranslatable("a Wasm value wider than 8 bytes on the DWARF stack")
                    out.u8(DW_OP_deref_size)
                    out.u8(size)
                case 0x03:
                    out.u8(DW_OP_constu)
                    out.uleb(op.args[0])
                case 0xA1 | 0xA2:  # DW_OP_addrx, DW_OP_constx: a (linear) address from .debug_addr
                    if self.indexed_address is None:
                        raise Untranslatable("an indexed address without the unit's address table")
                    out.u8(DW_OP_constu)
                    out.uleb(self.indexed_address(op.args[0]))
                case 0x91:
                    if self.wasm_frame_base is None:
                        raise Untranslatable("DW_OP_fbreg without a frame base")
                    embed(out, self.wasm_frame_base)
                    out.u8(DW_OP_consts)
                    out.sleb(op.args[0])
                    out.u8(DW_OP_plus)
                case 0x06:
                    self._to_native(out)
                    out.u8(DW_OP_deref_size)
                    out.u8(4)
                case 0x94:
                    self._to_native(out)
                    out.bytes(op.raw)
                case code if code in _PORTABLE:
                    out.bytes(op.raw)
                case code:
                    raise Untranslatable(f"operation {code:#x}")

    def _piece(self, out: ByteWriter, ops: Sequence[_Op]) -> str:
        """One simple location; returns its kind: "empty", "value", "memory" (translated to a native address)
        or "implicit"."""
        if not ops:
            return "empty"
        last = ops[-1]
        if last.code == DW_OP_stack_value:
            self._values(out, ops[:-1])
            out.u8(DW_OP_stack_value)
            return "value"
        if last.code == DW_OP_implicit_value and len(ops) == 1:
            out.bytes(last.raw)
            return "implicit"
        # Everything else, a lone ``DW_OP_WASM_location`` included, computes a linear-memory address. A Wasm
        # location op pushes its local's *value* (clang marks a variable held in a local with
        # ``DW_OP_stack_value``); without one, the local holds the variable's address, as for an aggregate the
        # Wasm C ABI passes by value through a pointer to a caller's copy.
        self._values(out, ops)
        self._to_native(out)
        return "memory"

    # -- entry points -------------------------------------------------------------------------------------------
    def location(self, expression: bytes) -> ByteWriter:
        """A variable's location (possibly in pieces)."""
        out = self._translated.get((expression, 0))
        if out is None:
            out = self._translated[(expression, 0)] = self._location(expression)
        return out

    def _location(self, expression: bytes) -> ByteWriter:
        out = ByteWriter()
        piece: list[_Op] = []
        for op in _decode(expression):
            if op.code in (DW_OP_piece, DW_OP_bit_piece):
                self._piece(out, piece)
                out.bytes(op.raw)
                piece = []
            else:
                piece.append(op)
        if piece:
            self._piece(out, piece)
        return out

    def frame_base(self) -> ByteWriter:
        """``DW_AT_frame_base``: the memory base, as a memory location's address (GDB rejects a frame base
        computed with ``DW_OP_stack_value``)."""
        out = ByteWriter()
        out.u8(DW_OP_addr)
        out.address(SymbolAddress(self.vmctx), 8)
        out.u8(DW_OP_deref)
        return out

    def _to_function(self, out: ByteWriter) -> None:
        """Table index on the stack -> the code address of the function its entry names: ``[[[[vmctx +
        VMCTX_TABLES] + TABLE_RECORD_BASE] + 8 * index]]`` (the table record's 8-byte funcrefs, each a pointer
        to a descriptor whose first word is the code pointer; ``emitter/codegen/runtime.py``). A null entry
        makes the debugger report unreadable memory at 0, never a made-up address."""
        out.u8(DW_OP_lit3)
        out.u8(DW_OP_shl)
        out.u8(DW_OP_addr)
        out.address(SymbolAddress(self.vmctx), 8)
        out.u8(DW_OP_plus_uconst)
        out.bytes(uleb128(VMCTX_TABLES))
        out.u8(DW_OP_deref)  # table 0's record
        if TABLE_RECORD_BASE:
            out.u8(DW_OP_plus_uconst)
            out.bytes(uleb128(TABLE_RECORD_BASE))
        out.u8(DW_OP_deref)  # the entries' base
        out.u8(DW_OP_plus)
        out.u8(DW_OP_deref)  # the funcref: a descriptor
        out.u8(DW_OP_deref)  # its code pointer

    def pointer_value(self, expression: bytes, *, function: bool = False) -> ByteWriter:
        """The native value of a pointer variable located by ``expression``: memory base + the 32-bit offset,
        or 0 for a null pointer. A ``function`` pointer's value is an index into table 0 instead: its native
        value is the code address of the function that table entry names (``_to_function``), null kept null."""
        key = (expression, 2 if function else 1)
        out = self._translated.get(key)
        if out is None:
            out = self._translated[key] = self._pointer_value(expression, function)
        return out

    def _pointer_value(self, expression: bytes, function: bool) -> ByteWriter:
        ops = _decode(expression)
        if any(op.code in (DW_OP_piece, DW_OP_bit_piece) for op in ops):
            raise Untranslatable("pointer in pieces")
        out = ByteWriter()
        kind = self._piece(out, ops)
        if kind == "value":
            out.data.pop()  # the DW_OP_stack_value, re-added below
        elif kind == "memory":
            out.u8(DW_OP_deref_size)
            out.u8(4)
        else:
            raise Untranslatable(f"pointer with a {kind} location")
        add = ByteWriter()
        if function:
            self._to_function(add)
        else:
            self._to_native(add)
        out.u8(DW_OP_dup)
        out.u8(DW_OP_bra)
        out.s(3, 2)  # over the skip: non-zero offsets are rebased
        out.u8(DW_OP_skip)
        out.s(len(add.data), 2)
        embed(out, add)
        out.u8(DW_OP_stack_value)
        return out


def embed(out: ByteWriter, part: ByteWriter) -> None:
    """Append ``part`` (bytes and relocations) to ``out``."""
    base = len(out.data)
    out.data += part.data
    if part.relocations:
        out.relocations.extend(reloc._replace(offset=base + reloc.offset) for reloc in part.relocations)


def encoded_length(part: ByteWriter) -> bytes:
    """The uleb length prefix of an ``exprloc``."""
    return uleb128(len(part.data))
