"""Memory instructions on any memory: multiple memories (a memory index on every memory instruction) and memory64
(i64 addresses, sizes and ``memory.grow`` operands).

Where a memory is reached (``runtime.py``): memory 0's base is the vmctx's word 0 (kept in rbx by functions that
access memory, see ``function.py``) and its record's address the vmctx's word 8; every memory's record address is
also in ``<m>.memories``, one word per memory (index space, imports first), which is how memories other than 0
are reached: the record's address, then its base and current size from the record. A memory's base never moves,
so only the size is read at each access (it changes when the memory grows, possibly through another instance).

``function.py`` keeps its own code for loads and stores on 32-bit memories (with wasmtime's trap reports and its
guard-region reasoning); this module compiles those on 64-bit memories and every other instruction on any memory
but a 32-bit memory 0, and a 32-bit memory 0 too when an
instruction pairs it with another (``memory.copy`` between two memories).

Bounds checks: an access of ``size`` bytes at address ``a`` with static offset ``o`` is in bounds when
``a + o + size <= current size``. For a 32-bit memory ``a + o + size`` is below 2^33 and 64-bit arithmetic is
exact. For a 64-bit memory each addition is checked for carry (``a + o`` can pass 2^64): an address that wraps is
out of bounds, never a small address. The bulk instructions check ``start + length`` the same way and trap with
``MEMORY_OUT_OF_BOUNDS`` (wasmtime's "out of bounds memory access", no fault line, as wasmtime on any memory).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import UnsupportedError
from ..wasm.module import Instr, Limits
from ..x64.asm import R11, RAX, RBX, RCX, RDI, RDX, RSI, Label, Mem, RipRel
from .bulk_memory import emit_overlapping_copy
from .runtime import (
    MEMORY_RECORD_BASE,
    MEMORY_RECORD_MAXIMUM,
    MEMORY_RECORD_SIZE,
    VMCTX_MEMORY,
    TrapCode,
)

if TYPE_CHECKING:
    from ..wasm.module import Module
    from .function import FunctionCompiler


def memory_limits(module: Module) -> list[Limits]:
    """Every memory's limits in the memory index space (imports first)."""
    imported = [i.desc for i in module.imported("memory") if isinstance(i.desc, Limits)]
    return imported + list(module.memories)


def index64(module: Module) -> tuple[bool, ...]:
    """Per memory, whether it is a 64-bit memory."""
    return tuple(limits.index64 for limits in memory_limits(module))


def memarg_memory(i: Instr) -> int:
    """The memory a load or store names (a memarg carries it only when it is not 0; a lane access has its lane
    immediate before it)."""
    position = 3 if i.op.endswith("_lane") else 2
    memory = i.imm[position] if len(i.imm) > position else 0
    if not isinstance(memory, int):
        raise UnsupportedError(f"unexpected memory immediate {memory!r}", i.offset)
    return memory


def is64(c: FunctionCompiler, memory: int) -> bool:
    flags = c.ctx.memory64
    return memory < len(flags) and flags[memory]


def general(c: FunctionCompiler, memory: int) -> bool:
    """Whether an instruction on ``memory`` is compiled here rather than by ``function.py``'s memory-0 code."""
    return memory != 0 or is64(c, memory)


def record(c: FunctionCompiler, memory: int) -> RipRel:
    """The word holding the address of memory ``memory``'s record."""
    if memory == 0:
        return RipRel(c.sym.vmctx, VMCTX_MEMORY)
    return RipRel(c.sym.memories, 8 * memory)


def base(c: FunctionCompiler, memory: int, record_register: int, register: int) -> int:
    """A register holding memory ``memory``'s base: rbx for memory 0, else ``register`` loaded from the record
    whose address is in ``record_register``."""
    if memory == 0:
        return RBX
    c.a.mov(8, register, Mem(record_register, MEMORY_RECORD_BASE))
    return register


#: wasmtime 50's guard region after a memory (32 MiB, as for 32-bit memories: ``function.py``).
WASMTIME_GUARD = 32 << 20


