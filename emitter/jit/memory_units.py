"""A JIT image part's memory unit (``emitter/dwarf/memory_unit.py``): whether the part has one, and the part
with the unit's variables optimized out, which the registrar registers while another loaded module has a unit too
(see ``registrar.py``: the debuggers would otherwise read the other module's ``memory0``).

The unit is the last unit of the part's ``.debug_info`` (it is appended after the translated ones) and nothing
refers to it, so replacing it is replacing ``.debug_info`` from where it begins: the optimized-out unit
(``memory_unit.optimized_out_unit``) uses the same abbreviations, at the same offset, and has no relocation."""

from __future__ import annotations

import dataclasses
import struct

from ..dwarf.memory_unit import UNIT_NAME
from ..obj.elf import ImagePart

_INFO = ".debug_info"
#: A DWARF 4 unit header (32-bit DWARF), then the unit DIE's abbreviation code (1) and its inline name.
_HEADER_SIZE = 11
_UNIT_DIE = b"\x01" + UNIT_NAME.encode() + b"\0"


def _unit_start(part: ImagePart) -> int | None:
    """Where the part's memory unit begins in its ``.debug_info``, None without one."""
    data = next((section.data for section in part.unloaded if section.name == _INFO), b"")
    offset, last = 0, None
    while offset + 4 <= len(data):
        last = offset
        offset += 4 + struct.unpack_from("<I", data, offset)[0]
    if last is None or data[last + 4:last + 6] != b"\x04\x00":
        return None
    return last if data[last + _HEADER_SIZE:last + _HEADER_SIZE + len(_UNIT_DIE)] == _UNIT_DIE else None


def has_memory_unit(part: ImagePart) -> bool:
    return _unit_start(part) is not None


def with_unit_optimized_out(part: ImagePart, unit: bytes) -> ImagePart:
    """``part`` with its memory unit replaced by ``unit``, the same unit optimized out (``part`` itself without
    a unit)."""
    start = _unit_start(part)
    if start is None or not unit:
        return part
    data = next(section.data for section in part.unloaded if section.name == _INFO)
    # The unit's abbreviation offset (already moved to the part's own ``.debug_abbrev``): the same field.
    replaced = data[:start] + unit[:6] + data[start + 6:start + 10] + unit[10:]
    unloaded = tuple(dataclasses.replace(section, data=replaced) if section.name == _INFO else section
                     for section in part.unloaded)
    fields = tuple((name, into, tuple(p for p in places4 if p < start + 10), tuple(p for p in places8 if p < start))
                   if name == _INFO else (name, into, places4, places8)
                   for name, into, places4, places8 in part.offset_fields)
    removed = sum(len(section.data) for section in part.unloaded) - sum(len(section.data) for section in unloaded)
    return dataclasses.replace(part, unloaded=unloaded, offset_fields=fields, size=part.size - removed)
