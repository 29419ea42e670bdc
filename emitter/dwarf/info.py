"""DWARF 5 debug information for a compiled module: one compile unit, a subprogram per function, its parameters
and locals with real locations, and the base types they use. Produces ``.debug_info``, ``.debug_abbrev``,
``.debug_str``, ``.debug_line_str``, ``.debug_line``, ``.debug_aranges`` and, when a variable's location is
valid over part of its function only, ``.debug_loclists``.

The compile unit's language is C99: GDB and LLDB both evaluate expressions and print base-typed values in a C
unit (LLDB has no type system for assembler units, so ``frame variable`` would show nothing there), and the
variables' types are plain base types that C describes exactly. The types are named ``i32``/``i64``/... after
the Wasm value types, so the debuggers show the Wasm names.

Every address is an ``Address`` (usually ``SymbolAddress(".text", offset)``): the container writer turns it into
a relocation (ELF, COFF) or applies it (in-memory images).
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

from .._rows import subprograms
from ..arch import Arch
from ..compiled import CompiledFunction, CompiledModule, FrameSlot, InRegister, Location, ValueType, Variable
from ..encoding import ByteWriter, SymbolAddress, uleb128
from ..errors import EmitError
from ..obj.model import Relocation, RelocKind
from .constants import (
    DW_LANG_C99,
    DW_AT_byte_size,
    DW_AT_comp_dir,
    DW_AT_count,
    DW_AT_data_member_location,
    DW_AT_encoding,
    DW_AT_external,
    DW_AT_frame_base,
    DW_AT_GNU_vector,
    DW_AT_high_pc,
    DW_AT_language,
    DW_AT_location,
    DW_AT_low_pc,
    DW_AT_name,
    DW_AT_producer,
    DW_AT_stmt_list,
    DW_AT_type,
    DW_ATE_address,
    DW_ATE_float,
    DW_ATE_signed,
    DW_ATE_unsigned,
    DW_CHILDREN_no,
    DW_CHILDREN_yes,
    DW_FORM_addr,
    DW_FORM_data1,
    DW_FORM_data2,
    DW_FORM_data8,
    DW_FORM_exprloc,
    DW_FORM_flag_present,
    DW_FORM_ref4,
    DW_FORM_sec_offset,
    DW_FORM_strp,
    DW_LLE_end_of_list,
    DW_LLE_start_length,
    DW_OP_breg0,
    DW_OP_bregx,
    DW_OP_call_frame_cfa,
    DW_OP_fbreg,
    DW_OP_reg0,
    DW_OP_regx,
    DW_TAG_array_type,
    DW_TAG_base_type,
    DW_TAG_compile_unit,
    DW_TAG_formal_parameter,
    DW_TAG_member,
    DW_TAG_subprogram,
    DW_TAG_subrange_type,
    DW_TAG_union_type,
    DW_TAG_variable,
    DW_UT_compile,
)
from .line import LineSequence, build_debug_line
from .memories import ABBREVIATIONS as MEMORY_ABBREVIATIONS
from .memories import (
    BYTE_TYPE,
    SIZE_TYPE,
    base_expression,
    described_memories,
    memory_name,
    module_names,
    size_location,
    size_name,
    write_expression,
    write_memory_types,
)
from .strings import StringSection

DWARF_VERSION = 5
ARANGES_VERSION = 2

#: (DW_ATE encoding) of each scalar value type; a v128 is the union ``V128_LANES`` describes.
BASE_TYPE_ENCODINGS = {
    ValueType.I32: DW_ATE_signed,
    ValueType.I64: DW_ATE_signed,
    ValueType.F32: DW_ATE_float,
    ValueType.F64: DW_ATE_float,
    ValueType.ADDR: DW_ATE_address,
}
#: The v128 type: a union named ``v128`` of one vector type (``DW_AT_GNU_vector`` arrays) per lane shape, member
#: name -> (lane base type name, its encoding, lane size, lane count), so ``print`` shows every lane view, as for
#: an XMM register: ``{f32x4 = {...}, f64x2 = {...}, i8x16 = {...}, ...}``.
V128_LANES = {
    "f32x4": ("f32", DW_ATE_float, 4, 4), "f64x2": ("f64", DW_ATE_float, 8, 2),
    "i8x16": ("i8", DW_ATE_signed, 1, 16), "i16x8": ("i16", DW_ATE_signed, 2, 8),
    "i32x4": ("i32", DW_ATE_signed, 4, 4), "i64x2": ("i64", DW_ATE_signed, 8, 2),
}


def _write_v128_type(info: ByteWriter, strings: StringSection, type_offsets: dict[ValueType, int]) -> int:
    """The lane base types missing from the scalar ones, a vector type per lane shape, then the union: returns the
    union's offset."""
    lane_types = {value_type.value: offset for value_type, offset in type_offsets.items()}
    vectors = {}
    for member, (lane, encoding, size, count) in V128_LANES.items():
        if lane not in lane_types:
            lane_types[lane] = info.offset
            info.uleb(_ABBREV_BASE_TYPE)
            strings.reference(info, lane)
            info.u8(encoding)
            info.u8(size)
        vectors[member] = info.offset
        info.uleb(_ABBREV_VECTOR)
        info.u32(lane_types[lane])
        info.uleb(_ABBREV_SUBRANGE)
        info.u8(count)
        info.u8(0)  # end of the vector's children
    union = info.offset
    info.uleb(_ABBREV_UNION)
    strings.reference(info, ValueType.V128.value)
    info.u8(16)
    for member, offset in vectors.items():
        info.uleb(_ABBREV_MEMBER)
        strings.reference(info, member)
        info.u32(offset)
        info.u8(0)
    info.u8(0)  # end of the union's members
    return union


