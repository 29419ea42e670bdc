"""Robust translation of producer DWARF: references across units (TinyGo writes unit-relative references whose
target lies in another unit) are followed as ``DW_FORM_ref_addr`` would be; malformed DWARF drops the unit it is
in with one warning naming the unit, never an exception, and the module still compiles."""

from __future__ import annotations

import dataclasses
import io
import random
import re
import sys
import warnings
from pathlib import Path

from elftools.dwarf.dwarfinfo import DebugSectionDescriptor, DwarfConfig, DWARFInfo

from emitter.aot import compile_file, load_module, render_listing
from emitter.codegen.compiler import compile_module
from emitter.dwarf.info import PlacedFunction
from emitter.dwarf.translate import ProducerDwarfWarning, translate_debug_sections
from emitter.encoding import SymbolAddress
from emitter.wasm.load import load_bytes
from tests.test_cdebug_translate import SAMPLES, _options
from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

SOURCES = ("units_a.c", "units_b.c")


def _two_units(tmp_path: Path) -> Path:
    for name in (*SOURCES, "host.c"):
        (tmp_path / name).write_text((SAMPLES / name).read_text())
    wasm = tmp_path / "units.wasm"
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all", "-o", wasm,
                *SOURCES], cwd=tmp_path)
    return wasm


def _debug_info(wasm: bytes) -> tuple[int, DWARFInfo]:
    """Where the module's .debug_info payload starts, and a reader of it (pyelftools, not the translation's own
    reader: the offsets patched come from an independent one)."""
    module = load_bytes(wasm)
    sections = module.custom_sections
    start = wasm.index(sections[".debug_info"])

    def section(name: str) -> DebugSectionDescriptor | None:
        data = sections.get(name)
        return None if data is None else DebugSectionDescriptor(io.BytesIO(data), name, 0, len(data), 0)

    dwarf = DWARFInfo(
        config=DwarfConfig(little_endian=True, machine_arch="wasm32", default_address_size=4),
        debug_info_sec=section(".debug_info"), debug_aranges_sec=None, debug_abbrev_sec=section(".debug_abbrev"),
        debug_frame_sec=None, eh_frame_sec=None, debug_str_sec=section(".debug_str"),
        debug_loc_sec=section(".debug_loc"), debug_ranges_sec=section(".debug_ranges"),
        debug_line_sec=section(".debug_line"), debug_pubtypes_sec=None, debug_pubnames_sec=None,
        debug_addr_sec=None, debug_str_offsets_sec=None, debug_line_str_sec=None, debug_loclists_sec=None,
        debug_rnglists_sec=None, debug_sup_sec=None, gnu_debugaltlink_sec=None, debug_types_sec=None)
    return start, dwarf


def _cross_unit_wasm(tmp_path: Path) -> Path:
    """The two-unit module with unit a's ``first`` typed by unit b's ``struct pair`` and ``run`` returning unit
    b's ``int``: unit-relative references (ref4) whose target lies past the end of their unit."""
    wasm = _two_units(tmp_path)
    data = bytearray(wasm.read_bytes())
    start, dwarf = _debug_info(bytes(data))
    unit_a, unit_b = list(dwarf.iter_CUs())
    names = {die.attributes["DW_AT_name"].value: die for die in unit_b.iter_DIEs() if "DW_AT_name" in die.attributes}
    patched = 0
    for die in unit_a.iter_DIEs():
        name = die.attributes.get("DW_AT_name")
        if name is None or name.value not in (b"first", b"run"):
            continue
        attribute = die.attributes["DW_AT_type"]
        assert attribute.form == "DW_FORM_ref4"
        target = names[b"pair" if name.value == b"first" else b"int"].offset
        data[start + attribute.offset:start + attribute.offset + 4] = (target - unit_a.cu_offset).to_bytes(4, "little")
        patched += 1
    assert patched == 2
    wasm.write_bytes(bytes(data))
    return wasm


