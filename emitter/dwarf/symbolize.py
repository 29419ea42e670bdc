"""Source locations of a Wasm module offset, read from the module's producer DWARF the way wasmtime finds them
for its trap backtraces under ``WASMTIME_BACKTRACE_DETAILS=1`` (it asks the ``addr2line`` crate).

For one code address (a module offset less the code section's payload offset: the producer's addresses) the
answer is a list of symbols, innermost first: the innermost inlined subroutine whose ranges cover the address,
with the line table's row for it; then each enclosing inlined subroutine, located at the call site the one
inside it records (``DW_AT_call_file``/``_line``/``_column``); last the subprogram itself. A unit covering the
address without a subprogram there gives one symbol without a name at the row's location; no unit, no symbol.
The rules ``addr2line`` follows and that the text shows are kept: a name is the linkage name, else the name,
through ``DW_AT_abstract_origin``/``DW_AT_specification``; a path is the unit's compilation directory, then the
file's directory (not for directory 0), then its name, an absolute component replacing what came before; a line
or column of 0 is absent; of several rows at one address the last one counts; a unit without ranges of its own is
covered by its line table's sequences.

This is read only when a trap is reported with details on, so nothing is built at compile time: the units
covering the address are decoded then, once per module (``Symbolizer`` keeps them).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from .producer_reader import READ_ERRORS, BaseAddress, LineProgram, ProducerDwarf, Unit

#: Forms of a reference relative to its unit (``DW_FORM_ref_addr`` is relative to ``.debug_info``).
_UNIT_REFERENCES = frozenset(["DW_FORM_ref1", "DW_FORM_ref2", "DW_FORM_ref4", "DW_FORM_ref8", "DW_FORM_ref_udata"])
#: How deep ``DW_AT_abstract_origin``/``DW_AT_specification`` chains are followed for a name (``addr2line``'s
#: limit, which also ends a cycle).
_NAME_DEPTH = 16


@dataclass(frozen=True, slots=True)
class Symbol:
    """One source-level frame of a Wasm frame: function name (None: unnamed), file, line, column."""

    name: str | None
    file: str | None
    line: int | None
    column: int | None


@dataclass(slots=True)
class _Lines:
    """A unit's line table as ``addr2line`` keeps it: sequences ``(start, end, addresses, rows)``, sorted."""

    sequences: list[tuple[int, int, list[int], list[tuple[int, int, int]]]]
    program: LineProgram
    comp_dir: str

    def find(self, address: int) -> tuple[int, int, int] | None:
        """``(file, line, column)`` of the row covering ``address``."""
        starts = [sequence[0] for sequence in self.sequences]
        index = bisect.bisect_right(starts, address) - 1
        if index < 0:
            return None
        start, end, addresses, rows = self.sequences[index]
        if not start <= address < end:
            return None
        return rows[bisect.bisect_right(addresses, address) - 1]

    def path(self, file: int) -> str | None:
        """The path of file ``file`` (DWARF 5 numbers files from 0, earlier versions from 1)."""
        program = self.program
        position = file if program.version >= 5 else file - 1
        if not 0 <= position < len(program.file_entry):
            return None
        entry = program.file_entry[position]
        path = self.comp_dir
        if entry.dir_index != 0:
            directories = program.include_directory
            at = entry.dir_index if program.version >= 5 else entry.dir_index - 1
            if 0 <= at < len(directories):
                path = _push(path, _text(directories[at]))
        return _push(path, _text(entry.name))


@dataclass(slots=True)
class _Function:
    """A subprogram or an inlined subroutine with what its frames need."""

    name: str | None
    ranges: list[tuple[int, int]]
    #: The enclosing inlined subroutine's index in its subprogram's list, -1 when the subprogram encloses it.
    parent: int
    call: tuple[int | None, int, int]  # call file (None: absent), line, column