@dataclass(frozen=True, slots=True)
class PlacedFunction:
    """A function and where its code starts (``SymbolAddress(section, offset)``); it is ``len(code)`` long."""

    function: CompiledFunction
    start: SymbolAddress


# Abbreviation codes: one fixed table, written whole (consumers ignore unused entries).
_ABBREV_COMPILE_UNIT = 1
_ABBREV_SUBPROGRAM = 2
_ABBREV_SUBPROGRAM_EXTERNAL = 3
_ABBREV_BASE_TYPE = 4
_ABBREV_PARAMETER = 5
_ABBREV_VARIABLE = 6
_ABBREV_PARAMETER_LOCLIST = 7
_ABBREV_VARIABLE_LOCLIST = 8
#: A DIE's abbreviation says whether children follow, and a childless one must say no (``--verify`` warns):
#: functions without parameters or locals use these.
_ABBREV_SUBPROGRAM_LEAF = 9
_ABBREV_SUBPROGRAM_EXTERNAL_LEAF = 10
_ABBREV_VECTOR = 11
_ABBREV_SUBRANGE = 12
_ABBREV_UNION = 13
_ABBREV_MEMBER = 14

_SUBPROGRAM_ATTRIBUTES = [(DW_AT_name, DW_FORM_strp), (DW_AT_low_pc, DW_FORM_addr), (DW_AT_high_pc, DW_FORM_data8),
                          (DW_AT_frame_base, DW_FORM_exprloc)]
