"""Table instructions on 32- and 64-bit tables (memory64's table64): ``table.get/set/size/grow/fill/copy/init``,
``elem.drop``, and the index operand of ``call_indirect``/``return_call_indirect``.

A table is a record (``runtime.py``: base, size, capacity, each a u64) reached through the instance's table
vector. A 32-bit table's index operands are u32s, zero-extended into 64-bit registers, so a start plus a length
cannot carry; a 64-bit table's are u64s, so every range check here also traps on a carry out of 64 bits
(``table.fill $t64 (i64.const -1) ... (i64.const 2)`` is out of bounds, not a wrap to 1). ``table.size`` and
``table.grow`` give an i64 on a 64-bit table (-1 when ``table.grow`` fails), and ``table.copy`` between a 32- and a
64-bit table takes its length at the narrower type, as the validator types it (``emitter/wasm/validate.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import EmitError
from ..wasm.module import Instr, Module
from ..x64.asm import R11, RAX, RCX, RDI, RDX, RSI, Label, Mem, RipRel
from .bulk_memory import emit_overlapping_copy
from .runtime import TABLE_RECORD_BASE, TABLE_RECORD_CAPACITY, TABLE_RECORD_SIZE, VMCTX_TABLES, TrapCode

if TYPE_CHECKING:
    from .function import FunctionCompiler


def index64(module: Module) -> tuple[bool, ...]:
    """Per table (index space, imports first), whether it is a 64-bit table."""
    count = len(module.imported("table")) + len(module.tables)
    return tuple(module.table_type(t).limits.index64 for t in range(count))


def is64(c: FunctionCompiler, table: int) -> bool:
    flags = c.ctx.table64
    return table < len(flags) and flags[table]


def width(c: FunctionCompiler, table: int) -> int:
    """Bytes of the table's index operands: 8 for a 64-bit table, 4 (read zero-extended) for a 32-bit one."""
    return 8 if is64(c, table) else 4


def record(c: FunctionCompiler, table: int, register: int) -> Mem:
    """Load table ``table``'s record address into ``register``; returns its size word."""
    c.a.mov(8, register, RipRel(c.sym.vmctx, VMCTX_TABLES + 8 * table))
    return Mem(register, TABLE_RECORD_SIZE)


def load_index(c: FunctionCompiler, table: int, register: int, slot: Mem) -> None:
    """An index operand of ``table``'s type, as a u64 in ``register``."""
    c.a.mov(width(c, table), register, slot)


def check_range(c: FunctionCompiler, start: int, length: int, limit: RipRel | Mem, wide: bool) -> None:
    """Trap unless register ``start`` + register ``length`` <= the u64 at ``limit`` (clobbers rdx). ``wide``:
    the operands are u64s, and a sum that carries out of 64 bits is out of bounds too."""
    if not wide:
        c.check_range(start, length, limit, TrapCode.TABLE_OUT_OF_BOUNDS)
        return
    a = c.a
    trap = c.trap(TrapCode.TABLE_OUT_OF_BOUNDS)
    a.mov(8, RDX, start)
    a.alu("add", 8, RDX, length)
    a.jcc("b", trap)  # carry
    a.alu("cmp", 8, RDX, limit)
    a.jcc("a", trap)


def indirect_index(c: FunctionCompiler, table: int, slot: Mem) -> None:
    """``call_indirect``'s table index into rax, then trap unless it is below the table's size (rcx = the
    table's record)."""
    load_index(c, table, RAX, slot)
    c.a.alu("cmp", 8, RAX, record(c, table, RCX))
    c.a.jcc("ae", c.trap(TrapCode.TABLE_OUT_OF_BOUNDS))


def _entry(c: FunctionCompiler, table: int, index_slot: Mem) -> Mem:
    """Bounds-checked address of a table entry (rax = index, rcx = table base)."""
    indirect_index(c, table, index_slot)
    c.a.mov(8, RCX, Mem(RCX, TABLE_RECORD_BASE))
    return Mem(RCX, 0, RAX, 8)


def _int(value: object) -> int:
    if not isinstance(value, int):
        raise EmitError(f"expected an integer immediate, got {value!r}")
    return value


def _h_table_get(c: FunctionCompiler, i: Instr) -> bool:
    slot = c.slot(c.depth - 1)
    entry = _entry(c, _int(i.imm[0]), slot)
    c.a.mov(8, RDX, entry)
    c.a.mov(8, slot, RDX)
    return False


def _h_table_set(c: FunctionCompiler, i: Instr) -> bool:
    c.depth -= 2
    entry = _entry(c, _int(i.imm[0]), c.slot(c.depth))
    c.a.mov(8, RDX, c.slot(c.depth + 1))
    c.a.mov(8, entry, RDX)
    return False


def _h_table_size(c: FunctionCompiler, i: Instr) -> bool:
    table = _int(i.imm[0])
    c.a.mov(width(c, table), RAX, record(c, table, RCX))
    c.a.mov(8, c.slot(c.depth), RAX)  # whole, as every slot is written (a 32-bit size zero-extended)
    c.push()
    return False


def _h_elem_drop(c: FunctionCompiler, i: Instr) -> bool:
    c.a.mov_store_imm(8, RipRel(c.sym.elem_lengths, 8 * _int(i.imm[0])), 0)
    return False


