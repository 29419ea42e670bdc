"""Runtime conventions shared by generated code, the AOT driver, the JIT and the debugger plugins.

Trap hook
    Generated code reports a trap by calling ``void jitdebug_trap(int32_t code)`` (``TRAP_HOOK``), which never
    returns, with the platform C convention. The call is a real ``call`` placed in the trapping function and
    mapped by the line table to the trapping Wasm instruction, so an unwinder stopped in the hook sees the Wasm
    frame and its offset. ``default_trap_hook`` builds a default definition (to be emitted *weak* by the object
    writers, so a host or the JIT can define its own) that prints ``wasm trap: <message>`` on stderr with
    ``write(2, ...)`` and calls ``abort()``; ``compile_module(..., default_trap_hook=True)`` adds it (AOT objects;
    the JIT supplies its own hook instead). Codes and messages (wasmtime 50's wording) are ``TrapCode``.

Module state, every item a ``DataBlob`` named ``<module>.<item>`` and reached only through relocations
(RIP-relative ``PC_RELATIVE`` from code, ``ABSOLUTE`` size 8 from data):
    ``<m>.vmctx``        writable words at the ``VMCTX_*`` offsets: word 0 the base of memory 0 (a copy: a memory's
                         base never moves), word 8 a pointer to memory 0's *record*, the stack limit, the
                         instantiated flag, then one pointer per table (table index space, imports first) to its
                         record.
    memory record        ``struct jitdebug_memory`` (``MEMORY_RECORD_*``): base, current size in bytes, the most
                         bytes it may grow to, bytes reserved. Code reads the size through the pointer, so a memory
                         shared by several instances (an import) has one size. ``<m>.memrec<N>`` names memory N's
                         record: in an x86-64 Linux object a static record, base 0 until ``<m>.instantiate``
                         reserves the memory (``aot_memory.py``); in a Windows object a static record over the
                         static storage ``<m>.memory``; in the JIT (``linkable`` True) an undefined symbol the
                         embedding resolves to a memory it reserved (``emitter/jit/externals.py``: the address space
                         of the whole maximum, committed by the kernel page by page on first touch).
    table record         ``struct jitdebug_table`` (``TABLE_RECORD_*``): base of the 8-byte entries, current size,
                         the most entries it may grow to. ``<m>.tabrec<N>``, as memories: a static blob over the
                         zero-filled ``<m>.table<N>`` (``.bss``: an object pays nothing for a large table) in an
                         object, an undefined symbol resolved by the embedding in the JIT.
    ``<m>.memories``     with several memories, one pointer per memory (index space, imports first) to
                         its record: memories other than 0 are reached through it (``memories.py``).
    ``<m>.globals``      8 bytes per *defined* global, initialised (i32/f32 in the low 4 bytes); an imported global
                         is reached through ``<m>.global_imports``, one pointer per imported global to its cell
                         (``<m>.gimport<K>``, resolved by the embedding; the JIT only).
    ``<m>.funcs``        one 16-byte descriptor per function (code pointer, signature id); a funcref value is a
                         pointer to a descriptor, null for ``ref.null``. Signature ids: in an object the index of
                         the first structurally equal type; in the JIT canonical process-wide ids
                         (``emitter/jit/types.py``), so ``call_indirect`` checks funcrefs from any module.
    ``<m>.data<N>``      read-only bytes of data segment N; ``<m>.data_lengths`` its live length (0 once dropped).
    ``<m>.fault_address`` the effective address of the last load or store that trapped (``MEMORY_FAULT``), then
                         the address of the record of the memory it missed (two words).
    ``<m>.elem<N>``      funcrefs of element segment N; ``<m>.elem_lengths`` its live length.

Instantiation
    ``<m>.instantiate`` (a local function of the module, C convention, no arguments) sets the stack limit to
    ``rsp - STACK_BUDGET`` (``STACK_BUDGET_WINDOWS`` in a Windows object) if it is still 0 and runs the start
    function, once (the instantiated flag); in an object it first copies the active element segments into their
    tables (from ``<m>.elem<N>``) and the active data segments into memory. In the JIT the embedding does that,
    before, in Python (``emitter/jit/linker.py``: offsets may read imported globals and bounds are those of
    imported tables and memories), and sets the stack limit itself (``_native.stack_limit``). Every exported
    function calls it on entry while the flag is 0, so a C host may call exports directly.
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
#: ``int64_t jitdebug_memory_grow(struct jitdebug_memory *, uint64_t pages)``: ``memory.grow`` in the JIT, whose
#: memories are reserved PROT_NONE and made read-write as they grow (an x86-64 Linux object calls its own copy,
#: ``<m>.memory_grow``; a Windows object's static memory grows inline); the old size in pages or -1 (a 32-bit
#: memory passes a zero-extended u32 and keeps the low half).
MEMORY_GROW_HOOK = "jitdebug_memory_grow"

VMCTX_MEMORY_BASE = 0
#: A pointer to memory 0's record (the current size used to be this word: it is ``[[vmctx + 8] + 8]`` now).
VMCTX_MEMORY = 8
VMCTX_STACK_LIMIT = 24
VMCTX_INSTANTIATED = 32
#: One pointer per table to its record.
VMCTX_TABLES = 40

#: ``struct jitdebug_memory``: every field a u64 (64-bit sizes: memory64 fits).
MEMORY_RECORD_BASE = 0
MEMORY_RECORD_SIZE = 8
MEMORY_RECORD_MAXIMUM = 16
MEMORY_RECORD_RESERVED = 24
MEMORY_RECORD_BYTES = 32
#: ``struct jitdebug_table``.
TABLE_RECORD_BASE = 0
TABLE_RECORD_SIZE = 8
TABLE_RECORD_CAPACITY = 16
TABLE_RECORD_BYTES = 24
#: The most pages a 32-bit memory may have (4 GiB).
MEMORY32_MAX_PAGES = 65536

#: Stack the Wasm code may use below the point where it was first entered. wasmtime's default maximum is 512 KiB
#: of Cranelift frames; ours keep every local and operand-stack slot in memory (a recursive C function at -O0:
#: 336 bytes a frame against Cranelift's 64), so the budget is eight times it, for at least wasmtime's call depth
#: (``tests/test_trap_stack_depth.py``). Linux threads have 8 MiB of stack unless told otherwise.
STACK_BUDGET = 4 * 1024 * 1024
#: A Windows object's budget: a Windows thread has 1 MiB of stack by default, so it keeps wasmtime's figure.
STACK_BUDGET_WINDOWS = 512 * 1024
#: What the JIT leaves below the limit of the thread's stack (``_native.stack_limit``): the trap's path and the
#: host run there after ``call stack exhausted``.
STACK_RESERVE = 512 * 1024
WASM_PAGE = 65536
#: Objects' static storage: headroom for ``memory.grow`` when a memory declares no maximum, and the cap.
MEMORY_HEADROOM_PAGES = 256
MEMORY_CAP_PAGES = 16384
TABLE_HEADROOM = 1024
#: The largest table compiled, in entries (V8's limit); larger ones raise ``UnsupportedError``.
TABLE_CAP_ENTRIES = 10_000_000


def memory_maximum_bytes(maximum_pages: int | None) -> int:
    """The most bytes a 32-bit memory may grow to: its declared maximum, else 4 GiB."""
    return (MEMORY32_MAX_PAGES if maximum_pages is None else min(maximum_pages, MEMORY32_MAX_PAGES)) * WASM_PAGE


def memory_reservation(maximum_pages: int | None) -> int:
    """Bytes of address space a reserved 32-bit memory takes (the ``reserved`` word of its record): the whole
    maximum, at least one page (``mmap`` of 0 bytes fails)."""
    return max(memory_maximum_bytes(maximum_pages), 4096)


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
