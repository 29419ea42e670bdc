"""Lower a ``CompiledModule`` to a COFF ``ObjectFile``: ``.text``, ``.xdata`` (UNWIND_INFO), ``.pdata``
(RUNTIME_FUNCTION, sorted, ``IMAGE_REL_AMD64_ADDR32NB``), data sections and symbols.

Every function's unwind program is lowered (and so checked against Windows' limits) before any section is
built: an error names the function and the code offset, and ``write_object`` then writes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from .atomic import write_atomic
from .compiled import CompiledFunction, CompiledModule, DataBlob
from .dwarf.cfi import FrameDescription, build_debug_frame
from .dwarf.info import PlacedFunction, build_debug_sections
from .encoding import ByteWriter, SymbolAddress
from .errors import EmitError, SymbolError
from .lower import check_function
from .obj.coff import write_coff
from .obj.model import Binding, ObjectFile, Relocation, SectionKind, Symbol, SymbolKind
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
        lowered.append(lower_unwind_program(function.unwind, function.code, handlers.get(function.name)))

    obj = ObjectFile(arch=module.arch.name)
    obj.section(TEXT, SectionKind.TEXT, align=16)
    placed = [PlacedUnwind(f, _add_function(obj, f), seh) for f, seh in zip(module.functions, lowered, strict=True)]
    for blob in module.data:
        _add_data(obj, blob)

    xdata, pdata = ByteWriter(), ByteWriter()
    for item in placed:
        primary: RuntimeFunction | None = None
        for region in item.unwind.regions:
            xdata.align(4)
            info_address = SymbolAddress(XDATA, xdata.offset)
            begin = SymbolAddress(TEXT, item.text_offset + region.start)
            end = SymbolAddress(TEXT, item.text_offset + region.end)
            handler = item.unwind.handler
            region.info.write(xdata, handler=SymbolAddress(handler.symbol) if handler and not region.info.chained
                              else None, chain=primary if region.info.chained else None, function=item.function.name)
            entry = RuntimeFunction(begin, end, info_address)
            primary = primary or entry
            entry.write(pdata)
    _add_encoded(obj, XDATA, xdata)
    _add_encoded(obj, PDATA, pdata)
    if debug_info:
        _add_dwarf(obj, module, placed)
    for section in list(obj.sections.values()):
        for reloc in section.relocations:
            obj.reference(reloc.symbol)
    return obj, placed


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


def _add_data(obj: ObjectFile, blob: DataBlob) -> None:
    """Initialised data to ``.data`` (writable) or ``.rdata``, zero-filled writable data to ``.bss``."""
    if blob.data is not None and len(blob.data) != blob.size:
        raise EmitError(f"data {blob.name!r} has {len(blob.data)} bytes but declares {blob.size}",
                        function=blob.name, offset=0)
    if blob.align <= 0 or blob.align & (blob.align - 1):
        raise EmitError(f"alignment {blob.align} is not a power of two", function=blob.name)
    if blob.name in obj.symbols and obj.symbols[blob.name].defined:
        raise SymbolError(f"duplicate symbol {blob.name!r}", function=blob.name, offset=0)
    if blob.data is None and blob.writable:
        section = obj.section(".bss", SectionKind.BSS)
        offset = section.bss_size + (-section.bss_size % blob.align)
        section.bss_size = offset + blob.size
        section.align = max(section.align, blob.align)
    else:
        section = (obj.section(".data", SectionKind.DATA, writable=True) if blob.writable
                   else obj.section(".rdata", SectionKind.RODATA))
        offset = section.append(blob.data if blob.data is not None else bytes(blob.size), blob.align)
    obj.add_symbol(Symbol(blob.name, section.name, offset, blob.size, SymbolKind.OBJECT,
                          Binding.GLOBAL if blob.exported else Binding.LOCAL))
    for reloc in blob.relocations:
        if reloc.offset < 0 or reloc.offset + reloc.size > blob.size:
            raise EmitError(f"relocation against {reloc.symbol!r} lies outside the data ({blob.size:#x} bytes)",
                            function=blob.name, offset=reloc.offset)
        section.relocate(Relocation(offset + reloc.offset, reloc.kind, reloc.size, reloc.symbol, reloc.addend))


def _add_dwarf(obj: ObjectFile, module: CompiledModule, placed: list[PlacedUnwind]) -> None:
    """The same DWARF builders as the ELF lowering, with addresses relative to ``.text``."""
    functions = [PlacedFunction(item.function, SymbolAddress(TEXT, item.text_offset)) for item in placed]
    for name, writer in build_debug_sections(module, functions).items():
        _add_encoded(obj, name, writer, SectionKind.DEBUG, align=1)
    fdes = [FrameDescription(f.start, len(f.function.code), f.function.unwind) for f in functions]
    _add_encoded(obj, ".debug_frame", build_debug_frame(fdes, module.arch), SectionKind.DEBUG, align=8)


def _add_encoded(obj: ObjectFile, name: str, writer: ByteWriter, kind: SectionKind = SectionKind.UNWIND,
                 align: int = 4) -> None:
    section = obj.section(name, kind, align=align)
    section.append(bytes(writer.data))
    for reloc in writer.relocations:
        section.relocate(reloc)


def write_object(module: CompiledModule, path: str | os.PathLike[str], *,
                 handlers: Mapping[str, ExceptionHandler] | None = None) -> None:
    """Write ``module`` as a COFF x86-64 object at ``path``; on any error nothing is written."""
    obj, _ = lower_module_coff(module, handlers=handlers)
    write_atomic(path, write_coff(obj))
