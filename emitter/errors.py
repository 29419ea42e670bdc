"""Typed errors.

Every error a user can cause is a ``JitdebugError``; the CLI prints ``str(error)`` on one line and exits 2.
Errors about generated code name the function and the code offset; errors about Wasm input name the module
offset. Input validation never uses ``assert`` (it vanishes under ``-O``).
"""

from __future__ import annotations


class JitdebugError(Exception):
    """Base class of every error caused by bad input or an inexpressible request."""


class EmitError(JitdebugError):
    """A problem in a function being emitted, located by function name and code offset."""

    def __init__(self, message: str, *, function: str | None = None, offset: int | None = None) -> None:
        self.message = message
        self.function = function
        self.offset = offset
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.function is not None:
            where.append(f"function '{self.function}'")
        if self.offset is not None:
            where.append(f"code offset {self.offset:#x}")
        return f"{' at '.join(where)}: {self.message}" if where else self.message

    def located(self, function: str) -> EmitError:
        """Return the same error with the function filled in (builders often learn the name late)."""
        if self.function is not None:
            return self
        return type(self)(self.message, function=function, offset=self.offset)


class UnwindError(EmitError):
    """An unwind program that is inconsistent (pops what it never pushed, goes backwards, ...)."""


class FormatLimitError(EmitError):
    """A value that the target encoding cannot express (e.g. a Windows prologue longer than 255 bytes)."""


class SymbolError(EmitError):
    """Duplicate or otherwise invalid symbols in an object."""


class WasmError(JitdebugError):
    """A problem with a Wasm module, located by its byte offset in the module."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        self.message = message
        self.offset = offset
        super().__init__(f"module offset {offset:#x}: {message}" if offset is not None else message)


class DecodeError(WasmError):
    """Malformed binary: truncated, bad LEB128, bad section layout."""


class ValidationError(WasmError):
    """Well-formed binary that is not a valid module (type mismatch, bad index, ...)."""


class UnsupportedError(WasmError):
    """Valid Wasm that uses a feature or proposal this backend does not compile."""


class TrapError(JitdebugError):
    """A Wasm trap raised while running JIT code; ``backtrace`` is wasmtime's textual format."""

    def __init__(self, message: str, backtrace: str = "") -> None:
        self.trap_message = message
        self.backtrace = backtrace
        super().__init__(backtrace or message)
