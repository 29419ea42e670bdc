"""AOT objects of WASI programs: the entry points the runtime's ``main`` (``jitdebug_wasi_main.c``) calls.

A WASI command exports ``_start`` and a reactor ``_initialize``; under the C ABI they would be the global symbols
``_start`` (which the C runtime's crt1 defines too: the link fails) and ``_initialize``. For a module importing
``wasi_snapshot_preview1`` the object exports them as ``jitdebug_wasi_start`` and ``jitdebug_wasi_initialize``
(besides any prefixed name; a bare ``_start`` is dropped), so ``cc prog.o <WASI runtime>`` links as it is.
"""

from __future__ import annotations

import dataclasses

from ..compiled import CompiledModule
from ..wasm.module import Module
from .preview1 import imports_wasi

ENTRIES = {"_start": "jitdebug_wasi_start", "_initialize": "jitdebug_wasi_initialize"}
#: Symbols of the C runtime an export must not define.
_RESERVED = frozenset({"_start"})


def with_command_entries(compiled: CompiledModule, module: Module) -> CompiledModule:
    if not imports_wasi(module):
        return compiled
    aliases: dict[int, str] = {e.index: ENTRIES[e.name] for e in module.exports
                               if e.kind == "func" and e.name in ENTRIES}
    if not aliases:
        return compiled
    functions = []
    for function in compiled.functions:
        alias = aliases.get(function.wasm_index) if function.wasm_index is not None else None
        if alias is None:
            functions.append(function)
            continue
        exports = tuple(e for e in function.exports if e not in _RESERVED) + (alias,)
        functions.append(dataclasses.replace(function, exports=exports))
    return dataclasses.replace(compiled, functions=functions)