@dataclass(slots=True)
class _UnitInfo:
    unit: Unit
    ranges: list[tuple[int, int]]
    lines: _Lines | None
    functions: list[tuple[_Function, list[_Function]]] | None = None  # each subprogram with its inlined ones


class Symbolizer:
    """The symbols of code addresses of one module's producer DWARF."""

    def __init__(self, sections: dict[str, bytes], code_section_offset: int) -> None:
        self.dwarf = ProducerDwarf(sections)
        self.code_section_offset = code_section_offset
        self._units: list[_UnitInfo] | None = None

    def symbols(self, module_offset: int) -> list[Symbol]:
        """The symbols at ``module_offset``, innermost first; none where the DWARF says nothing or cannot be
        read (wasmtime ignores what it cannot read too)."""
        address = module_offset - self.code_section_offset
        try:
            for info in self._covering(address):
                found = self._in_unit(info, address)
                if found:
                    return found
        except READ_ERRORS:
            return []
        return []

    # -- units --------------------------------------------------------------------------------------------------
    def _covering(self, address: int) -> list[_UnitInfo]:
        if self._units is None:
            self._units = []
            try:
                for unit in self.dwarf.iter_CUs():
                    self._units.append(self._unit(unit))
            except READ_ERRORS:
                pass
        return [info for info in self._units if any(low <= address < high for low, high in info.ranges)]

    def _unit(self, unit: Unit) -> _UnitInfo:
        top = unit.get_top_DIE()
        lines = None
        try:
            program = self.dwarf.line_program_for_CU(unit)
        except READ_ERRORS:
            program = None
        if program is not None:
            comp_dir = top.attributes.get("DW_AT_comp_dir")
            lines = _Lines(_sequences(program), program, _text(comp_dir.value) if comp_dir is not None else "")
        ranges = _ranges(self.dwarf, top, _unit_base(top))
        if not ranges and lines is not None:
            ranges = [(start, end) for start, end, _, _ in lines.sequences]
        return _UnitInfo(unit, [(low, high) for low, high in ranges if low < high], lines)

    def _in_unit(self, info: _UnitInfo, address: int) -> list[Symbol]:
        if info.functions is None:
            info.functions = self._functions(info.unit)
        row = info.lines.find(address) if info.lines is not None else None
        location = self._location(info, row)
        for function, inlined in info.functions:
            if not any(low <= address < high for low, high in function.ranges):
                continue
            chain: list[_Function] = []
            innermost = -1
            for index, candidate in enumerate(inlined):  # in DIE order: an enclosing one before those inside it
                if candidate.parent == innermost and any(low <= address < high for low, high in candidate.ranges):
                    chain.append(candidate)
                    innermost = index
            symbols = []
            for inner in reversed(chain):
                symbols.append(Symbol(inner.name, *location))
                call_file, call_line, call_column = inner.call
                file = info.lines.path(call_file) if info.lines is not None and call_file is not None else None
                location = (file, call_line or None, call_column or None)
            symbols.append(Symbol(function.name, *location))
            return symbols
        if row is not None:
            return [Symbol(None, *location)]
        return []

    @staticmethod
    def _location(info: _UnitInfo, row: tuple[int, int, int] | None) -> tuple[str | None, int | None, int | None]:
        if row is None or info.lines is None:
            return (None, None, None)
        file, line, column = row
        return (info.lines.path(file), line or None, column or None)

    # -- functions ----------------------------------------------------------------------------------------------
    def _functions(self, unit: Unit) -> list[tuple[_Function, list[_Function]]]:
        base = _unit_base(unit.get_top_DIE())
        out = []
        for die in unit.iter_DIEs():
            if die.tag != "DW_TAG_subprogram":
                continue
            ranges = _ranges(self.dwarf, die, base)
            if not ranges:
                continue
            inlined: list[_Function] = []
            self._inlined(die, base, -1, inlined, unit.version)
            out.append((_Function(self._name(die, 0), ranges, -1, (None, 0, 0)), inlined))
        return out

    def _inlined(self, die: Any, base: int, parent: int, out: list[_Function], version: int) -> None:
        for child in die.iter_children():
            if child.tag == "DW_TAG_subprogram":
                continue
            if child.tag == "DW_TAG_inlined_subroutine":
                attributes = child.attributes
                call_file = attributes.get("DW_AT_call_file")
                file = int(call_file.value) if call_file is not None else None
                if file is not None and file == 0 and version < 5:
                    file = None
                call = (file, _int(attributes.get("DW_AT_call_line")), _int(attributes.get("DW_AT_call_column")))
                out.append(_Function(self._name(child, 0), _ranges(self.dwarf, child, base), parent, call))
                self._inlined(child, base, len(out) - 1, out, version)
            else:
                self._inlined(child, base, parent, out, version)

    def _name(self, die: Any, depth: int) -> str | None:
        attributes = die.attributes
        for key in ("DW_AT_linkage_name", "DW_AT_MIPS_linkage_name", "DW_AT_name"):
            attribute = attributes.get(key)
            if attribute is not None and isinstance(attribute.value, bytes):
                return _text(attribute.value)
        if depth >= _NAME_DEPTH:
            return None
        for key in ("DW_AT_abstract_origin", "DW_AT_specification"):
            attribute = attributes.get(key)
            if attribute is not None:
                offset = int(attribute.raw_value)
                if attribute.form in _UNIT_REFERENCES:
                    offset += die.cu.cu_offset
                target = self.dwarf.die_at(offset)
                return self._name(target, depth + 1) if target is not None else None
        return None


