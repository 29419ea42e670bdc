"""Constant folding and compare+branch fusion (``emitter/codegen/fusion.py``): the fused code computes what
wasmtime computes, at the edges of the immediates' ranges, and it is the code a baseline compiler emits (the
comparison's 0/1 never materialised, the constant never stored), as GNU objdump decodes it."""

from __future__ import annotations

import itertools
import re
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


def _functions() -> list[tuple[str, str, list[tuple[int, ...]]]]:
    """(export, function text, argument tuples): every operand shape a group takes (locals, constants on either
    side, values already in slots), every consumer and sink, every branch form."""
    out = []
    for t in ("i32", "i64"):
        values = _VALUES[t]
        one = [(v,) for v in values]
        two = list(itertools.product(values, values))
        in_slot = f"({t}.xor (local.get 0) ({t}.const 0))"  # a group's result: in its slot for the next one
        for op in _FOLDED + _CMP + ["mul"]:
            result = "i32" if op in _CMP else t
            head = f"(param {t}) (result {result})"
            for k in _CONSTS[t]:
                forms = {"local_k": f"({t}.{op} (local.get 0) ({t}.const {k}))",
                         "slot_k": f"({t}.{op} {in_slot} ({t}.const {k}))",
                         "k_local": f"({t}.{op} ({t}.const {k}) (local.get 0))"}
                if k in _CONSTS[t][::2]:
                    forms["set"] = f"(local.set 1 ({t}.{op} (local.get 0) ({t}.const {k}))) (local.get 1)"
                    forms["tee"] = f"(local.tee 1 ({t}.{op} (local.get 0) ({t}.const {k})))"
                for form, body in forms.items():
                    name = f"{form}_{t}_{op}_{k}"
                    out.append((name, f'(func (export "{name}") {head} (local {result}) {body})', one))
            for form, body in {"locals": f"({t}.{op} (local.get 0) (local.get 1))",
                               "slot_local": f"({t}.{op} {in_slot} (local.get 1))",
                               "slots_set": f"(local.set 2 ({t}.{op} {in_slot} ({t}.or (local.get 1) ({t}.const 0))))"
                                            "(local.get 2)"}.items():
                name = f"{form}_{t}_{op}"
                out.append((name, f'(func (export "{name}") (param {t} {t}) (result {result}) (local {result}) '
                                  f'{body})', two))
        for op, inversions, branch in itertools.product(_CMP + ["eqz"], range(3), ("br_if", "if")):
            if op == "eqz":
                forms = [("local", f"({t}.eqz (local.get 0))", one), ("slot", f"({t}.eqz {in_slot})", one)]
            else:
                forms = [("locals", f"({t}.{op} (local.get 0) (local.get 1))", two),
                         ("slot_local", f"({t}.{op} {in_slot} (local.get 1))", two),
                         ("slots", f"({t}.{op} {in_slot} ({t}.or (local.get 1) ({t}.const 0)))", two)]
                forms += [(f"k{k}", f"({t}.{op} (local.get 0) ({t}.const {k}))", one) for k in _CONSTS[t][::3]]
                forms += [(f"slot_k{k}", f"({t}.{op} {in_slot} ({t}.const {k}))", one) for k in _CONSTS[t][::4]]
            for form, cond, args in forms:
                for _ in range(inversions):
                    cond = f"(i32.eqz {cond})"
                name = f"{branch}_{t}_{op}_{form}_{inversions}"
                if branch == "br_if":
                    body = f"(block $b (br_if $b {cond}) (return (i32.const 7))) (i32.const 9)"
                else:
                    body = f"(if (result i32) {cond} (then (i32.const 9)) (else (i32.const 7)))"
                params = f"(param {t} {t})" if len(args[0]) == 2 else f"(param {t})"
                out.append((name, f'(func (export "{name}") {params} (result i32) {body})', args))
    # A br_if carrying a value (its moves keep it out of fusion) and one leaving the function.
    pairs = list(itertools.product(_VALUES["i32"], repeat=2))
    out.append(("br_if_value", '(func (export "br_if_value") (param i32 i32) (result i32) (block $b (result i32) '
                               '(i32.const 3) (i32.const 4) (br_if $b (i32.lt_s (local.get 0) (local.get 1))) '
                               'i32.add))', pairs))
    out.append(("br_if_return", '(func (export "br_if_return") (param i32) (result i32) (i32.const 5) '
                                '(br_if 0 (i32.gt_u (local.get 0) (i32.const 6))) drop (i32.const 8))',
                [(v,) for v in _VALUES["i32"]]))
    return out


def test_fused_code_matches_wasmtime() -> None:
    functions = _functions()
    wat = "(module\n" + "\n".join(f[1] for f in functions) + ")"
    module, compiled = compile_wat(wat)
    ours = load(compiled, module)
    store = wasmtime.Store()
    exports = wasmtime.Instance(store, wasmtime.Module(store.engine, wasmtime.wat2wasm(wat)), []).exports(store)
    mismatches = []
    checked = 0
    for name, _, arguments in functions:
        func = exports[name]
        mask = (1 << 64) - 1
        for args in arguments:
            expected = func(store, *args)
            kind, got = ours.call(name, *args)
            checked += 1
            if kind != "ok" or int(got) & mask != int(expected) & mask:  # type: ignore[call-overload]
                mismatches.append(f"{name}{args}: ours {kind} {got}, wasmtime {expected}")
    assert not mismatches, f"{len(mismatches)} of {checked} differ:\n" + "\n".join(mismatches[:40])
    assert checked > 30000


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


