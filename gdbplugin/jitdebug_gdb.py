"""Entry point of the GDB plugin: ``source gdbplugin/jitdebug_gdb.py`` (or ``jitdebug gdb -- PROGRAM``).

Adds the ``wasm`` commands (bt, modules, functions, break, catch, watch, globals, memory, step, next, finish,
reverse-step, reverse-next, reverse-finish, disas), names Wasm frames in plain ``bt`` (``module!function [wasm
0xOFFSET]``) and a fallback unwinder for Wasm code without CFI. Runs in GDB's own Python with the standard library
only.
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from gdbplugin.plugin import install  # noqa: E402

install()