def _sequences(program: LineProgram) -> list[tuple[int, int, list[int], list[tuple[int, int, int]]]]:
    sequences = []
    addresses: list[int] = []
    rows: list[tuple[int, int, int]] = []
    for row in program.rows:
        if row.end_sequence:
            if addresses and addresses[0] < row.address:
                sequences.append((addresses[0], row.address, addresses, rows))
            addresses, rows = [], []
            continue
        if addresses and addresses[-1] == row.address:
            rows[-1] = (row.file, row.line, row.column)
            continue
        addresses.append(row.address)
        rows.append((row.file, row.line, row.column))
    sequences.sort(key=lambda sequence: sequence[0])
    return sequences


def _unit_base(top: Any) -> int:
    low = top.attributes.get("DW_AT_low_pc")
    return int(low.value) if low is not None else 0


def _ranges(dwarf: ProducerDwarf, die: Any, base: int) -> list[tuple[int, int]]:
    attributes = die.attributes
    if "DW_AT_ranges" in attributes:
        out = []
        for entry in dwarf.range_list(int(attributes["DW_AT_ranges"].value), die.cu):
            if isinstance(entry, BaseAddress):
                base = entry.address
                continue
            shift = 0 if entry.is_absolute else base
            out.append((entry.begin + shift, entry.end + shift))
        return [(low, high) for low, high in out if low < high]
    low_attribute, high_attribute = attributes.get("DW_AT_low_pc"), attributes.get("DW_AT_high_pc")
    if low_attribute is None or high_attribute is None:
        return []
    low = int(low_attribute.value)
    high = int(high_attribute.value)
    if high_attribute.form != "DW_FORM_addr":
        high += low
    return [(low, high)] if low < high else []


def _int(attribute: Any) -> int:
    return int(attribute.value) if attribute is not None and isinstance(attribute.value, int) else 0


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _push(path: str, component: str) -> str:
    """``component`` after ``path`` as ``addr2line`` joins them: an absolute component (Unix or Windows) replaces
    the path; the separator is a backslash after a Windows path."""
    if component.startswith(("/", "\\")) or component[1:3] == ":\\":
        return component
    separator = "\\" if path.startswith("\\") or path[1:3] == ":\\" else "/"
    if path and not path.endswith(separator):
        path += separator
    return path + component
