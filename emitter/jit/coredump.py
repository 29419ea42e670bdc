"""Post-mortem core files from the JIT: on a trap, an uncaught Wasm exception or a fatal signal, the process
writes a standard ELF core of itself (``emitter/runtime/jitdebug_core.c``) while the Wasm frames are still on its
stack, so ``gdb -c`` and ``lldb -c`` show them with every local, the globals and the memory as they were.

Switched on by ``jitdebug run -D coredump=FILE`` (wasmtime's spelling), by ``set_core_dump(FILE)`` from Python,
or, for an embedder that cannot change its code, by the environment variable ``JITDEBUG_COREDUMP=FILE``, read
when ``emitter.jit`` is imported. AOT hosts get the same from ``jitdebug_trap_report`` with the same variable
(link ``jitdebug_core.c``).
"""

from __future__ import annotations

import os
import sys

from ..errors import JitdebugError
from . import _native

ENVIRONMENT = "JITDEBUG_COREDUMP"

_path: str | None = None


def set_core_dump(path: str | os.PathLike[str] | None) -> None:
    """Write a core file to ``path`` at every later trap or fatal signal (replacing the previous one); None
    stops writing them (the fatal signals get their default action back)."""
    global _path
    text = None if path is None else os.path.abspath(os.fspath(path))
    if path is not None and text is not None:
        directory = os.path.dirname(text)
        if not os.path.isdir(directory):
            raise JitdebugError(f"core file {os.fspath(path)!r}: directory {directory!r} does not exist")
    try:
        _native.set_core_dump(text)
    except (OSError, ValueError) as error:
        raise JitdebugError(f"core file {text!r}: {error}") from None
    _path = text


def core_dump_path() -> str | None:
    return _path


def take_written() -> tuple[str, int] | None:
    """The core file the last trap wrote and its size, once (None when none was written since)."""
    size = _native.last_core_size()
    return (_path, size) if _path is not None and size >= 0 else None


def from_environment() -> None:
    """``JITDEBUG_COREDUMP=FILE`` at import: a bad value is one warning line (an import must not fail for it)."""
    value = os.environ.get(ENVIRONMENT)
    if value:
        try:
            set_core_dump(value)
        except JitdebugError as error:
            print(f"jitdebug: warning: {ENVIRONMENT}: {error}; no core files", file=sys.stderr)
