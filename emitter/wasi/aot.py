"""AOT objects of WASI programs: the entry points the runtime's ``main`` (``jitdebug_wasi_main.c``) calls.

A WASI command exports ``_start`` and a reactor ``_initialize``; under the C ABI they would be the global symbols
``_start`` (which the C runtime's crt1 defines too: the link fails) and ``_initialize``. For a module importing
``wasi_snapshot_preview1`` the object exports them as ``jitdebug_wasi_start`` and ``jitdebug_wasi_initialize``
(besides any prefixed name; a bare ``_start`` is dropped), so ``cc prog.o <WASI runtime>`` links as it is.

A command may also export ``main`` (every Rust ``wasm32-wasi`` program does: ``main.command_export``). Without an
``--export-prefix`` that is the global symbol ``main``, which the WASI runtime's ``main`` defines too: a static
runtime library's ``main`` is then never linked and the C runtime calls the Wasm function as the program, with
nothing instantiated and no WASI state, which traps and never stops reporting. So a bare ``main`` of a module
importing WASI is dropped as a bare ``_start`` is (the prefixed name stays: ``P`` + ``main``).
"""

from __future__ import annotations

import dataclasses

from ..compiled import CompiledModule
from ..wasm.module import Module
from .preview1 import imports_wasi

ENTRIES = {"_start": "jitdebug_wasi_start", "_initialize": "jitdebug_wasi_initialize"}
#: Symbols of the C runtime and of the WASI runtime that an export of a WASI module must not define.
RESERVED = frozenset({"_start", "main"})


def with_command_entries(compiled: CompiledModule, module: Module) -> CompiledModule:
    if not imports_wasi(module):
        return compiled
    aliases: dict[int, str] = {e.index: ENTRIES[e.name] for e in module.exports
                               if e.kind == "func" and e.name in ENTRIES}
    if not aliases and not any(RESERVED.intersection(f.exports) for f in compiled.functions):
        return compiled
    functions = []
    for function in compiled.functions:
        alias = aliases.get(function.wasm_index) if function.wasm_index is not None else None
        if alias is None and not RESERVED.intersection(function.exports):
            functions.append(function)
            continue
        exports = tuple(e for e in function.exports if e not in RESERVED) + ((alias,) if alias else ())
        functions.append(dataclasses.replace(function, exports=exports))
    return dataclasses.replace(compiled, functions=functions)
