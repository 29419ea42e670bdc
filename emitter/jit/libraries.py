"""Native functions as the imports of ``jitdebug run``: the dynamic-linking half of the AOT C ABI.

An AOT object leaves ``(import "M" "F")`` as the undefined symbol ``F`` for the system linker; ``jitdebug run``
does the same binding at load time, with ``dlsym``. ``F`` is looked up in the shared libraries given with
``--library`` (loaded in order, ``RTLD_GLOBAL`` like ``LD_PRELOAD`` so one may use another), first match wins,
then in the process itself (the interpreter and everything it loaded: libc, libm, ...). The module name ``M``
plays no part, as in the C ABI. As with a linker, the C prototype cannot be checked: the function must have
the import's C ABI signature (i32→int32_t, i64→int64_t, f32→float, f64→double, at most one result).

A tag import ``(import "M" "T" (tag ...))`` is bound the same way to the data symbol ``T``, a
``struct jitdebug_tag`` (``emitter/runtime/jitdebug_eh.h``) whose parameter count must be the tag's. A library
can throw it: the JIT's native shim, which defines ``jitdebug_throw``, is made global before the libraries load,
so a library leaves the runtime's symbols undefined and they bind to the shim, as they bind to the runtime object
in an AOT host.

A global import ``(import "M" "G" (global T))`` is bound to the data symbol ``G``, a C object of T's C type
(``int32_t``, ``int64_t``, ``float``, ``double``; ``codegen/aot_globals.py``), as an AOT host defines it: the
module reads it and, when mutable, writes it in place, at that type's width.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Sequence
from dataclasses import dataclass

from ..codegen.aot_globals import C_GLOBAL_TYPES
from ..errors import JitdebugError
from ..wasi.preview1 import WASI_MODULE
from ..wasm.module import GlobalType, Module
from . import _native
from .api import Import, NativeFunction, NativeTag
from .externals import Global


@dataclass(frozen=True, slots=True)
class _Library:
    name: str
    handle: ctypes.CDLL


def _executable_ranges() -> list[tuple[int, int]]:
    """The executable mappings of this process: a symbol outside them is data, and calling it would crash."""
    ranges = []
    with open("/proc/self/maps", encoding="ascii", errors="replace") as maps:
        for line in maps:
            span, permissions = line.split()[:2]
            if "x" in permissions:
                start, end = span.split("-")
                ranges.append((int(start, 16), int(end, 16)))
    return ranges


def load_libraries(paths: Sequence[str]) -> list[_Library]:
    """``dlopen`` each library; a library that cannot be loaded is an error naming it (and ``dlerror``'s text)."""
    # Reopening the loaded shim with RTLD_GLOBAL adds its symbols (jitdebug_throw, ...) to the global scope.
    ctypes.CDLL(_native.__file__, mode=os.RTLD_NOW | os.RTLD_GLOBAL | os.RTLD_NOLOAD)
    libraries = []
    for path in paths:
        # A bare name would make dlopen search the system paths and miss a library in the current directory.
        target = path if os.sep in path or not os.path.exists(path) else os.path.join(os.curdir, path)
        try:
            libraries.append(_Library(path, ctypes.CDLL(target, mode=os.RTLD_NOW | os.RTLD_GLOBAL)))
        except OSError as error:
            raise JitdebugError(f"cannot load library {path!r}: {error}") from None
    return libraries


def _address(handle: ctypes.CDLL, symbol: str) -> int | None:
    try:
        function = handle[symbol]  # indexing, unlike attribute access, accepts any name (``__foo__`` too)
    except AttributeError:
        return None
    return ctypes.cast(function, ctypes.c_void_p).value


def resolve_imports(module: Module, libraries: Sequence[str]) -> dict[str, Import]:
    """The native function of every function import of ``module``, the native descriptor of every tag import and
    the native C object of every global import, keyed by field name (``instantiate``'s key)."""
    searched = [*load_libraries(libraries), _Library("the process", ctypes.CDLL(None))]
    executable: list[tuple[int, int]] | None = None
    resolved: dict[str, Import] = {}
    for wasm_import in module.imports:
        if wasm_import.kind not in ("func", "tag", "global") or wasm_import.name in resolved or \
                wasm_import.module == WASI_MODULE:  # bound to the native WASI host functions instead
            continue
        symbol = wasm_import.name
        what = {"func": "function", "tag": "tag", "global": "global"}[wasm_import.kind]
        desc = wasm_import.desc
        if wasm_import.kind == "global" and not (isinstance(desc, GlobalType) and desc.type in C_GLOBAL_TYPES):
            raise JitdebugError(f"import {wasm_import.module}.{symbol}: a global of type "
                                f"{desc.type.text if isinstance(desc, GlobalType) else desc} has no C ABI type")
        found = next(((library, address) for library in searched
                      if (address := _address(library.handle, symbol)) is not None), None)
        if found is None:
            where = ", ".join([*(repr(library) for library in libraries), "the process"])
            raise JitdebugError(f"missing import {wasm_import.module}.{symbol}: no native {what} {symbol!r} "
                                f"in {where}")
        library, address = found
        executable = executable if executable is not None else _executable_ranges()
        is_code = any(start <= address < end for start, end in executable)
        if wasm_import.kind == "func" and not is_code:
            raise JitdebugError(f"import {wasm_import.module}.{symbol}: {symbol!r} in {library.name} is not a "
                                "function (it is not in executable memory)")
        if wasm_import.kind != "func" and is_code:
            raise JitdebugError(f"import {wasm_import.module}.{symbol}: {symbol!r} in {library.name} is not a "
                                f"{'tag descriptor' if wasm_import.kind == 'tag' else 'global'} (it is code, not "
                                "data)")
        if isinstance(desc, GlobalType):
            resolved[symbol] = Global.native(desc, address, library.handle)
        else:
            resolved[symbol] = NativeFunction(address) if wasm_import.kind == "func" else NativeTag(address)
    return resolved