_ABBREVIATIONS: list[tuple[int, int, int, list[tuple[int, int]]]] = [
    (_ABBREV_COMPILE_UNIT, DW_TAG_compile_unit, DW_CHILDREN_yes,
     [(DW_AT_producer, DW_FORM_strp), (DW_AT_language, DW_FORM_data2), (DW_AT_name, DW_FORM_strp),
      (DW_AT_comp_dir, DW_FORM_strp), (DW_AT_low_pc, DW_FORM_addr), (DW_AT_high_pc, DW_FORM_data8),
      (DW_AT_stmt_list, DW_FORM_sec_offset)]),
    (_ABBREV_SUBPROGRAM, DW_TAG_subprogram, DW_CHILDREN_yes, _SUBPROGRAM_ATTRIBUTES),
    (_ABBREV_SUBPROGRAM_EXTERNAL, DW_TAG_subprogram, DW_CHILDREN_yes,
     _SUBPROGRAM_ATTRIBUTES + [(DW_AT_external, DW_FORM_flag_present)]),
    (_ABBREV_SUBPROGRAM_LEAF, DW_TAG_subprogram, DW_CHILDREN_no, _SUBPROGRAM_ATTRIBUTES),
    (_ABBREV_SUBPROGRAM_EXTERNAL_LEAF, DW_TAG_subprogram, DW_CHILDREN_no,
     _SUBPROGRAM_ATTRIBUTES + [(DW_AT_external, DW_FORM_flag_present)]),
    (_ABBREV_BASE_TYPE, DW_TAG_base_type, DW_CHILDREN_no,
     [(DW_AT_name, DW_FORM_strp), (DW_AT_encoding, DW_FORM_data1), (DW_AT_byte_size, DW_FORM_data1)]),
    (_ABBREV_PARAMETER, DW_TAG_formal_parameter, DW_CHILDREN_no,
     [(DW_AT_name, DW_FORM_strp), (DW_AT_type, DW_FORM_ref4), (DW_AT_location, DW_FORM_exprloc)]),
    (_ABBREV_VARIABLE, DW_TAG_variable, DW_CHILDREN_no,
     [(DW_AT_name, DW_FORM_strp), (DW_AT_type, DW_FORM_ref4), (DW_AT_location, DW_FORM_exprloc)]),
    (_ABBREV_PARAMETER_LOCLIST, DW_TAG_formal_parameter, DW_CHILDREN_no,
     [(DW_AT_name, DW_FORM_strp), (DW_AT_type, DW_FORM_ref4), (DW_AT_location, DW_FORM_sec_offset)]),
    (_ABBREV_VARIABLE_LOCLIST, DW_TAG_variable, DW_CHILDREN_no,
     [(DW_AT_name, DW_FORM_strp), (DW_AT_type, DW_FORM_ref4), (DW_AT_location, DW_FORM_sec_offset)]),
    (_ABBREV_VECTOR, DW_TAG_array_type, DW_CHILDREN_yes,
     [(DW_AT_type, DW_FORM_ref4), (DW_AT_GNU_vector, DW_FORM_flag_present)]),
    (_ABBREV_SUBRANGE, DW_TAG_subrange_type, DW_CHILDREN_no, [(DW_AT_count, DW_FORM_data1)]),
    (_ABBREV_UNION, DW_TAG_union_type, DW_CHILDREN_yes, [(DW_AT_name, DW_FORM_strp), (DW_AT_byte_size, DW_FORM_data1)]),
    (_ABBREV_MEMBER, DW_TAG_member, DW_CHILDREN_no,
     [(DW_AT_name, DW_FORM_strp), (DW_AT_type, DW_FORM_ref4), (DW_AT_data_member_location, DW_FORM_data1)]),
    *MEMORY_ABBREVIATIONS,
]


#: An abbreviation: its code, tag, whether it has children, and its (attribute, form) pairs.
Abbreviation = tuple[int, int, int, Sequence[tuple[int, int]]]


def write_abbreviations(out: ByteWriter, table: Sequence[Abbreviation]) -> None:
    """One ``.debug_abbrev`` table (ended by its 0 code) at the end of ``out``."""
    for code, tag, children, attributes in table:
        out.uleb(code)
        out.uleb(tag)
        out.u8(children)
        for attribute, form in attributes:
            out.uleb(attribute)
            out.uleb(form)
        out.uleb(0)
        out.uleb(0)
    out.uleb(0)


def build_debug_abbrev() -> ByteWriter:
    out = ByteWriter()
    write_abbreviations(out, _ABBREVIATIONS)
    return out


def register_operation(arch: Arch, register: str, *, base: bool, offset: int = 0) -> bytes:
    """``DW_OP_reg<n>``/``DW_OP_regx n`` (the value is in the register), or with ``base``
    ``DW_OP_breg<n> offset``/``DW_OP_bregx n offset`` (the value is at register + offset)."""
    number = arch.dwarf_number(register)
    out = ByteWriter()
    if number < 32:
        out.u8((DW_OP_breg0 if base else DW_OP_reg0) + number)
    else:
        out.u8(DW_OP_bregx if base else DW_OP_regx)
        out.uleb(number)
    if base:
        out.sleb(offset)
    return bytes(out.data)


