"""Translate a Wasm module's producer DWARF (clang ``-g``: C/C++ source in terms of Wasm code offsets and Wasm
locals) into the native image's DWARF, so GDB and LLDB show C functions, lines and variables for our code.

The DIE tree is copied (types as they are, strings re-pooled, references re-resolved); what depends on the
machine is rewritten:

- ``DW_AT_low_pc``/``DW_AT_high_pc``/``DW_AT_ranges`` of units, subprograms, lexical blocks and inlined
  subroutines: through the Wasm -> native map (``translate_map``), as one range or a ``.debug_ranges`` list;
- the line table: regenerated per native function (``translate_line``);
- ``DW_AT_frame_base``, ``DW_AT_location`` (expressions and ``.debug_loc`` lists): ``translate_expr``;
- C pointers: a 32-bit linear-memory offset everywhere in memory (struct members, arrays, pointees), so each
  ``DW_TAG_pointer_type`` becomes a 4-byte ``typedef unsigned int __wasm32_ptr<T *>`` named after the C type
  (which the plugins' printers follow: ``emitter/debugcore/pointers.py``); a *variable* of pointer type is instead
  given a native pointer type and a location computing memory base + offset, so ``print *p``/``p->x`` work in
  both debuggers (the variable is then read-only in the debugger); a function pointer is a table index instead:
  in memory the stand-in ``__wasm32_funcptr``, and a variable's location reads the function's code address
  through table 0 (``ExpressionTranslator.pointer_value(function=True)``);
- call-site DIEs are dropped (their return addresses have no meaning natively), and so are the functions the
  linker discarded (``translate_discard``: no code, so nothing a debugger could use; found by a scan before
  decoding, so their DIEs are never decoded).

DWARF 2-5 compile units are read (``producer_reader``, our own reader: the translation's time is mostly reading)
and written as DWARF 4; a module whose DWARF cannot be read falls back to describing the generated listing.
"""

from __future__ import annotations

import bisect
import functools
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from elftools.dwarf.enums import ENUM_DW_AT, ENUM_DW_FORM, ENUM_DW_TAG

from ..compiled import CompiledModule, FrameSlot, WasmDwarf
from ..encoding import ByteWriter, SymbolAddress
from ..obj.model import Relocation, RelocKind
from . import _translate
from .info import PlacedFunction
from .producer_reader import READ_ERRORS, BaseAddress, Die, ProducerDwarf, ProducerDwarfError, Unit
from .strings import StringSection
from .translate_discard import discarded_dies, discarded_subtrees
from .translate_expr import ExpressionTranslator, FrameContext, Untranslatable, embed
from .translate_line import FileEntry, line_program
from .translate_map import AddressMap

_AT = ENUM_DW_AT
_FORM = ENUM_DW_FORM
_TAG = ENUM_DW_TAG
_POINTER_TAGS = frozenset(["DW_TAG_pointer_type", "DW_TAG_reference_type", "DW_TAG_rvalue_reference_type"])
_TRANSPARENT_TAGS = frozenset(["DW_TAG_typedef", "DW_TAG_const_type", "DW_TAG_volatile_type",
                               "DW_TAG_restrict_type", "DW_TAG_atomic_type"])
_CALL_SITE_TAGS = frozenset(["DW_TAG_GNU_call_site", "DW_TAG_call_site", "DW_TAG_GNU_call_site_parameter",
                             "DW_TAG_call_site_parameter"])
_DROPPED_ATTRIBUTES = frozenset(["DW_AT_GNU_all_call_sites", "DW_AT_call_all_calls", "DW_AT_GNU_all_tail_call_sites",
                                 "DW_AT_call_all_tail_calls", "DW_AT_sibling", "DW_AT_GNU_pubnames",
                                 "DW_AT_str_offsets_base", "DW_AT_addr_base", "DW_AT_rnglists_base",
                                 "DW_AT_loclists_base"])
_PC_ATTRIBUTES = frozenset(["DW_AT_low_pc", "DW_AT_high_pc", "DW_AT_ranges", "DW_AT_entry_pc"])
_VARIABLE_TAGS = frozenset(["DW_TAG_variable", "DW_TAG_formal_parameter"])
#: Attributes not copied: dropped, or rewritten through the address map.
_NOT_COPIED = _DROPPED_ATTRIBUTES | _PC_ATTRIBUTES
_NOT_COPIED_RETURNING_THROUGH_MEMORY = _NOT_COPIED | frozenset(["DW_AT_type", "DW_AT_calling_convention"])
_NOT_COPIED_WITH_CONVENTION = _NOT_COPIED | frozenset(["DW_AT_calling_convention"])
_DW_CC_nocall = 0x03
#: The attributes ``_special`` writes, by (the DIE has a frame, it is a variable, of pointer type); the others copied.
_SPECIAL_BY_NEED = {(frame, variable, pointer): frozenset(
    ["DW_AT_stmt_list"] + ["DW_AT_frame_base"] * frame + ["DW_AT_location"] * variable + ["DW_AT_type"] * pointer)
    for frame in (False, True) for variable in (False, True) for pointer in (False, True)}
_STRING_FORMS = frozenset(["DW_FORM_string", "DW_FORM_strp", "DW_FORM_line_strp", "DW_FORM_strx", "DW_FORM_strx1",
                           "DW_FORM_strx2", "DW_FORM_strx3", "DW_FORM_strx4", "DW_FORM_GNU_strp_alt"])
_REF_FORMS = frozenset(["DW_FORM_ref1", "DW_FORM_ref2", "DW_FORM_ref4", "DW_FORM_ref8", "DW_FORM_ref_udata"])
#: References leaving the unit: ``ref_addr`` is translated; the others name type units or other files, which are
#: not (the attribute is dropped).
_OTHER_REF_FORMS = frozenset(["DW_FORM_ref_addr", "DW_FORM_ref_sig8", "DW_FORM_ref_sup4", "DW_FORM_ref_sup8",
                              "DW_FORM_GNU_ref_alt"])
