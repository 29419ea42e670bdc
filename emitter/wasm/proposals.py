"""Refusing a module that uses a proposal switched off (``Features``: ``jitdebug run -W simd=n``, wasmtime's
``-W`` switches).

The proposals checked here change no Wasm 2.0 reading (SIMD, tail calls, exception handling, extended constant
expressions), so the decoder reads them whatever the switches say, and this pass, run by ``validate`` only when
one of them is off, looks for their first use: a value type, an instruction, a tag, a constant expression. The
message names the proposal as wasmtime's does (its validator's words, e.g. "SIMD support is not enabled") and the
switch that turned it off. The proposals that give meaning to encodings Wasm 2.0 calls malformed (memory64's
limits flags, multiple memories) are refused where they are read, by the decoder and the validator.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from emitter.errors import ValidationError
from emitter.wasm.features import Features
from emitter.wasm.module import BlockType, GlobalType, Instr, Module, Table, ValType
from emitter.wasm.simd_opcodes import SIMD_OPCODES

_SIMD_OPS = frozenset(info.name for info in SIMD_OPCODES.values())
_TAIL_CALL_OPS = frozenset(("return_call", "return_call_indirect"))
_EXCEPTION_OPS = frozenset(("try_table", "throw", "throw_ref", "try", "catch", "catch_all", "rethrow", "delegate"))
_EXTENDED_CONST_OPS = frozenset(f"{t}.{op}" for t in ("i32", "i64") for op in ("add", "sub", "mul"))

SIMD = "SIMD support is not enabled (-W simd=n)"
TAIL_CALL = "tail calls support is not enabled (-W tail-call=n)"
EXCEPTIONS = "exceptions proposal not enabled (-W exceptions=n)"


def check(module: Module, features: Features) -> None:
    """Raise ``ValidationError`` at the first use of a proposal ``features`` switches off."""
    if not features.simd:
        _check_types(module, ValType.V128, SIMD)
        _check_ops(module, _SIMD_OPS, SIMD, ValType.V128)
    if not features.tail_call:
        _check_ops(module, _TAIL_CALL_OPS, TAIL_CALL)
    if not features.exceptions:
        if module.tags:
            raise ValidationError(EXCEPTIONS, module.section_offsets.get("tag", module.section_offsets.get("import")))
        _check_types(module, ValType.EXNREF, EXCEPTIONS)
        _check_ops(module, _EXCEPTION_OPS, EXCEPTIONS, ValType.EXNREF)
    if not features.extended_const:
        for instr in _constant_expressions(module):
            if instr.op in _EXTENDED_CONST_OPS:
                raise ValidationError(f"constant expression required: non-constant operator: {instr.op} "
                                      "(-W extended-const=n)", instr.offset)


def _check_types(module: Module, banned: ValType, message: str) -> None:
    """A value type in a function type, a global, a table or a local."""
    for func_type in module.types:
        if banned in func_type.params or banned in func_type.results:
            raise ValidationError(message, module.section_offsets.get("type"))
    for wasm_import in module.imports:
        desc = wasm_import.desc
        if (isinstance(desc, GlobalType) and desc.type is banned) or (isinstance(desc, Table)
                                                                       and desc.elem_type is banned):
            raise ValidationError(message, wasm_import.offset)
    if any(g.type is banned for g in module.globals):
        raise ValidationError(message, module.section_offsets.get("global"))
    if any(t.elem_type is banned for t in module.tables):
        raise ValidationError(message, module.section_offsets.get("table"))
    for function in module.functions:
        if banned in function.locals:
            raise ValidationError(message, function.body_offset)


def _check_ops(module: Module, banned: frozenset[str], message: str, value_type: ValType | None = None) -> None:
    """An instruction of ``banned``, or one whose immediates name ``value_type`` (a block, ``select``,
    ``ref.null`` of it)."""
    for function in module.functions:
        for instr in function.body:
            if instr.op in banned or (value_type is not None and _names(instr.imm, value_type)):
                raise ValidationError(message, instr.offset)


def _names(immediates: Iterable[object], value_type: ValType) -> bool:
    for imm in immediates:
        if imm is value_type or (isinstance(imm, BlockType) and imm.result is value_type):
            return True
        if isinstance(imm, tuple) and _names(imm, value_type):
            return True
    return False


def _constant_expressions(module: Module) -> Iterator[Instr]:
    for g in module.globals:
        yield from g.init
    for element in module.elements:
        yield from element.offset_expr or ()
    for segment in module.data:
        yield from segment.offset_expr or ()
