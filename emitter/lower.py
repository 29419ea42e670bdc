"""Lower a ``CompiledModule`` to the neutral ``ObjectFile``: code and data sections with symbols and relocations,
call-frame information (``.eh_frame``, ``.debug_frame``), DWARF debug information, ``.note.GNU-stack``.

Everything is validated before anything is written: a bad module raises a typed error naming the function and
the code offset, and ``write_object`` then leaves no file behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from ._rows import lines_in_bounds, relocations_in_bounds
from .atomic import write_atomic
from .compiled import CompiledFunction, CompiledModule, DataBlob, LineTable
from .debugmeta import SECTION_NAME as METADATA_SECTION
from .debugmeta import encode_metadata
from .dwarf.cfi import FrameDescription, all_fde_instructions, build_debug_frame, build_eh_frame
from .dwarf.info import PlacedFunction, build_debug_sections
from .dwarf.lsda import add_exception_tables
from .encoding import ByteWriter, SymbolAddress
from .errors import EmitError, SymbolError
from .gcpause import collector_paused
from .obj.elf import write_relocatable
from .obj.model import Binding, ObjectFile, Relocation, Section, SectionKind, Symbol, SymbolKind

TEXT = ".text"


def check_function(function: CompiledFunction) -> None:
    """Reject a function whose parts disagree with its code, naming the function and offset."""
    size = len(function.code)
    if size == 0:
        raise EmitError("function has no code", function=function.name, offset=0)
    function.unwind.validate(size)
    # Whole-list checks first, in C (this runs for every function of a module); the loops below find and name
    # the offending entry only when one of them fails.
    relocations, lines = function.relocations, function.lines
    if relocations and not relocations_in_bounds(relocations, size):
        _check_relocations(function, size)
    if lines and not lines_in_bounds(LineTable.of(lines).packed, size):
        _check_lines(function, size)
    if function.align <= 0 or function.align & (function.align - 1):
        raise EmitError(f"alignment {function.align} is not a power of two", function=function.name)


def _check_relocations(function: CompiledFunction, size: int) -> None:
    for reloc in function.relocations:
        if not reloc.symbol:
            raise EmitError("relocation without a symbol name", function=function.name, offset=reloc.offset)
        if reloc.offset < 0 or reloc.offset + reloc.size > size:
            raise EmitError(f"relocation against {reloc.symbol!r} lies outside the function ({size:#x} bytes)",
                            function=function.name, offset=reloc.offset)


def _check_lines(function: CompiledFunction, size: int) -> None:
    previous = 0
    for entry in function.lines:
        if not 0 <= entry.code_offset < size:
            raise EmitError(f"line entry for line {entry.line} lies past the code ({size:#x} bytes)",
                            function=function.name, offset=entry.code_offset)
        if entry.code_offset < previous:
            raise EmitError(f"line entries go backwards (previous entry at {previous:#x})",
                            function=function.name, offset=entry.code_offset)
        if entry.line < 0 or entry.column < 0:
            raise EmitError(f"negative line {entry.line} or column {entry.column}", function=function.name,
                            offset=entry.code_offset)
        previous = entry.code_offset


def _add_function(obj: ObjectFile, function: CompiledFunction) -> int:
    check_function(function)
    text = obj.sections[TEXT]
    size = len(function.code)
    # Reserve the symbols before the code goes in, so a duplicate leaves the section untouched.
    offset = len(text.data) + (-len(text.data) % function.align)
    names = dict.fromkeys((function.name, *function.exports))
    for name in names:
        if name in obj.symbols and obj.symbols[name].defined:
            raise SymbolError(f"duplicate symbol {name!r}", function=function.name, offset=0)
    text.append(function.code, function.align)
    for name in names:
        # An export that repeats the function's own name is that one symbol, made global.
        binding = (Binding.WEAK if function.weak else Binding.GLOBAL) if name in function.exports else Binding.LOCAL
        obj.add_symbol(Symbol(name, TEXT, offset, size, SymbolKind.FUNCTION, binding))
    text.relocations += _placed(function.relocations, offset)
    return offset


def _elf_data_section(obj: ObjectFile, blob: DataBlob) -> Section:
    """Where initialised data goes in an ELF object."""
    if blob.section is not None:
        return obj.section(blob.section, SectionKind.RODATA)
    if blob.writable:
        return obj.section(".data", SectionKind.DATA)
    if blob.relocations:
        # Read-only after relocation: in .rodata a PIE link would need text relocations (DT_TEXTREL).
        return obj.section(".data.rel.ro", SectionKind.DATA)
    return obj.section(".rodata", SectionKind.RODATA)


def add_data(obj: ObjectFile, blob: DataBlob,
             data_section: Callable[[ObjectFile, DataBlob], Section] = _elf_data_section) -> None:
    """Place ``blob``: zero-filled writable data in ``.bss``, initialised data where ``data_section`` (the
    container's naming) says, with its symbol and relocations; inconsistent blobs raise typed errors."""
    if blob.data is not None and len(blob.data) != blob.size:
        raise EmitError(f"data {blob.name!r} has {len(blob.data)} bytes but declares {blob.size}",
                        function=blob.name, offset=0)
    if blob.align <= 0 or blob.align & (blob.align - 1):
        raise EmitError(f"alignment {blob.align} is not a power of two", function=blob.name)
    relocations = blob.relocations
    if relocations and (blob.data is None or min([reloc.offset for reloc in relocations]) < 0
                        or max([reloc.offset + reloc.size for reloc in relocations]) > blob.size):
        _check_data_relocations(blob)
    if blob.name in obj.symbols and obj.symbols[blob.name].defined:
        raise SymbolError(f"duplicate symbol {blob.name!r}", function=blob.name, offset=0)
    if blob.data is None and blob.writable:
        section = obj.section(".bss", SectionKind.BSS)
        offset = section.bss_size + (-section.bss_size % blob.align)
        section.bss_size = offset + blob.size
        section.align = max(section.align, blob.align)
    else:
        section = data_section(obj, blob)
        offset = section.append(blob.data if blob.data is not None else bytes(blob.size), blob.align)
    obj.add_symbol(Symbol(blob.name, section.name, offset, blob.size, SymbolKind.OBJECT,
                          Binding.GLOBAL if blob.exported else Binding.LOCAL))
    section.relocations += _placed(blob.relocations, offset)


def _check_data_relocations(blob: DataBlob) -> None:
    for reloc in blob.relocations:
        if blob.data is None or reloc.offset < 0 or reloc.offset + reloc.size > blob.size:
            raise EmitError(f"relocation against {reloc.symbol!r} lies outside the data ({blob.size:#x} bytes)",
                            function=blob.name, offset=reloc.offset)


def _placed(relocations: Sequence[Relocation], offset: int) -> Sequence[Relocation]:
    """``relocations`` moved ``offset`` bytes on (the same objects at offset 0: they are immutable)."""
    if not offset:
        return relocations
    return [Relocation(offset + reloc.offset, reloc.kind, reloc.size, reloc.symbol, reloc.addend)
            for reloc in relocations]


def lower_module(module: CompiledModule, *, debug_info: bool = True, debug_frame: bool = True) -> ObjectFile:
    """Build the object for ``module``. Raises ``EmitError`` (or a subclass) on inconsistent input.

    ``debug_info`` False leaves out what only debuggers read (the DWARF debug sections, ``.debug_frame``, the
    plugins' metadata) and keeps what the process needs (code, data, ``.eh_frame``, exception tables).
    ``debug_frame`` False leaves out ``.debug_frame`` alone: a JIT image does, since GDB and LLDB read the same
    rules from its ``.eh_frame``.
    """
    with collector_paused():
        return _lower_module(module, debug_info, debug_frame)


def _lower_module(module: CompiledModule, debug_info: bool, debug_frame: bool) -> ObjectFile:
    obj = ObjectFile(arch=module.arch.name)
    obj.section(TEXT, SectionKind.TEXT)
    placed: list[PlacedFunction] = []
    for function in module.functions:
        offset = _add_function(obj, function)
        placed.append(PlacedFunction(function, SymbolAddress(TEXT, offset)))
    for blob in module.data:
        add_data(obj, blob)
    # References resolve only after every definition is in: a call to a later function is not undefined.
    for section in obj.sections.values():
        for name in dict.fromkeys([reloc.symbol for reloc in section.relocations]):
            obj.reference(name)

    # Exception handling: an LSDA per function with handlers, referenced from its FDE under a zPLR CIE.
    lsdas, personality = add_exception_tables(obj, module.functions, module.arch)
    fdes = [FrameDescription(item.start, len(item.function.code), item.function.unwind,
                             lsdas.get(item.function.name), item.function.signal_frame_cfi) for item in placed]
    instructions = all_fde_instructions(fdes, module.arch)  # shared by both CFI sections
    eh_frame = build_eh_frame(fdes, module.arch, personality=personality, terminate=False,
                              instructions=instructions)
    _add_encoded(obj, ".eh_frame", SectionKind.UNWIND, eh_frame.data, eh_frame.relocations, align=8)
    if debug_info:
        # C/C++ source when the Wasm module carried producer DWARF, else the generated listing.
        sections = _translated_debug_sections(module, placed) or build_debug_sections(module, placed)
        for name, writer in sections.items():
            _add_encoded(obj, name, SectionKind.DEBUG, writer.data, writer.relocations)
        if debug_frame:
            frames = build_debug_frame(fdes, module.arch, instructions=instructions)
            _add_encoded(obj, ".debug_frame", SectionKind.DEBUG, frames.data, frames.relocations, align=8)
        # The debugger plugins' own description of the module (no DWARF parsing inside gdb/lldb).
        obj.section(METADATA_SECTION, SectionKind.DEBUG).data += encode_metadata(module, instructions)
    # An empty .note.GNU-stack asks the linker for a non-executable stack.
    obj.section(".note.GNU-stack", SectionKind.NOTE)
    return obj


def _translated_debug_sections(module: CompiledModule,
                               placed: Sequence[PlacedFunction]) -> dict[str, ByteWriter] | None:
    """The translation of the producer's DWARF, if the module has any, with the memories' unit after the
    translated ones (``dwarf/memory_unit.py``): the translator is loaded only for such modules."""
    if module.wasm_dwarf is None:
        return None
    from .dwarf.memory_unit import append_memory_unit
    from .dwarf.translate import translate_debug_sections

    sections = translate_debug_sections(module, placed)
    if sections is not None:
        append_memory_unit(sections, module)
    return sections


def _add_encoded(obj: ObjectFile, name: str, kind: SectionKind, data: bytearray, relocations: list[Relocation],
                 align: int = 1) -> None:
    section = obj.section(name, kind, align=align)
    section.append(bytes(data))
    section.relocations += relocations


def write_object(module: CompiledModule, path: str | os.PathLike[str]) -> None:
    """Write ``module`` as an ELF relocatable object at ``path``; on any error nothing is written."""
    with collector_paused():
        data = write_relocatable(lower_module(module), source_name=module.source_file)
    write_atomic(path, data)
