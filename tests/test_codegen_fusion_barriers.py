"""Fusion in modules with the producer's DWARF (``emitter/dwarf/fusion_barriers.py``): no fused group contains,
after its first instruction, a Wasm instruction where a producer line row or address range starts or ends, so
each such instruction keeps a native address of its own (C breakpoints, inlined frames and variable ranges are
where they are unfused); elsewhere the code is fused, and smaller than unfused."""

from __future__ import annotations

from pathlib import Path

import pytest

import emitter.dwarf.fusion_barriers as barriers_module
from emitter.codegen.compiler import compile_module
from emitter.compiled import CompiledModule, LineTable
from emitter.dwarf.fusion_barriers import FusionLimits, fusion_barriers
from emitter.dwarf.translate_source import producer_dwarf
from emitter.wasm.load import load_bytes, wat_to_wasm
from emitter.wasm.module import Module
from tests.codegen_loader import load
from tests.test_cdebug_translate import SAMPLES
from tests.wasm_clang import wasm_clang

_COUNT = """(module (func (export "count") (param $n i32) (result i32) (local $i i32)
  (block $done (loop $next
    (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $next (i32.lt_s (local.get $i) (i32.const 1000)))))
  (local.get $i)))"""


def _offsets(compiled: CompiledModule) -> set[int]:
    """The Wasm offsets that have a native address of their own (a line entry)."""
    return {offset for f in compiled.functions if f.wasm_index is not None
            for offset in LineTable.of(f.lines).wasm_offsets}


def _code_size(compiled: CompiledModule) -> int:
    return sum(len(f.code) for f in compiled.functions if f.wasm_index is not None)


def _with_barriers(monkeypatch: pytest.MonkeyPatch, module: Module, barriers: frozenset[int] | None,
                   stack: tuple[tuple[int, int], ...] | None = None) -> CompiledModule:
    """Compiled as if the producer's DWARF had these barriers and operand-stack ranges (None: anywhere)."""
    limits = None if barriers is None else FusionLimits(barriers, stack)
    monkeypatch.setattr(barriers_module, "fusion_limits", lambda dwarf: limits)
    return compile_module(module, module_name="test")


def test_barrier_inside_a_group_prevents_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """``local.get $i; i32.const 1; i32.add; local.set $i`` is one group; with a barrier at the constant, the
    constant's instruction gets a native address of its own, and the function still computes what it did."""
    module = load_bytes(wat_to_wasm(_COUNT))
    module.custom_sections[".debug_info"] = b""  # what makes the compiler ask for barriers
    body = module.functions[0].body
    add = next(k for k, instr in enumerate(body) if instr.op == "i32.add")
    constant = body[add - 1]
    assert constant.op == "i32.const"
    fused = _with_barriers(monkeypatch, module, frozenset())
    assert constant.offset not in _offsets(fused)  # inside the group: no address of its own
    barred = _with_barriers(monkeypatch, module, frozenset([constant.offset]))
    assert constant.offset in _offsets(barred)
    assert body[add - 2].offset in _offsets(barred)  # the group's first instruction keeps its own
    unfused = _with_barriers(monkeypatch, module, None)  # unreadable DWARF: no fusion at all
    assert _code_size(fused) < _code_size(barred) < _code_size(unfused)
    for compiled in (barred, unfused):
        assert load(compiled, module).call("count", 10) == ("ok", 10)
        assert load(compiled, module).call("count", 5000) == ("ok", 1000)


@pytest.mark.parametrize("optimisation", ["-O1", "-O2"])
def test_c_module_fuses_but_keeps_every_producer_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         optimisation: str) -> None:
    """A C module built with ``-g``: every instruction where a producer row or range starts or ends has a native
    address as it has unfused, and the module's code is smaller than unfused."""
    (tmp_path / "shapes.c").write_text((SAMPLES / "shapes.c").read_text())
    wasm = tmp_path / "shapes.wasm"
    wasm_clang(["--target=wasm32", "-g", optimisation, "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all",
                "-o", wasm, "shapes.c"], cwd=tmp_path)
    module = load_bytes(wasm.read_bytes())
    dwarf = producer_dwarf(module, "test")
    assert dwarf is not None
    barriers = fusion_barriers(dwarf)
    assert barriers
    fused = compile_module(module, module_name="test")
    unfused = _with_barriers(monkeypatch, module, None)
    kept = barriers & _offsets(unfused)
    assert len(kept) > 20
    assert kept <= _offsets(fused), sorted(kept - _offsets(fused))
    assert _code_size(fused) < _code_size(unfused)


@pytest.mark.parametrize("stack", ["anywhere", "nowhere"])
def test_tree_groups_stop_before_every_barrier(monkeypatch: pytest.MonkeyPatch, stack: str) -> None:
    """Expression-tree groups (``codegen/trees.py``) with a barrier at every third instruction of the trees'
    test module: where the producer's DWARF may name operand-stack values anywhere, no group holds a barrier
    after its first instruction; where it names none, groups hold barriers at instructions that emit code, each
    with a row of its own (``test_codegen_fusion_trees.violations`` checks each row's code). Either way every
    barrier with a native address unfused has one, groups of several instructions still form, and the code
    computes what it did."""
    from tests.test_codegen_fusion_trees import _module_text, _record, violations

    module = load_bytes(wat_to_wasm(_module_text()))
    module.custom_sections[".debug_info"] = b""
    offsets = [instr.offset for f in module.functions for instr in f.body]
    barriers = frozenset(offsets[::3])
    groups = _record(monkeypatch)
    barred = _with_barriers(monkeypatch, module, barriers, None if stack == "anywhere" else ())
    inside = [(g.offsets[0], o) for g in groups for o in g.offsets[1:] if o in barriers]
    if stack == "anywhere":
        assert inside == []
    else:
        assert len(inside) > 50 and all(g.rows_inside for g in groups)
        # Barriers at instructions that emit no code of their own (a local.get, a constant) inside groups too.
        leaves = [o for g in groups for o, op in zip(g.offsets[1:], g.ops[1:], strict=True)
                  if o in barriers and op in ("local.get", "i32.const", "i64.const")]
        assert len(leaves) > 20, leaves
        assert violations(groups) == []
    kept = barriers & _offsets(_with_barriers(monkeypatch, module, None))  # those with a native address unfused
    assert len(kept) > 100 and kept <= _offsets(barred), sorted(kept - _offsets(barred))
    assert sum(len(g.offsets) >= 3 for g in groups) > 20
    free = _with_barriers(monkeypatch, module, frozenset())
    assert _code_size(free) < _code_size(barred)
    for compiled in (barred, free):
        for args in ((3, 5), (-1, 7), (0x7FFFFFFF, -0x80000000)):
            assert load(compiled, module).call("tree3_i32", *args) == load(free, module).call("tree3_i32", *args)