def frame_base_expression(function: CompiledFunction, arch: Arch) -> bytes:
    """``DW_AT_frame_base``: the frame register, or the CFA when the function keeps none."""
    if function.frame_base is None:
        return bytes([DW_OP_call_frame_cfa])
    return register_operation(arch, function.frame_base, base=True)


def location_expression(location: Location, arch: Arch) -> bytes:
    match location:
        case FrameSlot(offset=offset):
            out = ByteWriter()
            out.u8(DW_OP_fbreg)
            out.sleb(offset)
            return bytes(out.data)
        case InRegister(register=register):
            return register_operation(arch, register, base=False)


def _check_function(function: CompiledFunction, arch: Arch) -> None:
    """Reject what cannot be described, naming the function and offset."""
    size = len(function.code)
    for variable in function.variables:
        if variable.code_range is not None:
            start, end = variable.code_range
            if not 0 <= start < end <= size:
                raise EmitError(f"variable {variable.name!r} has code range [{start:#x}, {end:#x}) outside the "
                                f"function ({size:#x} bytes)", function=function.name, offset=start)
        for register in ([variable.location.register] if isinstance(variable.location, InRegister) else []):
            if register not in arch.dwarf_registers:
                raise EmitError(f"variable {variable.name!r} lives in {register!r}, not a {arch.name} register",
                                function=function.name)
    if function.frame_base is not None and function.frame_base not in arch.dwarf_registers:
        raise EmitError(f"frame base {function.frame_base!r} is not a {arch.name} register", function=function.name)


