"""A small x86-64 encoder of our own: the instructions the baseline compiler emits, nothing more.

Why our own rather than iced-x86: the unwind program records the code offset after every prologue and epilogue
instruction, so the compiler must know each instruction's exact length as it emits it; with our own encoder the
length is simply the growth of one ``bytearray``, with no per-instruction FFI call or builder object. We pick one
fixed encoding per form (the one GNU ``as`` picks for the same Intel-syntax text, so ``as`` is a byte-exact oracle
in the tests, and capstone a second, independent one). Branches to labels are always ``rel32`` so that code size
never depends on a later label position (single pass, no relaxation).

Operands: general registers are the hardware numbers 0-15 (``RAX`` ... ``R15``), XMM registers ``0``-``15`` (the
instruction says which file an operand belongs to), memory operands are ``Mem`` (base + index*scale + disp) or
``RipRel`` (a symbol + addend, emitted as a ``PC_RELATIVE`` size-4 relocation). Calls to symbols emit ``CALL``
size-4 relocations. Relocation offsets are relative to the start of the assembler's buffer.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..obj.model import Relocation, RelocKind

RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 = range(16)

GPR_NAMES = ("rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
             "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15")

#: Condition codes (the low nibble of ``Jcc``/``SETcc``/``CMOVcc``).
CC = {"o": 0, "no": 1, "b": 2, "ae": 3, "e": 4, "ne": 5, "be": 6, "a": 7,
      "s": 8, "ns": 9, "p": 10, "np": 11, "l": 12, "ge": 13, "le": 14, "g": 15}

#: ALU group: the /digit of the ``0x81``/``0x83`` forms; the ``r/m, r`` opcode is ``digit * 8 + 1``.
ALU = {"add": 0, "or": 1, "adc": 2, "sbb": 3, "and": 4, "sub": 5, "xor": 6, "cmp": 7}
#: Shift group /digit of ``0xC1``/``0xD1``/``0xD3``.
SHIFT = {"rol": 0, "ror": 1, "shl": 4, "shr": 5, "sar": 7}
#: ``0xF7`` group /digit.
UNARY = {"not": 2, "neg": 3, "mul": 4, "imul": 5, "div": 6, "idiv": 7}

#: SSE scalar arithmetic: name -> (mandatory prefix, opcode after 0x0F).
SSE = {
    "addss": (0xF3, 0x58), "mulss": (0xF3, 0x59), "subss": (0xF3, 0x5C), "minss": (0xF3, 0x5D),
    "divss": (0xF3, 0x5E), "maxss": (0xF3, 0x5F), "sqrtss": (0xF3, 0x51),
    "addsd": (0xF2, 0x58), "mulsd": (0xF2, 0x59), "subsd": (0xF2, 0x5C), "minsd": (0xF2, 0x5D),
    "divsd": (0xF2, 0x5E), "maxsd": (0xF2, 0x5F), "sqrtsd": (0xF2, 0x51),
    "cvtss2sd": (0xF3, 0x5A), "cvtsd2ss": (0xF2, 0x5A),
    "ucomiss": (None, 0x2E), "ucomisd": (0x66, 0x2E),
    "andps": (None, 0x54), "andpd": (0x66, 0x54), "orps": (None, 0x56), "orpd": (0x66, 0x56),
    "xorps": (None, 0x57), "xorpd": (0x66, 0x57), "movaps": (None, 0x28),
}

#: Packed SSE2/SSSE3/SSE4.1/SSE4.2 ``op xmm, xmm/m128`` (the SIMD lowering): name -> (mandatory prefix, opcode
#: bytes after it). ``psllw`` & co. shift by the count in an XMM register; ``cmpps``/``cmppd``, ``pshufd``, ``shufps``,
#: ``roundps``/``roundpd``, ``pblendw`` and ``palignr`` take an immediate (``Assembler.packed``'s ``imm``).
PACKED = {
    "movdqa": (0x66, b"\x0f\x6f"), "paddb": (0x66, b"\x0f\xfc"), "paddw": (0x66, b"\x0f\xfd"),
    "paddd": (0x66, b"\x0f\xfe"), "paddq": (0x66, b"\x0f\xd4"), "psubb": (0x66, b"\x0f\xf8"),
    "psubw": (0x66, b"\x0f\xf9"), "psubd": (0x66, b"\x0f\xfa"), "psubq": (0x66, b"\x0f\xfb"),
    "paddsb": (0x66, b"\x0f\xec"), "paddsw": (0x66, b"\x0f\xed"), "paddusb": (0x66, b"\x0f\xdc"),
    "paddusw": (0x66, b"\x0f\xdd"), "psubsb": (0x66, b"\x0f\xe8"), "psubsw": (0x66, b"\x0f\xe9"),
    "psubusb": (0x66, b"\x0f\xd8"), "psubusw": (0x66, b"\x0f\xd9"), "pmullw": (0x66, b"\x0f\xd5"),
    "pmuludq": (0x66, b"\x0f\xf4"), "pmaddwd": (0x66, b"\x0f\xf5"), "pand": (0x66, b"\x0f\xdb"),
    "pandn": (0x66, b"\x0f\xdf"), "por": (0x66, b"\x0f\xeb"), "pxor": (0x66, b"\x0f\xef"),
    "pcmpeqb": (0x66, b"\x0f\x74"), "pcmpeqw": (0x66, b"\x0f\x75"), "pcmpeqd": (0x66, b"\x0f\x76"),
    "pcmpgtb": (0x66, b"\x0f\x64"), "pcmpgtw": (0x66, b"\x0f\x65"), "pcmpgtd": (0x66, b"\x0f\x66"),
    "pminub": (0x66, b"\x0f\xda"), "pmaxub": (0x66, b"\x0f\xde"), "pminsw": (0x66, b"\x0f\xea"),
    "pmaxsw": (0x66, b"\x0f\xee"), "pavgb": (0x66, b"\x0f\xe0"), "pavgw": (0x66, b"\x0f\xe3"),
    "packsswb": (0x66, b"\x0f\x63"), "packuswb": (0x66, b"\x0f\x67"), "packssdw": (0x66, b"\x0f\x6b"),
    "punpcklbw": (0x66, b"\x0f\x60"), "punpcklwd": (0x66, b"\x0f\x61"), "punpckldq": (0x66, b"\x0f\x62"),
    "punpcklqdq": (0x66, b"\x0f\x6c"), "punpckhbw": (0x66, b"\x0f\x68"), "punpckhwd": (0x66, b"\x0f\x69"),
    "punpckhdq": (0x66, b"\x0f\x6a"), "punpckhqdq": (0x66, b"\x0f\x6d"), "psllw": (0x66, b"\x0f\xf1"),
    "pslld": (0x66, b"\x0f\xf2"), "psllq": (0x66, b"\x0f\xf3"), "psrlw": (0x66, b"\x0f\xd1"),
    "psrld": (0x66, b"\x0f\xd2"), "psrlq": (0x66, b"\x0f\xd3"), "psraw": (0x66, b"\x0f\xe1"),
    "psrad": (0x66, b"\x0f\xe2"), "pshufd": (0x66, b"\x0f\x70"), "pshuflw": (0xF2, b"\x0f\x70"),
    "addps": (None, b"\x0f\x58"), "addpd": (0x66, b"\x0f\x58"), "mulps": (None, b"\x0f\x59"),
    "mulpd": (0x66, b"\x0f\x59"), "subps": (None, b"\x0f\x5c"), "subpd": (0x66, b"\x0f\x5c"),
    "minps": (None, b"\x0f\x5d"), "minpd": (0x66, b"\x0f\x5d"), "divps": (None, b"\x0f\x5e"),
    "divpd": (0x66, b"\x0f\x5e"), "maxps": (None, b"\x0f\x5f"), "maxpd": (0x66, b"\x0f\x5f"),
    "sqrtps": (None, b"\x0f\x51"), "sqrtpd": (0x66, b"\x0f\x51"), "andnps": (None, b"\x0f\x55"),
    "andnpd": (0x66, b"\x0f\x55"), "cmpps": (None, b"\x0f\xc2"), "cmppd": (0x66, b"\x0f\xc2"),
    "cvtdq2ps": (None, b"\x0f\x5b"), "cvttps2dq": (0xF3, b"\x0f\x5b"), "cvtps2pd": (None, b"\x0f\x5a"),
    "cvtpd2ps": (0x66, b"\x0f\x5a"), "cvtdq2pd": (0xF3, b"\x0f\xe6"), "cvttpd2dq": (0x66, b"\x0f\xe6"),
    "shufps": (None, b"\x0f\xc6"), "unpcklps": (None, b"\x0f\x14"),
    "pshufb": (0x66, b"\x0f\x38\x00"), "pabsb": (0x66, b"\x0f\x38\x1c"), "pabsw": (0x66, b"\x0f\x38\x1d"),
    "pabsd": (0x66, b"\x0f\x38\x1e"), "pmulhrsw": (0x66, b"\x0f\x38\x0b"), "pmaddubsw": (0x66, b"\x0f\x38\x04"),
    "pminsb": (0x66, b"\x0f\x38\x38"), "pminsd": (0x66, b"\x0f\x38\x39"), "pminuw": (0x66, b"\x0f\x38\x3a"),
    "pminud": (0x66, b"\x0f\x38\x3b"), "pmaxsb": (0x66, b"\x0f\x38\x3c"), "pmaxsd": (0x66, b"\x0f\x38\x3d"),
    "pmaxuw": (0x66, b"\x0f\x38\x3e"), "pmaxud": (0x66, b"\x0f\x38\x3f"), "pmulld": (0x66, b"\x0f\x38\x40"),
    "pmuldq": (0x66, b"\x0f\x38\x28"), "pcmpeqq": (0x66, b"\x0f\x38\x29"), "packusdw": (0x66, b"\x0f\x38\x2b"),
    "pcmpgtq": (0x66, b"\x0f\x38\x37"), "ptest": (0x66, b"\x0f\x38\x17"), "pmovsxbw": (0x66, b"\x0f\x38\x20"),
    "pmovsxwd": (0x66, b"\x0f\x38\x23"), "pmovsxdq": (0x66, b"\x0f\x38\x25"),
    "pmovzxbw": (0x66, b"\x0f\x38\x30"), "pmovzxwd": (0x66, b"\x0f\x38\x33"),
    "pmovzxdq": (0x66, b"\x0f\x38\x35"), "roundps": (0x66, b"\x0f\x3a\x08"), "roundpd": (0x66, b"\x0f\x3a\x09"),
    "pblendw": (0x66, b"\x0f\x3a\x0e"), "palignr": (0x66, b"\x0f\x3a\x0f"),
}
#: Packed shifts by an immediate: name -> (opcode after 66 0F, /digit).
PACKED_SHIFT_IMM = {
    "psrlw": (0x71, 2), "psraw": (0x71, 4), "psllw": (0x71, 6), "psrld": (0x72, 2), "psrad": (0x72, 4),
    "pslld": (0x72, 6), "psrlq": (0x73, 2), "psrldq": (0x73, 3), "psllq": (0x73, 6), "pslldq": (0x73, 7),
}
#: SSE4.1 lane moves between XMM and general registers or memory: name -> (opcode bytes after 66, access size).
LANE_INSERT = {"pinsrb": (b"\x0f\x3a\x20", 1), "pinsrw": (b"\x0f\xc4", 2), "pinsrd": (b"\x0f\x3a\x22", 4),
               "pinsrq": (b"\x0f\x3a\x22", 8)}
LANE_EXTRACT = {"pextrb": (b"\x0f\x3a\x14", 1), "pextrw": (b"\x0f\x3a\x15", 2), "pextrd": (b"\x0f\x3a\x16", 4),
                "pextrq": (b"\x0f\x3a\x16", 8)}


@dataclass(frozen=True, slots=True)
class Mem:
    """``[base + index*scale + disp]``; ``base`` None means no base register (absolute disp32)."""

    base: int | None
    disp: int = 0
    index: int | None = None
    scale: int = 1


@dataclass(frozen=True, slots=True)
class RipRel:
    """``[rip + symbol + addend]`` through a ``PC_RELATIVE`` relocation."""

    symbol: str
    addend: int = 0


Operand = int | Mem | RipRel


@dataclass(frozen=True, slots=True)
class Snippet:
    """Code emitted once and copied again (``Assembler.replay``): its bytes, and its relocations at offsets from
    its start. The compiler emits the same instruction sequences over and over; encoding each once per module
    and copying its bytes is several times cheaper than encoding it again."""

    code: bytes
    relocations: tuple[Relocation, ...] = ()


class Label:
    """A branch target; jumps emitted before ``bind`` are patched when it is bound."""

    __slots__ = ("position", "fixups")

    def __init__(self) -> None:
        self.position: int | None = None
        self.fixups: list[int] = []


_SCALE = {1: 0, 2: 1, 4: 2, 8: 3}
_pack_i32 = struct.Struct("<i").pack
_pack_u32 = struct.Struct("<I").pack
_pack_q = struct.Struct("<Q").pack


def _fits8(value: int) -> bool:
    return -128 <= value <= 127


class EncodeError(ValueError):
    """An operand combination the encoder does not express (a compiler bug, not a user error)."""


class Assembler:
    """Appends encoded instructions to ``code``; ``relocations`` are offsets into ``code``."""

    def __init__(self) -> None:
        self.code = bytearray()
        self.relocations: list[Relocation] = []

    @property
    def offset(self) -> int:
        return len(self.code)

    # -- snippets -----------------------------------------------------------------------------------------------
    def snippet(self, start: int, first_relocation: int) -> Snippet:
        """The code from offset ``start`` on, with the relocations from index ``first_relocation`` on (the caller
        notes both before emitting). Only position-independent code makes a valid snippet: no branch into or out
        of it (its own labels bound inside it are fine, rel32 displacements being relative)."""
        return Snippet(bytes(self.code[start:]),
                       tuple(Relocation(r.offset - start, r.kind, r.size, r.symbol, r.addend)
                             for r in self.relocations[first_relocation:]))

    def replay(self, snippet: Snippet) -> None:
        """Append ``snippet``'s code and relocations here."""
        start = len(self.code)
        self.code += snippet.code
        if snippet.relocations:
            self.relocations += [Relocation(start + r.offset, r.kind, r.size, r.symbol, r.addend)
                                 for r in snippet.relocations]

    # -- the general ModRM encoder ------------------------------------------------------------------------------
    def _emit(self, opcode: bytes, reg: int, rm: Operand, *, size: int = 4, prefix: int | None = None,
              imm: bytes = b"", rex_w: bool | None = None, byte_regs: tuple[int, ...] = ()) -> None:
        """Emit ``[prefix] [66] [REX] opcode ModRM [SIB] [disp] [imm]``.

        ``reg`` is the ModRM.reg field (a register or a /digit), ``rm`` a register number or memory operand.
        ``size`` 8 sets REX.W (unless ``rex_w`` overrides), size 2 adds the operand-size prefix. ``byte_regs``
        lists register numbers used as 8-bit registers: spl/bpl/sil/dil need a REX prefix to be addressable.
        """
        out = self.code
        if size == 2:
            out.append(0x66)
        if prefix is not None:
            out.append(prefix)
        w = size == 8 if rex_w is None else rex_w
        rex = 0x48 if w else 0x40
        if reg & 8:
            rex |= 4
        force = bool(byte_regs) and any(4 <= r <= 7 for r in byte_regs)
        if isinstance(rm, int):
            if rm & 8:
                rex |= 1
            if rex != 0x40 or force:
                out.append(rex)
            out += opcode
            out.append(0xC0 | (reg & 7) << 3 | (rm & 7))
            out += imm
            return
        if isinstance(rm, RipRel):
            if rex != 0x40 or force:
                out.append(rex)
            out += opcode
            out.append((reg & 7) << 3 | 5)
            self.relocations.append(Relocation(len(out), RelocKind.PC_RELATIVE, 4, rm.symbol,
                                               rm.addend - 4 - len(imm)))
            out += b"\0\0\0\0"
            out += imm
            return
        base, index, disp = rm.base, rm.index, rm.disp
        if index is not None:
            if index == RSP:
                raise EncodeError("rsp cannot be an index register")
            if index & 8:
                rex |= 2
        if base is not None and base & 8:
            rex |= 1
        if rex != 0x40 or force:
            out.append(rex)
        out += opcode
        if base is None:
            # No base: SIB with base=101 and mod=00 means disp32 only.
            idx = 4 if index is None else index & 7
            out.append((reg & 7) << 3 | 4)
            out.append(_SCALE[rm.scale] << 6 | idx << 3 | 5)
            out += _pack_i32(disp)
            out += imm
            return
        if disp == 0 and base & 7 != 5:
            mod, dbytes = 0, b""
        elif _fits8(disp):
            mod, dbytes = 0x40, bytes((disp & 0xFF,))
        else:
            mod, dbytes = 0x80, _pack_i32(disp)
        if index is None and base & 7 != 4:
            out.append(mod | (reg & 7) << 3 | (base & 7))
        else:
            out.append(mod | (reg & 7) << 3 | 4)
            out.append(_SCALE[rm.scale] << 6 | (4 if index is None else index & 7) << 3 | (base & 7))
        out += dbytes
        out += imm

    # -- data movement ------------------------------------------------------------------------------------------
    def mov(self, size: int, dst: Operand, src: Operand | int) -> None:
        """``mov`` between registers and memory, or of an immediate (``src`` int with ``dst`` memory, or
        ``mov_imm`` for registers). Sizes 1, 2, 4, 8."""
        if isinstance(dst, int):
            if isinstance(src, int):
                self._emit(b"\x88" if size == 1 else b"\x89", src, dst, size=size,
                           byte_regs=(src, dst) if size == 1 else ())
            else:
                self._emit(b"\x8a" if size == 1 else b"\x8b", dst, src, size=size,
                           byte_regs=(dst,) if size == 1 else ())
        elif isinstance(src, int):
            self._emit(b"\x88" if size == 1 else b"\x89", src, dst, size=size,
                       byte_regs=(src,) if size == 1 else ())
        else:
            raise EncodeError("mov memory to memory")

    def mov_store_imm(self, size: int, dst: Mem | RipRel, value: int) -> None:
        """``mov size ptr [m], imm`` (size 8: a sign-extended imm32)."""
        if size == 1:
            self._emit(b"\xc6", 0, dst, size=1, imm=bytes((value & 0xFF,)))
        elif size == 2:
            self._emit(b"\xc7", 0, dst, size=2, imm=struct.pack("<H", value & 0xFFFF))
        else:
            if size == 8 and not -(1 << 31) <= value < (1 << 31):
                raise EncodeError(f"imm {value:#x} does not fit a sign-extended imm32")
            self._emit(b"\xc7", 0, dst, size=size, imm=_pack_u32(value & 0xFFFFFFFF))

    def mov_imm(self, size: int, dst: int, value: int) -> None:
        """Load a constant into a register with the shortest form GNU ``as`` would pick for the same text
        (``mov r32, imm32``; ``mov r64, simm32``; else ``movabs r64, imm64``)."""
        if size == 4:
            if dst & 8:
                self.code.append(0x41)
            self.code.append(0xB8 | (dst & 7))
            self.code += _pack_u32(value & 0xFFFFFFFF)
        elif -(1 << 31) <= value < (1 << 31):
            self._emit(b"\xc7", 0, dst, size=8, imm=_pack_u32(value & 0xFFFFFFFF))
        else:
            self.code.append(0x49 if dst & 8 else 0x48)
            self.code.append(0xB8 | (dst & 7))
            self.code += _pack_q(value & 0xFFFFFFFFFFFFFFFF)

    def movzx(self, dst_size: int, dst: int, src_size: int, src: Operand) -> None:
        self._emit(b"\x0f\xb6" if src_size == 1 else b"\x0f\xb7", dst, src, size=dst_size,
                   byte_regs=(src,) if src_size == 1 and isinstance(src, int) else ())

    def movsx(self, dst_size: int, dst: int, src_size: int, src: Operand) -> None:
        if src_size == 4:
            self._emit(b"\x63", dst, src, size=8)
        else:
            self._emit(b"\x0f\xbe" if src_size == 1 else b"\x0f\xbf", dst, src, size=dst_size,
                       byte_regs=(src,) if src_size == 1 and isinstance(src, int) else ())

    def lea(self, size: int, dst: int, src: Mem | RipRel) -> None:
        self._emit(b"\x8d", dst, src, size=size)

    def push(self, reg: int) -> None:
        if reg & 8:
            self.code.append(0x41)
        self.code.append(0x50 | (reg & 7))

    def pop(self, reg: int) -> None:
        if reg & 8:
            self.code.append(0x41)
        self.code.append(0x58 | (reg & 7))

    # -- integer arithmetic -------------------------------------------------------------------------------------
    def alu(self, op: str, size: int, dst: Operand, src: Operand | int, *, imm: bool = False) -> None:
        """``add/or/adc/sbb/and/sub/xor/cmp dst, src``; with ``imm=True`` ``src`` is an immediate."""
        digit = ALU[op]
        if imm:
            value = src
            if not isinstance(value, int):
                raise EncodeError("immediate expected")
            if size == 1:
                self._emit(b"\x80", digit, dst, size=1, imm=bytes((value & 0xFF,)))
            elif _fits8(value):
                self._emit(b"\x83", digit, dst, size=size, imm=bytes((value & 0xFF,)))
            elif dst == RAX:
                # GNU as prefers the short accumulator form for imm32.
                if size == 2:
                    self.code.append(0x66)
                elif size == 8:
                    self.code.append(0x48)
                self.code.append(digit * 8 + 5)
                self.code += struct.pack("<H", value & 0xFFFF) if size == 2 else _pack_u32(value & 0xFFFFFFFF)
            else:
                self._emit(b"\x81", digit, dst, size=size,
                           imm=struct.pack("<H", value & 0xFFFF) if size == 2 else _pack_u32(value & 0xFFFFFFFF))
        elif isinstance(src, int):
            self._emit(bytes((digit * 8 + (0 if size == 1 else 1),)), src, dst, size=size,
                       byte_regs=(src, dst) if size == 1 and isinstance(dst, int) else ((src,) if size == 1 else ()))
        elif isinstance(dst, int):
            self._emit(bytes((digit * 8 + (2 if size == 1 else 3),)), dst, src, size=size,
                       byte_regs=(dst,) if size == 1 else ())
        else:
            raise EncodeError("alu memory to memory")

    def test(self, size: int, dst: Operand, src: int) -> None:
        self._emit(b"\x84" if size == 1 else b"\x85", src, dst, size=size,
                   byte_regs=(src,) + ((dst,) if isinstance(dst, int) else ()) if size == 1 else ())

    def imul(self, size: int, dst: int, src: Operand) -> None:
        self._emit(b"\x0f\xaf", dst, src, size=size)

    def unary(self, op: str, size: int, operand: Operand) -> None:
        """``not/neg/mul/imul/div/idiv`` (one operand; mul/div use rdx:rax)."""
        self._emit(b"\xf7", UNARY[op], operand, size=size)

    def shift(self, op: str, size: int, dst: Operand, count: int | None = None) -> None:
        """``rol/ror/shl/shr/sar dst, cl`` (count None) or ``dst, imm8``."""
        digit = SHIFT[op]
        if count is None:
            self._emit(b"\xd3", digit, dst, size=size)
        elif count == 1:
            self._emit(b"\xd1", digit, dst, size=size)
        else:
            self._emit(b"\xc1", digit, dst, size=size, imm=bytes((count & 0xFF,)))

    def bt(self, op: str, size: int, dst: Operand, bit: int) -> None:
        """``bt/bts/btr/btc dst, imm8``."""
        digit = {"bt": 4, "bts": 5, "btr": 6, "btc": 7}[op]
        self._emit(b"\x0f\xba", digit, dst, size=size, imm=bytes((bit,)))

    def bsr(self, size: int, dst: int, src: Operand) -> None:
        self._emit(b"\x0f\xbd", dst, src, size=size)

    def bsf(self, size: int, dst: int, src: Operand) -> None:
        self._emit(b"\x0f\xbc", dst, src, size=size)

    def popcnt(self, size: int, dst: int, src: Operand) -> None:
        self._emit(b"\x0f\xb8", dst, src, size=size, prefix=0xF3)

    def cdq(self) -> None:
        self.code.append(0x99)

    def cqo(self) -> None:
        self.code += b"\x48\x99"

    def setcc(self, cc: str, dst: Operand) -> None:
        self._emit(bytes((0x0F, 0x90 | CC[cc])), 0, dst, size=1,
                   byte_regs=(dst,) if isinstance(dst, int) else ())

    def cmov(self, cc: str, size: int, dst: int, src: Operand) -> None:
        self._emit(bytes((0x0F, 0x40 | CC[cc])), dst, src, size=size)

    # -- control flow -------------------------------------------------------------------------------------------
    def label(self) -> Label:
        return Label()

    def bind(self, label: Label) -> None:
        if label.position is not None:
            raise EncodeError("label bound twice")
        pos = len(self.code)
        label.position = pos
        code = self.code
        for at in label.fixups:
            code[at:at + 4] = _pack_i32(pos - (at + 4))
        label.fixups.clear()

    def _rel32(self, label: Label) -> None:
        at = len(self.code)
        if label.position is not None:
            self.code += _pack_i32(label.position - (at + 4))
        else:
            label.fixups.append(at)
            self.code += b"\0\0\0\0"

    def lea_label(self, dst: int, label: Label) -> None:
        """``lea dst, [rip + label]``: the address of a position in this code."""
        self.code.append(0x4C if dst & 8 else 0x48)
        self.code.append(0x8D)
        self.code.append((dst & 7) << 3 | 5)
        self._rel32(label)

    def jmp(self, label: Label) -> None:
        self.code.append(0xE9)
        self._rel32(label)

    def jcc(self, cc: str, label: Label) -> None:
        self.code.append(0x0F)
        self.code.append(0x80 | CC[cc])
        self._rel32(label)

    def call_symbol(self, symbol: str, addend: int = 0) -> None:
        self.code.append(0xE8)
        self.relocations.append(Relocation(len(self.code), RelocKind.CALL, 4, symbol, addend - 4))
        self.code += b"\0\0\0\0"

    def call_indirect(self, target: Operand) -> None:
        self._emit(b"\xff", 2, target, rex_w=False)

    def jmp_symbol(self, symbol: str, addend: int = 0) -> None:
        """``jmp symbol`` (rel32): a tail call, relocated like a call (PLT32 / REL32 / a veneer in a JIT)."""
        self.code.append(0xE9)
        self.relocations.append(Relocation(len(self.code), RelocKind.CALL, 4, symbol, addend - 4))
        self.code += b"\0\0\0\0"

    def rex_jmp(self, target: int) -> None:
        """``rex.W jmp reg`` (``rex64 jmp *%reg``): the indirect tail jump the Windows unwinder recognises as
        the end of an epilogue (REX.W, then ``ff /4``; the W bit changes nothing else)."""
        self._emit(b"\xff", 4, target, rex_w=True)

    def jmp_indirect(self, target: Operand) -> None:
        self._emit(b"\xff", 4, target, rex_w=False)

    def ret(self) -> None:
        self.code.append(0xC3)

    def ud2(self) -> None:
        self.code += b"\x0f\x0b"

    def syscall(self) -> None:
        """Linux x86-64 system call: number in rax, arguments rdi, rsi, rdx, r10, r8, r9; clobbers rcx, r11."""
        self.code += b"\x0f\x05"

    def nop(self) -> None:
        self.code.append(0x90)

    def int3(self) -> None:
        self.code.append(0xCC)

    def rep_movsb(self) -> None:
        self.code += b"\xf3\xa4"

    def rep_stosb(self) -> None:
        self.code += b"\xf3\xaa"

    def std(self) -> None:
        self.code.append(0xFD)

    def cld(self) -> None:
        self.code.append(0xFC)

    # -- SSE ----------------------------------------------------------------------------------------------------
    def sse(self, op: str, dst: int, src: Operand) -> None:
        """Scalar SSE ``op xmm, xmm/m`` (arithmetic, compares, conversions between float sizes, logic)."""
        prefix, opcode = SSE[op]
        self._emit(bytes((0x0F, opcode)), dst, src, prefix=prefix, rex_w=False)

    def movss_load(self, size: int, dst: int, src: Operand) -> None:
        """``movss``/``movsd`` (size 4/8) ``xmm, xmm/m``."""
        self._emit(b"\x0f\x10", dst, src, prefix=0xF3 if size == 4 else 0xF2, rex_w=False)

    def movss_store(self, size: int, dst: Mem | RipRel, src: int) -> None:
        self._emit(b"\x0f\x11", src, dst, prefix=0xF3 if size == 4 else 0xF2, rex_w=False)

    def movups_load(self, dst: int, src: Mem) -> None:
        """``movups xmm, m128``: 16 bytes, no alignment required."""
        self._emit(b"\x0f\x10", dst, src, rex_w=False)

    def movups_store(self, dst: Mem, src: int) -> None:
        """``movups m128, xmm``."""
        self._emit(b"\x0f\x11", src, dst, rex_w=False)

    def movq_to_xmm(self, size: int, dst: int, src: Operand) -> None:
        """``movd xmm, r/m32`` (size 4) or ``movq xmm, r/m64`` (size 8)."""
        self._emit(b"\x0f\x6e", dst, src, prefix=0x66, rex_w=size == 8)

    def movq_from_xmm(self, size: int, dst: Operand, src: int) -> None:
        """``movd r/m32, xmm`` (size 4) or ``movq r/m64, xmm`` (size 8)."""
        self._emit(b"\x0f\x7e", src, dst, prefix=0x66, rex_w=size == 8)

    def cvtsi2f(self, float_size: int, dst: int, int_size: int, src: Operand) -> None:
        """``cvtsi2ss``/``cvtsi2sd`` from a 32- or 64-bit integer."""
        self._emit(b"\x0f\x2a", dst, src, prefix=0xF3 if float_size == 4 else 0xF2, rex_w=int_size == 8)

    def cvttf2si(self, int_size: int, dst: int, float_size: int, src: Operand) -> None:
        """``cvttss2si``/``cvttsd2si`` to a 32- or 64-bit integer (truncating)."""
        self._emit(b"\x0f\x2c", dst, src, prefix=0xF3 if float_size == 4 else 0xF2, rex_w=int_size == 8)

    def round(self, size: int, dst: int, src: Operand, mode: int) -> None:
        """SSE4.1 ``roundss``/``roundsd`` with an immediate rounding mode (bit 3 suppresses precision
        exceptions; 0 nearest-even, 1 floor, 2 ceil, 3 truncate)."""
        self._emit(b"\x0f\x3a\x0a" if size == 4 else b"\x0f\x3a\x0b", dst, src, prefix=0x66, rex_w=False,
                   imm=bytes((mode,)))

    # -- packed SSE (the SIMD lowering) -------------------------------------------------------------------------
    def packed(self, op: str, dst: int, src: Operand, imm: int | None = None) -> None:
        """``op xmm, xmm/m128[, imm8]`` from ``PACKED``. Legacy SSE faults on a misaligned m128: the SIMD lowering
        passes registers, and memory only to ``movdqa`` of aligned data."""
        prefix, opcode = PACKED[op]
        self._emit(opcode, dst, src, prefix=prefix, rex_w=False, imm=b"" if imm is None else bytes((imm & 0xFF,)))

    def movdqu_load(self, dst: int, src: Mem | RipRel | int) -> None:
        """``movdqu xmm, m128`` (any alignment) or between registers."""
        self._emit(b"\x0f\x6f", dst, src, prefix=0xF3, rex_w=False)

    def movdqu_store(self, dst: Mem | RipRel, src: int) -> None:
        self._emit(b"\x0f\x7f", src, dst, prefix=0xF3, rex_w=False)

    def movq_load(self, dst: int, src: Mem | RipRel) -> None:
        """``movq xmm, m64``: the low quadword, the high one zeroed."""
        self._emit(b"\x0f\x7e", dst, src, prefix=0xF3, rex_w=False)

    def packed_shift_imm(self, op: str, dst: int, count: int) -> None:
        """``psllw xmm, imm8`` & co. (``psrldq``/``pslldq`` shift whole bytes)."""
        opcode, digit = PACKED_SHIFT_IMM[op]
        self._emit(bytes((0x0F, opcode)), digit, dst, prefix=0x66, rex_w=False, imm=bytes((count & 0xFF,)))

    def pmovmskb(self, dst: int, src: int) -> None:
        """``pmovmskb r32, xmm``: the sign bits of the 16 bytes."""
        self._emit(b"\x0f\xd7", dst, src, prefix=0x66, rex_w=False)

    def movmsk(self, size: int, dst: int, src: int) -> None:
        """``movmskps``/``movmskpd`` (lane size 4/8) ``r32, xmm``."""
        self._emit(b"\x0f\x50", dst, src, prefix=0x66 if size == 8 else None, rex_w=False)

    def lane_insert(self, op: str, dst: int, src: Operand, lane: int) -> None:
        """``pinsrb/w/d/q xmm, r32/r64/m, imm8``."""
        opcode, size = LANE_INSERT[op]
        self._emit(opcode, dst, src, prefix=0x66, rex_w=size == 8, imm=bytes((lane,)))

    def lane_extract(self, op: str, dst: Operand, src: int, lane: int) -> None:
        """``pextrb/w/d/q r32/r64/m, xmm, imm8`` (SSE4.1 forms, which take memory too)."""
        opcode, size = LANE_EXTRACT[op]
        self._emit(opcode, src, dst, prefix=0x66, rex_w=size == 8, imm=bytes((lane,)))
