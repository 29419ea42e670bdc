"""Linear time: translating producer DWARF costs work proportional to the module, not to the square of a
function's size. One C function with N lexical blocks (each a scope with its own variable, the shape that made
the address-range mapping quadratic: every block's range scanned all the function's native pieces) is
translated at two sizes; the Python lines executed (counted with ``sys.settrace``, deterministic where times on
a shared machine are not) must grow about as N does: x4 in size may cost at most x6 in work (quadratic: x16)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import Any

from emitter.aot import load_module, render_listing
from emitter.codegen.compiler import compile_module
from emitter.dwarf.info import PlacedFunction
from emitter.dwarf.translate import translate_debug_sections
from emitter.encoding import SymbolAddress
from scripts.bench_cdebug import blocks_program
from tests.wasm_clang import wasm_clang


def _translation_work(tmp_path: Path, count: int) -> int:
    source = tmp_path / f"blocks{count}.c"
    source.write_text(blocks_program(count))
    wasm = tmp_path / f"blocks{count}.wasm"
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all", "-o", wasm,
                source])
    _, module = load_module(wasm)
    compiled = compile_module(module, module_name="blocks", listing=render_listing(module, "blocks"))
    placed, offset = [], 0
    for function in compiled.functions:
        placed.append(PlacedFunction(function, SymbolAddress(".text", offset)))
        offset += len(function.code)
    lines = 0

    def trace(frame: FrameType, event: str, _arg: Any) -> Any:
        nonlocal lines
        if event == "line":
            lines += 1
        return trace

    sys.settrace(trace)
    try:
        sections = translate_debug_sections(compiled, placed)
    finally:
        sys.settrace(None)
    assert sections is not None and sections[".debug_info"].offset > 25 * count  # the blocks were translated
    return lines


def test_translation_work_grows_linearly_with_a_function_of_many_blocks(tmp_path: Path) -> None:
    small, large = _translation_work(tmp_path, 150), _translation_work(tmp_path, 600)
    assert large < 6 * small, f"150 blocks: {small} lines executed, 600 blocks: {large} ({large / small:.1f}x)"
