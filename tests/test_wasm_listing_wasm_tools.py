"""The listing (the text ``wasm disas`` and ``wasm bt`` show for each Wasm instruction) spells every instruction
as ``wasm-tools print`` does, for every module of the spec suite's SIMD, tail-call, exception-handling,
multi-memory, memory64 and extended-const files and the bulk-memory file: v128 constants, lanes, shuffles,
``return_call*``, ``try_table`` and ``throw``, block types given by a type index (`` (type 7) (result i32
i32)``), memory indices on loads, stores and ``memory.*`` (memory 0 left out, as the text format does).

Names are stripped from the modules first (``wasm-tools strip -a``), so both sides spell indices. One known
difference, left as ``wasm2wat`` spells it (``test_wasm_listing.py`` compares constants with it): subnormal float
constants (``0x1p-149`` here, ``0x1.p-149`` in wasm-tools)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from emitter.wasm.listing import render_listing
from emitter.wasm.load import load_bytes
from tests.tools import ROOT

WAST = ROOT / "tests" / "spec" / "wast"
WASM_TOOLS = str(ROOT / ".venv" / "bin" / "wasm-tools")
GROUPS = {
    "simd": sorted(WAST.glob("simd_*.wast")),
    "tail-call": sorted((WAST / "proposals" / "tail-call").glob("*.wast")),
    "exception-handling": sorted((WAST / "proposals" / "exception-handling").glob("*.wast")),
    "multi-memory": sorted((WAST / "proposals" / "multi-memory").glob("*.wast")),
    "memory64": sorted((WAST / "proposals" / "wasm-3.0").glob("*64.wast")),
    "extended-const": sorted((WAST / "proposals" / "extended-const").glob("*.wast")),
    "bulk": [WAST / "bulk.wast"],
}
_ROW = re.compile(r"^\s*0x[0-9a-f]+: (.*)$")
_SUBNORMAL = re.compile(r"^f(32|64)\.const -?0x(1p-14[89]|1\.p-14[89]|0\.0+[0-9a-f]+p-1022|1\.p-107[0-9])$")


def _ours(data: bytes) -> list[str]:
    return [m[1].strip() for line in render_listing(load_bytes(data), "m").text.splitlines()
            if (m := _ROW.match(line))]


def _theirs(path: Path) -> list[str]:
    """The instructions of ``wasm-tools print``, each function's closing paren as ``end`` (the listing shows the
    body's final ``end``), without its comments (``(;0;)``, ``;; label = @2``)."""
    rows: list[str] = []
    in_function = False
    for line in subprocess.run([WASM_TOOLS, "print", path], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        text = line.strip()
        if line.startswith("  (func "):
            if text.count("(") == text.count(")"):
                rows.append("end")  # an empty body, on the header's line
            else:
                in_function = True
        elif in_function and text == ")":
            rows.append("end")
            in_function = False
        elif in_function and not text.startswith("(local "):
            rows.append(re.sub(r"\s*;; label = @\d+", "", re.sub(r"\s*\(;.*?;\)", "", text)).strip())
    return rows


@pytest.mark.parametrize("group", GROUPS)
def test_listing_spells_instructions_as_wasm_tools_print(group: str, tmp_path: Path) -> None:
    compared = instructions = 0
    for wast in GROUPS[group]:
        where = tmp_path / wast.stem
        where.mkdir()
        subprocess.run([WASM_TOOLS, "json-from-wast", wast, "-o", where / "x.json", "--wasm-dir", where],
                       check=True, capture_output=True)
        for command in json.loads((where / "x.json").read_text())["commands"]:
            if command["type"] != "module" or command.get("module_type", "binary") != "binary":
                continue
            module = where / command["filename"]
            subprocess.run([WASM_TOOLS, "strip", "-a", module, "-o", module], check=True)
            ours, theirs = _ours(module.read_bytes()), _theirs(module)
            assert len(ours) == len(theirs), (wast.name, module.name)
            for mine, wasm_tools in zip(ours, theirs, strict=True):
                if mine != wasm_tools:
                    assert _SUBNORMAL.match(mine) and _SUBNORMAL.match(wasm_tools), (wast.name, module.name, mine,
                                                                                     wasm_tools)
            compared += 1
            instructions += len(ours)
    assert compared >= len(GROUPS[group]) and instructions > 0
