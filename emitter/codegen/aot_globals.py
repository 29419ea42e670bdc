"""Imported globals in an AOT object: the C host defines them, the object reads them at instantiation.

The C ABI (README "Public contracts"): ``(import "M" "G" (global T))`` is the undefined data symbol ``G`` (the
module name ``M`` is ignored, as for function imports), of the C type of ``T``: ``int32_t``, ``int64_t``,
``float`` or ``double``, exactly that many bytes (an i32 or f32 global is read and written with 4-byte accesses,
so a host's ``int32_t G`` is all the cell there is). The host defines it, ``const`` for an immutable global
(``const int32_t G = 666;``: the object never writes it), and may change a mutable one between calls; the object
reaches it through ``<m>.global_imports`` (one pointer per imported global, relocated to ``G``), the same
indirection the JIT's embedding fills with its own cells. Reference-typed and v128 imported globals have no C
type: ``UnsupportedError``.

A constant expression reading an imported global (a defined global's initialiser, an active data or element
segment's offset) has no value when the object is written: ``<m>.instantiate`` evaluates it (``emit_const``) as
the spec instantiates, globals first in index order, then segments, each bounds-checked against the size the
memory or table has then, trapping as the static check does.
"""

from __future__ import annotations

from ..errors import UnsupportedError
from ..wasm.module import GlobalType, Instr, Module, ValType
from ..x64.asm import R8, R9, R10, R11, RAX, RCX, RDX, Assembler, Label, Mem, RipRel
from .runtime import StateSymbols

#: The value types an imported global may have in an object, with the C type the header declares.
C_GLOBAL_TYPES = {ValType.I32: "int32_t", ValType.I64: "int64_t", ValType.F32: "float", ValType.F64: "double"}

#: Registers a constant expression's operand stack lives in while ``<m>.instantiate`` evaluates it (all
#: caller-saved and free there: no push or pop, so the frame's unwind description stays what it is).
_STACK = (RAX, RCX, RDX, R8, R9, R10, R11)


def cell_size(value_type: ValType) -> int:
    """Bytes of an imported global's cell that code reads and writes: the C type's size."""
    return 4 if value_type in (ValType.I32, ValType.F32) else 8


def import_symbols(module: Module) -> list[str]:
    """The C symbol of each imported global (global index space, imports first): its field name."""
    return [entry.name for entry in module.imported("global")]


def check_imports(module: Module, defined_symbols: dict[str, str]) -> None:
    """Raise ``UnsupportedError`` for an imported global without a C type, or whose symbol would also be another
    import of another kind or a symbol the object defines (``defined_symbols``: symbol -> what it is)."""
    kinds: dict[str, str] = {}
    for entry in module.imports:
        if entry.kind in ("func", "tag"):
            kinds.setdefault(entry.name, entry.kind)
    for entry in module.imported("global"):
        value_type = entry.desc.type if isinstance(entry.desc, GlobalType) else None
        if value_type not in C_GLOBAL_TYPES:
            name = value_type.text if value_type is not None else "?"
            raise UnsupportedError(f"imported global {entry.module}.{entry.name} of type {name} has no C ABI type "
                                   "(an object's imported globals are i32, i64, f32 or f64)", entry.offset)
        other = kinds.get(entry.name)
        if other is not None:
            raise UnsupportedError(f"imported global {entry.module}.{entry.name} and an imported {other} would both "
                                   f"be the C symbol {entry.name!r}", entry.offset)
        if entry.name in defined_symbols:
            raise UnsupportedError(f"imported global {entry.module}.{entry.name} would be the symbol "
                                   f"{entry.name!r}, which the object defines ({defined_symbols[entry.name]})",
                                   entry.offset)


def reads_import(module: Module, expr: tuple[Instr, ...]) -> bool:
    """Whether a constant expression reads an imported global, itself or through a defined global's
    initialiser (Wasm 3.0's constant globals): its value then exists only at instantiation."""
    imported = module.num_imported_globals
    for instr in expr:
        if instr.op != "global.get":
            continue
        index = instr.imm[0]
        if not isinstance(index, int) or index < imported:
            return True
        if reads_import(module, module.globals[index - imported].init):
            return True
    return False


def emit_const(a: Assembler, module: Module, state: StateSymbols, global_offsets: list[int],
               expr: tuple[Instr, ...], offset: int) -> None:
    """Code evaluating an integer or float constant expression into rax (floats as bits; an i32 zero-extended).
    A defined global is read from its cell, which ``<m>.instantiate`` has already written when its own
    initialiser needed instantiation (globals only read earlier ones)."""
    imported = module.num_imported_globals
    depth = 0

    def push() -> int:
        nonlocal depth
        if depth == len(_STACK):
            raise UnsupportedError(f"constant expression deeper than {len(_STACK)} values", offset)
        depth += 1
        return _STACK[depth - 1]

    for instr in expr:
        op = instr.op
        match op:
            case "i32.const" | "f32.const":
                a.mov_imm(4, push(), _int(instr) & 0xFFFFFFFF)
            case "i64.const" | "f64.const":
                value = _int(instr) & 0xFFFFFFFFFFFFFFFF
                a.mov_imm(8, push(), value - (1 << 64) if value >> 63 else value)
            case "global.get":
                index = _int(instr)
                register = push()
                if index < imported:
                    a.mov(8, register, RipRel(state.global_imports, 8 * index))
                    a.mov(cell_size(module.global_type(index).type), register, Mem(register, 0))
                else:
                    a.mov(8, register, RipRel(state.globals, global_offsets[index - imported]))
            case "i32.add" | "i64.add" | "i32.sub" | "i64.sub" | "i32.mul" | "i64.mul":
                size = 4 if op[1:3] == "32" else 8
                rhs, lhs = _STACK[depth - 1], _STACK[depth - 2]
                if op.endswith("mul"):
                    a.imul(size, lhs, rhs)
                else:
                    a.alu(op[4:], size, lhs, rhs)
                depth -= 1
            case "end":
                break
            case other:
                raise UnsupportedError(f"constant expression with {other} is not supported", instr.offset)
    if depth != 1:
        raise UnsupportedError("malformed constant expression", offset)


def emit_bounds_check(a: Assembler, length: int, limit: int, trap: Label, *, index64: bool = False) -> None:
    """After ``emit_const`` of a segment's offset (in rax: a u32, or a u64 for a 64-bit memory): jump to ``trap``
    when offset + length passes ``limit`` (the memory's bytes or the table's entries at instantiation), or
    carries out of 64 bits. rcx and rdx are clobbered."""
    if not index64:
        a.mov(4, RAX, RAX)  # the offset is an i32: its upper half is not part of it
    a.mov_imm(8, RDX, length)
    a.alu("add", 8, RDX, RAX)
    a.jcc("b", trap)  # carry
    a.mov_imm(8, RCX, limit)
    a.alu("cmp", 8, RDX, RCX)
    a.jcc("a", trap)


def _int(instr: Instr) -> int:
    value = instr.imm[0]
    if not isinstance(value, int):
        raise UnsupportedError(f"unexpected immediate {value!r}", instr.offset)
    return value
