"""Loaded Wasm modules placed at their run-time addresses, and the pc -> Wasm location index.

A module comes from a JIT image (symbols absolute, read from inferior memory) or from a linked ELF file on disk
(symbols at link-time addresses, shifted by the load bias the debugger reports for one unique symbol).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ..debugmeta import SECTION_NAME, FunctionMetadata, MapEntry, ModuleMetadata, decode_all
from .adapter import DebuggerAdapter
from .elf import STT_FUNC, ElfFile

CFI_SECTIONS = (".eh_frame", ".debug_frame")


@dataclass(frozen=True, slots=True)
class LoadedFunction:
    module: ModuleMetadata
    meta: FunctionMetadata
    address: int
    #: Code offsets of ``meta.map``, for bisection.
    _offsets: tuple[int, ...] = field(repr=False, compare=False, default=())

    @classmethod
    def place(cls, module: ModuleMetadata, meta: FunctionMetadata, address: int) -> LoadedFunction:
        return cls(module, meta, address, tuple(e.code_offset for e in meta.map))

    @property
    def end(self) -> int:
        return self.address + self.meta.code_size

    @property
    def qualified_name(self) -> str:
        return f"{self.module.display_name}!{self.meta.display_name}"

    def entry_at(self, pc: int) -> MapEntry | None:
        """The map entry covering ``pc`` (None before the first entry)."""
        i = bisect.bisect_right(self._offsets, pc - self.address) - 1
        return self.meta.map[i] if i >= 0 else None

    def is_entry_start(self, pc: int) -> bool:
        i = bisect.bisect_left(self._offsets, pc - self.address)
        return i < len(self._offsets) and self._offsets[i] == pc - self.address

    def wasm_offset_at(self, pc: int) -> int | None:
        """The Wasm module offset of the instruction at ``pc``; compiler-made code (prologue) reports the
        function's body offset, as wasmtime does for faults there."""
        entry = self.entry_at(pc)
        if entry is not None and entry.wasm_offset is not None:
            return entry.wasm_offset
        return self.meta.body_offset


@dataclass(frozen=True, slots=True)
class LoadedModule:
    meta: ModuleMetadata
    #: Where it came from: ``JIT image at 0x...`` or a file path.
    origin: str
    functions: tuple[LoadedFunction, ...]
    #: Whether the image carries CFI the debugger unwinds with (our fallback unwinder stays out of its way).
    has_cfi: bool
    #: Run-time address of each tag descriptor the module defines, imports or catches (absent: not resolvable).
    tags: dict[str, int] = field(default_factory=dict)
    #: Run-time addresses of the instance's state: the vmctx (word 0: the linear-memory base, word 1: a pointer
    #: to the memory's record, whose word 1 is its size in bytes) and the globals blob; None when the record
    #: predates them or the symbol is not found.
    vmctx: int | None = None
    globals_address: int | None = None
    #: With several memories: the address of ``<m>.memories`` (one pointer per memory, index space, to its
    #: record: base, then size in bytes) and how many memories it lists; None with one memory or none.
    memories: tuple[int, int] | None = None

    @property
    def start(self) -> int:
        return min((f.address for f in self.functions), default=0)

    @property
    def end(self) -> int:
        return max((f.end for f in self.functions), default=0)


@dataclass(frozen=True, slots=True)
class WasmLocation:
    module: LoadedModule
    function: LoadedFunction
    pc: int

    @property
    def wasm_offset(self) -> int | None:
        return self.function.wasm_offset_at(self.pc)

    @property
    def entry(self) -> MapEntry | None:
        return self.function.entry_at(self.pc)


class CodeIndex:
    """Every placed function sorted by address: pc lookups by bisection, non-Wasm pcs rejected by a range check."""

    def __init__(self, modules: list[LoadedModule]) -> None:
        self.modules = modules
        pairs = sorted(((f, m) for m in modules for f in m.functions), key=lambda p: p[0].address)
        self._starts = [f.address for f, _ in pairs]
        self._pairs = pairs
        self.low = self._starts[0] if pairs else 0
        self.high = max((f.end for f, _ in pairs), default=0)

    def locate(self, pc: int) -> WasmLocation | None:
        if not self.low <= pc < self.high:
            return None
        i = bisect.bisect_right(self._starts, pc) - 1
        if i < 0:
            return None
        function, module = self._pairs[i]
        return WasmLocation(module, function, pc) if pc < function.end else None


def modules_from_image(image: bytes, origin: str, adapter: DebuggerAdapter) -> list[LoadedModule]:
    """Every module a JIT image describes (ELF with absolute symbols; one image may hold several modules, each
    with its record in the metadata section); none when the image has no metadata."""
    elf = ElfFile(image)
    section = elf.section(SECTION_NAME)
    if section is None:
        return []
    functions, data = _definitions(elf)
    return _place(decode_all(elf.contents(section)), functions, data, 0, origin, elf, adapter)