def address(c: FunctionCompiler, slot: Mem | int, offset: int, size: int, memory: int) -> Mem:
    """The bounds-checked operand of a ``size``-byte access to 64-bit memory ``memory`` at the address in ``slot``
    plus ``offset``: rax holds the address (+ the offset when it does not fit a displacement, or when the access
    may report a fault), the base register is rbx (memory 0) or rcx; clobbers rcx and rdx.

    Which trap report is wasmtime's (measured with wasmtime-py, tests/test_trap_messages_memories.py): Cranelift
    checks ``address > size`` alone when offset + size fits its 32 MiB guard (more than one byte), and lets an
    access that starts in bounds and ends past them fault in the guard ("memory fault at wasm address ..."); any
    other out-of-bounds access is caught by an exact check (a plain "out of bounds memory access")."""
    a = c.a
    out = c.trap(TrapCode.MEMORY_OUT_OF_BOUNDS)
    reach = offset + size
    if reach >= 1 << 64:  # no address reaches past 2^64 - 1: always out of bounds (the access is dead code)
        a.jmp(out)
        return Mem(RBX, 0, RAX, 1)
    a.mov(8, RAX, slot)
    if 1 < reach <= WASMTIME_GUARD and c.ctx.fault_reports:
        # rax <= size < 2^64 - reach after the first check: rax + reach cannot carry.
        a.mov(8, RDX, record(c, memory))
        a.alu("cmp", 8, RAX, Mem(RDX, MEMORY_RECORD_SIZE))
        a.jcc("a", out)
        if offset:
            a.lea(8, RAX, Mem(RAX, offset))
        a.lea(8, RCX, Mem(RAX, size))
        a.alu("cmp", 8, RCX, Mem(RDX, MEMORY_RECORD_SIZE))
        a.jcc("a", c.trap(TrapCode.MEMORY_FAULT))
        return Mem(base(c, memory, RDX, RCX), 0, RAX, 1)
    # rcx = address + offset + size (a carry: past 2^64, out of bounds), compared with the current size.
    if reach < 1 << 31:
        a.mov(8, RCX, RAX)
        a.alu("add", 8, RCX, reach, imm=True)
    else:
        a.mov_imm(8, RCX, reach)
        a.alu("add", 8, RCX, RAX)
    a.jcc("b", out)
    a.mov(8, RDX, record(c, memory))
    a.alu("cmp", 8, RCX, Mem(RDX, MEMORY_RECORD_SIZE))
    a.jcc("a", out)
    register = base(c, memory, RDX, RCX)
    if offset < 1 << 31:
        return Mem(register, offset, RAX, 1)
    a.mov_imm(8, RDX, offset)
    a.alu("add", 8, RAX, RDX)
    return Mem(register, 0, RAX, 1)


def check_range(c: FunctionCompiler, start: int, length: int, record_register: int) -> None:
    """Trap unless register ``start`` + register ``length`` (u64, either may be a zero-extended u32) <= the current
    size of the memory whose record address is in ``record_register`` (clobbers rdx)."""
    a = c.a
    out = c.trap(TrapCode.MEMORY_OUT_OF_BOUNDS)
    a.mov(8, RDX, start)
    a.alu("add", 8, RDX, length)
    a.jcc("b", out)
    a.alu("cmp", 8, RDX, Mem(record_register, MEMORY_RECORD_SIZE))
    a.jcc("a", out)


def _size(wide: bool) -> int:
    return 8 if wide else 4


def memory_size(c: FunctionCompiler, memory: int) -> bool:
    a = c.a
    a.mov(8, RCX, record(c, memory))
    a.mov(8, RAX, Mem(RCX, MEMORY_RECORD_SIZE))
    a.shift("shr", 8, RAX, 16)
    a.mov(_size(is64(c, memory)), c.slot(c.depth), RAX)
    c.push()
    return False


def memory_grow(c: FunctionCompiler, memory: int) -> bool:
    """What grows a reserved memory (the JIT's ``jitdebug_memory_grow``, an object's ``<m>.memory_grow``) takes a
    u64 page count and returns the old size or -1 as an i64: a 32-bit memory passes a zero-extended u32 and keeps
    the low half. Static storage (a Windows object) grows inline."""
    a = c.a
    wide = is64(c, memory)
    slot = c.slot(c.depth - 1)
    if c.ctx.grow_symbol is None:
        _grow_inline(c, memory, wide, slot)
        return False
    a.mov(8, c.abi.int_args[0], record(c, memory))
    a.mov(_size(wide), c.abi.int_args[1], slot)
    a.call_symbol(c.ctx.grow_symbol)
    c.call_end = a.offset
    a.mov(_size(wide), slot, RAX)
    return False


