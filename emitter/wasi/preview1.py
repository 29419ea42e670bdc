"""The functions of ``wasi_snapshot_preview1`` (its witx) as core Wasm function types, and the load-time check of
a module's imports against them.

A module importing an unknown preview-1 function, or one with another type, fails to load with wasmtime's words:
``unknown import: `wasi_snapshot_preview1::fd_bogus` has not been defined`` and ``incompatible import type for
`wasi_snapshot_preview1::fd_write`: types incompatible: expected type `(func (param i32))`, found type `(func
(param i32 i32 i32 i32) (result i32))``` (the expected type is the import's, the found one the host's).
"""

from __future__ import annotations

from typing import cast

from ..errors import JitdebugError
from ..wasm.module import FuncType, Module, ValType

WASI_MODULE = "wasi_snapshot_preview1"

_I, _L = ValType.I32, ValType.I64


def _f(params: str, results: str = "i") -> FuncType:
    kinds = {"i": _I, "l": _L}
    return FuncType(tuple(kinds[c] for c in params), tuple(kinds[c] for c in results))


#: Every preview-1 function, witx order. "i" i32, "l" i64; the result is the errno, except for ``proc_exit``.
FUNCTIONS: dict[str, FuncType] = {
    "args_get": _f("ii"),
    "args_sizes_get": _f("ii"),
    "environ_get": _f("ii"),
    "environ_sizes_get": _f("ii"),
    "clock_res_get": _f("ii"),
    "clock_time_get": _f("ili"),
    "fd_advise": _f("illi"),
    "fd_allocate": _f("ill"),
    "fd_close": _f("i"),
    "fd_datasync": _f("i"),
    "fd_fdstat_get": _f("ii"),
    "fd_fdstat_set_flags": _f("ii"),
    "fd_fdstat_set_rights": _f("ill"),
    "fd_filestat_get": _f("ii"),
    "fd_filestat_set_size": _f("il"),
    "fd_filestat_set_times": _f("illi"),
    "fd_pread": _f("iiili"),
    "fd_prestat_get": _f("ii"),
    "fd_prestat_dir_name": _f("iii"),
    "fd_pwrite": _f("iiili"),
    "fd_read": _f("iiii"),
    "fd_readdir": _f("iiili"),
    "fd_renumber": _f("ii"),
    "fd_seek": _f("ilii"),
    "fd_sync": _f("i"),
    "fd_tell": _f("ii"),
    "fd_write": _f("iiii"),
    "path_create_directory": _f("iii"),
    "path_filestat_get": _f("iiiii"),
    "path_filestat_set_times": _f("iiiilli"),
    "path_link": _f("iiiiiii"),
    "path_open": _f("iiiiillii"),
    "path_readlink": _f("iiiiii"),
    "path_remove_directory": _f("iii"),
    "path_rename": _f("iiiiii"),
    "path_symlink": _f("iiiii"),
    "path_unlink_file": _f("iii"),
    "poll_oneoff": _f("iiii"),
    "proc_exit": _f("i", ""),
    "proc_raise": _f("i"),
    "sched_yield": _f(""),
    "random_get": _f("ii"),
    "sock_accept": _f("iii"),
    "sock_recv": _f("iiiiii"),
    "sock_send": _f("iiiii"),
    "sock_shutdown": _f("ii"),
}


def host_symbol(name: str) -> str:
    """The C function implementing preview-1 function ``name`` (``jitdebug_wasi.h``)."""
    return f"jitdebug_wasi_{name}"


def _text(func_type: FuncType) -> str:
    parts = ["func"]
    if func_type.params:
        parts.append(f"(param {' '.join(t.text for t in func_type.params)})")
    if func_type.results:
        parts.append(f"(result {' '.join(t.text for t in func_type.results)})")
    return f"({' '.join(parts)})"


def imports_wasi(module: Module) -> bool:
    return any(i.module == WASI_MODULE for i in module.imports)


def check_imports(module: Module) -> list[str]:
    """The preview-1 functions ``module`` imports (field names, import order), each checked: an unknown name, a
    non-function import or a wrong type raises ``JitdebugError`` as wasmtime words it."""
    names: list[str] = []
    for wasm_import in module.imports:
        if wasm_import.module != WASI_MODULE:
            continue
        where = f"`{WASI_MODULE}::{wasm_import.name}`"
        expected = FUNCTIONS.get(wasm_import.name)
        if expected is None:
            raise JitdebugError(f"unknown import: {where} has not been defined")
        if wasm_import.kind != "func":
            raise JitdebugError(f"incompatible import type for {where}: types incompatible: expected "
                                f"{wasm_import.kind} found func")
        actual = module.types[cast(int, wasm_import.desc)]
        if actual != expected:
            raise JitdebugError(f"incompatible import type for {where}: types incompatible: expected type "
                                f"`{_text(actual)}`, found type `{_text(expected)}`")
        if wasm_import.name not in names:
            names.append(wasm_import.name)
    return names
