"""The C encoders of the ``.jitdebug.wasm`` record (``emitter._rows``) against the plugins' reader: random line
tables, regular and irregular (code offsets out of order or repeated, repeated rows, no Wasm offset, values of 2**28
and more), call sites, catch types and tags round-trip to what the map rules promise; negative values are
``MetadataError``s; and the reader still imports where the extension cannot load (the debuggers' Python)."""

from __future__ import annotations

import subprocess
import sys
from itertools import groupby

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emitter.compiled import NO_WASM_OFFSET, CallSite, CompiledFunction, CompiledModule, LineEntry, LineTable
from emitter.debugmeta import MapEntry, MetadataError, decode_metadata, encode_metadata
from emitter.unwind import UnwindProgram

_OFFSET = st.one_of(st.integers(0, 40), st.integers(2**28, 2**40))
_WASM = st.one_of(st.just(None), st.integers(0, 60), st.integers(2**28, 2**62))
_LINE = st.one_of(st.integers(0, 5), st.integers(2**28, 2**40))
_ROW = st.tuples(_OFFSET, _WASM, _LINE)
#: A line table: any rows (the irregular ones), or the compiler's form (increasing offsets) built from steps.
_TABLE = st.one_of(st.lists(_ROW, max_size=10),
                   st.lists(st.tuples(st.integers(1, 300), _WASM, _LINE), max_size=10).map(
                       lambda steps: [(sum(step for step, _, _ in steps[:i + 1]), wasm, line)
                                      for i, (_, wasm, line) in enumerate(steps)]))
_SITE = st.tuples(st.integers(0, 2**30), st.integers(0, 300), st.one_of(st.none(), st.integers(0, 2**30)),
                  st.lists(st.integers(1, 3), max_size=3))


def _expected_map(rows: list[tuple[int, int | None, int]]) -> tuple[MapEntry, ...]:
    """The map rules, stated independently: order by code offset (stably), the last row at an offset wins, and
    an entry that repeats its predecessor's Wasm offset and line is dropped."""
    last_at_offset = [list(group)[-1] for _, group in groupby(sorted(rows, key=lambda row: row[0]),
                                                              key=lambda row: row[0])]
    entries: list[MapEntry] = []
    for code_offset, wasm_offset, line in last_at_offset:
        if not entries or (entries[-1].wasm_offset, entries[-1].line) != (wasm_offset, line):
            entries.append(MapEntry(code_offset, wasm_offset, line))
    return tuple(entries)


def _function(index: int, rows: list[tuple[int, int | None, int]],
              sites: list[tuple[int, int, int | None, list[int]]], wasm_index: int | None = None,
              lines_as_table: bool = True) -> CompiledFunction:
    entries = [LineEntry(code_offset, line, 0, wasm_offset) for code_offset, wasm_offset, line in rows]
    return CompiledFunction(
        f"f{index}", b"\x90" * 15 + b"\xc3", UnwindProgram(f"f{index}"),
        lines=LineTable(entries) if lines_as_table else entries, wasm_index=index if wasm_index is None else wasm_index,
        wasm_body_offset=None if index % 3 == 0 else 2**29 * index,
        call_sites=[CallSite(start, start + length, pad, filters=tuple(filters))
                    for start, length, pad, filters in sites],
        catch_types=[None, "tag.0", "ünïcode.tag"], display_name="fünction" if index % 2 else None)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(_TABLE, st.lists(_SITE, max_size=3), st.booleans()), min_size=1, max_size=20))
def test_maps_and_records_round_trip(
        generated: list[tuple[list[tuple[int, int | None, int]], list[tuple[int, int, int | None, list[int]]], bool]]
        ) -> None:
    functions = [_function(index, rows, sites, lines_as_table=packed)
                 for index, (rows, sites, packed) in enumerate(generated)]
    thunk = CompiledFunction("thunk", b"\xc3", UnwindProgram("thunk"), lines=[LineEntry(0, 7)])
    module = CompiledModule("m", [thunk, *functions], source_file="m.wat", source_dir="/src", wasm_name="mödule")
    decoded = decode_metadata(encode_metadata(module))
    assert (decoded.name, decoded.source_file, decoded.source_dir) == ("mödule", "m.wat", "/src")
    assert [function.symbol for function in decoded.functions] == [function.name for function in functions]
    for function, (rows, sites, _), read in zip(functions, generated, decoded.functions, strict=True):
        assert read.map == _expected_map(rows)
        assert read.wasm_index == function.wasm_index
        assert read.body_offset == function.wasm_body_offset
        assert read.display_name == (function.display_name or function.name)
        assert read.code_size == 16
        assert [(site.start, site.end, site.landing_pad, site.filters) for site in read.call_sites] == sorted(
            ((start, start + length, pad, tuple(filters)) for start, length, pad, filters in sites),
            key=lambda site: site[0])
        assert read.catch_types == (None, "tag.0", "ünïcode.tag")
        assert len(read.unwind_rows) == 1


def test_rows_without_wasm_offset_and_huge_values() -> None:
    rows: list[tuple[int, int | None, int]] = [(0, None, 1), (2**62, 2**63 - 2, 2**63 - 1)]
    function = _function(1, rows, [(2**63, 1, None, [])], wasm_index=2**63)
    module = CompiledModule("m", [function])
    read = decode_metadata(encode_metadata(module)).functions[0]
    assert read.map == (MapEntry(0, None, 1), MapEntry(2**62, 2**63 - 2, 2**63 - 1))
    assert (read.wasm_index, read.call_sites[0].start) == (2**63, 2**63)


@pytest.mark.parametrize(("rows", "sites"), [
    ([(-1, None, 1)], []),
    ([(0, NO_WASM_OFFSET - 1, 1)], []),
    ([(0, 3, 1), (4, 3, -2)], []),
    ([(0, 3, 1)], [(8, -4, None, [])]),
    ([(0, 3, 1)], [(2**64, 1, None, [])]),
])
def test_values_the_wire_cannot_carry_are_metadata_errors(
        rows: list[tuple[int, int | None, int]], sites: list[tuple[int, int, int | None, list[int]]]) -> None:
    function = _function(0, rows, sites)
    with pytest.raises(MetadataError, match="in .jitdebug.wasm"):
        encode_metadata(CompiledModule("m", [function]))


def test_reader_imports_without_the_extension() -> None:
    record = encode_metadata(CompiledModule("m", [_function(1, [(0, 5, 2)], [])]))
    script = ("import sys; sys.modules['emitter._rows'] = None\n"  # an import of it now fails
              "from emitter.debugmeta import decode_metadata\n"
              f"print(decode_metadata({record!r}).functions[0].map)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "(MapEntry(code_offset=0, wasm_offset=5, line=2),)"
