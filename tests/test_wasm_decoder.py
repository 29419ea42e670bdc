"""The binary decoder against wabt's dumper: every instruction's module offset and name, function body offsets,
names, segments and custom sections, on modules from wabt, wasmtime and clang."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import wasmtime

from emitter.errors import DecodeError, UnsupportedError, ValidationError
from emitter.wasm.decoder import decode
from emitter.wasm.module import Catch, Module, ValType
from emitter.wasm.opcodes import MISC_OPCODES, OPCODES
from tests.tools import ROOT, run
from tests.wasm_clang import wasm_clang

SAMPLES = ROOT / "samples" / "wasm"
WABT_SAMPLES = ["control", "tables", "legacy_exceptions"]
_INSTR_LINE = re.compile(r"^ ([0-9a-f]{6}): [0-9a-f ]*\| ?(.*)$")
_FUNC_LINE = re.compile(r"^([0-9a-f]{6}) func\[(\d+)\]")


def wabt_assemble(wat: Path | str, tmp_path: Path, name: str = "m") -> Path:
    src = wat if isinstance(wat, Path) else tmp_path / f"{name}.wat"
    if not isinstance(wat, Path):
        src.write_text(wat)
    out = tmp_path / f"{name}.wasm"
    run(["wat2wasm", "--enable-exceptions", "--debug-names", "-o", out, src])
    return out


def objdump_instructions(wasm: Path) -> tuple[list[tuple[int, str]], dict[int, int]]:
    """(offset, mnemonic) of every instruction, and each function's start offset, as ``wasm-objdump -d`` prints."""
    instrs: list[tuple[int, str]] = []
    starts: dict[int, int] = {}
    for line in run(["wasm-objdump", "-d", wasm]).stdout.splitlines():
        if m := _FUNC_LINE.match(line):
            starts[int(m.group(2))] = int(m.group(1), 16)
        elif (m := _INSTR_LINE.match(line)) and m.group(2).strip() and not m.group(2).startswith("local["):
            instrs.append((int(m.group(1), 16), m.group(2).split()[0]))
    return instrs, starts


def our_instructions(module: Module) -> list[tuple[int, str]]:
    return [(i.offset, i.op) for f in module.functions for i in f.body]


def all_fixed_ops_wat() -> str:
    """One function per numeric and memory opcode: constants of its operand types, the opcode, drops of its
    results (memory accesses with non-default offset and alignment)."""
    const = {"i32": "i32.const 1", "i64": "i64.const -1", "f32": "f32.const 1.5", "f64": "f64.const -0.25"}
    funcs = []
    for info in [*OPCODES.values(), *MISC_OPCODES.values()]:
        if info.signature is None or info.immediate not in ("none", "memarg"):
            continue
        params, results = info.signature
        memarg = " offset=70000 align=1" if info.immediate == "memarg" else ""
        body = [const[t.text] for t in params] + [info.name + memarg] + ["drop"] * len(results)
        funcs.append(f"  (func {' '.join(body)})")
    return "(module (memory 1)\n" + "\n".join(funcs) + "\n  (func i32.const 1 memory.grow memory.size "\
        "i64.const 0x7fffffffffffffff f32.const nan:0x12345 f64.const -inf unreachable))"


@pytest.mark.parametrize("sample", WABT_SAMPLES)
def test_instruction_offsets_match_wasm_objdump(sample: str, tmp_path: Path) -> None:
    wasm = wabt_assemble(SAMPLES / f"{sample}.wat", tmp_path)
    module = decode(wasm.read_bytes())
    expected, starts = objdump_instructions(wasm)
    assert our_instructions(module) == expected
    assert {f.index: f.locals_offset for f in module.functions} == starts


def test_every_numeric_and_memory_opcode_matches_wasm_objdump(tmp_path: Path) -> None:
    wasm = wabt_assemble(all_fixed_ops_wat(), tmp_path)
    module = decode(wasm.read_bytes())
    expected, _ = objdump_instructions(wasm)
    assert our_instructions(module) == expected
    ops = {op for _, op in expected}
    assert {"i64.trunc_sat_f64_u", "i32.extend8_s", "f64.copysign", "i64.store32", "memory.grow"} <= ops
    consts: dict[str, tuple[object, ...]] = {i.op: i.imm for i in module.functions[-1].body}
    assert consts["i64.const"] == (0x7FFFFFFFFFFFFFFF,)
    assert consts["f32.const"] == (0x7F812345,)  # the NaN payload survives as raw bits
    assert consts["f64.const"] == (0xFFF0000000000000,)
    assert {i.imm for f in module.functions for i in f.body if i.op == "i64.store32"} == {(0, 70000)}


