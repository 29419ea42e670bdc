"""The ``.jitdebug.wasm`` section: a compact description of a compiled Wasm module for the debugger plugins.

The plugins run inside gdb/lldb's own Python, so the reader is stdlib only and never parses DWARF. The section is
not loaded (non-ALLOC). Linkers concatenate same-named sections, so a section holds one or more *records*, each
self-delimiting; zero bytes between records (alignment padding) are skipped.

Wire format (little endian; ``uleb`` = ULEB128; ``str`` = uleb byte length + UTF-8; ``opt`` = uleb value + 1,
0 meaning absent)::

    record    := "JDWM" u8 version(=4) u32 body_length body
    body      := str module_name  str source_file  str source_dir  uleb function_count  function*
                 uleb tag_count  tag*                                        (version 2: no tag table)
                 str state_prefix  uleb has_memory  uleb global_count  global*   (version 4 on)
    function  := str symbol  opt wasm_index  str display_name  opt body_offset  uleb code_size
                 uleb map_count  map_entry*  uleb call_site_count  call_site*  uleb row_count  row*
                 uleb catch_type_count  str catch_type*
    map_entry := uleb code_offset_delta  opt wasm_offset  uleb line       (sorted by code offset)
    call_site := uleb start  uleb length  opt landing_pad  uleb filter_count  uleb filter*
    row       := uleb start_delta  uleb cfa_dwarf_register  uleb cfa_offset  uleb saved_count
                 (uleb dwarf_register  uleb cfa_minus_slot)*               (unwind rows, sorted)
    tag       := str symbol  uleb tag_index  uleb param_count  str param_type*  (``i32``, ``f64``, ``addr``...)
    global    := str name  str value_type  uleb mutable

Code addresses are function-relative; a function is placed by its ``symbol``: absolute in a JIT image's
``.symtab``, resolved through the debugger in linked executables. A call site's filters are the handlers an
exception escaping the call meets, innermost first, as 1-based indices into the function's catch types: the
symbol of a tag descriptor, or the empty string for a catch-all (the LSDA's action chain and type table, so a
debugger predicts the landing pad without decoding ``.gcc_except_table``). The tag table gives each tag
descriptor's payload types, so a catchpoint shows ``i32 9`` rather than a raw word. An empty module name displays
as ``<unknown>``, as wasmtime prints modules without a name. The state prefix names the module's state symbols
(``<prefix>.vmctx``, whose word 0 is the linear-memory base, and ``<prefix>.globals``, 8 bytes per defined
global, 16 for a v128, in the order of the global table): watchpoints find an instance's memory and globals
through them, placed like functions (the n-th record naming a symbol gets its n-th definition). The reader accepts
every version in ``READABLE_VERSIONS`` (objects written by an older jitdebug stay debuggable).
"""

from __future__ import annotations

import struct
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import attrgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .compiled import CompiledFunction, CompiledModule

SECTION_NAME = ".jitdebug.wasm"
MAGIC = b"JDWM"
VERSION = 4
READABLE_VERSIONS = (2, 3, 4)
_HEADER = struct.Struct("<4sBI")


class MetadataError(ValueError):
    """A malformed ``.jitdebug.wasm`` section (the plugins report it as a warning and skip the module)."""


@dataclass(frozen=True, slots=True)
class MapEntry:
    """From ``code_offset`` on (until the next entry) the code implements the Wasm instruction at
    ``wasm_offset`` (None: compiler-made code such as the prologue); ``line`` is the listing line (0 unknown)."""

    code_offset: int
    wasm_offset: int | None
    line: int


@dataclass(frozen=True, slots=True)
class CallSiteInfo:
    """A call at [start, end) inside a try region: an exception escaping it lands at ``landing_pad`` when one
    of ``filters`` (1-based indices into ``FunctionMetadata.catch_types``, innermost handler first) matches."""

    start: int
    end: int
    landing_pad: int | None
    filters: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class UnwindRow:
    """From ``start`` on: CFA = DWARF register ``cfa_register`` + ``cfa_offset``; each saved DWARF register
    (the return address column included) lives at CFA - n."""

    start: int
    cfa_register: int
    cfa_offset: int
    saved: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class FunctionMetadata:
    symbol: str
    wasm_index: int | None
    display_name: str
    body_offset: int | None
    code_size: int
    map: tuple[MapEntry, ...]
    call_sites: tuple[CallSiteInfo, ...]
    unwind_rows: tuple[UnwindRow, ...]
    #: Tag descriptor symbols the filters name; None is a catch-all (it catches foreign exceptions too).
    catch_types: tuple[str | None, ...] = ()


@dataclass(frozen=True, slots=True)
class TagMetadata:
    """A tag: its descriptor's symbol, its index in the module, and its payload's types in Wasm order (the
    ``ValueType`` names: ``i32``, ``i64``, ``f32``, ``f64``, ``v128``, ``addr``)."""

    symbol: str
    index: int
    params: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GlobalMetadata:
    """A defined global: name, value type name (``i32``...), mutability; its slot is 8 bytes at 8 * position."""

    name: str
    type: str
    mutable: bool


