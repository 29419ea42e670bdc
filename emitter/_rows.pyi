"""Types of the row encoders and the relocation loop of ``_rows.c`` (see its docstrings for what each function
writes)."""

from collections.abc import Sequence

from .obj.model import Relocation, RelocKind

def metadata_maps(rows: bytes, starts: Sequence[int], /) -> list[bytes]: ...
def line_sequences(
    rows: bytes, starts: Sequence[int], sizes: Sequence[int], line_base: int, line_range: int, opcode_base: int, /
) -> list[bytes]: ...
def join(items: Sequence[int | str | bytes], /) -> bytes: ...

# -- relocations of an in-memory image (emitter/obj/elf.py) ------------------------------------------------------
def apply_relocations(
    data: bytearray,
    relocations: list[Relocation],
    start: int,
    address: int,
    kinds: tuple[RelocKind, RelocKind, RelocKind, RelocKind],
    branch26: bool,
    targets: dict[str, int],
    section_values: dict[str, int],
    offset_targets: dict[str, str],
    offset_fields: list[tuple[str, int, list[int]]] | None,
    /,
) -> int: ...

# -- DWARF subprogram DIEs of functions sharing a shape (emitter/dwarf/info.py) ---------------------------------
def subprograms(
    relocation: type[Relocation],
    data: bytearray,
    relocations: list[Relocation],
    shapes: list[tuple[bytes, int, bytes, tuple[tuple[int, int], ...]]],
    shape_of: list[int],
    names: list[int],
    sizes: list[int],
    symbols: list[str],
    addends: list[int],
    string_section: str,
    offset_kind: RelocKind,
    address_kind: RelocKind,
    address_size: int,
    /,
) -> None: ...

# -- the lowering's per-function consistency checks (emitter/lower.py) ------------------------------------------
def lines_in_bounds(rows: bytes, size: int, /) -> bool: ...
def relocations_in_bounds(relocations: Sequence[Relocation], size: int, /) -> bool: ...
