"""The JIT's relocation of a lowered module (code, data, frame tables, .eh_frame and every DWARF section) against
GNU ld linking the same module's relocatable object with each loaded section at the same address: every
section's bytes must be the linker's."""

from __future__ import annotations

from pathlib import Path

from elftools.elf.elffile import ELFFile

from emitter.codegen.compiler import compile_module
from emitter.lower import lower_module
from emitter.obj.elf import prepare_image_part, relocate, write_relocatable
from emitter.obj.model import SectionKind
from emitter.wasm.listing import render_listing
from emitter.wasm.load import load_bytes
from scripts.bench_compile import generate_module
from tests.tools import run

#: Where the undefined symbols (the runtime's entry points) are: below the code, within reach of a PC32.
EXTERNAL = 0x7F0F_F123_4560


def test_relocated_sections_are_what_ld_links_at_the_same_addresses(tmp_path: Path) -> None:
    module = load_bytes(generate_module(40))
    compiled = compile_module(module, module_name="m", listing=render_listing(module, "m"))
    compiled.source_file, compiled.source_dir = "m.lst", "/src"
    obj = lower_module(compiled)
    loaded = [name for name, section in obj.sections.items()
              if section.kind not in (SectionKind.DEBUG, SectionKind.NOTE)]
    # Apart enough that no section (the Wasm memory's .bss is large) reaches the next one.
    addresses = {name: 0x7F10_0000_0000 + index * 0x1000_0000 for index, name in enumerate(loaded)}
    undefined = [name for name, symbol in obj.symbols.items() if symbol.section is None]
    assert undefined, "the module calls into the runtime"
    script = tmp_path / "place.ld"
    script.write_text("SECTIONS {\n" + "".join(f"  {name} {addresses[name]:#x} : {{ *({name}) }}\n"
                                               for name in loaded) + "}\n")
    (tmp_path / "m.o").write_bytes(write_relocatable(obj))
    defsyms = [arg for name in undefined for arg in ("--defsym", f"{name}={EXTERNAL:#x}")]
    run(["ld", "-o", tmp_path / "m", "-T", script, "-e", "0", *defsyms, tmp_path / "m.o"])

    ours = relocate(obj, addresses, lambda name: EXTERNAL)
    image_relocated: dict[str, bytes] = {}
    prepare_image_part(obj, addresses, lambda name: EXTERNAL, relocated=image_relocated)
    assert image_relocated == ours
    with (tmp_path / "m").open("rb") as stream:
        linked = ELFFile(stream)
        compared = 0
        for name, data in ours.items():
            section = linked.get_section_by_name(name)
            if section is None or section["sh_type"] == "SHT_NOBITS":
                assert not data, f"{name} has bytes the linker dropped"
                continue
            if name in addresses:
                assert section["sh_addr"] == addresses[name]
            if name == ".eh_frame":
                data = _last_entry_padded_as_ld_pads_it(data, len(section.data()))
            assert section.data() == data, f"{name} differs from the linker's"
            compared += len(obj.sections[name].relocations)
    assert compared == sum(len(section.relocations) for section in obj.sections.values())


def _last_entry_padded_as_ld_pads_it(eh_frame: bytes, linked_size: int) -> bytes:
    """Our ``.eh_frame`` as GNU ld writes it when nothing follows it in its output section: like GNU as, we pad
    the last FDE with ``DW_CFA_nop`` to the address size, and ld pads that one to 4 bytes only (the records
    need no more), dropping four of its trailing no-ops. Anything else ld changed still shows as a difference."""
    if linked_size != len(eh_frame) - 4:
        return eh_frame
    at = last = 0
    while at < len(eh_frame):
        last, at = at, at + 4 + int.from_bytes(eh_frame[at:at + 4], "little")
    length = int.from_bytes(eh_frame[last:last + 4], "little")
    if eh_frame[-4:] != bytes(4):
        return eh_frame
    return eh_frame[:last] + (length - 4).to_bytes(4, "little") + eh_frame[last + 4:-4]
