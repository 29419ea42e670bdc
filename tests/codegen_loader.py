"""A minimal in-process loader for compiled modules, so the compiler's tests can run generated code without the
object writers: it lays out code and data in one RWX mapping, applies the relocations, routes undefined symbols
through 14-byte ``jmp [rip]`` thunks, and catches traps with a tiny setjmp-like trampoline written with our own
assembler (the trap hook restores the stack pointer saved on entry and returns to ctypes)."""

from __future__ import annotations

import ctypes
import mmap
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

from emitter.codegen.compiler import compile_module
from emitter.codegen.runtime import TRAP_HOOK, VMCTX_STACK_LIMIT, StateSymbols, TrapCode
from emitter.compiled import CompiledModule
from emitter.obj.model import RelocKind
from emitter.wasm.load import load_bytes, wat_to_wasm
from emitter.wasm.module import Module, ValType
from emitter.x64.asm import R11, R12, R13, R14, R15, RAX, RBP, RBX, RDI, RSP, Assembler, Mem, RipRel

_CTYPES = {ValType.I32: ctypes.c_int32, ValType.I64: ctypes.c_int64, ValType.F32: ctypes.c_float,
           ValType.F64: ctypes.c_double}
_SAVED = (RBX, R12, R13, R14, R15)
_STACK_ARGS = 16


def _runtime_stubs() -> Assembler:
    """``enter`` calls the function whose address is in ``target`` with the caller's argument registers intact;
    ``trap`` (the trap hook) records the code and returns from ``enter``."""
    a = Assembler()
    a.push(RBP)
    a.mov(8, RBP, RSP)
    for r in _SAVED:
        a.push(r)
    a.alu("sub", 8, RSP, 8 + 8 * _STACK_ARGS, imm=True)
    a.mov(8, RipRel("saved_rsp"), RSP)
    # Forward the caller's stack arguments (without touching the argument registers).
    for k in range(_STACK_ARGS):
        a.mov(8, RAX, Mem(RBP, 16 + 8 * k))
        a.mov(8, Mem(RSP, 8 * k), RAX)
    a.mov(8, R11, RipRel("target"))
    a.call_indirect(R11)
    epilogue = a.label()
    a.bind(epilogue)
    a.alu("add", 8, RSP, 8 + 8 * _STACK_ARGS, imm=True)
    for r in reversed(_SAVED):
        a.pop(r)
    a.pop(RBP)
    a.ret()
    trap_at = a.offset
    a.mov(4, RipRel("trap_code"), RDI)
    a.mov(8, RSP, RipRel("saved_rsp"))
    a.jmp(epilogue)
    a.trap_offset = trap_at  # type: ignore[attr-defined]
    return a


@dataclass
class Loaded:
    module: Module
    compiled: CompiledModule
    memory: mmap.mmap
    base: int
    symbols: dict[str, int]
    keep: list[object] = field(default_factory=list)

    def read_word(self, symbol: str, offset: int = 0) -> int:
        return int(ctypes.c_uint64.from_address(self.symbols[symbol] + offset).value)

    def write_word(self, symbol: str, offset: int, value: int) -> None:
        ctypes.c_uint64.from_address(self.symbols[symbol] + offset).value = value

    def call(self, export: str, *args: object) -> tuple[str, object]:
        """Call an export: ("ok", result or None) or ("trap", message)."""
        index = next(e.index for e in self.module.exports if e.name == export and e.kind == "func")
        ftype = self.module.func_type(index)
        restype = _CTYPES[ftype.results[0]] if ftype.results else None
        proto = ctypes.CFUNCTYPE(restype, *[_CTYPES[t] for t in ftype.params])
        enter = proto(self.symbols["enter"])
        ctypes.c_uint64.from_address(self.symbols["target"]).value = self.symbols[export]
        ctypes.c_int32.from_address(self.symbols["trap_code"]).value = 0
        result = enter(*args)
        code = ctypes.c_int32.from_address(self.symbols["trap_code"]).value
        if code:
            return "trap", TrapCode(code).message
        return "ok", result


def load(compiled: CompiledModule, module: Module, imports: dict[str, Callable[..., object]] | None = None) -> Loaded:
    stubs = _runtime_stubs()
    pieces: list[tuple[str, bytes | int, int]] = []  # name, bytes or bss size, alignment
    for f in compiled.functions:
        pieces.append((f.name, f.code, 16))
    pieces.append(("enter", bytes(stubs.code), 16))
    for blob in compiled.data:
        pieces.append((blob.name, blob.data if blob.data is not None else blob.size, max(blob.align, 8)))
    for name in ("saved_rsp", "target", "trap_code"):
        pieces.append((name, 8, 8))
    defined = {p[0] for p in pieces} | {e for f in compiled.functions for e in f.exports}
    externals = sorted({r.symbol for f in compiled.functions for r in f.relocations} - defined - {TRAP_HOOK})
    externals += sorted({r.symbol for b in compiled.data for r in b.relocations} - defined - set(externals))
    for name in externals:
        pieces.append((f"thunk:{name}", 16, 16))
    offsets: dict[str, int] = {}
    size = 0
    for name, content, align in pieces:
        size += -size % align
        offsets[name] = size
        size += content if isinstance(content, int) else len(content)
    memory = mmap.mmap(-1, size + 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    base = ctypes.addressof(ctypes.c_char.from_buffer(memory))
    symbols = {name: base + off for name, off in offsets.items()}
    for f in compiled.functions:
        for e in f.exports:
            symbols[e] = symbols[f.name]
    symbols[TRAP_HOOK] = symbols["enter"] + stubs.trap_offset  # type: ignore[attr-defined]
    keep: list[object] = []
    for name in externals:
        target = imports[name] if imports and name in imports else None
        if target is None:
            raise AssertionError(f"no definition for imported symbol {name!r}")
        keep.append(target)
        address = ctypes.cast(target, ctypes.c_void_p).value
        thunk = symbols[f"thunk:{name}"]
        memory[thunk - base:thunk - base + 14] = b"\xff\x25\0\0\0\0" + struct.pack("<Q", address)
        symbols[name] = thunk
    for name, content, _ in pieces:
        if isinstance(content, bytes):
            memory[offsets[name]:offsets[name] + len(content)] = content

    def relocate(at: int, kind: RelocKind, rsize: int, symbol: str, addend: int) -> None:
        value = symbols[symbol] + addend
        if kind in (RelocKind.PC_RELATIVE, RelocKind.CALL):
            memory[at - base:at - base + 4] = struct.pack("<i", value - at)
        else:
            memory[at - base:at - base + rsize] = value.to_bytes(rsize, "little")

    for f in compiled.functions:
        for r in f.relocations:
            relocate(symbols[f.name] + r.offset, r.kind, r.size, r.symbol, r.addend)
    for r in stubs.relocations:
        relocate(symbols["enter"] + r.offset, r.kind, r.size, r.symbol, r.addend)
    for blob in compiled.data:
        for r in blob.relocations:
            relocate(symbols[blob.name] + r.offset, r.kind, r.size, r.symbol, r.addend)
    loaded = Loaded(module, compiled, memory, base, symbols, keep)
    loaded.write_word(StateSymbols(compiled.name).vmctx, VMCTX_STACK_LIMIT, 0)
    return loaded


def compile_wat(text: str, name: str = "test") -> tuple[Module, CompiledModule]:
    module = load_bytes(wat_to_wasm(text))
    return module, compile_module(module, module_name=name)
