"""The text listing of a module: one Wasm instruction per line with its module offset, WAT-like and indented by
nesting. It is the source file the DWARF line table names, so a debugger's ``list``/``step``/``next`` move by Wasm
instruction."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from emitter.wasm import _listing
from emitter.wasm.module import BlockType, Function, FuncType, Instr, Module, ValType
from emitter.wasm.names import local_name
from emitter.wasm.opcodes import BY_NAME

_OPENERS = frozenset({"block", "loop", "if", "try", "try_table"})
_MIDDLES = frozenset({"else", "catch", "catch_all"})
_CLOSERS = frozenset({"end", "delegate"})
_LOCAL_OPS = frozenset(name for name, info in BY_NAME.items() if info.immediate == "local")
#: Immediate kinds ``_Renderer.instr`` spells specially; the others are integers, written as the op and its
#: integers in decimal (its ``case _``), which the rows writer does itself.
_SPELLED_IMMEDIATES = frozenset({"none", "local", "func", "block", "memarg", "f32", "f64", "br_table", "call_indirect",
                                 "select_types", "reftype", "try_table", "v128", "memarg_lane", "memory",
                                 "memory_init", "memory_copy", "table_init", "table_copy"})
#: How each op nests and how the rows writer gets its text (``_listing`` documents the flags).
_OP_FLAGS = {
    name: ((_listing.CLOSES if name in _CLOSERS or name in _MIDDLES else 0)
           | (_listing.OPENS if name in _OPENERS or name in _MIDDLES else 0)
           | (_listing.LOCAL if name in _LOCAL_OPS else 0)
           | (_listing.INTEGERS if info.immediate not in _SPELLED_IMMEDIATES else 0)
           | (_listing.FUNC if info.immediate == "func" else 0)
           | (_listing.MEMARG | info.natural_align << _listing.ALIGN_SHIFT if info.immediate == "memarg" else 0)
           | (_listing.BLOCK if info.immediate == "block" else 0))
    for name, info in BY_NAME.items()
}
_REF_HEAP = {ValType.FUNCREF: "func", ValType.EXTERNREF: "extern", ValType.EXNREF: "exn"}


@dataclass(frozen=True, slots=True)
class Listing:
    """The listing text and its two indexes: instruction offset → line, function index → header line."""

    text: str
    function_lines: dict[int, int] = field(repr=False)
    #: The offset and line of every listed instruction, in C arrays: the compiler asks for every instruction's line
    #: (``line_of``); the lists are made only when asked for.
    index: _listing.LineIndex = field(repr=False, compare=False)

    @property
    def offsets(self) -> list[int]:
        """Sorted module offsets of every listed instruction."""
        return self.index.offsets()

    @property
    def lines(self) -> list[int]:
        """The 1-based line of every listed instruction, in the order of ``offsets``."""
        return self.index.lines()

    @property
    def line_of(self) -> Callable[[int], int]:
        """``line_of(module_offset)``: the line of the instruction at ``module_offset`` (or of the last one before
        it, for an offset inside an instruction's immediates); a search in C that starts where the last answer
        was, since the compiler asks in order."""
        return self.index.line_of

    def function_line(self, func_index: int) -> int:
        """The line of a function's header (imported functions have a one-line header too)."""
        return self.function_lines[func_index]


def _float_text(bits: int, exponent_bits: int, mantissa_bits: int) -> str:
    """WAT's hexadecimal float spelling, NaN payloads kept (``nan:0x200``), as wasm2wat prints constants."""
    sign = "-" if bits >> (exponent_bits + mantissa_bits) else ""
    exponent = (bits >> mantissa_bits) & ((1 << exponent_bits) - 1)
    mantissa = bits & ((1 << mantissa_bits) - 1)
    if exponent == (1 << exponent_bits) - 1:
        if mantissa == 0:
            return f"{sign}inf"
        return f"{sign}nan" if mantissa == 1 << (mantissa_bits - 1) else f"{sign}nan:{mantissa:#x}"
    value = (struct.unpack("<f", bits.to_bytes(4, "little"))[0] if exponent_bits == 8
             else struct.unpack("<d", bits.to_bytes(8, "little"))[0])
    text = abs(value).hex()  # '0x1.8000000000000p+0'
    digits, power = text.split("p")
    digits = digits.rstrip("0").rstrip(".")
    return f"{sign}{digits}p{power}"


def _types(types: tuple[ValType, ...]) -> str:
    return " ".join(t.text for t in types)


def _block_type(bt: BlockType) -> str:
    if bt.type_index is not None:
        return f" (type {bt.type_index})"
    return f" (result {bt.result.text})" if bt.result is not None else ""


#: The block type's spelling by its result, for the rows writer (a type index is the renderer's).
_BLOCK_RESULTS = {result: _block_type(BlockType(result=result)) for result in [None, *ValType]}


class _Made(dict[Any, str]):
    """A dict that makes a missing entry with ``make(key)``: a hit stays one dict lookup."""

    def __init__(self, make: Callable[[Any], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> str:
        value = self[key] = self.make(key)
        return value


class _Renderer:
    def __init__(self, module: Module) -> None:
        self.module = module
        #: `` (export "a") (export "b")``, as a header spells a function's exports.
        self.exports: dict[int, str] = {}
        exports = self.exports
        for export in module.exports:
            if export.kind == "func":
                exports[export.index] = f'{exports.get(export.index, "")} (export "{export.name}")'
        #: The functions with local names, whose headers and locals lines name them (the others' are their types'
        #: and their locals', which functions share: those are made once).
        self.named = {index for index, names in module.local_names.items() if names}
        #: The header's signature part (`` (param i32) (result i32)``, or empty) of an unnamed function by type index.
        self.signatures = _Made(lambda type_index: self.signature(None, module.types[type_index]))
        #: The locals line of an unnamed function by its locals (a tuple).
        self.unnamed_locals = _Made(lambda locals_: " ".join(f"(local {t.text})" for t in locals_))

    def block_type(self, bt: BlockType) -> str:
        """`` (result i32)``, or for a type index ``(type 7)`` followed by its signature, as wasm-tools prints it
        (`` (type 7) (param i32) (result i32 i32)``)."""
        if bt.type_index is None:
            return _block_type(bt)
        return f" (type {bt.type_index}){self.signatures[bt.type_index]}"

    def func_ref(self, index: int) -> str:
        name = self.module.function_names.get(index)
        return f"${name}" if name else str(index)

    def signature(self, func_index: int | None, ft: FuncType) -> str:
        """`` (param $x i32) (param i32 i64) (result i32)`` (or empty) with parameter names where the name section
        has them (none for ``func_index`` None)."""
        parts = [""]
        unnamed: list[str] = []
        for i, t in enumerate(ft.params):
            name = None if func_index is None else local_name(self.module, func_index, i)
            if name is None:
                unnamed.append(t.text)
                continue
            if unnamed:
                parts.append(f"(param {' '.join(unnamed)})")
                unnamed = []
            parts.append(f"(param ${name} {t.text})")
        if unnamed:
            parts.append(f"(param {' '.join(unnamed)})")
        if ft.results:
            parts.append(f"(result {_types(ft.results)})")
        return " ".join(parts)

    def header(self, func_index: int) -> str:
        """``(func $f (;3;) (export "f") (param i32) (result i32)``."""
        module = self.module
        name = module.function_names.get(func_index)
        signature = (self.signature(func_index, module.func_type(func_index)) if func_index in self.named
                     else self.signatures[module.func_types[func_index]])
        return f"(func{f' ${name}' if name else ''} (;{func_index};){self.exports.get(func_index, '')}{signature}"

    def locals_line(self, func: Function) -> str:
        """``(local $x i32) (local i64)``, empty without locals."""
        if func.index not in self.named:
            return self.unnamed_locals[tuple(func.locals)] if func.locals else ""
        parts = []
        for i, t in enumerate(func.locals, start=len(self.module.func_type(func.index).params)):
            name = local_name(self.module, func.index, i)
            parts.append(f"(local ${name} {t.text})" if name else f"(local {t.text})")
        return " ".join(parts)

    def instr(self, func_index: int, ins: Instr) -> str:
        op = ins.op
        imm: Any = ins.imm
        if not imm:
            return op
        match BY_NAME[op].immediate:
            case "local":
                name = local_name(self.module, func_index, imm[0])
                return f"{op} ${name}" if name else f"{op} {imm[0]}"
            case "func":
                return f"{op} {self.func_ref(imm[0])}"
            case "block":
                return op + self.block_type(imm[0])
            case "memory":  # memory.size, memory.grow, memory.fill: memory 0 is not spelled
                return op if imm[0] == 0 else f"{op} {imm[0]}"
            case "memory_init":  # the memory (when not 0) before the data segment, as the text format orders them
                data, memory = imm
                return f"{op} {data}" if memory == 0 else f"{op} {memory} {data}"
            case "memory_copy" | "table_copy":  # destination, source; not spelled when both are 0
                return op if imm == (0, 0) else f"{op} {imm[0]} {imm[1]}"
            case "table_init":  # the table (when not 0) before the element segment
                elem, table = imm
                return f"{op} {elem}" if table == 0 else f"{op} {table} {elem}"
            case "memarg":
                align, offset, *memory = imm
                return _memarg_text(op, align, offset, memory)
            case "memarg_lane":
                align, offset, lane, *memory = imm
                return f"{_memarg_text(op, align, offset, memory)} {lane}"
            case "v128":
                # The binary keeps no lane shape: i32x4 in hexadecimal, as wasm-tools and wasm2wat print it.
                words = [(imm[0] >> (32 * k)) & 0xFFFFFFFF for k in range(4)]
                return f"{op} i32x4 " + " ".join(f"0x{w:08x}" for w in words)
            case "f32":
                return f"{op} {_float_text(imm[0], 8, 23)}"
            case "f64":
                return f"{op} {_float_text(imm[0], 11, 52)}"
            case "br_table":
                labels, default = imm
                return " ".join([op, *map(str, labels), str(default)])
            case "call_indirect":
                type_index, table = imm
                return f"{op} (type {type_index})" if table == 0 else f"{op} {table} (type {type_index})"
            case "select_types":
                return f"{op} (result {_types(imm)})"
            case "reftype":
                return f"{op} {_REF_HEAP[imm[0]]}"
            case "try_table":
                bt, catches = imm
                clauses = "".join(f" ({c.kind}{'' if c.tag is None else f' {c.tag}'} {c.label})" for c in catches)
                return op + self.block_type(bt) + clauses
            case _:
                return " ".join([op, *map(str, imm)])


def _memarg_text(op: str, align: int, offset: int, memory: list[int]) -> str:
    """``op [memory] [offset=N] [align=N]``: the memory index (present when not 0) first, as the text format says."""
    text = f"{op} {memory[0]}" if memory else op
    text = text if offset == 0 else f"{text} offset={offset}"
    return text if align == BY_NAME[op].natural_align else f"{text} align={1 << align}"


def render_listing(module: Module, module_name: str | None = None) -> Listing:
    """Render the listing; ``module_name`` names the module in the first line (default: the name section's)."""
    r = _Renderer(module)
    # The text is written in C, which spells the rows of the bodies (one per instruction, the bulk of the listing)
    # and asks ``r.instr`` for each distinct instruction text it does not spell itself.
    rows = _listing.Rows(max(4, len(f"{_module_end(module):x}")), _OP_FLAGS, r.instr, module.function_names,
                         _BLOCK_RESULTS)
    rows.write(f";; module {module_name or module.module_name or '<unknown>'}\n")
    function_lines: dict[int, int] = {}
    func_index = 0
    for imp in module.imports:
        if imp.kind == "func":
            function_lines[func_index] = rows.write(f'(import "{imp.module}" "{imp.name}" {r.header(func_index)}))\n')
            func_index += 1
    for func in module.functions:
        index = func.index
        function_lines[index] = rows.function(f"{r.header(index)}   ;; body @{hex(func.body_offset)}",
                                              r.locals_line(func), index, func.body, index in r.named)
    text, line_index = rows.finish()
    return Listing(text, function_lines, line_index)


def _module_end(module: Module) -> int:
    """The largest instruction offset, which sets the width of the offset column."""
    return module.functions[-1].end_offset if module.functions else 0
