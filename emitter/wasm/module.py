"""The decoded Wasm module. Every instruction keeps its byte offset in the module (Wasm backtraces, line
tables and breakpoints are all in module offsets, as wasmtime reports them)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple


class ValType(enum.Enum):
    #: Members are singletons compared by identity: hash them by identity too, in C (``Enum`` hashes the name
    #: in Python, and the compiler and lowerings look value types up in dicts for every local and value).
    __hash__ = object.__hash__

    I32 = 0x7F
    I64 = 0x7E
    F32 = 0x7D
    F64 = 0x7C
    V128 = 0x7B
    FUNCREF = 0x70
    EXTERNREF = 0x6F
    EXNREF = 0x69

    @property
    def text(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class FuncType:
    params: tuple[ValType, ...]
    results: tuple[ValType, ...]


@dataclass(frozen=True, slots=True)
class Limits:
    minimum: int
    maximum: int | None = None
    #: A 64-bit memory (memory64): i64 addresses, sizes and ``memory.grow`` operands.
    index64: bool = False


class Instr(NamedTuple):
    """One instruction: its text name (``"i32.add"``, ``"br_table"``), immediates, and module offset.

    A named tuple rather than a frozen dataclass: a module has one per instruction, and a tuple is several times
    cheaper to build and to take apart.

    Immediates, by kind: index-like immediates are ints; ``block``/``loop``/``if``/``try`` carry a ``BlockType``;
    ``br_table`` carries ``(tuple_of_labels, default)``; memory ops carry ``(align_log2, offset)``;
    constants carry the value (floats as their raw bit pattern, an ``int``, so NaN payloads survive);
    ``call_indirect`` carries ``(type_index, table_index)``; ``try_table`` carries
    ``(BlockType, tuple[Catch, ...])``.
    """

    op: str
    imm: tuple[object, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class BlockType:
    """Empty (no params/results), a single result type, or a type index (multi-value)."""

    result: ValType | None = None
    type_index: int | None = None


@dataclass(frozen=True, slots=True)
class Catch:
    """A ``try_table`` clause: kind in {"catch", "catch_ref", "catch_all", "catch_all_ref"}."""

    kind: str
    tag: int | None
    label: int


@dataclass(frozen=True, slots=True)
class GlobalType:
    type: ValType
    mutable: bool


@dataclass(frozen=True, slots=True)
class Import:
    module: str
    name: str
    #: "func" (desc = type index), "table" (a ``Table``), "memory" (``Limits``), "global" (``GlobalType``),
    #: "tag" (type index).
    kind: str
    desc: object
    offset: int


@dataclass(frozen=True, slots=True)
class Export:
    name: str
    kind: str  # "func", "table", "memory", "global", "tag"
    index: int
    #: Module offset of the export entry (validation errors name it).
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Global:
    type: ValType
    mutable: bool
    init: tuple[Instr, ...]


@dataclass(frozen=True, slots=True)
class Table:
    elem_type: ValType
    limits: Limits
    #: The initial value of every entry (a table initialiser, Wasm 3.0's function references: ``(table 3
    #: funcref (ref.func $f))``); None: null.
    init: tuple[Instr, ...] | None = None


@dataclass(frozen=True, slots=True)
class DataSegment:
    #: None for passive segments.
    memory: int | None
    offset_expr: tuple[Instr, ...] | None
    data: bytes
    offset: int


@dataclass(frozen=True, slots=True)
class ElemSegment:
    #: "active", "passive" or "declarative".
    mode: str
    table: int
    offset_expr: tuple[Instr, ...] | None
    #: Function indices (None for ref.null entries).
    functions: tuple[int | None, ...]
    offset: int
    #: ``funcref`` or ``externref`` (externref segments hold only ``ref.null`` entries).
    elem_type: ValType = ValType.FUNCREF
    #: Items given by ``global.get``: (position in the segment, global index); ``functions`` holds None there.
    #: Their value is the global's at instantiation (an imported global, in Wasm 2.0).
    global_items: tuple[tuple[int, int], ...] = ()


@dataclass
class Function:
    """A defined function. ``index`` counts imported functions first, as Wasm does."""

    index: int
    type_index: int
    #: Declared locals (not parameters), expanded one entry per local.
    locals: list[ValType]
    body: list[Instr]
    #: Module offset of the body's size field, of its first instruction, and just past its last byte.
    body_offset: int
    code_offset: int
    end_offset: int
    #: Module offset just after the size field, where the local declarations start: wasmtime's
    #: ``FrameInfo.func_offset`` counts from here (module_offset = locals_offset + func_offset).
    locals_offset: int = 0
    #: The body was typed by the decoder's native pass (``native_bodies.py``) against the module as decoded, and
    #: found valid: the validator skips it. Not part of the function's value (the model's decode leaves it False).
    prevalidated: bool = field(default=False, compare=False)


@dataclass
class Module:
    types: list[FuncType] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    #: Type index of every function, imported ones first.
    func_types: list[int] = field(default_factory=list)
    #: Defined functions, tables, memories and globals only, like ``functions``: each index space counts the
    #: imports (``imports``) first; ``table_type``/``memory_type``/``global_type`` look up either kind.
    functions: list[Function] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    memories: list[Limits] = field(default_factory=list)
    globals: list[Global] = field(default_factory=list)
    #: Tag type indices, imported ones first (exception handling).
    tags: list[int] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    start: int | None = None
    elements: list[ElemSegment] = field(default_factory=list)
    data: list[DataSegment] = field(default_factory=list)
    #: From the ``name`` custom section.
    module_name: str | None = None
    function_names: dict[int, str] = field(default_factory=dict)
    local_names: dict[int, dict[int, str]] = field(default_factory=dict)
    #: The ``name`` section's global names (subsection 7), by global index.
    global_names: dict[int, str] = field(default_factory=dict)
    #: Every custom section by name (``.debug_info`` and friends are kept for the DWARF translation).
    custom_sections: dict[str, bytes] = field(default_factory=dict)
    #: Module offset of each custom section's payload.
    custom_offsets: dict[str, int] = field(default_factory=dict)
    #: The data count section's value (``memory.init``/``data.drop`` need it), None when absent.
    data_count: int | None = None
    #: Module offset of each known section's payload, by section name ("type", "import", ..., "tag").
    section_offsets: dict[str, int] = field(default_factory=dict)
    #: Offsets of the untyped ``drop``/``select`` instructions whose operands are v128, as validation types them
    #: (the compiler moves two words for those).
    vector_operands: set[int] = field(default_factory=set)

    @property
    def num_imported_functions(self) -> int:
        return sum(1 for i in self.imports if i.kind == "func")

    @property
    def num_imported_globals(self) -> int:
        return sum(1 for i in self.imports if i.kind == "global")

    def func_type(self, func_index: int) -> FuncType:
        return self.types[self.func_types[func_index]]

    def imported(self, kind: str) -> list[Import]:
        return [i for i in self.imports if i.kind == kind]

    def table_type(self, table_index: int) -> Table:
        """The type of a table in the table index space (imports first)."""
        imported = [i.desc for i in self.imported("table") if isinstance(i.desc, Table)]
        return imported[table_index] if table_index < len(imported) else self.tables[table_index - len(imported)]

    def memory_type(self, memory_index: int) -> Limits:
        imported = [i.desc for i in self.imported("memory") if isinstance(i.desc, Limits)]
        return imported[memory_index] if memory_index < len(imported) else self.memories[memory_index - len(imported)]

    def global_type(self, global_index: int) -> GlobalType:
        imported = [i.desc for i in self.imported("global") if isinstance(i.desc, GlobalType)]
        if global_index < len(imported):
            return imported[global_index]
        defined = self.globals[global_index - len(imported)]
        return GlobalType(defined.type, defined.mutable)