def _grow_inline(c: FunctionCompiler, memory: int, wide: bool, slot: Mem) -> None:
    """Static storage zero beyond the current size (never touched: accesses past the size trap): growing is
    storing the new size, when the pages asked for are at most those left before the record's maximum."""
    a = c.a
    fail, done = Label(), Label()
    a.mov(8, RDX, record(c, memory))
    a.mov(_size(wide), RAX, slot)
    a.mov(8, RCX, Mem(RDX, MEMORY_RECORD_SIZE))
    a.mov(8, R11, Mem(RDX, MEMORY_RECORD_MAXIMUM))
    a.alu("sub", 8, R11, RCX)
    a.shift("shr", 8, R11, 16)
    a.alu("cmp", 8, RAX, R11)
    a.jcc("a", fail)
    a.shift("shl", 8, RAX, 16)
    a.alu("add", 8, RAX, RCX)
    a.mov(8, Mem(RDX, MEMORY_RECORD_SIZE), RAX)
    a.shift("shr", 8, RCX, 16)
    a.mov(_size(wide), slot, RCX)
    a.jmp(done)
    a.bind(fail)
    a.mov_store_imm(_size(wide), slot, -1)
    a.bind(done)


def memory_fill(c: FunctionCompiler, memory: int) -> bool:
    a = c.a
    wide = _size(is64(c, memory))
    c.depth -= 3
    dst, value, length = c.slot(c.depth), c.slot(c.depth + 1), c.slot(c.depth + 2)
    a.mov(wide, RDI, dst)
    a.mov(wide, RCX, length)
    a.mov(8, RAX, record(c, memory))
    check_range(c, RDI, RCX, RAX)
    a.alu("add", 8, RDI, base(c, memory, RAX, RDX))
    a.mov(4, RAX, value)
    a.rep_stosb()
    return False


def memory_copy(c: FunctionCompiler, destination: int, source: int) -> bool:
    """Between any two memories (the length is an i64 only when both are 64-bit)."""
    a = c.a
    dst_wide, src_wide = is64(c, destination), is64(c, source)
    c.depth -= 3
    dst, src, length = c.slot(c.depth), c.slot(c.depth + 1), c.slot(c.depth + 2)
    a.mov(_size(dst_wide), RDI, dst)
    a.mov(_size(src_wide), RSI, src)
    a.mov(_size(dst_wide and src_wide), RCX, length)
    a.mov(8, RAX, record(c, destination))
    a.mov(8, R11, record(c, source))
    check_range(c, RDI, RCX, RAX)
    check_range(c, RSI, RCX, R11)
    a.alu("add", 8, RDI, base(c, destination, RAX, RDX))
    a.alu("add", 8, RSI, base(c, source, R11, RDX))
    emit_overlapping_copy(a)
    return False


def memory_init(c: FunctionCompiler, segment: int, memory: int) -> bool:
    """Data segment ``segment`` into any memory (the destination is an i64 in a 64-bit memory; the segment's
    offset and the length are i32)."""
    a = c.a
    c.depth -= 3
    dst, src, length = c.slot(c.depth), c.slot(c.depth + 1), c.slot(c.depth + 2)
    a.mov(_size(is64(c, memory)), RDI, dst)
    a.mov(4, RSI, src)
    a.mov(4, RCX, length)
    a.mov(8, RAX, record(c, memory))
    check_range(c, RDI, RCX, RAX)
    c.check_range(RSI, RCX, RipRel(c.sym.data_lengths, 8 * segment), TrapCode.MEMORY_OUT_OF_BOUNDS)
    a.alu("add", 8, RDI, base(c, memory, RAX, RDX))
    a.lea(8, RAX, RipRel(c.sym.indexed("data", segment)))
    a.alu("add", 8, RSI, RAX)
    a.rep_movsb()
    return False
