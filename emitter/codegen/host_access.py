"""What an AOT object offers the C host besides the exports: the module's linear memory, and an entry point
that cannot clash with the C runtime.

Memory accessors (global functions, platform C convention, ``P`` the ``--export-prefix``)
    ``uint8_t *P jitdebug_memory_base(void)``   the base address of linear memory (NULL without a memory);
    ``uint64_t P jitdebug_memory_size(void)``   its current size in bytes (0 without one; grows with
                                                ``memory.grow``, so read it again after a call that may grow).
    ``uint8_t *P jitdebug_memory<N>_base(void)`` and ``uint64_t P jitdebug_memory<N>_size(void)`` do the same for
                                                memory ``N`` (index space), one pair per memory; memory 0's pair
                                                is the same code as the two above (both names are kept).
    Both instantiate the module first when it is not yet (as every export does), so the data segments are in
    place before the host reads or writes memory; called while instantiating (from a host function the start
    function calls) they do not instantiate again. They are functions rather than data symbols because the
    state behind them (``<m>.vmctx``) stays private: the JIT and a future memory model may move the memory.
    Every module has them, so several modules linked into one program need distinct prefixes, as their exports
    already do.

The ``_start`` export
    Every WASI command exports ``_start``, and so does the C runtime's ``crt1.o``: the export ``_start`` is the
    symbol ``P jitdebug_start`` in an AOT object, whatever the prefix, so a command links into a C program
    without options. Other exports keep ``P`` + their name.
"""

from __future__ import annotations

from collections.abc import Callable

from ..compiled import CompiledFunction, LineEntry, LineTable
from ..errors import UnsupportedError
from ..unwind import UnwindOp, UnwindProgram
from ..x64.asm import RAX, RBP, RSP, Assembler, Mem, RipRel
from .abi import Abi
from .frame import emit_epilogue
from .runtime import MEMORY_RECORD_BASE, MEMORY_RECORD_SIZE, VMCTX_MEMORY, VMCTX_MEMORY_BASE, StateSymbols

#: The Wasm export renamed in AOT objects, and the C symbol (after the prefix) it becomes.
COMMAND_ENTRY = "_start"
COMMAND_ENTRY_SYMBOL = "jitdebug_start"
MEMORY_BASE = "jitdebug_memory_base"
MEMORY_SIZE = "jitdebug_memory_size"


def memory_base_name(index: int) -> str:
    """The accessor of memory ``index``'s base (after the prefix)."""
    return f"jitdebug_memory{index}_base"


def memory_size_name(index: int) -> str:
    """The accessor of memory ``index``'s current size in bytes (after the prefix)."""
    return f"jitdebug_memory{index}_size"


def accessor_names(n_memories: int) -> list[str]:
    """Every accessor symbol (after the prefix) of a module with ``n_memories`` memories."""
    names = [MEMORY_BASE, MEMORY_SIZE]
    for index in range(n_memories):
        names += [memory_base_name(index), memory_size_name(index)]
    return names


def export_symbol(name: str, prefix: str) -> str:
    """The C symbol of the Wasm export ``name`` in an AOT object."""
    return prefix + (COMMAND_ENTRY_SYMBOL if name == COMMAND_ENTRY else name)


def check_distinct(exports: dict[str, str]) -> None:
    """``exports`` maps each Wasm export name to its symbol; two exports may not become one symbol."""
    seen: dict[str, str] = {}
    for name, symbol in exports.items():
        if symbol in seen:
            raise UnsupportedError(f"exports {seen[symbol]!r} and {name!r} would both be the symbol {symbol!r} "
                                   "(rename one, or give --export-prefix)")
        seen[symbol] = name


def memory_accessors(abi: Abi, state: StateSymbols, prefix: str, n_memories: int) -> list[CompiledFunction]:
    """``P jitdebug_memory_base`` and ``P jitdebug_memory_size``, and a pair per memory (see the module
    docstring)."""
    vmctx = state.vmctx
    out = [_accessor(abi, state, (f"{prefix}{MEMORY_BASE}", *_indexed(prefix, memory_base_name, n_memories)),
                     (vmctx, VMCTX_MEMORY_BASE) if n_memories else None),
           _accessor(abi, state, (f"{prefix}{MEMORY_SIZE}", *_indexed(prefix, memory_size_name, n_memories)),
                     (vmctx, VMCTX_MEMORY) if n_memories else None, record_word=MEMORY_RECORD_SIZE)]
    for index in range(1, n_memories):
        # Memories other than 0 are reached through ``<m>.memories`` (their record's address, ``memories.py``).
        out.append(_accessor(abi, state, (prefix + memory_base_name(index),), (state.memories, 8 * index),
                             record_word=MEMORY_RECORD_BASE))
        out.append(_accessor(abi, state, (prefix + memory_size_name(index),), (state.memories, 8 * index),
                             record_word=MEMORY_RECORD_SIZE))
    return out


def _indexed(prefix: str, name: Callable[[int], str], n_memories: int) -> tuple[str, ...]:
    """Memory 0's indexed accessor name, when there is a memory 0."""
    return (prefix + name(0),) if n_memories else ()


def _accessor(abi: Abi, state: StateSymbols, symbols: tuple[str, ...], word: tuple[str, int] | None,
              record_word: int | None = None) -> CompiledFunction:
    """``push rbp; mov rbp, rsp; [sub rsp, shadow]; call <m>.instantiate; mov rax, [symbol + offset]`` (then
    ``mov rax, [rax + record_word]`` when the word points at the memory's record) and the usual epilogue (a zero
    result without a memory). ``symbols``: the global names of this one function."""
    name = f"{state.prefix}.{symbols[0]}"
    unwind = UnwindProgram(function=name)
    records: list[UnwindOp] = []
    a = Assembler()
    a.push(RBP)
    unwind.push(a.offset, "rbp")
    a.mov(8, RBP, RSP)
    unwind.set_frame_pointer(a.offset, "rbp")
    if abi.shadow_space:
        a.alu("sub", 8, RSP, abi.shadow_space, imm=True)
        unwind.alloc(a.offset, abi.shadow_space)
    unwind.prologue_end(a.offset)
    a.call_symbol(state.instantiate)
    if word is None:
        a.alu("xor", 4, RAX, RAX)
    else:
        a.mov(8, RAX, RipRel(*word))
        if record_word is not None:
            a.mov(8, RAX, Mem(RAX, record_word))
    emit_epilogue(a, [], records, seh=abi.seh_frames)
    for op in records:
        unwind.add(op)
    code = bytes(a.code)
    unwind.validate(len(code))
    return CompiledFunction(name=name, code=code, unwind=unwind, exports=symbols, relocations=list(a.relocations),
                            lines=LineTable([LineEntry(0, 0, is_statement=False)]), frame_base="rbp")
