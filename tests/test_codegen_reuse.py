"""What the compiler encodes once per module and reuses (``STRAIGHT_LINE`` instruction templates, ``emit_cached``
snippets, prologues shared by frame shape) and the decoder's inline path for short instructions must change
nothing: the same code, relocations, line rows, unwind ops and decoded instructions as doing every step afresh.
A difference would be wrong machine code or debug information in every module that repeats an instruction."""

from __future__ import annotations

from pathlib import Path

import pytest

from emitter.codegen import compiler, function
from emitter.codegen.frame import Prologue
from emitter.codegen.runtime import VMCTX_STACK_LIMIT
from emitter.compiled import CompiledModule
from emitter.errors import JitdebugError
from emitter.wasm import decoder
from emitter.wasm.listing import render_listing
from emitter.wasm.load import load_bytes, wat_to_wasm
from emitter.x64.asm import RipRel

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("**/*.wat"))


def _repetitive_module(functions: int) -> bytes:
    """Functions that repeat the same instructions at several operand depths and frame layouts: memory accesses
    and divisions (trap stubs), globals (relocations), conversions with internal branches, calls, selects."""
    parts = ["(module (memory 1) (global $g (mut i64) (i64.const 5))"]
    for n in range(functions):
        extra = " ".join(["(local i32)"] * (n % 3))
        callee = f"(call $f{n - 1} (local.get 0) (local.get 1))" if n else "(local.get 0)"
        parts.append(f"""(func $f{n} (export "f{n}") (param i32 i32) (result i32) {extra} (local i64 f64)
  (local.set {2 + n % 3} (i64.extend_i32_s (i32.div_s (local.get 0) (i32.add (local.get 1) (i32.const {n % 4})))))
  (i32.store offset={n % 3 * 4} (local.get 0) (i32.load offset={n % 2 * 8} (local.get 1)))
  (global.set $g (i64.mul (global.get $g) (local.get {2 + n % 3})))
  (local.set {3 + n % 3} (f64.convert_i64_u (global.get $g)))
  (drop (i32.trunc_sat_f64_u (local.get {3 + n % 3})))
  (select (i32.rem_u (local.get 0) (i32.const 7)) {callee} (i32.lt_s (local.get 0) (i32.const {n}))))""")
    parts.append(")")
    return wat_to_wasm("\n".join(parts))


def _compile(data: bytes, target: str) -> CompiledModule:
    module = load_bytes(data)
    return compiler.compile_module(module, module_name="m", listing=render_listing(module, "m"), target=target,
                                   default_trap_hook=True)


def _fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every instruction, entry sequence, trap stub and prologue encoded anew."""
    monkeypatch.setattr(function, "STRAIGHT_LINE", frozenset())
    monkeypatch.setattr(function.FunctionCompiler, "emit_cached", lambda self, key, emit: emit())

    def prologue(self: compiler._ModuleCompiler, saved: list[int], allocation: int, name: str) -> Prologue:
        return Prologue(saved, allocation, RipRel(self.sym.vmctx, VMCTX_STACK_LIMIT), name, seh=self.abi.seh_frames)

    monkeypatch.setattr(compiler._ModuleCompiler, "_prologue", prologue)


def _described(module: CompiledModule) -> list[tuple[object, ...]]:
    return [(f.name, f.code, f.relocations, f.lines, f.unwind.ops, f.call_sites, f.variables, f.operand_stack)
            for f in module.functions] + [(blob.name, blob.data, blob.relocations) for blob in module.data]


@pytest.mark.parametrize("target", ["x86_64-linux", "x86_64-windows"])
def test_reused_code_is_what_fresh_encoding_gives(target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = [wat_to_wasm(path.read_text()) for path in SAMPLES] + [_repetitive_module(24)]
    reused = []
    for data in inputs:
        try:
            reused.append(_described(_compile(data, target)))
        except JitdebugError as error:  # modules the AOT path rejects (imported globals): rejected alike below
            reused.append([(type(error).__name__,)])
    with monkeypatch.context() as patch:
        _fresh(patch)
        for data, expected in zip(inputs, reused, strict=True):
            try:
                fresh = _described(_compile(data, target))
            except JitdebugError as error:
                fresh = [(type(error).__name__,)]
            assert fresh == expected
    compiled = [entry for entry in reused if len(entry) > 1]
    assert len(compiled) >= len(inputs) - 2, "most samples must compile for the comparison to mean something"


def test_repetitive_module_reuses_templates_with_their_own_trap_stubs() -> None:
    module = load_bytes(_repetitive_module(12))
    compiled = _compile(_repetitive_module(12), "x86_64-linux")
    # One trap-stub line row per trapping site, naming that site's instruction: a replayed division or memory
    # access traps at its own offset, not at the one its template was compiled from.
    trapping = {ins.offset for f in module.functions for ins in f.body
                if ins.op in ("i32.div_s", "i32.rem_u", "i32.load", "i32.store")}
    for wasm_function, native in zip(module.functions, compiled.functions, strict=False):
        rows = [entry.wasm_offset for entry in native.lines]
        own = {ins.offset for ins in wasm_function.body} & trapping
        # Each trapping instruction has its row in the body and at least one more at its stub(s).
        assert all(rows.count(offset) >= 2 for offset in own), native.name


def test_inline_decoding_of_short_instructions_matches_the_general_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = [wat_to_wasm(path.read_text()) for path in SAMPLES] + [_repetitive_module(6)]
    decoded = [decoder.decode(data) for data in inputs]
    monkeypatch.setattr(decoder, "_SHORT", {})
    assert [decoder.decode(data) for data in inputs] == decoded
