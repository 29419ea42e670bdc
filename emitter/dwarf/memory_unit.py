"""The linear memories in a module with the producer's DWARF: a compile unit of our own, ``<wasm memories>``,
appended after the translated C/C++ units, with the same ``memoryN`` / ``memoryN_size`` variables as the
Wasm-level DWARF (``memories.py``): so ``p memory0[0x400]``, ``x/16xb &memory0[p]`` (gdb) and
``target variable memory0_size``, ``memory read &memory0[0x400]`` (lldb) show the memory by Wasm address in a
C program too, where a C pointer's value is such an address.

A unit of its own rather than DIEs inside a translated unit: the translation (``translate*.py``) stays as it is,
the C units' own DIEs, names and scopes are untouched, and the unit has no code (no line table, no ranges), so
backtraces, lines, locals and breakpoints are those of the C program. It is DWARF 4 like the translated units,
with an abbreviation table of its own appended to ``.debug_abbrev`` and inline strings (``DW_FORM_string``), so
it adds nothing to the translated sections but bytes at their ends. Its base types are spelled as C spells them
(``unsigned char``, ``unsigned long long``, both the same size and encoding as the program's own): a C program
often has a ``u8`` or ``u64`` typedef of its own, which a Wasm-level name would compete with.

The variables are spelled with the object's ``--export-prefix`` (``Pmemory0``; no prefix: ``memory0``): in a C
frame gdb and lldb look such a global up in every object file and unit in load order, so two modules linked into
one program (which need distinct prefixes anyway) must not share the name. The JIT registers no two such units
in one process at a time (``emitter/jit/registrar.py``).

A name the producer's DWARF already uses (a C variable, function, type or member called ``memory0``, say) is
not given to a memory: ``described`` leaves that memory out, so the program's own symbol is
what the debuggers show. The names are found in the producer's string sections and inline strings, a superset of
its DIEs' names (conservative: a file named ``memory0`` also counts).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..compiled import CompiledModule
from ..encoding import ByteWriter
from .constants import (
    DW_LANG_C99,
    DW_AT_byte_size,
    DW_AT_encoding,
    DW_AT_external,
    DW_AT_language,
    DW_AT_location,
    DW_AT_name,
    DW_AT_producer,
    DW_AT_type,
    DW_ATE_unsigned,
    DW_ATE_unsigned_char,
    DW_CHILDREN_no,
    DW_CHILDREN_yes,
    DW_FORM_data1,
    DW_FORM_data2,
    DW_FORM_exprloc,
    DW_FORM_flag_present,
    DW_FORM_ref4,
    DW_FORM_string,
    DW_TAG_base_type,
    DW_TAG_compile_unit,
    DW_TAG_variable,
)
from .info import write_abbreviations
from .memories import ABBREVIATIONS as ARRAY_ABBREVIATIONS
from .memories import (
    base_expression,
    memory_name,
    module_names,
    size_location,
    size_name,
    write_expression,
    write_memory_types,
)

#: The unit's name, as gdb's ``info variables`` heads the variables (GCC names its LTO units ``<artificial>``).
UNIT_NAME = "<wasm memories>"
BYTE_TYPE = "unsigned char"
SIZE_TYPE = "unsigned long long"

_ABBREV_UNIT = 1
_ABBREV_BASE_TYPE = 2
_ABBREV_VARIABLE = 3
_ABBREVIATIONS: list[tuple[int, int, int, list[tuple[int, int]]]] = [
    (_ABBREV_UNIT, DW_TAG_compile_unit, DW_CHILDREN_yes,
     [(DW_AT_name, DW_FORM_string), (DW_AT_producer, DW_FORM_string), (DW_AT_language, DW_FORM_data2)]),
    (_ABBREV_BASE_TYPE, DW_TAG_base_type, DW_CHILDREN_no,
     [(DW_AT_name, DW_FORM_string), (DW_AT_encoding, DW_FORM_data1), (DW_AT_byte_size, DW_FORM_data1)]),
    (_ABBREV_VARIABLE, DW_TAG_variable, DW_CHILDREN_no,
     [(DW_AT_name, DW_FORM_string), (DW_AT_type, DW_FORM_ref4), (DW_AT_external, DW_FORM_flag_present),
      (DW_AT_location, DW_FORM_exprloc)]),
    *ARRAY_ABBREVIATIONS,
]
def producer_names(module: CompiledModule) -> set[str]:
    """The ``PmemoryN``/``PmemoryN_size`` names (``P`` the export prefix) the producer's DWARF mentions: a whole
    ``.debug_str`` entry, or anywhere in ``.debug_info`` (an inline ``DW_FORM_string``, whose start no byte
    marks)."""
    sections = module.wasm_dwarf.sections if module.wasm_dwarf is not None else {}
    needle = module.export_prefix.encode() + b"memory"
    # Each occurrence of the literal is tried (bytes.find: a scan of megabytes of a Rust program's strings takes
    # a millisecond, where one regular expression searching for the name at a NUL took 45).
    return _names_at(sections.get(".debug_str", b""), needle, pooled=True) | _names_at(
        sections.get(".debug_info", b""), needle, pooled=False)


_NAME_TAIL = re.compile(rb"\d+(?:_size)?\0")


def _names_at(data: bytes, needle: bytes, pooled: bool) -> set[str]:
    """The names ``needle`` + digits (+ ``_size``) ending at a NUL in ``data``; ``pooled``: starting at one too
    (or at the start), as a whole string of ``.debug_str``."""
    names = set()
    at = data.find(needle)
    while at >= 0:
        tail = _NAME_TAIL.match(data, at + len(needle))
        if tail is not None and (not pooled or at == 0 or data[at - 1] == 0):
            names.add(data[at:tail.end() - 1].decode())
        at = data.find(needle, at + 1)
    return names


def taken_names(module: CompiledModule) -> set[str]:
    """The names the unit's variables must not take: the module's own (``memories.module_names``), its exports'
    C symbols (``P`` + name) and the producer's DWARF's."""
    names = module_names(module)
    prefix = module.export_prefix
    return names | {prefix + name for name in names} | producer_names(module)


def variable_names(module: CompiledModule, index: int) -> tuple[str, str]:
    """Memory ``index``'s array and size variables: ``memoryN``/``memoryN_size`` after the export prefix."""
    return module.export_prefix + memory_name(index), module.export_prefix + size_name(index)


