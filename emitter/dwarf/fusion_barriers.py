"""The Wasm code offsets where the producer's DWARF starts or ends something: fusion barriers.

Instruction fusion (``codegen/fusion.py``) gives a group of Wasm instructions one line row, that of its first
instruction; the others get no native address of their own (``translate_map.py`` maps a Wasm range to the
native pieces implementing instructions inside it). A producer line row, an inlined subroutine's or lexical
block's ``DW_AT_low_pc``/``DW_AT_high_pc``/``DW_AT_ranges``, or a location-list entry starting (or ending) at
such an instruction would then move or vanish: C line breakpoints move, inlined frames are lost, a variable's
location starts late. These offsets are therefore barriers: a group may start at one, never contain one after
its first instruction.

Where the producer's DWARF names an operand-stack value (``DW_OP_WASM_location 2``), the operand slots must hold
the Wasm operand stack at every instruction; elsewhere only our own code reads them. ``fusion_limits`` gives the
ranges of such locations beside the barriers, so that groups elsewhere may keep operands in registers and give
a barrier inside them a row of its own (``codegen/trees.py``).

The set is read once per module, with the translation's address arithmetic (unit base address, base-address
list entries), by a scan of the DIEs that makes no objects of them (``_translate.scan_barriers``). Should the
DWARF not decode, ``None`` says so and the caller does not fuse at all (the translation will say what is wrong
with the DWARF).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ..compiled import WasmDwarf
from . import _translate
from .producer_reader import READ_ERRORS, BaseAddress, ProducerDwarf, ProducerDwarfError, list_bases, scanned_sections
from .translate_expr import DW_OP_WASM_location, Untranslatable, _decode

_LIST_FORMS = frozenset(["DW_FORM_sec_offset", "DW_FORM_data4", "DW_FORM_loclistx", "DW_FORM_rnglistx"])
_ADDRESS_FORMS = frozenset(["DW_FORM_addr", "DW_FORM_addrx", "DW_FORM_addrx1", "DW_FORM_addrx2",
                            "DW_FORM_addrx3", "DW_FORM_addrx4"])


@dataclass(frozen=True, slots=True)
class FusionLimits:
    #: Module offsets no group may hold after its first instruction without a row of its own there.
    barriers: frozenset[int]
    #: Module offset ranges [begin, end) where a location list names an operand-stack value, sorted by begin;
    #: None when a location outside any list does (the operand stack may be read anywhere).
    stack: tuple[tuple[int, int], ...] | None


def fusion_barriers(dwarf: WasmDwarf) -> frozenset[int] | None:
    """Module offsets (as ``Instr.offset``) of every producer line row's address and every address range's
    start and end in the producer's ``.debug_info``; None when the DWARF cannot be read."""
    limits = fusion_limits(dwarf)
    return None if limits is None else limits.barriers


def fusion_limits(dwarf: WasmDwarf) -> FusionLimits | None:
    """The barriers and the operand-stack ranges (``FusionLimits``); None when the DWARF cannot be read.

    The DIEs are scanned in C without being decoded into objects (``_translate.scan_barriers``): code generation
    needs only the addresses they name and their location expressions, and decoding 180,000 DIEs of a Rust
    program's standard library for that was a fifth of its compile. ``fusion_limits_model`` is the same in
    Python over the decoded DIEs, which the scan is checked against."""
    barriers: set[int] = set()
    expressions: set[bytes] = set()
    entries: list[tuple[int, int, bytes]] = []
    try:
        info = ProducerDwarf(dwarf.sections)
        sections = scanned_sections(info)
        for unit in info.iter_CUs():
            try:
                program = info.line_program_for_CU(unit)
                if program is not None:
                    barriers.update(program.addresses)
                top = unit.get_top_DIE()
                cu_base = top.attributes["DW_AT_low_pc"].value if "DW_AT_low_pc" in top.attributes else 0
                _translate.scan_barriers(info.info, unit.first_die, unit.cu_offset + unit.size,
                                         info.abbreviations(unit.abbrev_offset), unit.cu_offset, unit.version,
                                         cu_base, sections, list_bases(unit), ProducerDwarfError, barriers,
                                         expressions, entries)
            finally:
                unit.release()
    except READ_ERRORS:
        return None
    base = dwarf.code_section_offset
    ranges = None
    if not any(_names_stack(expression) for expression in expressions):
        ranges = tuple(sorted((begin + base, end + base) for begin, end, expression in entries
                              if _names_stack(expression)))
    return FusionLimits(frozenset(address + base for address in barriers), ranges)


