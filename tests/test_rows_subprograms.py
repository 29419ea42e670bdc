"""``emitter._rows.subprograms``: the DIEs of functions sharing a shape, against a model of what each DIE holds
(its shape's bytes around its 8-byte size, a name reference, its address, its shape's string references), and its
refusals leaving the section untouched."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emitter._rows import subprograms
from emitter.obj.model import Relocation, RelocKind

_SHAPE = st.builds(
    lambda head, name_at, tail, strings: (bytes(head), min(name_at, max(len(head) - 12, 0)), bytes(tail),
                                          tuple(strings)),
    st.binary(min_size=12, max_size=24), st.integers(0, 12), st.binary(max_size=20),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 2**32 - 1)), max_size=4))


def _model(data: bytearray, shapes, functions) -> tuple[bytes, list[Relocation]]:
    out, relocations = bytearray(data), []
    for shape_index, name, size, symbol, addend in functions:
        head, name_at, tail, strings = shapes[shape_index]
        base = len(out)
        out += head + struct.pack("<Q", size) + tail
        relocations.append(Relocation(base + name_at, RelocKind.SECTION_OFFSET, 4, ".debug_str", name))
        relocations.append(Relocation(base + name_at + 4, RelocKind.ABSOLUTE, 8, symbol, addend))
        relocations += [Relocation(base + position, RelocKind.SECTION_OFFSET, 4, ".debug_str", offset)
                        for position, offset in strings]
    return bytes(out), relocations


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=9), st.lists(_SHAPE, min_size=1, max_size=3), st.data())
def test_dies_and_relocations_match_the_model(prefix: bytes, shapes, data) -> None:
    functions = data.draw(st.lists(st.tuples(st.integers(0, len(shapes) - 1), st.integers(0, 2**32 - 1),
                                             st.integers(0, 2**64 - 1), st.sampled_from([".text", "f1", "ƒ"]),
                                             st.integers(-(2**40), 2**40)), max_size=12))
    out, relocations = bytearray(prefix), [Relocation(0, RelocKind.ABSOLUTE, 8, "earlier", 0)]
    subprograms(Relocation, out, relocations, shapes, *map(list, zip(*functions, strict=True)) if functions
                else ([], [], [], [], []), ".debug_str", RelocKind.SECTION_OFFSET, RelocKind.ABSOLUTE, 8)
    expected_data, expected_relocations = _model(bytearray(prefix), shapes, functions)
    assert bytes(out) == expected_data
    assert relocations[1:] == expected_relocations
    assert all(type(relocation) is Relocation for relocation in relocations)
    assert [relocation.addend for relocation in relocations[1:]] == [r.addend for r in expected_relocations]


@pytest.mark.parametrize(("columns", "error"), [
    (([1], [0], [4], ["f"], [0]), ValueError),            # no shape 1
    (([0], [0], [-1], ["f"], [0]), OverflowError),        # a negative size
    (([0], [0], [4], [b"f"], [0]), TypeError),            # a symbol that is not a str
    (([0, 0], [0], [4], ["f"], [0]), ValueError),         # columns of different lengths
])
def test_refusals_leave_the_section_untouched(columns, error) -> None:
    shapes = [(bytes(16), 2, b"\x01", ((14, 7),))]
    out, relocations = bytearray(b"abc"), []
    with pytest.raises(error):
        subprograms(Relocation, out, relocations, shapes, *map(list, columns), ".debug_str",
                    RelocKind.SECTION_OFFSET, RelocKind.ABSOLUTE, 8)
    assert out == b"abc" and relocations == []


def test_a_shape_whose_name_lies_outside_its_head_is_refused() -> None:
    out: bytearray = bytearray()
    with pytest.raises(ValueError, match="outside its head"):
        subprograms(Relocation, out, [], [(bytes(6), 4, b"", ())], [0], [0], [1], ["f"], [0], ".debug_str",
                    RelocKind.SECTION_OFFSET, RelocKind.ABSOLUTE, 8)
    assert out == b""