def _h_table_init(c: FunctionCompiler, i: Instr) -> bool:
    """The destination is an index of the table's type; the segment offset and the length are u32s."""
    a = c.a
    segment, table = _int(i.imm[0]), _int(i.imm[1])
    wide = is64(c, table)
    c.depth -= 3
    load_index(c, table, RDI, c.slot(c.depth))
    a.mov(4, RSI, c.slot(c.depth + 1))
    a.mov(4, RCX, c.slot(c.depth + 2))
    check_range(c, RDI, RCX, record(c, table, RAX), wide)
    c.check_range(RSI, RCX, RipRel(c.sym.elem_lengths, 8 * segment), TrapCode.TABLE_OUT_OF_BOUNDS)
    a.mov(8, RAX, Mem(RAX, TABLE_RECORD_BASE))
    a.lea(8, RDI, Mem(RAX, 0, RDI, 8))
    a.lea(8, RAX, RipRel(c.sym.indexed("elem", segment)))
    a.lea(8, RSI, Mem(RAX, 0, RSI, 8))
    a.shift("shl", 8, RCX, 3)
    a.rep_movsb()
    return False


def _h_table_copy(c: FunctionCompiler, i: Instr) -> bool:
    """Each index at its own table's type; the length an i64 only between two 64-bit tables."""
    a = c.a
    dst_table, src_table = _int(i.imm[0]), _int(i.imm[1])
    dst_wide, src_wide = is64(c, dst_table), is64(c, src_table)
    length_wide = dst_wide and src_wide
    c.depth -= 3
    load_index(c, dst_table, RDI, c.slot(c.depth))
    load_index(c, src_table, RSI, c.slot(c.depth + 1))
    a.mov(8 if length_wide else 4, RCX, c.slot(c.depth + 2))
    check_range(c, RDI, RCX, record(c, dst_table, RAX), dst_wide)
    a.mov(8, RAX, Mem(RAX, TABLE_RECORD_BASE))
    a.lea(8, RDI, Mem(RAX, 0, RDI, 8))
    check_range(c, RSI, RCX, record(c, src_table, RAX), src_wide)
    a.mov(8, RAX, Mem(RAX, TABLE_RECORD_BASE))
    a.lea(8, RSI, Mem(RAX, 0, RSI, 8))
    a.shift("shl", 8, RCX, 3)
    emit_overlapping_copy(a)
    return False


def _h_table_fill(c: FunctionCompiler, i: Instr) -> bool:
    a = c.a
    table = _int(i.imm[0])
    wide = is64(c, table)
    size = width(c, table)
    c.depth -= 3
    load_index(c, table, RDI, c.slot(c.depth))
    load_index(c, table, RCX, c.slot(c.depth + 2))
    check_range(c, RDI, RCX, record(c, table, RAX), wide)
    a.mov(8, RDX, Mem(RAX, TABLE_RECORD_BASE))
    a.mov(8, RAX, c.slot(c.depth + 1))
    a.lea(8, RDI, Mem(RDX, 0, RDI, 8))
    _fill_entries(c, RDI, RCX, size)
    return False


def _fill_entries(c: FunctionCompiler, entry: int, count: int, size: int) -> None:
    """Store rax into ``count`` (a ``size``-byte register) 8-byte entries from the address in ``entry``."""
    a = c.a
    loop, done = Label(), Label()
    a.bind(loop)
    a.test(size, count, count)
    a.jcc("e", done)
    a.mov(8, Mem(entry, 0), RAX)
    a.alu("add", 8, entry, 8, imm=True)
    a.alu("sub", size, count, 1, imm=True)
    a.jmp(loop)
    a.bind(done)


def _h_table_grow(c: FunctionCompiler, i: Instr) -> bool:
    """Grow within the record's capacity (the entries beyond the size are storage already there), filling the
    new entries with the given reference; the old size, or -1, at the table's index type. A 64-bit table's
    delta may be any u64: it is compared with the room left (capacity - size), so the sum never wraps."""
    a = c.a
    table = _int(i.imm[0])
    wide = is64(c, table)
    size_bytes = width(c, table)
    c.depth -= 1
    init, delta = c.slot(c.depth - 1), c.slot(c.depth)
    fail, done = Label(), Label()
    size = record(c, table, R11)
    load_index(c, table, RCX, delta)
    a.mov(8, RDX, size)
    if wide:
        a.mov(8, RAX, Mem(R11, TABLE_RECORD_CAPACITY))
        a.alu("sub", 8, RAX, RDX)
        a.alu("cmp", 8, RCX, RAX)
        a.jcc("a", fail)
        a.lea(8, RAX, Mem(RDX, 0, RCX, 1))
    else:
        a.lea(8, RAX, Mem(RDX, 0, RCX, 1))
        a.alu("cmp", 8, RAX, Mem(R11, TABLE_RECORD_CAPACITY))
        a.jcc("a", fail)
    a.mov(8, size, RAX)
    a.mov(8, R11, Mem(R11, TABLE_RECORD_BASE))
    a.lea(8, R11, Mem(R11, 0, RDX, 8))
    a.mov(8, RAX, init)
    _fill_entries(c, R11, RCX, size_bytes)
    a.mov(8, init, RDX)  # slots are written whole: a 32-bit table's size is below 2^32, zero-extended
    a.jmp(done)
    a.bind(fail)
    a.mov_store_imm(8, init, -1)  # an i32's -1 in the low half (i32 readers read only that)
    a.bind(done)
    return False


HANDLERS: dict[str, Callable[[FunctionCompiler, Instr], bool]] = {
    "table.get": _h_table_get, "table.set": _h_table_set, "table.size": _h_table_size,
    "table.grow": _h_table_grow, "table.fill": _h_table_fill, "table.init": _h_table_init,
    "table.copy": _h_table_copy, "elem.drop": _h_elem_drop,
}
