"""A function returning an aggregate through memory also returns it as natively, for debuggers.

In Wasm's C ABI such a function (``struct s make(int)``, a Rust function returning ``String``) has no Wasm result:
its first parameter is the result's address in linear memory. gdb's and lldb's ``finish`` read a returned value
where the x86-64 System V ABI has it for the DWARF return type, so at each return the function also loads the
result into the registers the type's classification names (``dwarf/return_types.py``: rax/rdx for INTEGER
eightbytes, xmm0/xmm1 for SSE ones, in order), or, for a MEMORY-class type, puts its native address (memory base
+ the Wasm pointer) in rax. Where the ABI leaves a register unused that LLDB reads a field from anyway (a union's
floating member), that register gets the field's eightbyte too (``ReturnPlan.extra``). Nothing reads them but a
debugger: every register written (r11 and rcx too) is caller-saved and free at a return of a function with no
Wasm result.

The pointer is captured at entry, into the frame's hidden slot (the one functions with several results use for
theirs): at -O1 and above the Wasm local that held it may hold other values by the return. The loads come before
the epilogue proper, in the return instruction's row; they move no stack pointer, so the unwind rows stay as they
are. Only System V targets get plans (``plans_for``), and only functions whose producer DWARF describes the type.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from ..compiled import WasmDwarf
from ..dwarf.return_types import INTEGER, ReturnPlan
from ..x64.asm import R11, RAX, RCX, RDX, Label, Mem, RipRel
from .runtime import MEMORY_RECORD_SIZE, VMCTX_MEMORY_BASE
from .sysv import SYSV

if TYPE_CHECKING:
    from .function import FunctionCompiler

_INTEGER_REGISTERS = (RAX, RDX)
_SSE_REGISTERS = (0, 1)
_NAMED = {"rax": RAX, "rdx": RDX, "xmm0": 0, "xmm1": 1}


def emit_result_registers(c: FunctionCompiler, plan: ReturnPlan) -> None:
    """At a return: rcx = memory base + the captured pointer, then the result's eightbytes into their registers
    (or rcx into rax for a MEMORY-class type), when the result lies inside the memory."""
    a = c.a
    slot: Mem = c.local(c.hidden_slot)
    a.mov(4, RCX, slot)  # the i32 pointer, zero-extended
    # Inside the memory, or no loads: a pointer the function never wrote through (hand-written Wasm) must not
    # fault here where the Wasm code did not.
    outside = Label()
    a.lea(8, RAX, Mem(RCX, plan.size))
    a.mov(8, RDX, c.memory_record(0))
    a.alu("cmp", 8, RAX, Mem(RDX, MEMORY_RECORD_SIZE))
    a.jcc("a", outside)
    a.alu("add", 8, RCX, RipRel(c.sym.vmctx, VMCTX_MEMORY_BASE))
    if plan.in_memory:
        a.mov(8, RAX, RCX)
        a.bind(outside)
        return
    integers, sses = iter(_INTEGER_REGISTERS), iter(_SSE_REGISTERS)
    loads = [(next(integers) if kind == INTEGER else next(sses), kind == INTEGER, offset, size)
             for kind, offset, size in plan.eightbytes]
    loads += [(_NAMED[name], name.startswith("r"), offset, size) for name, offset, size in plan.extra]
    for register, integer, offset, size in loads:
        if integer:
            _load_integer(c, register, offset, size)
        else:
            a.movss_load(4 if size == 4 else 8, register, Mem(RCX, offset))
    a.bind(outside)


def _load_integer(c: FunctionCompiler, register: int, offset: int, size: int) -> None:
    """``size`` bytes (1 to 8) at [rcx + offset] into ``register``, reading no byte past them (the result may end
    at the end of the memory): the widest pieces first, the others or-ed in through r11."""
    a = c.a
    done = 0
    for piece in (8, 4, 2, 1):
        if size - done < piece:
            continue
        target = register if done == 0 else R11
        source = Mem(RCX, offset + done)
        if piece >= 4:
            a.mov(piece, target, source)
        else:
            a.movzx(4, target, piece, source)
        if done:
            a.shift("shl", 8, R11, 8 * done)
            a.alu("or", 8, register, R11)
        done += piece


def plans_for(abi_name: str, plans: dict[int, ReturnPlan]) -> dict[int, ReturnPlan]:
    """The plans code generation applies: System V's classification, so none on other targets."""
    return plans if abi_name == SYSV.name else {}


def mark_extents(dwarf: WasmDwarf, plans: dict[int, ReturnPlan]) -> WasmDwarf:
    """``dwarf`` with the extents of the functions that have a plan marked, for the translation."""
    if not plans:
        return dwarf
    functions = {index: dataclasses.replace(extent, returns_natively=True) if index in plans else extent
                 for index, extent in dwarf.functions.items()}
    return dataclasses.replace(dwarf, functions=functions)
