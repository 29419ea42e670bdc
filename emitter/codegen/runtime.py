"""Runtime conventions shared by generated code, the AOT driver, the JIT and the debugger plugins.

Trap hook
    Generated code reports a trap by calling ``void jitdebug_trap(int32_t code)`` (``TRAP_HOOK``), which never
    returns, with the platform C convention. The call is a real ``call`` placed in the trapping function and
    mapped by the line table to the trapping Wasm instruction, so an unwinder stopped in the hook sees the Wasm
    frame and its offset. ``default_trap_hook`` builds a default definition (to be emitted *weak* by the object
    writers, so a host or the JIT can define its own) that prints ``wasm trap: <message>`` on stderr with
    ``write(2, ...)`` and calls ``abort()``; ``compile_module(..., default_trap_hook=True)`` adds it (AOT objects;
    the JIT supplies its own hook instead). Codes and messages (wasmtime 50's wording) are ``TrapCode``.

Module state (one instance per process), every item a ``DataBlob`` named ``<module>.<item>`` and reached only
through relocations (RIP-relative ``PC_RELATIVE`` from code, ``ABSOLUTE`` size 8 from data):
    ``<m>.vmctx``        writable words: see the ``VMCTX_*`` offsets (memory base pointer, current memory size
                         in bytes, memory capacity in bytes, stack limit, instantiated flag, then each table's
                         current size in entries). The JIT may point the memory base elsewhere (keeping the
                         capacity word truthful) and may set the stack limit before the first call.
    ``<m>.memory``       zero-filled static linear memory of ``memory_capacity`` bytes.
    ``<m>.globals``      8 bytes per defined global, initialised (i32/f32 in the low 4 bytes).
    ``<m>.funcs``        read-only: one 16-byte descriptor per function (code pointer, signature id); a funcref
                         value is a pointer to a descriptor, null for ``ref.null``.
    ``<m>.table<N>``     zero-filled (``.bss``), 8 bytes per entry (a funcref), capacity entries (at most
                         ``TABLE_CAP_ENTRIES``): an object pays nothing for a large table.
    ``<m>.data<N>``      read-only bytes of data segment N; ``<m>.data_lengths`` its live length (0 once dropped).
    ``<m>.fault_address`` the effective address of the last load or store that trapped (``MEMORY_FAULT``).
    ``<m>.elem<N>``      funcrefs of element segment N; ``<m>.elem_lengths`` its live length.
Signature ids are the index of the first structurally equal type in the type section.

Instantiation
    ``<m>.instantiate`` (a local function of the module, C convention, no arguments) copies the active element
    segments into their tables (from ``<m>.elem<N>``) and the active data segments into memory, sets the stack
    limit to ``rsp - STACK_BUDGET`` if it is still 0, and runs the start function, once (the instantiated flag).
    Every exported function calls it on entry while the flag is 0, so a C host may call exports directly.
"""

from __future__ import annotations

import enum
import re
import struct

from ..compiled import CompiledFunction, DataBlob, LineEntry, LineTable
from ..obj.model import Relocation, RelocKind
from ..unwind import UnwindProgram
from ..x64.asm import RAX, RBP, RBX, RCX, RDX, RSP, Assembler, Mem, RipRel
from .abi import Abi

TRAP_HOOK = "jitdebug_trap"

VMCTX_MEMORY_BASE = 0
VMCTX_MEMORY_SIZE = 8
VMCTX_MEMORY_CAPACITY = 16
VMCTX_STACK_LIMIT = 24
VMCTX_INSTANTIATED = 32
VMCTX_TABLE_SIZES = 40

#: Stack the Wasm code may use below the point where it was first entered (wasmtime's default maximum).
STACK_BUDGET = 512 * 1024
WASM_PAGE = 65536
#: Headroom for ``memory.grow`` when a memory declares no maximum, and the cap of the static storage.
MEMORY_HEADROOM_PAGES = 256
MEMORY_CAP_PAGES = 16384
TABLE_HEADROOM = 1024
#: The largest table compiled, in entries (V8's limit); larger ones raise ``UnsupportedError``.
TABLE_CAP_ENTRIES = 10_000_000


class TrapCode(enum.IntEnum):
    """Trap codes passed to the hook; ``message`` is the text wasmtime prints after ``wasm trap: ``."""

    STACK_OVERFLOW = 1
    MEMORY_OUT_OF_BOUNDS = 2
    TABLE_OUT_OF_BOUNDS = 3
    INDIRECT_CALL_TO_NULL = 4
    BAD_SIGNATURE = 5
    INTEGER_OVERFLOW = 6
    INTEGER_DIVISION_BY_ZERO = 7
    BAD_CONVERSION_TO_INTEGER = 8
    UNREACHABLE = 9
    #: A Wasm exception that no handler caught reached the host (reported by ``jitdebug_throw``).
    UNCAUGHT_EXCEPTION = 10
    NULL_REFERENCE = 11
    #: A load or store out of bounds; the effective address is left in ``<m>.fault_address`` for the report.
    MEMORY_FAULT = 12

    @property
    def message(self) -> str:
        return _MESSAGES[self]

    @property
    def caused_by(self) -> str:
        """The line wasmtime prints under ``Caused by:``: ``wasm trap: <message>``, except for an uncaught
        exception, which is not a trap of the Wasm code itself."""
        return self.message if self is TrapCode.UNCAUGHT_EXCEPTION else f"wasm trap: {self.message}"


