"""The relocation loop of in-memory images (``emitter._rows.apply_relocations`` behind ``relocate`` and
``prepare_image_part``) against an independent model of the ELF relocation formulas written here: S + A
(R_X86_64_64/32, R_AARCH64_ABS*), S + A - P (R_X86_64_PC32/PLT32/PC64, R_AARCH64_PREL*), imm26 of S + A - P
(R_AARCH64_CALL26) and the offset of S + A within its section (DWARF's section offsets). Random relocation sets
put values at and just past every range limit, places at and past section ends, and symbols that are unknown,
undefined or cannot be resolved: the bytes, the offset fields of an image part and every typed error (type,
message, section and offset) must be what the model says."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emitter._rows import apply_relocations
from emitter.errors import FormatLimitError, JitdebugError, SymbolError
from emitter.obj.elf import prepare_image_part, relocate
from emitter.obj.model import ObjectFile, Relocation, RelocKind, SectionKind, Symbol

SECTION_SIZES = {".text": 40, ".data": 24, ".debug_info": 32, ".debug_str": 16}
LOADED = (".text", ".data")
UNLOADED = (".debug_info", ".debug_str")
#: name -> (section, value) of the defined symbols; "ext" is undefined, "nowhere" undefined and unresolvable.
DEFINED = {"fn": (".text", 8), "table": (".data", 4), "label": (".debug_str", 5)}
EXTERNAL = 0x7EFF_FFF0_1230
SYMBOLS = (*SECTION_SIZES, *DEFINED, "ext", "nowhere", "missing")
ALL_KINDS = (RelocKind.ABSOLUTE, RelocKind.PC_RELATIVE, RelocKind.CALL, RelocKind.SECTION_OFFSET,
             RelocKind.IMAGE_RELATIVE)
ADDRESS_CHOICES = (0, 0x1000, 0x7FFF_F000, 0xFFFF_FFF0, 0x7F12_3456_0000, 0xFFFF_FFFF_FFFF_F000)


@dataclass(frozen=True)
class Expected:
    """What relocating an object must give: every section's bytes, or the first error."""

    sections: dict[str, bytes]
    #: (type, message, function, offset) of the first error.
    error: tuple[type[JitdebugError], str, str | None, int | None] | None = None
    #: (section, index) of the relocation that fails.
    failed_at: tuple[str, int] | None = None


def _limits(kind: RelocKind, size: int, arch: str) -> tuple[int, int, int]:
    """(low, high, step): the values a field holds are low <= v < high, multiples of step."""
    if kind is RelocKind.CALL and arch == "aarch64":
        return -(1 << 27), 1 << 27, 4
    bits = size * 8
    if kind in (RelocKind.PC_RELATIVE, RelocKind.CALL):
        return -(1 << (bits - 1)), 1 << (bits - 1), 1
    return 0, 1 << bits, 1


FAULTS = ("place", "symbol", "kind", "value")


