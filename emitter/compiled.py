"""The compiled module: format-neutral output of code generation, input of every lowering and writer.

A ``CompiledFunction`` carries its machine code and everything the tools need to describe it: the unwind
program, the line map (code offset -> listing line and Wasm offset), where each variable lives, the relocations
its code needs, and (exceptions) its call sites and landing pads. A ``CompiledModule`` adds data sections and the
source file the line table names.
"""

from __future__ import annotations

import enum
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, overload

from .arch import X86_64, Arch
from .obj.model import Relocation
from .picklable import by_fields
from .unwind import UnwindProgram


class ValueType(enum.Enum):
    """The base types of described variables (Wasm value types, plus a generic pointer-sized word)."""

    #: Members are singletons compared by identity: hash them by identity too, in C (``Enum`` hashes the name
    #: in Python, and the compiler and lowerings look value types up in dicts for every local and value).
    __hash__ = object.__hash__

    I32 = "i32"
    I64 = "i64"
    F32 = "f32"
    F64 = "f64"
    V128 = "v128"
    ADDR = "addr"

    @property
    def size(self) -> int:
        return {"i32": 4, "i64": 8, "f32": 4, "f64": 8, "v128": 16, "addr": 8}[self.value]


@by_fields
@dataclass(frozen=True, slots=True)
class FrameSlot:
    """The variable lives in memory at frame base + ``offset`` (frame base = the function's frame register, or
    the CFA when it has none; see ``CompiledFunction.frame_base``)."""

    offset: int


@by_fields
@dataclass(frozen=True, slots=True)
class InRegister:
    register: str


Location = FrameSlot | InRegister


@by_fields
@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    type: ValueType
    location: Location
    is_parameter: bool = False
    #: Code range [start, end) where the location is valid; None = the whole function.
    code_range: tuple[int, int] | None = None


class LineEntry(NamedTuple):
    """From ``code_offset`` on (until the next entry) the code implements this source position.

    A named tuple rather than a frozen dataclass: there is one per Wasm instruction, a tuple is several times
    cheaper to build, and one holding only numbers is not tracked by the cyclic garbage collector, whose passes
    over a large compiled module would otherwise visit every entry."""

    code_offset: int
    line: int
    column: int = 0
    #: The Wasm module offset of the instruction (None for compiler-made code such as prologues).
    wasm_offset: int | None = None
    is_statement: bool = True
    prologue_end: bool = False
    epilogue_begin: bool = False
    #: The entry starts at a call's return address (the compiler moved the row of the instruction after the call
    #: there): the producer-DWARF translation gives it the row a native build's return address has.
    after_call: bool = False


#: Bits of ``LineTable.flags``.
IS_STATEMENT, PROLOGUE_END, EPILOGUE_BEGIN, AFTER_CALL = 1, 2, 4, 8
_PROLOGUE_STATEMENT = IS_STATEMENT | PROLOGUE_END
#: ``LineTable.wasm_offsets`` value of an entry without a Wasm offset.
NO_WASM_OFFSET = -1


