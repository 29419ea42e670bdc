"""The foundation test program, built from hand-written assembly, and the validation of bad input.

``build_chain`` assembles ``data/foundation/chain.s`` with GNU ``as`` (no CFI), takes each function's bytes and
relocations from the assembler's object, and describes each function for our emitter: an ``UnwindProgram``
from the file's ``@`` annotations, one line entry per instruction (its line in ``chain.s``, which is the listing
the line table names) and the variables declared in ``VARIABLES``. The other foundation tests use it.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection

from emitter.compiled import CompiledFunction, CompiledModule, FrameSlot, InRegister, LineEntry, ValueType, Variable
from emitter.errors import EmitError, SymbolError
from emitter.lower import lower_module, write_object
from emitter.obj.model import Relocation, RelocKind
from emitter.unwind import UnwindProgram
from tests.tools import run

DATA = Path(__file__).parent / "data" / "foundation"
SOURCE = DATA / "chain.s"

#: The call chain from the outermost function to the deepest (leaf returns before the callback is called).
CHAIN = ["fp_func", "pushes_func", "alloc4k", "alloc64k", "early_ret", "deepest"]
FUNCTIONS = CHAIN + ["leaf"]
EXPORTS = {"fp_func": ("jd_entry",)}
#: Frame base register per function (None: the CFA).
FRAME_BASE = {"fp_func": "rbp", "pushes_func": None, "alloc4k": "rbp", "alloc64k": None, "early_ret": "rbp",
              "deepest": "rbp", "leaf": None}
#: (name, type, location, is_parameter) per function; ``@live``/``@dead`` annotations give a code range.
VARIABLES: dict[str, list[tuple[str, ValueType, FrameSlot | InRegister, bool]]] = {
    "fp_func": [("x", ValueType.I32, FrameSlot(-4), True), ("y", ValueType.I32, FrameSlot(-8), False)],
    "pushes_func": [("x", ValueType.I32, FrameSlot(-64), True), ("y", ValueType.I32, InRegister("rbx"), False)],
    "alloc4k": [("x", ValueType.I32, FrameSlot(-4), True), ("y", ValueType.I32, FrameSlot(-4112), False)],
    "alloc64k": [("x", ValueType.I32, FrameSlot(-65552), True), ("y", ValueType.I32, FrameSlot(-16), False)],
    "early_ret": [("x", ValueType.I32, FrameSlot(-16), True), ("y", ValueType.I32, InRegister("rbx"), False)],
    "deepest": [("x", ValueType.I32, FrameSlot(-4), True), ("y", ValueType.I32, FrameSlot(-8), False)],
    "leaf": [("x", ValueType.I32, InRegister("rdi"), True)],
}
#: Values when the host calls jd_entry(10) and the callback runs (each function passes x + 1 on).
VALUES = {"fp_func": (10, 11), "pushes_func": (11, 12), "alloc4k": (12, 13), "alloc64k": (13, 14),
          "early_ret": (14, 15), "deepest": (15, 16)}
#: jd_callback returns 2 * 16; pushes_func adds its y (12), fp_func its x (10).
RESULT = 54

_ELF_RELOCATIONS = {2: RelocKind.PC_RELATIVE, 4: RelocKind.CALL}


def elf_section(elf: ELFFile, name: str) -> Any:
    """A section by name, typed loosely: pyelftools returns a union the tests narrow by the name they ask for."""
    section = elf.get_section_by_name(name)
    if section is None:
        raise AssertionError(f"no section {name}")
    return section


@dataclass
class Instruction:
    line: int
    text: str
    annotations: list[list[str]]
    start: int = 0
    end: int = 0


@dataclass
class Chain:
    module: CompiledModule
    source: Path
    #: Function -> its instructions with offsets.
    instructions: dict[str, list[Instruction]] = field(default_factory=dict)

    def call_line(self, function: str) -> int:
        """The line of the call that a function's frame is stopped in, in a backtrace from the callback."""
        calls = [i for i in self.instructions[function] if i.text.startswith("call")]
        return calls[-1].line if function == "deepest" else calls[0].line


