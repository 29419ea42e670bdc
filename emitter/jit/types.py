"""The types of the embedding API (memories, tables, globals; function types are the decoder's ``FuncType``), the
canonical signature ids, and how they read in error messages (wasmtime's wording).

Signature ids are canonical: every module the JIT compiles numbers its function types through ``signature_id``,
so two structurally equal types from any two modules get the same id and ``call_indirect`` checks a funcref from
another module (through a shared table, an argument, a global) exactly as the spec says. An object file
(``jitdebug compile``) keeps per-module ids: it is one module per process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

try:
    # hashlib's own BLAKE2 (the same digests): importing hashlib loads OpenSSL's library too, one more shared
    # object for a debugger to read at every start of a program.
    from _blake2 import blake2b
except ImportError:  # an interpreter built without it
    from hashlib import blake2b

from ..errors import UnsupportedError
from ..wasm.module import FuncType, GlobalType, ValType

__all__ = ["FuncType", "GlobalType", "MemoryType", "TableType", "ValType", "signature_id", "signature_type"]

_lock = threading.Lock()
_IDS: dict[FuncType, int] = {}
_TYPES: dict[int, FuncType] = {}


def signature_id(func_type: FuncType) -> int:
    """The canonical id of ``func_type``, the same for equal types of any module, in any process: 63 bits of a
    hash of its text (a compiled module read from the compile cache keeps the ids it was compiled with). Two
    different types with one id would make ``call_indirect`` accept one for the other, so that is refused
    (odds of 10^-13 for a thousand types)."""
    found = _IDS.get(func_type)
    if found is not None:
        return found
    digest = blake2b(func_type_text(func_type).encode(), digest_size=8).digest()
    identifier = (int.from_bytes(digest, "little") & ((1 << 63) - 1)) | 1
    with _lock:
        other = _TYPES.setdefault(identifier, func_type)
        if other != func_type:
            raise UnsupportedError(f"function types {func_type_text(func_type)} and {func_type_text(other)} have "
                                   "the same signature id")
        _IDS[func_type] = identifier
    return identifier


def signature_type(identifier: int) -> FuncType:
    """The function type of a canonical id (a funcref's descriptor holds the id)."""
    found = _TYPES.get(identifier)
    if found is None:
        raise ValueError(f"no function type has signature id {identifier:#x}")
    return found


@dataclass(frozen=True, slots=True)
class MemoryType:
    """Limits in 64 KiB pages (``maximum`` None: up to 65,536 pages, 4 GiB, the 32-bit limit); ``is_64`` a 64-bit
    memory (memory64: i64 addresses; wasmtime-py's spelling)."""

    minimum: int
    maximum: int | None = None
    is_64: bool = False


@dataclass(frozen=True, slots=True)
class TableType:
    """Limits in entries; ``is_64`` a 64-bit table (memory64's table64: i64 indices), spelt as ``MemoryType``'s."""

    element: ValType
    minimum: int
    maximum: int | None = None
    is_64: bool = False


def func_type_text(func_type: FuncType) -> str:
    """``(func (param i32 i64) (result f32))``, as wasmtime prints a function type."""
    parts = ["func"]
    if func_type.params:
        parts.append(f"(param {' '.join(t.text for t in func_type.params)})")
    if func_type.results:
        parts.append(f"(result {' '.join(t.text for t in func_type.results)})")
    return f"({' '.join(parts)})"


def limits_text(minimum: int, maximum: int | None) -> str:
    return f"(min: {minimum}, max: {'none' if maximum is None else maximum})"


def limits_match(actual_minimum: int, actual_maximum: int | None, minimum: int, maximum: int | None) -> bool:
    """Import subtyping of limits: at least the minimum; a maximum when one is required, no larger than it."""
    if actual_minimum < minimum:
        return False
    if maximum is None:
        return True
    return actual_maximum is not None and actual_maximum <= maximum
