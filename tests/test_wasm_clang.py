"""The tests' Wasm programs do not depend on what else the machine has: with Binaryen's ``wasm-opt`` on PATH (the
set-up installs it), a build through ``tests/wasm_clang.py`` keeps its names and DWARF, where clang run the plain
way hands its output to ``wasm-opt``; and no test builds Wasm with clang another way."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.tools import ROOT, run, tool
from tests.wasm_clang import wasm_build_env, wasm_clang

SHAPES = ROOT / "samples" / "cdebug" / "shapes.c"


def test_builds_keep_names_and_dwarf_with_wasm_opt_installed(tmp_path: Path) -> None:
    assert shutil.which("wasm-opt") == tool("wasm-opt"), "the set-up installs binaryen (wasm-opt must be present)"
    flags = ["--target=wasm32", "-g", "-O1", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all"]
    ours, plain = tmp_path / "ours.wasm", tmp_path / "plain.wasm"
    wasm_clang([*flags, "-o", ours, SHAPES])
    run(["clang-19", *flags, "-o", plain, SHAPES])
    # The plain build went through wasm-opt (so this test would see a leak): its bytes differ and its names are gone.
    assert ours.read_bytes() != plain.read_bytes()
    ours_sections = run(["wasm-objdump", "-h", ours]).stdout
    plain_sections = run(["wasm-objdump", "-h", plain]).stdout
    assert '"name"' in ours_sections and '"name"' not in plain_sections
    assert '".debug_info"' in ours_sections and '".debug_line"' in ours_sections
    # The driver's own plan says why: no wasm-opt step under the helper's PATH, one under the plain PATH.
    plan = run(["clang-19", *flags, "-o", tmp_path / "x.wasm", SHAPES, "-###"], env=wasm_build_env()).stderr
    plain_plan = run(["clang-19", *flags, "-o", tmp_path / "x.wasm", SHAPES, "-###"]).stderr
    assert "wasm-ld" in plan and "wasm-opt" not in plan
    assert re.search(r'"[^"]*/wasm-opt" ', plain_plan), plain_plan


def test_every_wasm_build_in_the_tests_goes_through_the_helper() -> None:
    """A new test that calls clang for a wasm target directly would depend on the machine again."""
    offenders = []
    # (The benchmark's own builds, scripts/bench_cdebug.py, keep a wasm-ld-only PATH of their own.)
    for path in sorted([*ROOT.glob("tests/**/*.py"), *ROOT.glob("samples/**/*.py")]):
        if path.name in ("wasm_clang.py", "test_wasm_clang.py"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r'"--target=wasm32', line) and "wasm_clang([" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