_BLOCK_FORMS = frozenset(["DW_FORM_block", "DW_FORM_block1", "DW_FORM_block2", "DW_FORM_block4", "DW_FORM_exprloc",
                          "DW_FORM_data16"])
#: How ``_translate.copy_attributes`` copies an attribute of each form (``_translate.c``'s ``C_*``): a string as a
#: pooled ``strp``; a reference within this ``.debug_info`` (unit-relative, then ``ref_addr``) re-resolved, one to
#: another file or a type unit dropped; constants, flags and blocks re-encoded as they are (``sdata`` for an
#: implicit constant); a form not listed is not copied (a file index aside: ``DW_AT_decl_file`` and
#: ``DW_AT_call_file`` of DWARF 5 move by one, whatever their form).
_FORM_KINDS = {**{form: 1 for form in _STRING_FORMS}, **{form: 2 for form in _REF_FORMS}, "DW_FORM_ref_addr": 3,
               **{form: 4 for form in _OTHER_REF_FORMS - {"DW_FORM_ref_addr"}}, "DW_FORM_data1": 5,
               "DW_FORM_data2": 6, "DW_FORM_data4": 7, "DW_FORM_data8": 8, "DW_FORM_sdata": 9,
               "DW_FORM_implicit_const": 9, "DW_FORM_udata": 10, "DW_FORM_flag": 11, "DW_FORM_flag_present": 12,
               **{form: 13 for form in _BLOCK_FORMS - {"DW_FORM_exprloc"}}, "DW_FORM_exprloc": 14}
_SHIFTED_FILES = frozenset(["DW_AT_decl_file", "DW_AT_call_file"])
#: The placeholders of a [begin, end) pair of relocated 8-byte addresses (range and location lists).
_ZERO_PAIR = bytes(16)
#: The 4-byte stand-in for pointers stored in linear memory.
POINTER_STAND_IN = "__wasm32_ptr"
#: The 4-byte stand-in for C function pointers: an index into the function table (``__indirect_function_table``,
#: table 0), which the plugins' printers resolve to the function it names.
FUNCTION_POINTER_STAND_IN = "__wasm32_funcptr"
#: The base type the stand-ins name: the offset.
POINTER_OFFSET = "unsigned int"
_DW_ATE_unsigned = 0x07
_DW_LANG_Rust = 0x1C
#: The static member that tells the plugins' printers a Rust fat pointer (``&[T]``, ``&str``) whose ``data_ptr``
#: is a stand-in; see ``_fat_pointer_marker``.
FAT_POINTER_MARKER = "__wasm32_fat_pointer"
_KEYWORDS = {"DW_TAG_structure_type": "struct", "DW_TAG_union_type": "union", "DW_TAG_enumeration_type": "enum",
             "DW_TAG_class_type": "class"}

#: A reference to a DIE (a producer offset or a made-up DIE's key), relative to the output unit starting at the
#: second item (``ref4``) or, when None, section-relative (``ref_addr``), from the producer unit last.
_Reference = tuple[object, int | None, Unit]
#: How an attribute's value is written (by ``_translate.write_die``): its bytes when they are known already (most
#: copied values), a ``str`` (a ``DW_FORM_strp`` into the pooled ``.debug_str``), a reference (a 4-byte
#: placeholder and a fixup), else a function writing them (addresses, section offsets: they add relocations).
Writer = Callable[[ByteWriter], None] | bytes | str | _Reference
Attribute = tuple[int, int, Writer]
_FORM_STRP = _FORM["DW_FORM_strp"]
_FORM_REF4 = _FORM["DW_FORM_ref4"]
_FORM_REF_ADDR = _FORM["DW_FORM_ref_addr"]

class ProducerDwarfWarning(UserWarning):
    """Producer DWARF the translation could not use, in part or whole: the message names the unit and why.
    The module still compiles; what was dropped is described by the generated listing or not at all."""


#: What malformed producer DWARF can raise from the reader or from the translation of a unit: the boundary at
#: which bad input becomes a dropped unit and a warning, never an exception for the caller.
_PRODUCER_ERRORS: tuple[type[BaseException], ...] = (*READ_ERRORS, Untranslatable)


def translate_debug_sections(module: CompiledModule,
                             placed: Sequence[PlacedFunction]) -> dict[str, ByteWriter] | None:
    """The native DWARF sections translated from ``module.wasm_dwarf``, or None when there is none or none of
    it can be used (the caller then describes the generated listing).

    A unit whose DWARF is malformed (or uses what is not translated: DWARF 5, type units) is dropped with one
    ``ProducerDwarfWarning`` naming it, and the others are translated again without it (references into it
    dropped too); each round drops one more unit, so this ends."""
    dwarf = module.wasm_dwarf
    if dwarf is None:
        return None
    units: list[Unit] = []
    try:
        info = ProducerDwarf(dwarf.sections)
        units = _units(info)
        dropped: dict[int, int] = {}
        while True:
            try:
                return _Translator(info, dwarf, placed, units, dropped).run()
            except _UnitFailed as failure:
                cu = failure.unit
                _warn(f"producer DWARF unit {_unit_name(cu)!r} at .debug_info offset {cu.cu_offset:#x}: "
                      f"{failure.reason}; unit dropped")
                dropped[cu.cu_offset] = cu.cu_offset + cu.size
    except _PRODUCER_ERRORS as error:  # outside any one unit (the sections' own headers, say)
        _warn(f"producer DWARF unusable ({_reason(error)}); the code is described by its listing")
        return None
    finally:
        for cu in units:
            cu.release()


def _warn(message: str) -> None:
    warnings.warn(ProducerDwarfWarning(message), stacklevel=3)


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}"[:200] if text else type(error).__name__


class _UnitFailed(Exception):
    def __init__(self, unit: Any, reason: str) -> None:
        super().__init__(reason)
        self.unit = unit
        self.reason = reason


