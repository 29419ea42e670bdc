"""Win64 code generation without running it: the calling convention's argument assignment, and the shape of every
compiled function as llvm-readobj and llvm-objdump see it in the COFF objects of the whole corpus — the frame
pointer set after the pushes, epilogues the Windows unwinder recognises, a ``nop`` between a call and an epilogue,
and frames of a page or more allocated through ``___chkstk_ms``. (Running the code under Wine is
tests/test_wine_corpus.py and tests/test_win64_wine_unwind.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emitter.aot import compile_file
from emitter.codegen.abi import ArgLocation
from emitter.codegen.targets import abi_for
from emitter.errors import UnsupportedError
from emitter.wasm.module import ValType
from emitter.x64.asm import R8, R9, RCX, RDX
from samples.corpus.harness import corpus_programs

from .tools import ROOT, run

TARGET = "x86_64-windows"
#: A call that is the last thing before the epilogue, in a function body and in the start function (run by the
#: instantiation function, whose call to it is also followed by its epilogue).
TAIL_CALLS = """(module (import "env" "f" (func $f)) (func $g (export "g") (call $f)) (func $s (call $f)) (start $s))"""
_INSTRUCTION = re.compile(r"^\s+([0-9a-f]+):\s+(.*)$")
_FUNCTION = re.compile(r"^[0-9a-f]+ <(.+)>:$")


def test_arguments_go_by_position_with_stack_slots_above_the_shadow_space() -> None:
    """Microsoft x64 convention: the n-th argument takes the n-th register of its class (rcx/rdx/r8/r9 or
    xmm0-3) whatever the others are; the fifth and later go to [rsp + 32 + 8k] at the call."""
    abi = abi_for(TARGET)
    params = (ValType.I32, ValType.F64, ValType.I64, ValType.F32, ValType.I32, ValType.F64)
    locations, stack = abi.assign(params)
    assert locations == [ArgLocation("gpr", RCX), ArgLocation("xmm", 1), ArgLocation("gpr", R8),
                         ArgLocation("xmm", 3), ArgLocation("stack", stack_offset=32),
                         ArgLocation("stack", stack_offset=40)]
    assert stack == 16
    # A hidden result pointer takes the first position (rcx): the first float argument moves to xmm1.
    locations, stack = abi.assign((ValType.F64, ValType.I64, ValType.I64), hidden_pointer=True)
    assert locations == [ArgLocation("xmm", 1), ArgLocation("gpr", R8), ArgLocation("gpr", R9)]
    assert stack == 0
    assert abi.int_args[:2] == (RCX, RDX) and abi.shadow_space == 32


def test_unknown_target_names_the_known_ones() -> None:
    with pytest.raises(UnsupportedError, match="x86_64-linux, x86_64-windows"):
        abi_for("x86_64-macos")


@pytest.fixture(scope="module")
def objects(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every corpus program, the unwinding chain and the tail-call module, compiled for Windows by the AOT
    driver."""
    work = tmp_path_factory.mktemp("win64_objects")
    tail = work / "tail_calls.wat"
    tail.write_text(TAIL_CALLS)
    sources = [*corpus_programs(), ROOT / "tests" / "data" / "win64" / "chain.wat", tail]
    out = []
    for source in sources:
        obj = work / f"{source.stem}.obj"
        # The prefix keeps export symbols apart from function names (multi_value has both a ``$divmod`` and an
        # export "divmod").
        compile_file(source, obj, target=TARGET, export_prefix="wasm_")
        out.append(obj)
    return out


def _functions(objects: list[Path]) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """(name, [(instruction, relocation symbol or None)]) for every function, from llvm-objdump."""
    text = run(["llvm-objdump-19", "-d", "-r", "--no-show-raw-insn", "-M", "intel", *objects]).stdout
    functions: list[tuple[str, list[tuple[str, str | None]]]] = []
    for line in text.splitlines():
        if header := _FUNCTION.match(line):
            functions.append((header.group(1), []))
        elif (instruction := _INSTRUCTION.match(line)) and functions:
            body = functions[-1][1]
            words = instruction.group(2).split()
            if words[0].startswith("IMAGE_REL_AMD64_"):
                body[-1] = (body[-1][0], words[-1])
            else:
                body.append((" ".join(words).split(" #")[0], None))
    return functions


def _is_epilogue(instruction: str) -> bool:
    return instruction.startswith(("lea rsp", "add rsp", "pop ", "ret"))


def test_epilogues_have_the_windows_shape_and_no_call_returns_into_one(objects: list[Path]) -> None:
    functions = _functions(objects)
    assert {"wasm_g", "s", "wasm_chain_1"} <= {name for name, _ in functions}
    epilogues = nops = 0
    for name, body in functions:
        for index, (instruction, _) in enumerate(body):
            if instruction.startswith("call"):
                after = body[index + 1][0] if index + 1 < len(body) else "<end of function>"
                assert not _is_epilogue(after) and after != "<end of function>", (name, index, after)
                if after == "nop" and index + 2 < len(body) and body[index + 2][0] == "lea rsp, [rbp]":
                    nops += 1
            if instruction == "ret":
                epilogues += 1
                start = index - 1
                while body[start][0].startswith("pop "):
                    start -= 1
                assert body[index - 1][0] == "pop rbp", (name, body[start:index + 1])
                assert body[start][0] == "lea rsp, [rbp]", (name, body[start:index + 1])
    assert epilogues > len(functions) // 2  # not all: trap hooks and bodies ending in a trap never return
    assert nops >= 3  # g, s and the instantiation function calling s


def test_frames_of_a_page_or_more_call_the_stack_probe(objects: list[Path]) -> None:
    probed = []
    for name, body in _functions(objects):
        for index, (instruction, symbol) in enumerate(body):
            if symbol == "___chkstk_ms":
                size = body[index - 1][0]
                assert re.fullmatch(r"mov eax, 0x[0-9a-f]+", size), (name, size)
                assert int(size.split(", ")[1], 16) >= 4096, (name, size)
                assert body[index + 1][0] == "sub rsp, rax", (name, body[index + 1])
                probed.append(name)
            elif instruction.startswith("sub rsp, 0x"):
                assert int(instruction.split(", ")[1], 16) < 4096, (name, instruction)
    assert "wasm_chain_1" in probed


def test_unwind_info_sets_rbp_after_the_pushes(objects: list[Path]) -> None:
    """llvm-readobj decodes every function's UNWIND_INFO: rbp is the frame register at offset 0, established after
    every push and before the allocation, so the unwinder recovers rsp from rbp before popping anything."""
    text = run(["llvm-readobj-19", "--unwind", *objects]).stdout
    infos = text.split("RuntimeFunction {")[1:]
    assert len(infos) > 100
    for info in infos:
        start = re.search(r"StartAddress: (\S+)", info)
        assert "FrameRegister: RBP (0x5)" in info and "FrameOffset: 0x0" in info, info
        codes = [(int(offset, 16), code) for offset, code in re.findall(r"0x([0-9A-F]+): (\w+)", info)]
        frame = [offset for offset, code in codes if code == "SET_FPREG"]
        pushes = [offset for offset, code in codes if code == "PUSH_NONVOL"]
        allocs = [offset for offset, code in codes if code.startswith("ALLOC")]
        assert len(frame) == 1 and pushes and max(pushes) < frame[0], (start, codes)
        assert all(offset > frame[0] for offset in allocs), (start, codes)
