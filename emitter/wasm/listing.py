"""The text listing of a module: one Wasm instruction per line with its module offset, WAT-like and indented by
nesting. It is the source file the DWARF line table names, so a debugger's ``list``/``step``/``next`` move by Wasm
instruction."""

from __future__ import annotations

import bisect
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from emitter.wasm.module import BlockType, Function, FuncType, Instr, Module, ValType
from emitter.wasm.names import local_name
from emitter.wasm.opcodes import BY_NAME

_OPENERS = frozenset({"block", "loop", "if", "try", "try_table"})
_MIDDLES = frozenset({"else", "catch", "catch_all"})
_CLOSERS = frozenset({"end", "delegate"})
_NESTING = _OPENERS | _MIDDLES | _CLOSERS
_LOCAL_OPS = frozenset(name for name, info in BY_NAME.items() if info.immediate == "local")
_FUNC_IMMEDIATES = frozenset({"call", "ref.func"})
_REF_HEAP = {ValType.FUNCREF: "func", ValType.EXTERNREF: "extern", ValType.EXNREF: "exn"}


@dataclass(frozen=True, slots=True)
class Listing:
    """The listing text and its two indexes: instruction offset → line, function index → header line."""

    text: str
    #: Sorted module offsets of every listed instruction, and the 1-based line of each.
    offsets: list[int] = field(repr=False)
    lines: list[int] = field(repr=False)
    function_lines: dict[int, int] = field(repr=False)
    #: The line of each listed instruction by its offset: the compiler asks for every instruction's line.
    line_at: dict[int, int] = field(repr=False, default_factory=dict)
    #: ``line_of(module_offset)``: the line of the instruction at ``module_offset`` (or of the last one before it,
    #: for an offset inside an instruction's immediates). A dict lookup in C, called once per instruction.
    line_of: Callable[[int], int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = self.line_at if isinstance(self.line_at, _LineIndex) else _LineIndex(self.line_at, self.offsets,
                                                                                      self.lines)
        object.__setattr__(self, "line_of", index.__getitem__)

    def function_line(self, func_index: int) -> int:
        """The line of a function's header (imported functions have a one-line header too)."""
        return self.function_lines[func_index]


class _LineIndex(dict[int, int]):
    """Line by instruction offset; an offset inside an instruction's immediates finds the instruction before."""

    def __init__(self, line_at: Iterable[tuple[int, int]] | dict[int, int], offsets: list[int],
                 lines: list[int]) -> None:
        super().__init__(line_at)
        self.offsets = offsets
        self.lines = lines

    def __missing__(self, module_offset: int) -> int:
        i = bisect.bisect_right(self.offsets, module_offset) - 1
        if i < 0:
            raise KeyError(f"no instruction at or before module offset {module_offset:#x}")
        return self.lines[i]


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
        self.exports: dict[int, list[str]] = {}
        for export in module.exports:
            if export.kind == "func":
                self.exports.setdefault(export.index, []).append(export.name)
        self.signatures: dict[FuncType, str] = {}
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
        name = self.module.function_names.get(func_index)
        parts = ["(func"]
        if name:
            parts.append(f"${name}")
        parts.append(f"(;{func_index};)")
        parts.extend(f'(export "{e}")' for e in self.exports.get(func_index, ()))
        ft = self.module.func_type(func_index)
        if self.module.local_names.get(func_index):
            sig = self.signature(func_index, ft)
        else:  # without names the signature is the type's: functions share a few
            cached = self.signatures.get(ft)
            sig = self.signatures[ft] = self.signature(func_index, ft) if cached is None else cached
        if sig:
            parts.append(sig)
        return " ".join(parts)

    def locals_line(self, func: Function, num_params: int) -> str:
        if not self.module.local_names.get(func.index):
            key = tuple(func.locals)
            line = self.unnamed_locals.get(key)
            if line is None:
                line = self.unnamed_locals[key] = " ".join(f"(local {t.text})" for t in func.locals)
            return line
        parts = []
        for i, t in enumerate(func.locals, start=num_params):
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
    out: list[str] = [f";; module {module_name or module.module_name or '<unknown>'}"]
    offsets: list[int] = []
    lines: list[int] = []
    function_lines: dict[int, int] = {}
    width = max(4, len(f"{_module_end(module):x}"))
    row = f"  0x%0{width}x: %s%s"
    texts: dict[tuple[str, Any], str] = {}
    func_index = 0
    for imp in module.imports:
        if imp.kind == "func":
            out.append(f'(import "{imp.module}" "{imp.name}" {r.header(func_index)}))')
            function_lines[func_index] = len(out)
            func_index += 1
    for func in module.functions:
        out.append("")
        out.append(f"{r.header(func.index)}   ;; body @{func.body_offset:#x}")
        function_lines[func.index] = len(out)
        if func.locals:
            out.append("  " + r.locals_line(func, len(module.func_type(func.index).params)))
        depth = 0
        indent = ""
        instr = r.instr
        named_locals = bool(module.local_names.get(func.index))
        append = out.append
        first_line = len(out) + 1
        for ins in func.body:
            op, imm, offset = ins
            # Most instructions neither open nor close a block: one set lookup decides.
            if op in _NESTING:
                if op in _CLOSERS or op in _MIDDLES:
                    depth = max(depth - 1, 0)
                    indent = "  " * depth
                append(row % (offset, indent, instr(func.index, ins)))
                if op in _OPENERS or op in _MIDDLES:
                    depth += 1
                    indent = "  " * depth
            elif not imm:
                append(row % (offset, indent, op))
            elif named_locals and op in _LOCAL_OPS:  # the only text that depends on the function
                append(row % (offset, indent, instr(func.index, ins)))
            else:
                # Local indices, constants, memory offsets and call targets repeat across a module: render
                # each once.
                key = (op, imm)
                text = texts.get(key)
                if text is None:
                    text = texts[key] = instr(func.index, ins)
                append(row % (offset, indent, text))
        # One line per instruction, in order.
        offsets += [ins.offset for ins in func.body]
        lines += range(first_line, len(out) + 1)
    line_at = _LineIndex(zip(offsets, lines, strict=True), offsets, lines)
    return Listing("\n".join(out) + "\n", offsets, lines, function_lines, line_at)


def _module_end(module: Module) -> int:
    """The largest instruction offset, which sets the width of the offset column."""
    return module.functions[-1].end_offset if module.functions else 0
