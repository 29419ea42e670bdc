"""The producer DIEs describing functions whose code the linker discarded, which the translation does not write.

A static library's object files carry DWARF for all their functions; ``wasm-ld`` drops the functions nothing
calls but keeps their DWARF, setting each one's ``DW_AT_low_pc`` to a tombstone (``0xffffffff`` in
``.debug_info``, ``0xfffffffe`` in range and location lists; older linkers wrote 0). Such a function has no
code in the module, hence none in ours: its DIE and its children (parameters, variables, lexical blocks with
their location lists) would be written with no address at all, which no debugger can use, and translating them
was a part of every WASI program's debug-information cost (wasi-libc's units: 48 discarded functions, 424 of
3,623 DIEs in a small program).

What goes is the subtree of each ``DW_TAG_subprogram`` whose ``DW_AT_low_pc`` lies in no compiled function;
everything else (types, declarations, abstract instances of inline functions, globals) is written as before.
A DIE written must not refer to a DIE not written, so a discarded subtree that any kept DIE refers into (a C++
template argument naming a type local to the function, say) is kept whole, and what it refers to in turn is
checked the same way.

``discarded_subtrees`` finds them before any DIE is decoded (a scan in C, ``_translate.scan_discarded`` and
``discarded_ranges``), so that the decoder skips them (``Unit.skip``): in a Rust program a third of the DIEs
are in std's discarded functions, and decoding them only to drop them was a fifth of the translation.
``discarded_dies`` does the same over decoded DIEs: the model the scan is checked against, and what the
translation falls back on should the scan fail where the decoder does not.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Sequence

from . import _translate
from .producer_reader import READ_ERRORS, Die, ProducerDwarf, ProducerDwarfError, Unit, list_bases, scanned_sections

#: Forms naming a DIE of this ``.debug_info``: unit-relative ones, and ``ref_addr`` (section-relative).
_UNIT_REFERENCES = frozenset(["DW_FORM_ref1", "DW_FORM_ref2", "DW_FORM_ref4", "DW_FORM_ref8", "DW_FORM_ref_udata"])


def discarded_dies(dies: Iterable[Die], has_code: Callable[[int], bool]) -> set[int]:
    """The offsets of the DIEs not to write, among ``dies`` (every DIE to translate, in ``.debug_info`` order):
    the subtrees of subprograms whose ``DW_AT_low_pc`` ``has_code`` says is in no compiled function, except
    those a kept DIE refers into."""
    dies = list(dies)
    #: Offset of every DIE in a discarded subtree -> the subprogram heading it.
    owner: dict[int, Die] = {}
    for die in dies:
        if die.tag != "DW_TAG_subprogram" or die.offset in owner:
            continue
        low = die.attributes.get("DW_AT_low_pc")
        if low is not None and isinstance(low.value, int) and not has_code(low.value):
            for member in _subtree(die):
                owner.setdefault(member.offset, die)
    if not owner:
        return set()
    pending = [die for die in dies if die.offset not in owner]
    while pending:
        die = pending.pop()
        for attribute in die.attributes.values():
            form = attribute.form
            if form in _UNIT_REFERENCES:
                target = int(attribute.raw_value) + die.cu.cu_offset
            elif form == "DW_FORM_ref_addr":
                target = int(attribute.raw_value)
            else:
                continue
            root = owner.get(target)
            if root is not None:  # kept after all, with all it holds; what those refer to is checked in turn
                for member in _subtree(root):
                    if owner.get(member.offset) is root:
                        del owner[member.offset]
                        pending.append(member)
    return set(owner)


def _subtree(die: Die) -> list[Die]:
    out = [die]
    stack = list(die.children)
    while stack:
        member = stack.pop()
        out.append(member)
        stack.extend(member.children)
    return out


def discarded_subtrees(info: ProducerDwarf, units: Sequence[Unit],
                       functions: Sequence[tuple[int, int]]) -> dict[int, bytes] | None:
    """What ``discarded_dies`` discards, found without decoding the DIEs: by unit offset, the subtrees not to
    decode (``Unit.skip``: packed sorted [start, end) pairs); ``functions``: the compiled functions' Wasm extents
    (code-relative [start, end), sorted), where a ``DW_AT_low_pc`` has code. None when a unit cannot be scanned
    (the caller then decodes everything and uses ``discarded_dies``, whose errors name the unit)."""
    packed_functions = array("q", [value for pair in functions for value in pair]).tobytes()
    parts: list[tuple[bytes, bytes, bytes, bytes]] = []
    try:
        sections = scanned_sections(info)
        for unit in units:
            parts.append(_translate.scan_discarded(
                info.info, unit.first_die, unit.cu_offset + unit.size, info.abbreviations(unit.abbrev_offset),
                unit.cu_offset, unit.version, sections, list_bases(unit), packed_functions, ProducerDwarfError))
    except READ_ERRORS:
        return None
    left = _translate.discarded_ranges(*(b"".join(part[k] for part in parts) for k in range(4)))
    ranges = memoryview(left).cast("q")
    out: dict[int, bytes] = {}
    k = 0
    for unit in units:
        end = unit.cu_offset + unit.size
        first = k
        while k < len(ranges) and ranges[k] < end:
            k += 2
        if k > first:
            out[unit.cu_offset] = ranges[first:k].tobytes()
    return out