def test_references_into_another_unit_are_followed(tmp_path: Path) -> None:
    wasm = _cross_unit_wasm(tmp_path)
    obj = tmp_path / "units.o"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing dropped
        compile_file(wasm, obj)
    assert "No errors." in run(["llvm-dwarfdump-19", "--verify", obj]).stdout
    info = run(["llvm-dwarfdump-19", "--debug-info", "--show-form", obj]).stdout
    first = info[info.index('DW_AT_name [DW_FORM_strp]\t("first")'):][:400]
    assert re.search(r'DW_AT_type \[DW_FORM_ref_addr\]\s+\(0x[0-9a-f]+ "pair"\)', first), first
    (tmp_path / "wasm").mkdir()
    (tmp_path / "native").mkdir()
    run(["gcc", "-g", "-o", "wasm/prog", "host.c", "units.o"], cwd=tmp_path)
    run(["gcc", "-g", "-o", "native/prog", "host.c", *SOURCES], cwd=tmp_path)
    commands = ["break run", "run", "print first", "ptype first", "print second", "whatis run", "finish"]
    transcripts = []
    for side in ("wasm", "native"):
        out = run(["gdb", "-nx", "-batch", *_options("-ex", commands), "./prog"], cwd=tmp_path / side).stdout
        transcripts.append([line for line in out.splitlines() if line.startswith(("$", "type =", "Value"))])
    assert transcripts[0] == transcripts[1], transcripts
    assert "$1 = {a = 1, b = 2}" in transcripts[0]


def _compiled(wasm: Path) -> tuple[object, list[PlacedFunction]]:
    _, module = load_module(wasm)
    compiled = compile_module(module, module_name="units", listing=render_listing(module, "units"))
    placed, offset = [], 0
    for function in compiled.functions:
        placed.append(PlacedFunction(function, SymbolAddress(".text", offset)))
        offset += len(function.code)
    return compiled, placed


def test_mutated_producer_dwarf_never_raises(tmp_path: Path) -> None:
    """Bytes of every DWARF section flipped at random (seeded): the translation returns sections or None and
    says what it dropped only through ``ProducerDwarfWarning``s naming a unit or the DWARF as a whole."""
    compiled, placed = _compiled(_cross_unit_wasm(tmp_path))
    dwarf = compiled.wasm_dwarf  # type: ignore[attr-defined]
    assert dwarf is not None
    rng = random.Random(20)
    outcomes = {"translated": 0, "dropped a unit": 0, "listing": 0}
    for _ in range(300):
        sections = dict(dwarf.sections)
        name = rng.choice(sorted(sections))
        data = bytearray(sections[name])
        for _ in range(rng.choice([1, 1, 2, 4])):
            data[rng.randrange(len(data))] = rng.randrange(256)
        sections[name] = bytes(data)
        mutated = dataclasses.replace(compiled, wasm_dwarf=dataclasses.replace(dwarf, sections=sections))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = translate_debug_sections(mutated, placed)  # type: ignore[arg-type]
        assert all(issubclass(w.category, ProducerDwarfWarning) for w in caught), [str(w.message) for w in caught]
        for w in caught:
            assert re.match(r"producer DWARF (unit '.*' at \.debug_info offset 0x[0-9a-f]+: |unusable|unreadable)",
                            str(w.message)), str(w.message)
        if result is None:
            outcomes["listing"] += 1
        elif any("dropped" in str(w.message) for w in caught):
            outcomes["dropped a unit"] += 1
        else:
            outcomes["translated"] += 1
    assert all(outcomes.values()), outcomes  # each outcome happened: the mutations reach every path


def test_a_broken_unit_is_dropped_with_one_warning_and_the_module_compiles(tmp_path: Path) -> None:
    wasm = _two_units(tmp_path)
    data = bytearray(wasm.read_bytes())
    start, dwarf = _debug_info(bytes(data))
    unit_b = list(dwarf.iter_CUs())[1]
    first_child = unit_b.get_top_DIE().offset + unit_b.get_top_DIE().size
    data[start + first_child] = 0x7F  # an abbreviation code the unit's table does not have
    wasm.write_bytes(bytes(data))
    obj = tmp_path / "units.o"
    result = run([sys.executable, "-m", "emitter.cli", "compile", wasm, "-o", obj], cwd=ROOT)
    warning_lines = result.stderr.splitlines()
    assert len(warning_lines) == 1, result.stderr
    assert re.match(rf"jitdebug: warning: producer DWARF unit 'units_b.c' at \.debug_info offset "
                    rf"{unit_b.cu_offset:#x}: .*; unit dropped$", warning_lines[0]), warning_lines
    info = run(["llvm-dwarfdump-19", "--debug-info", obj]).stdout
    assert 'DW_AT_name\t("run")' in info and "second_sum" not in info
    assert "No errors." in run(["llvm-dwarfdump-19", "--verify", obj]).stdout
