"""``br_table``: a bounds check and an indirect jump through a table of 32-bit offsets, instead of a compare per
target (a 4,096-case dispatch was 4,096 compares on the default path).

    mov   eax, [operand]          ; the index, zero-extended
    cmp   eax, N
    jae   default
    lea   rcx, [rip + table]
    movsxd rax, dword [rcx + rax*4]
    add   rax, rcx
    jmp   rax

The table lies after the whole function body (``FunctionCompiler.finish``), so the instruction stream stays one
contiguous run for disassemblers and the line table; its entries are offsets from the table's start, so it needs
no relocation and the code stays position-independent. Targets whose values must move first (or that leave a
legacy catch block, or return) get an out-of-line stub, as before; small tables keep the compare chain, which is
shorter and predicts as well.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..compiled import NO_WASM_OFFSET
from ..x64.asm import RAX, RCX, Label, Mem

if TYPE_CHECKING:
    from ..wasm.module import Instr
    from .function import FunctionCompiler

#: Below this many targets a compare chain is as fast and smaller.
MIN_TABLE_TARGETS = 8
_entry = struct.Struct("<i").pack_into


@dataclass(slots=True)
class JumpTable:
    """A table to emit after the body: its label and the label of each entry's target."""

    label: Label
    targets: list[Label]


def compile_br_table(c: FunctionCompiler, i: Instr) -> bool:
    labels, default = i.imm
    if not isinstance(labels, tuple):
        raise c.error("bad br_table immediate")
    a = c.a
    c.depth -= 1
    a.mov(4, RAX, c.slot(c.depth))
    stubs: dict[int, Label] = {}

    def target(depth: int) -> Label:
        if not c.needs_moves(depth):
            return c.control[-1 - depth].target
        if depth not in stubs:
            stubs[depth] = Label()
        return stubs[depth]

    default_depth = c.int_immediate(default)
    if len(labels) >= MIN_TABLE_TARGETS:
        a.alu("cmp", 4, RAX, len(labels), imm=True)
        a.jcc("ae", target(default_depth))
        table = Label()
        a.lea_label(RCX, table)
        a.movsx(8, RAX, 4, Mem(RCX, 0, RAX, 4))
        a.alu("add", 8, RAX, RCX)
        a.jmp_indirect(RAX)
        entries = [target(c.int_immediate(depth)) for depth in labels]
        c.jump_tables.append(JumpTable(table, entries))
    else:
        for n, depth in enumerate(labels):
            a.alu("cmp", 4, RAX, n, imm=True)
            a.jcc("e", target(c.int_immediate(depth)))
        if c.needs_moves(default_depth):
            c.branch(default_depth)
        else:
            a.jmp(c.control[-1 - default_depth].target)
    for depth, label in stubs.items():
        a.bind(label)
        c.branch(depth)
    return True


def emit_jump_tables(c: FunctionCompiler) -> None:
    """Write the function's tables at the end of its body, where every target is bound."""
    a = c.a
    for table in c.jump_tables:
        while a.offset % 4:
            a.int3()
        # Data, not code: no source line and no Wasm offset, so no debugger puts a breakpoint (an int3) into it.
        c.lines.append((a.offset, 0, NO_WASM_OFFSET, False))
        a.bind(table.label)
        start = a.offset
        a.code += bytes(4 * len(table.targets))
        for n, target in enumerate(table.targets):
            position = target.position
            if position is None:
                raise c.error("br_table target never bound")
            _entry(a.code, start + 4 * n, position - start)
