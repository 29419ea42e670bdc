"""The producer-DWARF translation's C loops (``emitter/dwarf/_translate.c``, ``_translate_dies.c``) against their
Python models: the line program's state machine (the reader), the native pieces of each function, the Wasm ->
native range mapping and the translated line program (``translate_line.producer_sequences``/``function_rows``/
``build_line_program``), on real modules' DWARF and on random input; random and mutated bytes (line programs,
``.debug_info``, ``.debug_abbrev``, ``.debug_str``) give a result or one of the reader's errors, never a crash
or another exception. (The DIE decoder's output is checked against llvm-dwarfdump in ``test_cdebug_reader.py``.)"""

from __future__ import annotations

import bisect
import random
import struct
from array import array
from types import SimpleNamespace
from typing import Any

import pytest

from emitter.aot import load_module, render_listing
from emitter.codegen.compiler import compile_module
from emitter.compiled import NO_WASM_OFFSET, LineTable
from emitter.dwarf import _translate
from emitter.dwarf.info import PlacedFunction
from emitter.dwarf.line import LINE_BASE, LINE_RANGE, OPCODE_BASE
from emitter.dwarf.producer_reader import (
    READ_ERRORS,
    ROW_END_SEQUENCE,
    ROW_IS_STMT,
    ROW_PROLOGUE_END,
    LineRow,
    ProducerDwarf,
    ProducerDwarfError,
)
from emitter.dwarf.translate import location_list_model
from emitter.dwarf.translate_expr import Untranslatable
from emitter.dwarf.translate_line import (
    LINE_TOMBSTONE,
    build_line_program,
    function_rows,
    line_program,
    producer_sequences,
)
from emitter.dwarf.translate_map import NO_WASM, AddressMap, MappedFunction, _segments
from emitter.encoding import ByteWriter, SymbolAddress, uleb128
from emitter.obj.model import Relocation, RelocKind
from tests.lua_wasm import PREBUILT as LUA_WASM


