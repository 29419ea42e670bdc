"""SEH lowering against the real tools: GNU as `.seh_*` output is the byte oracle for .xdata/.pdata, and
llvm-readobj / mingw objdump must decode every function without a warning, with the codes the frame shape means."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emitter.compiled import CompiledFunction, CompiledModule
from emitter.errors import FormatLimitError
from emitter.lower_coff import lower_module_coff, write_object
from emitter.obj.coff import write_coff
from emitter.seh.lower import ExceptionHandler, lower_unwind_program
from emitter.unwind import UnwindProgram

from .tools import run
from .windows_support import (
    MINGW,
    FunctionBuilder,
    assemble,
    frame_shape,
    gas_object,
    module_of,
    section_bytes,
    standard_cases,
)


def _far_and_handler() -> list[FunctionBuilder]:
    """Frames too big for the scaled codes (ALLOC_LARGE with a 32-bit size, the _FAR saves), a function with a
    handler and inline handler data, and a leaf with no codes."""
    huge = FunctionBuilder("huge").push("rbx").alloc(1200000).save("r12", 600000).save("xmm6", 1100000)
    huge.end_prologue().body("nop").epilogue()
    handled = FunctionBuilder("handled")
    frame_shape(handled, ["rbp", "rsi"], 48, xmm=["xmm12"], frame=("rbp", 16)).call("host_callback").epilogue()
    handled.with_handler("__gxx_personality_seh0", bytes(range(1, 14)))
    leaf = FunctionBuilder("leaf").end_prologue().body("mov eax, 1").body("ret")
    return [huge, handled, leaf]


def _our_object(builders: list[FunctionBuilder], work: Path) -> Path:
    handlers = {b.name: ExceptionHandler(b.handler[0], b.handler[1]) for b in builders if b.handler}
    obj, _ = lower_module_coff(module_of(builders), handlers=handlers)
    path = work / "ours.obj"
    path.write_bytes(write_coff(obj))
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[FunctionBuilder], Path, Path]:
    work = tmp_path_factory.mktemp("seh")
    builders = [b for case in standard_cases() for b in case.builders] + _far_and_handler()
    assemble(builders, work)
    return builders, _our_object(builders, work), gas_object(builders, work)


def test_xdata_and_pdata_are_byte_identical_to_gnu_as(built: tuple[list[FunctionBuilder], Path, Path],
                                                       tmp_path: Path) -> None:
    _, ours, oracle = built
    for section in (".xdata", ".pdata"):
        assert section_bytes(ours, section, tmp_path).hex() == section_bytes(oracle, section, tmp_path).hex(), section


def _readobj_codes(path: Path) -> dict[str, list[str]]:
    proc = run(["llvm-readobj-19", "--unwind", path])
    assert "warning" not in proc.stderr.lower() and "error" not in proc.stderr.lower(), proc.stderr
    functions: dict[str, list[str]] = {}
    current: list[str] = []
    for line in proc.stdout.splitlines():
        if match := re.match(r"\s*StartAddress: (\S+) \(", line):
            current = functions.setdefault(match.group(1), [])
        elif match := re.match(r"\s*(0x[0-9A-F]{2}: .*)$", line):
            current.append(match.group(1).strip())
    return functions


def test_llvm_readobj_decodes_the_codes_the_frame_shape_means(
        built: tuple[list[FunctionBuilder], Path, Path]) -> None:
    builders, ours, _ = built
    decoded = _readobj_codes(ours)
    assert set(decoded) == {b.name for b in builders}
    for builder in builders:
        assert decoded[builder.name] == builder.expected_codes(), builder.name


def test_mingw_objdump_decodes_every_function_without_complaint(
        built: tuple[list[FunctionBuilder], Path, Path]) -> None:
    builders, ours, _ = built
    proc = run([f"{MINGW}-objdump", "-x", ours])
    assert proc.stderr == ""
    assert "warning" not in proc.stdout.lower() and "corrupt" not in proc.stdout.lower()
    # One decoded entry per function, and the prologue sizes the shape implies.
    assert proc.stdout.count("Version: 1, Flags:") == len(builders)
    rows = re.findall(r"Nbr codes: (\d+), Prologue size: 0x([0-9a-f]+)", proc.stdout)
    assert len(rows) == len(builders)
    assert any(int(count) == 0 for count, _ in rows)  # the leaf
    assert "handler" in proc.stdout.lower()


def test_symbols_carry_function_sizes(built: tuple[list[FunctionBuilder], Path, Path]) -> None:
    builders, ours, _ = built
    proc = run(["llvm-readobj-19", "--symbols", ours])
    sizes = dict(re.findall(r"Name: (\w+)\n(?:.*\n){5,7}?\s*AuxFunctionDef \{\n\s*TagIndex: 0\n\s*TotalSize: (\d+)",
                            proc.stdout))
    assert sizes == {b.name: str(len(b.compiled().code)) for b in builders}


# -- inexpressible programs: a typed error naming the function and offset, and no file ---------------------
def _function(name: str, code: bytes, build: list[tuple[str, tuple[object, ...]]]) -> CompiledFunction:
    program = UnwindProgram(name)
    for method, args in build:
        getattr(program, method)(*args)
    return CompiledFunction(name, code, program, exports=(name,))


PUSH_RBP_MOV = b"\x55" + b"\x48\x8d\x2c\x24" + b"\x90" * 4 + b"\x5d\xc3"
BAD_PROGRAMS = [
    # frame register offset not a multiple of 16
    ("fp_offset", b"\x55" + b"\x48\x83\xec\x20" + b"\x48\x8d\x6c\x24\x08" + b"\xc3",
     [("push", (1, "rbp")), ("alloc", (5, 32)), ("set_frame_pointer", (10, "rbp", 8))], 10),
    # frame offset above 240
    ("fp_far", b"\x55" + b"\x48\x81\xec\x00\x01\x00\x00" + b"\x48\x8d\xac\x24\x00\x01\x00\x00" + b"\xc3",
     [("push", (1, "rbp")), ("alloc", (8, 256)), ("set_frame_pointer", (16, "rbp", 256))], 16),
    # rax as the frame register
    ("fp_rax", b"\x48\x8d\x04\x24\xc3", [("set_frame_pointer", (4, "rax", 0))], 4),
    # prologue longer than 255 bytes
    ("long_prologue", b"\x55" + b"\x90" * 300 + b"\xc3", [("push", (1, "rbp")), ("prologue_end", (301,))], 301),
    # a page allocated with a plain sub rsp (no stack probe)
    ("no_probe", b"\x48\x81\xec\x00\x10\x00\x00\xc3", [("alloc", (7, 4096))], 7),
    # rsp moves after a save without a frame register
    ("save_then_push", b"\x48\x83\xec\x10" + b"\x48\x89\x1c\x24" + b"\x56\xc3",
     [("alloc", (4, 16)), ("save", (8, "rbx", 0)), ("push", (9, "rsi"))], 9),
    # epilogue with `mov rsp, rbp`, which the Windows epilogue recogniser does not accept
    ("mov_epilogue", b"\x55" + b"\x48\x89\xe5" + b"\x90" + b"\x48\x89\xec" + b"\x5d\xc3",
     [("push", (1, "rbp")), ("set_frame_pointer", (4, "rbp", 0)), ("prologue_end", (5,)),
      ("epilogue_begin", (5,)), ("reset_sp_from_fp", (8, 0)), ("pop", (9, "rbp")), ("epilogue_end", (10,))], 8),
    # an instruction between the pops of an epilogue
    ("gap_epilogue", b"\x55\x53" + b"\x90" + b"\x5b" + b"\x90" + b"\x5d\xc3",
     [("push", (1, "rbp")), ("push", (2, "rbx")), ("epilogue_begin", (3,)), ("pop", (4, "rbx")),
      ("pop", (6, "rbp")), ("epilogue_end", (7,))], 4),
    # a tail call's epilogue ending in `jmp r11` (41 ff e3): Windows and Wine only take a REX.W-prefixed
    # indirect jmp (Wine: exactly 0x48) as the end of an epilogue
    ("jmp_r11_epilogue", b"\x55\x53" + b"\x5b\x5d" + b"\x41\xff\xe3",
     [("push", (1, "rbp")), ("push", (2, "rbx")), ("epilogue_begin", (2,)), ("pop", (3, "rbx")),
      ("pop", (4, "rbp")), ("epilogue_end", (7,))], 7),
    # the frame shrinks in the body, outside any epilogue
    ("body_pop", b"\x53" + b"\x90" + b"\x5b" + b"\x90\xc3", [("push", (1, "rbx")), ("prologue_end", (2,)),
                                                           ("pop", (3, "rbx"))], 3),
]


@pytest.mark.parametrize("jump", [b"\x48\xff\xe0", b"\xe9\0\0\0\0"], ids=["rex_jmp_rax", "jmp_rel32"])
def test_tail_call_jumps_get_a_leaf_range_and_the_code_after_them_the_primary_description(jump: bytes) -> None:
    """A tail call's epilogue (``codegen/tailcall.py``): the pops, then the jump instead of ``ret``. Before the
    jump the primary description holds (the same codes as a returning function's); the jump is a range of its
    own with no codes (a leaf: the return address is at rsp); the body after it is an indirect range that shares
    the primary's description."""
    code = b"\x55\x53" + b"\x5b\x5d" + jump + b"\x5b\x5d\xc3"
    after = 4 + len(jump)
    build = [("push", (1, "rbp")), ("push", (2, "rbx")), ("prologue_end", (2,)), ("epilogue_begin", (2,)),
             ("pop", (3, "rbx")), ("pop", (4, "rbp")), ("epilogue_end", (after,)), ("epilogue_begin", (after,)),
             ("pop", (after + 1, "rbx")), ("pop", (after + 2, "rbp")), ("epilogue_end", (after + 3,))]
    returning = _function("returns", b"\x55\x53\x5b\x5d\xc3", build[:6] + [("epilogue_end", (5,))])
    tail = _function("tail", code, build)
    primary, leaf, rest = lower_unwind_program(tail.unwind, code).regions
    [expected] = lower_unwind_program(returning.unwind, returning.code).regions
    assert (primary.start, primary.end, primary.info) == (0, 4, expected.info) and not primary.indirect
    assert (leaf.start, leaf.end, leaf.info.codes, leaf.info.frame_register) == (4, after, (), None)
    assert not leaf.indirect and not leaf.info.chained
    assert (rest.start, rest.end, rest.indirect, rest.info) == (after, len(code), True, primary.info)


def test_tail_call_ranges_decode_with_llvm_readobj(tmp_path: Path) -> None:
    """The object's .pdata with a tail call: the primary entry, the jump's leaf entry with no codes, and the
    indirect entry after it, whose UnwindData is the primary entry's RVA + 1 (llvm-readobj does not follow
    indirect entries, it shows the address; Wine's unwinder following them is tests/test_tailcall_wine_stepping.py)."""
    jump = b"\xe9\0\0\0\0"
    code = b"\x55\x53" + b"\x5b\x5d" + jump + b"\x5b\x5d\xc3"
    build = [("push", (1, "rbp")), ("push", (2, "rbx")), ("prologue_end", (2,)), ("epilogue_begin", (2,)),
             ("pop", (3, "rbx")), ("pop", (4, "rbp")), ("epilogue_end", (9,)), ("epilogue_begin", (9,)),
             ("pop", (10, "rbx")), ("pop", (11, "rbp")), ("epilogue_end", (12,))]
    path = tmp_path / "tail.obj"
    write_object(CompiledModule("tail", functions=[_function("tail", code, build)]), path)
    dump = run(["llvm-readobj-19", "--unwind", path]).stdout
    entries = re.findall(r"StartAddress: tail(?: \+0x([0-9A-F]+))? .*\n\s+EndAddress: tail \+0x([0-9A-F]+) .*\n"
                         r"\s+UnwindInfoAddress: (\S+(?: \+0x[0-9A-F]+)?) ", dump)
    assert [(int(start or "0", 16), int(end, 16)) for start, end, _ in entries] == [(0, 4), (4, 9), (9, 12)], dump
    assert [info for _, _, info in entries] == [".xdata", ".xdata +0x8", ".pdata +0x1"], dump
    leaf = dump.split("RuntimeFunction {")[2]
    assert "UnwindCodeCount: 0" in leaf and "PrologSize: 0" in leaf and "FrameRegister: -" in leaf, leaf


@pytest.mark.parametrize(("name", "code", "build", "offset"), BAD_PROGRAMS, ids=[p[0] for p in BAD_PROGRAMS])
def test_inexpressible_programs_raise_and_write_nothing(name: str, code: bytes,
                                                        build: list[tuple[str, tuple[object, ...]]], offset: int,
                                                        tmp_path: Path) -> None:
    good = _function("fine", b"\x53" + b"\x5b\xc3", [("push", (1, "rbx")), ("epilogue_begin", (1,)),
                                                     ("pop", (2, "rbx")), ("epilogue_end", (3,))])
    module = CompiledModule("bad", functions=[good, _function(name, code, build)])
    out = tmp_path / "bad.obj"
    with pytest.raises(FormatLimitError) as info:
        write_object(module, out)
    assert info.value.function == name
    assert info.value.offset == offset
    assert f"function '{name}'" in str(info.value)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_second_prologue_region_is_chained_to_the_primary(tmp_path: Path) -> None:
    """A shrink-wrapped save after the first prologue gets a chained UNWIND_INFO that llvm-readobj follows."""
    code = b"\x53" + b"\x90" * 3 + b"\x56" + b"\x48\x83\xec\x10" + b"\x90" + b"\x48\x83\xc4\x10" + b"\x5e\x5b\xc3"
    program = UnwindProgram("wrapped")
    program.push(1, "rbx").prologue_end(1).push(5, "rsi").alloc(9, 16).prologue_end(9)
    program.epilogue_begin(10).free(14, 16).pop(15, "rsi").pop(16, "rbx").epilogue_end(17)
    seh = lower_unwind_program(program, code)
    assert [(r.start, r.end, r.info.chained) for r in seh.regions] == [(0, 1, False), (1, 17, True)]
    obj, _ = lower_module_coff(CompiledModule("m", functions=[CompiledFunction("wrapped", code, program,
                                                                               exports=("wrapped",))]))
    path = tmp_path / "wrapped.obj"
    path.write_bytes(write_coff(obj))
    proc = run(["llvm-readobj-19", "--unwind", path])
    assert "warning" not in proc.stderr.lower()
    assert "ChainInfo (0x4)" in proc.stdout
    assert re.search(r"Chained \{\s*StartAddress: wrapped \(", proc.stdout)
    # The primary's code, then the chained region's own codes at offsets from its start (1).
    codes = re.findall(r"0x[0-9A-F]{2}: [A-Z_]+ [a-z]+=\w+", proc.stdout)
    assert codes == ["0x01: PUSH_NONVOL reg=RBX", "0x08: ALLOC_SMALL size=16", "0x04: PUSH_NONVOL reg=RSI"]
