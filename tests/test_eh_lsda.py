"""The LSDA and the CFI around it, read back from real objects: a test-side reader of ``.gcc_except_table``
(written from the GCC format, independent of ``emitter/dwarf/lsda.py``) checks the call-site table against the
calls the code really makes (found by capstone), ``readelf -wF`` reads every FDE without a warning, and the
strictest linker parser (``ld.lld --eh-frame-hdr``) links the object into a program that throws through it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import capstone
from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection
from elftools.elf.sections import SymbolTableSection

from emitter.codegen.compiler import compile_module
from emitter.codegen.exceptions import EXCEPTION_TAG_OFFSET, EXCEPTION_VALUES_OFFSET, TAG_DESCRIPTOR_SIZE
from emitter.compiled import CallSite, CompiledFunction
from emitter.dwarf.lsda import build_lsda
from emitter.lower import write_object
from emitter.unwind import UnwindProgram
from emitter.wasm.load import load_bytes, wat_to_wasm
from tests.tools import ROOT, run

RUNTIME = ROOT / "emitter" / "runtime"

WAT = """(module $lsda
  (tag $a (param i32))
  (tag $b)
  (func $g (param i32) local.get 0 drop)
  (func (export "f") (param $v i32) (result i32)
    local.get $v
    call $g
    block $outer
      try_table (catch_all $outer)
        block $inner (result i32)
          try_table (catch $a $inner) (catch $b $outer)
            local.get $v
            call $g
            local.get $v
            throw $a
          end
          unreachable
        end
        call $g
      end
    end
    local.get $v
    call $g
    i32.const 0))