def _units(info: ProducerDwarf) -> list[Unit]:
    """The units to translate: DWARF 2-5 compile units. A unit header the reader cannot parse ends the walk
    (the units after it cannot be found), with a warning; DWARF 5 units are dropped with one."""
    units: list[Unit] = []
    iterator = info.iter_CUs()
    while True:
        try:
            cu = next(iterator)
        except StopIteration:
            break
        except _PRODUCER_ERRORS as error:
            _warn(f"producer DWARF unreadable after {len(units)} units ({_reason(error)}); the rest dropped")
            break
        if cu.unit_type in (None, "DW_UT_compile"):
            units.append(cu)
        else:
            _warn(f"producer DWARF unit {_unit_name(cu)!r} at .debug_info offset {cu.cu_offset:#x}: DWARF "
                  f"{cu.version} {cu.unit_type} not translated; unit dropped")
    return units


def _unit_name(cu: Any) -> str:
    try:
        name = cu.get_top_DIE().attributes.get("DW_AT_name")
        return _text(name.value) if name is not None and isinstance(name.value, bytes | str) else "(unnamed)"
    except _PRODUCER_ERRORS:
        return "(unreadable)"


def _code(table: dict[str, int], name: str | int) -> int:
    return name if isinstance(name, int) else table[name]


