"""Linear memory of an AOT object on x86-64 Linux: address space reserved at instantiation, committed as it grows.

An object linked into a C program has no embedding to create its memory (the JIT's ``emitter/jit/externals.py``),
and a C host links nothing but the object (``cc host.c m.o``), so the object does it itself, with two local
functions it defines and Linux system calls (no libc symbol: a Wasm function named ``mmap`` or ``mprotect`` is a
local symbol of the same object, which a call by name would bind to):

``<m>.memory_reserve`` (no arguments; called by ``<m>.instantiate`` before the data segments are copied)
    for each memory: ``mmap`` of the record's ``reserved`` bytes ``PROT_NONE``, ``MAP_PRIVATE | MAP_ANONYMOUS |
    MAP_NORESERVE`` (no commit charge: a 4 GiB reservation costs nothing), then ``mprotect`` of the minimum
    read-write; the base goes into the record (memory 0's into vmctx word 0 too), where it stays (it never moves).
    ``reserved`` is the maximum, or 4 GiB + 32 MiB for a 32-bit memory whose accesses rely on the guard
    (``aot_guards.py``).
    If the kernel refuses, the process ends with ``jitdebug: error: cannot reserve the linear memory's address
    space`` on stderr and exit code 1.
``<m>.memory_grow`` (``int64_t (struct jitdebug_memory *, uint64_t pages)``, what ``memory.grow`` calls)
    the JIT's ``jitdebug_memory_grow`` (``emitter/jit/_native.c``): up to the record's maximum, ``mprotect`` the
    new pages read-write (the kernel commits each on its first touch, zero), store the new size; returns the old
    size in pages, or -1 (past the maximum, or when the kernel refuses: the size is then unchanged).

Both keep the project's standard frame (``push rbp; mov rbp, rsp`` .. ``mov rsp, rbp; pop rbp; ret``), described
at every instruction, so a debugger stopped in them (or in the system call) unwinds as from any other function.
The Windows target keeps static storage (``compiler.py``): an object there would need ``VirtualAlloc``.
"""

from __future__ import annotations

from ..compiled import CompiledFunction, DataBlob, LineEntry, LineTable
from ..unwind import UnwindOp, UnwindProgram
from ..x64.asm import R8, R9, R10, RAX, RBP, RDI, RDX, RSI, RSP, Assembler, Label, Mem, RipRel
from .frame import emit_epilogue
from .runtime import (
    MEMORY_RECORD_BASE,
    MEMORY_RECORD_MAXIMUM,
    MEMORY_RECORD_RESERVED,
    MEMORY_RECORD_SIZE,
    VMCTX_MEMORY_BASE,
    StateSymbols,
)

_SYS_WRITE = 1
_SYS_MMAP = 9
_SYS_MPROTECT = 10
_SYS_EXIT_GROUP = 231
_PROT_READ_WRITE = 3
_MAP_PRIVATE_ANONYMOUS_NORESERVE = 0x02 | 0x20 | 0x4000
_RESERVE_FAILED = b"jitdebug: error: cannot reserve the linear memory's address space\n"


def reserve_symbol(state: StateSymbols) -> str:
    return state.memory_reserve


def grow_symbol(state: StateSymbols) -> str:
    return state.memory_grow


def memory_functions(state: StateSymbols, count: int = 1) -> tuple[list[CompiledFunction], list[DataBlob]]:
    """``<m>.memory_reserve`` for the module's ``count`` memories (``<m>.memrec0`` ...; an object defines all of
    its memories, none is imported) and ``<m>.memory_grow`` for any of them, and the failure message."""
    message = DataBlob(state.memory_reserve_failed, len(_RESERVE_FAILED), _RESERVE_FAILED, writable=False, align=1)
    return [_reserve(state, message.name, count), _grow(state)], [message]