class LineTable(Sequence[LineEntry]):
    """A function's line entries packed into one ``bytes`` object, read as a sequence of ``LineEntry``.

    There is one entry per Wasm instruction: as objects (or even as arrays, which the collector tracks), a compiled
    module would keep hundreds of thousands of objects that every full collection walks, and exit too; ``bytes``
    holds none. Entries are made on access; the lowerings that run over every entry read the columns instead
    (``code_offsets``...: int64 views). A row is ``code_offset, line, column, wasm_offset, flags``, with
    ``NO_WASM_OFFSET`` for a None Wasm offset and the entry's booleans as bits in ``flags``."""

    __slots__ = ("_rows",)

    def __init__(self, entries: Iterable[LineEntry] = ()) -> None:
        rows = array("q")
        for entry in entries:
            rows.extend(_row(*entry))
        self._rows = rows.tobytes()

    @staticmethod
    def of(entries: Sequence[LineEntry]) -> LineTable:
        """``entries`` as a table (itself when it is one), for readers of the columns."""
        return entries if isinstance(entries, LineTable) else LineTable(entries)

    @staticmethod
    def statements(first_line: int, rows: Iterable[tuple[int, int, int, bool]], shift: int = 0,
                   after_calls: Iterable[int] = ()) -> LineTable:
        """An entry for the function's start at ``first_line``, then statement entries at column 0 from
        ``(code offset, line, Wasm offset, prologue end)`` rows (the compiler's form), code offsets moved by
        ``shift``; the rows whose indices are in ``after_calls`` start at a call's return address."""
        values = [0, first_line, 0, NO_WASM_OFFSET, IS_STATEMENT]
        for code_offset, line, wasm_offset, prologue_end in rows:
            values += (code_offset + shift, line, 0, wasm_offset, _PROLOGUE_STATEMENT if prologue_end
                       else IS_STATEMENT)
        for index in after_calls:
            values[_ROW_FIELDS * (index + 1) + 4] |= AFTER_CALL
        table = LineTable()
        table._rows = array("q", values).tobytes()
        return table

    def _column(self, index: int) -> memoryview:
        return memoryview(self._rows).cast("q")[index::_ROW_FIELDS]

    @property
    def code_offsets(self) -> memoryview:
        return self._column(0)

    @property
    def line_numbers(self) -> memoryview:
        return self._column(1)

    @property
    def columns(self) -> memoryview:
        return self._column(2)

    @property
    def wasm_offsets(self) -> memoryview:
        return self._column(3)

    @property
    def packed(self) -> bytes:
        """The rows as stored (five native int64 each), for the encoders written in C (``emitter._rows``)."""
        return self._rows

    def wasm_pairs(self) -> array[int]:
        """``code offset, Wasm offset`` of the entries that have a Wasm offset, one after the other, as 32-bit
        unsigned numbers (raises ``OverflowError`` for larger ones): the frame table's address maps."""
        rows = memoryview(self._rows).cast("q")
        codes, wasm = rows[0::_ROW_FIELDS], rows[3::_ROW_FIELDS]
        if NO_WASM_OFFSET in wasm[1:]:
            kept = [i for i, value in enumerate(wasm) if value != NO_WASM_OFFSET]
            codes, wasm = [codes[i] for i in kept], [wasm[i] for i in kept]  # type: ignore[assignment]
        elif len(wasm) and wasm[0] == NO_WASM_OFFSET:  # the usual table: only the function's start has none
            codes, wasm = codes[1:], wasm[1:]
        pairs = array("I", bytes(8 * len(wasm)))
        pairs[0::2], pairs[1::2] = array("I", codes), array("I", wasm)
        return pairs

    @staticmethod
    def concatenated(tables: Iterable[LineTable]) -> LineTable:
        """The rows of ``tables`` one after the other: encoders read a whole module's columns at once."""
        table = LineTable()
        table._rows = b"".join([part._rows for part in tables])
        return table

    def _entry(self, index: int) -> LineEntry:
        at = index * _ROW_FIELDS
        return _entry(*memoryview(self._rows).cast("q")[at:at + _ROW_FIELDS])

    def __len__(self) -> int:
        return len(self._rows) // (8 * _ROW_FIELDS)

    @overload
    def __getitem__(self, index: int) -> LineEntry: ...

    @overload
    def __getitem__(self, index: slice) -> list[LineEntry]: ...

    def __getitem__(self, index: int | slice) -> LineEntry | list[LineEntry]:
        if isinstance(index, slice):
            return [self._entry(i) for i in range(len(self))[index]]
        return self._entry(range(len(self))[index])

    def __iter__(self) -> Iterator[LineEntry]:
        values = iter(memoryview(self._rows).cast("q"))
        return (_entry(*row) for row in zip(values, values, values, values, values, strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LineTable):
            return self._rows == other._rows
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LineTable({list(self)!r})"


_ROW_FIELDS = 5


def _row(code_offset: int, line: int, column: int = 0, wasm_offset: int | None = None, is_statement: bool = True,
         prologue_end: bool = False, epilogue_begin: bool = False,
         after_call: bool = False) -> tuple[int, int, int, int, int]:
    return (code_offset, line, column, NO_WASM_OFFSET if wasm_offset is None else wasm_offset,
            is_statement * IS_STATEMENT | prologue_end * PROLOGUE_END | epilogue_begin * EPILOGUE_BEGIN
            | after_call * AFTER_CALL)


def _entry(code_offset: int, line: int, column: int, wasm_offset: int, flags: int) -> LineEntry:
    return LineEntry(code_offset, line, column, None if wasm_offset == NO_WASM_OFFSET else wasm_offset,
                     bool(flags & IS_STATEMENT), bool(flags & PROLOGUE_END), bool(flags & EPILOGUE_BEGIN),
                     bool(flags & AFTER_CALL))


@by_fields
@dataclass(frozen=True, slots=True)
class CallSite:
    """A call that may throw: return address range [start, end) within the function and its landing pad."""

    start: int
    end: int
    landing_pad: int | None
    #: Action/type information for the LSDA (filled in by the exceptions work).
    action: int = 0
    #: The handlers searched for an exception escaping this call, innermost first, as type filters: 1-based
    #: indices into the function's ``catch_types`` (the LSDA's action chain). The landing pad receives the
    #: matching filter as its selector.
    filters: tuple[int, ...] = ()


@dataclass
class CompiledFunction:
    name: str
    code: bytes
    unwind: UnwindProgram
    #: Global symbols that alias this function's entry (exports under the C ABI), besides its local ``name``.
    exports: tuple[str, ...] = ()
    #: A ``LineTable`` from the compiler; any sequence of entries is accepted.
    lines: Sequence[LineEntry] = field(default_factory=LineTable)
    variables: list[Variable] = field(default_factory=list)
    #: Relocations within ``code`` (offsets relative to the function's start).
    relocations: list[Relocation] = field(default_factory=list)
    #: Register that holds the frame base for ``FrameSlot`` locations; None means the CFA.
    frame_base: str | None = "rbp"
    call_sites: list[CallSite] = field(default_factory=list)
    #: Wasm function index and the module offset of its body (for Wasm backtraces), when compiled from Wasm.
    wasm_index: int | None = None
    wasm_body_offset: int | None = None
    #: The name Wasm backtraces show (``name`` section, else ``<wasm function N>``) when it differs from ``name``,
    #: which a collision with another function's symbol may have suffixed.
    display_name: str | None = None
    #: Alignment of the function's start in the text section.
    align: int = 16
    #: Emit ``exports`` as weak definitions: a default that another object may override (the trap hook).
    weak: bool = False
    #: Exception handling: the type table of the call sites' filters, each entry the symbol of a tag descriptor
    #: or None (a catch-all, which also catches foreign exceptions); and the personality routine that reads it.
    catch_types: list[str | None] = field(default_factory=list)
    personality: str | None = None
    #: Frame slot of Wasm operand-stack value 0 (value ``j`` lives ``8*j`` bytes below), for producer DWARF that
    #: names operand-stack values; None when not compiled from Wasm.
    operand_stack: FrameSlot | None = None
    #: Code ranges ``(start, end, Wasm offset)`` whose trap is reported at another Wasm offset than their line
    #: row names: an ``unreachable`` wasmtime turns into a conditional trap at the branch before it
    #: (``codegen/trap_offsets.py``). Trap reports only; the rows (debuggers, listing) stay.
    trap_offsets: tuple[tuple[int, int, int], ...] = ()
    #: Loads and stores made without a bounds check (``codegen/guards.py``): (start, end, stub) code offsets, a
    #: fault in [start, end) inside a memory's reservation resumes at the trap stub ``stub``.
    guard_sites: tuple[tuple[int, int, int], ...] = ()
    #: The call-frame instructions of a signal frame (``.eh_frame`` under a CIE with augmentation ``S``) instead
    #: of ``unwind``'s: an AOT object's signal restorer (``codegen/aot_guards.py``).
    signal_frame_cfi: bytes | None = None


@by_fields
@dataclass(frozen=True, slots=True)
class DataBlob:
    """Static data: initialised (``data`` not None) or zero-filled of ``size`` bytes."""

    name: str
    size: int
    data: bytes | None = None
    writable: bool = True
    align: int = 16
    exported: bool = False
    relocations: tuple[Relocation, ...] = ()
    #: A read-only section of its own (a C identifier, so the linker defines ``__start_``/``__stop_`` symbols
    #: around every object's contribution), instead of the usual data sections.
    section: str | None = None


@by_fields
@dataclass(frozen=True, slots=True)
class WasmFunctionExtent:
    """Where a Wasm function's body sits in the module, and the byte size of each local's value (params first)."""

    #: Module offsets: the local declarations (the producer's ``DW_AT_low_pc``) and just past the body.
    start: int
    end: int
    local_sizes: tuple[int, ...]
    #: Whether the Wasm function returns anything: one whose producer type returns an aggregate but whose Wasm
    #: type has no result returns it through memory (the Wasm C ABI's hidden pointer), not as natively.
    has_results: bool = True
    #: Whether such a function also returns its result as natively, in the registers the System V ABI names for
    #: the producer's return type (``codegen/return_values.py``): the translation then keeps that type.
    returns_natively: bool = False


@by_fields
@dataclass(frozen=True, slots=True)
class WasmDwarf:
    """The producer's DWARF of a Wasm module (``.debug_*`` custom sections), with what translating it needs:
    addresses in it are offsets from the code section's payload, locals are Wasm locals."""

    sections: dict[str, bytes]
    code_section_offset: int
    #: By Wasm function index (defined functions only).
    functions: dict[int, WasmFunctionExtent]
    #: The module state symbols: the vmctx blob (word 0 = linear-memory base) and the defined globals' blob.
    vmctx_symbol: str
    globals_symbol: str
    #: By Wasm global index (imported ones first): the offset of a defined global in the globals' blob and its
    #: value's size, None for an imported global (its storage is the importer's).
    globals: tuple[tuple[int, int] | None, ...] = ()


@by_fields
@dataclass(frozen=True, slots=True)
class TagInfo:
    """A Wasm exception tag: the symbol of its descriptor (the module's own, or the host's for an imported tag),
    its index in the module's tag index space, and its parameter types (the payload's, in Wasm order; reference
    types as ``ADDR``), so a debugger can show a payload by type."""

    symbol: str
    index: int
    params: tuple[ValueType, ...]


@by_fields
@dataclass(frozen=True, slots=True)
class GlobalInfo:
    """A defined global as a debugger shows it: its name (the ``name`` section's, else its export's, else
    ``global[N]``), value type name (``i32``...) and mutability; its value is at its position in the module's
    globals blob (8 bytes per global, 16 for a v128: ``codegen.simd.global_offsets``)."""

    name: str
    type: str
    mutable: bool


@dataclass
class CompiledModule:
    name: str
    functions: list[CompiledFunction] = field(default_factory=list)
    data: list[DataBlob] = field(default_factory=list)
    arch: Arch = X86_64
    #: The file the line table names (the Wasm listing), and the directory it is relative to.
    source_file: str = "module.wat"
    source_dir: str = "."
    producer: str = "jitdebug"
    #: The module's own name (the ``name`` section), None when it has none: Wasm backtraces then print
    #: ``<unknown>`` as wasmtime does, while ``name`` (which also prefixes state symbols) falls back to a file stem.
    wasm_name: str | None = None
    #: The producer's DWARF, when the Wasm module carried it: translated instead of describing the listing.
    wasm_dwarf: WasmDwarf | None = None
    #: Whether the Wasm module has a ``.debug_info`` section: wasmtime's trap backtrace then ends with its note
    #: on ``WASMTIME_BACKTRACE_DETAILS`` (``jit/backtrace.py``).
    wasm_has_debug_info: bool = False
    #: Every exception tag, imported ones first (the tag index space).
    tags: list[TagInfo] = field(default_factory=list)
    #: The prefix of the module's state symbols (``<prefix>.vmctx``, ``<prefix>.globals``: ``StateSymbols``),
    #: whether it has a linear memory, and its defined globals in blob order: what the plugins need to find an
    #: instance's memory (watchpoints) and globals (post-mortem).
    state_prefix: str = ""
    has_memory: bool = False
    #: How many memories the module has (index space, imports first): the Wasm-level DWARF describes each
    #: (``emitter/dwarf/memories.py``).
    memory_count: int = 0
    globals: list[GlobalInfo] = field(default_factory=list)
    #: Every export's name but a memory's (which names a memory too): names the DWARF's memory variables must not
    #: take (``emitter/dwarf/memories.py``).
    export_names: tuple[str, ...] = ()
    #: The ``--export-prefix`` of the module's C-ABI symbols: the producer-DWARF memory unit spells its variables
    #: with it (``Pmemory0``), so two modules linked into one program never share a name (``memory_unit.py``).
    export_prefix: str = ""
    #: The symbol each function import is called through, in import order (the field name, unless two imports
    #: or an export would share it: see ``compile_module(linkable=True)``).
    import_symbols: list[str] = field(default_factory=list)
