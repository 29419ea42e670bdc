"""``WasiConfig``: what a WASI instance sees (argv, environment, preopened directories, stdio), in the spirit of
wasmtime-py's ``WasiConfig``, and the native context built from it for one JIT instance.

    config = WasiConfig(argv=["prog", "x"], env={"HOME": "/"})
    config.preopen_dir("out", ".")
    config.stdout_file = "out.txt"          # default: inherit the process's stdout
    with module.instantiate(wasi=config) as instance:
        instance.exports["_start"]()        # raises WasiExit(code) if the program calls proc_exit

The context lives in C (``jitdebug_wasi.c``, in the JIT's native shim): the host functions never call Python.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import JitdebugError
from .preview1 import FUNCTIONS, host_symbol

StdioSpec = str | os.PathLike[str] | None


class WasiExit(Exception):  # noqa: N818 - wasmtime-py's ExitTrap, by another name: it is not an error
    """The program called ``proc_exit(code)``: the instance is finished, the process need not be."""

    def __init__(self, code: int) -> None:
        super().__init__(f"exit status {code}")
        self.code = code


@functools.cache
def _library() -> ctypes.CDLL:
    """The host functions and the context API, in the JIT's native shim (loaded when first needed: the shim's
    package imports this module)."""
    from ..jit import _native

    native = ctypes.CDLL(_native.__file__)
    native.jitdebug_wasi_new.restype = ctypes.c_void_p
    native.jitdebug_wasi_new.argtypes = [ctypes.c_int]
    native.jitdebug_wasi_free.argtypes = [ctypes.c_void_p]
    for setter in (native.jitdebug_wasi_set_args, native.jitdebug_wasi_set_env):
        setter.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_char_p)]
    native.jitdebug_wasi_preopen.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    native.jitdebug_wasi_set_stdio.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    native.jitdebug_wasi_trap_message.restype = ctypes.c_char_p
    native.jitdebug_wasi_exit_code.restype = ctypes.c_int32
    return native



def host_functions() -> dict[str, int]:
    """The address of every host function, by its C symbol (``jitdebug_wasi_fd_write``, ...)."""
    addresses = {}
    for name in FUNCTIONS:
        symbol = host_symbol(name)
        addresses[symbol] = ctypes.cast(_library()[symbol], ctypes.c_void_p).value or 0
    return addresses


def trap_message() -> str:
    """The causes of the last trap a host function raised on this thread, outermost first, one per line."""
    return (_library().jitdebug_wasi_trap_message() or b"").decode("utf-8", "replace")


def exit_code() -> int:
    return int(_library().jitdebug_wasi_exit_code())


def _strings(values: Sequence[str]) -> ctypes.Array[ctypes.c_char_p]:
    return (ctypes.c_char_p * max(len(values), 1))(*(os.fsencode(v) for v in values))


@dataclass
class WasiConfig:
    """The program's view of the world. Stdio: ``None`` inherits the process's descriptor; a path is opened
    (stdin for reading, stdout/stderr truncated for writing)."""

    argv: Sequence[str] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    #: (host directory, guest name) in fd order from 3.
    preopens: list[tuple[str, str]] = field(default_factory=list)
    stdin_file: StdioSpec = None
    stdout_file: StdioSpec = None
    stderr_file: StdioSpec = None

    def preopen_dir(self, host: str | os.PathLike[str], guest: str) -> None:
        self.preopens.append((os.fspath(host), guest))

    def inherit_env(self) -> None:
        self.env = dict(os.environ)

    def inherit_argv(self) -> None:
        self.argv = list(sys.argv)

    # wasmtime-py's spellings; stdio is inherited unless a file is given (wasmtime-py's default is none).
    def inherit_stdin(self) -> None:
        self.stdin_file = None

    def inherit_stdout(self) -> None:
        self.stdout_file = None

    def inherit_stderr(self) -> None:
        self.stderr_file = None

    def open(self) -> WasiContext:
        """A native context for one instance (freed with it)."""
        return WasiContext(self)


class WasiContext:
    """The native ``struct jitdebug_wasi`` of one instance."""

    def __init__(self, config: WasiConfig) -> None:
        address = _library().jitdebug_wasi_new(1)
        if not address:
            raise MemoryError("WASI context")
        self.address: int = address
        try:
            argv = list(config.argv)
            env = [f"{k}={v}" for k, v in config.env.items()]
            if _library().jitdebug_wasi_set_args(address, len(argv), _strings(argv)) < 0 or \
                    _library().jitdebug_wasi_set_env(address, len(env), _strings(env)) < 0:
                raise MemoryError("WASI arguments")
            for host, guest in config.preopens:
                error = _library().jitdebug_wasi_preopen(address, os.fsencode(host), os.fsencode(guest))
                if error:
                    raise JitdebugError(f"cannot preopen directory {host!r}: {os.strerror(error)}")
            for which, spec in enumerate((config.stdin_file, config.stdout_file, config.stderr_file)):
                if spec is None:
                    continue
                path = Path(spec)
                try:
                    fd = os.open(path, os.O_RDONLY if which == 0 else os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                                 0o666)
                except OSError as error:
                    raise JitdebugError(f"cannot open {path}: {error.strerror}") from None
                _library().jitdebug_wasi_set_stdio(address, which, fd)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.address:
            _library().jitdebug_wasi_free(self.address)
            self.address = 0