_MESSAGES = {
    TrapCode.STACK_OVERFLOW: "call stack exhausted",
    TrapCode.MEMORY_OUT_OF_BOUNDS: "out of bounds memory access",
    TrapCode.TABLE_OUT_OF_BOUNDS: "undefined element: out of bounds table access",
    TrapCode.INDIRECT_CALL_TO_NULL: "uninitialized element",
    TrapCode.BAD_SIGNATURE: "indirect call type mismatch",
    TrapCode.INTEGER_OVERFLOW: "integer overflow",
    TrapCode.INTEGER_DIVISION_BY_ZERO: "integer divide by zero",
    TrapCode.BAD_CONVERSION_TO_INTEGER: "invalid conversion to integer",
    TrapCode.UNREACHABLE: "wasm `unreachable` instruction executed",
    TrapCode.UNCAUGHT_EXCEPTION: "thrown Wasm exception",
    TrapCode.NULL_REFERENCE: "null reference",
    TrapCode.MEMORY_FAULT: "out of bounds memory access",
}


class StateSymbols:
    """The names of one module's state blobs (``<module>.<item>``, the module name made symbol-safe)."""

    def __init__(self, module_name: str) -> None:
        self.prefix = re.sub(r"[^A-Za-z0-9_]", "_", module_name) or "module"

    def __getattr__(self, item: str) -> str:
        return f"{self.prefix}.{item}"

    def indexed(self, item: str, index: int) -> str:
        return f"{self.prefix}.{item}{index}"


def default_trap_hook(abi: Abi) -> tuple[CompiledFunction, DataBlob]:
    """The default ``jitdebug_trap``: ``write(2, "<TrapCode.caused_by>\\n")`` then ``abort()``.

    The message blob starts with a table of (offset, length) u32 pairs indexed by code (entry 0: unknown code),
    followed by the texts; the hook indexes it position-independently."""
    texts = [b"wasm trap: unknown trap code\n"] + [f"{c.caused_by}\n".encode() for c in TrapCode]
    table = bytearray()
    strings = bytearray()
    base = 8 * len(texts)
    for text in texts:
        table += struct.pack("<II", base + len(strings), len(text))
        strings += text
    blob = DataBlob(f"{TRAP_HOOK}.messages", len(table) + len(strings), bytes(table + strings), writable=False)

    unwind = UnwindProgram(function=TRAP_HOOK)
    a = Assembler()
    a.push(RBP)
    unwind.push(a.offset, "rbp")
    if not abi.seh_frames:
        a.mov(8, RBP, RSP)
        unwind.set_frame_pointer(a.offset, "rbp")
    a.push(RBX)
    unwind.push(a.offset, "rbx")
    if abi.seh_frames:  # Windows: the frame pointer after the pushes, as in ``frame.py``
        a.mov(8, RBP, RSP)
        unwind.set_frame_pointer(a.offset, "rbp")
    frame = 8 + abi.shadow_space
    a.alu("sub", 8, RSP, frame, imm=True)
    unwind.alloc(a.offset, frame)
    unwind.prologue_end(a.offset)
    arg0, arg1, arg2 = abi.int_args[:3]
    a.mov(4, RBX, arg0)
    unknown = a.label()
    known = a.label()
    a.alu("cmp", 4, RBX, len(texts), imm=True)
    a.jcc("b", known)
    a.bind(unknown)
    a.alu("xor", 4, RBX, RBX)
    a.bind(known)
    a.lea(8, RCX, RipRel(blob.name))
    a.mov(4, RAX, Mem(RCX, 0, RBX, 8))
    a.mov(4, RDX, Mem(RCX, 4, RBX, 8))
    a.alu("add", 8, RAX, RCX)
    a.mov(4, arg2, RDX)
    a.mov(8, arg1, RAX)
    a.mov_imm(4, arg0, 2)
    a.call_symbol("write")
    a.call_symbol("abort")
    a.ud2()
    code = bytes(a.code)
    unwind.validate(len(code))
    function = CompiledFunction(name=TRAP_HOOK, code=code, unwind=unwind, exports=(TRAP_HOOK,), weak=True,
                                relocations=list(a.relocations), lines=LineTable([LineEntry(0, 0, is_statement=False)]),
                                frame_base="rbp")
    return function, blob


def absolute(offset: int, symbol: str, addend: int = 0) -> Relocation:
    """An 8-byte pointer inside a data blob."""
    return Relocation(offset, RelocKind.ABSOLUTE, 8, symbol, addend)
