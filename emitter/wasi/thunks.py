"""The link between compiled code and the C host functions of WASI preview 1.

A module importing ``(import "wasi_snapshot_preview1" "F" ...)`` gets, at compile time (JIT and AOT alike):

* ``<m>.wasi_link``, a writable ``struct jitdebug_wasi_link`` (``jitdebug_wasi.h``): pointers to the memory base
  word of the module's vmctx and to the current-size word of memory 0's record (relocations, so the C side never
  depends on the vmctx layout),
  the instance's WASI context (0 until the JIT sets it; 0 in an AOT executable means the process's default
  context), and whether the module exports its memory as "memory" (wasmtime's preview 1 needs that export);
* per imported function a thunk ``F.wasi``, a real frame with unwind information, which shifts the import's
  integer arguments one place to the right (the System V registers, then the stack), loads the link's address
  into the first argument register and calls ``jitdebug_wasi_F``. Every reference to the import ``F`` (calls, and
  function descriptors for tables) is redirected to the thunk, so nothing reaches the C function without its link.

Debuggers and unwinders see ``jitdebug_wasi_F`` <- ``F.wasi`` <- the Wasm caller: ``bt`` from a breakpoint on
the host function walks into the Wasm frames through the thunk's CFI.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from ..codegen.runtime import MEMORY_RECORD_SIZE, VMCTX_MEMORY, VMCTX_MEMORY_BASE, StateSymbols
from ..compiled import CompiledFunction, CompiledModule, DataBlob, LineEntry, LineTable
from ..errors import UnsupportedError
from ..obj.model import Relocation, RelocKind
from ..unwind import UnwindProgram
from ..wasm.module import Module
from ..x64.asm import R8, R9, RAX, RBP, RCX, RDI, RDX, RSI, RSP, Assembler, Mem, RipRel
from .preview1 import FUNCTIONS, WASI_MODULE, check_imports, host_symbol

_ARGUMENT_REGISTERS = (RDI, RSI, RDX, RCX, R8, R9)
#: ``struct jitdebug_wasi_link``: memory base pointer, memory size pointer, context, has_memory.
LINK_SIZE = 32
LINK_CONTEXT_OFFSET = 16
_LINK_HAS_MEMORY_OFFSET = 24


def thunk_name(name: str) -> str:
    return f"{name}.wasi"


def link_symbol(module_name: str) -> str:
    return StateSymbols(module_name).wasi_link


def _thunk(name: str, link: str) -> CompiledFunction:
    params = len(FUNCTIONS[name].params)
    symbol = thunk_name(name)
    a = Assembler()
    unwind = UnwindProgram(function=symbol)
    a.push(RBP)
    unwind.push(a.offset, "rbp")
    a.mov(8, RBP, RSP)
    unwind.set_frame_pointer(a.offset, "rbp")
    # Argument i of the host function is argument i - 1 of the import (0 is the link).
    outgoing = max(0, params + 1 - len(_ARGUMENT_REGISTERS))
    frame = -(-8 * outgoing // 16) * 16
    if frame:
        a.alu("sub", 8, RSP, frame, imm=True)
        unwind.alloc(a.offset, frame)
    unwind.prologue_end(a.offset)
    for new in range(len(_ARGUMENT_REGISTERS), params + 1):
        old = new - 1
        slot = Mem(RSP, 8 * (new - len(_ARGUMENT_REGISTERS)))
        if old < len(_ARGUMENT_REGISTERS):
            a.mov(8, slot, _ARGUMENT_REGISTERS[old])
        else:
            a.mov(8, RAX, Mem(RBP, 16 + 8 * (old - len(_ARGUMENT_REGISTERS))))
            a.mov(8, slot, RAX)
    for new in range(min(params, len(_ARGUMENT_REGISTERS) - 1), 0, -1):
        a.mov(8, _ARGUMENT_REGISTERS[new], _ARGUMENT_REGISTERS[new - 1])
    a.lea(8, RDI, RipRel(link))
    a.call_symbol(host_symbol(name))
    unwind.epilogue_begin(a.offset)
    a.mov(8, RSP, RBP)
    unwind.reset_sp_from_fp(a.offset)
    a.pop(RBP)
    unwind.pop(a.offset, "rbp")
    a.ret()
    unwind.epilogue_end(a.offset)
    code = bytes(a.code)
    unwind.validate(len(code))
    return CompiledFunction(name=symbol, code=code, unwind=unwind, relocations=list(a.relocations),
                            lines=LineTable([LineEntry(0, 0, is_statement=False)]), frame_base="rbp", align=16)


def _redirect(relocations: Sequence[Relocation], thunks: dict[str, str]) -> list[Relocation] | None:
    if not any(r.symbol in thunks for r in relocations):
        return None
    return [r._replace(symbol=thunks[r.symbol]) if r.symbol in thunks else r for r in relocations]


def _thunks_by_symbol(compiled: CompiledModule, module: Module) -> dict[str, str]:
    """Each preview-1 import's symbol -> the thunk of its field: an import's symbol is its field name unless the
    module imports that field twice (legal Wasm), when the compiler names each ``F[importN]``; both go to ``F.wasi``."""
    symbols = compiled.import_symbols or [i.name for i in module.imports if i.kind == "func"]
    functions = [i for i in module.imports if i.kind == "func"]
    return {symbol: thunk_name(imp.name) for symbol, imp in zip(symbols, functions, strict=True)
            if imp.module == WASI_MODULE}


def link_wasi(compiled: CompiledModule, module: Module, *, target: str) -> CompiledModule:
    """``compiled`` with its preview-1 imports bound to thunks (unchanged when it imports none)."""
    names = check_imports(module)
    if not names:
        return compiled
    if target != "x86_64-linux":
        raise UnsupportedError(f"{WASI_MODULE} imports are supported on x86_64-linux only")
    thunks = _thunks_by_symbol(compiled, module)
    functions: list[CompiledFunction] = []
    for function in compiled.functions:
        relocations = _redirect(function.relocations, thunks)
        functions.append(function if relocations is None else dataclasses.replace(function, relocations=relocations))
    data: list[DataBlob] = []
    for blob in compiled.data:
        relocations = _redirect(blob.relocations, thunks)
        data.append(blob if relocations is None else dataclasses.replace(blob, relocations=tuple(relocations)))
    state = StateSymbols(compiled.name)
    link = link_symbol(compiled.name)
    has_memory = any(e.kind == "memory" and e.name == "memory" for e in module.exports)
    contents = bytearray(LINK_SIZE)
    contents[_LINK_HAS_MEMORY_OFFSET] = int(has_memory)
    # The size word is memory 0's record's (shared by every instance of the memory); without a memory, a word
    # that stays 0 (the vmctx's record pointer).
    has_any_memory = bool(module.memories) or bool(module.imported("memory"))
    size = (Relocation(8, RelocKind.ABSOLUTE, 8, state.indexed("memrec", 0), MEMORY_RECORD_SIZE) if has_any_memory
            else Relocation(8, RelocKind.ABSOLUTE, 8, state.vmctx, VMCTX_MEMORY))
    data.append(DataBlob(link, LINK_SIZE, bytes(contents), writable=True, align=8, relocations=(
        Relocation(0, RelocKind.ABSOLUTE, 8, state.vmctx, VMCTX_MEMORY_BASE), size)))
    functions += [_thunk(name, link) for name in names]
    return dataclasses.replace(compiled, functions=functions, data=data)
