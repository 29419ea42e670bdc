"""The language-specific data area of Wasm functions: GCC's LSDA format in ``.gcc_except_table``.

One LSDA per function that has call sites with handlers (``CompiledFunction.call_sites`` with ``filters``)::

    u8   LPStart encoding   DW_EH_PE_omit: landing pads are relative to the function start
    u8   TType encoding     DW_EH_PE_pcrel|DW_EH_PE_sdata4: each entry is a 32-bit pc-relative tag pointer
    uleb TType offset       from the end of this field to the end of the type table
    u8   call-site encoding DW_EH_PE_uleb128
    uleb call-site table length
    call-site records       uleb start, uleb length, uleb landing pad, uleb action (1 + action-table offset)
    action records          sleb type filter, sleb offset from this field to the next record (0: end)
    padding                 the type table is 4-byte aligned (relative to the 4-aligned LSDA)
    type table              entry k (filter k) at end - 4k: the tag descriptor's address, or 0 for a catch-all

Only calls inside try regions get call-site records: the personality (``jitdebug_personality_v0``) lets an
exception pass a call it finds no record for, unlike the C++ one, which would call ``std::terminate``. Landing
pads are never at offset 0 (the compiler puts them after the body), which would read as "no landing pad".
Action chains that end alike are shared, as GCC shares them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..arch import Arch
from ..compiled import CallSite, CompiledFunction
from ..encoding import ByteWriter, SymbolAddress, sleb128, uleb128
from ..errors import EmitError
from ..obj.model import ObjectFile, Relocation, RelocKind, SectionKind
from .cfi import FDE_POINTER_ENCODING, add_personality_pointer

SECTION_NAME = ".gcc_except_table"

DW_EH_PE_omit = 0xFF
DW_EH_PE_uleb128 = 0x01
#: Type table entries: 32-bit pc-relative pointers to tag descriptors (no text relocation in a PIE, and the
#: descriptors are in the same module, so no indirection is needed).
TTYPE_ENCODING = FDE_POINTER_ENCODING
TTYPE_ENTRY_SIZE = 4
#: The LSDA and its type table are 4-byte aligned (as GCC aligns them for sdata4 entries).
ALIGNMENT = 4


@dataclass(frozen=True, slots=True)
class Lsda:
    """One function's LSDA: bytes (from a 4-aligned start) and relocations relative to its start."""

    data: bytes
    relocations: tuple[Relocation, ...]


def handled_call_sites(function: CompiledFunction) -> list[CallSite]:
    """The call sites that get LSDA records, in code order."""
    return sorted((site for site in function.call_sites if site.filters and site.landing_pad is not None),
                  key=lambda site: site.start)


def _check(function: CompiledFunction, sites: Sequence[CallSite]) -> None:
    size = len(function.code)
    previous_end = 0
    for site in sites:
        if not 0 <= site.start < site.end <= size:
            raise EmitError(f"call site [{site.start:#x}, {site.end:#x}) lies outside the function",
                            function=function.name, offset=site.start)
        if site.start < previous_end:
            raise EmitError("call sites overlap", function=function.name, offset=site.start)
        previous_end = site.end
        pad = site.landing_pad
        if pad is None or not 0 < pad < size:
            raise EmitError(f"landing pad {pad} is not inside the function (offset 0 means 'none' in an LSDA)",
                            function=function.name, offset=site.start)
        for type_filter in site.filters:
            if not 1 <= type_filter <= len(function.catch_types):
                raise EmitError(f"type filter {type_filter} is not an entry of the type table "
                                f"({len(function.catch_types)} entries)", function=function.name, offset=site.start)


def _action_table(sites: Sequence[CallSite]) -> tuple[bytes, list[int]]:
    """The action records and each site's action field (1 + offset of its first record); common tails shared."""
    table = bytearray()
    placed: dict[tuple[int, ...], int] = {}

    def place(chain: tuple[int, ...]) -> int:
        if chain in placed:
            return placed[chain]
        tail = place(chain[1:]) if len(chain) > 1 else None
        offset = len(table)
        filter_bytes = sleb128(chain[0])
        table.extend(filter_bytes)
        # The link is relative to the link field itself; tails are placed first, so it points backwards.
        table.extend(sleb128(0 if tail is None else tail - (offset + len(filter_bytes))))
        placed[chain] = offset
        return offset

    fields = [1 + place(site.filters) for site in sites]
    return bytes(table), fields