def _parse_source() -> dict[str, list[Instruction]]:
    functions: dict[str, list[Instruction]] = {}
    current: list[Instruction] | None = None
    for number, text in enumerate(SOURCE.read_text().splitlines(), 1):
        code, _, comment = text.partition("#")
        code = code.strip()
        if not code or code.startswith("."):
            continue
        label = re.fullmatch(r"([\w.]+):", code)
        if label:
            if label.group(1) in FUNCTIONS:
                current = functions.setdefault(label.group(1), [])
            continue
        if current is None:
            raise AssertionError(f"instruction outside a function at line {number}")
        annotations = [a.split() for a in comment.split("@")[1:]]
        current.append(Instruction(number, code, annotations))
    return functions


def _labelled_source(functions: dict[str, list[Instruction]]) -> str:
    """The source with a symbol before every instruction (``jdl_<line>``), so the assembler reports offsets."""
    lines = {i.line for instructions in functions.values() for i in instructions}
    out = []
    for number, text in enumerate(SOURCE.read_text().splitlines(), 1):
        if number in lines:
            out.append(f"jdl_{number}:")
        out.append(text)
    return "\n".join(out) + "\n"


def _unwind(name: str, instructions: list[Instruction]) -> UnwindProgram:
    program = UnwindProgram(name)
    for insn in instructions:
        for annotation in insn.annotations:
            match annotation:
                case ["push", register]:
                    program.push(insn.end, register)
                case ["setfp", register]:
                    program.set_frame_pointer(insn.end, register)
                case ["alloc", size]:
                    program.alloc(insn.end, int(size))
                case ["free", size]:
                    program.free(insn.end, int(size))
                case ["prologue_end"]:
                    program.prologue_end(insn.end)
                case ["epilogue_begin"]:
                    program.epilogue_begin(insn.start)
                case ["reset_sp"]:
                    program.reset_sp_from_fp(insn.end)
                case ["pop", register]:
                    program.pop(insn.end, register)
                case ["epilogue_end"]:
                    program.epilogue_end(insn.end)
                case ["live", _] | ["dead", _]:
                    pass
                case _:
                    raise AssertionError(f"unknown annotation {annotation} at line {insn.line}")
    return program


def _variables(name: str, instructions: list[Instruction]) -> list[Variable]:
    ranges: dict[str, list[int]] = {}
    for insn in instructions:
        for annotation in insn.annotations:
            if annotation[0] == "live":
                ranges.setdefault(annotation[1], [0, 0])[0] = insn.end
            elif annotation[0] == "dead":
                ranges.setdefault(annotation[1], [0, 0])[1] = insn.start
    out = []
    for var, value_type, location, is_parameter in VARIABLES[name]:
        code_range = (ranges[var][0], ranges[var][1]) if var in ranges else None
        out.append(Variable(var, value_type, location, is_parameter, code_range))
    return out


def build_chain(directory: Path) -> Chain:
    """Assemble the chain and describe it; the listing ``chain.s`` is copied into ``directory``."""
    functions = _parse_source()
    labelled = directory / "chain-labelled.s"
    labelled.write_text(_labelled_source(functions))
    assembled = directory / "chain-as.o"
    run(["as", "--64", "-o", assembled, labelled])
    source = directory / "chain.s"
    shutil.copyfile(SOURCE, source)
    compiled = []
    with assembled.open("rb") as stream:
        elf = ELFFile(stream)
        symtab = elf_section(elf, ".symtab")
        offsets = {s.name: s["st_value"] for s in symtab.iter_symbols() if s.name.startswith("jdl_")}
        for name in FUNCTIONS:
            code = elf_section(elf, f".text.{name}").data()
            instructions = functions[name]
            for insn, following in zip(instructions, instructions[1:] + [None], strict=True):
                insn.start = offsets[f"jdl_{insn.line}"]
                insn.end = offsets[f"jdl_{following.line}"] if following else len(code)
            relocations = []
            rela = elf.get_section_by_name(f".rela.text.{name}")
            if isinstance(rela, RelocationSection):
                for reloc in rela.iter_relocations():
                    symbol = symtab.get_symbol(reloc["r_info_sym"])
                    target = symbol.name
                    if symbol["st_info"]["type"] == "STT_SECTION":
                        # The assembler refers to a function in another section through that section's symbol.
                        target = elf.get_section(symbol["st_shndx"]).name.removeprefix(".text.")
                    relocations.append(Relocation(reloc["r_offset"], _ELF_RELOCATIONS[reloc["r_info_type"]], 4,
                                                  target, reloc["r_addend"]))
            lines = []
            after_prologue = False
            for insn in instructions:
                tags = {a[0] for a in insn.annotations}
                lines.append(LineEntry(insn.start, insn.line, prologue_end=after_prologue,
                                       epilogue_begin="epilogue_begin" in tags))
                after_prologue = "prologue_end" in tags
            compiled.append(CompiledFunction(
                name, code, _unwind(name, instructions), exports=EXPORTS.get(name, ()), lines=lines,
                variables=_variables(name, instructions), relocations=relocations, frame_base=FRAME_BASE[name]))
    module = CompiledModule("chain", compiled, source_file="chain.s", source_dir=str(directory),
                            producer="jitdebug foundation tests")
    return Chain(module, source, functions)