class _Translator:
    def __init__(self, info: ProducerDwarf, dwarf: WasmDwarf, placed: Sequence[PlacedFunction], units: list[Any],
                 dropped: dict[int, int]) -> None:
        self.dwarf_info = info
        self.units = [cu for cu in units if cu.cu_offset not in dropped]
        #: [start, end) in .debug_info of every translated unit, sorted: whose DIE a reference names.
        self.unit_starts = [cu.cu_offset for cu in self.units]
        self.unit_ends = [cu.cu_offset + cu.size for cu in self.units]
        #: The DIEs that are written, by producer offset (a reference to anything else is dropped).
        self.die_offsets: dict[int, Die] = {}
        self.dwarf = dwarf
        self.map = AddressMap(placed, dwarf)
        self.text = self.map.text
        self.strings = StringSection(".debug_str")
        self.info = ByteWriter()
        self.line = ByteWriter()
        self.ranges = ByteWriter()
        self.loc = ByteWriter()
        #: What ``AddressMap.location_list`` translates location lists with.
        self.loc_context = (Untranslatable, ProducerDwarfError, Relocation, RelocKind.ABSOLUTE, self.text)
        self.abbrevs: dict[tuple[int, bool, tuple[tuple[int, int], ...]], int] = {}
        self.globals = ExpressionTranslator(None, dwarf.vmctx_symbol, dwarf.globals_symbol,
                                            global_layout=dwarf.globals)
        #: Output offset of every written DIE (producer offsets, or keys of made-up DIEs).
        self.offsets: dict[object, int] = {}
        #: (position, target, output unit start or None for DW_FORM_ref_addr, the producer unit referring)
        self.fixups: list[tuple[int, object, int | None, Any]] = []
        self.skipped: set[int] = set()
        #: References to no DIE that were dropped, per producer unit offset (one warning each).
        self.bad_references: dict[int, int] = {}
        #: What ``_translate.write_die`` writes DIEs into and with.
        self.write_context = (self.info.data, self.info, self.info.relocations, self.abbrevs, self.offsets,
                              self.fixups, self.strings.offsets, self.strings, Relocation, RelocKind.SECTION_OFFSET,
                              self.strings.name, self.strings.writer.data)
        #: What ``_translate.copy_attributes`` copies a unit's attributes with (``_unit`` sets it), and the DIE
        #: whose attributes it is copying, with its frame and pointer type (for ``_special``).
        self.copy_context: tuple[Any, ...] = ()
        #: What ``_translate.write_children`` writes a unit's DIEs with (``_unit`` sets it).
        self.plain_context: tuple[Any, ...] = ()
        self.current: tuple[Any, ExpressionTranslator | None, tuple[tuple[str, ...], str, int | None] | None] = (
            None, None, None)
        #: The abbreviation codes of ``abbrevs`` by the bytes of their shapes (``_translate.write_children``).
        self.shapes: dict[bytes, int] = {}
        #: The producer's strings decoded by ``_translate.copy_attributes``, by their bytes (shared by every use).
        self.texts: dict[bytes, str] = {}
        #: ``_type_pointee`` by the producer offset of a variable's type.
        self.type_pointees: dict[int | None, tuple[tuple[str, ...], str, int | None] | None] = {}

    # -- driver -------------------------------------------------------------------------------------------------
    def run(self) -> dict[str, ByteWriter] | None:
        try:
            return self._run()
        finally:
            self.copy_context = ()  # it holds a method of this translator: no cycle left to the collector
            self.plain_context = ()
            self.current = (None, None, None)

    def _run(self) -> dict[str, ByteWriter] | None:
        if not self.units:
            return None
        skips = discarded_subtrees(self.dwarf_info, self.units, [(m.start, m.end) for m in self.map.functions])
        for cu in self.units:
            skip = None if skips is None else skips.get(cu.cu_offset)
            if skip != cu.skip:  # decoded before without these subtrees, or with others (a unit dropped since)
                cu.release()
                cu.skip = skip
            try:
                _translate.index_dies(cu.dies(), _CALL_SITE_TAGS, self.skipped, self.die_offsets)
            except _PRODUCER_ERRORS as error:
                raise _UnitFailed(cu, f"unreadable DIEs ({_reason(error)})") from None
        if skips is None:  # the scan failed where the decoder did not: the model over the decoded DIEs
            discarded = discarded_dies(self.die_offsets.values(), self._has_code)
            for discarded_offset in discarded:
                self.die_offsets.pop(discarded_offset, None)  # call sites are not in it
            self.skipped |= discarded
        for cu in self.units:
            try:
                self._unit(cu)
            except _UnitFailed:
                raise
            except _PRODUCER_ERRORS as error:
                raise _UnitFailed(cu, _reason(error)) from None
        # In C (``_translate.resolve_fixups``) up to the first fixup it leaves to this loop, its model.
        resolved = _translate.resolve_fixups(self.fixups, self.offsets, self.info.data, self.info.relocations,
                                             Relocation, RelocKind.SECTION_OFFSET, ".debug_info")
        for position, target, unit_start, unit in self.fixups[resolved:]:
            offset = self.offsets.get(target)
            if offset is None:  # a DIE the tree walk never reached (a child of a dropped DIE, say)
                raise _UnitFailed(unit, f"reference to the unwritten DIE at {target}")
            if unit_start is None:
                self.info.relocations.append(_section_offset(position, ".debug_info", offset))
            else:
                self.info.patch(position, offset - unit_start, 4)
        for unit_offset, count in self.bad_references.items():
            cu = self.units[self.unit_starts.index(unit_offset)]
            _warn(f"producer DWARF unit {_unit_name(cu)!r} at .debug_info offset {unit_offset:#x}: {count} "
                  f"reference{'s' if count > 1 else ''} to no DIE dropped")
        sections = {".debug_abbrev": self._abbrev_section(), ".debug_info": self.info,
                    ".debug_str": self.strings.writer, ".debug_line": self.line}
        if self.ranges.offset:
            sections[".debug_ranges"] = self.ranges
        if self.loc.offset:
            sections[".debug_loc"] = self.loc
        return sections

    def _has_code(self, address: int) -> bool:
        return self.map.function_at(address) is not None

    def _abbrev_section(self) -> ByteWriter:
        out = ByteWriter()
        for (tag, children, attributes), code in self.abbrevs.items():
            out.uleb(code)
            out.uleb(tag)
            out.u8(1 if children else 0)
            for attribute, form in attributes:
                out.uleb(attribute)
                out.uleb(form)
            out.u8(0)
            out.u8(0)
        out.u8(0)
        return out

    # -- a compile unit -----------------------------------------------------------------------------------------
    def _unit(self, cu: Any) -> None:
        top = cu.get_top_DIE()
        self.version = cu["version"]
        self.file_shift = 1 if self.version >= 5 else 0
        self.globals.indexed_address = cu.get_addr
        #: (the qualifiers above the pointer, outermost first; the pointer's tag: pointer or reference; the
        #: pointee's producer offset or None for void)
        self.native_pointees: set[tuple[tuple[str, ...], str, int | None]] = set()
        #: Whether a pointer stand-in of this unit refers to the made-up ``unsigned int`` of its offset.
        self.wasm32_offset_used = False
        language = top.attributes.get("DW_AT_language")
        self.rust_unit = language is not None and language.value == _DW_LANG_Rust
        self.cu = cu
        self.cu_base = top.attributes["DW_AT_low_pc"].value if "DW_AT_low_pc" in top.attributes else 0
        line_offset = self.line.offset
        self._line_table(cu)
        out = self.info
        self.unit_start = out.offset
        out.u32(0)
        out.u16(4)
        out.section_offset(".debug_abbrev", 0)
        out.u8(8)
        self.line_offset = line_offset
        self.copy_context = (_AT, _FORM_KINDS, self.die_offsets, self.skipped, cu, cu.cu_offset,
                             cu.cu_offset + cu.size, self.unit_start, self.file_shift, self._missing_reference,
                             _SHIFTED_FILES, self.texts)
        self.plain_context = (self.write_context, self.copy_context, self.skipped, _TAG, _NOT_COPIED,
                              self.rust_unit, self.info.data, self.type_pointees,
                              self._pointer_pointee, self._pcs, self._location, self.native_pointees,
                              "native pointer", self.shapes, self, self.die_offsets)
        self._die(top, None, made_up=self._made_up_types)
        out.patch(self.unit_start, out.offset - self.unit_start - 4, 4)

    def _line_table(self, cu: Any) -> None:
        program = self.dwarf_info.line_program_for_CU(cu)
        if program is None:
            return
        directories = [_text(d) for d in program.include_directory]
        if self.version >= 5:
            # DWARF 5 numbers directories and files from 0 (entry 0: the unit's own); the DWARF 4 table written
            # numbers files from 1 and leaves directory 0 implicit: files shift by one (as do the DIEs'
            # DW_AT_decl_file and DW_AT_call_file, and the rows), directory indices stay.
            directories = directories[1:]
        files = [FileEntry(_text(f.name), f.dir_index, f.mtime, f.length) for f in program.file_entry]
        embed(self.line, line_program(directories, files, program.packed_rows, self.file_shift, self.map))

    # -- DIEs ---------------------------------------------------------------------------------------------------
    def _die(self, die: Any, frame: ExpressionTranslator | None, made_up: Callable[[], None] | None = None) -> None:
        if die.offset in self.skipped:
            return
        tag = die.tag
        if tag in _POINTER_TAGS:
            self._pointer_stand_in(die)
            return
        if tag == "DW_TAG_subprogram" and "DW_AT_low_pc" in die.attributes:
            frame = self._frame_context(die)
        attributes = self._attributes(die, frame)
        children = [child for child in die.iter_children() if child.offset not in self.skipped]
        if made_up is None and self.rust_unit and tag == "DW_TAG_structure_type" and _is_fat_pointer(children):
            made_up = functools.partial(self._fat_pointer_marker, self._slice_element(children))
        has_children = bool(children) or made_up is not None
        self._write(die.offset, _code(_TAG, tag), has_children, attributes)
        # The children this method would write with nothing to say about them (their attributes copied, theirs
        # likewise: most of a Rust program's types, variables without a location of no pointer type) are written
        # in C, and so are lexical blocks, inlined subroutines and variables, calling back only ``_pcs``,
        # ``_location`` and ``_pointer_pointee``, and pointer types' stand-ins; it is called back for the others
        # (this method is the model of them all).
        _translate.write_children(self.plain_context, children, frame, self._die)
        if made_up is not None:
            made_up()
        if has_children:
            self.info.u8(0)

    def _slice_element(self, members: list[Any]) -> object | None:
        """What ``data_ptr`` points to (its producer offset), None if unknown."""
        data = next(member for member in members if _text(member.attributes["DW_AT_name"].value) == "data_ptr")
        pointer = self._referenced(data, "DW_AT_type") if "DW_AT_type" in data.attributes else None
        if pointer is not None and pointer.tag == "DW_TAG_pointer_type" and "DW_AT_type" in pointer.attributes:
            element = self._target(pointer, pointer.attributes["DW_AT_type"])
            if element is not None and element in self.die_offsets:
                return element
        return None

    def _fat_pointer_marker(self, element: object | None) -> None:
        """A static member that makes a Rust slice or ``&str`` (``{data_ptr, length}``) no slice to GDB: its Rust
        support reads ``data_ptr`` as a native pointer (the slice's elements from the bare offset, a wrong value
        or a read of the host's memory) and asserts on the stand-in when subscripting (an internal error). A
        static member is no part of the value (GDB's Rust printer and ``ptype`` skip it, LLDB shows none); the gdb
        plugin's printer shows the slice as GDB shows one natively, its elements of the member's type (void when
        the element type is unknown: it then shows the offset and length)."""
        attributes: list[Attribute] = [(_AT["DW_AT_name"], _FORM_STRP, FAT_POINTER_MARKER)]
        if element is not None:
            attributes.append(self._reference(_AT["DW_AT_type"], element))
        attributes += [(_AT[name], _FORM["DW_FORM_flag_present"], lambda out: None)
                       for name in ("DW_AT_external", "DW_AT_declaration", "DW_AT_artificial")]
        self._write(("fat pointer marker", self.info.offset), _TAG["DW_TAG_member"], False, attributes)

    def _write(self, key: object, tag: int, has_children: bool, attributes: list[Attribute]) -> None:
        _translate.write_die(self.write_context, key, tag, has_children, attributes)

    def _frame_context(self, die: Any) -> ExpressionTranslator | None:
        """The translator for the expressions of the function ``die`` describes (None: no native code)."""
        mapped = self.map.function_at(die.attributes["DW_AT_low_pc"].value)
        if mapped is None:
            return None
        function = mapped.function
        slots = [v.location.offset if isinstance(v.location, FrameSlot) else 0 for v in function.variables]
        stack = function.operand_stack.offset if function.operand_stack is not None else None
        frame = FrameContext(tuple(zip(slots, mapped.extent.local_sizes, strict=False)), stack,
                             self.dwarf.globals_symbol, self.dwarf.vmctx_symbol, self.dwarf.globals)
        base = die.attributes.get("DW_AT_frame_base")
        wasm_frame_base = bytes(base.value) if base is not None and base.form in _BLOCK_FORMS else None
        try:
            translator = ExpressionTranslator(frame, self.dwarf.vmctx_symbol, self.dwarf.globals_symbol,
                                              wasm_frame_base)
        except Untranslatable:
            translator = ExpressionTranslator(frame, self.dwarf.vmctx_symbol, self.dwarf.globals_symbol)
        translator.indexed_address = self.globals.indexed_address
        return translator

    def _pointer_stand_in(self, die: Any) -> None:
        """A pointer stored in linear memory: ``typedef unsigned int __wasm32_ptr<struct node *>``, 4 bytes, its
        true value whatever reads it (compared, assigned, tested for null as the C offset it is), named after the
        C pointer type it stands for so the plugins' printers can follow it (memory base + offset). A function
        pointer (its Wasm value a table index) is ``__wasm32_funcptr``, which the printers resolve through the
        instance's table to the function it names; a pointer whose target has no C spelling (an anonymous
        aggregate) is the plain ``__wasm32_ptr``, which no printer follows. ``_translate.write_children`` writes
        them in C (``write_stand_in``, with ``_type_name`` and ``_points_to_function``): this is its model."""
        spelled = self._type_name(die)
        if self._points_to_function(die):
            name = FUNCTION_POINTER_STAND_IN
        elif spelled is not None and die.tag == "DW_TAG_pointer_type":
            name = f"{POINTER_STAND_IN}<{spelled}>"
        else:
            name = POINTER_STAND_IN
        self._write(die.offset, _TAG["DW_TAG_typedef"], False, [
            (_AT["DW_AT_name"], _FORM_STRP, name),
            self._reference(_AT["DW_AT_type"], ("wasm32 offset", self.unit_start)),
        ])
        self.wasm32_offset_used = True

    def _points_to_function(self, die: Any) -> bool:
        """Whether the pointer type ``die`` points to a function (through typedefs and qualifiers): its Wasm value
        is an index into the function table, not an offset in linear memory."""
        current = self._referenced(die, "DW_AT_type") if "DW_AT_type" in die.attributes else None
        for _ in range(16):
            if current is None or current.tag not in _TRANSPARENT_TAGS or "DW_AT_type" not in current.attributes:
                break
            current = self._referenced(current, "DW_AT_type")
        return current is not None and current.tag == "DW_TAG_subroutine_type"

    def _type_name(self, die: Any | None, depth: int = 0) -> str | None:
        """The C spelling of the type ``die`` describes (None: void is "void"), or None for what has no short
        spelling (functions, arrays, anonymous aggregates)."""
        if die is None:
            return "void"
        if depth > 8 or die.tag == "DW_TAG_subroutine_type":
            return None
        inner = (self._referenced(die, "DW_AT_type") if "DW_AT_type" in die.attributes else None)
        name = die.attributes.get("DW_AT_name")
        text = _text(name.value) if name is not None and isinstance(name.value, bytes | str) else None
        match die.tag:
            case "DW_TAG_base_type" | "DW_TAG_typedef" | "DW_TAG_unspecified_type":
                return text
            case "DW_TAG_structure_type" | "DW_TAG_union_type" | "DW_TAG_enumeration_type" | "DW_TAG_class_type":
                return f"{_KEYWORDS[die.tag]} {text}" if text else None
            case "DW_TAG_const_type" | "DW_TAG_volatile_type":
                qualifier = die.tag[7:].removesuffix("_type")
                spelled = self._type_name(inner, depth + 1)
                if spelled is None:
                    return None
                return f"{spelled} {qualifier}" if spelled.endswith("*") else f"{qualifier} {spelled}"
            case tag if tag in _POINTER_TAGS:
                spelled = self._type_name(inner, depth + 1)
                mark = "*" if tag == "DW_TAG_pointer_type" else "&" if tag == "DW_TAG_reference_type" else "&&"
                return None if spelled is None else f"{spelled}{mark}" if spelled.endswith("*") else f"{spelled} {mark}"
        return None

    def _made_up_types(self) -> None:
        """Native 8-byte pointer (or C++ reference) types for the pointer-typed variables, children of the unit."""
        written: set[object] = set()
        if self.wasm32_offset_used:
            self._write(("wasm32 offset", self.unit_start), _TAG["DW_TAG_base_type"], False, [
                (_AT["DW_AT_name"], _FORM_STRP, POINTER_OFFSET),
                (_AT["DW_AT_encoding"], _FORM["DW_FORM_data1"], lambda out: out.u8(_DW_ATE_unsigned)),
                (_AT["DW_AT_byte_size"], _FORM["DW_FORM_data1"], lambda out: out.u8(4)),
            ])
        for qualifiers, tag, pointee in sorted(self.native_pointees,
                                               key=lambda p: (p[0], p[1], -1 if p[2] is None else p[2])):
            key: object = ("native pointer", self.unit_start, (), tag, pointee)
            if key not in written:
                attributes: list[Attribute] = [(_AT["DW_AT_byte_size"], _FORM["DW_FORM_data1"],
                                                lambda out: out.u8(8))]
                if pointee is not None:
                    attributes.append(self._reference(_AT["DW_AT_type"], pointee))
                self._write(key, _TAG[tag], False, attributes)
                written.add(key)
            # ``const Point *const this``: the qualifiers above the pointer, innermost first.
            for depth in range(len(qualifiers) - 1, -1, -1):
                outer: object = ("native pointer", self.unit_start, qualifiers[depth:], tag, pointee)
                if outer not in written:
                    self._write(outer, _TAG[qualifiers[depth]], False, [self._reference(_AT["DW_AT_type"], key)])
                    written.add(outer)
                key = outer

    # -- attributes ---------------------------------------------------------------------------------------------
    def _attributes(self, die: Any, frame: ExpressionTranslator | None) -> list[Attribute]:
        out: list[Attribute] = []
        variable = die.tag in _VARIABLE_TAGS
        pointer = self._pointer_pointee(die) if variable else None
        if die.tag == "DW_TAG_compile_unit":
            out += self._unit_pcs(die)
        elif "DW_AT_low_pc" in die.attributes or "DW_AT_ranges" in die.attributes:
            out += self._pcs(die)
        # Most attributes are copied as they are (``_translate.copy_attributes``); the pc attributes are written
        # above, the others in ``_SPECIAL_BY_NEED`` by ``_special`` when this DIE needs it (a frame base with a
        # frame, a variable's location, a pointer variable's type), else copied too.
        not_copied = _NOT_COPIED
        returns = self._returns_through_memory(die) if die.tag == "DW_TAG_subprogram" and \
            "DW_AT_type" in die.attributes else None
        if returns is not None:
            # The value is returned through the caller's memory: a call from the debugger would pass the arguments
            # wrongly (the first register is the result's Wasm address), so DW_CC_nocall makes GDB refuse it.
            # Unless the code also returns the value where the native ABI has it (``codegen/return_values.py``),
            # GDB's and LLDB's ``finish`` would show whatever rax holds: the return type goes too, and nothing
            # is shown. (GDB's ``finish`` shows no value of a DW_CC_nocall function either; LLDB's does.)
            not_copied = _NOT_COPIED_RETURNING_THROUGH_MEMORY if returns else _NOT_COPIED_WITH_CONVENTION
            out.append((_AT["DW_AT_calling_convention"], _FORM["DW_FORM_data1"], lambda out: out.u8(_DW_CC_nocall)))
        self.current = (die, frame, pointer)
        _translate.copy_attributes(self.copy_context, die.attributes, out, not_copied,
                                   _SPECIAL_BY_NEED[(frame is not None, variable, pointer is not None)],
                                   self._special)
        return out

    def _returns_through_memory(self, die: Any) -> bool | None:
        """For the function ``die`` (with code) with a producer return type and no Wasm result: True, or False
        when its code also returns the value as natively (``codegen/return_values.py``); else None."""
        if "DW_AT_low_pc" not in die.attributes:
            return None
        mapped = self.map.function_at(die.attributes["DW_AT_low_pc"].value)
        if mapped is None or mapped.extent.has_results:
            return None
        return not mapped.extent.returns_natively

    def _special(self, name: str, attribute: Any) -> list[Attribute]:
        die, frame, pointer = self.current
        if name == "DW_AT_stmt_list":
            return [(_AT[name], _FORM["DW_FORM_sec_offset"], functools.partial(_line_offset, offset=self.line_offset))]
        if name == "DW_AT_frame_base" and frame is not None:
            return self._expression(name, functools.partial(_frame_base, frame), attribute)
        if name == "DW_AT_location":
            return self._location(attribute, frame, pointer is not None, die)
        if pointer is None:  # never: DW_AT_type is special only for a pointer-typed variable
            return []
        self.native_pointees.add(pointer)
        qualifiers, tag, pointee = pointer
        return [self._reference(_AT[name], ("native pointer", self.unit_start, qualifiers, tag, pointee))]

    def _missing_reference(self, target: int) -> None:
        """A reference to no DIE written: dropped, and counted for the unit's warning unless its target lies in
        a dropped unit (or in no unit)."""
        if not self._in_dropped_unit(target):
            self.bad_references[self.cu.cu_offset] = self.bad_references.get(self.cu.cu_offset, 0) + 1

    def _pointer_pointee(self, die: Any) -> tuple[tuple[str, ...], str, int | None] | None:
        """When ``die``'s type is a pointer or C++ reference: the cv-qualifiers above it (a typedef's name is not
        kept), its tag and the pointee's producer offset (None: void); else None."""
        current = die
        if "DW_AT_type" not in current.attributes and "DW_AT_abstract_origin" in current.attributes:
            current = self._referenced(current, "DW_AT_abstract_origin")
        if die.get_parent() is not None and die.get_parent().tag == "DW_TAG_subroutine_type":
            return None
        if current is None or "DW_AT_type" not in current.attributes:
            return None
        target = self._target(current, current.attributes["DW_AT_type"])
        if target not in self.type_pointees:
            self.type_pointees[target] = self._type_pointee(target)
        return self.type_pointees[target]

    def _type_pointee(self, target: int | None) -> tuple[tuple[str, ...], str, int | None] | None:
        """``_pointer_pointee`` of a variable whose ``DW_AT_type`` names ``target`` (the same for every variable
        of that type: once per type)."""
        current = self.die_offsets.get(target) if target is not None else None
        qualifiers: list[str] = []
        for hop in range(16):
            if hop:
                if current is None or "DW_AT_type" not in current.attributes:
                    return None
                current = self._referenced(current, "DW_AT_type")
            if current is None:
                return None
            if current.tag in _POINTER_TAGS:
                pointee = current.attributes.get("DW_AT_type")
                found = self._target(current, pointee) if pointee is not None else None
                return tuple(qualifiers), current.tag, found if found in self.die_offsets else None
            if current.tag not in _TRANSPARENT_TAGS:
                return None
            if current.tag != "DW_TAG_typedef":
                qualifiers.append(current.tag)
        return None

    def _variable_points_to_function(self, die: Any) -> bool:
        """Whether the pointer-typed variable ``die`` holds a function pointer (a table index)."""
        current = die
        if "DW_AT_type" not in current.attributes and "DW_AT_abstract_origin" in current.attributes:
            current = self._referenced(current, "DW_AT_abstract_origin")
        for _ in range(16):
            if current is None or "DW_AT_type" not in current.attributes:
                return False
            current = self._referenced(current, "DW_AT_type")
            if current is not None and current.tag in _POINTER_TAGS:
                return self._points_to_function(current)
        return False

    def _target(self, die: Any, attribute: Any) -> int | None:
        """The producer .debug_info offset a reference names: unit-relative forms are relative to ``die``'s unit
        even where the sum lies in another unit (TinyGo writes such references), which is what ``ref_addr``
        means; None for forms naming another file or a type unit (not translated)."""
        if attribute.form == "DW_FORM_ref_addr":
            return int(attribute.raw_value)
        if attribute.form in _REF_FORMS:
            return int(attribute.raw_value) + die.cu.cu_offset
        return None

    def _referenced(self, die: Any, name: str) -> Any:
        """The DIE ``die``'s attribute ``name`` references, read in the unit that holds it; None if none does."""
        target = self._target(die, die.attributes[name])
        if target is None or target not in self.die_offsets:
            return None
        return self.die_offsets[target]

    def _reference(self, code: int, target: object) -> Attribute:
        """A reference to the DIE written for ``target`` (a producer offset or a made-up DIE's key): ``ref4``
        within the unit, ``ref_addr`` (relocated) to a DIE of another unit."""
        unit = self.cu
        if isinstance(target, int) and not unit.cu_offset <= target < unit.cu_offset + unit.size:
            return (code, _FORM_REF_ADDR, (target, None, unit))
        return (code, _FORM_REF4, (target, self.unit_start, unit))

    def _in_dropped_unit(self, target: int) -> bool:
        """Whether ``target`` lies in no translated unit (one dropped, or outside them all)."""
        k = bisect.bisect_right(self.unit_starts, target) - 1
        return k < 0 or target >= self.unit_ends[k]

    def _expression(self, name: str, translate: Callable[[bytes], ByteWriter], attribute: Any) -> list[Attribute]:
        if attribute.form not in _BLOCK_FORMS:
            return []
        try:
            expression = translate(bytes(attribute.value))
        except Untranslatable:
            return []

        def write(out: ByteWriter) -> None:
            out.uleb(len(expression.data))
            embed(out, expression)
        return [(_AT[name], _FORM["DW_FORM_exprloc"], write)]

    def _location(self, attribute: Any, frame: ExpressionTranslator | None, pointer: bool,
                  die: Any) -> list[Attribute]:
        translator = frame if frame is not None else self.globals
        function = pointer and self._variable_points_to_function(die)
        translate = functools.partial(translator.pointer_value, function=function) if pointer \
            else translator.location
        if attribute.form in _BLOCK_FORMS:
            return self._expression("DW_AT_location", translate, attribute)
        if attribute.form not in ("DW_FORM_sec_offset", "DW_FORM_data4", "DW_FORM_loclistx"):
            return []
        if ".debug_loc" not in self.dwarf.sections and ".debug_loclists" not in self.dwarf.sections:
            return []
        cu, offset = die.cu, self.loc.offset
        section = ".debug_loclists" if cu.version >= 5 else ".debug_loc"
        data = self.dwarf.sections.get(section)
        if data is None:
            raise ProducerDwarfError(f"a list in {section}, which is absent")
        written = self.map.location_list(data, int(attribute.value), cu.version, self.dwarf.sections.get(
            ".debug_addr"), cu.addr_base() if cu.version >= 5 else 0, self.cu_base, translate, self.loc.data,
            self.loc.relocations, self.loc_context)
        if not written:
            return []
        return [(_AT["DW_AT_location"], _FORM["DW_FORM_sec_offset"],
                 lambda out: out.section_offset(".debug_loc", offset))]

    # -- code ranges --------------------------------------------------------------------------------------------
    def _wasm_ranges(self, die: Any) -> list[tuple[int, int]]:
        attributes = die.attributes
        if "DW_AT_ranges" in attributes:
            out = []
            base = self.cu_base
            if ".debug_ranges" not in self.dwarf.sections and ".debug_rnglists" not in self.dwarf.sections:
                return []
            for entry in self.dwarf_info.range_list(int(attributes["DW_AT_ranges"].value), die.cu):
                if isinstance(entry, BaseAddress):
                    base = entry.address
                    continue
                shift = 0 if entry.is_absolute else base
                out.append((entry.begin + shift, entry.end + shift))
            return out
        if "DW_AT_low_pc" in attributes and "DW_AT_high_pc" in attributes:
            low = attributes["DW_AT_low_pc"].value
            high = attributes["DW_AT_high_pc"]
            return [(low, high.value if high.form == "DW_FORM_addr" else low + high.value)]
        return []

    def _native_ranges(self, die: Any) -> list[tuple[int, int]]:
        attributes = die.attributes
        if "DW_AT_ranges" in attributes and self.version < 5 and ".debug_ranges" in self.dwarf_info.sections:
            native = self.map.native_range_list(self.dwarf_info.sections[".debug_ranges"],
                                                attributes["DW_AT_ranges"].value, self.cu_base)
            if native is not None:
                return native
        return self._native_ranges_model(die)

    def _native_ranges_model(self, die: Any) -> list[tuple[int, int]]:
        """What ``_native_ranges`` reads in C for a DWARF 4 range list (``AddressMap.native_range_list``), in
        Python, and everything else."""
        out: list[tuple[int, int]] = []
        for low, high in self._wasm_ranges(die):
            if low < high:
                out += self.map.ranges(low, high)
        return sorted(out)

    def _pcs(self, die: Any) -> list[Attribute]:
        ranges = self._native_ranges(die)
        if not ranges:
            return []
        if len(ranges) == 1:
            start, end = ranges[0]
            return [(_AT["DW_AT_low_pc"], _FORM["DW_FORM_addr"],
                     lambda out: out.address(SymbolAddress(self.text, start), 8)),
                    (_AT["DW_AT_high_pc"], _FORM["DW_FORM_data8"], lambda out: out.u64(end - start))]
        return [self._range_list(ranges)]

    def _unit_pcs(self, die: Any) -> list[Attribute]:
        ranges = self._native_ranges(die)
        out: list[Attribute] = [(_AT["DW_AT_low_pc"], _FORM["DW_FORM_addr"], lambda w: w.u64(0))]
        if ranges:
            out.append(self._range_list(ranges))
        return out

    def _range_list(self, ranges: list[tuple[int, int]]) -> Attribute:
        offset = self.ranges.offset
        _translate.write_ranges(self.ranges.data, self.ranges.relocations, Relocation, RelocKind.ABSOLUTE, self.text,
                                ranges)
        return (_AT["DW_AT_ranges"], _FORM["DW_FORM_sec_offset"],
                lambda out: out.section_offset(".debug_ranges", offset))


