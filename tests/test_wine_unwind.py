"""Hand-made functions with our unwind info, linked by GNU ld and by lld-link, run under Wine: the host walks the
stack with RtlVirtualUnwind to main, and main catches a C++ exception thrown through them; a cleanup pad between
them and main checks every non-volatile register (see tests/data/windows/host.cpp). Between them, the functions
save and clobber all of rbx, rbp, rsi, rdi, r12-r15 and xmm6-15 (pushes, SAVE_NONVOL, SAVE_XMM128, frame
registers with offsets, a probed allocation), so every register's restoration is proven here."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.lower_coff import lower_module_coff
from emitter.obj.coff import write_coff
from emitter.seh.unwind_info import UnwindOperation

from .windows_support import (
    Case,
    assemble,
    compile_host,
    expect_all_passed,
    lld_link,
    mingw_link,
    module_of,
    run_wine,
    standard_cases,
)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Case], list[Path]]:
    work = tmp_path_factory.mktemp("wine")
    cases = standard_cases()
    builders = [b for case in cases for b in case.builders]
    assemble(builders, work)
    obj, _ = lower_module_coff(module_of(builders))
    ours = work / "cases.obj"
    ours.write_bytes(write_coff(obj))
    return work, cases, compile_host(work, cases, "(uintptr_t)&{name}") + [ours]


def test_gnu_ld_image_unwinds_and_restores_registers(prepared: tuple[Path, list[Case], list[Path]]) -> None:
    work, cases, objects = prepared
    expect_all_passed(run_wine(mingw_link(work, objects, "gnu.exe")), cases)


def test_lld_link_image_unwinds_and_restores_registers(prepared: tuple[Path, list[Case], list[Path]]) -> None:
    work, cases, objects = prepared
    expect_all_passed(run_wine(lld_link(work, objects, "lld.exe")), cases)


def test_a_wrong_save_offset_is_caught_by_the_register_check(tmp_path: Path) -> None:
    """Negative control: the same host notices one wrong SAVE_NONVOL offset (so passing means something)."""
    cases = standard_cases()
    builders = [b for case in cases for b in case.builders]
    assemble(builders, tmp_path)
    obj, placed = lower_module_coff(module_of(builders))
    xdata = obj.sections[".xdata"].data
    # Find the first SAVE_NONVOL slot in .xdata and move it one slot up.
    offset = 0
    for item in placed:
        info = item.unwind.regions[0].info
        slot = 4
        for code in info.codes:
            if code.operation is UnwindOperation.UWOP_SAVE_NONVOL:
                xdata[offset + slot + 2] += 1
                victim = item.function.name
                break
            slot += 2 * len(code.slots())
        else:
            offset += 4 + 2 * (info.slot_count + info.slot_count % 2)
            continue
        break
    path = tmp_path / "broken.obj"
    path.write_bytes(write_coff(obj))
    objects = compile_host(tmp_path, cases, "(uintptr_t)&{name}") + [path]
    output = run_wine(mingw_link(tmp_path, objects, "broken.exe"), check=False)
    case = victim.rsplit("_", 1)[0]
    assert f"case {case} walk FAILED" in output and f"case {case} throw FAILED" in output, output
    assert "case pushes walk ok" in output, output
