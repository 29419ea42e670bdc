"""Bounds checks by guard regions: which loads and stores of a 32-bit memory need no compare, and the trap stub a
fault in the guard lands on.

wasmtime 50's x86-64 defaults (``-O memory-reservation`` 4 GiB, ``-O memory-guard-size`` 32 MiB,
``-O signals-based-traps=y``): a 32-bit memory reserves 4 GiB of address space plus 32 MiB of guard pages after
it, inaccessible past the memory's current size, and an access whose static offset + size fits the guard is made
without a compare: ``mov eax, address; op [base + rax + offset]``. Any 32-bit address + offset + size then stays
inside the reservation, so an access out of bounds faults (``SIGSEGV``) in pages nobody maps, and the runtime's
handler (``emitter/runtime/jitdebug_guard.c``) turns the fault into the trap: it finds the faulting pc in the
module's table of such accesses (``CompiledFunction.guard_sites``: the access's code range and the stub it
traps through), puts the faulting native address in rax and resumes at the stub, which is an ordinary trap stub of
the access's function, at the access's Wasm offset: it converts the address to the Wasm address (minus the
memory's base), leaves it and the memory's record in ``<m>.fault_address`` as the explicit check's stub does,
and calls the trap hook. So the report, the backtrace and the core file are those of today's explicit check
(``memory fault at wasm address A``: the first byte that faulted, as wasmtime reports it, which is what the
explicit check computes as ``max(effective address, size)``).

An access whose offset + size does not fit the guard keeps the explicit check (``FunctionCompiler.address``), as
does every access of a 64-bit memory (``memories.address``) and every bulk instruction. Which accesses elide is
decided at compile time and must hold for every memory the code can see: it is only on where every such memory is
one the project reserves itself with the guard, whatever its declared maximum or index, imported or defined
(``guard_regions`` of the compile: the JIT on x86-64 Linux, whose ``Memory`` always reserves ``RESERVED`` bytes
for a 32-bit memory, ``emitter/jit/externals.py``; and objects for C hosts on x86-64 Linux, whose memories are all
their own and reserve ``RESERVED`` bytes when any access elides, the object bringing its own handler:
``aot_guards.py``). The opt-out ``signals-based-traps=n`` compiles every access
with its explicit check, as before (the memories keep their guard: a module compiled either way may import them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..x64.asm import RAX, RBX, RCX, RDX, Mem, RipRel
from . import memories
from .runtime import MEMORY_RECORD_BASE, TrapCode

if TYPE_CHECKING:
    from .function import FunctionCompiler

#: wasmtime's ``memory-reservation`` and ``memory-guard-size`` defaults on x86-64 (tests/test_trap_memory_fault.py
#: measures which of its reports each implies).
RESERVATION = 1 << 32
GUARD = 32 << 20
#: Address space a 32-bit memory reserves where accesses may elide their check.
RESERVED = RESERVATION + GUARD


def elides(c: FunctionCompiler, memory: int, reach: int) -> bool:
    """Whether an access of a 32-bit ``memory`` reaching ``reach`` bytes past its address (offset + size) needs no
    compare: every address + ``reach`` ends inside the reservation, and wasmtime's access would fault too (its
    explicit trap for offsets past the memory's maximum is kept)."""
    return (c.ctx.guard_regions and not memories.is64(c, memory) and reach <= c.wasmtime_maximum(memory)
            and 0xFFFFFFFF + reach <= RESERVED)


def address(c: FunctionCompiler, slot: Mem | int, offset: int, memory: int) -> Mem:
    """The operand of an access without a check: rax the zero-extended address, the base rbx (memory 0) or rcx
    (another memory, from its record; clobbers rdx). The access is the next instruction that touches memory: its
    code range (from here to the next such site or the function's end) goes into the function's guard sites."""
    a = c.a
    a.mov(4, RAX, slot)
    base = RBX
    if memory:
        a.mov(8, RDX, memories.record(c, memory))
        a.mov(8, RCX, Mem(RDX, MEMORY_RECORD_BASE))
        base = RCX
    c.guard_site(memory)
    return Mem(base, offset, RAX, 1)


def emit_stub(c: FunctionCompiler, memory: int) -> None:
    """Where the handler resumes a fault at a guard site, rax holding the faulting native address: the Wasm
    address and the memory's record into ``<m>.fault_address`` (``emit_trap_stub``'s words), then the trap."""
    a = c.a
    a.mov(8, RDX, memories.record(c, memory))
    a.alu("sub", 8, RAX, Mem(RDX, MEMORY_RECORD_BASE))
    a.mov(8, RipRel(c.sym.fault_address), RAX)
    a.mov(8, RipRel(c.sym.fault_address, 8), RDX)
    c.emit_trap_call(TrapCode.MEMORY_FAULT)


def site_ranges(sites: list[tuple[int, int]], end: int) -> tuple[tuple[int, int, int], ...]:
    """(start, end, stub) code offsets of a function's guard sites (``(site, stub)`` pairs): each from its
    access to the next site, the last to ``end``."""
    ordered = sorted(sites)
    return tuple((start, ordered[k + 1][0] if k + 1 < len(ordered) else end, stub)
                 for k, (start, stub) in enumerate(ordered))