def build_debug_sections(module: CompiledModule, placed: Sequence[PlacedFunction]) -> dict[str, ByteWriter]:
    """All DWARF debug sections for ``module`` whose functions sit at ``placed`` (in address order, all in one
    section). Returns section name -> contents with relocations."""
    if not placed:
        raise EmitError(f"module {module.name!r} has no functions to describe")
    text = placed[0].start.symbol
    arch = module.arch
    # Functions repeat a few shapes: the same (shared) variables and frame base, exported or not. A shape's
    # checks and DIE bytes do not depend on the function, except for variables valid over part of it only.
    shape_keys: list[tuple[object, ...]] = []
    whole: set[tuple[object, ...]] = set()
    for item in placed:
        function = item.function
        if item.start.symbol != text:
            raise EmitError(f"function placed in {item.start.symbol!r}, but the compile unit covers {text!r}",
                            function=function.name)
        # Identities are safe keys: every variable stays alive (in ``module``) while the sections are built.
        key = (function.frame_base, not function.exports, *map(id, function.variables))
        shape_keys.append(key)
        if key not in whole:
            _check_function(function, arch)
            if all([variable.code_range is None for variable in function.variables]):
                whole.add(key)
    strings = StringSection(".debug_str")
    line_strings = StringSection(".debug_line_str")
    low = placed[0].start.addend
    high = max(item.start.addend + len(item.function.code) for item in placed)

    sequences = [LineSequence(item.start, len(item.function.code), item.function.lines)
                 for item in placed if item.function.lines]
    line = build_debug_line(
        sequences,
        source_file=module.source_file, source_dir=module.source_dir, line_strings=line_strings,
        address_size=arch.pointer_size)

    info = ByteWriter()
    loclists = _LocationLists(arch.pointer_size)
    info.u32(0)  # unit_length, patched at the end
    info.u16(DWARF_VERSION)
    info.u8(DW_UT_compile)
    info.u8(arch.pointer_size)
    info.section_offset(".debug_abbrev", 0)
    info.uleb(_ABBREV_COMPILE_UNIT)
    strings.reference(info, module.producer)
    info.u16(DW_LANG_C99)
    strings.reference(info, module.source_file)
    strings.reference(info, module.source_dir)
    info.address(SymbolAddress(text, low), arch.pointer_size)
    info.u64(high - low)
    info.section_offset(".debug_line", 0)

    # Base types first so the variables can refer to them by CU-relative offset.
    type_offsets: dict[ValueType, int] = {}
    for value_type in ValueType:
        if value_type is not ValueType.V128:
            type_offsets[value_type] = info.offset
            info.uleb(_ABBREV_BASE_TYPE)
            strings.reference(info, value_type.value)
            info.u8(BASE_TYPE_ENCODINGS[value_type])
            info.u8(value_type.size)
    type_offsets[ValueType.V128] = _write_v128_type(info, strings, type_offsets)
    if module.memory_count and module.state_prefix:
        _write_memories(info, strings, module)

    expressions: dict[Location, bytes] = {}
    # A whole-function variable's DIE around its name reference: the same few (name, slot) pairs recur in every
    # function, so each is encoded once.
    dies: dict[Variable, tuple[bytes, bytes]] = {}
    # DW_AT_frame_base as written (length and expression), by frame register.
    frame_bases: dict[str | None, bytes] = {}
    # Functions of a shape are written in runs, in C, from their shape's index, name, size and address; a
    # function with a ranged variable ends a run (its DIE is written here, in order).
    shape_index: dict[tuple[object, ...], int] = {}
    shape_list: list[tuple[bytes, int, bytes, tuple[tuple[int, int], ...]]] = []
    run: tuple[list[int], list[int], list[int], list[str], list[int]] = ([], [], [], [], [])
    for item, shape_key in zip(placed, shape_keys, strict=True):
        function = item.function
        if shape_key not in whole:
            _write_subprograms(info, strings.name, shape_list, run, arch.pointer_size)
            _write_subprogram(info, strings, loclists, item, type_offsets, arch, expressions, dies, frame_bases)
            continue
        name = strings.offset(function.name)
        index = shape_index.get(shape_key)
        if index is None:
            # The first function of its shape interns the variables' names, just after its own (the order
            # ``.debug_str`` keeps).
            shape = _subprogram_shape(function, strings, type_offsets, arch, expressions, dies, frame_bases)
            index = shape_index[shape_key] = len(shape_list)
            shape_list.append((shape.head, shape.name_at, shape.tail, shape.strings))
        run[0].append(index)
        run[1].append(name)
        run[2].append(len(function.code))
        run[3].append(item.start.symbol)
        run[4].append(item.start.addend)
    _write_subprograms(info, strings.name, shape_list, run, arch.pointer_size)
    info.u8(0)  # end of the compile unit's children
    info.patch(0, info.offset - 4, 4)

    aranges = ByteWriter()
    aranges.u32(0)
    aranges.u16(ARANGES_VERSION)
    aranges.section_offset(".debug_info", 0)
    aranges.u8(arch.pointer_size)
    aranges.u8(0)  # segment selector size
    aranges.align(2 * arch.pointer_size)
    # An address (a relocated zero field) and a length per function.
    pointer_size = arch.pointer_size
    tuple_entry = _ZERO_AND_LENGTH[pointer_size]
    first = len(aranges.data)
    aranges.relocations += map(Relocation, range(first, first + 2 * pointer_size * len(placed), 2 * pointer_size),
                               repeat(RelocKind.ABSOLUTE), repeat(pointer_size),
                               [item.start.symbol for item in placed], [item.start.addend for item in placed])
    aranges.data += b"".join([tuple_entry(len(item.function.code)) for item in placed])
    aranges.u(0, arch.pointer_size)
    aranges.u(0, arch.pointer_size)
    aranges.patch(0, aranges.offset - 4, 4)

    sections = {
        ".debug_abbrev": build_debug_abbrev(),
        ".debug_info": info,
        ".debug_str": strings.writer,
        ".debug_line_str": line_strings.writer,
        ".debug_line": line,
        ".debug_aranges": aranges,
    }
    if loclists.used:
        sections[".debug_loclists"] = loclists.finish()
    return sections


