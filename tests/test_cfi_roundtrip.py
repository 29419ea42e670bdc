"""Round trips: the rules that readers decode from our sections, at every address of every function, equal the
table the unwind program means (``program.rows``). Readers: pyelftools (from the bytes, and from an object with
relocations applied), llvm-dwarfdump's row dump, readelf -wF (no warnings), and the linkers' .eh_frame parsers."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emitter.arch import AARCH64, X86_64, Arch
from emitter.dwarf.cfi import build_debug_frame, build_eh_frame
from tests.test_cfi_helpers import (
    Function,
    SeededChooser,
    decode_bytes,
    dwarfdump_rows,
    generate_program,
    intended_rows,
    layout,
    object_fdes,
    pyelftools_rows,
    write_object,
)
from tests.tools import run


class DrawChooser:
    """The generator's decisions drawn by hypothesis, so failures shrink to a small program."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def integer(self, low: int, high: int) -> int:
        return self.data.draw(st.integers(low, high))

    def chance(self, percent: int) -> bool:
        return self.data.draw(st.integers(0, 99)) < percent


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from([X86_64, AARCH64]), st.data())
def test_decoded_rows_equal_intent(arch: Arch, data: st.DataObject) -> None:
    program, size = generate_program(DrawChooser(data), arch, "f")
    fdes = layout([Function(program, size)])
    want = intended_rows(program, size)
    [eh] = decode_bytes(bytes(build_eh_frame(fdes, arch, terminate=False).data), eh_frame=True)
    [debug] = decode_bytes(bytes(build_debug_frame(fdes, arch).data), eh_frame=False)
    assert pyelftools_rows(eh) == want
    assert pyelftools_rows(debug) == want


@pytest.mark.parametrize("arch", [X86_64, AARCH64], ids=["x86_64", "aarch64"])
def test_object_rows_equal_intent_for_every_reader(tmp_path: Path, arch: Arch) -> None:
    """A thousand generated functions in one relocatable object written by the project's ELF writer."""
    choose = SeededChooser(random.Random(31337))
    functions = [Function(*generate_program(choose, arch, f"f{i}")) for i in range(1000)]
    fdes = layout(functions)
    obj = write_object(tmp_path / "cfi.o", fdes, arch)
    want = [intended_rows(f.program, f.size) for f in functions]

    eh, debug = object_fdes(obj)
    assert [fde.header["initial_location"] for fde in eh] == [fde.start.addend for fde in fdes]  # type: ignore[union-attr]
    assert [pyelftools_rows(fde) for fde in eh] == want
    assert [pyelftools_rows(fde) for fde in debug] == want
    assert dwarfdump_rows(obj, arch, "eh-frame") == want
    assert dwarfdump_rows(obj, arch, "debug-frame") == want

    readelf = run(["readelf", "-wF", obj])
    assert "warning" not in (readelf.stdout + readelf.stderr).lower()
    assert readelf.stdout.count(" FDE cie=") == 2 * len(fdes)


def test_linkers_accept_relocatable_eh_frame(tmp_path: Path) -> None:
    """ld.lld (the strictest .eh_frame parser) and GNU ld build a sorted .eh_frame_hdr with one entry per
    function from our unterminated section."""
    choose = SeededChooser(random.Random(5))
    functions = [Function(*generate_program(choose, X86_64, f"f{i}")) for i in range(200)]
    obj = write_object(tmp_path / "cfi.o", layout(functions), X86_64, debug_frame=False)
    for linker in ("ld.lld-19", "ld"):
        exe = tmp_path / f"{linker}.out"
        run([linker, "--eh-frame-hdr", "-e", "f0", "-o", exe, obj])
        unwind = run(["llvm-readobj-19", "--unwind", exe]).stdout
        assert f"fde_count: {len(functions)}\n" in unwind, linker
        assert "warning" not in unwind.lower()
        assert [row for table in dwarfdump_rows(exe, X86_64, "eh-frame") for row in table] == [
            row for f in functions for row in intended_rows(f.program, f.size)]
