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
                                 "select_types", "reftype", "try_table"})
#: How each op nests and how the rows writer gets its text (``_listing`` documents the flags).
_OP_FLAGS = {
    name: ((_listing.CLOSES if name in _CLOSERS or name in _MIDDLES else 0)
           | (_listing.OPENS if name in _OPENERS or name in _MIDDLES else 0)
           | (_listing.LOCAL if name in _LOCAL_OPS else 0)
           | (_listing.INTEGERS if info.immediate not in _SPELLED_IMMEDIATES else 0))
    for name, info in BY_NAME.items()
}
_REF_HEAP = {ValType.FUNCREF: "func", ValType.EXTERNREF: "extern", ValType.EXNREF: "exn"}


@dataclass(frozen=True, slots=True)
class Listing:
    """The listing text and its two indexes: instruction offset → line, function index → header line."""

    text: str
    #: Sorted module offsets of every listed instruction, and the 1-based line of each.
    offsets: list[int] = field(repr=False)
    lines: list[int] = field(repr=False)
    function_lines: dict[int, int] = field(repr=False)
    #: ``line_of(module_offset)``: the line of the instruction at ``module_offset`` (or of the last one before it,
    #: for an offset inside an instruction's immediates). The compiler asks for every instruction's line, in order:
    #: a search in C that starts where the last answer was.
    line_of: Callable[[int], int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "line_of", _listing.LineIndex(self.offsets, self.lines).line_of)

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


class _Renderer:
    def __init__(self, module: Module) -> None:
        self.module = module
        #: `` (export "a") (export "b")``, as a header spells a function's exports.
        self.exports: dict[int, str] = {}
        for export in module.exports:
            if export.kind == "func":
                self.exports[export.index] = f'{self.exports.get(export.index, "")} (export "{export.name}")'
        #: The header's signature part (`` (param i32) (result i32)``, or empty) by type index, for functions
        #: without local names (whose signature is their type's: functions share a few).
        self.signatures: dict[int, str] = {}
        self.unnamed_locals: dict[tuple[ValType, ...], str] = {}

    def func_ref(self, index: int) -> str:
        name = self.module.function_names.get(index)
        return f"${name}" if name else str(index)

    def signature(self, func_index: int, ft: FuncType) -> str:
        """``(param $x i32) (param i32 i64) (result i32)`` with parameter names where the name section has them."""
        parts = []
        unnamed: list[str] = []
        for i, t in enumerate(ft.params):
            name = local_name(self.module, func_index, i)
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
        module = self.module
        name = module.function_names.get(func_index)
        if module.local_names.get(func_index):
            signature = self.signature(func_index, module.func_type(func_index))
            signature = f" {signature}" if signature else ""
        else:
            type_index = module.func_types[func_index]
            cached = self.signatures.get(type_index)
            if cached is None:
                text = self.signature(func_index, module.types[type_index])
                cached = self.signatures[type_index] = f" {text}" if text else ""
            signature = cached
        return f"(func{f' ${name}' if name else ''} (;{func_index};){self.exports.get(func_index, '')}{signature}"

    def locals_line(self, func: Function) -> str:
        if not self.module.local_names.get(func.index):
            key = tuple(func.locals)
            line = self.unnamed_locals.get(key)
            if line is None:
                line = self.unnamed_locals[key] = " ".join(f"(local {t.text})" for t in func.locals)
            return line
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
                return op + _block_type(imm[0])
            case "memarg":
                align, offset = imm
                text = op if offset == 0 else f"{op} offset={offset}"
                return text if align == BY_NAME[op].natural_align else f"{text} align={1 << align}"
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
                return op + _block_type(bt) + clauses
            case _:
                return " ".join([op, *map(str, imm)])


def render_listing(module: Module, module_name: str | None = None) -> Listing:
    """Render the listing; ``module_name`` names the module in the first line (default: the name section's)."""
    r = _Renderer(module)
    out: list[str] = [f";; module {module_name or module.module_name or '<unknown>'}\n"]
    line = 1
    offsets: list[int] = []
    lines: list[int] = []
    function_lines: dict[int, int] = {}
    # The rows of the bodies (one per instruction, the bulk of the listing) are written in C, which asks ``r.instr``
    # for each distinct instruction text it does not spell itself.
    rows = _listing.Rows(max(4, len(f"{_module_end(module):x}")), _OP_FLAGS, r.instr, offsets, lines)
    func_index = 0
    for imp in module.imports:
        if imp.kind == "func":
            out.append(f'(import "{imp.module}" "{imp.name}" {r.header(func_index)}))\n')
            line += 1
            function_lines[func_index] = line
            func_index += 1
    header, locals_line, body, local_names = r.header, r.locals_line, rows.body, module.local_names
    for func in module.functions:
        index = func.index
        out.append(f"\n{header(index)}   ;; body @{func.body_offset:#x}\n")
        line += 2
        function_lines[index] = line
        if func.locals:
            out.append(f"  {locals_line(func)}\n")
            line += 1
        out.append(body(index, func.body, line + 1, bool(local_names.get(index))))
        line += len(func.body)
    return Listing("".join(out), offsets, lines, function_lines)


def _module_end(module: Module) -> int:
    """The largest instruction offset, which sets the width of the offset column."""
    return module.functions[-1].end_offset if module.functions else 0