def _model_rows(data: bytes, at: int, end: int, minimum_length: int, default_is_stmt: bool, line_base: int,
                line_range: int, opcode_base: int, lengths: bytes) -> list[tuple[int, ...]]:
    """DWARF 5 section 6.2.2's state machine in Python (the reader's before it moved to C), rows as packed."""
    def uleb(at: int) -> tuple[int, int]:
        value = shift = 0
        while True:
            byte = data[at]
            at += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value, at

    def sleb(at: int) -> tuple[int, int]:
        start = at
        value, at = uleb(at)
        bits = 7 * (at - start)
        return (value - (1 << bits) if value >> (bits - 1) & 1 else value), at

    rows: list[tuple[int, ...]] = []
    address, file, line, column, is_stmt, prologue_end = 0, 1, 1, 0, default_is_stmt, False

    def row(end_sequence: bool) -> None:
        rows.append((address, file, line, column, (ROW_IS_STMT if is_stmt else 0)
                     | (ROW_PROLOGUE_END if prologue_end else 0) | (ROW_END_SEQUENCE if end_sequence else 0)))

    while at < end:
        opcode = data[at]
        at += 1
        if opcode >= opcode_base:
            adjusted = opcode - opcode_base
            address += (adjusted // line_range) * minimum_length
            line += line_base + adjusted % line_range
            row(False)
            prologue_end = False
        elif opcode == 0:
            size, at = uleb(at)
            after = at + size
            if size == 0:
                continue
            if data[at] == 1:
                row(True)
                address, file, line, column, is_stmt, prologue_end = 0, 1, 1, 0, default_is_stmt, False
            elif data[at] == 2:
                address = int.from_bytes(data[at + 1:after], "little")
            at = after
        elif opcode == 1:
            row(False)
            prologue_end = False
        elif opcode == 2:
            step, at = uleb(at)
            address += step * minimum_length
        elif opcode == 3:
            step, at = sleb(at)
            line += step
        elif opcode == 4:
            file, at = uleb(at)
        elif opcode == 5:
            column, at = uleb(at)
        elif opcode == 6:
            is_stmt = not is_stmt
        elif opcode == 7:
            pass
        elif opcode == 8:
            address += ((255 - opcode_base) // line_range) * minimum_length
        elif opcode == 9:
            address += struct.unpack_from("<H", data, at)[0]
            at += 2
        elif opcode == 10:
            prologue_end = True
        else:
            for _ in range(lengths[opcode - 1]):
                _, at = uleb(at)
    return rows


def _unpack(packed: bytes) -> list[tuple[int, ...]]:
    values = memoryview(packed).cast("q")
    return [tuple(values[k:k + 5]) for k in range(0, len(values), 5)]


def _random_program(rng: random.Random) -> bytes:
    """Opcodes of every kind with small operands (every register stays far inside int64)."""
    out = bytearray()
    for _ in range(rng.randrange(1, 60)):
        kind = rng.randrange(14)
        if kind < 4:
            out.append(rng.randrange(OPCODE_BASE, 256))
        elif kind == 4:
            out += bytes([0, 5, 2]) + rng.randrange(1 << 20).to_bytes(4, "little")
        elif kind == 5:
            out += bytes([0, 1, 1])
        elif kind == 6:
            out += bytes([2, rng.randrange(0x80), 3, 0x7F])  # advance_pc; advance_line -1
        elif kind == 7:
            out += bytes([3, 0x80 | rng.randrange(0x80), 0x01])  # advance_line by a two-byte LEB
        elif kind == 8:
            out += bytes([rng.choice([4, 5]), rng.randrange(0x80)])
        elif kind == 9:
            out += bytes([9]) + rng.randrange(1 << 16).to_bytes(2, "little")
        elif kind == 10:
            out.append(rng.choice([1, 6, 7, 8, 10]))
        elif kind == 11:
            out += bytes([12, rng.randrange(0x80)])  # set_isa: one operand, skipped
        elif kind == 12:
            out += bytes([0, 3, 0x80, 0, 0])  # an unknown extended opcode, skipped
        else:
            out += bytes([0, 0])  # an empty extended opcode
    return bytes(out)


_LENGTHS = bytes([0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1])


def test_line_rows_equal_the_state_machine_model_on_random_programs() -> None:
    rng = random.Random(19)
    for _ in range(2000):
        program = _random_program(rng)
        minimum_length = rng.choice([1, 1, 4])
        default_is_stmt = rng.random() < 0.5
        got = _translate.line_rows(program, 0, len(program), minimum_length, default_is_stmt, LINE_BASE,
                                   LINE_RANGE, OPCODE_BASE, _LENGTHS)
        assert _unpack(got) == _model_rows(program, 0, len(program), minimum_length, default_is_stmt, LINE_BASE,
                                           LINE_RANGE, OPCODE_BASE, _LENGTHS)


def test_line_rows_of_random_and_truncated_bytes_are_rows_or_value_errors() -> None:
    """Every read is bounds-checked: arbitrary bytes (and programs cut short, whose last operand runs past the
    end) give rows or ValueError; where the Python model reads them without an error, the rows are the same
    unless a register left int64 (a LEB128 or an address beyond 64 bits, which C refuses)."""
    rng = random.Random(20)
    outcomes = {"rows": 0, "error": 0}
    for round_ in range(4000):
        if round_ % 2:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        else:
            program = _random_program(rng)
            data = program[:rng.randrange(len(program) + 1)]
        end = len(data) if rng.random() < 0.8 else rng.randrange(len(data) + 8)
        opcode_base = rng.choice([OPCODE_BASE, OPCODE_BASE, 1, 10, 0, 255])
        lengths = _LENGTHS[:rng.choice([12, 12, 3, 0])]
        arguments = (data, 0, end, rng.choice([1, 0, 255]), True, LINE_BASE, rng.choice([LINE_RANGE, 1, 255]),
                     opcode_base, lengths)
        try:
            got: list[tuple[int, ...]] | None = _unpack(_translate.line_rows(*arguments))
        except ValueError:
            got = None
        try:
            want: list[tuple[int, ...]] | None = _model_rows(*arguments)
        except (IndexError, struct.error):
            want = None
        if got is None:
            outcomes["error"] += 1
            assert want is None or any(not -(1 << 63) <= value < 1 << 63 for row in want for value in row)
        else:
            outcomes["rows"] += 1
            assert got == want
    assert all(outcomes.values()), outcomes


@pytest.fixture(scope="module")
def lua() -> tuple[Any, list[PlacedFunction]]:
    _, module = load_module(LUA_WASM)
    compiled = compile_module(module, module_name="lua", listing=render_listing(module, "lua"))
    placed, offset = [], 0
    for function in compiled.functions:
        placed.append(PlacedFunction(function, SymbolAddress(".text", offset)))
        offset += len(function.code)
    return compiled, placed


def test_function_pieces_equal_the_line_tables(lua: tuple[Any, list[PlacedFunction]]) -> None:
    compiled, placed = lua
    address_map = AddressMap(placed, compiled.wasm_dwarf)
    base = compiled.wasm_dwarf.code_section_offset
    assert len(address_map.functions) > 1000
    calls = 0
    for mapped in address_map.functions:
        table = LineTable.of(mapped.function.lines)
        codes = list(table.code_offsets) + [len(mapped.function.code)]
        want = tuple((begin, end, None if wasm == NO_WASM_OFFSET else wasm - base)
                     for begin, end, wasm in zip(codes, codes[1:], table.wasm_offsets, strict=False) if end > begin)
        assert mapped.pieces == want
        after_calls = tuple(entry.after_call for entry, begin, end in zip(table, codes, codes[1:], strict=False)
                            if end > begin)
        assert mapped.after_calls == after_calls
        calls += sum(after_calls)
    assert calls > 1000  # rows the compiler started at a return address


def test_translated_line_programs_equal_the_model_on_a_real_module(lua: tuple[Any, list[PlacedFunction]]) -> None:
    """Every unit of the Lua interpreter's DWARF (its own and wasi-libc's, with discarded functions' sequences at
    the tombstone): the C line program is the Python model's, bytes and relocations."""
    compiled, placed = lua
    address_map = AddressMap(placed, compiled.wasm_dwarf)
    dwarf = ProducerDwarf(compiled.wasm_dwarf.sections)
    units = 0
    for unit in dwarf.iter_CUs():
        program = dwarf.line_program_for_CU(unit)
        if program is None:
            continue
        units += 1
        functions = function_rows(producer_sequences(program.rows, 0), address_map.functions)
        want = build_line_program(["d"], [], functions, address_map.text)
        got = line_program(["d"], [], program.packed_rows, 0, address_map)
        assert (bytes(got.data), got.relocations) == (bytes(want.data), want.relocations)
    assert units > 40


def _random_map(rng: random.Random) -> Any:
    """Functions with random Wasm extents and native pieces (some compiler-made, some out of Wasm order, some
    starting at a call's return address), in the shape of an ``AddressMap``."""
    functions, pieces, native = [], array("q"), 0
    after_calls = bytearray()
    start = rng.randrange(50)
    for _ in range(rng.randrange(1, 8)):
        end = start + rng.randrange(1, 200)
        count = rng.randrange(0, 30)
        code_size = 0
        own = []
        for _ in range(count):
            size = rng.randrange(1, 20)
            wasm = None if rng.random() < 0.15 else rng.randrange(start - 5, end + 5)
            own.append((code_size, code_size + size, wasm))
            code_size += size
        code_size += rng.randrange(3)
        first = len(pieces) // 3
        for begin, stop, wasm in own:
            pieces.extend((begin, stop, NO_WASM if wasm is None else wasm))
            after_calls.append(rng.random() < 0.3)
        functions.append((start, end, native, code_size, first, count))
        native += code_size + rng.randrange(16)
        start = end + rng.randrange(-3, 30)  # extents may touch or overlap, as in malformed DWARF
    functions.sort(key=lambda f: f[0])
    values = memoryview(pieces.tobytes()).cast("q")
    mapped = []
    for start, end, native_start, size, first, count in functions:
        own_pieces = tuple((values[3 * k], values[3 * k + 1], None if values[3 * k + 2] == NO_WASM
                            else values[3 * k + 2]) for k in range(first, first + count))
        mapped.append(SimpleNamespace(start=start, end=end, native_start=native_start, pieces=own_pieces,
                                      after_calls=tuple(map(bool, after_calls[first:first + count])),
                                      function=SimpleNamespace(code=bytes(size))))
    packed = array("q", [v for f in functions for v in f]).tobytes()
    return SimpleNamespace(functions=mapped, packed_functions=packed, packed_pieces=pieces.tobytes(),
                           packed_after_calls=bytes(after_calls), text=".text")


def _random_rows(rng: random.Random, high: int) -> list[LineRow]:
    rows = []
    for _ in range(rng.randrange(0, 6)):
        address = LINE_TOMBSTONE + rng.randrange(2) if rng.random() < 0.15 else rng.randrange(high + 20)
        for _ in range(rng.randrange(0, 25)):
            line = 0 if rng.random() < 0.2 else rng.randrange(-2, 60)  # line 0: no source, often after calls
            rows.append(LineRow(address, rng.randrange(1, 4), line, rng.randrange(4),
                                rng.random() < 0.8, rng.random() < 0.1, False))
            address += rng.randrange(0, 12) if rng.random() < 0.95 else -rng.randrange(1, 5)  # mostly sorted
        rows.append(LineRow(address + rng.randrange(4), 1, 1, 0, True, False, True))
    if rng.random() < 0.2:  # rows after the last sequence's end belong to no sequence
        rows.append(LineRow(rng.randrange(high), 2, 7, 0, True, False, False))
    return rows


def test_translated_line_programs_equal_the_model_on_random_rows() -> None:
    rng = random.Random(21)
    for _ in range(1500):
        address_map = _random_map(rng)
        rows = _random_rows(rng, address_map.functions[-1].end)
        shift = rng.choice([0, 1])
        packed = array("q", [value for row in rows for value in (
            row.address, row.file, row.line, row.column, (ROW_IS_STMT if row.is_stmt else 0)
            | (ROW_PROLOGUE_END if row.prologue_end else 0) | (ROW_END_SEQUENCE if row.end_sequence else 0))])
        want = build_line_program([], [], function_rows(producer_sequences(rows, shift), address_map.functions),
                                  ".text")
        got = line_program([], [], packed.tobytes(), shift, address_map)
        assert (bytes(got.data), got.relocations) == (bytes(want.data), want.relocations)


def _model_ranges(functions: Any, low: int, high: int) -> list[tuple[int, int]]:
    """``AddressMap.ranges`` in Python, over ``MappedFunction.pieces`` and ``segments``."""
    out: list[tuple[int, int]] = []
    k = max(bisect.bisect_right([m.start for m in functions], low) - 1, 0)
    for mapped in functions[k:]:
        if mapped.start >= high:
            break
        if mapped.end <= low:
            continue
        base = mapped.native_start
        if low <= mapped.start and mapped.end <= high:
            out.append((base, base + len(mapped.function.code)))
            continue
        segments = mapped.segments if isinstance(mapped, MappedFunction) else _segments(mapped.start, mapped.pieces)
        for first, keys in segments:
            at = bisect.bisect_left(keys, low)
            stop = bisect.bisect_left(keys, high, at)
            if at < stop:
                out.append((base + mapped.pieces[first + at][0], base + mapped.pieces[first + stop - 1][1]))
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(out):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


def test_native_ranges_equal_the_model(lua: tuple[Any, list[PlacedFunction]]) -> None:
    """Random Wasm ranges over the Lua interpreter's map (most inside one function, some across several, some
    beyond any address) and over random maps: the C mapping is the Python model's."""
    compiled, placed = lua
    address_map = AddressMap(placed, compiled.wasm_dwarf)
    rng = random.Random(22)
    last = address_map.functions[-1].end
    for _ in range(3000):
        mapped = rng.choice(address_map.functions)
        if rng.random() < 0.8:
            low = rng.randrange(mapped.start - 3, mapped.end + 3)
            high = low + rng.randrange(-2, 2 * (mapped.end - mapped.start) + 2)
        else:
            low, high = sorted((rng.randrange(-10, last + 10), rng.randrange(-10, last + 10)))
            if rng.random() < 0.1:
                high = rng.choice([1 << 64, 1 << 70, LINE_TOMBSTONE])
        assert address_map.ranges(low, high) == _model_ranges(address_map.functions, low, high)
    for _ in range(1500):
        random_map = _random_map(rng)
        ranges = _translate.range_map(random_map.packed_functions, random_map.packed_pieces)
        for _ in range(10):
            low = rng.randrange(-5, random_map.functions[-1].end + 5)
            high = low + rng.randrange(-5, 300)
            assert ranges.ranges(low, high) == _model_ranges(random_map.functions, low, high)
    with pytest.raises(ValueError):
        _translate.range_map(array("q", [0, 10, 0, 8, 0, 2]).tobytes(), array("q", [0, 8, 2]).tobytes())
    with pytest.raises(ValueError):
        _translate.range_map(array("q", [0, 10, 0, 8, 0]).tobytes(), b"")


def test_line_sequences_refuse_malformed_packed_input() -> None:
    """Packed arrays of a wrong size and pieces outside the array raise ValueError, never read past them."""
    row = array("q", [0, 1, 1, 0, 1, 4, 1, 1, 0, 1 | ROW_END_SEQUENCE]).tobytes()
    function = array("q", [0, 10, 0, 8, 0, 1]).tobytes()
    piece = array("q", [0, 8, 2]).tobytes()
    arguments = (LINE_TOMBSTONE, LINE_BASE, LINE_RANGE, OPCODE_BASE)
    body, addresses = _translate.line_sequences(row, 0, arguments[0], function, piece, b"\0", *arguments[1:])
    assert addresses == [(3, 0)] and body[:3] == b"\0\x09\x02"
    for rows, functions, pieces, flags in ((row[:-8], function, piece, b"\0"), (row, function[:-8], piece, b"\0"),
                                           (row, function, piece[:-1], b"\0"), (row, function, piece, b""),
                                           (row, function, piece, b"\0\0"),
                                           (row, array("q", [0, 10, 0, 8, 0, 2]).tobytes(), piece, b"\0"),
                                           (row, array("q", [0, 10, 0, 8, -1, 1]).tobytes(), piece, b"\0"),
                                           (row, array("q", [0, 10, 0, 8, 1 << 62, 1 << 62]).tobytes(), piece,
                                            b"\0")):
        with pytest.raises(ValueError):
            _translate.line_sequences(rows, 0, arguments[0], functions, pieces, flags, *arguments[1:])
    with pytest.raises(ValueError):
        _translate.line_sequences(row, 0, arguments[0], function, piece, b"\0", LINE_BASE, 0, OPCODE_BASE)


def test_mutated_dies_decode_or_raise_a_read_error(lua: tuple[Any, list[PlacedFunction]]) -> None:
    """Bytes of ``.debug_info``, ``.debug_abbrev`` and ``.debug_str`` flipped at random (seeded), near the start
    of a unit's DIEs or anywhere: each unit decodes or raises one of ``READ_ERRORS``; each outcome happens."""
    compiled, _ = lua
    sections = compiled.wasm_dwarf.sections
    units = list(ProducerDwarf(sections).iter_CUs())
    rng = random.Random(23)
    outcomes = {"decoded": 0, "error": 0}
    for round_ in range(600):
        mutated = dict(sections)
        name = rng.choice([".debug_info", ".debug_info", ".debug_abbrev", ".debug_str"])
        data = bytearray(mutated[name])
        unit = rng.choice(units)
        for _ in range(rng.choice([1, 2, 8])):
            if name == ".debug_info" and round_ % 2:
                at = rng.randrange(unit.first_die, min(unit.first_die + 64, unit.cu_offset + unit.size))
            else:
                at = rng.randrange(len(data))
            data[at] = rng.randrange(256)
        mutated[name] = bytes(data)
        dwarf = ProducerDwarf(mutated)
        try:
            decoded = [die.attributes for u in dwarf.iter_CUs() if u.cu_offset == unit.cu_offset
                       for die in u.iter_DIEs()]
            outcomes["decoded"] += 1
            assert decoded
        except READ_ERRORS:
            outcomes["error"] += 1
    assert all(outcomes.values()), outcomes


def test_decoded_dies_form_a_tree_the_collector_sees(lua: tuple[Any, list[PlacedFunction]]) -> None:
    """Each DIE's parent lists it among its children, and the collector walks those links (a DIE tree is full of
    cycles: without that it would never be freed)."""
    import gc

    compiled, _ = lua
    unit = list(ProducerDwarf(compiled.wasm_dwarf.sections).iter_CUs())[3]
    dies = list(unit.iter_DIEs())
    assert len(dies) > 50 and dies[0].get_parent() is None
    for die in dies[1:]:
        parent = die.get_parent()
        assert parent is not None and any(child is die for child in parent.iter_children())
        assert gc.is_tracked(die) and parent in gc.get_referents(die) and die.cu is unit


def test_released_dies_are_freed_without_the_collector(lua: tuple[Any, list[PlacedFunction]]) -> None:
    """``Unit.release`` breaks a decoded tree's cycles (parent, children, unit): once the DIEs are dropped, none is
    left for the collector, and the unit decodes the same tree anew when asked again."""
    import gc

    compiled, _ = lua
    unit = list(ProducerDwarf(compiled.wasm_dwarf.sections).iter_CUs())[3]
    before = [(die.offset, die.tag, len(die.children)) for die in unit.iter_DIEs()]
    first = next(iter(unit.iter_DIEs()))
    gc.collect()
    gc.disable()
    try:
        unit.release()
        assert first.children == () and first.cu is None and first.get_parent() is None
        del first
        assert gc.collect() == 0
    finally:
        gc.enable()
    assert [(die.offset, die.tag, len(die.children)) for die in unit.iter_DIEs()] == before


# -- location lists ---------------------------------------------------------------------------------------------
_CONTEXT = (Untranslatable, ProducerDwarfError, Relocation, RelocKind.ABSOLUTE, ".text")


def _fake_translate(expression: bytes) -> ByteWriter:
    """A stand-in for the expression translator, decided by the bytes alone: some are untranslatable, some carry
    a relocation (as a global's address does), each comes out different from its input."""
    if expression[:1] in (b"\x00", b"\x05"):
        raise Untranslatable("test")
    out = ByteWriter(bytearray(expression[::-1]) + bytes([len(expression) & 0xFF]))
    if len(expression) % 3 == 1:
        out.relocations.append(Relocation(len(expression) // 2, RelocKind.ABSOLUTE, 4, "g", len(expression)))
    return out


def _both_lists(address_map: Any, sections: dict[str, bytes], unit: Any, at: int, base: int,
                addresses: bytes | None, addr_base: int) -> tuple[Any, Any]:
    """The C translation of one list and the model's: (written, bytes, relocations), or the read error's type."""
    outcomes = []
    for side in ("c", "model"):
        loc = ByteWriter()
        try:
            if side == "c":
                data = sections[".debug_loclists" if unit.version >= 5 else ".debug_loc"]
                written = address_map.location_list(data, at, unit.version, addresses, addr_base, base,
                                                    _fake_translate, loc.data, loc.relocations, _CONTEXT)
            else:
                written = location_list_model(ProducerDwarf(sections), unit, at, base, address_map,
                                              _fake_translate, loc, ".text")
            outcomes.append((written, bytes(loc.data), loc.relocations))
        except READ_ERRORS as error:
            outcomes.append(READ_ERRORS)
            assert not isinstance(error, RecursionError), error
    return outcomes[0], outcomes[1]


@pytest.fixture(scope="module")
def optimised(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Any, list[PlacedFunction]]]:
    """Row 10c's WASI program at -O1 (DWARF 4, and 5 for its own unit): its variables have location lists."""
    from scripts.bench_cdebug import WASI_PROGRAM
    from tests.wasm_clang import wasm_clang

    work = tmp_path_factory.mktemp("loclists")
    (work / "words.c").write_text(WASI_PROGRAM)
    out = []
    for name, flags in (("d4.wasm", []), ("d5.wasm", ["-gdwarf-5"])):
        wasm_clang(["--target=wasm32-wasi", "-g", *flags, "-O1", "-o", name, "words.c"], cwd=work)
        _, module = load_module(work / name)
        compiled = compile_module(module, module_name="words", listing=render_listing(module, "words"))
        placed, offset = [], 0
        for function in compiled.functions:
            placed.append(PlacedFunction(function, SymbolAddress(".text", offset)))
            offset += len(function.code)
        out.append((compiled, placed))
    return out


def test_location_lists_equal_the_model_on_a_real_module(
        optimised: list[tuple[Any, list[PlacedFunction]]]) -> None:
    """Every location list of the -O1 program's DWARF 4 and 5 units (wasi-libc's and its own), through the C
    loop and the Python model: the same entries written, bytes and relocations."""
    lists = {4: 0, 5: 0}
    for compiled, placed in optimised:
        address_map = AddressMap(placed, compiled.wasm_dwarf)
        dwarf = ProducerDwarf(compiled.wasm_dwarf.sections)
        for unit in dwarf.iter_CUs():
            top = unit.get_top_DIE()
            base = top.attributes["DW_AT_low_pc"].value if "DW_AT_low_pc" in top.attributes else 0
            addresses = dwarf.sections.get(".debug_addr")
            for die in unit.iter_DIEs():
                location = die.attributes.get("DW_AT_location")
                if location is None or location.form not in ("DW_FORM_sec_offset", "DW_FORM_loclistx"):
                    continue
                got, want = _both_lists(address_map, dwarf.sections, unit, int(location.value), base, addresses,
                                        unit.addr_base() if unit.version >= 5 else 0)
                assert got == want and want is not READ_ERRORS
                lists[5 if unit.version >= 5 else 4] += 1
    assert lists[4] > 100 and lists[5] > 5, lists


def _random_list(rng: random.Random, version: int, high: int) -> bytes:
    out = bytearray()
    for _ in range(rng.randrange(0, 6)):
        expression = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 6)))
        if version < 5:
            if rng.random() < 0.15:
                out += struct.pack("<II", 0xFFFFFFFF, rng.randrange(high))
                continue
            begin = rng.randrange(high)
            out += struct.pack("<IIH", begin, begin + rng.randrange(-2, 60), len(expression)) + expression
            continue
        kind = rng.randrange(0, 10) if rng.random() < 0.05 else rng.randrange(1, 9)
        out.append(kind)
        if kind in (1, 2, 3):
            out += uleb128(rng.randrange(6)) + (uleb128(rng.randrange(6 if kind == 2 else 60)) if kind > 1 else b"")
        elif kind == 4:
            out += uleb128(rng.randrange(high)) + uleb128(rng.choice([rng.randrange(high), 1 << 70]))
        elif kind == 6:
            out += struct.pack("<I", rng.randrange(high))
        elif kind == 7:
            out += struct.pack("<II", rng.randrange(high), rng.randrange(high))
        elif kind == 8:
            out += struct.pack("<I", rng.randrange(high)) + uleb128(rng.randrange(60))
        if kind not in (1, 6):
            out += uleb128(len(expression)) + expression
    return bytes(out + (bytes(8) if version < 5 else b"\x00"))


