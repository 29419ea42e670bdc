"""The native body pass (``_bodies.c``): function bodies decoded and typed in one pass in C, the fast path of the
decoder's ``_Reader.body`` and the validator's ``_BodyValidator``, which stay the model.

The pass answers for the common instructions only and never reports an error itself: a body it cannot decode
(malformed, or an instruction it leaves to the model: SIMD, typed ``select``, ``try_table``, ...) is decoded by
the model, which raises the error or decodes it; a body it decodes but cannot vouch for (an instruction it does not
type, an error) is validated by the model. So every message stays the model's, and the pass only saves the
interpreter's work on what it accepts. ``tests/test_wasm_native_bodies.py`` compares the two on the spec suite's
modules, generated and mutated ones.
"""

from __future__ import annotations

import emitter.wasm._bodies as _bodies
from emitter.wasm.module import BlockType, Instr, Limits, Module, ValType
from emitter.wasm.opcodes import MISC_OPCODES, OPCODES
from emitter.wasm.opinfo import OpInfo

_IMMEDIATES = {
    "none": _bodies.IMM_NONE, "local": _bodies.IMM_U32, "global": _bodies.IMM_U32, "label": _bodies.IMM_U32,
    "func": _bodies.IMM_U32, "table": _bodies.IMM_U32, "tag": _bodies.IMM_U32, "data": _bodies.IMM_U32,
    "elem": _bodies.IMM_U32, "memory": _bodies.IMM_MEMIDX, "i32": _bodies.IMM_I32, "i64": _bodies.IMM_I64,
    "f32": _bodies.IMM_F32, "f64": _bodies.IMM_F64, "memarg": _bodies.IMM_MEMARG, "block": _bodies.IMM_BLOCK,
    "br_table": _bodies.IMM_BR_TABLE, "call_indirect": _bodies.IMM_TWO_U32, "table_init": _bodies.IMM_TWO_U32,
    "table_copy": _bodies.IMM_TWO_U32, "memory_init": _bodies.IMM_MEMORY_INIT,
    "memory_copy": _bodies.IMM_MEMORY_COPY,
}
#: The instructions the pass types by name (the rest with a fixed signature by it; any other by the model).
_TYPED = {
    "nop": _bodies.V_NOP, "unreachable": _bodies.V_UNREACHABLE, "block": _bodies.V_BLOCK, "loop": _bodies.V_LOOP,
    "if": _bodies.V_IF, "else": _bodies.V_ELSE, "end": _bodies.V_END, "br": _bodies.V_BR, "br_if": _bodies.V_BR_IF,
    "br_table": _bodies.V_BR_TABLE, "return": _bodies.V_RETURN, "call": _bodies.V_CALL,
    "call_indirect": _bodies.V_CALL_INDIRECT, "drop": _bodies.V_DROP, "local.get": _bodies.V_LOCAL_GET,
    "local.set": _bodies.V_LOCAL_SET, "local.tee": _bodies.V_LOCAL_TEE, "global.get": _bodies.V_GLOBAL_GET,
    "global.set": _bodies.V_GLOBAL_SET, "memory.size": _bodies.V_MEMORY_SIZE, "memory.grow": _bodies.V_MEMORY_GROW,
    "memory.copy": _bodies.V_MEMORY_COPY, "memory.fill": _bodies.V_MEMORY_FILL,
    "memory.init": _bodies.V_MEMORY_INIT, "data.drop": _bodies.V_DATA_DROP,
}
#: Immediates whose instructions the pass types by their fixed signature.
_SIGNATURE_IMMEDIATES = frozenset({"none", "memarg", "i32", "i64", "f32", "f64"})
_OPENERS = frozenset({"block", "loop", "if", "try", "try_table"})
_CLOSERS = frozenset({"end", "delegate"})


def _entry(info: OpInfo, code: int) -> tuple[str, int, int, int, int, bytes, bytes]:
    immediate = _IMMEDIATES.get(info.immediate, _bodies.IMM_BAIL)
    typing = _TYPED.get(info.name, _bodies.V_BAIL)
    params = results = b""
    if code == 0x1B:
        typing = _bodies.V_SELECT  # the untyped select (0x1C, with types, is the model's)
    elif info.signature is not None and not info.lanes and info.immediate in _SIGNATURE_IMMEDIATES:
        typing = _bodies.V_SIG
        params, results = (bytes(t.value for t in types) for types in info.signature)
        if max(len(params), len(results)) > _bodies.MAX_SIG:
            typing = _bodies.V_BAIL
    nest = (_bodies.NEST_OPEN if info.name in _OPENERS else _bodies.NEST_CLOSE if info.name in _CLOSERS
            else _bodies.NEST_NONE)
    return info.name, immediate, typing, nest, info.natural_align, params, results


TABLES = _bodies.Tables(
    {code: _entry(info, code) for code, info in OPCODES.items()},
    {code: _entry(info, 0xFC00 | code) for code, info in MISC_OPCODES.items() if code < _bodies.MISC_COUNT},
    Instr, BlockType(), {t.value: BlockType(result=t) for t in ValType}, lambda index: BlockType(type_index=index))


def context(module: Module) -> _bodies.Context:
    """The module facts the bodies are typed against (the validator's ``_Context``), as the module stands when
    its code section is read: every section a body's typing depends on comes before it."""
    tables = [module.table_type(i) for i in range(len(module.imported("table")) + len(module.tables))]
    memories = [m for m in [*(i.desc for i in module.imported("memory")), *module.memories] if isinstance(m, Limits)]
    globals_ = [module.global_type(i) for i in range(module.num_imported_globals + len(module.globals))]
    return _bodies.Context(
        [(bytes(t.value for t in ft.params), bytes(t.value for t in ft.results)) for ft in module.types],
        list(module.func_types),
        bytes(b for g in globals_ for b in (g.type.value, g.mutable)),
        bytes(b for t in tables for b in (t.elem_type.value, t.limits.index64)),
        bytes(bool(m.index64) for m in memories),
        -1 if module.data_count is None else module.data_count)


def signature_bytes(module: Module, type_index: int) -> tuple[bytes, bytes] | None:
    """A function type's params and results as value type bytes, None for a type index out of bounds (the
    validator reports it)."""
    if type_index >= len(module.types):
        return None
    ft = module.types[type_index]
    return bytes(t.value for t in ft.params), bytes(t.value for t in ft.results)