@dataclass(frozen=True, slots=True)
class ModuleMetadata:
    name: str
    source_file: str
    source_dir: str
    functions: tuple[FunctionMetadata, ...]
    #: Every tag of the module (empty in a version 2 record).
    tags: tuple[TagMetadata, ...] = ()
    #: Version 4 on (empty/False before): the state symbols' prefix, whether there is a memory, the globals.
    state_prefix: str = ""
    has_memory: bool = False
    globals: tuple[GlobalMetadata, ...] = ()

    @property
    def vmctx_symbol(self) -> str | None:
        return f"{self.state_prefix}.vmctx" if self.state_prefix else None

    @property
    def globals_symbol(self) -> str | None:
        return f"{self.state_prefix}.globals" if self.state_prefix and self.globals else None

    @property
    def display_name(self) -> str:
        return self.name or "<unknown>"


def display_name(function: CompiledFunction) -> str:
    """wasmtime's name for a function: the ``name`` section's, else ``<wasm function N>``."""
    if function.display_name is not None:
        return function.display_name
    if function.wasm_index is not None and function.name == f"wasm-function[{function.wasm_index}]":
        return f"<wasm function {function.wasm_index}>"
    return function.name


# -- writer -------------------------------------------------------------------------------------------------------
# The per-row work is in C (``emitter._rows``), imported where it is used: the plugins import this module for the
# reader, in the debugger's own Python, which may not load the extension.
def _join(items: Sequence[int | str | bytes]) -> bytes:
    """A record's items one after the other: ints as ULEB128, strings length-prefixed UTF-8, bytes as they are."""
    from . import _rows

    try:
        return _rows.join(items)
    except ValueError as error:
        raise MetadataError(f"{error} in {SECTION_NAME}") from None


def _maps(functions: list[CompiledFunction]) -> list[bytes]:
    """The ``map_count map_entry*`` part of each function's record: the line map sorted by code offset, consecutive
    entries for the same instruction merged (the last one wins) and entries that repeat the previous one's Wasm
    offset and line left out."""
    from . import _rows
    from .compiled import LineTable  # the writer's model; the plugins import only the reader

    tables = [LineTable.of(function.lines) for function in functions]
    try:
        return _rows.metadata_maps(LineTable.concatenated(tables).packed,
                                   list(accumulate(map(len, tables), initial=0)))
    except ValueError as error:
        raise MetadataError(f"{error} in {SECTION_NAME}") from None


def _unwind_row_values(function: CompiledFunction) -> list[int]:
    """The ``row_count row*`` part of a function record, as values to write."""
    number = function.unwind.arch.dwarf_registers
    rows = function.unwind.rows(len(function.code))
    values = [len(rows)]
    previous = 0
    for row in rows:
        pairs = sorted((number[reg], n) for reg, n in row.saved)
        values += (row.start - previous, number[row.cfa_register], row.cfa_offset, len(pairs))
        values += (value for pair in pairs for value in pair)
        previous = row.start
    return values


def encode_metadata(module: CompiledModule, unwind_keys: Sequence[Hashable] | None = None) -> bytes:
    """One ``.jitdebug.wasm`` record describing ``module``'s Wasm functions (runtime thunks and veneers, which
    have no Wasm index, are left out, as wasmtime leaves its trampolines out of backtraces).

    ``unwind_keys``: one per function of ``module``, equal for two functions whose unwind programs are (given the
    same code size). The lowering passes the functions' encoded CFI programs, which it has already and which hash
    once; without them each program's shape is the key, a hash of every op."""
    keys: Iterable[Hashable] = unwind_keys if unwind_keys is not None else (
        f.unwind.shape() for f in module.functions)
    functions, function_keys = [], []
    for function, key in zip(module.functions, keys, strict=True):
        if function.wasm_index is not None:
            functions.append(function)
            function_keys.append((key, len(function.code)))
    items: list[int | str | bytes] = [module.wasm_name or "", module.source_file, module.source_dir, len(functions)]
    # The rows depend only on the unwind program and the code size, and a module's functions share a few
    # programs: each distinct one is evaluated once.
    rows_cache: dict[Hashable, bytes] = {}
    for function, key, line_map in zip(functions, function_keys, _maps(functions), strict=True):
        body_offset = function.wasm_body_offset
        items += (function.name, 0 if function.wasm_index is None else function.wasm_index + 1,
                  display_name(function), 0 if body_offset is None else body_offset + 1, len(function.code),
                  line_map, len(function.call_sites))
        for site in sorted(function.call_sites, key=attrgetter("start")):
            items += (site.start, site.end - site.start, 0 if site.landing_pad is None else site.landing_pad + 1,
                      len(site.filters), *site.filters)
        rows = rows_cache.get(key)
        if rows is None:
            rows = rows_cache[key] = _join(_unwind_row_values(function))
        items += (rows, len(function.catch_types))
        items += [symbol or "" for symbol in function.catch_types]
    items.append(len(module.tags))
    for tag in module.tags:
        items += (tag.symbol, tag.index, len(tag.params))
        items += [param.value for param in tag.params]
    items += (module.state_prefix, int(module.has_memory), len(module.globals))
    for glob in module.globals:
        items += (glob.name, glob.type, int(glob.mutable))
    data = _join(items)
    return _HEADER.pack(MAGIC, VERSION, len(data)) + data