def test_location_lists_of_random_and_mutated_bytes_equal_the_model_or_raise_a_read_error() -> None:
    """Random DWARF 4 and 5 lists over random maps, whole, truncated or with bytes changed: the C loop writes
    what the model writes, or both raise one of the reader's errors, never a crash or another exception."""
    rng = random.Random(23)
    outcomes = {"equal": 0, "errors": 0}
    for _ in range(3000):
        address_map = _random_map(rng)
        functions = address_map.functions
        mapping = AddressMap.__new__(AddressMap)
        mapping._range_map = _translate.range_map(address_map.packed_functions, address_map.packed_pieces)
        version = rng.choice([4, 5])
        data = _random_list(rng, version, functions[-1].end + 10)
        if rng.random() < 0.4 and data:
            data = bytearray(data)
            for _ in range(rng.randrange(1, 4)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            data = bytes(data[:rng.randrange(len(data) + 1)] if rng.random() < 0.5 else data)
        addresses = None if rng.random() < 0.1 else struct.pack(f"<{8}I", *(rng.randrange(200) for _ in range(8)))
        addr_base = rng.choice([0, 8, 28, 40])

        def get_addr(index: int, addresses: bytes | None = addresses, addr_base: int = addr_base) -> int:
            if addresses is None:
                raise ProducerDwarfError("no .debug_addr")
            return int(struct.unpack_from("<I", addresses, addr_base + 4 * index)[0])

        unit = SimpleNamespace(version=version, get_addr=get_addr)
        sections = {".debug_loclists" if version >= 5 else ".debug_loc": data}
        got, want = _both_lists(mapping, sections, unit, 0, rng.randrange(100), addresses, addr_base)
        assert got == want, (data, got, want)
        outcomes["errors" if want is READ_ERRORS else "equal"] += 1
    assert all(count > 300 for count in outcomes.values()), outcomes
