"""Constant folding and compare+branch fusion (``emitter/codegen/fusion.py``): the fused code computes what
wasmtime computes, at the edges of the immediates' ranges, and it is the code a baseline compiler emits (the
comparison's 0/1 never materialised, the constant never stored), as GNU objdump decodes it."""

from __future__ import annotations

import itertools
import subprocess
import tempfile
from pathlib import Path

import wasmtime

from tests.codegen_loader import compile_wat, load

_CMP = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"]
_FOLDED = ["add", "sub", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr"]
#: Constants at the edges of the imm8 and sign-extended imm32 encodings (the i64 ones past them are not folded:
#: they go through the plain path, which must agree too), and shift counts at and past the width.
_CONSTS = {
    "i32": [0, 1, -1, 5, 31, 32, 33, 127, 128, -128, -129, 0x7FFFFFFF, -0x80000000],
    "i64": [0, 1, -1, 63, 64, 65, 127, 128, -129, 0x7FFFFFFF, -0x80000000, 0x80000000, -0x80000001,
            0x7FFFFFFFFFFFFFFF, -0x8000000000000000],
}
_VALUES = {
    "i32": [0, 1, -1, 5, 6, 127, -128, 0x7FFFFFFF, -0x80000000],
    "i64": [0, 1, -1, 5, 0x7FFFFFFF, 0x80000000, -0x80000000, 0x7FFFFFFFFFFFFFFF, -0x8000000000000000],
}


def _condition(t: str, op: str, rhs: str, inversions: int) -> str:
    text = f"({t}.{op} (local.get 0) {rhs})"
    for _ in range(inversions):
        text = f"(i32.eqz {text})"
    return text


def _functions() -> list[tuple[str, str, list[str], list[tuple[int, ...]]]]:
    """(export, function text, parameter types, argument tuples)."""
    out = []
    for t in ("i32", "i64"):
        values = _VALUES[t]
        for op, k in itertools.product(_FOLDED + _CMP, _CONSTS[t]):
            result = "i32" if op in _CMP else t
            name = f"fold_{t}_{op}_{k}"
            out.append((name, f'(func (export "{name}") (param {t}) (result {result}) '
                              f'({t}.{op} (local.get 0) ({t}.const {k})))', [t], [(v,) for v in values]))
        for op, inversions, branch in itertools.product(_CMP + ["eqz"], range(3), ("br_if", "if")):
            forms = [("eqz", "", [t])] if op == "eqz" else \
                [("slots", "(local.get 1)", [t, t])] + [(f"k{k}", f"({t}.const {k})", [t]) for k in _CONSTS[t][::3]]
            for form, rhs, params in forms:
                cond = _nested_eqz(t, inversions) if op == "eqz" else _condition(t, op, rhs, inversions)
                name = f"{branch}_{t}_{op}_{form}_{inversions}"
                if branch == "br_if":
                    body = f"(block $b (br_if $b {cond}) (return (i32.const 7))) (i32.const 9)"
                else:
                    body = f"(if (result i32) {cond} (then (i32.const 9)) (else (i32.const 7)))"
                args = list(itertools.product(values, values)) if len(params) == 2 else [(v,) for v in values]
                out.append((name, f'(func (export "{name}") (param {" ".join(params)}) (result i32) {body})',
                            params, args))
    # A br_if carrying a value (its moves keep it out of fusion) and one leaving the function.
    out.append(("br_if_value", '(func (export "br_if_value") (param i32 i32) (result i32) (block $b (result i32) '
                               '(i32.const 3) (i32.const 4) (br_if $b (i32.lt_s (local.get 0) (local.get 1))) '
                               'i32.add))', ["i32", "i32"], list(itertools.product(_VALUES["i32"], repeat=2))))
    out.append(("br_if_return", '(func (export "br_if_return") (param i32) (result i32) (i32.const 5) '
                                '(br_if 0 (i32.gt_u (local.get 0) (i32.const 6))) drop (i32.const 8))',
                ["i32"], [(v,) for v in _VALUES["i32"]]))
    return out


def _nested_eqz(t: str, inversions: int) -> str:
    text = f"({t}.eqz (local.get 0))"
    for _ in range(inversions):
        text = f"(i32.eqz {text})"
    return text


def test_fused_code_matches_wasmtime() -> None:
    functions = _functions()
    wat = "(module\n" + "\n".join(f[1] for f in functions) + ")"
    module, compiled = compile_wat(wat)
    ours = load(compiled, module)
    store = wasmtime.Store()
    exports = wasmtime.Instance(store, wasmtime.Module(store.engine, wasmtime.wat2wasm(wat)), []).exports(store)
    mismatches = []
    checked = 0
    for name, _, params, arguments in functions:
        func = exports[name]
        mask = (1 << 64) - 1
        for args in arguments:
            expected = func(store, *args)
            kind, got = ours.call(name, *args)
            checked += 1
            if kind != "ok" or int(got) & mask != int(expected) & mask:  # type: ignore[call-overload]
                mismatches.append(f"{name}{args}: ours {kind} {got}, wasmtime {expected}")
    assert not mismatches, f"{len(mismatches)} of {checked} differ:\n" + "\n".join(mismatches[:40])
    assert checked > 10000


def _disassembly(wat: str, export: str) -> list[str]:
    module, compiled = compile_wat(wat)
    index = next(e.index for e in module.exports if e.name == export)
    function = next(f for f in compiled.functions if f.wasm_index == index)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "code.bin"
        path.write_bytes(bytes(function.code))
        listing = subprocess.run(["objdump", "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel",
                                  str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split("\t")[-1].strip() for line in listing.splitlines() if line.count("\t") >= 2]


def test_compare_and_branch_fuse_to_cmp_jcc() -> None:
    """A loop's ``i < n`` test: one cmp of the two slots and a jl, no setcc, no store of the condition."""
    wat = """(module (func (export "count") (param $n i32) (result i32) (local $i i32)
      (block $done (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.lt_s (local.get $i) (i32.const 1000)))))
      (local.get $i)))"""
    code = _disassembly(wat, "count")
    assert not [line for line in code if line.startswith("set")], code
    # (The entry's stack-limit and instantiation checks compare rip-relative cells.)
    cmps = [k for k, line in enumerate(code) if line.startswith("cmp") and "[rbp" in line]
    assert len(cmps) == 2, code
    assert code[cmps[0] + 1].startswith("jge"), code
    assert "0x3e8" in code[cmps[1]] and "DWORD PTR [rbp" in code[cmps[1]], code
    assert code[cmps[1] + 1].startswith("jl"), code
    # The increment is one read-modify-write of the operand slot: the constant is never stored.
    assert any(line.startswith("add") and "DWORD PTR [rbp" in line and line.endswith(",0x1") for line in code), code
    module, compiled = compile_wat(wat)
    assert load(compiled, module).call("count", 10) == ("ok", 10)
    assert load(compiled, module).call("count", 5000) == ("ok", 1000)