def _write_memories(info: ByteWriter, strings: StringSection, module: CompiledModule) -> None:
    """``memory0``, ``memory1``, …: a byte array per memory at its current base (``memories.py``)."""
    types = []
    for name, byte_size in ((BYTE_TYPE, 1), (SIZE_TYPE, 8)):
        types.append(info.offset)
        info.uleb(_ABBREV_BASE_TYPE)
        strings.reference(info, name)
        info.u8(DW_ATE_unsigned)
        info.u8(byte_size)
    size = module.arch.pointer_size
    sizes = []
    indices = described_memories(module.memory_count, module_names(module))
    for index in indices:
        sizes.append(info.offset)
        info.uleb(_ABBREV_VARIABLE)
        strings.reference(info, size_name(index))
        info.u32(types[1])
        write_expression(info, size_location(module.state_prefix, index), size)
    arrays = write_memory_types(info, len(indices), types[0], sizes)
    for index, array in zip(indices, arrays, strict=True):
        info.uleb(_ABBREV_VARIABLE)
        strings.reference(info, memory_name(index))
        info.u32(array)
        write_expression(info, base_expression(module.state_prefix, index), size)


def _write_subprograms(info: ByteWriter, string_section: str,
                       shapes: list[tuple[bytes, int, bytes, tuple[tuple[int, int], ...]]],
                       run: tuple[list[int], list[int], list[int], list[str], list[int]], address_size: int) -> None:
    """The DIEs of a run of functions whose variables hold over the whole function (then the run is empty)."""
    if run[0]:
        subprograms(Relocation, info.data, info.relocations, shapes, *run, string_section,
                    RelocKind.SECTION_OFFSET, RelocKind.ABSOLUTE, address_size)
        for column in run:
            column.clear()


#: Fixed-width encoder of the address ranges.
_ZERO_AND_LENGTH = {4: struct.Struct("<4xI").pack, 8: struct.Struct("<8xQ").pack}


@dataclass(frozen=True, slots=True)
class _SubprogramShape:
    """A subprogram DIE without the function's own values: ``head`` (abbreviation code, then zeros for the name
    reference and ``DW_AT_low_pc``), the 8-byte ``DW_AT_high_pc`` that follows, then ``tail`` (frame base and
    children). ``strings`` are the children's name references: (offset in the DIE, offset in ``.debug_str``)."""

    head: bytes
    name_at: int
    tail: bytes
    strings: tuple[tuple[int, int], ...]


def _subprogram_shape(function: CompiledFunction, strings: StringSection, type_offsets: dict[ValueType, int],
                      arch: Arch, expressions: dict[Location, bytes], dies: dict[Variable, tuple[bytes, bytes]],
                      frame_bases: dict[str | None, bytes]) -> _SubprogramShape:
    """The shape of ``function``, whose variables all hold over the whole function."""
    die = ByteWriter()
    _write_subprogram_head(die, function)
    name_at = die.offset
    die.bytes(bytes(4 + arch.pointer_size))
    head = bytes(die.data)
    die.u64(0)
    die.bytes(_frame_base(function, arch, frame_bases))
    references: list[tuple[int, int]] = []
    for variable in sorted(function.variables, key=_parameters_first):
        before, after = _whole_function_die(variable, type_offsets, arch, expressions, dies)
        die.bytes(before)
        references.append((die.offset, strings.offset(variable.name)))
        die.bytes(bytes(4))
        die.bytes(after)
    if function.variables:
        die.u8(0)  # end of the subprogram's children
    return _SubprogramShape(head, name_at, bytes(die.data[len(head) + 8:]), tuple(references))


def _write_subprogram(info: ByteWriter, strings: StringSection, loclists: _LocationLists, item: PlacedFunction,
                      type_offsets: dict[ValueType, int], arch: Arch, expressions: dict[Location, bytes],
                      dies: dict[Variable, tuple[bytes, bytes]], frame_bases: dict[str | None, bytes]) -> None:
    """The subprogram DIE of a function with a variable valid over part of it (a location list)."""
    function = item.function
    _write_subprogram_head(info, function)
    strings.reference(info, function.name)
    info.address(item.start, arch.pointer_size)
    info.u64(len(function.code))
    info.bytes(_frame_base(function, arch, frame_bases))
    for variable in sorted(function.variables, key=_parameters_first):
        if variable.code_range is not None:
            _write_ranged_variable(info, strings, loclists, variable, variable.code_range, item.start,
                                   type_offsets[variable.type], arch, expressions)
            continue
        before, after = _whole_function_die(variable, type_offsets, arch, expressions, dies)
        info.bytes(before)
        strings.reference(info, variable.name)
        info.bytes(after)
    if function.variables:
        info.u8(0)  # end of the subprogram's children


