"""The DIE-free scans of producer DWARF (``_translate_scan.c``) against their Python models over the decoded DIEs,
on real modules (C with wasi-libc at -O1 in DWARF 4 and 5, Lua, a Rust program whose DWARF is std's mostly, C++
classes and templates) and on mutated DWARF:

- the fusion barriers (``fusion_barriers.fusion_limits`` against ``fusion_limits_model``): the same barriers and
  operand-stack ranges wherever the reader reads the DWARF, never a crash or another exception where it does
  not. Code generation fuses by these sets, so a difference would change the code and every line row and range
  the translation writes;
- the functions the linker discarded (``translate_discard.discarded_subtrees``, whose subtrees the decoder then
  skips, against ``discarded_dies`` over every DIE), with the DIEs the translation copies as they are written in
  C (``_translate.write_children``, against ``_Translator._die`` for every DIE; the references, DWARF 4 range
  lists and native range lists likewise against their Python): the translated DWARF byte for byte the same,
  warnings too, on the modules and on mutated DWARF of the C and Rust programs."""

from __future__ import annotations

import dataclasses
import random
import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest

from emitter.aot import render_listing
from emitter.codegen.compiler import compile_module
from emitter.dwarf import _translate, translate, translate_map
from emitter.dwarf.fusion_barriers import fusion_limits, fusion_limits_model
from emitter.dwarf.producer_reader import ProducerDwarf
from emitter.dwarf.translate_source import producer_dwarf
from emitter.lower import lower_module
from emitter.obj.elf import write_relocatable
from emitter.wasm.load import load_module
from tests.lua_wasm import PREBUILT as LUA_WASM
from tests.tools import ROOT

CDEBUG = ROOT / "samples" / "cdebug"


def _dwarf(path: Path) -> Any:
    _, module = load_module(path)
    dwarf = producer_dwarf(module, "m")
    assert dwarf is not None
    return dwarf


def _compiled(path: Path) -> Any:
    _, module = load_module(path)
    return compile_module(module, module_name="m", listing=render_listing(module, "m"))


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from scripts.bench_cdebug import WASI_PROGRAM
    from tests.rust_wasm import SAMPLES, build
    from tests.wasm_clang import wasm_clang

    work = tmp_path_factory.mktemp("barriers")
    (work / "words.c").write_text(WASI_PROGRAM)
    out = {"lua": LUA_WASM}
    for name, flags in (("c-dwarf4", []), ("c-dwarf5", ["-gdwarf-5"])):
        wasm_clang(["--target=wasm32-wasi", "-g", *flags, "-O1", "-o", f"{name}.wasm", "words.c"], cwd=work)
        out[name] = work / f"{name}.wasm"
    shutil.copy(SAMPLES / "shapes.rs", work / "shapes.rs")
    out["rust"] = build(work / "shapes.rs", work / "shapes.wasm", wasm=True)
    # C++: classes, references, templates, and a discarded function a kept DIE refers into.
    for name, export in (("classes", "-Wl,--export-all"), ("discarded", "-Wl,--export=used")):
        shutil.copy(CDEBUG / f"{name}.cpp", work / f"{name}.cpp")
        wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", export, "-o", f"{name}.wasm",
                    f"{name}.cpp"], cwd=work, cxx=True)
        out[f"c++-{name}"] = work / f"{name}.wasm"
    return out


def test_barrier_scan_equals_the_model_on_real_modules(programs: dict[str, Path]) -> None:
    """Barriers and operand-stack ranges equal on every module; the modules exercise what the scan reads: line
    rows, DW_AT_low_pc/high_pc, range lists, location lists naming the operand stack (C at -O1), DWARF 5's
    indexed addresses and lists, and an exprloc naming the operand stack outside any list (the Rust program:
    then no stack ranges at all)."""
    limits = {}
    for name, path in programs.items():
        dwarf = _dwarf(path)
        limits[name] = scanned = fusion_limits(dwarf)
        model = fusion_limits_model(dwarf)
        assert model is not None, name
        assert scanned == model, name
        assert len(model.barriers) > (10 if name.startswith("c++") else 1000), name
    assert limits["rust"] is not None and limits["rust"].stack is None
    for name in ("c-dwarf4", "c-dwarf5", "lua"):
        assert limits[name] is not None and limits[name].stack, name


def test_barrier_scan_of_mutated_dwarf_equals_the_model_where_it_reads_or_gives_none(
        programs: dict[str, Path]) -> None:
    """Bytes of the DIEs, abbreviations and lists flipped at random (seeded): where the model reads the DWARF
    the scan gives the same limits; elsewhere limits or None (the scan skips strings the model resolves), never
    an exception. Each outcome happens."""
    rng = random.Random(29)
    outcomes = {"equal": 0, "unreadable": 0}
    dwarfs = [_dwarf(programs["c-dwarf4"]), _dwarf(programs["c-dwarf5"])]
    for round_ in range(240):
        dwarf = dwarfs[round_ % 2]
        sections = dict(dwarf.sections)
        name = rng.choice([".debug_info", ".debug_info", ".debug_abbrev", ".debug_loc", ".debug_ranges",
                           ".debug_loclists", ".debug_rnglists", ".debug_addr"])
        if name not in sections:
            continue
        data = bytearray(sections[name])
        units = list(ProducerDwarf(sections).iter_CUs())
        unit = rng.choice(units)
        for _ in range(rng.choice([1, 2, 8])):
            if name == ".debug_info" and round_ % 3 == 0:
                at = rng.randrange(unit.first_die, min(unit.first_die + 64, unit.cu_offset + unit.size))
            else:
                at = rng.randrange(len(data))
            data[at] = rng.randrange(256)
        sections[name] = bytes(data)
        mutated = dataclasses.replace(dwarf, sections=sections)
        model = fusion_limits_model(mutated)
        scanned = fusion_limits(mutated)
        if model is None:
            outcomes["unreadable"] += 1
        else:
            assert scanned == model, (round_, name)
            outcomes["equal"] += 1
    assert all(outcomes.values()), outcomes