@pytest.mark.parametrize("sample", [*WABT_SAMPLES, "exceptions"])
def test_wasmtime_and_wabt_assemblies_decode_to_the_same_instructions(sample: str, tmp_path: Path) -> None:
    text = (SAMPLES / f"{sample}.wat").read_text()
    ours = decode(bytes(wasmtime.wat2wasm(text)))
    ops = [[i.op for i in f.body] for f in ours.functions]
    if sample == "exceptions":  # wabt 1.0.32 predates try_table: check the clause decoding instead
        clauses = [i.imm[1] for f in ours.functions for i in f.body if i.op == "try_table"]
        assert [[(c.kind, c.tag, c.label) for c in cs if isinstance(c, Catch)]
                for cs in clauses if isinstance(cs, tuple)] == [
            [("catch", 0, 0)], [("catch_all", None, 0), ("catch_ref", 0, 1), ("catch_all_ref", None, 2)]]
        assert ["throw_ref" in f for f in ops] == [False, False, True]
        return
    reference = decode(wabt_assemble(SAMPLES / f"{sample}.wat", tmp_path).read_bytes())
    assert ops == [[i.op for i in f.body] for f in reference.functions]
    assert [[i.imm for i in f.body] for f in ours.functions] == [[i.imm for i in f.body] for f in reference.functions]


def test_names_match_wasm_objdump(tmp_path: Path) -> None:
    wasm = wabt_assemble(SAMPLES / "control.wat", tmp_path)
    module = decode(wasm.read_bytes())
    dump = run(["wasm-objdump", "-x", wasm]).stdout
    names = dict(re.findall(r"^ - func\[(\d+)\] <(\w+)>$", dump, re.M))
    assert module.function_names == {int(k): v for k, v in names.items()}
    locals_: dict[int, dict[int, str]] = {}
    for func, local, name in re.findall(r"^ - func\[(\d+)\] local\[(\d+)\] <(\w+)>$", dump, re.M):
        locals_.setdefault(int(func), {})[int(local)] = name
    assert module.local_names == locals_
    assert f"module <{module.module_name}>" in dump
    assert [(e.name, e.kind, e.index) for e in module.exports] == [
        (n, "func", int(i)) for i, n in re.findall(r'^ - func\[(\d+)\] <\w+> -> "(\w+)"$', dump, re.M)]


def test_segments_match_wasm_objdump(tmp_path: Path) -> None:
    wasm = wabt_assemble(SAMPLES / "tables.wat", tmp_path)
    module = decode(wasm.read_bytes())
    dump = run(["wasm-objdump", "-x", wasm]).stdout
    segments = re.findall(r"^ - segment\[\d+\] flags=(\d+) table=(\d+) count=(\d+)", dump, re.M)
    assert len(segments) == len(module.elements) == 10
    for seg, (flags, table, count) in zip(module.elements, segments, strict=True):
        mode = "active" if not int(flags) & 1 else ("declarative" if int(flags) & 2 else "passive")
        assert (seg.mode, seg.table, len(seg.functions)) == (mode, int(table), int(count))
    assert module.elements[4].functions == (0, None)  # ref.func $f, ref.null func
    data = re.findall(r"^ - segment\[\d+\] (?:<\w+> )?(passive|memory=\d+) size=(\d+)", dump, re.M)
    assert [(d.memory is None, len(d.data)) for d in module.data] == [(k == "passive", int(n)) for k, n in data]
    assert module.data[2].offset_expr is not None and module.data[2].offset_expr[0].op == "global.get"
    assert module.data_count == 3


def test_clang_debug_module_keeps_custom_sections(tmp_path: Path) -> None:
    src = tmp_path / "t.c"
    src.write_text("static int square(int x) { return x * x; }\n"
                   "int sum_squares(int n) { int s = 0; for (int i = 0; i < n; i++) s += square(i); return s; }\n"
                   "double scale(double v, float f) { return v * f; }\n")
    wasm = tmp_path / "t.wasm"
    wasm_clang(["--target=wasm32", "-g", "-O0", "-nostdlib", "-Wl,--no-entry", "-Wl,--export-all",
                "-o", wasm, src])
    data = wasm.read_bytes()
    module = decode(data)
    expected, starts = objdump_instructions(wasm)
    assert our_instructions(module) == expected
    assert {f.index: f.locals_offset for f in module.functions} == starts
    sections = re.findall(r'Custom start=0x([0-9a-f]+) end=0x([0-9a-f]+) .* "([^"]+)"',
                          run(["wasm-objdump", "-h", wasm]).stdout)
    assert {".debug_info", ".debug_line", ".debug_abbrev", ".debug_str"} <= {name for _, _, name in sections}
    for start, end, name in sections:
        name_field = 1 + len(name.encode())
        assert module.custom_offsets[name] == int(start, 16) + name_field
        assert module.custom_sections[name] == data[int(start, 16) + name_field:int(end, 16)]
    assert {"sum_squares", "square", "scale"} <= set(module.function_names.values())


