"""The translation's own reader of producer DWARF (``emitter/dwarf/producer_reader.py``) reads what
llvm-dwarfdump-19 reads: every DIE's offset, tag and attributes in order, names, type references, addresses
(indexed ones resolved) and lines, and every line table row, for a WASI program (wasi-libc's DWARF 4 units and
the program's own) built by clang-19 with DWARF 4 and DWARF 5, at -O1 (location lists, ranges)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emitter.dwarf.producer_reader import ProducerDwarf, Unit
from emitter.wasm.load import load_bytes
from tests.test_cdebug_translate import SAMPLES
from tests.tools import run
from tests.wasm_clang import wasm_clang

_DIE = re.compile(r"^0x([0-9a-f]{8}):\s+(DW_TAG_\w+|NULL)")
_ATTRIBUTE = re.compile(r"^\s+(DW_AT_\w+)\t\((.*)")
_ROW = re.compile(r"^0x([0-9a-f]{16})\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+\d+\s*(.*)$")
#: Attributes compared by value, and how llvm-dwarfdump prints the value.
_VALUES = {"DW_AT_name": re.compile(r'^"(.*)"\)$'), "DW_AT_type": re.compile(r"^0x([0-9a-f]+) "),
           "DW_AT_low_pc": re.compile(r"^0x([0-9a-f]+)\)$|^(dead code)\)$"),
           "DW_AT_decl_line": re.compile(r"^(\d+)\)$")}


def _dump_dies(wasm: Path) -> list[tuple[int, str, list[str], dict[str, str]]]:
    out: list[tuple[int, str, list[str], dict[str, str]]] = []
    for line in run(["llvm-dwarfdump-19", "--debug-info", wasm]).stdout.splitlines():
        die = _DIE.match(line)
        if die is not None:
            if die.group(2) != "NULL":
                out.append((int(die.group(1), 16), die.group(2), [], {}))
            continue
        attribute = _ATTRIBUTE.match(line)
        if attribute is not None and out:
            name = attribute.group(1)
            out[-1][2].append(name)
            pattern = _VALUES.get(name)
            value = pattern.match(attribute.group(2)) if pattern is not None else None
            if value is not None:
                out[-1][3][name] = value.group(1) or value.group(2)
    return out


def _our_dies(units: list[Unit]) -> list[tuple[int, str, list[str], dict[str, str]]]:
    out: list[tuple[int, str, list[str], dict[str, str]]] = []
    for unit in units:
        for die in unit.iter_DIEs():
            names = [str(name) for name in die.attributes]
            values: dict[str, str] = {}
            for name, pattern in _VALUES.items():
                attribute = die.attributes.get(name)
                if attribute is None:
                    continue
                value = attribute.value
                if name == "DW_AT_name":
                    values[name] = value.decode()
                elif name == "DW_AT_decl_line":
                    values[name] = str(value)
                elif name == "DW_AT_low_pc" and value == 0xFFFFFFFF:
                    values[name] = "dead code"  # the linker's tombstone for a discarded function
                else:  # references (absolute offsets) and addresses, printed in hex
                    values[name] = f"{value:08x}"
                if pattern.pattern.startswith('^"') and "\\" in values[name]:
                    values.pop(name)  # escaped by the dumper
            out.append((die.offset, str(die.tag), names, values))
    return out


def _dump_rows(wasm: Path) -> list[tuple[int, int, int, int, frozenset[str]]]:
    rows = []
    for line in run(["llvm-dwarfdump-19", "--debug-line", wasm]).stdout.splitlines():
        row = _ROW.match(line)
        if row is not None:
            flags = frozenset(row.group(5).split()) & {"is_stmt", "prologue_end", "end_sequence"}
            rows.append((int(row.group(1), 16), int(row.group(2)), int(row.group(3)), int(row.group(4)), flags))
    return rows


def _our_rows(dwarf: ProducerDwarf, units: list[Unit]) -> list[tuple[int, int, int, int, frozenset[str]]]:
    programs = {}
    for unit in units:
        stmt_list = unit.get_top_DIE().attributes.get("DW_AT_stmt_list")
        if stmt_list is not None:
            programs[int(stmt_list.raw_value)] = dwarf.line_program_for_CU(unit)
    rows = []
    for offset in sorted(programs):
        program = programs[offset]
        assert program is not None
        sequence: list[tuple[int, int, int, int, frozenset[str]]] = []
        for row in program.rows:
            flags = {name for name, present in (("is_stmt", row.is_stmt), ("prologue_end", row.prologue_end),
                                                ("end_sequence", row.end_sequence)) if present}
            sequence.append((row.address, row.line, row.column, row.file, frozenset(flags)))
            if row.end_sequence:
                if sequence[0][0] < 0xFFFFFFFF:  # the dumper leaves out a discarded function's (tombstone) rows
                    rows += sequence
                sequence = []
    return rows


@pytest.mark.parametrize("version", ["-gdwarf-4", "-gdwarf-5"])
def test_reader_reads_what_llvm_dwarfdump_reads(tmp_path: Path, version: str) -> None:
    source = tmp_path / "tape.c"
    source.write_text((SAMPLES / "programs" / "tape.c").read_text())
    wasm = tmp_path / "tape.wasm"
    wasm_clang(["--target=wasm32-wasi", version, "-O1", "-o", wasm, source], cwd=tmp_path)
    dwarf = ProducerDwarf(load_bytes(wasm.read_bytes()).custom_sections)
    units = list(dwarf.iter_CUs())
    assert len(units) > 10 and {unit.version for unit in units} == ({4, 5} if version == "-gdwarf-5" else {4})
    want = _dump_dies(wasm)
    got = _our_dies(units)
    assert len(got) == len(want) > 500
    for ours, theirs in zip(got, want, strict=True):
        assert ours == theirs
    want_rows = _dump_rows(wasm)
    assert len(want_rows) > 1000
    assert _our_rows(dwarf, units) == want_rows