def _translated(compiled: Any, model: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, list[str]]:
    """The object with translated DWARF, and the warnings, with the discarded functions found by the scan and the
    plain DIEs written in C, or (with ``model``) by ``discarded_dies`` over every decoded DIE and every DIE by
    ``_Translator._die``, the references resolved by its Python loop, the range lists read and written in Python."""

    def each_by_callback(context: Any, children: list[Any], frame: Any, callback: Any) -> None:
        for child in children:
            callback(child, frame)

    with monkeypatch.context() as patch:
        if model:
            patch.setattr(translate, "discarded_subtrees", lambda *arguments: None)
            patch.setattr(_translate, "write_children", each_by_callback)
            patch.setattr(_translate, "resolve_fixups", lambda *arguments: 0)
            patch.setattr(_translate, "write_ranges", translate.write_ranges_model)
            patch.setattr(_translate, "index_dies", translate.index_dies_model)
            patch.setattr(translate_map.AddressMap, "native_range_list", lambda *arguments: None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            data = write_relocatable(lower_module(compiled, debug_info=True))
    return data, [str(warning.message) for warning in caught]


def test_scan_and_plain_dies_in_c_translate_as_the_model(programs: dict[str, Path],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The objects of every module, with translated DWARF, are byte for byte the same whether the discarded
    functions' subtrees are skipped at decoding (the scan) or decoded and dropped (the model), and the DIEs
    copied as they are written in C or in Python; the scan skips something in each (wasi-libc's and std's
    functions nothing calls)."""
    for name, path in programs.items():
        compiled = _compiled(path)
        assert _translated(compiled, False, monkeypatch) == _translated(compiled, True, monkeypatch), name
        dwarf = compiled.wasm_dwarf
        info = ProducerDwarf(dwarf.sections)
        functions = sorted((extent.start - dwarf.code_section_offset, extent.end - dwarf.code_section_offset)
                           for extent in dwarf.functions.values())
        skips = translate.discarded_subtrees(info, list(info.iter_CUs()), functions)
        assert bool(skips) == (name != "c++-classes"), name  # every function of that one is exported


def test_mutated_dwarf_translates_as_by_the_model(programs: dict[str, Path],
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Mutated DIEs and abbreviations (seeded): the same object and the same warnings either way (units dropped
    with the decoder's message, references to no DIE counted alike)."""
    rng = random.Random(31)
    compiled = _compiled(programs["c-dwarf4"])
    dwarf = compiled.wasm_dwarf
    units = list(ProducerDwarf(dwarf.sections).iter_CUs())
    warned = 0
    for round_ in range(30):
        sections = dict(dwarf.sections)
        name = ".debug_abbrev" if round_ % 5 == 4 else ".debug_info"
        data = bytearray(sections[name])
        unit = rng.choice(units)
        for _ in range(rng.choice([1, 2, 4])):
            at = rng.randrange(unit.first_die, unit.cu_offset + unit.size) if name == ".debug_info" else \
                rng.randrange(len(data))
            data[at] = rng.randrange(256)
        sections[name] = bytes(data)
        compiled.wasm_dwarf = dataclasses.replace(dwarf, sections=sections)
        scanned, model = _translated(compiled, False, monkeypatch), _translated(compiled, True, monkeypatch)
        assert scanned == model, round_
        warned += bool(model[1])
    compiled.wasm_dwarf = dwarf
    assert warned, "no mutation was noticed"


def test_mutated_rust_dwarf_translates_as_by_the_model(programs: dict[str, Path],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The Rust program's DIEs and range lists mutated (seeded): what C writes of it beyond the DIEs copied as
    they are (variables of pointer types and with locations, inlined subroutines and lexical blocks by their
    DWARF 4 range lists) gives the same object and warnings as the Python walk."""
    rng = random.Random(5)
    compiled = _compiled(programs["rust"])
    dwarf = compiled.wasm_dwarf
    units = list(ProducerDwarf(dwarf.sections).iter_CUs())
    warned = 0
    for round_ in range(8):
        sections = dict(dwarf.sections)
        name = ".debug_ranges" if round_ % 4 == 3 else ".debug_info"
        data = bytearray(sections[name])
        unit = rng.choice(units)
        for _ in range(rng.choice([1, 2, 4, 8])):
            at = rng.randrange(unit.first_die, unit.cu_offset + unit.size) if name == ".debug_info" else \
                rng.randrange(len(data))
            data[at] = rng.randrange(256)
        sections[name] = bytes(data)
        compiled.wasm_dwarf = dataclasses.replace(dwarf, sections=sections)
        scanned, model = _translated(compiled, False, monkeypatch), _translated(compiled, True, monkeypatch)
        assert scanned == model, round_
        warned += bool(model[1])
    compiled.wasm_dwarf = dwarf
    assert warned, "no mutation was noticed"
