"""JIT-style registration under Wine: the hand-made functions are copied into VirtualAlloc'd memory at a fixed
base and described with the bytes from ``build_runtime_function_table`` through ``RtlAddFunctionTable``. The same
host checks run; without the registration call (negative control) they fail."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

from emitter.errors import FormatLimitError
from emitter.obj.model import RelocKind
from emitter.seh.lower import ExceptionHandler, lower_unwind_program
from emitter.seh.tables import PlacedCode, build_runtime_function_table, jump_thunk
from emitter.unwind import UnwindProgram

from .tools import run
from .windows_support import (
    CALLBACK,
    Case,
    assemble,
    compile_host,
    expect_all_passed,
    mingw_link,
    run_wine,
    standard_cases,
)

BASE = 0x2000000000
IMPORTS = (CALLBACK, "___chkstk_ms")


def _region(cases: list[Case]) -> tuple[bytes, dict[str, int], dict[str, int], int, int, int]:
    """Code, import thunks and the table laid out from BASE; calls resolved within the region."""
    functions = [b.compiled() for case in cases for b in case.builders]
    image = bytearray()
    offsets: dict[str, int] = {}
    for function in functions:
        image += b"\xcc" * (-len(image) % 16)
        offsets[function.name] = len(image)
        image += function.code
    slots: dict[str, int] = {}
    for name in IMPORTS:
        image += b"\xcc" * (-len(image) % 16)
        offsets[name] = len(image)
        slots[name] = len(image) + 6  # the host writes the target into the thunk's address word
        image += jump_thunk(0)
    for function in functions:
        for reloc in function.relocations:
            assert reloc.kind is RelocKind.CALL
            place = offsets[function.name] + reloc.offset
            image[place:place + 4] = struct.pack("<i", offsets[reloc.symbol] + reloc.addend - place)
    image += b"\0" * (-len(image) % 16)
    table = build_runtime_function_table(
        [PlacedCode(lower_unwind_program(f.unwind, f.code), BASE + offsets[f.name]) for f in functions],
        base=BASE, table_address=BASE + len(image))
    table_offset = len(image)
    image += table.data
    return bytes(image), offsets, slots, table.functions - BASE, table.count, table_offset


def _prelude(image: bytes, slots: dict[str, int], functions_offset: int, count: int) -> str:
    data = ",".join(str(b) for b in image)
    return f"""
extern "C" void ___chkstk_ms(void);
static const unsigned char region_bytes[] = {{{data}}};
static uintptr_t region;
static void load_region() {{
    void *p = VirtualAlloc((void *){BASE:#x}ull, sizeof region_bytes, MEM_RESERVE | MEM_COMMIT,
                           PAGE_EXECUTE_READWRITE);
    if (p != (void *){BASE:#x}ull) {{ printf("VirtualAlloc at the fixed base failed\\n"); exit(4); }}
    memcpy(p, region_bytes, sizeof region_bytes);
    region = (uintptr_t)p;
    *(uintptr_t *)(region + {slots[CALLBACK]}) = (uintptr_t)&host_callback;
    *(uintptr_t *)(region + {slots["___chkstk_ms"]}) = (uintptr_t)&___chkstk_ms;
#ifndef SKIP_REGISTRATION
    if (!RtlAddFunctionTable((PRUNTIME_FUNCTION)(region + {functions_offset}), {count}, region)) exit(5);
#endif
}}
"""


@pytest.fixture(scope="module")
def jit_region(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Case], str, dict[str, int]]:
    work = tmp_path_factory.mktemp("jit")
    cases = standard_cases()
    assemble([b for case in cases for b in case.builders], work)
    image, offsets, slots, functions_offset, count, _ = _region(cases)
    return work, cases, _prelude(image, slots, functions_offset, count), offsets


def test_registered_jit_code_unwinds_and_restores_registers(
        jit_region: tuple[Path, list[Case], str, dict[str, int]]) -> None:
    work, cases, prelude, offsets = jit_region
    objects = compile_host(work, cases, "region + {name}_offset", prelude + _offset_defines(offsets),
                           "load_region();", name="registered")
    expect_all_passed(run_wine(mingw_link(work, objects, "registered.exe")), cases)


def test_unregistered_jit_code_fails_the_same_checks(
        jit_region: tuple[Path, list[Case], str, dict[str, int]]) -> None:
    work, cases, prelude, offsets = jit_region
    objects = compile_host(work, cases, "region + {name}_offset", prelude + _offset_defines(offsets),
                           "load_region();", defines=["SKIP_REGISTRATION"], name="unregistered")
    output = run_wine(mingw_link(work, objects, "unregistered.exe"), check=False)
    # Without the table the walk goes astray; the throw then fails or crashes the process.
    assert "case pushes walk FAILED" in output, output
    assert "\n0 failures" not in "\n" + output, output


def _offset_defines(offsets: dict[str, int]) -> str:
    return "".join(f"static const uintptr_t {name}_offset = {offset};\n" for name, offset in offsets.items()
                   if not name.startswith("_") and name != CALLBACK)


def test_table_bytes_decode_like_the_object_writer(tmp_path: Path) -> None:
    """The run-time table holds the same UNWIND_INFO bytes as .xdata, with RVAs from the base, and a handler goes
    through a thunk inside the block."""
    code = b"\x53\x48\x83\xec\x20\x90\x48\x83\xc4\x20\x5b\xc3"
    program = UnwindProgram("f").push(1, "rbx").alloc(5, 32).prologue_end(5)
    program.epilogue_begin(6).free(10, 32).pop(11, "rbx").epilogue_end(12)
    seh = lower_unwind_program(program, code, ExceptionHandler("personality", b"LSDA"))
    table = build_runtime_function_table([PlacedCode(seh, BASE + 0x100)], base=BASE, table_address=BASE + 0x1000,
                                         handlers={"personality": 0x7FFF12345678})
    assert table.thunks == {"personality": BASE + 0x1000}
    assert table.data[:14] == b"\xff\x25\0\0\0\0" + struct.pack("<Q", 0x7FFF12345678)
    info = table.data[16:16 + 16]
    assert info[:8] == bytes([1 | 3 << 3, 5, 2, 0, 0x05, 0x32, 0x01, 0x30])
    assert struct.unpack_from("<I", info, 8)[0] == 0x1000  # handler RVA: the thunk
    assert info[12:16] == b"LSDA"
    entry = table.data[table.functions - table.table_address:]
    assert struct.unpack("<III", entry) == (0x100, 0x100 + len(code), 0x1010)
    assert table.count == 1
    # Disassembling the thunk shows an indirect jump through the word after it.
    blob = tmp_path / "thunk.bin"
    blob.write_bytes(table.data[:16])
    dis = run(["objdump", "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel", blob])
    assert re.search(r"jmp\s+QWORD PTR \[rip\+0x0\]", dis.stdout), dis.stdout


def test_code_beyond_4_gib_from_the_base_is_rejected() -> None:
    program = UnwindProgram("far").push(1, "rbx")
    seh = lower_unwind_program(program, b"\x53\x5b\xc3")
    with pytest.raises(FormatLimitError) as info:
        build_runtime_function_table([PlacedCode(seh, BASE + (1 << 32))], base=BASE, table_address=BASE + 0x100)
    assert info.value.function == "far"