def described(module: CompiledModule) -> list[int]:
    """The memories the unit describes: those neither of whose (prefixed) names is taken."""
    if not module.memory_count or not module.state_prefix or module.wasm_dwarf is None:
        return []
    taken = taken_names(module)
    return [index for index in range(module.memory_count) if not taken.intersection(variable_names(module, index))]


def append_memory_unit(sections: dict[str, ByteWriter], module: CompiledModule) -> None:
    """Append the memories' unit to the translated ``sections`` (``.debug_info`` and ``.debug_abbrev``), when
    the module has memories whose names are free."""
    indices = described(module)
    if not indices:
        return
    abbrev = sections[".debug_abbrev"]
    table = abbrev.offset
    write_abbreviations(abbrev, _ABBREVIATIONS)

    info = sections[".debug_info"]
    _write_unit(info, module, indices, lambda: info.section_offset(".debug_abbrev", table), located=True)


def optimized_out_unit(module: CompiledModule) -> bytes:
    """The module's unit (empty without one) with every variable optimized out (an empty location): what a JIT
    image carries instead while another module's unit is loaded too (``emitter/jit/registrar.py``). The names
    stay, so that both debuggers find this module's optimized-out global before any other module's ``memory0``.
    Its abbreviation offset is 0, for the caller to set to the unit's own."""
    indices = described(module)
    if not indices:
        return b""
    info = ByteWriter()
    _write_unit(info, module, indices, lambda: info.u32(0), located=False)
    return bytes(info.data)


def _write_unit(info: ByteWriter, module: CompiledModule, indices: list[int], abbrev_offset: Callable[[], None],
                *, located: bool) -> None:
    address_size = module.arch.pointer_size
    start = info.offset
    info.u32(0)  # unit_length, patched below
    info.u16(4)
    abbrev_offset()
    info.u8(address_size)
    info.uleb(_ABBREV_UNIT)
    info.cstr(UNIT_NAME)
    info.cstr(module.producer)
    info.u16(DW_LANG_C99)
    types = []
    for name, encoding, byte_size in ((BYTE_TYPE, DW_ATE_unsigned_char, 1), (SIZE_TYPE, DW_ATE_unsigned, 8)):
        types.append(info.offset - start)
        info.uleb(_ABBREV_BASE_TYPE)
        info.cstr(name)
        info.u8(encoding)
        info.u8(byte_size)
    sizes = []
    for index in indices:
        sizes.append(info.offset - start)
        _variable(info, variable_names(module, index)[1], types[1])
        if located:
            write_expression(info, size_location(module.state_prefix, index), address_size)
        else:
            info.uleb(0)  # an empty location: optimized out
    # ``write_memory_types`` takes unit-relative offsets and returns section positions: the unit starts there.
    arrays = [offset - start for offset in write_memory_types(info, len(indices), types[0], sizes)]
    for index, array in zip(indices, arrays, strict=True):
        _variable(info, variable_names(module, index)[0], array)
        if located:
            write_expression(info, base_expression(module.state_prefix, index), address_size)
        else:
            info.uleb(0)
    info.u8(0)  # end of the unit's children
    info.patch(start, info.offset - start - 4, 4)


def _variable(info: ByteWriter, name: str, type_offset: int) -> None:
    info.uleb(_ABBREV_VARIABLE)
    info.cstr(name)
    info.u32(type_offset)