def build_lsda(function: CompiledFunction) -> Lsda | None:
    """The LSDA of ``function``, or None when no call of it has a handler."""
    sites = handled_call_sites(function)
    if not sites:
        return None
    _check(function, sites)
    actions, action_fields = _action_table(sites)
    call_sites = bytearray()
    for site, action in zip(sites, action_fields, strict=True):
        call_sites += uleb128(site.start) + uleb128(site.end - site.start)
        call_sites += uleb128(site.landing_pad or 0) + uleb128(action)
    body = bytes([DW_EH_PE_uleb128]) + uleb128(len(call_sites)) + bytes(call_sites) + actions
    types_size = TTYPE_ENTRY_SIZE * len(function.catch_types)
    # The TType offset counts the padding before the type table, which depends on the offset's own size:
    # iterate to a fixed point, and if none exists pad the uleb with a redundant continuation byte.
    width = 1
    for _ in range(4):
        after_field = 2 + width
        padding = -(after_field + len(body)) % ALIGNMENT
        ttype_offset = len(body) + padding + types_size
        if len(uleb128(ttype_offset)) == width:
            break
        width = len(uleb128(ttype_offset))
    else:
        width += 1
        padding = -(2 + width + len(body)) % ALIGNMENT
        ttype_offset = len(body) + padding + types_size
    w = ByteWriter()
    w.u8(DW_EH_PE_omit)
    w.u8(TTYPE_ENCODING)
    w.bytes(_padded_uleb(ttype_offset, width))
    w.bytes(body)
    w.bytes(bytes(padding))
    for tag in reversed(function.catch_types):
        if tag is None:
            w.u32(0)
        else:
            w.address(SymbolAddress(tag), TTYPE_ENTRY_SIZE, RelocKind.PC_RELATIVE)
    if w.offset != 2 + width + ttype_offset:
        raise EmitError("LSDA type table misplaced", function=function.name, offset=0)
    return Lsda(bytes(w.data), tuple(w.relocations))


def _padded_uleb(value: int, width: int) -> bytes:
    """``value`` as a ULEB128 of exactly ``width`` bytes (continuation bits on redundant zero groups)."""
    out = bytearray()
    for index in range(width):
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if index < width - 1 else 0))
    if value:
        raise ValueError("value does not fit the ULEB128 width")
    return bytes(out)


def add_exception_tables(obj: ObjectFile, functions: Sequence[CompiledFunction],
                         arch: Arch) -> tuple[dict[str, SymbolAddress], str | None]:
    """Append the LSDA of every function that needs one to ``.gcc_except_table`` in ``obj`` and define the
    personality pointer word their CIE refers to. Returns each such function's LSDA address by function name,
    and the personality routine (one per object: every FDE with an LSDA shares one ``zPLR`` CIE)."""
    addresses: dict[str, SymbolAddress] = {}
    personality: str | None = None
    for function in functions:
        lsda = build_lsda(function)
        if lsda is None:
            continue
        if function.personality is None or personality not in (None, function.personality):
            raise EmitError(f"a function with handlers needs the object's one personality routine, not "
                            f"{function.personality!r}", function=function.name)
        personality = function.personality
        section = obj.section(SECTION_NAME, SectionKind.EXCEPT_TABLE)
        start = section.append(lsda.data, ALIGNMENT)
        for reloc in lsda.relocations:
            section.relocate(Relocation(start + reloc.offset, reloc.kind, reloc.size, reloc.symbol, reloc.addend))
            obj.reference(reloc.symbol)
        add_personality_pointer(obj, personality, arch)
        addresses[function.name] = SymbolAddress(SECTION_NAME, start)
    return addresses, personality