def modules_from_linked_file(elf: ElfFile, path: str, adapter: DebuggerAdapter) -> list[LoadedModule]:
    """Every module linked into an executable or shared object, its symbols shifted by the load bias."""
    section = elf.section(SECTION_NAME)
    if section is None:
        return []
    metas = decode_all(elf.contents(section))
    functions, data = _definitions(elf)
    bias = _load_bias([f.symbol for m in metas for f in m.functions], functions, adapter)
    if bias is None:
        adapter.warning(f"{path}: cannot place its Wasm functions (no symbol resolves)")
        return []
    return _place(metas, functions, data, bias, path, elf, adapter)


def _definitions(elf: ElfFile) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The values of every defined function symbol and data symbol, by name, in ``.symtab`` order."""
    functions: dict[str, list[int]] = defaultdict(list)
    data: dict[str, list[int]] = defaultdict(list)
    for symbol in elf.symbols():
        if symbol.name and symbol.section_index != 0:
            (functions if symbol.type == STT_FUNC else data)[symbol.name].append(symbol.value)
    return functions, data


def _place(metas: list[ModuleMetadata], functions: dict[str, list[int]], data: dict[str, list[int]], bias: int,
           origin: str, elf: ElfFile, adapter: DebuggerAdapter) -> list[LoadedModule]:
    """Place each record's functions and tags. Local symbol names repeat across the modules of one file (two
    instances of a module, or simply equal names); linkers and our JIT image writer keep module order among the
    definitions of a name, so the n-th record naming a symbol gets its n-th definition."""
    has_cfi = any(elf.section(n) for n in CFI_SECTIONS)
    # How many memories each ``<m>.memories`` lists: its symbol's size, a word per memory.
    memory_counts = {s.name: s.size // 8 for s in elf.symbols()
                     if s.name.endswith(".memories") and s.section_index != 0}
    used_functions: dict[str, int] = defaultdict(int)
    used_data: dict[str, int] = defaultdict(int)
    modules = []
    for meta in metas:
        placed = []
        for f in meta.functions:
            candidates = functions.get(f.symbol, [])
            if used_functions[f.symbol] < len(candidates):
                placed.append(LoadedFunction.place(meta, f, candidates[used_functions[f.symbol]] + bias))
            used_functions[f.symbol] += 1
        own: dict[str, int] = {}
        memories_symbol = f"{meta.state_prefix}.memories" if meta.state_prefix and meta.has_memory else None
        state = [s for s in (meta.vmctx_symbol, meta.globals_symbol, memories_symbol) if s is not None]
        for name in _tag_names(meta) + state:
            candidates = data.get(name, [])
            if used_data[name] < len(candidates):
                own[name] = candidates[used_data[name]] + bias
                used_data[name] += 1
        vmctx = own.get(meta.vmctx_symbol) if meta.vmctx_symbol else None
        globals_address = own.get(meta.globals_symbol) if meta.globals_symbol else None
        memories_address = own.get(memories_symbol) if memories_symbol else None
        memories = ((memories_address, memory_counts.get(memories_symbol, 0))
                    if memories_symbol and memories_address is not None else None)
        modules.append(LoadedModule(meta, origin, tuple(placed), has_cfi, _tags(meta, own.get, adapter), vmctx,
                                    globals_address, memories))
    return modules


def _tag_names(meta: ModuleMetadata) -> list[str]:
    """The tag descriptor symbols a module refers to (its tags, imported or not, and those its handlers name)."""
    return sorted({t for f in meta.functions for t in f.catch_types if t is not None} | {t.symbol for t in meta.tags})


def _tags(meta: ModuleMetadata, defined: Callable[[str], int | None], adapter: DebuggerAdapter) -> dict[str, int]:
    """Where the tags' descriptors are: defined in the file itself, else (an imported tag, which the host
    defines) wherever the debugger finds the symbol."""
    out = {}
    for name in _tag_names(meta):
        address = defined(name)
        if address is None:
            address = adapter.symbol_address(name)
        if address is not None:
            out[name] = address
    return out


def _load_bias(names: list[str], definitions: dict[str, list[int]], adapter: DebuggerAdapter) -> int | None:
    """Run-time minus link-time address, from the first of our symbols that is unambiguous in the file and that
    the debugger resolves."""
    for name in names:
        values = definitions.get(name, [])
        if len(values) == 1:
            address = adapter.symbol_address(name)
            if address is not None:
                return address - values[0]
    return None
