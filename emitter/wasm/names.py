"""Function and module names, as symbols and backtraces spell them."""

from __future__ import annotations

from functools import lru_cache

from emitter.wasm.demangle import demangle
from emitter.wasm.module import Module


def function_name(module: Module, index: int) -> str:
    """The symbol name of a function: its ``name`` section name, else ``wasm-function[N]`` (the symbol contract)."""
    return module.function_names.get(index) or f"wasm-function[{index}]"


def display_name(module: Module, index: int, *, trap_report: bool = False) -> str:
    """The name a Wasm backtrace shows: the ``name`` section name (a Rust or C++ symbol demangled), else ``<wasm
    function N>``, as wasmtime prints. ``trap_report``: also a name that is a whole C++ type, as wasmtime's trap
    reports show it (``f`` is ``float``); the debuggers keep such a name as it is."""
    name = module.function_names.get(index)
    return _demangled(name, trap_report) if name else f"<wasm function {index}>"


@lru_cache(maxsize=1 << 16)
def _demangled(name: str, trap_report: bool) -> str:
    """``demangle``, remembered: a module's trap-report names are wanted when it is compiled (the frame table)
    and again at each instantiation (the instance's names), 5,000 of them for a 5,000-function module."""
    return demangle(name, bare_types=trap_report)


def module_display_name(module: Module) -> str:
    """The module part of a backtrace frame (``module!function``): ``<unknown>`` when the module is unnamed."""
    return module.module_name or "<unknown>"


def local_name(module: Module, func_index: int, local_index: int) -> str | None:
    """A parameter's or local's ``name`` section name, if any."""
    return module.local_names.get(func_index, {}).get(local_index) or None