def _write_subprogram_head(out: ByteWriter, function: CompiledFunction) -> None:
    if function.variables:
        out.uleb(_ABBREV_SUBPROGRAM_EXTERNAL if function.exports else _ABBREV_SUBPROGRAM)
    else:
        out.uleb(_ABBREV_SUBPROGRAM_EXTERNAL_LEAF if function.exports else _ABBREV_SUBPROGRAM_LEAF)


def _frame_base(function: CompiledFunction, arch: Arch, frame_bases: dict[str | None, bytes]) -> bytes:
    """``DW_AT_frame_base`` as written (length and expression)."""
    frame_base = frame_bases.get(function.frame_base)
    if frame_base is None:
        expression = frame_base_expression(function, arch)
        frame_base = frame_bases[function.frame_base] = uleb128(len(expression)) + expression
    return frame_base


def _whole_function_die(variable: Variable, type_offsets: dict[ValueType, int], arch: Arch,
                        expressions: dict[Location, bytes],
                        dies: dict[Variable, tuple[bytes, bytes]]) -> tuple[bytes, bytes]:
    die = dies.get(variable)
    if die is None:
        die = dies[variable] = _variable_die(variable, type_offsets[variable.type], arch, expressions)
    return die


def _parameters_first(variable: Variable) -> bool:
    return not variable.is_parameter


def _variable_die(variable: Variable, type_offset: int, arch: Arch,
                  expressions: dict[Location, bytes]) -> tuple[bytes, bytes]:
    """The DIE of a variable located the same way over its whole function, as the bytes before and after its
    ``DW_AT_name`` string reference."""
    expression = expressions.get(variable.location)
    if expression is None:
        expression = expressions[variable.location] = location_expression(variable.location, arch)
    head = ByteWriter()
    head.uleb(_ABBREV_PARAMETER if variable.is_parameter else _ABBREV_VARIABLE)
    tail = ByteWriter()
    tail.u32(type_offset)
    tail.uleb(len(expression))
    tail.bytes(expression)
    return bytes(head.data), bytes(tail.data)


def _write_ranged_variable(info: ByteWriter, strings: StringSection, loclists: _LocationLists, variable: Variable,
                           code_range: tuple[int, int], function_start: SymbolAddress, type_offset: int, arch: Arch,
                           expressions: dict[Location, bytes]) -> None:
    """A variable whose location holds over ``code_range`` only: a location list."""
    # Locations repeat across functions (the same frame slots): encode each one once per module.
    expression = expressions.get(variable.location)
    if expression is None:
        expression = expressions[variable.location] = location_expression(variable.location, arch)
    info.uleb(_ABBREV_PARAMETER_LOCLIST if variable.is_parameter else _ABBREV_VARIABLE_LOCLIST)
    strings.reference(info, variable.name)
    info.u32(type_offset)
    start, end = code_range
    info.section_offset(".debug_loclists",
                        loclists.add(SymbolAddress(function_start.symbol, function_start.addend + start),
                                     end - start, expression))


class _LocationLists:
    """``.debug_loclists``: one list per variable whose location holds over part of its function only."""

    def __init__(self, address_size: int) -> None:
        self.address_size = address_size
        self.writer = ByteWriter()
        self.writer.u32(0)  # unit_length
        self.writer.u16(DWARF_VERSION)
        self.writer.u8(address_size)
        self.writer.u8(0)  # segment selector size
        self.writer.u32(0)  # offset_entry_count: lists are referenced by DW_FORM_sec_offset
        self.used = False

    def add(self, start: SymbolAddress, length: int, expression: bytes) -> int:
        self.used = True
        offset = self.writer.offset
        self.writer.u8(DW_LLE_start_length)
        self.writer.address(start, self.address_size)
        self.writer.uleb(length)
        self.writer.uleb(len(expression))
        self.writer.bytes(expression)
        self.writer.u8(DW_LLE_end_of_list)
        return offset

    def finish(self) -> ByteWriter:
        self.writer.patch(0, self.writer.offset - 4, 4)
        return self.writer
