"""Where a function returning an aggregate through memory must leave its result for native debuggers.

In Wasm's C ABI a function returning a structure (or a union, a ``long double``, a Rust ``String``) by value is
a ``void`` Wasm function taking the result's address in linear memory as its first parameter. A native debugger
reads a returned value where the x86-64 System V ABI puts it for the function's DWARF return type: in rax/rdx
(INTEGER eightbytes) and xmm0/xmm1 (SSE ones), or, for a MEMORY-class type (over 16 bytes, or with unaligned
fields), at the address in rax. Code generation therefore loads the result into those registers at the return
(``codegen/return_values.py``), and the translated DWARF keeps the return type, for the functions whose type is
classified here.

The classification is of the type as the *translated* DWARF gives it to the debugger, which is the producer's
with every pointer stored in memory a 4-byte ``__wasm32_ptr`` (an unsigned integer; ``translate.py``), so a
pointer member is a 4-byte INTEGER field. Whatever is uncertain (bitfields, ``long double``, ``__int128``,
complex numbers, packed or unaligned members, flexible or zero-length arrays, C++ classes with bases or member
functions, Rust enums, anything unlisted) has no plan: the function keeps no return type, so a debugger shows
no value rather than a wrong one.

The producer DIEs are read only for modules with candidate functions (no Wasm result, an ``i32`` first
parameter, a 32-bit memory 0), of those only the units whose code holds one, and of those not the subtrees of
the other functions.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..compiled import WasmDwarf
from ..wasm.module import Module, ValType

if TYPE_CHECKING:
    from .producer_reader import ProducerDwarf

INTEGER = "INTEGER"
SSE = "SSE"
#: A member of no size (Rust's ``PhantomData``, an empty struct): no class.
_EMPTY = "EMPTY"
_TRANSPARENT = frozenset(["DW_TAG_typedef", "DW_TAG_const_type", "DW_TAG_volatile_type"])
_AGGREGATES = frozenset(["DW_TAG_structure_type", "DW_TAG_class_type", "DW_TAG_union_type"])
_POINTERS = frozenset(["DW_TAG_pointer_type", "DW_TAG_reference_type", "DW_TAG_rvalue_reference_type"])
#: Children of an aggregate that hold no part of its value.
_DATALESS = frozenset(["DW_TAG_template_type_param", "DW_TAG_template_value_param", "DW_TAG_structure_type",
                       "DW_TAG_class_type", "DW_TAG_union_type", "DW_TAG_enumeration_type", "DW_TAG_typedef"])
_DW_ATE_boolean, _DW_ATE_float, _DW_ATE_signed, _DW_ATE_signed_char = 0x02, 0x04, 0x05, 0x06
_DW_ATE_unsigned, _DW_ATE_unsigned_char, _DW_ATE_UTF = 0x07, 0x08, 0x10
_INTEGER_ENCODINGS = frozenset([_DW_ATE_boolean, _DW_ATE_signed, _DW_ATE_signed_char, _DW_ATE_unsigned,
                                _DW_ATE_unsigned_char, _DW_ATE_UTF])
_DW_CC_pass_by_reference = 0x04
#: A wasm32 pointer's size, in memory and in its translated stand-in.
_POINTER_SIZE = 4
_MAX_DEPTH = 32


@dataclass(frozen=True, slots=True)
class ReturnPlan:
    """How the result of ``size`` bytes at the hidden pointer is returned natively: each eightbyte's class
    (``INTEGER``: the next of rax, rdx; ``SSE``: the next of xmm0, xmm1) with its offset and size in the result,
    or no eightbytes for a MEMORY-class type (its native address in rax)."""

    size: int
    eightbytes: tuple[tuple[str, int, int], ...]
    #: Registers the ABI leaves unused that LLDB reads part of the value from all the same (it reads each
    #: field by a reckoning of its own: a union's floating member from xmm0 or xmm1), each given the
    #: eightbyte at that offset: (register, offset, size), the register one of "rax", "rdx", "xmm0", "xmm1".
    extra: tuple[tuple[str, int, int], ...] = ()

    @property
    def in_memory(self) -> bool:
        return not self.eightbytes


class _Uncertain(Exception):
    """A type whose native classification this module does not claim to know."""


def return_plans(module: Module, dwarf: WasmDwarf, memory64: tuple[bool, ...]) -> dict[int, ReturnPlan]:
    """The plan of each defined function (by Wasm index) that returns a classified aggregate through memory
    (``memory64``: per memory, whether it is a 64-bit one)."""
    if not memory64 or memory64[0]:
        return {}
    base = dwarf.code_section_offset
    candidates: dict[int, int] = {}
    extents: list[tuple[int, int]] = []
    for function in module.functions:
        func_type = module.func_type(function.index)
        if not func_type.results and func_type.params and func_type.params[0] is ValType.I32:
            candidates[function.locals_offset - base] = function.index
            extents.append((function.locals_offset - base, function.end_offset - base))
    if not candidates:
        return {}
    # Imported here: code generation imports this module for ``ReturnPlan``, and the producer DWARF reader loads
    # a C extension (a shared object more for a debugger to read at every start of a program).
    from .producer_reader import READ_ERRORS, ProducerDwarf
    from .translate_discard import discarded_subtrees

    found: dict[int, ReturnPlan | None] = {}
    units: list[Any] = []
    starts = sorted(candidates)
    try:
        info = ProducerDwarf(dwarf.sections)
        for unit in info.iter_CUs():
            try:
                if unit.unit_type in (None, "DW_UT_compile") and _may_hold(info, unit, starts):
                    units.append(unit)
            except READ_ERRORS:
                continue  # the translation drops this unit with its warning: no plan from it either
        # The subtrees of the other functions are not decoded (the scan the translation skips discarded
        # functions with, here told that only the candidates have code): what is left is mostly types.
        skips = discarded_subtrees(info, units, sorted(extents))
        for unit in units:
            try:
                unit.skip = None if skips is None else skips.get(unit.cu_offset)
                _unit_plans(unit, candidates, found)
            except READ_ERRORS:
                continue
            finally:
                unit.release()
    except READ_ERRORS:
        return {}
    return {candidates[low]: plan for low, plan in found.items() if plan is not None}


def _may_hold(info: ProducerDwarf, unit: Any, starts: list[int]) -> bool:
    """Whether the unit's code (its top DIE's [low, high) or range list) holds a candidate's start (``starts``
    sorted); True when the top DIE says nothing of its code."""
    from .producer_reader import BaseAddress

    top = unit.get_top_DIE().attributes
    low = top.get("DW_AT_low_pc")
    base = low.value if low is not None and isinstance(low.value, int) else 0
    if "DW_AT_ranges" in top:
        ranges = []
        for entry in info.range_list(int(top["DW_AT_ranges"].value), unit):
            if isinstance(entry, BaseAddress):
                base = entry.address
            else:
                shift = 0 if entry.is_absolute else base
                ranges.append((entry.begin + shift, entry.end + shift))
    elif low is not None and "DW_AT_high_pc" in top:
        high = top["DW_AT_high_pc"]
        ranges = [(base, high.value if high.form == "DW_FORM_addr" else base + high.value)]
    else:
        return True
    for begin, end in ranges:
        k = bisect.bisect_left(starts, begin)
        if k < len(starts) and starts[k] < end:
            return True
    return False


def _unit_plans(unit: Any, candidates: dict[int, int], found: dict[int, ReturnPlan | None]) -> None:
    dies = list(unit.iter_DIEs())
    by_offset = {die.offset: die for die in dies}
    for die in dies:
        if die.tag != "DW_TAG_subprogram" or "DW_AT_type" not in die.attributes:
            continue
        low = die.attributes.get("DW_AT_low_pc")
        if low is None or not isinstance(low.value, int) or low.value not in candidates:
            continue
        try:
            plan: ReturnPlan | None = classify(_referenced(die, "DW_AT_type", by_offset), by_offset)
        except _Uncertain:
            plan = None
        # Two descriptions of one function that disagree: neither is trusted.
        found[low.value] = plan if found.get(low.value, plan) == plan else None


def classify(die: Any, by_offset: dict[int, Any]) -> ReturnPlan:
    """The System V classification of the type ``die`` as the translated DWARF gives it; ``_Uncertain`` when
    not known for sure."""
    size = _size(die, by_offset, 0)
    if size <= 0:
        raise _Uncertain
    leaves: list[tuple[int, int, str, bool]] = []
    _leaves(die, 0, by_offset, leaves, 0)
    if size > 16 or any(kind == _EMPTY for _, _, kind, _ in leaves):
        # MEMORY class; or a member of no size, which ends LLDB's reckoning of the fields: it then reads the value
        # at the address in rax whatever the size (a Rust ``String``: 12 bytes on wasm32, ``PhantomData`` in it).
        # GDB would read such a small value from the registers, but it reads no value of these functions at all
        # (``DW_CC_nocall``: see ``translate.py``).
        return ReturnPlan(size, ())
    eightbytes = []
    for start in range(0, size, 8):
        inside = [kind for offset, _, kind, _ in leaves if start <= offset < start + 8 and kind != _EMPTY]
        if not inside:
            raise _Uncertain  # padding only: gdb and lldb need not agree on it
        eightbytes.append((SSE if all(kind == SSE for kind in inside) else INTEGER, start, min(8, size - start)))
    return ReturnPlan(size, tuple(eightbytes), _lldb_extra(tuple(eightbytes), leaves))


def _lldb_extra(eightbytes: tuple[tuple[str, int, int], ...],
                leaves: list[tuple[int, int, str, bool]]) -> tuple[tuple[str, int, int], ...]:
    """The registers outside the ABI's that LLDB 19 reads fields of a value of 16 bytes or less from, each with
    the eightbyte that puts the field where LLDB looks (``ABISysV_x86_64::GetReturnValueObjectImpl``: integer
    fields fill rax then rdx in order, whatever the padding, doubles take xmm0 then xmm1, a float goes with its
    neighbour's class; array elements are not read, and a zero-sized member makes it read the value at the
    address in rax: ``classify``). ``_Uncertain`` where LLDB would read a field from anywhere else than where the
    ABI puts it (``struct {char c; int n;}``, an array): it would show a wrong value, as it does for the native
    build; such a type keeps no return type."""
    if any(in_array for _, _, _, in_array in leaves):
        raise _Uncertain
    abi = {("rax", "rdx")[rank] if kind == INTEGER else ("xmm0", "xmm1")[rank]: offset
           for (kind, rank, _), (_, offset, _) in zip(_numbered(eightbytes), eightbytes, strict=True)}
    used = set(abi)
    sizes = {offset: size for _, offset, size in eightbytes}
    fields = [(offset, size, kind) for offset, size, kind, in_array in leaves if not in_array]
    extra: dict[str, int] = {}
    integer = floating = fields[0][0] if fields else 0
    for index, (offset, size, kind) in enumerate(fields):
        if kind == SSE and size == 4:
            if offset % 8 == 0:
                in_gpr = index + 1 < len(fields) and fields[index + 1][2] == INTEGER
            elif offset % 4 == 0:
                in_gpr = index > 0 and fields[index - 1][2] == INTEGER
            else:
                raise _Uncertain
            kind = INTEGER if in_gpr else SSE
            if kind == SSE:
                register, at = ("xmm0" if floating < 8 else "xmm1"), (0 if offset % 8 == 0 else 4)
                floating += size
        elif kind == SSE:
            register, at = ("xmm0" if floating == 0 else "xmm1"), 0
            floating += size
        if kind == INTEGER:
            if integer < 8 and integer + size <= 8:
                register, at = "rax", integer
                integer += size
            elif integer < 8:
                register, at = "rdx", 0
                integer = 8 + size
            else:
                register, at = "rdx", integer - 8
                integer += size
        start = offset - offset % 8
        if register in used and abi[register] == start and at == offset % 8:
            continue
        if register in used or at != offset % 8 or extra.setdefault(register, start) != start or (
                register.startswith("xmm") and sizes[start] not in (4, 8)):
            raise _Uncertain
    return tuple((register, start, sizes[start]) for register, start in sorted(extra.items()))


def _numbered(eightbytes: tuple[tuple[str, int, int], ...]) -> list[tuple[str, int, int]]:
    """Each eightbyte with its rank among those of its class (0: rax or xmm0; 1: rdx or xmm1)."""
    seen = {INTEGER: 0, SSE: 0}
    out = []
    for kind, _, _ in eightbytes:
        out.append((kind, seen[kind], 0))
        seen[kind] += 1
    return out


def _referenced(die: Any, name: str, by_offset: dict[int, Any]) -> Any:
    attribute = die.attributes.get(name)
    if attribute is None:
        raise _Uncertain
    if attribute.form == "DW_FORM_ref_addr":
        target = int(attribute.raw_value)
    elif attribute.form in ("DW_FORM_ref1", "DW_FORM_ref2", "DW_FORM_ref4", "DW_FORM_ref8", "DW_FORM_ref_udata"):
        target = int(attribute.raw_value) + die.cu.cu_offset
    else:
        raise _Uncertain
    found = by_offset.get(target)
    if found is None:
        raise _Uncertain  # in another unit: not followed
    return found


def _constant(die: Any, name: str) -> int | None:
    attribute = die.attributes.get(name)
    if attribute is None:
        return None
    if not isinstance(attribute.value, int) or attribute.form in ("DW_FORM_exprloc", "DW_FORM_block1"):
        raise _Uncertain
    return int(attribute.value)


def _size(die: Any, by_offset: dict[int, Any], depth: int) -> int:
    if depth > _MAX_DEPTH:
        raise _Uncertain
    tag = die.tag
    if tag in _TRANSPARENT:
        return _size(_referenced(die, "DW_AT_type", by_offset), by_offset, depth + 1)
    if tag in _POINTERS:
        size = _constant(die, "DW_AT_byte_size")
        if size not in (None, _POINTER_SIZE):
            raise _Uncertain
        return _POINTER_SIZE
    if tag == "DW_TAG_array_type":
        return _count(die) * _size(_referenced(die, "DW_AT_type", by_offset), by_offset, depth + 1)
    size = _constant(die, "DW_AT_byte_size")
    if size is None or "DW_AT_declaration" in die.attributes:
        raise _Uncertain
    return size


def _count(die: Any) -> int:
    """The elements of an array type (every dimension); ``_Uncertain`` for a flexible, zero-length or strided
    one."""
    if "DW_AT_byte_stride" in die.attributes or "DW_AT_bit_stride" in die.attributes:
        raise _Uncertain
    total = 1
    dimensions = [child for child in die.iter_children() if child.tag == "DW_TAG_subrange_type"]
    if not dimensions:
        raise _Uncertain
    for subrange in dimensions:
        count = _constant(subrange, "DW_AT_count")
        if count is None:
            upper = _constant(subrange, "DW_AT_upper_bound")
            if upper is None:
                raise _Uncertain
            count = upper + 1 - (_constant(subrange, "DW_AT_lower_bound") or 0)
        if count <= 0 or "DW_AT_byte_stride" in subrange.attributes:
            raise _Uncertain
        total *= count
    return total


def _leaves(die: Any, at: int, by_offset: dict[int, Any], out: list[tuple[int, int, str, bool]], depth: int) -> None:
    """Append the scalars of the type ``die`` placed at ``at``: (offset, size, class, whether in an array), in
    the order of the DWARF's members; ``_Uncertain`` for what is not plainly classified."""
    if depth > _MAX_DEPTH or len(out) > 4096:
        raise _Uncertain
    tag = die.tag
    if tag in _TRANSPARENT:
        _leaves(_referenced(die, "DW_AT_type", by_offset), at, by_offset, out, depth + 1)
    elif tag in _POINTERS:
        _scalar(at, _size(die, by_offset, depth), INTEGER, out)
    elif tag == "DW_TAG_base_type":
        encoding, size = _constant(die, "DW_AT_encoding"), _size(die, by_offset, depth)
        if encoding == _DW_ATE_float and size in (4, 8):
            _scalar(at, size, SSE, out)
        elif encoding in _INTEGER_ENCODINGS and size in (1, 2, 4, 8):
            _scalar(at, size, INTEGER, out)
        else:
            raise _Uncertain  # long double, __int128, complex, decimal, ...
    elif tag == "DW_TAG_enumeration_type":
        size = _size(die, by_offset, depth)
        if size not in (1, 2, 4, 8):
            raise _Uncertain
        _scalar(at, size, INTEGER, out)
    elif tag == "DW_TAG_array_type":
        element = _referenced(die, "DW_AT_type", by_offset)
        stride, count = _size(element, by_offset, depth + 1), _count(die)
        inner: list[tuple[int, int, str, bool]] = []
        _leaves(element, 0, by_offset, inner, depth + 1)
        if stride * count > 16:  # MEMORY whatever the elements are: they were checked once
            out.append((at, stride * count, INTEGER, True))
            return
        for k in range(count):
            out.extend((at + k * stride + offset, size, kind, True) for offset, size, kind, _ in inner)
    elif tag in _AGGREGATES:
        _aggregate(die, at, by_offset, out, depth)
    else:
        raise _Uncertain  # functions, pointers to members, Rust's variant parts, ...