def write_ranges_model(out: bytearray, relocations: list[Relocation], relocation: type[Relocation],
                       kind: RelocKind, text: str, ranges: list[tuple[int, int]]) -> None:
    """What ``_translate.write_ranges`` does, in Python (``tests/test_cdebug_dwarf_scan.py``): each native range
    as two relocated 8-byte addresses, then a zero pair."""
    for start, end in ranges:
        at = len(out)
        relocations.append(relocation(at, kind, 8, text, start))
        relocations.append(relocation(at + 8, kind, 8, text, end))
        out += _ZERO_PAIR
    out += _ZERO_PAIR


def index_dies_model(dies: list[Die], call_site_tags: frozenset[str], skipped: set[int],
                     die_offsets: dict[int, Die]) -> None:
    """What ``_translate.index_dies`` does, in Python: the call sites skipped, the other DIEs by offset."""
    for die in dies:
        if die.tag in call_site_tags:
            skipped.add(die.offset)
        else:
            die_offsets[die.offset] = die


def location_list_model(info: ProducerDwarf, cu: Any, at: int, base: int, address_map: AddressMap,
                        translate: Callable[[bytes], ByteWriter], loc: ByteWriter, text: str) -> int:
    """What ``AddressMap.location_list`` (C) does, in Python: the model it is checked against
    (``tests/test_cdebug_native_loops.py``). The producer list at ``at`` is read whole (a malformed one raises
    before anything is written); each entry whose expression translates is written once per native range its
    Wasm range (the base address applied) maps to, as two relocated addresses, the expression's length and its
    bytes; the list ends with a zero pair if any entry was written. Returns how many were."""
    written = 0
    for entry in info.location_list(at, cu):
        if isinstance(entry, BaseAddress):
            base = entry.address
            continue
        begin = entry.begin + (0 if entry.is_absolute else base)
        end = entry.end + (0 if entry.is_absolute else base)
        try:
            expression = translate(entry.expression)
        except Untranslatable:
            continue
        for native_begin, native_end in address_map.ranges(begin, end):
            at = len(loc.data)  # two relocated addresses, as ByteWriter.address writes them
            loc.relocations.append(Relocation(at, RelocKind.ABSOLUTE, 8, text, native_begin))
            loc.relocations.append(Relocation(at + 8, RelocKind.ABSOLUTE, 8, text, native_end))
            loc.data += _ZERO_PAIR
            loc.u16(len(expression.data))
            embed(loc, expression)
            written += 1
    if written:
        loc.u64(0)
        loc.u64(0)
    return written


def _line_offset(out: ByteWriter, offset: int) -> None:
    out.section_offset(".debug_line", offset)


def _frame_base(frame: ExpressionTranslator, _expression: bytes) -> ByteWriter:
    return frame.frame_base()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _section_offset(position: int, section: str, offset: int) -> Relocation:
    return Relocation(position, RelocKind.SECTION_OFFSET, 4, section, offset)


def _is_fat_pointer(children: list[Any]) -> bool:
    """Whether a Rust structure's members are a slice's or a ``&str``'s: ``data_ptr`` and ``length``."""
    names = sorted(_text(child.attributes["DW_AT_name"].value) for child in children
                   if child.tag == "DW_TAG_member" and "DW_AT_name" in child.attributes
                   and isinstance(child.attributes["DW_AT_name"].value, bytes | str))
    return len(children) == 2 and names == ["data_ptr", "length"]
