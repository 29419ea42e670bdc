"""Load a ``CompiledModule`` into executable memory and make it visible to debuggers, unwinders and perf.

Steps, in order (``free`` undoes them in reverse, unregistering before any page is unmapped):

1. add the thunks (a veneer per undefined call target, an adapter per Python import) and lower the module to the
   same ``ObjectFile`` the AOT path writes (CFI, line table, variables);
2. map one region and lay the loaded sections out in it: code, then read-only data and ``.eh_frame`` (followed
   by the zero word libgcc's ``__register_frame`` expects), then module state, each group on its own pages;
3. relocate the module for the real section addresses and copy the relocated contents into the region; the
   same pass keeps the module's part of a JIT image (``ImagePart``: DWARF, ``.debug_frame``, symbols), so the
   image and the running code cannot disagree (the image describes the code at its addresses but carries no
   second copy of it);
4. flip the groups to RX / R / RW, register the ``.eh_frame`` with the process's unwinder, hand the image part
   to the registrar (``registrar.py``: registered with the GDB JIT interface, together with the other pending
   modules, before any Wasm code runs), and optionally describe the code to perf.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Mapping
from dataclasses import dataclass

from ..compiled import CompiledFunction, CompiledModule
from ..dwarf.memory_unit import optimized_out_unit
from ..errors import JitdebugError, SymbolError
from ..obj.elf import prepare_image_part, relocate
from ..obj.model import ObjectFile, RelocKind, SectionKind
from . import _native, mman
from .lowered import Lowerings
from .memory import PAGE_SIZE, Region, page_round
from .memory_units import has_memory_unit
from .perf import PerfWriter
from .registrar import REGISTRAR, Registration
from .thunks import HOST_ERROR_HOOK, adapter_name, host_adapter, veneer, veneer_name

_GROUPS: tuple[tuple[frozenset[SectionKind], int], ...] = (
    (frozenset({SectionKind.TEXT}), mman.PROT_READ | mman.PROT_EXEC),
    (frozenset({SectionKind.RODATA, SectionKind.UNWIND, SectionKind.EXCEPT_TABLE}), mman.PROT_READ),
    (frozenset({SectionKind.DATA, SectionKind.BSS}), mman.PROT_READ | mman.PROT_WRITE),
)
_EH_FRAME = ".eh_frame"
_TERMINATOR = 4
_FOUR_GIB = 1 << 32


@dataclass(frozen=True, slots=True)
class FunctionRange:
    """Where a function of the loaded module lives."""

    function: CompiledFunction
    address: int
    size: int


def runtime_hooks() -> dict[str, int]:
    """Addresses of the native runtime hooks compiled code may call (``jitdebug_trap``, ...)."""
    return dict(_native.hooks())


def with_thunks(compiled: CompiledModule, host_imports: frozenset[str]) -> CompiledModule:
    """A copy of ``compiled`` whose calls to undefined symbols go through veneers (and, for Python imports,
    host adapters) defined inside the module."""
    defined = {f.name for f in compiled.functions} | {e for f in compiled.functions for e in f.exports}
    defined |= {blob.name for blob in compiled.data}
    called: set[str] = set()
    functions: list[CompiledFunction] = []
    call = RelocKind.CALL
    for function in compiled.functions:
        # Only a function calling an undefined symbol changes (a copy with those relocations redirected); the
        # others are shared with ``compiled``.
        if not any([reloc.kind is call and reloc.symbol not in defined for reloc in function.relocations]):
            functions.append(function)
            continue
        relocations = []
        for reloc in function.relocations:
            if reloc.kind is call and reloc.symbol not in defined:
                called.add(reloc.symbol)
                target = adapter_name(reloc.symbol) if reloc.symbol in host_imports else veneer_name(reloc.symbol)
                reloc = reloc._replace(symbol=target)
            relocations.append(reloc)
        # A shallow copy with the new relocations: ``dataclasses.replace`` would run the constructor, and
        # ``copy.copy`` the reduce protocol (a tenth of a second per 5,000 functions, most of a warm start's
        # thunks). CompiledFunction is a plain dataclass: its fields are its ``__dict__``.
        redirected = CompiledFunction.__new__(CompiledFunction)
        redirected.__dict__.update(function.__dict__, relocations=relocations)
        functions.append(redirected)
    # A funcref of a Python import (its descriptor in ``<m>.funcs``) calls the adapter too, so a call through a
    # table checks for the host's exception as a direct call does.
    data = []
    for blob in compiled.data:
        if not any([reloc.symbol in host_imports for reloc in blob.relocations]):
            data.append(blob)
            continue
        relocations = []
        for reloc in blob.relocations:
            if reloc.symbol in host_imports:
                called.add(reloc.symbol)
                reloc = reloc._replace(symbol=adapter_name(reloc.symbol))
            relocations.append(reloc)
        data.append(dataclasses.replace(blob, relocations=tuple(relocations)))
    adapted = sorted(called & host_imports)
    if adapted:
        called.add(HOST_ERROR_HOOK)
    functions += [host_adapter(symbol) for symbol in adapted]
    functions += [veneer(symbol) for symbol in sorted(called)]
    return dataclasses.replace(compiled, functions=functions, data=data)


def _section_layout(obj: ObjectFile, text_pad: int) -> tuple[dict[str, int], list[tuple[int, int, int]]]:
    """Offsets of the loaded sections within the region, and the (offset, size, protection) of each group."""
    offsets: dict[str, int] = {}
    groups: list[tuple[int, int, int]] = []
    cursor = 0
    for kinds, prot in _GROUPS:
        start = cursor
        cursor += text_pad if SectionKind.TEXT in kinds else 0
        for section in obj.sections.values():
            if section.kind in kinds:
                cursor += -cursor % max(section.align, 1)
                offsets[section.name] = cursor
                cursor += section.size + (_TERMINATOR if section.name == _EH_FRAME else 0)
        cursor = page_round(cursor)
        groups.append((start, cursor - start, prot))
    return offsets, groups


def _function_offsets(obj: ObjectFile, compiled: CompiledModule) -> dict[str, int]:
    offsets = {}
    for function in compiled.functions:
        symbol = obj.symbols.get(function.name)
        if symbol is None or symbol.section is None:
            raise SymbolError(f"lowered module has no symbol for function {function.name!r}", function=function.name)
        offsets[function.name] = symbol.value
    return offsets


def _text_pad(base: int, obj: ObjectFile, compiled: CompiledModule) -> int:
    """Padding before the code so that no function starts at a 4 GiB-aligned address: libgcc ignores an FDE whose
    sdata4 ``pc_begin`` has zero low 32 bits (its filter for discarded link-once code)."""
    starts = _function_offsets(obj, compiled).values()
    pad = 0
    while any((base + pad + offset) % _FOUR_GIB == 0 for offset in starts):
        pad += 16
    return pad


def _register_guard_sites(functions: list[FunctionRange]) -> int:
    """The accesses made without a bounds check (``codegen/guards.py``), at their load addresses, registered with
    the guard-fault handler (``runtime/jitdebug_guard.c``); its handle, -1 for none."""
    sites = sorted((placed.address + start, placed.address + end, placed.address + stub)
                   for placed in functions for start, end, stub in placed.function.guard_sites)
    if not sites:
        return -1
    handle = _native.guard_add_sites(struct.pack(f"<{3 * len(sites)}Q", *(word for site in sites for word in site)))
    if handle < 0:
        raise JitdebugError("cannot register the module's guard sites (too many modules loaded)")
    return handle


class LoadedModule:
    """A module in executable memory, registered with GDB/LLDB, the unwinder and (optionally) perf."""

    def __init__(self, compiled: CompiledModule, resolve: Mapping[str, int], *,
                 host_imports: frozenset[str] = frozenset(), perf: PerfWriter | None = None,
                 debug_info: bool = True, lowerings: Lowerings | None = None) -> None:
        """``debug_info`` False: no DWARF and no GDB JIT registration (the unwinder still gets ``.eh_frame``, so
        traps and exceptions keep their backtraces). ``lowerings``: where the lowered object may already be
        (``lowered.py``); the object is only read here."""
        self.compiled = with_thunks(compiled, host_imports)
        # The image carries .debug_frame, not .eh_frame: an image may describe several modules, and a debugger
        # reads a single .eh_frame per object file (the process's unwinder gets the module's own .eh_frame).
        if lowerings is not None:
            obj = lowerings.lower(self.compiled, host_imports, debug_info)
        else:
            from ..lower import lower_module  # here: a warm start never lowers (``lowered.py``)

            obj = lower_module(self.compiled, debug_info=debug_info, debug_frame=debug_info)
        hooks = runtime_hooks()
        offsets, groups = _section_layout(obj, PAGE_SIZE)  # an upper bound: the real pad is below a page
        self.region = Region(sum(size for _, size, _ in groups))
        self._registration: Registration | None = None
        self._frames: tuple[int, int] | None = None
        self._guards = -1
        try:
            offsets, groups = _section_layout(obj, _text_pad(self.region.address, obj, self.compiled))
            addresses = {name: self.region.address + offset for name, offset in offsets.items()}
            self.section_addresses = addresses

            def resolve_symbol(name: str) -> int:
                if name in resolve:
                    return resolve[name]
                if name in hooks:
                    return hooks[name]
                raise SymbolError(f"unresolved symbol {name!r} (not an import nor a runtime hook)", function=name)

            # The image carries no copy of the code and data (the debuggers read them from the region): with the
            # DWARF and the plugins' metadata it stays within twice the code size.
            relocated: dict[str, bytes] = {}
            part = prepare_image_part(obj, addresses, resolve_symbol, relocated=relocated) if debug_info else None
            if part is None:
                relocated = relocate(obj, addresses, resolve_symbol)
            for name, data in relocated.items():
                if name in offsets and data:
                    self.region.write(offsets[name], data)
            for offset, size, prot in groups:
                self.region.protect(offset, size, prot)
            text = addresses.get(".text", 0)
            self.functions = [
                FunctionRange(f, text + offset, len(f.code))
                for f, offset in zip(self.compiled.functions, _function_offsets(obj, self.compiled).values(),
                                     strict=True)
            ]
            self.symbols: dict[str, int] = {}
            for symbol in obj.symbols.values():
                if symbol.section is not None and symbol.section in addresses:
                    self.symbols[symbol.name] = addresses[symbol.section] + symbol.value
            self._guards = _register_guard_sites(self.functions)
            self.eh_frame: tuple[int, int] | None = None
            if _EH_FRAME in addresses and obj.sections[_EH_FRAME].size:
                self.eh_frame = (addresses[_EH_FRAME], obj.sections[_EH_FRAME].size)
            if self.eh_frame is not None:
                self._frames = (self.eh_frame[0], self.eh_frame[1] + _TERMINATOR)
                _native.register_frames(*self._frames)
            if part is not None:
                # Whether the DWARF names the memories, in a memory unit of its own (``dwarf/memory_unit.py``):
                # the registrar keeps a memory unit only while no other module has one, and registers it before
                # the Wasm-level modules naming their memories (``registrar.py``).
                unit = self.compiled.wasm_dwarf is not None and has_memory_unit(part)
                shadow = optimized_out_unit(self.compiled) if unit else b""
                memories = self.compiled.memory_count > 0 and self.compiled.wasm_dwarf is None
                self._registration = REGISTRAR.add(part, memories=memories, shadow=shadow)
            if perf is not None:
                perf.code_loaded(self)
        except BaseException:
            self.free()
            raise

    @property
    def image_size(self) -> int:
        """Bytes of registered image attributable to the module (0 without debug info): its share of the image
        that describes it with other modules. Registers pending modules first: the size exists only then."""
        if self._registration is None:
            return 0
        REGISTRAR.flush()
        return self._registration.image_size

    def address(self, symbol: str) -> int:
        """The load address of a defined symbol (function, export or data blob)."""
        try:
            return self.symbols[symbol]
        except KeyError:
            raise JitdebugError(f"module {self.compiled.name!r} defines no symbol {symbol!r}") from None

    def read(self, address: int, size: int) -> bytes:
        """Bytes of the loaded module (code, tables or state) at an absolute address."""
        return self.region.read(address - self.region.address, size)

    def function_at(self, pc: int) -> FunctionRange | None:
        for function in self.functions:
            if function.address <= pc < function.address + function.size:
                return function
        return None

    def free(self) -> None:
        """Unregister from the debuggers and the unwinder, then unmap. Idempotent."""
        if self._frames is not None:
            _native.deregister_frames(*self._frames)
            self._frames = None
        if self._guards >= 0:
            _native.guard_remove_sites(self._guards)
            self._guards = -1
        if self._registration is not None:
            REGISTRAR.remove(self._registration)
            self._registration = None
        self.region.retire()

