"""Frames, unwind programs, line tables and variable descriptions of compiled functions, checked against the
machine code as capstone decodes it; plus an AOT link through the ELF writer and the system linker."""

from __future__ import annotations

import time
from pathlib import Path

import capstone

from emitter.codegen.compiler import compile_module
from emitter.codegen.runtime import TRAP_HOOK, TrapCode, default_trap_hook
from emitter.codegen.sysv import SYSV
from emitter.compiled import CompiledFunction, FrameSlot, ValueType
from emitter.lower import write_object
from emitter.unwind import (
    EpilogueBegin,
    EpilogueEnd,
    PopRegister,
    PrologueEnd,
    PushRegister,
    ResetStackFromFramePointer,
    SetFramePointer,
    StackAlloc,
)
from emitter.wasm.listing import render_listing
from emitter.wasm.load import load_bytes, wat_to_wasm
from tests.codegen_loader import compile_wat
from tests.tools import run

WAT = """(module $demo (memory 1)
  (func $leaf (export "leaf") (param $x i32) (param $y i32) (result i32) (local $tmp i64)
    (if (i32.eqz (local.get $y)) (then (return (i32.const -1))))
    (i32.div_s (local.get $x) (local.get $y)))
  (func $mem (export "mem") (param $p i32) (result i32) (i32.load (local.get $p)))
  (func $big (param f64) (result f64) (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    """ + " ".join(["(local i64)"] * 600) + """
    (local.get 0))
  (func $loop (export "spin") (param i32) (result i32)
    (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))) (local.get 0)))
"""


def _decode(code: bytes) -> list[capstone.CsInsn]:
    md = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
    return list(md.disasm(code, 0))


def _imm(value: int) -> str:
    """Capstone's spelling of an immediate: decimal below 10, hex from there."""
    return str(value) if value < 10 else f"{value:#x}"


def _check_unwind_matches_code(f: CompiledFunction) -> None:
    insns = _decode(f.code)
    assert sum(i.size for i in insns) == len(f.code), f"{f.name}: capstone stops early"
    ending = {i.address + i.size: i for i in insns}
    starting = {i.address: i for i in insns}
    recorded_pushes, recorded_pops, rets = set(), set(), set()
    for op in f.unwind.ops:
        insn = ending.get(op.offset)
        match op:
            case PushRegister(register=reg):
                assert insn is not None and (insn.mnemonic, insn.op_str) == ("push", reg), (f.name, op, insn)
                recorded_pushes.add(op.offset)
            case SetFramePointer():
                assert insn is not None and (insn.mnemonic, insn.op_str) == ("mov", "rbp, rsp"), (f.name, op)
            case StackAlloc(size=size):
                assert insn is not None, (f.name, op)
                assert (insn.mnemonic, insn.op_str) in (("sub", f"rsp, {_imm(size)}"), ("mov", "rsp, rax")), insn
            case ResetStackFromFramePointer(fp_offset=fp):
                expected = ("mov", "rsp, rbp") if fp == 0 else ("lea", f"rsp, [rbp - {_imm(-fp)}]")
                assert insn is not None and (insn.mnemonic, insn.op_str) == expected, (f.name, op, insn)
            case PopRegister(register=reg):
                assert insn is not None and (insn.mnemonic, insn.op_str) == ("pop", reg), (f.name, op)
                recorded_pops.add(op.offset)
            case EpilogueEnd():
                assert insn is not None and insn.mnemonic == "ret", (f.name, op)
                rets.add(op.offset)
            case EpilogueBegin():
                assert starting[op.offset].op_str.startswith("rsp"), (f.name, op)
            case PrologueEnd():
                assert op.offset in starting or op.offset == len(f.code)
    # Nothing moves the stack or returns without a record.
    for insn in insns:
        end = insn.address + insn.size
        if insn.mnemonic == "push":
            assert end in recorded_pushes, (f.name, insn)
        if insn.mnemonic == "pop":
            assert end in recorded_pops, (f.name, insn)
        if insn.mnemonic == "ret":
            assert end in rets, (f.name, insn)
    # In the body, the CFA is rbp + 16 and the return address at CFA - 8, wherever the unwinder stops.
    rows = f.unwind.rows(len(f.code))
    body_start = next(op.offset for op in f.unwind.ops if isinstance(op, PrologueEnd))
    body_row = f.unwind.rule_at(body_start, len(f.code))
    assert (body_row.cfa_register, body_row.cfa_offset) == ("rbp", 16)
    assert rows[0].cfa_register == "rsp" and rows[0].cfa_offset == 8


def test_unwind_programs_describe_every_prologue_and_epilogue_instruction() -> None:
    _, compiled = compile_wat(WAT, name="demo")
    names = [f.name for f in compiled.functions]
    assert names[:4] == ["leaf", "mem", "big", "loop"]
    for f in compiled.functions:
        _check_unwind_matches_code(f)
    leaf = compiled.functions[0]
    # Two returns: the early one is a mid-function epilogue.
    assert sum(isinstance(op, EpilogueEnd) for op in leaf.unwind.ops) == 2
    mem = compiled.functions[1]
    assert any(isinstance(op, PushRegister) and op.register == "rbx" for op in mem.unwind.ops)
    big = compiled.functions[2]
    alloc = next(op for op in big.unwind.ops if isinstance(op, StackAlloc))
    assert alloc.size >= 4096
    hook, _ = default_trap_hook(SYSV)
    _check_unwind_matches_code(hook)


