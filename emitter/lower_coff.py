"""Lower a ``CompiledModule`` to a COFF ``ObjectFile``: ``.text``, ``.xdata`` (UNWIND_INFO), ``.pdata``
(RUNTIME_FUNCTION, sorted, ``IMAGE_REL_AMD64_ADDR32NB``), data sections and symbols.

Exception handling (see ``emitter/codegen/exceptions.py``): a function with handlers gets the same GCC LSDA as
on ELF (``emitter/dwarf/lsda.py``), written inline as the handler data of its ``UNWIND_INFO`` with
``UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER``, and as handler the SEH entry of its personality, named as GCC names
them (``X_v0`` -> ``X_seh0``: ``jitdebug_personality_seh0``, ``__gxx_personality_seh0``), which hands the
dispatcher's callbacks to the personality through libgcc's ``_GCC_specific_handler``.

Every function's unwind program is lowered (and so checked against Windows' limits) before any section is
built: an error names the function and the code offset, and ``write_object`` then writes nothing.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

from .atomic import write_atomic
from .codegen.coff_trap_hook import without_weak_definition
from .codegen.runtime import TRAP_HOOK
from .compiled import CompiledFunction, CompiledModule, DataBlob
from .dwarf.cfi import FrameDescription, build_debug_frame
from .dwarf.info import PlacedFunction, build_debug_sections
from .dwarf.lsda import build_lsda
from .dwarf.memory_unit import append_memory_unit
from .dwarf.translate import translate_debug_sections
from .encoding import ByteWriter, SymbolAddress
from .errors import EmitError, FormatLimitError, SymbolError
from .lower import add_data, check_function
from .obj.coff import write_coff
from .obj.model import Binding, ObjectFile, Relocation, Section, SectionKind, Symbol, SymbolKind
from .seh.lower import ExceptionHandler, SehUnwind, lower_unwind_program
from .seh.unwind_info import RuntimeFunction

TEXT = ".text"
XDATA = ".xdata"
PDATA = ".pdata"


@dataclass(frozen=True, slots=True)
class PlacedUnwind:
    """Where a function landed in ``.text`` and its lowered unwind info."""

    function: CompiledFunction
    text_offset: int
    unwind: SehUnwind


def lower_module_coff(module: CompiledModule, *, handlers: Mapping[str, ExceptionHandler] | None = None,
                      debug_info: bool = True) -> tuple[ObjectFile, list[PlacedUnwind]]:
    """Build the COFF object model for ``module``; ``handlers`` maps a function name to its exception handler.
    With ``debug_info``, the DWARF sections GNU tools read from PE files are added (``.debug_info``, ``.debug_line``,
    ``.debug_frame``, ...; cross-section references become ``IMAGE_REL_AMD64_SECREL``)."""
    handlers = handlers or {}
    unknown = set(handlers) - {f.name for f in module.functions}
    if unknown:
        raise EmitError(f"exception handler given for unknown function(s) {', '.join(sorted(unknown))}")
    lowered = []
    for function in module.functions:
        check_function(function)
        handler = handlers.get(function.name) or _lsda_handler(function)
        seh = lower_unwind_program(function.unwind, function.code, handler)
        if handler is not None and handler.relocations and any(r.info.chained for r in seh.regions):
            # _GCC_specific_handler measures landing pads from the RUNTIME_FUNCTION the dispatcher found.
            raise FormatLimitError("a function with exception handlers needs a single unwind region",
                                   function=function.name,
                                   offset=next(r.start for r in seh.regions if r.info.chained))
        lowered.append(seh)

    obj = ObjectFile(arch=module.arch.name)
    obj.section(TEXT, SectionKind.TEXT, align=16)
    placed = [PlacedUnwind(f, _add_function(obj, f), seh) for f, seh in zip(module.functions, lowered, strict=True)]
    for blob in module.data:
        add_data(obj, blob, _coff_data_section)

    xdata, pdata = ByteWriter(), ByteWriter()
    for item in placed:
        if not item.function.unwind.ops and item.unwind.handler is None:
            continue  # a leaf that never moves rsp nor saves a register: Windows needs no entry for it
        primary: RuntimeFunction | None = None
        primary_entry = 0
        for index, region in enumerate(item.unwind.regions):
            begin = SymbolAddress(TEXT, item.text_offset + region.start)
            end = SymbolAddress(TEXT, item.text_offset + region.end)
            if region.indirect:
                # An indirect entry: UnwindData is the primary RUNTIME_FUNCTION's RVA with the low bit set.
                RuntimeFunction(begin, end, SymbolAddress(PDATA, primary_entry + 1)).write(pdata)
                continue
            xdata.align(4)
            info_address = SymbolAddress(XDATA, xdata.offset)
            # The handler (and its data) belongs to the primary region only.
            handler = item.unwind.handler if index == 0 else None
            region.info.write(xdata, handler=SymbolAddress(handler.symbol) if handler else None,
                              chain=primary if region.info.chained else None, function=item.function.name)
            if handler:
                data_start = xdata.offset - len(handler.data)  # the handler data ends the UNWIND_INFO
                xdata.relocations += [Relocation(data_start + r.offset, r.kind, r.size, r.symbol, r.addend)
                                      for r in handler.relocations]
            entry = RuntimeFunction(begin, end, info_address)
            if primary is None:
                primary, primary_entry = entry, pdata.offset
            entry.write(pdata)
    _add_encoded(obj, XDATA, xdata)
    _add_encoded(obj, PDATA, pdata)
    if debug_info:
        _add_dwarf(obj, module, placed)
    for section in list(obj.sections.values()):
        for reloc in section.relocations:
            obj.reference(reloc.symbol)
    return obj, placed


def seh_personality(personality: str) -> str:
    """The SEH handler that runs personality ``X_v0`` (GCC's convention: ``__gxx_personality_seh0``)."""
    if not personality.endswith("_v0"):
        raise EmitError(f"personality {personality!r} has no SEH entry (expected a name ending in _v0)")
    return personality.removesuffix("_v0") + "_seh0"


def _lsda_handler(function: CompiledFunction) -> ExceptionHandler | None:
    """The function's LSDA as the handler data of its personality's SEH entry, or None without handlers."""
    lsda = build_lsda(function)
    if lsda is None:
        return None
    if function.personality is None:
        raise EmitError("a function with exception handlers names no personality routine", function=function.name)
    return ExceptionHandler(seh_personality(function.personality), lsda.data, relocations=lsda.relocations)


def _add_function(obj: ObjectFile, function: CompiledFunction) -> int:
    text = obj.sections[TEXT]
    names = dict.fromkeys((function.name, *function.exports))
    for name in names:
        if name in obj.symbols and obj.symbols[name].defined:
            raise SymbolError(f"duplicate symbol {name!r}", function=function.name, offset=0)
    offset = text.append(function.code, function.align)
    for name in names:
        binding = (Binding.WEAK if function.weak else Binding.GLOBAL) if name in function.exports else Binding.LOCAL
        obj.add_symbol(Symbol(name, TEXT, offset, len(function.code), SymbolKind.FUNCTION, binding))
    for reloc in function.relocations:
        text.relocate(Relocation(offset + reloc.offset, reloc.kind, reloc.size, reloc.symbol, reloc.addend))
    return offset


#: Grouped-section suffix of data that asks for a section of its own (``DataBlob.section``). PE has no
#: ``__start_``/``__stop_`` symbols: linkers merge ``name$suffix`` sections into ``name`` sorted by suffix, so the
#: runtime brackets every object's ``name$m`` with markers it defines in ``name$a`` and ``name$z``
#: (``emitter/runtime/jitdebug_eh_seh.c``).
GROUPED_SUFFIX = "$m"


def _coff_data_section(obj: ObjectFile, blob: DataBlob) -> Section:
    """Initialised data to ``.data`` (writable) or ``.rdata``; data with a section of its own to that section's
    ``$m`` group."""
    if blob.section is not None:
        return obj.section(blob.section + GROUPED_SUFFIX, SectionKind.RODATA)
    if blob.writable:
        return obj.section(".data", SectionKind.DATA, writable=True)
    return obj.section(".rdata", SectionKind.RODATA)


def _add_dwarf(obj: ObjectFile, module: CompiledModule, placed: list[PlacedUnwind]) -> None:
    """The same DWARF builders as the ELF lowering, with addresses relative to ``.text``: the C/C++ source when the
    Wasm module carried producer DWARF, else the generated listing."""
    functions = [PlacedFunction(item.function, SymbolAddress(TEXT, item.text_offset)) for item in placed]
    sections = translate_debug_sections(module, functions)
    if sections is not None:
        append_memory_unit(sections, module)
    else:
        sections = build_debug_sections(module, functions)
    for name, writer in sections.items():
        _add_encoded(obj, name, writer, SectionKind.DEBUG, align=1)
    fdes = [FrameDescription(f.start, len(f.function.code), f.function.unwind) for f in functions]
    _add_encoded(obj, ".debug_frame", build_debug_frame(fdes, module.arch), SectionKind.DEBUG, align=8)


def _add_encoded(obj: ObjectFile, name: str, writer: ByteWriter, kind: SectionKind = SectionKind.UNWIND,
                 align: int = 4) -> None:
    section = obj.section(name, kind, align=align)
    section.append(bytes(writer.data))
    for reloc in writer.relocations:
        section.relocate(reloc)


def object_model(module: CompiledModule, *,
                 handlers: Mapping[str, ExceptionHandler] | None = None) -> ObjectFile:
    """The model of a linkable COFF object: a weak default trap hook becomes a weak reference with a local
    default (``codegen/coff_trap_hook.py``: GNU ld resolves no weak definition across objects)."""
    obj, _ = lower_module_coff(without_weak_definition(module), handlers=handlers)
    hook = obj.symbols.get(TRAP_HOOK)
    if hook is not None and not hook.defined:
        obj.symbols[TRAP_HOOK] = dataclasses.replace(hook, binding=Binding.WEAK)
    return obj


def write_object(module: CompiledModule, path: str | os.PathLike[str], *,
                 handlers: Mapping[str, ExceptionHandler] | None = None) -> None:
    """Write ``module`` as a COFF x86-64 object at ``path``; on any error nothing is written."""
    write_atomic(path, write_coff(object_model(module, handlers=handlers)))
