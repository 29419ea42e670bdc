"""Types of the producer-DWARF translation's C loops (``_translate.c``; its docstrings say what each returns)."""

from collections.abc import Callable, Iterator, Sequence
from typing import Any

def line_rows(
    data: bytes,
    at: int,
    end: int,
    minimum_length: int,
    default_is_stmt: bool,
    line_base: int,
    line_range: int,
    opcode_base: int,
    lengths: bytes,
    /,
) -> bytes: ...
def function_pieces(tables: Sequence[bytes], sizes: Sequence[int], base: int, /) -> tuple[bytes, bytes, bytes]: ...
def line_sequences(
    rows: bytes,
    file_shift: int,
    tombstone: int,
    functions: bytes,
    pieces: bytes,
    after_calls: bytes,
    line_base: int,
    line_range: int,
    opcode_base: int,
    /,
) -> tuple[bytes, list[tuple[int, int]]]: ...

class RangeMap:
    def ranges(self, low: int, high: int, /) -> list[tuple[int, int]]: ...
    def native_range_list(self, data: bytes, at: int, base: int, /) -> list[tuple[int, int]] | None: ...
    def location_list(
        self,
        data: bytes,
        at: int,
        version: int,
        addresses: bytes | None,
        addr_base: int,
        base: int,
        translate: Callable[[bytes], Any],
        out: bytearray,
        relocations: list[Any],
        context: tuple[object, ...],
        /,
    ) -> int: ...

def range_map(functions: bytes, pieces: bytes, /) -> RangeMap: ...

class Attribute:
    form: str
    raw_value: Any
    value: Any
    def __init__(self, form: str, raw_value: Any, value: Any) -> None: ...

class Die:
    offset: int
    tag: str | int
    attributes: dict[str | int, Attribute]
    cu: Any
    parent: Die | None
    children: list[Die]
    def __init__(self, offset: int, tag: str | int, attributes: dict[str | int, Attribute], cu: Any,
                 parent: Die | None) -> None: ...
    def get_parent(self) -> Die | None: ...
    def iter_children(self) -> Iterator[Die]: ...

def decode_dies(
    unit: Any,
    data: bytes,
    first: int,
    end: int,
    abbreviations: dict[int, tuple[str | int, bool, tuple[tuple[str | int, str, int, Any], ...]]],
    top_only: bool,
    cu_offset: int,
    strings: bytes | None,
    string_cache: dict[int, bytes],
    line_strings: bytes | None,
    form_names: dict[int, str],
    error: type[Exception],
    skip: bytes | None = None,
    /,
) -> tuple[list[Die], list[Attribute]]: ...
def scan_barriers(
    data: bytes,
    first: int,
    end: int,
    abbreviations: dict[int, tuple[str | int, bool, tuple[tuple[str | int, str, int, Any], ...]]],
    cu_offset: int,
    version: int,
    cu_base: int,
    sections: tuple[bytes | None, ...],
    bases: tuple[int, int, int],
    error: type[Exception],
    barriers: set[int],
    expressions: set[bytes],
    entries: list[tuple[int, int, bytes]],
    /,
) -> None: ...
def scan_discarded(
    data: bytes,
    first: int,
    end: int,
    abbreviations: dict[int, tuple[str | int, bool, tuple[tuple[str | int, str, int, Any], ...]]],
    cu_offset: int,
    version: int,
    sections: tuple[bytes | None, ...],
    bases: tuple[int, int, int],
    functions: bytes,
    error: type[Exception],
    /,
) -> tuple[bytes, bytes, bytes, bytes]: ...
def discarded_ranges(ranges: bytes, members: bytes, references: bytes, call_references: bytes, /) -> bytes: ...

def write_die(
    context: tuple[Any, ...], key: object, tag: int, has_children: bool, attributes: list[tuple[int, int, Any]], /
) -> None: ...

def write_children(
    context: tuple[Any, ...], children: list[Die], frame: Any, callback: Callable[[Die, Any], None], /
) -> None: ...
def index_dies(
    dies: list[Die], call_site_tags: frozenset[str], skipped: set[int], die_offsets: dict[int, Die], /
) -> None: ...
def write_ranges(
    out: bytearray, relocations: list[Any], relocation: type, kind: Any, symbol: str, ranges: list[tuple[int, int]], /
) -> None: ...
def resolve_fixups(
    fixups: list[tuple[int, object, int | None, Any]], offsets: dict[object, int], data: bytearray,
    relocations: list[Any], relocation: type, section_offset: Any, section: str, /
) -> int: ...
def copy_attributes(
    context: tuple[Any, ...],
    attributes: dict[str | int, Attribute],
    out: list[Any],
    skipped_names: frozenset[str],
    special_names: frozenset[str],
    special: Callable[[str, Attribute], list[Any]],
    /,
) -> None: ...
def release_dies(dies: list[Die], /) -> None: ...
def read_abbreviations(
    data: bytes,
    at: int,
    tag_names: dict[int, str],
    attribute_names: dict[int, str],
    form_names: dict[int, str],
    error: type[Exception],
    /,
) -> dict[int, tuple[str | int, bool, tuple[tuple[str | int, str, int, Any], ...]]]: ...