def _reserve(state: StateSymbols, message: str, count: int) -> CompiledFunction:
    """Each memory in turn, unrolled (a module has a handful): reserve, store the base, commit the minimum."""
    a, unwind = prologue(state.memory_reserve)
    fail = Label()
    for index in range(count):
        record = state.indexed("memrec", index)
        done = Label()
        a.mov(8, RSI, RipRel(record, MEMORY_RECORD_RESERVED))
        a.alu("xor", 4, RDI, RDI)
        a.alu("xor", 4, RDX, RDX)  # PROT_NONE
        a.mov_imm(4, R10, _MAP_PRIVATE_ANONYMOUS_NORESERVE)
        a.mov_imm(8, R8, -1)
        a.alu("xor", 4, R9, R9)
        a.mov_imm(4, RAX, _SYS_MMAP)
        a.syscall()
        a.alu("cmp", 8, RAX, -4095, imm=True)
        a.jcc("ae", fail)  # -errno
        a.mov(8, RipRel(record, MEMORY_RECORD_BASE), RAX)
        if index == 0:
            a.mov(8, RipRel(state.vmctx, VMCTX_MEMORY_BASE), RAX)
        a.mov(8, RSI, RipRel(record, MEMORY_RECORD_SIZE))
        a.test(8, RSI, RSI)
        a.jcc("e", done)
        a.mov(8, RDI, RAX)
        a.mov_imm(4, RDX, _PROT_READ_WRITE)
        a.mov_imm(4, RAX, _SYS_MPROTECT)
        a.syscall()
        a.test(8, RAX, RAX)
        a.jcc("ne", fail)
        a.bind(done)
    epilogue(a, unwind)
    a.bind(fail)
    fatal(a, message, len(_RESERVE_FAILED))
    return finished(state.memory_reserve, a, unwind)


def _grow(state: StateSymbols) -> CompiledFunction:
    """A u64 page count (memory64's; a 32-bit memory's code passes a zero-extended u32), compared with the pages
    left before the maximum so that no count overflows when converted to bytes."""
    a, unwind = prologue(state.memory_grow)
    fail, done, leave = Label(), Label(), Label()
    a.mov(8, R8, Mem(RDI, MEMORY_RECORD_SIZE))
    a.mov(8, RDX, Mem(RDI, MEMORY_RECORD_MAXIMUM))
    a.alu("sub", 8, RDX, R8)
    a.shift("shr", 8, RDX, 16)  # pages left (size and maximum are whole pages)
    a.alu("cmp", 8, RSI, RDX)
    a.jcc("a", fail)
    a.mov(8, RAX, RSI)
    a.shift("shl", 8, RAX, 16)
    a.test(8, RAX, RAX)
    a.jcc("e", done)
    a.mov(8, R9, RDI)  # the kernel keeps r8-r10 across a system call (it clobbers rax, rcx, r11)
    a.mov(8, R10, RAX)
    a.mov(8, RSI, RAX)
    a.mov(8, RDI, Mem(R9, MEMORY_RECORD_BASE))
    a.alu("add", 8, RDI, R8)
    a.mov_imm(4, RDX, _PROT_READ_WRITE)
    a.mov_imm(4, RAX, _SYS_MPROTECT)
    a.syscall()
    a.test(8, RAX, RAX)
    a.jcc("ne", fail)
    a.mov(8, RAX, R10)
    a.mov(8, RDI, R9)
    a.bind(done)
    a.alu("add", 8, Mem(RDI, MEMORY_RECORD_SIZE), RAX)
    a.mov(8, RAX, R8)
    a.shift("shr", 8, RAX, 16)
    a.jmp(leave)
    a.bind(fail)
    a.mov_imm(8, RAX, -1)
    a.bind(leave)
    epilogue(a, unwind)
    return finished(state.memory_grow, a, unwind)


def prologue(name: str) -> tuple[Assembler, UnwindProgram]:
    a = Assembler()
    unwind = UnwindProgram(function=name)
    a.push(RBP)
    unwind.push(a.offset, "rbp")
    a.mov(8, RBP, RSP)
    unwind.set_frame_pointer(a.offset, "rbp")
    unwind.prologue_end(a.offset)
    return a, unwind


def fatal(a: Assembler, message: str, length: int) -> None:
    """Write the ``length`` bytes at ``message`` to stderr and end the process with exit code 1, by system
    calls (an object's own code may not call libc: see the module docstring)."""
    a.mov_imm(4, RDI, 2)
    a.lea(8, RSI, RipRel(message))
    a.mov_imm(4, RDX, length)
    a.mov_imm(4, RAX, _SYS_WRITE)
    a.syscall()
    a.mov_imm(4, RDI, 1)
    a.mov_imm(4, RAX, _SYS_EXIT_GROUP)
    a.syscall()
    a.ud2()


def epilogue(a: Assembler, unwind: UnwindProgram) -> None:
    records: list[UnwindOp] = []
    emit_epilogue(a, [], records)
    for record in records:
        unwind.add(record)


def finished(name: str, a: Assembler, unwind: UnwindProgram) -> CompiledFunction:
    code = bytes(a.code)
    unwind.validate(len(code))
    return CompiledFunction(name=name, code=code, unwind=unwind, relocations=list(a.relocations),
                            lines=LineTable([LineEntry(0, 0, is_statement=False)]), frame_base="rbp", align=16)