def test_large_frames_touch_every_page_in_order() -> None:
    _, compiled = compile_wat(WAT, name="demo")
    big = compiled.functions[2]
    text = [(i.mnemonic, i.op_str) for i in _decode(big.code)]
    probe = text.index(("sub", "rsp, 0x1000"))
    assert text[probe + 1] == ("mov", "dword ptr [rsp], 0")
    assert ("ja", ) == (text[probe + 3][0],)


def test_line_table_maps_code_to_wasm_instructions() -> None:
    wasm = wat_to_wasm(WAT)
    module = load_bytes(wasm)
    listing = render_listing(module, "demo")
    compiled = compile_module(module, module_name="demo", listing=listing)
    leaf = compiled.functions[0]
    body = module.functions[0].body
    offsets = {i.offset for i in body}
    lines = leaf.lines
    assert lines[0].code_offset == 0 and lines[0].wasm_offset is None
    assert [e.code_offset for e in lines] == sorted(e.code_offset for e in lines)
    assert sum(e.prologue_end for e in lines) == 1
    assert all(e.wasm_offset in offsets for e in lines[1:])
    assert all(e.line == listing.line_of(e.wasm_offset) for e in lines[1:] if e.wasm_offset is not None)
    # The trap call for the division returns to an address whose row names the div instruction.
    div = next(i for i in body if i.op == "i32.div_s")
    insns = _decode(leaf.code)
    calls = [i for i in insns if i.mnemonic == "call"]
    trap_relocs = {r.offset for r in leaf.relocations if r.symbol == TRAP_HOOK}
    div_calls = []
    for call in calls:
        if call.address + 1 not in trap_relocs:
            continue
        ret = call.address + call.size
        row = [e for e in lines if e.code_offset < ret][-1]
        prev = insns[[i.address for i in insns].index(call.address) - 1]
        if prev.op_str.endswith(f", {int(TrapCode.INTEGER_DIVISION_BY_ZERO)}"):
            div_calls.append(row.wasm_offset)
    assert div_calls == [div.offset]


def test_variables_name_every_param_and_local() -> None:
    _, compiled = compile_wat(WAT, name="demo")
    leaf = compiled.functions[0]
    assert [(v.name, v.type, v.is_parameter) for v in leaf.variables] == [
        ("x", ValueType.I32, True), ("y", ValueType.I32, True), ("tmp", ValueType.I64, False)]
    slots = [v.location for v in leaf.variables]
    assert all(isinstance(s, FrameSlot) and s.offset < 0 for s in slots)
    assert len({s.offset for s in slots if isinstance(s, FrameSlot)}) == 3
    spin = compiled.functions[3]
    assert [v.name for v in spin.variables] == ["param0"]
    assert leaf.exports == ("leaf",) and leaf.wasm_index == 0 and leaf.frame_base == "rbp"


def test_aot_object_links_and_traps_through_the_default_hook(tmp_path: Path) -> None:
    """The compiled module written by the ELF writer links with a C host; a trap prints wasmtime's message
    through the default hook and aborts."""
    module = load_bytes(wat_to_wasm(WAT))
    compiled = compile_module(module, module_name="demo", default_trap_hook=True)
    obj = tmp_path / "demo.o"
    write_object(compiled, obj)
    host = tmp_path / "host.c"
    host.write_text("""#include <stdio.h>
#include <stdint.h>
int32_t leaf(int32_t, int32_t); int32_t mem(int32_t); int32_t spin(int32_t);
int main(int argc, char **argv) {
  printf("%d %d %d %d\\n", leaf(7, 2), leaf(7, 0), mem(0), spin(5));
  fflush(stdout);
  return leaf(-2147483647 - argc, -1);
}
""")
    exe = tmp_path / "host"
    run(["gcc", "-o", exe, host, obj])
    proc = run([exe], check=False)
    assert proc.stdout == "3 -1 0 0\n"
    assert proc.returncode == -6
    assert proc.stderr == "wasm trap: integer overflow\n"


def test_compile_speed() -> None:
    """A large module compiles at tens of thousands of Wasm instructions per second (about 50,000 on an idle
    core; the bound leaves room for a loaded test machine)."""
    body = "(local.get 0) (i32.const 3) (i32.add) (local.set 1) (local.get 1) (i32.const 7) (i32.mul) (drop) " * 4
    funcs = "\n".join(f"(func (param i32) (result i32) (local i32) {body} (local.get 1))" for _ in range(1000))
    module = load_bytes(wat_to_wasm(f"(module {funcs})"))
    count = sum(len(f.body) for f in module.functions)
    start = time.perf_counter()
    compile_module(module, module_name="speed")
    rate = count / (time.perf_counter() - start)
    assert rate > 10_000, f"{rate:.0f} instructions/s"