def test_loop_compiles_to_baseline_compiler_code() -> None:
    """A counting loop: its tests are cmp + jcc straight on the locals, its increment one add on a register, and
    no operand slot is touched in the loop (the comparisons' 0/1 never made, the constants never stored)."""
    wat = """(module (func (export "count") (param $n i32) (result i32) (local $i i32)
      (block $done (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.lt_s (local.get $i) (i32.const 1000)))))
      (local.get $i)))"""
    code = _disassembly(wat, "count")
    # Locals: $n (the parameter) at rbp-0x8, $i at rbp-0x10; the operand slots start at rbp-0x18.
    loop = [" ".join(line.split()) for line in code]
    start = loop.index("mov eax,DWORD PTR [rbp-0x10]")
    # The increment's value in a scratch register of the expression tree (``trees.py``), whichever it is.
    scratch = loop[start + 3].removeprefix("mov ").split(",")[0]
    wide = {"eax": "rax", "esi": "rsi", "edi": "rdi"}.get(scratch, scratch.removesuffix("d"))
    assert loop[start:start + 7] == [
        "mov eax,DWORD PTR [rbp-0x10]", "cmp eax,DWORD PTR [rbp-0x8]", loop[start + 2],
        f"mov {scratch},DWORD PTR [rbp-0x10]", f"add {scratch},0x1", f"mov QWORD PTR [rbp-0x10],{wide}",
        "cmp DWORD PTR [rbp-0x10],0x3e8"], code
    assert loop[start + 2].startswith("jge ") and loop[start + 7].startswith("jl "), code
    assert not [line for line in code if line.startswith("set")], code
    module, compiled = compile_wat(wat)
    assert load(compiled, module).call("count", 10) == ("ok", 10)
    assert load(compiled, module).call("count", 5000) == ("ok", 1000)


_FLOATS = """(module (memory 1)
  (func $g (param f32 f64) (result f32) (f32.add (local.get 0) (f32.demote_f64 (local.get 1))))
  (func (export "floats") (param $a f32) (param $b f64) (param $n i32) (result f64) (local $x f32) (local $y f64)
    (local.set $x (f32.mul (f32.abs (local.get $a)) (f32.neg (f32.sqrt (local.get $a)))))
    (local.set $y (f64.add (f64.promote_f32 (local.get $x)) (f64.floor (local.get $b))))
    (local.set $x (f32.min (local.get $x) (f32.copysign (f32.const 2.5) (local.get $a))))
    (local.set $x (f32.convert_i32_u (i32.add (local.get $n) (i32.trunc_sat_f32_s (local.get $x)))))
    (local.set $x (call $g (local.get $x) (local.get $y)))
    (f32.store (i32.const 8) (local.get $x))
    (local.set $x (f32.add (f32.load (i32.const 8)) (f32.const 1)))
    (i32.store (i32.const 0) (f32.lt (local.get $x) (f32.const 3)))
    (f64.add (f64.promote_f32 (local.get $x)) (f64.convert_i32_s (i32.load (i32.const 0))))))"""


def test_frame_slots_are_written_whole() -> None:
    """Every write to a local or an operand slot is 8 bytes: an i32 or f32 written with a 4-byte store and read by
    the next instruction's 8-byte copy (``local.get``/``local.set``) cannot be store-forwarded and stalls the
    load (``function._signed32``). Checked on integer trees, calls, loads and the float instructions."""
    from tests.test_codegen_fusion_trees import _module_text

    narrow = []
    for wat in (_module_text(), _FLOATS):
        module, compiled = compile_wat(wat)
        for f in compiled.functions:
            if f.wasm_index is None:
                continue
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "code.bin"
                path.write_bytes(bytes(f.code))
                listing = subprocess.run(["objdump", "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel",
                                          str(path)], capture_output=True, text=True, check=True).stdout
            for line in listing.splitlines():
                text = " ".join(line.split("\t")[-1].split())
                if re.match(r"^(mov|movss|and|or|xor|add|sub|shl|shr|sar|rol|ror)\w* (BYTE|WORD|DWORD) PTR "
                            r"\[rbp-", text):
                    narrow.append(f"{f.name}: {text}")
    assert narrow == []
    module, compiled = compile_wat(_FLOATS)
    store = wasmtime.Store()
    func = wasmtime.Instance(store, wasmtime.Module(store.engine, _FLOATS), []).exports(store)["floats"]
    for args in ((1.5, -2.25, 3), (-0.0, 7.5, -1), (100.0, 0.5, 1 << 30)):
        assert load(compiled, module).call("floats", *args) == ("ok", func(store, *args))  # type: ignore[operator]
