"""Zero cost: a try region adds no instruction to the path that does not throw.

The same body compiled inside a ``block`` and inside a ``try_table`` must give the same bytes, the landing pad
only appended after everything the body runs; a legacy ``try`` only moves the operand slots (one frame slot
for the caught exception), so its instructions are the same ones, operand for operand but displacements.
"""

from __future__ import annotations

import capstone

from emitter.codegen.compiler import compile_module
from emitter.compiled import CompiledFunction
from emitter.wasm.load import load_bytes, wat_to_wasm

BODY = """
    local.get 0
    call $work
    local.get 0
    i32.const 3
    i32.div_s
    call $work
"""


def _function(open_region: str, close_region: str, name: str) -> CompiledFunction:
    text = f"""(module
      (tag $e)
      (func $work (param i32) local.get 0 drop)
      (func (export "{name}") (param i32)
        block $h
          {open_region}
          {BODY}
          {close_region}
        end))"""
    compiled = compile_module(load_bytes(wat_to_wasm(text)), module_name="zero")
    return next(f for f in compiled.functions if f.exports == (name,))


def _instructions(code: bytes) -> list[tuple[str, str]]:
    md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    return [(i.mnemonic, i.op_str) for i in md.disasm(code, 0)]


def test_try_table_body_is_byte_identical_to_a_block() -> None:
    plain = _function("block", "end", "f")
    guarded = _function("try_table (catch $e $h)", "end", "f")
    assert guarded.call_sites and not plain.call_sites
    assert guarded.code[:len(plain.code)] == plain.code, "the try region changed the code it covers"
    pad = min(site.landing_pad or 0 for site in guarded.call_sites)
    assert pad >= len(plain.code), "the landing pad sits after everything the non-throwing path runs"
    assert [r for r in guarded.relocations if r.offset < len(plain.code)] == plain.relocations


def test_legacy_try_adds_no_instruction() -> None:
    plain = _function("block", "end", "f")
    legacy = _function("try", "catch_all end", "f")
    ours = _instructions(plain.code)
    theirs = _instructions(legacy.code)[:len(ours)]
    assert [m for m, _ in theirs] == [m for m, _ in ours]
    assert len(legacy.call_sites) == 2, "both calls of the body are covered"