def test_simd_instructions_decode_at_the_offsets_wasm_objdump_shows(tmp_path: Path) -> None:
    simd = bytes(wasmtime.wat2wasm("(module (func (result i32) i32.const 0 drop v128.const i64x2 1 2 "
                                   "i8x16.extract_lane_u 3))"))
    body = decode(simd).functions[0].body
    wasm = tmp_path / "simd.wasm"
    wasm.write_bytes(simd)
    theirs = objdump_instructions(wasm)[0]
    assert [(i.offset, i.op) for i in body] == theirs
    assert body[2].imm == (1 | 2 << 64,) and body[3].imm == (3,)


def test_unsupported_proposals_name_offset_and_feature() -> None:
    fence = bytes(wasmtime.wat2wasm("(module (func nop atomic.fence))"))
    with pytest.raises(UnsupportedError, match="threads") as info:
        decode(fence)
    assert fence[info.value.offset] == 0xFE
    typed = bytes(wasmtime.wat2wasm("(module (type $t (func)) (elem declare func $f) "
                                    "(func $f (return_call_ref $t (ref.func $f))))"))
    with pytest.raises(UnsupportedError, match="typed function references"):
        decode(typed)


@pytest.mark.parametrize(("data", "offset", "reason"), [
    (b"\0asn\1\0\0\0", 0, "magic header"),
    (b"\0asm\2\0\0\0", 4, "unknown binary version"),
    (b"\0asm\1\0\0", 4, "unexpected end"),
    (b"\0asm\1\0\0\0\x0e\0", 8, "malformed section id"),
    (b"\0asm\1\0\0\0\1\x05\0", 8, "unexpected end"),
    (b"\0asm\1\0\0\0\1\1\0\1\1\0", 0xB, "out of order or duplicated"),
    (b"\0asm\1\0\0\0\1\x02\0\0", 0xB, "section size mismatch"),
    (b"\0asm\1\0\0\0\1\x06\x80\x80\x80\x80\x80\0", 0xA, "integer representation too long"),
    (b"\0asm\1\0\0\0\1\x05\x80\x80\x80\x80\x10", 0xA, "integer too large"),
    (b"\0asm\1\0\0\0\0\x03\x02\xc3\x28", 0xB, "malformed UTF-8"),
    (b"\0asm\1\0\0\0\1\4\1\x60\0\0\3\2\1\0", len(b"\0asm\1\0\0\0\1\4\1\x60\0\0\3\2\1\0"), "inconsistent lengths"),
    (b"\0asm\1\0\0\0\1\4\1\x60\0\0\3\2\1\0\x0a\x0a\1\x08\2\xff\xff\x03\x7f\1\x7f\x0b", 0x17, "too many locals"),
    (b"\0asm\1\0\0\0\1\4\1\x60\0\0\3\2\1\0\x0a\5\1\3\0\x0b\x0b", 0x18, "operators remaining"),
    (b"\0asm\1\0\0\0\1\4\1\x60\0\0\3\2\1\0\x0a\5\1\3\0\x01\x01", 0x19, "END opcode expected"),
    (b"\0asm\1\0\0\0\1\4\1\x60\0\0\3\2\1\0\x0a\5\1\3\0\xff\x0b", 0x17, "illegal opcode"),
])
def test_malformed_modules_name_offset_and_reason(data: bytes, offset: int, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason) as info:
        decode(data)
    assert info.value.offset == offset
    with pytest.raises(wasmtime.WasmtimeError):  # the engine rejects it too
        wasmtime.Module.validate(wasmtime.Engine(), data)


def _module_with_elem(segment: bytes) -> bytes:
    """Type [] -> [], one function, one element segment (given raw), its body."""
    elem = b"\x01" + segment
    return (b"\0asm\1\0\0\0" + b"\x01\x04\x01\x60\0\0" + b"\x03\x02\x01\0"
            + b"\x09" + bytes([len(elem)]) + elem + b"\x0a\x04\x01\x02\0\x0b")


def test_declarative_expression_segments_and_their_types() -> None:
    engine = wasmtime.Engine()
    declarative = _module_with_elem(b"\x07\x70\x01\xd2\x00\x0b")  # flags 7: declare funcref (ref.func 0)
    wasmtime.Module.validate(engine, declarative)
    (seg,) = decode(declarative).elements
    assert (seg.mode, seg.functions, seg.elem_type) == ("declarative", (0,), ValType.FUNCREF)
    externs = _module_with_elem(b"\x05\x6f\x02\xd0\x6f\x0b\xd0\x6f\x0b")  # flags 5: passive externref nulls
    wasmtime.Module.validate(engine, externs)
    (seg,) = decode(externs).elements
    assert (seg.mode, seg.functions, seg.elem_type) == ("passive", (None, None), ValType.EXTERNREF)
    mismatch = _module_with_elem(b"\x05\x6f\x01\xd2\x00\x0b")  # ref.func in an externref segment
    with pytest.raises(wasmtime.WasmtimeError):
        wasmtime.Module.validate(engine, mismatch)
    with pytest.raises(ValidationError, match="type mismatch"):
        decode(mismatch)
