"""Entry point of the LLDB plugin: ``command script import lldbplugin/jitdebug_lldb.py`` (or
``jitdebug lldb -- PROGRAM``).

Adds the ``wasm`` commands (bt, modules, functions, break, catch, watch, globals, memory, step, next, finish,
reverse-*, disas) and the frame names for editors (``frames.py``), and makes sure LLDB's GDB
JIT loader reads JIT images. Runs in LLDB's own Python with the standard library only.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from lldbplugin.plugin import install  # noqa: E402


def __lldb_init_module(debugger: object, internal_dict: dict) -> None:
    install(debugger, internal_dict)  # type: ignore[arg-type]