# -- reader -------------------------------------------------------------------------------------------------------
class _Reader:
    def __init__(self, data: bytes, start: int, end: int) -> None:
        self.data = data
        self.pos = start
        self.end = end

    def uleb(self) -> int:
        result = shift = 0
        while True:
            if self.pos >= self.end:
                raise MetadataError(f"truncated {SECTION_NAME} record at byte {self.pos}")
            byte = self.data[self.pos]
            self.pos += 1
            result |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return result

    def opt(self) -> int | None:
        value = self.uleb()
        return None if value == 0 else value - 1

    def text(self) -> str:
        size = self.uleb()
        if self.pos + size > self.end:
            raise MetadataError(f"truncated string in {SECTION_NAME} at byte {self.pos}")
        raw = self.data[self.pos : self.pos + size]
        self.pos += size
        try:
            return bytes(raw).decode()
        except UnicodeDecodeError as error:
            raise MetadataError(f"bad UTF-8 in {SECTION_NAME} at byte {self.pos - size}") from error

    def count(self, what: str) -> int:
        """A count, bounded by the bytes left (each item takes at least one byte): garbage cannot make us loop."""
        value = self.uleb()
        if value > self.end - self.pos:
            raise MetadataError(f"{what} count {value} exceeds the {SECTION_NAME} record")
        return value


def _read_function(r: _Reader) -> FunctionMetadata:
    symbol = r.text()
    wasm_index = r.opt()
    name = r.text()
    body_offset = r.opt()
    code_size = r.uleb()
    entries = []
    code_offset = 0
    for _ in range(r.count("map entry")):
        code_offset += r.uleb()
        entries.append(MapEntry(code_offset, r.opt(), r.uleb()))
    sites = []
    for _ in range(r.count("call site")):
        start = r.uleb()
        end = start + r.uleb()
        landing_pad = r.opt()
        sites.append(CallSiteInfo(start, end, landing_pad, tuple(r.uleb() for _ in range(r.count("filter")))))
    rows = []
    start = 0
    for _ in range(r.count("unwind row")):
        start += r.uleb()
        register, offset = r.uleb(), r.uleb()
        saved = tuple((r.uleb(), r.uleb()) for _ in range(r.count("saved register")))
        rows.append(UnwindRow(start, register, offset, saved))
    catch_types = tuple(r.text() or None for _ in range(r.count("catch type")))
    return FunctionMetadata(symbol, wasm_index, name, body_offset, code_size, tuple(entries), tuple(sites),
                            tuple(rows), catch_types)


def _read_tag(r: _Reader) -> TagMetadata:
    symbol = r.text()
    index = r.uleb()
    return TagMetadata(symbol, index, tuple(r.text() for _ in range(r.count("tag parameter"))))


def decode_all(data: bytes) -> list[ModuleMetadata]:
    """Every record of a (possibly linker-concatenated) ``.jitdebug.wasm`` section."""
    modules = []
    pos = 0
    while pos < len(data):
        if data[pos] == 0:
            pos += 1
            continue
        if pos + _HEADER.size > len(data):
            raise MetadataError(f"truncated {SECTION_NAME} header at byte {pos}")
        magic, version, length = _HEADER.unpack_from(data, pos)
        if magic != MAGIC or version not in READABLE_VERSIONS:
            raise MetadataError(f"not a readable {SECTION_NAME} record (versions {READABLE_VERSIONS}) at byte {pos}")
        start = pos + _HEADER.size
        if start + length > len(data):
            raise MetadataError(f"{SECTION_NAME} record at byte {pos} runs past the section")
        r = _Reader(data, start, start + length)
        name, source_file, source_dir = r.text(), r.text(), r.text()
        functions = tuple(_read_function(r) for _ in range(r.count("function")))
        tags = tuple(_read_tag(r) for _ in range(r.count("tag"))) if version >= 3 else ()
        state_prefix, has_memory = "", False
        globals_: tuple[GlobalMetadata, ...] = ()
        if version >= 4:
            state_prefix, has_memory = r.text(), bool(r.uleb())
            globals_ = tuple(GlobalMetadata(r.text(), r.text(), bool(r.uleb())) for _ in range(r.count("global")))
        modules.append(ModuleMetadata(name, source_file, source_dir, functions, tags, state_prefix, has_memory,
                                      globals_))
        pos = start + length
    return modules


def decode_metadata(data: bytes) -> ModuleMetadata:
    """The single record of a section written for one module (a JIT image or one object)."""
    modules = decode_all(data)
    if len(modules) != 1:
        raise MetadataError(f"expected one module in {SECTION_NAME}, found {len(modules)}")
    return modules[0]
