"""The Wasm code offsets where the producer's DWARF starts or ends something: fusion barriers.

Instruction fusion (``codegen/fusion.py``) gives a group of Wasm instructions one line row, that of its first
instruction; the others get no native address of their own (``translate_map.py`` maps a Wasm range to the
native pieces implementing instructions inside it). A producer line row, an inlined subroutine's or lexical
block's ``DW_AT_low_pc``/``DW_AT_high_pc``/``DW_AT_ranges``, or a location-list entry starting (or ending) at
such an instruction would then move or vanish: C line breakpoints move, inlined frames are lost, a variable's
location starts late. These offsets are therefore barriers: a group may start at one, never contain one after
its first instruction.

The set is read once per module from the same decoded DWARF the translation reads, with the same address
arithmetic (unit base address, base-address list entries). Should the DWARF not decode, ``None`` says so and
the caller does not fuse at all (the translation will say what is wrong with the DWARF).
"""

from __future__ import annotations

from typing import Any

from ..compiled import WasmDwarf
from .producer_reader import READ_ERRORS, BaseAddress, ProducerDwarf

_LIST_FORMS = frozenset(["DW_FORM_sec_offset", "DW_FORM_data4", "DW_FORM_loclistx", "DW_FORM_rnglistx"])
_ADDRESS_FORMS = frozenset(["DW_FORM_addr", "DW_FORM_addrx", "DW_FORM_addrx1", "DW_FORM_addrx2",
                            "DW_FORM_addrx3", "DW_FORM_addrx4"])


def fusion_barriers(dwarf: WasmDwarf) -> frozenset[int] | None:
    """Module offsets (as ``Instr.offset``) of every producer line row's address and every address range's
    start and end in the producer's ``.debug_info``; None when the DWARF cannot be read."""
    units = []
    try:
        info = ProducerDwarf(dwarf.sections)
        code_relative: set[int] = set()
        for unit in info.iter_CUs():
            units.append(unit)
            _unit(info, unit, code_relative)
    except READ_ERRORS:
        return None
    finally:
        for unit in units:
            unit.release()  # the DIE trees are cycles: freed now, not by the collector
    base = dwarf.code_section_offset
    return frozenset(address + base for address in code_relative)


def _unit(info: ProducerDwarf, unit: Any, out: set[int]) -> None:
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
                _list(info.location_list(int(attribute.value), unit), cu_base, out)


def _list(entries: list[Any], base: int, out: set[int]) -> None:
    for entry in entries:
        if isinstance(entry, BaseAddress):
            base = entry.address
            continue
        shift = 0 if entry.is_absolute else base
        out.add(entry.begin + shift)
        out.add(entry.end + shift)
