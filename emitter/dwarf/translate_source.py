"""Collect a Wasm module's producer DWARF (the ``.debug_*`` custom sections clang writes with ``-g``) and the
facts about the module that translating it to native DWARF needs, at compile time."""

from __future__ import annotations

from ..codegen.runtime import StateSymbols
from ..codegen.simd import global_offsets
from ..compiled import WasmDwarf, WasmFunctionExtent
from ..wasm.module import Module, ValType

_VALUE_SIZES = {ValType.I32: 4, ValType.F32: 4, ValType.I64: 8, ValType.F64: 8, ValType.V128: 16}


def producer_dwarf(module: Module, module_name: str) -> WasmDwarf | None:
    """The module's DWARF, or None when it has no ``.debug_info`` (the generated listing is then the source)."""
    sections = {name: data for name, data in module.custom_sections.items() if name.startswith(".debug_")}
    if ".debug_info" not in sections or "code" not in module.section_offsets:
        return None
    functions = {}
    for function in module.functions:
        func_type = module.func_type(function.index)
        types = list(func_type.params) + list(function.locals)
        functions[function.index] = WasmFunctionExtent(function.locals_offset, function.end_offset,
                                                       tuple(_VALUE_SIZES.get(t, 8) for t in types),
                                                       bool(func_type.results))
    symbols = StateSymbols(module_name)
    offsets, _ = global_offsets(module)
    defined = [(offset, _VALUE_SIZES.get(g.type, 8)) for offset, g in zip(offsets, module.globals, strict=True)]
    layout: tuple[tuple[int, int] | None, ...] = (None,) * module.num_imported_globals + tuple(defined)
    return WasmDwarf(sections, module.section_offsets["code"], functions, symbols.vmctx, symbols.globals, layout)
