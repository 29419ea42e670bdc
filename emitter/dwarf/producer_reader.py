"""A reader of a Wasm module's producer DWARF (the ``.debug_*`` custom sections clang writes for wasm32):
compile units, their DIEs, line programs, location and range lists, DWARF 2 to 5, the 32-bit format.

Why our own: the translation reads every DIE and line row of a module once, front to back, and a general
reader built on a parser combinator (pyelftools) spent about 60% of the translation's time doing it (a
2.8 MB module: 100,000 DIEs, 11 of 18 s under a profiler). Here a unit's DIEs are decoded in one pass into a
tree, and the per-DIE and per-row loops run in C (``_translate.decode_dies``, ``_translate.line_rows``: in
Python they were still a sixth of the translation and most of the fusion barriers' time), every read
bounds-checked; abbreviations, headers, lists and DWARF 5's indexed values stay in Python.

The model follows the DWARF names (``tag``, ``attributes`` by ``DW_AT_*`` name, each with its ``form``, its
``raw_value`` as encoded and its ``value`` with strings, indexed addresses and list indices resolved), so the
translation reads as the standard does. Malformed input raises ``ProducerDwarfError`` (or a ``ValueError`` from
the C loops, or the ``IndexError``/``struct.error`` of a read past the end in Python), which the translation
turns into a dropped unit and a warning.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from . import _translate


class ProducerDwarfError(ValueError):
    """Producer DWARF this reader cannot decode: what and where."""


#: What reading malformed producer DWARF can raise (pyelftools under this reader included): the boundary at which
#: bad input becomes a dropped unit or an unread module, never an exception for the caller.
READ_ERRORS: tuple[type[BaseException], ...] = (
    ProducerDwarfError, KeyError, ValueError, IndexError, AttributeError, TypeError, struct.error, OverflowError,
    RecursionError, NotImplementedError, AssertionError)


@functools.cache
def _names() -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """The DWARF tag, attribute and form names by code (pyelftools' tables, imported at the first module with
    producer DWARF: most modules have none, and the import is a tenth of a cold start's)."""
    from elftools.dwarf.enums import ENUM_DW_AT, ENUM_DW_FORM, ENUM_DW_TAG

    return tuple({code: name for name, code in enum.items() if not name.startswith("_")}  # type: ignore[return-value]
                 for enum in (ENUM_DW_TAG, ENUM_DW_AT, ENUM_DW_FORM))

#: Forms of a fixed size (wasm32: 4-byte addresses, the 32-bit DWARF format), by ``struct`` letter.
_FIXED_FORMS = {
    "DW_FORM_addr": "I", "DW_FORM_data1": "B", "DW_FORM_data2": "H", "DW_FORM_data4": "I", "DW_FORM_data8": "Q",
    "DW_FORM_ref1": "B", "DW_FORM_ref2": "H", "DW_FORM_ref4": "I", "DW_FORM_ref8": "Q", "DW_FORM_ref_addr": "I",
    "DW_FORM_ref_sig8": "Q", "DW_FORM_ref_sup4": "I", "DW_FORM_ref_sup8": "Q", "DW_FORM_sec_offset": "I",
    "DW_FORM_strp": "I", "DW_FORM_line_strp": "I", "DW_FORM_strp_sup": "I", "DW_FORM_GNU_strp_alt": "I",
    "DW_FORM_GNU_ref_alt": "I", "DW_FORM_flag": "B", "DW_FORM_strx1": "B", "DW_FORM_strx2": "H",
    "DW_FORM_strx4": "I", "DW_FORM_addrx1": "B", "DW_FORM_addrx2": "H", "DW_FORM_addrx4": "I",
}
_ULEB_FORMS = frozenset(["DW_FORM_udata", "DW_FORM_ref_udata", "DW_FORM_strx", "DW_FORM_addrx", "DW_FORM_loclistx",
                         "DW_FORM_rnglistx", "DW_FORM_GNU_addr_index", "DW_FORM_GNU_str_index"])
_BLOCK_LENGTH = {"DW_FORM_block1": "B", "DW_FORM_block2": "H", "DW_FORM_block4": "I"}
_STRX_FORMS = frozenset(["DW_FORM_strx", "DW_FORM_strx1", "DW_FORM_strx2", "DW_FORM_strx3", "DW_FORM_strx4",
                         "DW_FORM_GNU_str_index"])
_ADDRX_FORMS = frozenset(["DW_FORM_addrx", "DW_FORM_addrx1", "DW_FORM_addrx2", "DW_FORM_addrx3",
                          "DW_FORM_addrx4", "DW_FORM_GNU_addr_index"])
_UNIT_TYPES = {1: "DW_UT_compile", 2: "DW_UT_type", 3: "DW_UT_partial", 4: "DW_UT_skeleton",
               5: "DW_UT_split_compile", 6: "DW_UT_split_type"}
#: Flags of a packed line row (``LineProgram.packed_rows``), and its width in int64s.
ROW_IS_STMT, ROW_PROLOGUE_END, ROW_END_SEQUENCE = 1, 2, 4
_ROW_FIELDS = 5
#: The largest wasm32 address: a ``.debug_loc``/``.debug_ranges`` entry starting with it selects a base address.
_MAX_ADDRESS = 0xFFFFFFFF


def uleb(data: bytes, at: int) -> tuple[int, int]:
    """The unsigned LEB128 at ``at`` and the offset after it."""
    byte = data[at]
    if byte < 0x80:
        return byte, at + 1
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, at
        shift += 7


def sleb(data: bytes, at: int) -> tuple[int, int]:
    """The signed LEB128 at ``at`` and the offset after it."""
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            if byte & 0x40:
                value -= 1 << shift
            return value, at


def _cstr(data: bytes, at: int) -> tuple[bytes, int]:
    end = data.index(b"\0", at)
    return data[at:end], end + 1


#: One attribute of a DIE (``form``, ``raw_value`` as encoded, ``value`` as meant: strings as bytes), and a
#: debugging information entry (``offset``, ``tag``, ``attributes`` by DWARF name (a number when unnamed),
#: ``cu``, ``parent``, ``children``; ``get_parent()``, ``iter_children()``): made in C by the decoder.
Attribute = _translate.Attribute
Die = _translate.Die


@dataclass(frozen=True, slots=True)
class LineRow:
    """A row of a line program's matrix, or (``end_sequence``) the address past a sequence."""

    address: int
    file: int
    line: int
    column: int
    is_stmt: bool
    prologue_end: bool
    end_sequence: bool


@dataclass(frozen=True, slots=True)
class FileName:
    name: bytes
    dir_index: int
    mtime: int
    length: int


@dataclass(frozen=True, slots=True)
class LineProgram:
    version: int
    include_directory: tuple[bytes, ...]
    file_entry: tuple[FileName, ...]
    #: The matrix as ``_translate.line_rows`` packs it: five int64 per row (address, file, line, column, flags:
    #: ``ROW_IS_STMT``, ``ROW_PROLOGUE_END``, ``ROW_END_SEQUENCE``), read by the translation's C loops as is.
    packed_rows: bytes

    @property
    def rows(self) -> tuple[LineRow, ...]:
        """The matrix as objects (made on each access: the translation reads ``packed_rows``)."""
        values = memoryview(self.packed_rows).cast("q")
        return tuple(LineRow(values[k], values[k + 1], values[k + 2], values[k + 3],
                             bool(values[k + 4] & ROW_IS_STMT), bool(values[k + 4] & ROW_PROLOGUE_END),
                             bool(values[k + 4] & ROW_END_SEQUENCE)) for k in range(0, len(values), _ROW_FIELDS))

    @property
    def addresses(self) -> memoryview:
        """The rows' addresses (end-of-sequence rows included), an int64 view."""
        return memoryview(self.packed_rows).cast("q")[0::_ROW_FIELDS]


@dataclass(frozen=True, slots=True)
class ListEntry:
    """A range or location list entry: [begin, end), relative to the base address in effect unless
    ``is_absolute``; ``expression`` the location's (empty for ranges)."""

    begin: int
    end: int
    is_absolute: bool
    expression: bytes


@dataclass(frozen=True, slots=True)
class BaseAddress:
    """A list entry setting the base address of the entries after it."""

    address: int


#: An abbreviation as the C decoder reads it: tag, has_children, and per attribute (name, form name, form code,
#: implicit constant or None).
_Abbreviation = tuple[str | int, bool, tuple[tuple[str | int, str, int, Any], ...]]


class Unit:
    """A unit of ``.debug_info``: its header, and its DIEs decoded when first asked for."""

    def __init__(self, dwarf: ProducerDwarf, offset: int) -> None:
        data = dwarf.info
        length = struct.unpack_from("<I", data, offset)[0]
        if length >= 0xFFFFFFF0:
            raise ProducerDwarfError(f"unit at {offset:#x}: 64-bit DWARF is not read")
        self.dwarf = dwarf
        self.cu_offset = offset
        #: The whole unit's size, its length field included.
        self.size = length + 4
        if offset + self.size > len(data):
            raise ProducerDwarfError(f"unit at {offset:#x} runs past the end of .debug_info")
        version = struct.unpack_from("<H", data, offset + 4)[0]
        self.version = version
        self.unit_type: str | None = None
        if version >= 5:
            kind, self.address_size, self.abbrev_offset = struct.unpack_from("<BBI", data, offset + 6)
            self.unit_type = _UNIT_TYPES.get(kind, f"unit type {kind:#x}")
            header = 12 + (8 if kind in (4, 5) else 12 if kind in (2, 6) else 0)
        elif 2 <= version <= 4:
            self.abbrev_offset, self.address_size = struct.unpack_from("<IB", data, offset + 6)
            header = 11
        else:
            raise ProducerDwarfError(f"unit at {offset:#x}: DWARF version {version}")
        if self.address_size != 4:
            raise ProducerDwarfError(f"unit at {offset:#x}: {self.address_size}-byte addresses (wasm32 has 4)")
        self.first_die = offset + header
        #: Subtrees ``iter_DIEs`` does not decode (packed sorted int64 [start, end) pairs of DIE offsets), if any:
        #: the translation's discarded functions (``translate_discard``).
        self.skip: bytes | None = None
        self._dies: list[Die] | None = None
        self._top: Die | None = None

    def __getitem__(self, key: str) -> int:
        if key == "version":
            return self.version
        raise KeyError(key)

    def get_top_DIE(self) -> Die:  # noqa: N802 (the DWARF name)
        if self._dies is not None:
            return self._dies[0]
        if self._top is None:
            self._top = self._decode(top_only=True)[0]
        return self._top

    def iter_DIEs(self) -> Iterator[Die]:  # noqa: N802
        return iter(self.dies())

    def dies(self) -> list[Die]:
        """The unit's DIEs in order, decoded at the first call (the list itself: not to be changed)."""
        if self._dies is None:
            self._dies = self._decode(top_only=False)
        return self._dies

    def release(self) -> None:
        """Forget the decoded DIEs, breaking their links (``_translate.release_dies``: a DIE tree is all cycles),
        so they are freed now rather than by the cyclic collector after a scan of them all; DIEs handed out
        before are empty of links after this, and the unit decodes anew if asked again."""
        for dies in (self._dies, [self._top] if self._top is not None else None):
            if dies is not None:
                _translate.release_dies(dies)
        self._dies = None
        self._top = None

    def get_DIE_from_refaddr(self, offset: int) -> Die | None:  # noqa: N802
        return self.dwarf.die_at(offset)

    # -- indexed values (DWARF 5) -------------------------------------------------------------------------------
    def _base(self, name: str, default: int) -> int:
        attribute = self.get_top_DIE().attributes.get(name)
        return int(attribute.raw_value) if attribute is not None else default

    def addr_base(self) -> int:
        """Where the unit's entries start in ``.debug_addr`` (DWARF 5 ``DW_AT_addr_base``)."""
        return self._base("DW_AT_addr_base", 8)

    def get_addr(self, index: int) -> int:
        """Entry ``index`` of the unit's ``.debug_addr`` table."""
        section = self.dwarf.sections.get(".debug_addr")
        if section is None:
            raise ProducerDwarfError(f"unit at {self.cu_offset:#x}: an indexed address and no .debug_addr")
        return int(struct.unpack_from("<I", section, self._base("DW_AT_addr_base", 8) + 4 * index)[0])

    def _string_at_index(self, index: int) -> bytes:
        section = self.dwarf.sections.get(".debug_str_offsets")
        if section is None:
            raise ProducerDwarfError(f"unit at {self.cu_offset:#x}: an indexed string and no .debug_str_offsets")
        offset = struct.unpack_from("<I", section, self._base("DW_AT_str_offsets_base", 8) + 4 * index)[0]
        return self.dwarf.string(offset)

    def _list_offset(self, section_name: str, base_name: str, index: int) -> int:
        section = self.dwarf.sections.get(section_name)
        if section is None:
            raise ProducerDwarfError(f"unit at {self.cu_offset:#x}: a list index and no {section_name}")
        base = self._base(base_name, 12)
        return base + int(struct.unpack_from("<I", section, base + 4 * index)[0])

    # -- DIEs ---------------------------------------------------------------------------------------------------
    def _decode(self, top_only: bool) -> list[Die]:
        dwarf = self.dwarf
        dies, deferred = _translate.decode_dies(
            self, dwarf.info, self.first_die, self.cu_offset + self.size, dwarf.abbreviations(self.abbrev_offset),
            top_only, self.cu_offset, dwarf.sections.get(".debug_str"), dwarf.string_cache,
            dwarf.sections.get(".debug_line_str"), _names()[2], ProducerDwarfError, self.skip)
        if top_only:
            self._top = dies[0]
        else:
            self._dies = dies
        for attribute in deferred:  # indexed values: through the top DIE's bases, read by now
            form = attribute.form
            index = int(attribute.raw_value)
            if form in _STRX_FORMS:
                attribute.value = self._string_at_index(index)
            elif form in _ADDRX_FORMS:
                attribute.value = self.get_addr(index)
            elif form == "DW_FORM_loclistx":
                attribute.value = self._list_offset(".debug_loclists", "DW_AT_loclists_base", index)
            else:
                attribute.value = self._list_offset(".debug_rnglists", "DW_AT_rnglists_base", index)
        return dies


def _variable(data: bytes, at: int, form: str, implicit: Any, die_offset: int) -> tuple[Any, int]:
    """The raw value of an attribute of a form not of a fixed size, and the offset after it."""
    if form in _ULEB_FORMS:
        return uleb(data, at)
    if form == "DW_FORM_sdata":
        return sleb(data, at)
    if form == "DW_FORM_string":
        return _cstr(data, at)
    if form in ("DW_FORM_block", "DW_FORM_exprloc"):
        length, at = uleb(data, at)
        if at + length > len(data):
            raise ProducerDwarfError(f"DIE at {die_offset:#x}: a block past the end of .debug_info")
        return data[at:at + length], at + length
    letter = _BLOCK_LENGTH.get(form)
    if letter is not None:
        length = struct.unpack_from("<" + letter, data, at)[0]
        at += struct.calcsize(letter)
        if at + length > len(data):
            raise ProducerDwarfError(f"DIE at {die_offset:#x}: a block past the end of .debug_info")
        return data[at:at + length], at + length
    if form == "DW_FORM_flag_present":
        return True, at
    if form == "DW_FORM_implicit_const":
        return implicit, at
    if form == "DW_FORM_data16":
        if at + 16 > len(data):
            raise ProducerDwarfError(f"DIE at {die_offset:#x}: data16 past the end of .debug_info")
        return data[at:at + 16], at + 16
    if form in ("DW_FORM_strx3", "DW_FORM_addrx3"):
        if at + 3 > len(data):
            raise ProducerDwarfError(f"DIE at {die_offset:#x}: a 3-byte index past the end of .debug_info")
        return int.from_bytes(data[at:at + 3], "little"), at + 3
    raise ProducerDwarfError(f"DIE at {die_offset:#x}: form {form or 'unknown'} is not read")


#: The sections the DIE-free scans (``_translate.scan_barriers``, ``scan_discarded``) read lists and indexed
#: addresses from, in their order.
_SCANNED_SECTIONS = (".debug_addr", ".debug_loc", ".debug_ranges", ".debug_loclists", ".debug_rnglists")


def scanned_sections(dwarf: ProducerDwarf) -> tuple[bytes | None, ...]:
    """The sections a DIE-free scan is given (None for an absent one)."""
    return tuple(dwarf.sections.get(name) for name in _SCANNED_SECTIONS)


def list_bases(unit: Unit) -> tuple[int, int, int]:
    """The unit's ``.debug_addr``, ``.debug_loclists`` and ``.debug_rnglists`` bases, with the defaults the reader
    resolves indexed values with, for a DIE-free scan."""
    return unit.addr_base(), unit._base("DW_AT_loclists_base", 12), unit._base("DW_AT_rnglists_base", 12)


class ProducerDwarf:
    """The producer DWARF of one module: ``sections`` by name (``.debug_info``, ``.debug_abbrev``, ...)."""

    def __init__(self, sections: Mapping[str, bytes]) -> None:
        self.sections = {name: bytes(data) for name, data in sections.items() if name.startswith(".debug_")}
        self.info = self.sections.get(".debug_info", b"")
        self._abbreviation_tables: dict[int, dict[int, _Abbreviation]] = {}
        #: ``.debug_str`` strings by offset, read once (the C decoder fills it too).
        self.string_cache: dict[int, bytes] = {}
        self._units: list[Unit] | None = None
        self._by_offset: dict[int, Die] | None = None

    def iter_CUs(self) -> Iterator[Unit]:  # noqa: N802 (the DWARF name)
        """The units in ``.debug_info`` order; one whose header cannot be read raises (the ones after it
        cannot be found)."""
        at = 0
        while at < len(self.info):
            unit = Unit(self, at)
            yield unit
            at += unit.size

    def die_at(self, offset: int) -> Die | None:
        """The DIE at ``offset`` in ``.debug_info`` among the units decoded so far."""
        if self._by_offset is None:
            self._by_offset = {}
        die = self._by_offset.get(offset)
        if die is None:
            for unit in self._decoded_units():
                if unit.cu_offset <= offset < unit.cu_offset + unit.size:
                    for candidate in unit.iter_DIEs():
                        self._by_offset[candidate.offset] = candidate
                    die = self._by_offset.get(offset)
                    break
        return die

    def _decoded_units(self) -> list[Unit]:
        if self._units is None:
            self._units = []
            try:
                self._units.extend(self.iter_CUs())
            except (ProducerDwarfError, struct.error, IndexError):
                pass
        return self._units

    def string(self, offset: int) -> bytes:
        text = self.string_cache.get(offset)
        if text is None:
            section = self.sections.get(".debug_str")
            if section is None or offset >= len(section):
                raise ProducerDwarfError(f"string at {offset:#x}: outside .debug_str")
            text = _cstr(section, offset)[0]
            self.string_cache[offset] = text
        return text

    def line_string(self, offset: int) -> bytes:
        section = self.sections.get(".debug_line_str")
        if section is None or offset >= len(section):
            raise ProducerDwarfError(f"string at {offset:#x}: outside .debug_line_str")
        return _cstr(section, offset)[0]

    def abbreviations(self, offset: int) -> dict[int, _Abbreviation]:
        table = self._abbreviation_tables.get(offset)
        if table is None:
            table = self._abbreviation_tables[offset] = self._read_abbreviations(offset)
        return table

    def _read_abbreviations(self, at: int) -> dict[int, _Abbreviation]:
        data = self.sections.get(".debug_abbrev")
        if data is None:
            raise ProducerDwarfError("no .debug_abbrev")
        return _translate.read_abbreviations(data, at, *_names(), ProducerDwarfError)

    # -- line programs ------------------------------------------------------------------------------------------
    def line_program_for_CU(self, unit: Unit) -> LineProgram | None:  # noqa: N802
        attribute = unit.get_top_DIE().attributes.get("DW_AT_stmt_list")
        data = self.sections.get(".debug_line")
        if attribute is None or data is None:
            return None
        return read_line_program(data, int(attribute.raw_value), unit, self)

    # -- lists --------------------------------------------------------------------------------------------------
    def location_list(self, offset: int, unit: Unit) -> list[ListEntry | BaseAddress]:
        if unit.version >= 5:
            return _v5_list(self._section(".debug_loclists"), offset, unit, location=True)
        return _v4_list(self._section(".debug_loc"), offset, location=True)

    def range_list(self, offset: int, unit: Unit) -> list[ListEntry | BaseAddress]:
        if unit.version >= 5:
            return _v5_list(self._section(".debug_rnglists"), offset, unit, location=False)
        return _v4_list(self._section(".debug_ranges"), offset, location=False)

    def _section(self, name: str) -> bytes:
        data = self.sections.get(name)
        if data is None:
            raise ProducerDwarfError(f"a list in {name}, which is absent")
        return data


def _v4_list(data: bytes, at: int, location: bool) -> list[ListEntry | BaseAddress]:
    out: list[ListEntry | BaseAddress] = []
    while True:
        begin, end = struct.unpack_from("<II", data, at)
        at += 8
        if begin == 0 and end == 0:
            return out
        if begin == _MAX_ADDRESS:
            out.append(BaseAddress(end))
            continue
        expression = b""
        if location:
            length = struct.unpack_from("<H", data, at)[0]
            expression = data[at + 2:at + 2 + length]
            if len(expression) != length:
                raise ProducerDwarfError(f"a location list entry at {at:#x} past the end of .debug_loc")
            at += 2 + length
        out.append(ListEntry(begin, end, False, expression))


#: DWARF 5 list entry kinds: DW_RLE_* for ranges, DW_LLE_* for locations (the same numbers up to 4; then
#: locations have ``default_location`` at 5 and the rest one further).
_RLE = {0: "end", 1: "base_addressx", 2: "startx_endx", 3: "startx_length", 4: "offset_pair", 5: "base_address",
        6: "start_end", 7: "start_length"}
_LLE = {0: "end", 1: "base_addressx", 2: "startx_endx", 3: "startx_length", 4: "offset_pair",
        5: "default_location", 6: "base_address", 7: "start_end", 8: "start_length"}


def _v5_list(data: bytes, at: int, unit: Unit, location: bool) -> list[ListEntry | BaseAddress]:
    kinds = _LLE if location else _RLE
    out: list[ListEntry | BaseAddress] = []
    while True:
        code = data[at]
        at += 1
        kind = kinds.get(code)
        if kind is None:
            raise ProducerDwarfError(f"list entry kind {code:#x} at {at - 1:#x}")
        if kind == "end":
            return out
        if kind == "base_addressx":
            index, at = uleb(data, at)
            out.append(BaseAddress(unit.get_addr(index)))
            continue
        if kind == "base_address":
            out.append(BaseAddress(struct.unpack_from("<I", data, at)[0]))
            at += 4
            continue
        absolute = True
        if kind == "startx_endx":
            first, at = uleb(data, at)
            second, at = uleb(data, at)
            begin, end = unit.get_addr(first), unit.get_addr(second)
        elif kind == "startx_length":
            first, at = uleb(data, at)
            length, at = uleb(data, at)
            begin = unit.get_addr(first)
            end = begin + length
        elif kind == "offset_pair":
            begin, at = uleb(data, at)
            end, at = uleb(data, at)
            absolute = False
        elif kind == "start_end":
            begin, end = struct.unpack_from("<II", data, at)
            at += 8
        elif kind == "start_length":
            begin = struct.unpack_from("<I", data, at)[0]
            length, at = uleb(data, at + 4)
            end = begin + length
        else:  # default_location: no range of its own (the translation has nothing to map)
            begin = end = -1
        expression = b""
        if location:
            length, at = uleb(data, at)
            expression = data[at:at + length]
            if len(expression) != length:
                raise ProducerDwarfError(f"a location list entry at {at:#x} past the end of .debug_loclists")
            at += length
        out.append(ListEntry(begin, end, absolute, expression))


# Line header entry formats (DWARF 5 section 6.2.4.1); the opcodes are run in C (``_translate.line_rows``).
_DW_LNCT_path, _DW_LNCT_directory_index, _DW_LNCT_timestamp, _DW_LNCT_size = 1, 2, 3, 4


def read_line_program(data: bytes, offset: int, unit: Unit, dwarf: ProducerDwarf) -> LineProgram:
    """The line program at ``offset`` in ``.debug_line``: its directories, files and rows (the state machine of
    DWARF 5 section 6.2.2, run in C over the opcodes: a large module's programs have millions)."""
    length, version = struct.unpack_from("<IH", data, offset)
    if length >= 0xFFFFFFF0:
        raise ProducerDwarfError(f"line program at {offset:#x}: 64-bit DWARF is not read")
    end = offset + 4 + length
    if end > len(data):
        raise ProducerDwarfError(f"line program at {offset:#x} runs past the end of .debug_line")
    at = offset + 6
    if version >= 5:
        at += 2  # address_size, segment_selector_size
    elif not 2 <= version <= 4:
        raise ProducerDwarfError(f"line program at {offset:#x}: version {version}")
    header_length = struct.unpack_from("<I", data, at)[0]
    at += 4
    program = at + header_length
    minimum_length = data[at]
    at += 1
    if version >= 4:
        at += 1  # maximum_operations_per_instruction (1 for wasm32)
    default_is_stmt = data[at] != 0
    line_base = struct.unpack_from("<b", data, at + 1)[0]
    line_range = data[at + 2]
    opcode_base = data[at + 3]
    at += 4
    if line_range == 0:
        raise ProducerDwarfError(f"line program at {offset:#x}: line_range 0")
    lengths = data[at:at + opcode_base - 1]
    at += max(opcode_base - 1, 0)
    directories: list[bytes] = []
    files: list[FileName] = []
    if version >= 5:
        entries, at = _v5_entries(data, at, unit, dwarf)
        directories = [bytes(fields[_DW_LNCT_path]) for fields in entries]
        entries, at = _v5_entries(data, at, unit, dwarf)
        files = [FileName(bytes(fields[_DW_LNCT_path]), int(fields[_DW_LNCT_directory_index]),
                          int(fields[_DW_LNCT_timestamp]), int(fields[_DW_LNCT_size])) for fields in entries]
    else:
        while data[at]:
            name, at = _cstr(data, at)
            directories.append(name)
        at += 1
        while data[at]:
            name, at = _cstr(data, at)
            directory, at = uleb(data, at)
            mtime, at = uleb(data, at)
            size, at = uleb(data, at)
            files.append(FileName(name, directory, mtime, size))
    return LineProgram(version, tuple(directories), tuple(files),
                       _translate.line_rows(data, program, end, minimum_length, default_is_stmt, line_base, line_range,
                                            opcode_base, lengths))


def _v5_entries(data: bytes, at: int, unit: Unit, dwarf: ProducerDwarf) -> tuple[list[dict[int, Any]], int]:
    """A DWARF 5 line header's directory or file name table: each entry's fields by DW_LNCT_* code."""
    formats: list[tuple[int, str]] = []
    count = data[at]
    at += 1
    for _ in range(count):
        kind, at = uleb(data, at)
        form_code, at = uleb(data, at)
        formats.append((kind, _names()[2].get(form_code, "")))
    count, at = uleb(data, at)
    entries: list[dict[int, Any]] = []
    for _ in range(count):
        fields: dict[int, Any] = {_DW_LNCT_path: b"", _DW_LNCT_directory_index: 0, _DW_LNCT_timestamp: 0,
                                  _DW_LNCT_size: 0}
        for kind, form in formats:
            fields[kind], at = _line_header_value(data, at, form, unit, dwarf)
        entries.append(fields)
    return entries, at


def _line_header_value(data: bytes, at: int, form: str, unit: Unit, dwarf: ProducerDwarf) -> tuple[Any, int]:
    if form == "DW_FORM_line_strp":
        return dwarf.line_string(struct.unpack_from("<I", data, at)[0]), at + 4
    if form == "DW_FORM_strp":
        return dwarf.string(struct.unpack_from("<I", data, at)[0]), at + 4
    if form in _STRX_FORMS and form != "DW_FORM_strx3":
        letter = _FIXED_FORMS.get(form)
        if letter is None:
            index, at = uleb(data, at)
        else:
            index = struct.unpack_from("<" + letter, data, at)[0]
            at += struct.calcsize(letter)
        return unit._string_at_index(index), at
    letter = _FIXED_FORMS.get(form)
    if letter is not None:
        return struct.unpack_from("<" + letter, data, at)[0], at + struct.calcsize(letter)
    return _variable(data, at, form, None, at)