"""


# -- the test-side reader ------------------------------------------------------------------------------------------
def _uleb(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def _sleb(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return (value - (1 << shift) if byte & 0x40 else value), pos


@dataclass(frozen=True)
class Record:
    start: int
    length: int
    landing_pad: int
    #: The action chain as type-table entries: the section offset of each entry, innermost first.
    entries: tuple[int, ...]


def read_lsda(data: bytes, at: int) -> list[Record]:
    """Decode the GCC LSDA at section offset ``at`` (LPStart omitted, uleb128 call sites, sdata4 types)."""
    assert data[at] == 0xFF, "LPStart must be omitted (pads relative to the function)"
    ttype_encoding = data[at + 1]
    assert ttype_encoding == 0x1B, f"type table encoding {ttype_encoding:#x}"
    ttype_offset, pos = _uleb(data, at + 2)
    ttype_end = pos + ttype_offset
    assert data[pos] == 0x01, "call sites must be uleb128"
    length, pos = _uleb(data, pos + 1)
    table_end = pos + length
    records = []
    while pos < table_end:
        start, pos = _uleb(data, pos)
        size, pos = _uleb(data, pos)
        pad, pos = _uleb(data, pos)
        action, pos = _uleb(data, pos)
        entries = []
        a = table_end + action - 1
        while action:
            type_filter, a = _sleb(data, a)
            link_at = a
            link, a = _sleb(data, a)
            assert type_filter > 0, "Wasm handlers are catches, never cleanups or specifications"
            entries.append(ttype_end - 4 * type_filter)
            if link == 0:
                break
            a = link_at + link
        records.append(Record(start, size, pad, tuple(entries)))
    assert ttype_end % 4 == 0, "the type table must be 4-byte aligned"
    return records


def _relocation_symbols(elf: ELFFile, section: str) -> dict[int, str]:
    rela = elf.get_section_by_name(f".rela{section}")
    assert isinstance(rela, RelocationSection)
    symtab = elf.get_section(rela["sh_link"])
    assert isinstance(symtab, SymbolTableSection)
    names = {}
    for reloc in rela.iter_relocations():
        symbol = symtab.get_symbol(reloc["r_info_sym"])
        section_symbol = symbol["st_info"]["type"] == "STT_SECTION"
        names[reloc["r_offset"]] = elf.get_section(symbol["st_shndx"]).name if section_symbol else symbol.name
    return names


def _compile(tmp_path: Path) -> tuple[Path, CompiledFunction]:
    module = load_bytes(wat_to_wasm(WAT))
    compiled = compile_module(module, module_name="lsda", default_trap_hook=True)
    obj = tmp_path / "lsda.o"
    write_object(compiled, obj)
    function = next(f for f in compiled.functions if f.exports == ("f",))
    return obj, function


def _calls(function: CompiledFunction) -> list[tuple[int, int, str]]:
    """Every call instruction (capstone) with the symbol its relocation names."""
    targets = {r.offset: r.symbol for r in function.relocations}
    md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    return [(i.address, i.address + i.size, targets.get(i.address + 1, "?"))
            for i in md.disasm(function.code, 0) if i.mnemonic == "call"]


def test_call_site_table_covers_exactly_the_calls_in_try_regions(tmp_path: Path) -> None:
    obj, function = _compile(tmp_path)
    with obj.open("rb") as f:
        elf = ELFFile(f)
        table = elf.get_section_by_name(".gcc_except_table")
        assert table is not None
        data = table.data()
        types = _relocation_symbols(elf, ".gcc_except_table")
        eh_relocs = _relocation_symbols(elf, ".eh_frame")
    assert set(eh_relocs.values()) >= {".gcc_except_table", "DW.ref.jitdebug_personality_v0"}
    records = read_lsda(data, 0)
    calls = [c for c in _calls(function) if c[2] in ("g", "jitdebug_throw")]
    # g before the regions, g and throw in the inner region, g in the outer one, g after: the records are
    # exactly the three calls inside try regions.
    assert [c[2] for c in calls] == ["g", "g", "jitdebug_throw", "g", "g"]
    covered = [(r.start, r.start + r.length) for r in records]
    assert covered == [(start, end) for start, end, _ in calls[1:4]]
    inner, inner_throw, outer = records
    assert inner.landing_pad == inner_throw.landing_pad != outer.landing_pad
    assert all(r.landing_pad > calls[-1][1] for r in records), "pads follow the body"
    # Inner chain: $a, $b (inner try_table), then catch_all (outer); the outer region only catch_all.
    assert [types.get(e) for e in inner.entries] == ["lsda.tag0", "lsda.tag1", None]
    assert [types.get(e) for e in outer.entries] == [None]
    assert struct.unpack_from("<i", data, outer.entries[0])[0] == 0, "catch_all is a null type entry"


def test_type_table_offset_reaches_a_fixed_point_with_a_two_byte_uleb() -> None:
    """Enough call sites that the TType offset needs two uleb bytes: the table still ends where it says."""
    sites = [CallSite(8 * k, 8 * k + 5, 4000, filters=(1 + k % 3, 4)) for k in range(40)]
    function = CompiledFunction("many", bytes(4096), UnwindProgram("many"), call_sites=sites,
                                catch_types=["t0", "t1", "t2", None], personality="p")
    lsda = build_lsda(function)
    assert lsda is not None
    records = read_lsda(lsda.data, 0)
    assert [(r.start, r.length, r.landing_pad) for r in records] == [(s.start, 5, 4000) for s in sites]
    # The entries of the chain resolve to the relocated type slots of the intended tags.
    symbols = {r.offset: r.symbol for r in lsda.relocations}
    for site, record in zip(sites, records, strict=True):
        assert [symbols.get(e) for e in record.entries] == [function.catch_types[f - 1] for f in site.filters]
    assert lsda.data[2] & 0x80, "the TType offset took two bytes"


def test_readelf_reads_every_fde_without_warnings(tmp_path: Path) -> None:
    obj, _ = _compile(tmp_path)
    proc = run(["readelf", "-wF", obj])
    assert "Warning" not in proc.stdout + proc.stderr
    frames = run(["readelf", "-wf", obj]).stdout
    assert frames.count('Augmentation:          "zPLR"') == 1 and 'Augmentation:          "zR"' in frames


def test_runtime_layout_matches_the_compiler(tmp_path: Path) -> None:
    """The offsets generated code uses are the C runtime's struct layout (checked by the C compiler)."""
    source = tmp_path / "layout.c"
    source.write_text(f"""#include <stddef.h>
#include "jitdebug_eh.h"
_Static_assert(offsetof(struct jitdebug_exception, tag) == {EXCEPTION_TAG_OFFSET}, "tag");
_Static_assert(offsetof(struct jitdebug_exception, values) == {EXCEPTION_VALUES_OFFSET}, "values");
_Static_assert(sizeof(struct jitdebug_tag) == {TAG_DESCRIPTOR_SIZE}, "tag descriptor");
""")
    run(["gcc", "-std=c11", "-fsyntax-only", "-I", RUNTIME, source])


def test_lld_links_with_eh_frame_hdr_and_the_program_catches(tmp_path: Path) -> None:
    """ld.lld's .eh_frame parser is the strictest; the linked program throws through the lookup table it built."""
    obj, _ = _compile(tmp_path)
    host = tmp_path / "host.c"
    host.write_text('#include <stdint.h>\nint32_t f(int32_t);\n'
                    'void jitdebug_trap(int32_t code) { __builtin_trap(); }\n'
                    'int main(void) { return f(3) == 0 ? 0 : 1; }\n')
    exe = tmp_path / "host"
    run(["clang-19", "-fuse-ld=lld", "-Wl,--eh-frame-hdr", "-I", RUNTIME, "-o", exe, host, obj,
         RUNTIME / "jitdebug_eh.c"])
    assert run([exe], check=False).returncode == 0
    unwind = run(["llvm-readobj-19", "--unwind", exe]).stdout
    assert "EHFrameHeader" in unwind and "zPLR" in unwind
