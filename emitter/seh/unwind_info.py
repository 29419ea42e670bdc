"""Windows x64 ``UNWIND_INFO`` (version 1) and ``RUNTIME_FUNCTION``: the wire model and its encoder.

Layout of one ``UNWIND_INFO`` (all little endian)::

    byte 0   version (3 bits, = 1) | flags << 3   (UNW_FLAG_EHANDLER 1, UNW_FLAG_UHANDLER 2, UNW_FLAG_CHAININFO 4)
    byte 1   size of the prologue in bytes
    byte 2   count of 16-bit code slots (before padding)
    byte 3   frame register (4 bits) | frame offset / 16 (4 bits)
    codes    16-bit slots in *descending* prologue offset, padded to an even count
    then     a 32-bit handler RVA followed by the handler's data (handler flags), or a chained
             RUNTIME_FUNCTION {begin, end, unwind info} (UNW_FLAG_CHAININFO)

Addresses are ``encoding.Address`` values: an image-relative constant (run-time tables) or ``symbol + addend``
(objects, relocated with ``RelocKind.IMAGE_RELATIVE``), so one encoder serves COFF, PE and JIT tables.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..encoding import Address, ByteWriter, SymbolAddress
from ..errors import FormatLimitError
from ..obj.model import RelocKind

UNW_FLAG_EHANDLER = 0x1
UNW_FLAG_UHANDLER = 0x2
UNW_FLAG_CHAININFO = 0x4

UNWIND_INFO_VERSION = 1
MAX_PROLOGUE_SIZE = 255
MAX_CODE_SLOTS = 255
MAX_FRAME_OFFSET = 240

#: Windows register numbers (the ``info`` nibble of PUSH/SAVE codes and the frame-register nibble).
GPR_NUMBERS = {
    "rax": 0, "rcx": 1, "rdx": 2, "rbx": 3, "rsp": 4, "rbp": 5, "rsi": 6, "rdi": 7,
    **{f"r{i}": i for i in range(8, 16)},
}
XMM_NUMBERS = {f"xmm{i}": i for i in range(16)}
GPR_NAMES = {number: name for name, number in GPR_NUMBERS.items()}


class UnwindOperation(enum.IntEnum):
    UWOP_PUSH_NONVOL = 0
    UWOP_ALLOC_LARGE = 1
    UWOP_ALLOC_SMALL = 2
    UWOP_SET_FPREG = 3
    UWOP_SAVE_NONVOL = 4
    UWOP_SAVE_NONVOL_FAR = 5
    UWOP_SAVE_XMM128 = 8
    UWOP_SAVE_XMM128_FAR = 9
    UWOP_PUSH_MACHFRAME = 10


@dataclass(frozen=True, slots=True)
class UnwindCode:
    """One code: ``code_offset`` is the prologue offset just after the instruction it describes.

    ``operand`` is the value of the extra slots as stored (already scaled: ALLOC_LARGE info 0 and SAVE_NONVOL
    store size/8 and offset/8, SAVE_XMM128 offset/16, the ``_FAR`` forms and ALLOC_LARGE info 1 the raw value).
    """

    code_offset: int
    operation: UnwindOperation
    info: int
    operand: int | None = None

    def slots(self) -> list[int]:
        first = self.code_offset | (self.operation << 8) | (self.info << 12)
        operand = self.operand or 0
        match self.operation:
            case UnwindOperation.UWOP_ALLOC_LARGE if self.info == 1:
                return [first, operand & 0xFFFF, operand >> 16]
            case UnwindOperation.UWOP_ALLOC_LARGE | UnwindOperation.UWOP_SAVE_NONVOL | UnwindOperation.UWOP_SAVE_XMM128:
                return [first, operand]
            case UnwindOperation.UWOP_SAVE_NONVOL_FAR | UnwindOperation.UWOP_SAVE_XMM128_FAR:
                return [first, operand & 0xFFFF, operand >> 16]
            case _:
                return [first]

    # -- meaning, in the units the tools print ----------------------------------------------------------------
    @property
    def size(self) -> int:
        """Bytes allocated (ALLOC_*)."""
        match self.operation:
            case UnwindOperation.UWOP_ALLOC_SMALL:
                return (self.info + 1) * 8
            case UnwindOperation.UWOP_ALLOC_LARGE:
                return (self.operand or 0) * (8 if self.info == 0 else 1)
        raise ValueError(f"{self.operation.name} has no size")

    @property
    def save_offset(self) -> int:
        """Byte offset of a save slot from the frame base (SAVE_*)."""
        match self.operation:
            case UnwindOperation.UWOP_SAVE_NONVOL:
                return (self.operand or 0) * 8
            case UnwindOperation.UWOP_SAVE_XMM128:
                return (self.operand or 0) * 16
            case UnwindOperation.UWOP_SAVE_NONVOL_FAR | UnwindOperation.UWOP_SAVE_XMM128_FAR:
                return self.operand or 0
        raise ValueError(f"{self.operation.name} has no save offset")


def push_nonvol(code_offset: int, register: int) -> UnwindCode:
    return UnwindCode(code_offset, UnwindOperation.UWOP_PUSH_NONVOL, register)


def alloc(code_offset: int, size: int) -> UnwindCode:
    """The smallest code for ``sub rsp, size``: ALLOC_SMALL up to 128, ALLOC_LARGE scaled, then unscaled."""
    if size <= 0 or size % 8:
        raise ValueError(f"allocation size {size} is not a positive multiple of 8")
    if size <= 128:
        return UnwindCode(code_offset, UnwindOperation.UWOP_ALLOC_SMALL, size // 8 - 1)
    if size // 8 <= 0xFFFF:
        return UnwindCode(code_offset, UnwindOperation.UWOP_ALLOC_LARGE, 0, size // 8)
    if size <= 0xFFFFFFFF:
        return UnwindCode(code_offset, UnwindOperation.UWOP_ALLOC_LARGE, 1, size)
    raise ValueError(f"allocation size {size} does not fit in 32 bits")


def set_fpreg(code_offset: int) -> UnwindCode:
    return UnwindCode(code_offset, UnwindOperation.UWOP_SET_FPREG, 0)


def save_nonvol(code_offset: int, register: int, offset: int) -> UnwindCode:
    if offset % 8 == 0 and offset // 8 <= 0xFFFF:
        return UnwindCode(code_offset, UnwindOperation.UWOP_SAVE_NONVOL, register, offset // 8)
    return UnwindCode(code_offset, UnwindOperation.UWOP_SAVE_NONVOL_FAR, register, offset)


def save_xmm128(code_offset: int, register: int, offset: int) -> UnwindCode:
    if offset % 16 == 0 and offset // 16 <= 0xFFFF:
        return UnwindCode(code_offset, UnwindOperation.UWOP_SAVE_XMM128, register, offset // 16)
    return UnwindCode(code_offset, UnwindOperation.UWOP_SAVE_XMM128_FAR, register, offset)


@dataclass(frozen=True, slots=True)
class RuntimeFunction:
    """``RUNTIME_FUNCTION``: [begin, end) of a code range and its ``UNWIND_INFO``, all image-relative."""

    begin: Address
    end: Address
    unwind_info: Address

    SIZE = 12

    def write(self, out: ByteWriter) -> None:
        for address in (self.begin, self.end, self.unwind_info):
            write_rva(out, address)


def write_rva(out: ByteWriter, address: Address) -> None:
    """A 32-bit image-relative address: a constant RVA, or ``symbol + addend`` relocated as IMAGE_RELATIVE."""
    if isinstance(address, SymbolAddress):
        out.address(address, 4, RelocKind.IMAGE_RELATIVE)
    else:
        out.u32(address)


@dataclass(frozen=True, slots=True)
class UnwindInfo:
    """One ``UNWIND_INFO`` without its container addresses (handler and chain are given when written)."""

    prologue_size: int
    #: In the order they are written: descending ``code_offset``.
    codes: tuple[UnwindCode, ...]
    frame_register: int | None = None
    #: Bytes between rsp and the frame register when it was set (a multiple of 16, at most 240).
    frame_offset: int = 0
    #: UNW_FLAG_EHANDLER and/or UNW_FLAG_UHANDLER when the function has a language-specific handler.
    handler_flags: int = 0
    handler_data: bytes = b""
    chained: bool = False

    @property
    def slot_count(self) -> int:
        return sum(len(code.slots()) for code in self.codes)

    @property
    def flags(self) -> int:
        return self.handler_flags | (UNW_FLAG_CHAININFO if self.chained else 0)

    def write(self, out: ByteWriter, *, handler: Address | None = None, chain: RuntimeFunction | None = None,
              function: str | None = None) -> None:
        """Append the encoded ``UNWIND_INFO`` (4-byte aligned by the caller) to ``out``."""
        if bool(self.handler_flags) != (handler is not None):
            raise FormatLimitError("a handler address is needed exactly when handler flags are set",
                                   function=function)
        if self.chained != (chain is not None):
            raise FormatLimitError("a chained RUNTIME_FUNCTION is needed exactly for chained unwind info",
                                   function=function)
        slots = [slot for code in self.codes for slot in code.slots()]
        # Byte 0: version | flags; byte 3: frame register | frame offset in units of 16.
        out.u8(UNWIND_INFO_VERSION | self.flags << 3)
        out.u8(self.prologue_size)
        out.u8(len(slots))
        frame = 0 if self.frame_register is None else self.frame_register | (self.frame_offset // 16) << 4
        out.u8(frame)
        for slot in slots:
            out.u16(slot)
        # The trailer starts at an even slot count.
        if len(slots) % 2:
            out.u16(0)
        if chain is not None:
            chain.write(out)
        elif handler is not None:
            write_rva(out, handler)
            out.bytes(self.handler_data)