def _aggregate(die: Any, at: int, by_offset: dict[int, Any], out: list[tuple[int, int, str, bool]], depth: int) -> None:
    attributes = die.attributes
    if "DW_AT_declaration" in attributes or _constant(die, "DW_AT_calling_convention") == _DW_CC_pass_by_reference:
        raise _Uncertain
    size = _size(die, by_offset, depth)
    union = die.tag == "DW_TAG_union_type"
    for child in die.iter_children():
        if child.tag in _DATALESS:
            continue
        if child.tag != "DW_TAG_member":
            raise _Uncertain  # bases, member functions, variant parts, ...
        member = child.attributes
        if "DW_AT_external" in member or "DW_AT_declaration" in member:
            continue  # a static member: no part of the value (the translation's fat-pointer marker is one)
        if "DW_AT_bit_size" in member or "DW_AT_bit_offset" in member or "DW_AT_data_bit_offset" in member:
            raise _Uncertain
        offset = _constant(child, "DW_AT_data_member_location")
        if offset is None:
            if not union:
                raise _Uncertain
            offset = 0
        member_type = _referenced(child, "DW_AT_type", by_offset)
        member_size = _size(member_type, by_offset, depth + 1)
        if offset < 0 or offset + member_size > size:
            raise _Uncertain
        if member_size == 0:
            out.append((at + offset, 0, _EMPTY, False))
        else:
            _leaves(member_type, at + offset, by_offset, out, depth + 1)


def _scalar(at: int, size: int, kind: str, out: list[tuple[int, int, str, bool]]) -> None:
    if at % size:
        raise _Uncertain  # unaligned (packed): MEMORY natively, and not claimed here
    out.append((at, size, kind, False))