def fusion_limits_model(dwarf: WasmDwarf) -> FusionLimits | None:
    """``fusion_limits`` in Python over the decoded DIEs: the model ``_translate.scan_barriers`` is checked against
    (``tests/test_cdebug_native_loops.py``)."""
    units = []
    stack: list[tuple[int, int]] | None = []
    try:
        info = ProducerDwarf(dwarf.sections)
        code_relative: set[int] = set()
        for unit in info.iter_CUs():
            units.append(unit)
            if not _unit(info, unit, code_relative, stack):
                stack = None
    except READ_ERRORS:
        return None
    finally:
        for unit in units:
            unit.release()  # the DIE trees are cycles: freed now, not by the collector
    base = dwarf.code_section_offset
    ranges = None if stack is None else tuple(sorted((begin + base, end + base) for begin, end in stack))
    return FusionLimits(frozenset(address + base for address in code_relative), ranges)


@functools.lru_cache(maxsize=65536)
def _names_stack(expression: bytes) -> bool:
    """Whether a location expression reads the Wasm operand stack (an undecodable one is taken to)."""
    try:
        return any(op.code == DW_OP_WASM_location and op.args[0] == 2 for op in _decode(bytes(expression)))
    except (Untranslatable, IndexError):
        return True


def _unit(info: ProducerDwarf, unit: Any, out: set[int], stack: list[tuple[int, int]] | None) -> bool:
    """Add the unit's barriers to ``out`` and its operand-stack ranges to ``stack`` (if not None); False when a
    location outside a list names the operand stack."""
    everywhere = False
    program = info.line_program_for_CU(unit)
    if program is not None:
        out.update(program.addresses)
    top = unit.get_top_DIE()
    cu_base = top.attributes["DW_AT_low_pc"].value if "DW_AT_low_pc" in top.attributes else 0
    for die in unit.iter_DIEs():
        attributes = die.attributes
        low = attributes.get("DW_AT_low_pc")
        for name, attribute in attributes.items():
            if attribute.form in _ADDRESS_FORMS and isinstance(attribute.value, int):
                out.add(attribute.value)  # low_pc, entry_pc, high_pc as an address, call-site pcs
            elif name == "DW_AT_high_pc" and low is not None:
                out.add(low.value + attribute.value)
            elif name == "DW_AT_ranges" and attribute.form in _LIST_FORMS:
                _list(info.range_list(int(attribute.value), unit), cu_base, out)
            elif name in ("DW_AT_location", "DW_AT_frame_base") and attribute.form in _LIST_FORMS:
                _list(info.location_list(int(attribute.value), unit), cu_base, out, stack)
            elif attribute.form == "DW_FORM_exprloc" and not everywhere and _names_stack(attribute.value):
                everywhere = True
    return not everywhere


def _list(entries: list[Any], base: int, out: set[int], stack: list[tuple[int, int]] | None = None) -> None:
    for entry in entries:
        if isinstance(entry, BaseAddress):
            base = entry.address
            continue
        shift = 0 if entry.is_absolute else base
        out.add(entry.begin + shift)
        out.add(entry.end + shift)
        if stack is not None and entry.expression and _names_stack(entry.expression):
            stack.append((entry.begin + shift, entry.end + shift))
