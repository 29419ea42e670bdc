"""Foundation acceptance, part 1: the object is well-formed for the dumpers, links with gcc and g++, and the
system unwinder walks through every generated frame (a backtrace from the callback, a C++ exception)."""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

import pytest
from elftools.elf.elffile import ELFFile

from emitter.compiled import FrameSlot, InRegister
from emitter.lower import write_object
from tests.test_foundation_build import CHAIN, DATA, FUNCTIONS, RESULT, VARIABLES, Chain, build_chain, elf_section
from tests.tools import run


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Chain, Path]:
    directory = tmp_path_factory.mktemp("foundation")
    chain = build_chain(directory)
    obj = directory / "chain.o"
    write_object(chain.module, obj)
    return chain, obj


def _symbols(path: Path) -> dict[str, tuple[int, int]]:
    """name -> (address, size) of the text symbols, as nm reports them."""
    out = {}
    for line in run(["nm", "-S", "--defined-only", path]).stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "tTwW":
            out[parts[3]] = (int(parts[0], 16), int(parts[1], 16))
    return out


def test_readelf_prints_no_warning(built: tuple[Chain, Path]) -> None:
    _, obj = built
    proc = run(["readelf", "-a", "-wF", "-wi", "-wl", obj])
    text = proc.stdout + proc.stderr
    assert "warning" not in text.lower() and "error" not in text.lower(), text
    assert "X86_64_UNWIND" in text and ".rela.eh_frame" in text and ".note.GNU-stack" in text
    # Every function has an FDE: the CFA rows readelf decodes mention the 64 KiB frame.
    assert "rsp+65552" in text


def test_dwarfdump_verifies_and_line_rows_match_our_entries(built: tuple[Chain, Path]) -> None:
    chain, obj = built
    verify = run(["llvm-dwarfdump-19", "--verify", obj])
    assert "No errors." in verify.stdout and "warning" not in verify.stdout.lower(), verify.stdout
    rows = []
    for line in run(["llvm-dwarfdump-19", "--debug-line", obj]).stdout.splitlines():
        # Address Line Column File ISA Discriminator OpIndex Flags
        parts = line.split()
        if parts and re.fullmatch(r"0x[0-9a-f]{16}", parts[0]):
            rows.append((int(parts[0], 16), int(parts[1]), " ".join(parts[7:])))
    symbols = _symbols(obj)
    expected = []
    for function in chain.module.functions:
        start, size = symbols[function.name]
        for entry in function.lines:
            flags = "is_stmt" + (" prologue_end" if entry.prologue_end else "") + (
                " epilogue_begin" if entry.epilogue_begin else "")
            expected.append((start + entry.code_offset, entry.line, flags))
        expected.append((start + size, function.lines[-1].line, "is_stmt end_sequence"))
    assert rows == expected


def test_pyelftools_reads_subprograms_variables_and_locations(built: tuple[Chain, Path]) -> None:
    chain, obj = built
    with obj.open("rb") as stream:
        elf = ELFFile(stream)
        dwarf = elf.get_dwarf_info(relocate_dwarf_sections=True)
        unit = next(dwarf.iter_CUs())
        top = unit.get_top_DIE()
        assert top.attributes["DW_AT_name"].value == b"chain.s"
        subprograms = {die.attributes["DW_AT_name"].value.decode(): die for die in top.iter_children()
                       if die.tag == "DW_TAG_subprogram"}
        assert sorted(subprograms) == sorted(FUNCTIONS)
        symbols = {s.name: s for s in elf_section(elf, ".symtab").iter_symbols()}
        loclists: Any = dwarf.location_lists()
        for name, die in subprograms.items():
            assert die.attributes["DW_AT_low_pc"].value == symbols[name]["st_value"]
            assert die.attributes["DW_AT_high_pc"].value == symbols[name]["st_size"]
            assert ("DW_AT_external" in die.attributes) == (name == "fp_func")
            found = {}
            for child in die.iter_children():
                var_name = child.attributes["DW_AT_name"].value.decode()
                type_die = child.get_DIE_from_attribute("DW_AT_type")
                location = child.attributes["DW_AT_location"]
                if location.form == "DW_FORM_exprloc":
                    expression = bytes(location.value)
                else:
                    entries: Any = loclists.get_location_list_at_offset(location.value, die=child)
                    expression = bytes(entries[0].loc_expr)
                found[var_name] = (child.tag == "DW_TAG_formal_parameter",
                                   type_die.attributes["DW_AT_name"].value.decode(), expression)
            expected = {}
            for var, value_type, where, is_parameter in VARIABLES[name]:
                if isinstance(where, FrameSlot):
                    expression = bytes([0x91]) + _sleb(where.offset)  # DW_OP_fbreg
                else:
                    assert isinstance(where, InRegister)
                    expression = bytes([0x50 + {"rbx": 3, "rdi": 5}[where.register]])  # DW_OP_reg<n>
                expected[var] = (is_parameter, value_type.value, expression)
            assert found == expected, name


def _sleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40):
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def test_objdump_names_every_function(built: tuple[Chain, Path]) -> None:
    _, obj = built
    text = run(["objdump", "-dr", obj]).stdout
    for name in FUNCTIONS:
        assert re.search(rf"<{name}>:", text) or (name == "fp_func" and "<jd_entry>:" in text), name
    assert re.search(r"R_X86_64_PLT32\s+jd_callback-0x4", text), text


@pytest.fixture(scope="module")
def c_program(built: tuple[Chain, Path]) -> Path:
    _, obj = built
    exe = obj.parent / "backtrace"
    run(["gcc", "-g", "-O0", "-fPIE", "-pie", "-o", exe, DATA / "backtrace.c", obj])
    return exe


def test_gcc_pie_links_and_unwind_backtrace_reaches_main(c_program: Path) -> None:
    proc = run([c_program, "1"])
    assert f"result {RESULT}" in proc.stdout
    runtime_main = int(re.search(r"main (0x[0-9a-f]+)", proc.stdout).group(1), 16)  # type: ignore[union-attr]
    symbols = _symbols(c_program)
    bias = runtime_main - symbols["main"][0]
    starts = sorted((address, name) for name, (address, _) in symbols.items() if name != "jd_entry")
    names = []
    for ip in re.findall(r"frame (0x[0-9a-f]+)", proc.stdout):
        static = int(ip, 16) - bias - 1
        index = bisect.bisect_right(starts, (static, "\xff")) - 1
        address, name = starts[index]
        if address + symbols[name][1] > static:
            names.append(name)
    print("\n".join(names))
    ours = [n for n in names if n in FUNCTIONS or n in ("jd_callback", "main")]
    assert ours == ["jd_callback", *reversed(CHAIN), "main"]


def test_gpp_links_and_an_exception_crosses_every_frame(built: tuple[Chain, Path]) -> None:
    _, obj = built
    exe = obj.parent / "throw"
    run(["g++", "-O0", "-o", exe, DATA / "throw.cpp", obj])
    proc = run([exe])
    assert proc.stdout.strip() == "caught thrown with 16"


def test_addr2line_gives_name_and_line(built: tuple[Chain, Path], c_program: Path) -> None:
    chain, _ = built
    symbols = _symbols(c_program)
    for name in CHAIN:
        call = next(i for i in chain.instructions[name] if i.text.startswith("call"))
        address = symbols[name][0] + call.start
        out = run(["addr2line", "-f", "-e", c_program, hex(address)]).stdout.split()
        assert out[0] in (name, "jd_entry") and out[1].endswith(f"chain.s:{call.line}"), out
