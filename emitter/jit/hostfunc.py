"""The funcref of a host function: a descriptor (code, signature id) whose code goes through a host adapter, so
that Wasm code calling it through a table or a funcref global gets the same error handling as a direct import.

A module defines adapters for its own imports only, so a host ``Func`` used as a *value* (a table entry, a global,
an argument) gets a module of its own, compiled once per ``Func`` the first time its descriptor is needed: it
imports the function and re-exports it, and its descriptor of that import is the funcref. A ``Func`` imported
directly by a module never needs one (the importing module's adapter calls it).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from ..wasm.load import load_bytes
from ..wasm.module import FuncType

if TYPE_CHECKING:
    from .externals import Func


def _vector(items: list[bytes]) -> bytes:
    return _uleb(len(items)) + b"".join(items)


def _uleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _name(text: str) -> bytes:
    data = text.encode()
    return _uleb(len(data)) + data


def _section(section_id: int, payload: bytes) -> bytes:
    return bytes([section_id]) + _uleb(len(payload)) + payload


def reexport_module(func_type: FuncType) -> bytes:
    """``(module (import "host" "f" (func (type T))) (export "f" (func 0)))`` as a binary module."""
    signature = b"\x60" + _vector([bytes([t.value]) for t in func_type.params]) + \
        _vector([bytes([t.value]) for t in func_type.results])
    return (b"\0asm\1\0\0\0" + _section(1, _vector([signature]))
            + _section(2, _vector([_name("host") + _name("f") + b"\x00\x00"]))
            + _section(7, _vector([_name("f") + b"\x00\x00"])))


def host_descriptor(func: Func) -> tuple[int, Any]:
    """The descriptor address of host function ``func`` and the instance that holds it."""
    from .api import WasmModule, compile_module_jit  # noqa: PLC0415 - the API's own, imported when first needed

    module = load_bytes(reexport_module(func.type))
    compiled = compile_module_jit(module, f"host_function_{id(func):x}")
    instance = WasmModule(module, compiled, debug_info=False).instantiate({("host", "f"): func})
    # The module lives as long as the ``Func`` (which holds it): a table or global written from Python keeps the
    # ``Func``; one written by Wasm code does not, so the embedding keeps a host function it hands out alive.
    weakref.finalize(func, instance.free)
    return instance.function_descriptor(0), instance