# -- bad input --------------------------------------------------------------------------------------------------

def _small(name: str = "f", **changes: object) -> CompiledFunction:
    code = bytes.fromhex("554889e55dc3")  # push rbp; mov rbp, rsp; pop rbp; ret
    program = UnwindProgram(name).push(1, "rbp").set_frame_pointer(4, "rbp").pop(5, "rbp")
    function = CompiledFunction(name, code, program, lines=[LineEntry(0, 1), LineEntry(4, 2)])
    for key, value in changes.items():
        setattr(function, key, value)
    return function


@pytest.mark.parametrize(("functions", "error", "message", "function", "offset"), [
    ([_small("f"), _small("f")], SymbolError, "duplicate symbol 'f'", "f", 0),
    ([_small("f"), _small("g", exports=("f",))], SymbolError, "duplicate symbol 'f'", "g", 0),
    ([_small(relocations=[Relocation(4, RelocKind.CALL, 4, "ext", -4)])], EmitError, "outside the function", "f",
     4),
    ([_small(lines=[LineEntry(0, 1), LineEntry(6, 2)])], EmitError, "past the code", "f", 6),
    ([_small(lines=[LineEntry(4, 1), LineEntry(1, 2)])], EmitError, "backwards", "f", 1),
    ([_small(lines=[LineEntry(0, 1), LineEntry(2, -3)])], EmitError, "negative line", "f", 2),
    ([_small(lines=[LineEntry(0, 1), LineEntry(3, 2, column=-1)])], EmitError, "negative line", "f", 3),
    ([_small(relocations=[Relocation(1, RelocKind.CALL, 4, "", -4)])], EmitError, "without a symbol", "f", 1),
    ([_small(variables=[Variable("v", ValueType.I32, FrameSlot(-8), code_range=(2, 9))])], EmitError,
     "outside the function", "f", 2),
])
def test_bad_input_raises_a_typed_error_and_writes_nothing(tmp_path: Path, functions: list[CompiledFunction],
                                                           error: type[EmitError], message: str, function: str,
                                                           offset: int) -> None:
    module = CompiledModule("bad", functions)
    fresh = tmp_path / "fresh.o"
    with pytest.raises(error) as caught:
        write_object(module, fresh)
    assert caught.value.function == function and caught.value.offset == offset
    assert message in str(caught.value) and f"function '{function}'" in str(caught.value)
    assert f"code offset {offset:#x}" in str(caught.value)
    # Nothing is created, an existing file is left as it was, and no temporary file is left behind.
    existing = tmp_path / "existing.o"
    existing.write_bytes(b"old contents")
    with pytest.raises(error):
        write_object(module, existing)
    assert existing.read_bytes() == b"old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.o"]


def test_unwind_program_past_the_code_is_rejected() -> None:
    function = _small()
    function.unwind.epilogue_begin(7)
    with pytest.raises(EmitError, match="past the end of the code") as caught:
        lower_module(CompiledModule("bad", [function]))
    assert caught.value.function == "f" and caught.value.offset == 7


def test_chain_lowers_with_every_function_symbol(tmp_path: Path) -> None:
    chain = build_chain(tmp_path)
    obj = lower_module(chain.module)
    for name in FUNCTIONS:
        symbol = obj.symbols[name]
        assert symbol.section == ".text" and symbol.size == len(next(f.code for f in chain.module.functions
                                                                      if f.name == name))
    assert obj.symbols["jd_entry"].value == obj.symbols["fp_func"].value
    assert not obj.symbols["jd_callback"].defined
