"""The project's C modules live in one shared object, the JIT shim's (``emitter/jit/_native``): a debugger stops the
process at each shared object it loads and reads its symbols, so four objects cost a debugged program's start four
times what one does. ``emitter._rows``, ``emitter.wasm._listing`` and ``emitter.wasm._bodies`` are each a
two-line module that calls ``load``, which initialises that module from the shim's object (its ``PyInit_`` function
of the module's name) and puts it in its own place in ``sys.modules``: importers get the C module itself.
"""

from __future__ import annotations

import sys
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from types import ModuleType

_DIRECTORY = Path(__file__).parent / "jit"


def _shared_object() -> Path:
    for suffix in EXTENSION_SUFFIXES:
        path = _DIRECTORY / f"_native{suffix}"
        if path.is_file():
            return path
    raise ImportError("the project's C modules are not built (setup.py build_ext --inplace)",
                      name="emitter.jit._native")


def load(name: str) -> ModuleType:
    """Initialise the C module ``name`` from the shared object and make it ``sys.modules[name]``."""
    path = str(_shared_object())
    loader = ExtensionFileLoader(name, path)
    spec = spec_from_file_location(name, path, loader=loader)
    assert spec is not None
    module = module_from_spec(spec)
    loader.exec_module(module)
    sys.modules[name] = module
    return module