@st.composite
def relocations(draw: st.DrawFn, obj: ObjectFile, section: str, addresses: dict[str, int],
                fault: str | None) -> Relocation:
    """A relocation in ``section`` whose value is chosen around the range limits of its field (the addend is
    solved for it). Without a fault it applies; with one, that part of it is drawn from what the writer must
    reject (a place out of bounds, an unknown or unresolvable symbol, an image-relative kind, a value just out
    of range or misaligned), though the draw may still be valid."""
    kind = draw(st.just(RelocKind.IMAGE_RELATIVE) if fault == "kind" else st.sampled_from(ALL_KINDS[:4]))
    size = draw(st.sampled_from((4, 8) if kind is RelocKind.CALL and obj.arch == "aarch64" else (1, 2, 4, 8)))
    end = SECTION_SIZES[section] - size
    offset = draw(st.sampled_from((end + 1, -1, SECTION_SIZES[section])) if fault == "place"
                  else st.integers(0, end) | st.just(end))
    # A valid relocation names a symbol with an address (and a section, for a section offset).
    usable = [s for s in SYMBOLS if s not in ("missing", "nowhere")
              and not (kind is RelocKind.SECTION_OFFSET and s == "ext")]
    symbol = draw(st.sampled_from(("missing", "nowhere", "ext")) if fault == "symbol"
                  else st.sampled_from(usable))
    low, high, step = _limits(kind, size, obj.arch)
    # An 8-byte field holds any value modulo 2**64 (an AArch64 branch has its own range).
    wraps = size == 8 and not (kind is RelocKind.CALL and obj.arch == "aarch64")
    if fault == "value" and not wraps:
        value = draw(st.sampled_from((low - step, high, low - 1, high - 1 + step, step // 2, high - step // 2)))
    else:
        in_range = st.integers(low // step, high // step - 1).map(lambda v: v * step)
        huge = st.sampled_from((-(1 << 62), 1 << 62, (1 << 64) + 12)) if wraps else st.nothing()
        value = draw(st.sampled_from((low, high - step, 0)) | in_range | huge)
    return Relocation(offset, kind, size, symbol, value - _base_of(obj, kind, symbol, section, offset, addresses))


@st.composite
def objects(draw: st.DrawFn, arch: str) -> tuple[ObjectFile, dict[str, int]]:
    """A small object with random section bytes, its load addresses and random relocations: all valid, or one
    of them with a fault."""
    obj = ObjectFile(arch=arch)
    kinds = {".text": SectionKind.TEXT, ".data": SectionKind.DATA}
    for name, size in SECTION_SIZES.items():
        data = draw(st.binary(min_size=size, max_size=size))
        obj.section(name, kinds.get(name, SectionKind.DEBUG), data=bytearray(data))
    for name, (section, value) in DEFINED.items():
        obj.add_symbol(Symbol(name, section, value))
    obj.reference("ext")
    obj.reference("nowhere")
    addresses = {name: draw(st.sampled_from(ADDRESS_CHOICES)) + index * 0x100 for index, name in enumerate(LOADED)}
    counts = {name: draw(st.integers(0, 10)) for name in SECTION_SIZES}
    total = sum(counts.values())
    faulty = draw(st.none() | st.integers(0, total - 1)) if total else None
    fault = draw(st.sampled_from(FAULTS))
    at = 0
    for name, count in counts.items():
        for _ in range(count):
            obj.sections[name].relocate(draw(relocations(obj, name, addresses, fault if at == faulty else None)))
            at += 1
    return obj, addresses


def _address(obj: ObjectFile, symbol: str, addresses: dict[str, int]) -> int:
    if symbol in obj.sections:
        return addresses.get(symbol, 0)
    if symbol in DEFINED:
        section, value = DEFINED[symbol]
        return addresses.get(section, 0) + value
    return EXTERNAL


def _base_of(obj: ObjectFile, kind: RelocKind, symbol: str, section: str, offset: int,
             addresses: dict[str, int]) -> int:
    """What the formula adds to the addend (so a chosen value can be hit): S, S - P or the section offset."""
    if kind is RelocKind.SECTION_OFFSET:
        return DEFINED[symbol][1] if symbol in DEFINED else 0
    if kind in (RelocKind.PC_RELATIVE, RelocKind.CALL):
        return _address(obj, symbol, addresses) - addresses.get(section, 0) - offset
    return _address(obj, symbol, addresses)


def _resolve(calls: list[str]):  # type: ignore[no-untyped-def]
    def resolve(name: str) -> int:
        calls.append(name)
        if name == "nowhere":
            raise SymbolError(f"cannot resolve {name!r}", function=name)
        return EXTERNAL
    return resolve


def model(obj: ObjectFile, addresses: dict[str, int]) -> Expected:
    """The relocated sections, or the first error, as the psABIs' formulas and the writer's messages give."""
    out = {name: bytearray(section.data) for name, section in obj.sections.items()}
    for name, section in obj.sections.items():
        for index, reloc in enumerate(section.relocations):
            outcome = _model_one(obj, addresses, name, reloc, out[name])
            if outcome is not None:
                return Expected({}, outcome, (name, index))
    return Expected({name: bytes(data) for name, data in out.items()})


def _model_one(obj: ObjectFile, addresses: dict[str, int], name: str, reloc: Relocation,
               data: bytearray) -> tuple[type[JitdebugError], str, str | None, int | None] | None:
    """Apply one relocation to ``data``, or say which error it must raise."""
    offset, kind, size, symbol, addend = reloc
    if offset < 0 or offset + size > len(data):
        return SymbolError, f"relocation against {symbol!r} lies outside section {name!r}", name, offset
    if symbol not in obj.sections and symbol not in obj.symbols:
        return SymbolError, f"relocation against unknown symbol {symbol!r}", name, offset
    if symbol == "nowhere":
        return SymbolError, "cannot resolve 'nowhere'", symbol, None
    target = _address(obj, symbol, addresses)
    if kind is RelocKind.SECTION_OFFSET:
        if symbol == "ext":
            return SymbolError, f"section offset of undefined symbol {symbol!r}", symbol, offset
        value = (DEFINED[symbol][1] if symbol in DEFINED else 0) + addend
    elif kind is RelocKind.ABSOLUTE:
        value = target + addend
    elif kind is RelocKind.IMAGE_RELATIVE:
        return FormatLimitError, f"image-relative reference to {symbol!r} in an ELF image", name, offset
    else:
        value = target + addend - (addresses.get(name, 0) + offset)
    low, high, _ = _limits(kind, size, obj.arch)
    if kind is RelocKind.CALL and obj.arch == "aarch64":
        if value % 4 or not low <= value < high:
            return FormatLimitError, f"call to {symbol!r} is out of branch range", name, offset
        word = int.from_bytes(data[offset:offset + 4], "little")
        word = (word & ~0x03FF_FFFF) | ((value >> 2) & 0x03FF_FFFF)
        data[offset:offset + 4] = word.to_bytes(4, "little")
        return None
    if size < 8 and not low <= value < high:
        return FormatLimitError, f"{kind.value} reference to {symbol!r} does not fit in {size * 8} bits", name, offset
    data[offset:offset + size] = (value % (1 << (8 * size))).to_bytes(size, "little")
    return None


def model_offset_fields(obj: ObjectFile) -> dict[tuple[str, str], tuple[list[int], list[int]]]:
    """Where a non-loaded section holds an address or section offset of something in a non-loaded section."""
    fields: dict[tuple[str, str], tuple[list[int], list[int]]] = {}
    for name in UNLOADED:
        for reloc in obj.sections[name].relocations:
            into = reloc.symbol if reloc.symbol in obj.sections else DEFINED.get(reloc.symbol, (None,))[0]
            if reloc.kind in (RelocKind.ABSOLUTE, RelocKind.SECTION_OFFSET) and into in UNLOADED:
                fields.setdefault((name, into), ([], []))[reloc.size == 8].append(reloc.offset)
    return fields


def _sorted_fields(fields: dict[tuple[str, str], tuple[list[int], list[int]]]) -> dict[tuple[str, str], tuple]:
    return {key: (sorted(places4), sorted(places8)) for key, (places4, places8) in fields.items()}


def _check(obj: ObjectFile, addresses: dict[str, int]) -> None:
    expected = model(obj, addresses)
    for make_image in (False, True):
        calls: list[str] = []
        relocated: dict[str, bytes] = {}
        try:
            if make_image:
                part = prepare_image_part(obj, addresses, _resolve(calls), relocated=relocated)
            else:
                relocated = relocate(obj, addresses, _resolve(calls))
        except JitdebugError as error:
            assert expected.error is not None, f"unexpected {error!r}"
            assert (type(error), error.message, error.function, error.offset) == expected.error  # type: ignore
            continue
        assert expected.error is None, f"expected {expected.error}"
        assert {name: relocated[name] for name in SECTION_SIZES} == expected.sections
        # An undefined symbol is resolved once, however many relocations name it.
        assert len(calls) == len(set(calls))
        if make_image:
            fields = {(name, into): (list(p4), list(p8)) for name, into, p4, p8 in part.offset_fields}
            assert _sorted_fields(fields) == _sorted_fields(model_offset_fields(obj))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(objects("x86_64"))
def test_x86_64_relocations_match_the_model(case: tuple[ObjectFile, dict[str, int]]) -> None:
    _check(*case)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(objects("aarch64"))
def test_aarch64_relocations_match_the_model(case: tuple[ObjectFile, dict[str, int]]) -> None:
    _check(*case)


def _native_inputs(reloc: Relocation, obj: ObjectFile, addresses: dict[str, int]) -> bool:
    """Are all of a relocation's inputs below 2**61 in magnitude (what the C loop computes itself)?"""
    inputs = [reloc.addend]
    if reloc.kind is not RelocKind.SECTION_OFFSET:
        inputs.append(_address(obj, reloc.symbol, addresses))
    if reloc.kind in (RelocKind.PC_RELATIVE, RelocKind.CALL):
        inputs.append(addresses[".text"])
    return all(-(1 << 61) < value < (1 << 61) for value in inputs)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(objects("x86_64"))
def test_native_loop_stops_exactly_at_the_first_relocation_it_must_not_apply(
        case: tuple[ObjectFile, dict[str, int]]) -> None:
    """Given every address, the C loop applies what the model accepts and returns the index of the first
    relocation the model rejects (Python reports it): no error is skipped, no valid relocation left to Python
    (with inputs below 2**61)."""
    obj, addresses = case
    relocations = obj.sections[".text"].relocations
    failed_at = model(obj, addresses).failed_at
    first_bad = failed_at[1] if failed_at is not None and failed_at[0] == ".text" else len(relocations)
    targets = {name: _address(obj, name, addresses) for name in (*SECTION_SIZES, *DEFINED, "ext")}
    section_values = {**{name: value for name, (_, value) in DEFINED.items()}, **dict.fromkeys(SECTION_SIZES, 0)}
    data = bytearray(obj.sections[".text"].data)
    kinds = (RelocKind.ABSOLUTE, RelocKind.PC_RELATIVE, RelocKind.CALL, RelocKind.SECTION_OFFSET)
    stop = apply_relocations(data, relocations, 0, addresses[".text"], kinds, False, targets, section_values, {},
                             None)
    huge = [i for i, reloc in enumerate(relocations[:first_bad]) if not _native_inputs(reloc, obj, addresses)]
    assert stop == min([first_bad, *huge])
    obj.sections[".text"].relocations = relocations[:stop]
    for name in list(SECTION_SIZES)[1:]:
        obj.sections[name].relocations = []
    assert bytes(data) == model(obj, addresses).sections[".text"]


def test_native_loop_records_offset_fields_in_order_of_first_use() -> None:
    """Places of 4- and 8-byte fields into each non-loaded section, grouped as write_merged_image needs them."""
    data = bytearray(64)
    kinds = (RelocKind.ABSOLUTE, RelocKind.PC_RELATIVE, RelocKind.CALL, RelocKind.SECTION_OFFSET)
    relocations = [Relocation(0, RelocKind.SECTION_OFFSET, 4, ".debug_str", 7),
                   Relocation(4, RelocKind.ABSOLUTE, 8, "fn", 0),
                   Relocation(12, RelocKind.SECTION_OFFSET, 4, ".debug_line", 3),
                   Relocation(16, RelocKind.ABSOLUTE, 8, ".debug_str", 1),
                   Relocation(24, RelocKind.SECTION_OFFSET, 4, ".debug_str", 9),
                   Relocation(28, RelocKind.SECTION_OFFSET, 2, ".debug_str", 2)]
    fields: list[tuple[str, int, list[int]]] = []
    stop = apply_relocations(data, relocations, 0, 0, kinds, False, {"fn": 0x4000, ".debug_str": 0,
                                                                     ".debug_line": 0},
                             {".debug_str": 0, ".debug_line": 0},
                             {".debug_str": ".debug_str", ".debug_line": ".debug_line"}, fields)
    assert stop == len(relocations)
    assert fields == [(".debug_str", 4, [0, 24]), (".debug_line", 4, [12]), (".debug_str", 8, [16]),
                      (".debug_str", 2, [28])]
    assert data[4:12] == (0x4000).to_bytes(8, "little") and data[28:30] == b"\x02\x00"


@pytest.mark.parametrize("bad", [
    ("not a list", {}, {}),
    ([], "not a dict", {}),
])
def test_native_loop_rejects_malformed_arguments(bad: tuple[object, object, object]) -> None:
    relocations, targets, section_values = bad
    kinds = (RelocKind.ABSOLUTE, RelocKind.PC_RELATIVE, RelocKind.CALL, RelocKind.SECTION_OFFSET)
    with pytest.raises(TypeError):
        apply_relocations(bytearray(8), relocations, 0, 0, kinds, False, targets, section_values, {},  # type: ignore
                          None)


def test_every_range_limit_of_every_kind_and_size() -> None:
    """Each field's values at, just inside and just past both limits (and misaligned branches), for every kind,
    size, architecture and symbol: applied or rejected as the model says, by the C loop and its Python path."""
    checked = 0
    for arch in ("x86_64", "aarch64"):
        for kind in ALL_KINDS[:4]:
            for size in (4, 8) if kind is RelocKind.CALL and arch == "aarch64" else (1, 2, 4, 8):
                low, high, step = _limits(kind, size, arch)
                values = {low - step, low - 1, low, low + 1, high - step, high - 1, high, high + 1, step // 2,
                          -(1 << 62), 1 << 62, 1 << 64}
                for symbol in ("fn", "table", "label", ".data", ".debug_str", "ext"):
                    for address in (0x1000, 0x7F12_3456_0000):
                        for value in sorted(values):
                            obj, addresses = _single(arch, kind, size, symbol, value, address)
                            _check(obj, addresses)
                            checked += 1
    assert checked > 2000


def _single(arch: str, kind: RelocKind, size: int, symbol: str, value: int,
            address: int) -> tuple[ObjectFile, dict[str, int]]:
    """An object with one relocation in .text whose formula gives ``value``."""
    obj = ObjectFile(arch=arch)
    for name, length in SECTION_SIZES.items():
        obj.section(name, SectionKind.TEXT if name in LOADED else SectionKind.DEBUG, data=bytearray(range(length)))
    for name, (section, symbol_value) in DEFINED.items():
        obj.add_symbol(Symbol(name, section, symbol_value))
    obj.reference("ext")
    addresses = {".text": address, ".data": address + 0x1000}
    offset = SECTION_SIZES[".text"] - size
    addend = value - _base_of(obj, kind, symbol, ".text", offset, addresses)
    obj.sections[".text"].relocate(Relocation(offset, kind, size, symbol, addend))
    return obj, addresses
